"""The IMF World Economic Outlook connector: both layouts imported exactly, vintages, estimates,
recovered text, bad input refused with its place, the embedded part, and schema 7."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from conftest import stage_file, three_country_store
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_readers import CELLS

import lazos
from lazos.errors import ValidationError
from lazos.sources import weo
from lazos.sources.base import Context, load_origins
from lazos.store.importer import import_files, resolver_from
from lazos.store.migrations import current_version, latest_version, migrate
from lazos.store.staging import Staging

CSV_2025 = "imf/WEOApr2025all_lac.csv"
TSV_2020 = "imf/WEOApr2020all_lac.xls"
DSD = "imf/weopub-dsd-apr2025.xlsx"
SOURCE_2025 = "imf-weo-2025-04-419a8049"
SOURCE_2020 = "imf-weo-2020-04-ab325fbb"


def rows_of(path: Path, delimiter: str, encoding: str) -> tuple[list[str], list[list[str]]]:
    """Header and data rows, read independently of the connector (footer and blank lines left out)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding), newline=""), delimiter=delimiter))
    body = [r for r in rows[1:] if any(c.strip() for c in r) and not r[0].startswith("International Monetary")]
    return rows[0], body


def values_in(header: list[str], body: list[list[str]]) -> dict[tuple[str, str, str], float]:
    years = [(i, h) for i, h in enumerate(header) if h.isdigit()]
    return {
        (r[1], r[2], year): float(r[i].replace(",", ""))
        for r in body
        for i, year in years
        if r[i] not in ("n/a", "--", "")
    }


def stored(db: Path, source_id: str) -> dict[tuple[str, str, str], float]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT entity, indicator, period, value FROM observation WHERE source_id = ? AND retired_at IS NULL",
            [source_id],
        ).fetchall()
    return {(e, i, p): v for e, i, p, v in rows}


def refused(db: Path, path: Path, content, **options) -> list:
    before = content(db)
    with pytest.raises(ValidationError) as info:
        import_files(db, "weo", [path], **options)
    assert content(db) == before
    assert all(e.file == str(path) for e in info.value.errors)
    return info.value.errors


def edited(shared_data: Path, tmp_path: Path, change, name: str = "WEOApr2025all_lac.csv") -> tuple[Path, int]:
    """A copy of the 2025 CSV with ``change(header, rows)`` applied to its parsed rows (footer kept)."""
    text = (shared_data / CSV_2025).read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    row = change(rows[0], rows)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / name
    path.write_text(out.getvalue(), "utf-8")
    return path, row


def find(rows: list[list[str]], iso: str, subject: str) -> int:
    return next(i for i, r in enumerate(rows) if len(r) > 2 and r[1] == iso and r[2] == subject)


# ----------------------------------------------------------------------------- both layouts, exactly


def test_the_april_2025_csv_imports_every_value_of_its_1452_rows_exactly(shared_data, db_copy):
    header, body = rows_of(shared_data / CSV_2025, ",", "utf-8")
    assert len(body) == 1452 and len(header) == 61
    report = import_files(db_copy, "weo", [shared_data / CSV_2025])
    expected = values_in(header, body)
    assert stored(db_copy, SOURCE_2025) == expected  # every value, full precision, none invented
    # the embedded dataset already holds the 14,728 values of the 15 subjects it keeps
    assert report.changes["observations"].inserted == len(expected) - 14728 and len(expected) == 58446
    assert report.changes["indicators"].inserted == 44 - 15
    assert {e for e, _, _ in expected} == {r[1] for r in body} and len({r[1] for r in body}) == 33
    with lazos.open(db_copy) as db:
        debt = db.observations(indicator="GGXWDG_NGDP").frame.set_index(["entity", "period"])
    assert round(debt.loc[("ARG", "2024"), "value"], 3) == 85.334
    assert debt.loc[("ARG", "2024"), "qualifier"] == "exact"
    assert round(debt.loc[("CHN", "2024"), "value"], 3) == 88.327
    assert debt.loc[("VEN", "2024"), "value"] == float(body[find(body, "VEN", "GGXWDG_NGDP")][header.index("2024")])
    assert round(debt.loc[("VEN", "2024"), "value"], 3) == 164.272
    assert (debt.loc[("VEN", "2024"), "qualifier"], debt.loc[("VEN", "2024"), "note"]) == (
        "estimate",
        "IMF estimate; actual data end 2017 (WEO April 2025)",
    )
    assert round(debt.loc[("BRA", "2024"), "value"], 3) == 87.284
    assert debt.loc[("BRA", "2024"), "note"] == "IMF estimate; actual data end 2023 (WEO April 2025)"
    assert debt.loc[("BRA", "2026"), "note"] == "IMF projection; actual data end 2023 (WEO April 2025)"
    assert debt.loc[("BRA", "2023"), "qualifier"] == "exact"
    assert debt.loc[("BRA", "2024"), "unit"] == "percent of GDP"


