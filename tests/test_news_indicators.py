"""News indicators and the protest-surge alert (issue 14).

The indicators (method.yaml ``news_events``) are checked on the real GDELT 2.0 events file in the
shared data: its 15 China–Brazil events, all cooperation. The surge rule (alerts.yaml
``protest_surge``) is checked on a CONSTRUCTED history: rows written by this test, not GDELT data,
cited to a source that says so, with example.org addresses. Nothing constructed is presented as real.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
import yaml

import lazos
from lazos.analytics.method import MethodError, default_alerts, default_method, load_method
from lazos.errors import LazosError
from lazos.sources.common import source_row
from lazos.store.importer import run_import

REAL_FILE = "20191024143000.export.CSV"
REAL_SOURCE = "gdelt-events-20191024143000"
# The real file's China–Brazil events, as GDELT published them (columns GLOBALEVENTID, Day,
# EventCode, NumArticles, AvgTone): the expectations below are computed from these by hand.
REAL_EVENTS = [
    ("881990861", "2019-09-24", "036", 10, 1.0989010989011),
    ("881991174", "2019-10-24", "042", 3, 3.27858959437907),
    ("881991175", "2019-10-24", "042", 3, 3.27858959437907),
    ("881991176", "2019-10-24", "043", 1, 2.46913580246914),
    ("881991178", "2019-10-24", "042", 9, 2.46913580246914),
    ("881991179", "2019-10-24", "042", 2, 2.46913580246914),
    ("881991180", "2019-10-24", "043", 1, 2.46913580246914),
    ("881991280", "2019-10-24", "042", 1, 2.46913580246914),
    ("881991281", "2019-10-24", "043", 3, 3.27858959437907),
    ("881991282", "2019-10-24", "043", 3, 3.27858959437907),
    ("881991283", "2019-10-24", "042", 1, 2.46913580246914),
    ("881991284", "2019-10-24", "043", 2, 2.46913580246914),
    ("881991285", "2019-10-24", "043", 1, 2.46913580246914),
    ("881992192", "2019-10-24", "042", 10, 3.01040808535433),
    ("881992428", "2019-10-24", "050", 3, 2.46913580246914),
]


def copy_of(built_db: Path, folder: Path) -> Path:
    target = folder / "news.duckdb"
    shutil.copyfile(built_db, target)
    return target


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory, built_db: Path, shared_data: Path) -> Path:
    """The embedded database with the real GDELT events file imported."""
    path = shared_data / "gdelt" / REAL_FILE
    if not path.exists():
        pytest.skip(f"the GDELT events file {REAL_FILE} is not in the shared data")
    target = copy_of(built_db, tmp_path_factory.mktemp("news_real"))
    lazos.import_file("gdelt", path, db=target)
    return target


@pytest.fixture(scope="module")
def real(real_db: Path):
    with lazos.open(real_db) as handle:
        yield handle


# ---------------------------------------------------------------------------- the method


def test_the_method_defines_cooperation_and_conflict_by_cameo_root():
    part = default_method().news_events
    assert part is not None and part.tone_weight == "num_articles"
    assert list(part.families["cooperation"].roots) == ["03", "04", "05", "06"]
    assert list(part.families["conflict"].roots) == ["11", "12", "13", "14"]
    assert part.families["conflict"].roots["14"] == "Protest"
    assert "coverage, not events" in part.note


def test_the_protest_surge_rule_reads_the_conflict_family():
    rule = default_alerts().rules["protest_surge"]
    assert set(rule.roots) == set(default_method().news_events.families["conflict"].roots)


def method_data() -> dict:
    from importlib import resources

    return yaml.safe_load(resources.files("lazos.analytics").joinpath("method.yaml").read_text("utf-8"))


def test_a_cameo_root_in_two_families_is_refused_naming_it(tmp_path):
    data = method_data()
    data["news_events"]["families"]["conflict"]["roots"]["06"] = "Engage in material cooperation"
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(MethodError, match="CAMEO root 06 is in two families"):
        load_method(tmp_path / "m.yaml")


def test_a_root_that_is_not_a_cameo_root_is_refused(tmp_path):
    data = method_data()
    data["news_events"]["families"]["conflict"]["roots"]["21"] = "No such root"
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(MethodError, match=r"news_events\.families\.conflict\.roots"):
        load_method(tmp_path / "m.yaml")


def test_a_news_surge_rule_without_its_thresholds_is_refused():
    from lazos.analytics.method import AlertRule

    rule = default_alerts().rules["protest_surge"].model_dump()
    with pytest.raises(ValueError, match="missing its parameters"):
        AlertRule.model_validate({**rule, "without_history": None})
    with pytest.raises(ValueError, match="min_history_months cannot exceed baseline_months"):
        AlertRule.model_validate({**rule, "min_history_months": 13})
    with pytest.raises(ValueError, match="warning at most severe"):
        AlertRule.model_validate({**rule, "min_events": {"warning": 7, "severe": 6}})


@pytest.mark.parametrize(
    ("match", "actors", "why"),
    [
        ("entity", [(None, None)], "entity"),
        ("actor", [("BRAOPP", "BRA"), ("CHNBUS", "CHN")], "Chinese actor CHNBUS"),
        ("geo", [("MNCCHN", "CHN"), (None, None)], "Chinese actor MNCCHN"),
        ("actor", [("BRAOPP", "BRA"), ("CHNGOV", "CHN")], None),  # the Chinese state is not a firm
        ("geo", [("MNCBRA", "BRA"), ("CHN", "CHN")], None),  # a Brazilian multinational (Embraer)
    ],
)
def test_an_event_is_linked_by_an_entity_match_or_a_chinese_firm_as_actor(match, actors, why):
    assert default_alerts().rules["protest_surge"].linked.linked(match, tuple(actors)) == why


# ---------------------------------------------------------------------------- real events


def test_the_real_file_gives_fifteen_china_brazil_cooperation_events(real):
    events = real.news_events("Brazil").frame
    got = {r.event_id: (r.day, r.event_code, r.num_articles, r.avg_tone) for r in events.itertuples()}
    assert set(got) == {e[0] for e in REAL_EVENTS}
    for event_id, day, code, articles, tone in REAL_EVENTS:
        assert got[event_id][:3] == (day, code, articles) and got[event_id][3] == pytest.approx(tone)
    assert set(events["family"]) == {"cooperation"}
    assert set(events["source_id"]) == {REAL_SOURCE}
    assert all(url.startswith("https://") for url in events["source_url"])


def test_monthly_counts_and_article_weighted_tone_of_the_real_events(real):
    rows = {(r["month"], r["family"]): r for r in real.news_indicators("BRA").rows}
    assert set(rows) == {("2019-09", "cooperation"), ("2019-10", "cooperation")}
    september = [e for e in REAL_EVENTS if e[1].startswith("2019-09")]
    october = [e for e in REAL_EVENTS if e[1].startswith("2019-10")]
    assert (rows[("2019-09", "cooperation")]["events"], rows[("2019-10", "cooperation")]["events"]) == (1, 14)
    assert rows[("2019-10", "cooperation")]["articles"] == sum(e[3] for e in october) == 43
    by_hand = sum(e[3] * e[4] for e in october) / sum(e[3] for e in october)
    assert rows[("2019-10", "cooperation")]["tone"] == pytest.approx(by_hand) == pytest.approx(2.8209, abs=1e-4)
    unweighted = sum(e[4] for e in october) / len(october)
    assert abs(by_hand - unweighted) > 0.01  # the weighting is what makes the figure
    assert rows[("2019-09", "cooperation")]["tone"] == pytest.approx(september[0][4])
    assert rows[("2019-10", "cooperation")]["sources"] == [REAL_SOURCE]


def test_the_indicator_table_cites_the_gdelt_file_and_says_how_to_read_counts(real):
    table = real.news_indicators("BRA")
    assert [s.source_id for s in table.sources] == [REAL_SOURCE]
    assert table.sources[0].url == "http://data.gdeltproject.org/gdeltv2/20191024143000.export.CSV.zip"
    assert "coverage, not events" in table.note
    assert table.to_dict()["rows"][0]["country"] == "BRA"


def test_the_real_events_hold_no_conflict(real):
    assert real.news_indicators(family="conflict").empty
    assert len(real.news_indicators(family="Cooperation")) == 2  # family names ignore case


@pytest.mark.parametrize(
    ("as_of", "months"),
    [
        ("2019-09-30", []),  # the September event was published on 24 October
        ("2019-10-23", []),
        ("2019-10-24", ["2019-09", "2019-10"]),
        ("2019", ["2019-09", "2019-10"]),
        ("2019-08", []),
    ],
)
def test_an_event_counts_once_its_day_and_its_publication_are_past(real, as_of, months):
    table = real.news_indicators("BRA", as_of=as_of)
    assert list(table.frame["month"]) == months
    assert len(real.news_events("BRA", as_of=as_of)) == (15 if months else 0)


def test_listing_the_events_of_a_month_gives_each_article(real):
    rows = real.news_events("BRA", month="2019-09").rows
    assert [(r["event_id"], r["source_url"]) for r in rows] == [
        ("881990861", "https://af.reuters.com/article/commoditiesNews/idAFL2N2790KV")
    ]
    with pytest.raises(LazosError, match="expected YYYY-MM"):
        real.news_events("BRA", month="2019-9")


def test_an_unknown_family_or_a_state_outside_celac_is_refused(real):
    with pytest.raises(LazosError, match="unknown family 'protest'"):
        real.news_indicators(family="protest")
    with pytest.raises(LazosError, match="not one of the 33 CELAC states"):
        real.news_indicators("China")


def test_cooperation_in_the_real_events_raises_no_surge_alert(real):
    assert "protest_surge" not in set(real.alerts(country="BRA").frame["rule"])


def test_cli_news_shows_the_months_and_the_note(cli, real_db):
    result = cli("news", "Brazil", db=real_db)
    assert result.code == 0, result.err
    assert "2019-10" in result.out and "+2.82" in result.out and "43" in result.out
    assert "coverage, not events" in " ".join(result.out.split())
    as_json = json.loads(cli("news", "BRA", "--format", "json", db=real_db).out)
    assert as_json["count"] == 2 and as_json["sources"][0]["source_id"] == REAL_SOURCE
    as_csv = cli("news", "BRA", "--format", "csv", db=real_db).out.splitlines()
    assert as_csv[0] == "country,name,month,family,events,articles,tone,sources"
    assert as_csv[2].endswith(f",{REAL_SOURCE}")


def test_cli_news_events_lists_the_articles(cli, real_db):
    result = cli("news", "BRA", "--events", "--month", "2019-09", db=real_db)
    assert result.code == 0, result.err
    assert "https://af.reuters.com/article/commoditiesNews/idAFL2N2790KV" in result.out
    none = cli("news", "BRA", "--events", "--as-of", "2019-10-23", db=real_db)
    assert none.code == 0 and "nothing to show" in none.out
    bad = cli("news", "BRA", "--family", "protest", db=real_db)
    assert bad.code != 0 and "unknown family" in bad.err


# ---------------------------------------------------------------------------- constructed history

CONSTRUCTED = "lazos-tests-constructed-news"


def constructed_source() -> dict:
    return source_row(
        source_id=CONSTRUCTED,
        kind="dataset",
        title="Constructed news events for Lazos's tests (not GDELT data, not real events)",
        publisher="Lazos tests, constructed",
        published="2026-12-06",
        retrieved="2026-12-06",
        note="Rows written by tests/test_news_indicators.py to exercise the surge rule.",
    )


class Constructed:
    """Constructed news events (not real): protests by a local group against a Chinese firm."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(
        self,
        country: str,
        day: str,
        *,
        added: str | None = None,
        code: str = "141",
        firm: tuple[str | None, str | None, str | None] = ("CHNBUS", "CHINESE COMPANY", "CHN"),
        match: str = "actor",
    ) -> str:
        n = len(self.rows) + 1
        event_id = str(990_000_000 + n)
        self.rows.append(
            {
                "event_id": event_id,
                "day": day,
                "date_added": datetime.fromisoformat(f"{added or day}T12:00:00"),
                "country": country,
                "match": match,
                "actor1_code": f"{country}OPP",
                "actor1_name": "PROTESTER",
                "actor1_country": country,
                "actor2_code": firm[0],
                "actor2_name": firm[1],
                "actor2_country": firm[2],
                "is_root_event": True,
                "event_code": code,
                "event_root_code": code[:2],
                "quad_class": 3 if code[:2] in ("11", "12", "13", "14") else 1,
                "goldstein": -6.5,
                "num_mentions": 2,
                "num_sources": 1,
                "num_articles": 2,
                "avg_tone": -4.0,
                "source_url": f"https://example.org/constructed/{event_id}",
                "source_id": CONSTRUCTED,
            }
        )
        return event_id

    def monthly(self, country: str, year: int, per_month: int) -> None:
        for month in range(1, 13):
            for i in range(per_month):
                self.add(country, f"{year}-{month:02d}-{10 + i:02d}")

    def load(self, db: Path) -> None:
        def stage(staging, ctx) -> str:
            staging.add_rows("sources", [constructed_source()], "constructed")
            staging.add_rows("news_events", self.rows, "constructed")
            return f"{len(self.rows)} constructed news events"

        run_import(db, "gdelt", [("constructed news events (tests)", stage)])


