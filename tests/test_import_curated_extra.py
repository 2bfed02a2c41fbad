"""The connectors of the curated files added in 2026 import them exactly, keep history, and
refuse bad input with its row: sovereign (sovereign_events.csv), people
(people_to_people.csv) and fdi (fdi_by_country.csv). The files are in ../shared/data; the
tests skip without them."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from collections import Counter
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

import lazos
from lazos.errors import LazosError
from lazos.store.importer import import_files

FILES = {"sovereign": "sovereign_events.csv", "people": "people_to_people.csv", "fdi": "fdi_by_country.csv"}


def raw(shared_data: Path, name: str) -> Path:
    path = shared_data / "curated" / FILES[name]
    if not path.exists():
        pytest.skip(f"{path} not found (the curated files added in 2026 are not in this shared data)")
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, built_db: Path, shared_data: Path) -> Path:
    """The embedded database with the three files imported (read-only for the tests)."""
    path = tmp_path_factory.mktemp("extra") / "lazos.duckdb"
    shutil.copyfile(built_db, path)
    for name in FILES:
        import_files(path, name, [raw(shared_data, name)])
    return path


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def edited(shared_data: Path, name: str, tmp_path: Path, change) -> Path:
    """A copy of a curated file with ``change(rows)`` applied to its rows (dicts)."""
    source = raw(shared_data, name)
    with source.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, records = reader.fieldnames, list(reader)
    records = change(records) or records
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    target = tmp_path / source.name
    target.write_text(out.getvalue(), encoding="utf-8")
    return target


SOVEREIGN_KINDS = ("sovereign_missed_payment", "sovereign_default", "sovereign_restructuring", "sovereign_default_exit")
PEOPLE_KINDS = (
    "visa_exemption_mutual",
    "visa_exemption_unilateral",
    "visa_exemption_diplomatic",
    "visa_free_transit",
    "direct_flight_started",
    "direct_flight_suspended",
)


# ---------------------------------------------------------------------------- sovereign


def test_sovereign_file_imports_every_row_as_one_event_with_its_page(imported, shared_data):
    events = rows(
        imported,
        "SELECT e.event_id, e.country, e.kind, e.detail, e.confidence, s.kind, s.url FROM event e "
        "JOIN source s USING (source_id) WHERE e.retired_at IS NULL AND e.kind LIKE 'sovereign%'",
    )
    # the file's 51 rows and the two ends of spells Lazos's review adds (sovereign.ADDITIONS)
    assert len(events) == 53 == len({e[0] for e in events})
    assert Counter(e[2] for e in events) == {
        "sovereign_restructuring": 19,
        "sovereign_default": 16,
        "sovereign_missed_payment": 11,
        "sovereign_default_exit": 7,
    }
    assert len({e[1] for e in events}) == 12
    assert {e[5] for e in events} == {"web_page"} and all(e[6].startswith("http") for e in events)
    assert {e[4] for e in events} <= {"high", "medium", "low"}
    detail = dict(
        rows(imported, "SELECT event_id, detail FROM event WHERE kind = 'sovereign_restructuring' AND country = 'CUB'")
    )
    assert list(detail.values()) == ["Restructuring of official (government-to-government) debt agreed"]
    digest = hashlib.sha256(raw(shared_data, "sovereign").read_bytes()).hexdigest()
    assert rows(
        imported, "SELECT kind, content_hash FROM source WHERE source_id = 'lazos-curated-sovereign-events'"
    ) == [("dataset", digest)]


def test_sovereign_rows_of_one_episode_share_an_event_key_and_keep_their_ids(imported):
    for key, dates in (
        ("ARG:sovereign_default:2001-12-23", ["2001-12-23", "2001-12-26"]),
        ("BRB:sovereign_restructuring:2018-10", ["2018-10", "2018-11"]),
    ):
        found = rows(
            imported,
            "SELECT event_id, date, source_id FROM event WHERE retired_at IS NULL AND event_key = ? ORDER BY date",
            [key],
        )
        assert [f[1] for f in found] == dates
        assert len({f[0] for f in found}) == 2 and len({f[2] for f in found}) == 2
    with lazos.open(imported) as db:
        headline = db.events(country="ARG", kind="sovereign_default").frame
        every = db.events(country="ARG", kind="sovereign_default", include_alternatives=True).frame
    assert len(every) == len(headline) + 1  # one real event, two assertions


# ---------------------------------------------------------------------------- people


def test_people_file_gives_72_observations_and_30_events_and_reports_the_2_undated_counts(shared_data, db_copy):
    report = import_files(db_copy, "people", [raw(shared_data, "people")])
    assert report.read == ["people_to_people.csv: 72 observations, 30 events; 2 undated counts left out (rows 39, 101)"]
    assert report.skipped == {"people_to_people.csv: counts with no date (no period to store them under)": 2}
    # the embedded dataset already holds them: importing the same file changes nothing
    assert report.changes["observations"].inserted == 0 and report.changes["events"].inserted == 0
    people = [
        "confucius_institutes",
        "confucius_classrooms",
        "chinese_government_scholarships",
        "sister_cities",
        "chinese_government_scholarship_recipients",
        "tourists_from_china",
        "direct_flights_per_month",
    ]
    assert rows(db_copy, "SELECT count(*) FROM observation WHERE retired_at IS NULL AND indicator IN ?", [people]) == [
        (72,)
    ]
    kinds = Counter(k for (k,) in rows(db_copy, "SELECT kind FROM event WHERE kind IN ?", [list(PEOPLE_KINDS)]))
    assert kinds == {
        "direct_flight_started": 8,
        "visa_exemption_mutual": 7,
        "visa_exemption_unilateral": 5,
        "visa_free_transit": 5,
        "direct_flight_suspended": 4,
        "visa_exemption_diplomatic": 1,
    }
    # The undated rows (Panama's second institute, Cuba's average arrivals) are not invented a date.
    assert rows(
        db_copy,
        "SELECT count(*) FROM observation WHERE entity = 'PAN' AND indicator = 'confucius_institutes' AND value = 2",
    ) == [(0,)]
    assert rows(
        db_copy, "SELECT count(*) FROM observation WHERE entity = 'CUB' AND indicator = 'tourists_from_china'"
    ) == [(0,)]


def test_people_counts_keep_lower_bounds_approximations_and_the_regional_rows(imported):
    detail = (
        "SELECT o.value, d.qualifier, d.note FROM observation o JOIN observation_detail d USING "
        "(entity, indicator, period, source_id) WHERE o.entity = ? AND o.indicator = ? AND o.period = ?"
    )
    assert rows(imported, detail, ["COL", "chinese_government_scholarship_recipients", "2019-11"])[0][:2] == (
        900.0,
        "lower_bound",
    )
    assert rows(imported, detail, ["ARG", "tourists_from_china", "2014"])[0][:2] == (25000.0, "approximate")
    value, qualifier, note = rows(imported, detail, ["LAC", "sister_cities", "2025-09"])[0]
    assert (value, qualifier) == (180.0, "approximate") and note.startswith("Regional total")
    assert rows(
        imported, "SELECT value FROM observation WHERE entity = 'LAC' AND indicator = 'confucius_institutes'"
    ) == [(46.0,)]
    assert rows(
        imported, "SELECT value FROM observation WHERE entity = 'MEX' AND indicator = 'direct_flights_per_month'"
    ) == [(13.0,)]
    brazil = rows(
        imported,
        "SELECT period, value FROM observation WHERE entity = 'BRA' AND indicator = "
        "'confucius_institutes' ORDER BY period",
    )
    assert [v for _, v in brazil] == [2.0, 8.0, 8.0, 11.0, 14.0]


def test_people_events_encode_what_the_reviewed_details_state(imported):
    def events(country: str) -> list[tuple]:
        return rows(
            imported,
            "SELECT kind, date, confidence, source_id, detail FROM event WHERE retired_at IS NULL AND country = ? "
            "AND kind LIKE 'direct_flight%' ORDER BY date",
            [country],
        )

    brazil = events("BRA")
    assert [(k, d, c) for k, d, c, _, _ in brazil] == [
        ("direct_flight_started", "2006-12-10", "low"),  # planned; the first flight is not verified
        ("direct_flight_suspended", "2020-03", "medium"),
        ("direct_flight_started", "2024-04-28", "high"),
    ]
    assert "not verified" in brazil[0][4] and "resumed" in brazil[2][4]
    panama = events("PAN")
    assert [(k, d) for k, d, *_ in panama] == [
        ("direct_flight_started", "2018-04-05"),
        ("direct_flight_suspended", "2020"),
    ]
    assert panama[1][3] == "lazos-curated-people-to-people"  # the curators' finding, not the 2018 page
    cuba = events("CUB")
    assert [(k, d) for k, d, *_ in cuba] == [
        ("direct_flight_started", "2015"),
        ("direct_flight_suspended", "2020"),  # the end of the row's 2015/2020 period
        ("direct_flight_started", "2024-05-17"),
    ]
    trial = rows(imported, "SELECT country, date, detail FROM event WHERE kind = 'visa_exemption_unilateral'")
    assert sorted(c for c, *_ in trial) == ["ARG", "BRA", "CHL", "PER", "URY"]
    assert all(d == "2025-06-01" and "2026-05-31" in text for _, d, text in trial)
    ecuador = rows(
        imported,
        "SELECT event_key, date FROM event WHERE country = 'ECU' AND kind = 'visa_exemption_mutual' ORDER BY date",
    )
    assert ecuador == [
        ("ECU:visa_exemption_mutual:2016-08-18", "2016-08-18"),
        ("ECU:visa_exemption_mutual:2016-08-18", "2016-08-19"),
    ]
    assert rows(imported, "SELECT kind FROM event WHERE country = 'SUR' AND kind LIKE 'visa%'") == [
        ("visa_exemption_diplomatic",)
    ]


# ---------------------------------------------------------------------------- fdi


def test_fdi_file_imports_23_values_each_with_its_basis(imported):
    found = rows(
        imported,
        "SELECT o.entity, o.indicator, o.period, o.value, o.source_id, d.qualifier, d.note FROM observation o "
        "JOIN observation_detail d USING (entity, indicator, period, source_id) "
        "WHERE o.indicator IN ('chn_fdi_stock', 'chn_fdi_flow')",
    )
    assert len(found) == 23
    assert all(note.startswith("basis: ") for *_, note in found)
    by = {(e, i, p, v): (s, q, n) for e, i, p, v, s, q, n in found}
    mofcom = by[("MEX", "chn_fdi_stock", "2023", 1.7e9)]
    host = by[("MEX", "chn_fdi_stock", "2023", 1.2e9)]
    assert mofcom[2] == "basis: MOFCOM/NBS/SAFE statistical bulletin"
    assert host[2] == "basis: host-country data (Secretaría de Economía, Mexico)"
    assert mofcom[0] != host[0]  # alternative assertions of one observation key
    assert by[("BRA", "chn_fdi_stock", "2023", 45.3e9)][2] == "basis: host-country data (Banco Central do Brasil)"
    assert by[("BRA", "chn_fdi_flow", "2021", 5.9e9)][2] == "basis: CEBC project tracking"
    assert by[("PER", "chn_fdi_stock", "2024", 30e9)][1:] == ("lower_bound", "basis: official statement (lower bound)")
    assert "annual average over 2020–2023" in by[("MEX", "chn_fdi_flow", "2020/2023", 2.9e8)][2]
    assert "offshore" in by[("LAC", "chn_fdi_stock", "2010", 43.88e9)][2]
    territories = rows(imported, "SELECT iso3, kind FROM country WHERE iso3 IN ('CYM', 'VGB', 'LAC') ORDER BY 1")
    assert territories == [("CYM", "territory"), ("LAC", "aggregate"), ("VGB", "territory")]
    cited = rows(imported, "SELECT publisher, cited_in FROM source WHERE source_id = ?", [mofcom[0]])
    assert cited[0][0] == "MOFCOM" and cited[0][1].startswith("web-wxredian-com")


# ---------------------------------------------------------------------------- history


def test_a_changed_file_retires_the_old_rows_and_as_of_before_shows_them(shared_data, db_copy, tmp_path):
    import_files(db_copy, "sovereign", [raw(shared_data, "sovereign")])
    import_files(db_copy, "people", [raw(shared_data, "people")])

    def change_sovereign(records):
        for r in records:
            if (r["iso3"], r["date"]) == ("CUB", "2015-12-12"):
                r["instrument"] = "loans"
        return [r for r in records if r["iso3"] != "VEN"]  # a row withdrawn

    def change_people(records):
        for r in records:
            if (r["iso3"], r["indicator"], r["period"]) == ("BRA", "confucius_institutes", "2025-09-12"):
                r["value"] = "15"

    (tmp_path / "s").mkdir()
    (tmp_path / "p").mkdir()
    sovereign = edited(shared_data, "sovereign", tmp_path / "s", change_sovereign)
    people = edited(shared_data, "people", tmp_path / "p", change_people)
    report = import_files(db_copy, "sovereign", [sovereign])
    assert (report.changes["events"].inserted, report.changes["events"].retired) == (1, 2)
    changed_at = rows(db_copy, "SELECT started_at FROM load_run WHERE load_id = ?", [report.load_id])[0][0]
    before = changed_at - timedelta(microseconds=1)
    report = import_files(db_copy, "people", [people])
    assert (report.changes["observations"].inserted, report.changes["observations"].retired) == (1, 1)
    assert report.changes["events"].retired == 0

    def brazil_institutes(db) -> float:
        frame = db.observations(indicator="confucius_institutes", entity="BRA").frame
        return frame[frame["period"] == "2025-09-12"].iloc[0]["value"]

    with lazos.open(db_copy) as now, lazos.open(db_copy, recorded_as_of=before) as then:
        assert brazil_institutes(now) == 15 and brazil_institutes(then) == 14
        assert now.events(country="VEN", kind="sovereign_default").frame.empty
        assert len(then.events(country="VEN", kind="sovereign_default").frame) == 1
        cuba = now.events(country="CUB", kind="sovereign_restructuring").frame["detail"].tolist()
        assert cuba == ["Restructuring of loans agreed"]


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        (
            "sovereign",
            lambda rs: [{**r, "iso3": "XXX"} if i == 3 else r for i, r in enumerate(rs)],
            r"row 5, column 'iso3': unknown country code 'XXX'",
        ),
        (
            "people",
            lambda rs: [{**r, "period": "2021-13"} if i == 0 else r for i, r in enumerate(rs)],
            r"row 2, column 'period': invalid date '2021-13'",
        ),
        (
            "fdi",
            lambda rs: [{**r, "period": "2023-02-30"} if i == 1 else r for i, r in enumerate(rs)],
            r"row 3, column 'period': invalid date '2023-02-30'",
        ),
        (
            "sovereign",
            lambda rs: [{**r, "event": "defaulted"} if i == 0 else r for i, r in enumerate(rs)],
            r"row 2, column 'event': unknown event 'defaulted'",
        ),
        (
            "people",
            lambda rs: [{**r, "iso3": "LA"} if i == 5 else r for i, r in enumerate(rs)],
            r"row 7, column 'iso3': unknown country code 'LA'",
        ),
        (
            "sovereign",
            lambda rs: [{**r, "iso3": "LAC"} if i == 0 else r for i, r in enumerate(rs)],
            r"row 2, column 'iso3': a regional row \(LAC\) is not a state",
        ),
    ],
)
def test_bad_rows_are_refused_with_their_row_and_nothing_is_written(
    name, change, message, shared_data, db_copy, tmp_path, content
):
    before = content(db_copy)
    bad = edited(shared_data, name, tmp_path, change)
    with pytest.raises(LazosError, match=message):
        import_files(db_copy, name, [bad])
    assert content(db_copy) == before


def test_a_wrong_column_or_latin1_bytes_are_refused(shared_data, db_copy, tmp_path):
    source = raw(shared_data, "fdi")
    text = source.read_text(encoding="utf-8")
    renamed = tmp_path / "renamed" / source.name
    renamed.parent.mkdir()
    renamed.write_text(text.replace("currency,", "ccy,", 1), encoding="utf-8")
    with pytest.raises(LazosError, match=r"row 1, column 'currency': the column is missing") as info:
        import_files(db_copy, "fdi", [renamed])
    assert "column 'ccy'" in str(info.value)
    latin = tmp_path / "latin" / "sovereign_events.csv"
    latin.parent.mkdir()
    latin.write_bytes(raw(shared_data, "sovereign").read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    with pytest.raises(LazosError, match=r"not valid UTF-8"):
        import_files(db_copy, "sovereign", [latin])
    with pytest.raises(LazosError, match=r"not the curated sovereign events file"):
        import_files(db_copy, "sovereign", [raw(shared_data, "fdi")])


def test_hostile_text_in_a_detail_stays_inert(shared_data, db_copy, tmp_path):
    hostile = "<script>alert(1)</script>'; DROP TABLE event; -- =cmd|' /C calc'!A0 {{7*7}} \x1b[2J"

    def poison(records):
        for r in records:
            r["detail"] = r["detail"] + " " + hostile

    for name in FILES:
        folder = tmp_path / name
        folder.mkdir()
        import_files(db_copy, name, [edited(shared_data, name, folder, poison)])
    stored = rows(
        db_copy,
        "SELECT count(*) FROM (SELECT detail AS t FROM event UNION ALL SELECT note FROM event "
        "UNION ALL SELECT note FROM observation_detail UNION ALL SELECT note FROM source "
        "UNION ALL SELECT title FROM source) WHERE t LIKE '%<script>%' OR t LIKE '%DROP TABLE%' OR t LIKE '%{{7*7}}%'",
    )
    assert stored == [(0,)]
    assert rows(db_copy, "SELECT count(*) FROM event WHERE kind LIKE 'sovereign%'") == [(53,)]