def test_the_imfs_tab_separated_latin1_2020_xls_imports_exactly_thousands_separators_included(shared_data, db_copy):
    header, body = rows_of(shared_data / TSV_2020, "\t", "cp1252")
    assert len(body) == 264 and header[-2:] == ["2021", "Estimates Start After"]
    report = import_files(db_copy, "weo", [shared_data / TSV_2020])
    expected = values_in(header, body)
    assert stored(db_copy, SOURCE_2020) == expected
    assert report.changes["observations"].inserted == len(expected) - 4765 and len(expected) == 9839
    big = next((r[1], r[2], h) for r in body for h, c in zip(header, r, strict=True) if c == "15,000.00")
    assert stored(db_copy, SOURCE_2020)[big] == 15000.0
    assert "WEO tsv layout, vintage 2020-04" in report.read[0]


def test_units_come_from_units_and_scale_and_names_from_the_subject_descriptor(shared_data, db_copy):
    import_files(db_copy, "weo", [shared_data / CSV_2025])
    with duckdb.connect(str(db_copy), read_only=True) as con:
        rows = dict(
            (i, (n, u, t))
            for i, n, u, t in con.execute(
                "SELECT indicator, name, unit, topic FROM indicator WHERE source_id = ?", [SOURCE_2025]
            ).fetchall()
        )
    assert rows["GGXWDG_NGDP"] == ("General government gross debt (percent of GDP)", "percent of GDP", "Public finance")
    assert rows["NGDPD"][1] == "billions of US$"
    assert rows["NGDPDPC"][1] == "US$"
    assert rows["LP"][1] == "millions of persons"
    assert rows["NGDP"][1] == "billions of national currency"
    assert rows["PPPGDP"][1] == "billions of international dollars (PPP)"
    assert rows["BCA_NGDPD"][0] == "Current account balance (percent of GDP)"


def test_the_dsd_workbooks_concepts_become_a_code_list(shared_data, db_copy):
    report = import_files(db_copy, "weo", [shared_data / DSD])
    assert "492 WEO codes" in report.read[0]
    with duckdb.connect(str(db_copy), read_only=True) as con:
        labels = dict(
            con.execute(
                "SELECT code, label FROM code WHERE scheme = 'imf_weo_concept' AND retired_at IS NULL"
            ).fetchall()
        )
        scales = con.execute("SELECT count(*) FROM code WHERE scheme = 'imf_weo_scale'").fetchall()[0][0]
    assert len(labels) == 467 and labels["GGXWDG_NGDP"] == "General government gross debt"
    assert scales == 3


# ----------------------------------------------------------------------------- text recovery