# Constructed January 2022 counts of linked protests, against 2021 months of 1 (baseline median 1)
# or 2 (median 2) a month. Thresholds (alerts.yaml 1.2.0): warning at least 3 events and 3x the
# median, severe at least 6 and 5x; without 6 months of history, 6 (warning) and 12 (severe).
SURGES = {
    # country: (events a month in 2021, linked events in January 2022, severity, threshold)
    "BRA": (1, 6, "severe", 6),  # the severe edge: 6 = max(6, 5 x 1)
    "ARG": (1, 5, "warning", 3),  # one short of severe
    "CHL": (1, 3, "warning", 3),  # the warning edge
    "PER": (1, 2, None, None),  # one short of a warning
    "ECU": (2, 9, "warning", 6),  # 9 >= 6 events, but below 5 x 2 = 10: the ratio holds it at warning
    "MEX": (2, 5, None, None),  # at least 3 events, but below 3 x 2 = 6
}


@pytest.fixture(scope="module")
def constructed(tmp_path_factory: pytest.TempPathFactory, built_db: Path) -> dict:
    """The embedded database with the constructed history loaded; returns its path and the ids
    of the events each January 2022 surge should list."""
    history = Constructed()
    expected: dict[str, list[str]] = {}
    for country, (per_month, surge, _, _) in SURGES.items():
        history.monthly(country, 2021, per_month)
        by_code = surge - 1 if country == "BRA" else surge
        expected[country] = [history.add(country, f"2022-01-{3 + i:02d}") for i in range(by_code)]
    # Brazil's sixth linked event is found by name only (match entity, no Chinese actor code),
    # and its January also holds events that are not linked, or not conflict: none may count.
    expected["BRA"].append(history.add("BRA", "2022-01-20", firm=(None, "SINOHYDRO", None), match="entity"))
    history.add("BRA", "2022-01-04", firm=("CHNGOV", "CHINA", "CHN"))  # a protest against the Chinese state
    history.add("BRA", "2022-01-04", code="042")  # a Chinese firm, but cooperation
    history.add("BRA", "2022-01-04", code="172")  # coercion: outside the conflict family's roots
    # Venezuela, before any other news: 5 in June 2020 (no history at all), 6 in July 2020 (one
    # month of history, too few for a baseline: the higher threshold applies).
    expected["VEN"] = [history.add("VEN", f"2020-07-{d:02d}") for d in range(1, 7)]
    for d in range(1, 6):
        history.add("VEN", f"2020-06-{d:02d}")
    # Colombia, no event before: two in January 2022 (short of a warning), and one of 31 January
    # that GDELT added on 2 February, which makes three (a warning) from then on.
    for day in ("2022-01-10", "2022-01-11"):
        history.add("COL", day)
    late = history.add("COL", "2022-01-31", added="2022-02-02")
    path = copy_of(built_db, tmp_path_factory.mktemp("news_constructed"))
    history.load(path)
    return {"path": path, "expected": expected, "late": late}


@pytest.fixture(scope="module")
def surged(constructed):
    with lazos.open(constructed["path"]) as handle:
        alerts = handle.alerts().frame
        yield handle, alerts[alerts["rule"] == "protest_surge"]


@pytest.mark.parametrize("country", list(SURGES))
def test_the_surge_rule_fires_at_its_threshold_edges(surged, country):
    _, alerts = surged
    _, count, severity, threshold = SURGES[country]
    found = alerts[(alerts["country"] == country) & (alerts["period"] == "2022-01")]
    if severity is None:
        assert found.empty
        return
    assert len(found) == 1
    alert = found.iloc[0]
    assert (alert["severity"], alert["value"], alert["threshold"]) == (severity, count, threshold)
    assert alert["alert_id"] == f"protest_surge:{country}:2022-01"


def test_no_month_of_the_constructed_baseline_raises_an_alert(surged):
    _, alerts = surged
    assert set(alerts["period"]) == {"2022-01", "2020-07"}


def test_the_alert_lists_each_linked_event_with_its_article_and_file(surged, constructed):
    _, alerts = surged
    alert = alerts[alerts["alert_id"] == "protest_surge:BRA:2022-01"].iloc[0]
    inputs = alert["inputs"]
    assert [i["event_id"] for i in inputs] == constructed["expected"]["BRA"]
    for i in inputs:
        assert i["kind"] == "news_event" and i["source_id"] == CONSTRUCTED
        assert i["source_url"] == f"https://example.org/constructed/{i['event_id']}"
        assert i["period"].startswith("2022-01-")
    assert inputs[-1]["linked_by"] == "entity" and inputs[0]["linked_by"] == "Chinese actor CHNBUS"
    assert alert["sources"] == [CONSTRUCTED]