def test_a_garbled_text_cell_is_recovered_and_right_text_is_kept(shared_data):
    header, body = rows_of(shared_data / CSV_2025, ",", "utf-8")
    notes = header.index("Country/Series-specific Notes")
    garbled = body[find(body, "CRI", "NGDP_R")][notes]
    assert "Costa Rican colÛn" in garbled  # as the file has it
    assert "Costa Rican colón" in weo.recover_text(garbled)
    read = weo.read(shared_data / CSV_2025)
    assert read.recovered == 80
    texts = {(r.iso, r.subject): r.text["Country/Series-specific Notes"] for r in read.rows}
    assert "Venezuelan bolívar" in texts[("VEN", "GGXWDG")]
    assert "Paraguayan guaraní" in texts[("PRY", "LUR")]
    assert not any("Û" in t or "Ì" in t for t in texts.values())
    for right in ("Bogotá", "São Tomé and Príncipe", "Côte d'Ivoire", "México", "Curaçao", "CAMERÚN", "plain"):
        assert weo.recover_text(right) == right


# ----------------------------------------------------------------------------- vintages, as of, re-import


def test_each_vintage_is_a_source_and_as_of_picks_the_newest_published(shared_data, db_copy):
    import_files(db_copy, "weo", [shared_data / TSV_2020, shared_data / CSV_2025])
    with duckdb.connect(str(db_copy), read_only=True) as con:
        sources = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT source_id, kind, title, publisher, published, dataset, licence, url, content_hash "
                "FROM source WHERE dataset = 'imf-weo'"
            ).fetchall()
        }
    assert sources[SOURCE_2025][:6] == (
        "dataset",
        "World Economic Outlook Database, April 2025",
        "International Monetary Fund",
        "2025-04",
        "imf-weo",
        "LicenseRef-IMF-Copyright-and-Usage",
    )
    assert sources[SOURCE_2025][6] == "https://www.imf.org/en/Publications/WEO/weo-database/2025/April"
    assert sources[SOURCE_2025][7].startswith("419a8049b463dc67")
    assert sources[SOURCE_2020][1:4] == (
        "World Economic Outlook Database, April 2020",
        "International Monetary Fund",
        "2020-04",
    )
    old = values_in(*rows_of(shared_data / TSV_2020, "\t", "cp1252"))
    new = values_in(*rows_of(shared_data / CSV_2025, ",", "utf-8"))
    with lazos.open(db_copy) as db:
        then = db.observations(indicator="PCPIPCH", entity="ARG", as_of="2021-01-01").frame.set_index("period")
        now = db.observations(indicator="PCPIPCH", entity="ARG").frame.set_index("period")
    assert set(then["source_id"]) == {SOURCE_2020} and set(now["source_id"]) == {SOURCE_2025}
    assert then.loc["2019", "value"] == old[("ARG", "PCPIPCH", "2019")]
    assert now.loc["2019", "value"] == new[("ARG", "PCPIPCH", "2019")]
    assert "2020" not in then.index  # n/a in April 2020: left out, not zero
    assert then.loc["2019", "note"] == "IMF estimate; actual data end 2018 (WEO April 2020)"
    assert now.loc["2019", "qualifier"] == "exact"
    with lazos.open(db_copy) as db:
        brazil = db.observations(indicator="PCPIPCH", entity="BRA", as_of="2021-01-01").frame.set_index("period")
    assert brazil.loc["2020", "note"] == "IMF projection; actual data end 2019 (WEO April 2020)"


def test_importing_the_same_files_again_changes_nothing(shared_data, db_copy, content):
    import_files(db_copy, "weo", [shared_data / CSV_2025, shared_data / TSV_2020, shared_data / DSD])
    before = content(db_copy)
    again = import_files(db_copy, "weo", [shared_data / CSV_2025, shared_data / TSV_2020, shared_data / DSD])
    assert again.inserted == 0 and again.retired == 0
    assert content(db_copy) == before