def test_the_explanation_names_the_count_the_baseline_and_the_source(surged):
    _, alerts = surged
    message = alerts[alerts["alert_id"] == "protest_surge:BRA:2022-01"].iloc[0]["message"]
    assert "GDELT coded 6 events" in message and "(6 protests)" in message
    assert "in Brazil in 2022-01" in message and "first reported in 6 articles" in message
    assert "against a median of 1 a month in the 12 months before it" in message
    assert "the severe threshold is 6 events" in message
    assert "Lazos tests, constructed" in message


def test_without_enough_history_only_the_higher_threshold_fires(surged, constructed):
    _, alerts = surged
    venezuela = alerts[alerts["country"] == "VEN"]
    assert list(venezuela["period"]) == ["2020-07"]  # June's 5 would be a warning with a baseline
    alert = venezuela.iloc[0]
    assert (alert["severity"], alert["value"], alert["threshold"]) == ("warning", 6, 6)
    assert "of the 12 months before it, too few for a baseline (6 needed)" in alert["message"]
    assert [i["event_id"] for i in alert["inputs"]] == constructed["expected"]["VEN"]


def test_an_event_counts_for_the_alert_only_once_gdelt_published_it(constructed):
    with lazos.open(constructed["path"]) as handle:
        before = handle.alerts(country="COL", as_of="2022-02-01").frame
        after = handle.alerts(country="COL", as_of="2022-02-02").frame
    assert "protest_surge" not in set(before["rule"])  # two events known then
    surge = after[after["rule"] == "protest_surge"].iloc[0]
    assert (surge["severity"], surge["value"], surge["period"]) == ("warning", 3, "2022-01")
    assert constructed["late"] in {i["event_id"] for i in surge["inputs"]}


def test_an_alert_of_a_month_not_over_is_dated_by_the_as_of_date(constructed):
    with lazos.open(constructed["path"]) as handle:
        found = handle.alerts(country="BRA", as_of="2022-01-25").frame
    surge = found[found["rule"] == "protest_surge"].iloc[0]
    assert str(surge["date"]) == "2022-01-25" and surge["severity"] == "severe"


def test_cli_alerts_print_the_surge_with_its_articles(cli, constructed):
    result = cli("alerts", "--country", "BRA", "--since", "2022-01", db=constructed["path"])
    assert result.code == 0, result.err
    out = " ".join(result.out.split())
    assert "Surge of protests" in out and "severe" in out
    for event_id in constructed["expected"]["BRA"]:
        assert f"https://example.org/constructed/{event_id}" in out
    data = json.loads(cli("alerts", "--country", "BRA", "--format", "json", db=constructed["path"]).out)
    surge = next(r for r in data["rows"] if r["rule"] == "protest_surge")
    assert len(surge["inputs"]) == 6 and surge["rules_version"] == default_alerts().version