def test_the_vintage_comes_from_the_footer_the_option_overrides_it_and_is_needed_without_it(
    shared_data, db_copy, tmp_path, content
):
    data = (shared_data / CSV_2025).read_bytes()
    assert data.endswith(b'"International Monetary Fund, World Economic Outlook Database, April 2025"\n')
    path = tmp_path / "WEOApr2025all_lac.csv"
    path.write_bytes(data[: data.rindex(b'"International')])
    (error,) = refused(db_copy, path, content)
    assert error.type == "missing-vintage" and "--vintage" in error.message and "truncated" in error.message
    report = import_files(db_copy, "weo", [path], vintage="2025-04")
    assert "vintage 2025-04" in report.read[0]
    report = import_files(db_copy, "weo", [shared_data / CSV_2025], vintage="2025-05")
    with duckdb.connect(str(db_copy), read_only=True) as con:
        published = con.execute(
            "SELECT published, title FROM source WHERE source_id = 'imf-weo-2025-05-419a8049'"
        ).fetchall()
    assert published == [("2025-05", "World Economic Outlook Database, May 2025")]


# ----------------------------------------------------------------------------- bad input


def test_a_file_cut_inside_a_row_is_refused(shared_data, db_copy, tmp_path, content):
    data = (shared_data / CSV_2025).read_bytes()
    path = tmp_path / "WEOApr2025all_lac.csv"
    path.write_bytes(data[: len(data) // 2])
    (error,) = refused(db_copy, path, content)
    assert error.type == "truncated-file" and error.row == data[: len(data) // 2].count(b"\n") + 1


def test_a_row_cut_short_in_the_middle_is_refused_with_its_row(shared_data, db_copy, tmp_path, content):
    def cut(header, rows):
        i = find(rows, "MEX", "LUR")
        rows[i] = rows[i][:30]
        return i + 1

    path, row = edited(shared_data, tmp_path, cut)
    (error,) = refused(db_copy, path, content)
    assert (error.type, error.row) == ("missing-cell", row) and "may be truncated" in error.message


def test_a_value_that_is_not_a_number_names_its_row_and_year(shared_data, db_copy, tmp_path, content):
    def spoil(header, rows):
        i = find(rows, "ARG", "GGXWDG_NGDP")
        rows[i][header.index("2024")] = "85,33x"
        rows[find(rows, "BRA", "LUR")][header.index("2001")] = "inf"
        return i + 1

    path, row = edited(shared_data, tmp_path, spoil)
    errors = refused(db_copy, path, content)
    assert (errors[0].type, errors[0].row, errors[0].field) == ("invalid-value", row, "2024")
    assert "'85,33x' is not a number" in errors[0].message
    assert [(e.type, e.field) for e in errors[1:]] == [("invalid-value", "2001")]


def test_an_unknown_iso_code_is_refused_and_weos_own_kosovo_code_is_a_reviewed_exclusion(
    shared_data, db_copy, tmp_path, content
):
    def unknown(header, rows):
        i = find(rows, "BLZ", "LP")
        rows[i][1], rows[i][3] = "XYZ", "Atlantis"
        return i + 1

    path, row = edited(shared_data, tmp_path, unknown)
    (error,) = refused(db_copy, path, content)
    assert (error.type, error.row, error.field) == ("unknown-country", row, "ISO")
    assert "'XYZ' (Atlantis)" in error.message

    def kosovo(header, rows):
        extra = list(rows[find(rows, "BLZ", "LP")])
        extra[0:4] = ["967", "UVK", "LP", "Kosovo"]
        rows.insert(len(rows) - 1, extra)
        return 0

    path, _ = edited(shared_data, tmp_path, kosovo)
    report = import_files(db_copy, "weo", [path])
    assert report.skipped == {f"{path.name}: World Bank economy outside Lazos's scope (Kosovo)": 1}


def test_a_missing_column_is_named(shared_data, db_copy, tmp_path, content):
    def drop(header, rows):
        at = header.index("Estimates Start After")
        for r in rows:
            if len(r) > at:
                del r[at]
        return 1

    path, _ = edited(shared_data, tmp_path, drop)
    (error,) = refused(db_copy, path, content)
    assert (error.type, error.row, error.field) == ("missing-column", 1, "Estimates Start After")


def test_a_hostile_text_cell_is_refused_with_its_place(shared_data, db_copy, tmp_path, content):
    def hostile(header, rows):
        i = find(rows, "PAN", "NGDPD")
        rows[i][header.index("Subject Descriptor")] = "GDP \x1b]0;pwned\x07 \u202eevil"
        return i + 1

    path, row = edited(shared_data, tmp_path, hostile)
    (error,) = refused(db_copy, path, content)
    assert (error.type, error.row, error.field) == ("invalid-text", row, "Subject Descriptor")


def test_a_wrong_encoding_is_refused_with_its_line_and_a_utf16_download_reads_the_same(
    shared_data, db_copy, tmp_path, content
):
    text = (shared_data / CSV_2025).read_text("utf-8")
    latin = tmp_path / "WEOApr2025all_lac.csv"
    latin.write_bytes(weo.recover_text(text).encode("cp1252"))  # colón as the byte 0xf3
    (error,) = refused(db_copy, latin, content)
    assert error.type == "encoding-error" and error.row == text[: text.index("colÛn")].count("\n") + 1
    assert "--encoding cp1252" in error.message
    (error,) = refused(db_copy, shared_data / TSV_2020, content, encoding="utf-16")
    assert error.type == "encoding-error" and "not valid utf-16" in error.message
    wide = tmp_path / "WEOApr2020all_lac.xls"
    wide.write_bytes((shared_data / TSV_2020).read_text("cp1252").encode("utf-16"))  # the IMF's newer downloads
    assert weo.read(wide).rows == weo.read(shared_data / TSV_2020).rows


def test_a_row_after_the_footer_and_a_duplicated_series_are_refused(shared_data, db_copy, tmp_path, content):
    def after(header, rows):
        rows.append(list(rows[1]))
        return len(rows)

    path, row = edited(shared_data, tmp_path, after)
    (error,) = refused(db_copy, path, content)
    assert (error.type, error.row) == ("malformed-csv", row) and "after the footer" in error.message

    def twice(header, rows):
        rows.insert(len(rows) - 1, list(rows[5]))
        return len(rows) - 1

    path, row = edited(shared_data, tmp_path, twice)
    (error,) = refused(db_copy, path, content)
    assert (error.type, error.row) == ("duplicate-key", row) and "also row 6" in error.message


def test_a_binary_excel_file_or_another_datasets_file_is_refused(shared_data, db_copy, tmp_path, content):
    old_excel = tmp_path / "WEOOct2019all.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    (error,) = refused(db_copy, old_excel, content)
    assert error.type == "binary-file" and "tab-separated text" in error.message
    other = shared_data / "wgi" / "wgi_lac.csv"
    (error,) = refused(db_copy, other, content)
    assert (error.type, error.row) == ("unknown-layout", 1) and error.message.startswith("not a WEO")


# ----------------------------------------------------------------------------- the embedded part


def test_the_snapshot_keeps_both_vintages_of_the_subjects_lazos_uses_from_2000(shared_data, db_copy):
    con = duckdb.connect(str(db_copy))
    try:
        staging = Staging(con)
        ctx = Context(con, resolver_from(con), datetime(2026, 11, 22), options={"origins": load_origins()})
        read = weo.snapshot(shared_data, staging, ctx)
        assert staging.check() == []
        observations = staging.rows("observations")
        details = staging.rows("observation_details")
        assert {r["source_id"] for r in staging.rows("sources")} == {SOURCE_2025, SOURCE_2020, "imf-weo-dsd-594d8a7c"}
    finally:
        con.close()
    assert len(read) == 3
    subjects = {r["indicator"] for r in observations}
    assert subjects == set(weo.SNAPSHOT_SUBJECTS)
    assert {"GGXWDG_NGDP", "GGXCNL_NGDP", "BCA_NGDPD", "PCPIPCH", "PCPIEPCH", "NGDP_RPCH", "NGDPD", "NGDPDPC",
            "LUR", "LP", "GGR_NGDP", "GGX_NGDP"} <= subjects  # fmt: skip
    assert min(int(r["period"]) for r in observations) == 2000
    assert max(int(r["period"]) for r in observations) == 2030
    by_source = {s: sum(r["source_id"] == s for r in observations) for s in (SOURCE_2025, SOURCE_2020)}
    assert by_source == {SOURCE_2025: 14728, SOURCE_2020: 4765}
    assert len(details) == 3882 and {d["qualifier"] for d in details} == {"estimate"}
    full = values_in(*rows_of(shared_data / CSV_2025, ",", "utf-8"))
    kept = {
        (r["entity"], r["indicator"], r["period"]): r["value"] for r in observations if r["source_id"] == SOURCE_2025
    }
    assert kept == {k: v for k, v in full.items() if k[1] in weo.SNAPSHOT_SUBJECTS and 2000 <= int(k[2]) <= 2030}


# ----------------------------------------------------------------------------- schema 7


def test_a_version_6_database_upgrades_keeping_its_observation_details_and_accepts_estimates(tmp_path):
    path = tmp_path / "v6.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, target=6)
    rows = [
        ("ARG", None, "chn_fdi_stock", "2020", "cur-a", "approximate", "medium", "2021-03", "about", None, 1),
        ("BRA", "CHN", "chn_fdi_stock", "2019", "cur-a", "lower_bound", "low", None, None, datetime(2024, 5, 1), 1),
    ]
    con.executemany("INSERT INTO observation_detail VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO observation_detail VALUES ('ARG', NULL, 'x', '2024', 's', 'estimate', 'high', "
                    "NULL, NULL, NULL, 2)")  # fmt: skip
    assert migrate(con) == list(range(7, latest_version() + 1))
    assert current_version(con) == latest_version()
    kept = con.execute("SELECT * FROM observation_detail ORDER BY entity").fetchall()
    assert kept == rows
    con.execute("INSERT INTO observation_detail VALUES ('ARG', NULL, 'x', '2024', 's', 'estimate', 'high', "
                "NULL, NULL, NULL, 2)")  # fmt: skip
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO observation_detail VALUES ('ARG', NULL, 'x', '2025', 's', 'guess', 'high', "
                    "NULL, NULL, NULL, 2)")  # fmt: skip
    con.close()


# ----------------------------------------------------------------------------- fuzzing

WEO_HEADER = [*weo.ID_COLUMNS, "2023", "2024", weo.ESTIMATES]
WEO_CELLS = st.one_of(
    CELLS,
    st.sampled_from(["ARG", "CHN", "UVK", "GGXWDG_NGDP", "n/a", "--", "1,234.5", "2023", "Billions", "colÛn", ""]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_arbitrary_weo_files_give_errors_not_crashes(data):
    """A WEO header over rows holding anything, tab- or comma-separated, with or without a footer."""
    delimiter = data.draw(st.sampled_from([",", "\t"]), label="delimiter")
    width = st.lists(WEO_CELLS, min_size=len(WEO_HEADER) - 1, max_size=len(WEO_HEADER) + 1)
    rows = data.draw(st.lists(width, max_size=4), label="rows")
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows([WEO_HEADER, *rows])
    if data.draw(st.booleans(), label="footer"):
        out.write('"International Monetary Fund, World Economic Outlook Database, April 2025"\n')
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "WEO.xls"
        path.write_bytes(out.getvalue().encode(data.draw(st.sampled_from(["utf-8", "utf-16"]), label="encoding"),
                                               errors="replace"))  # fmt: skip
        stage_file(three_country_store(), weo, path)
