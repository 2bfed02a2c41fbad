"""Bad raw files given to `lazos import`: each is refused with its file and row, and nothing is written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest
from test_import_atomic import synthetic_wdi

import lazos
from lazos.errors import DataError, ValidationError
from lazos.sources import curated, wgi
from lazos.sources.base import Context, connector
from lazos.sources.entities import EntityResolver
from lazos.sources.snapshot import SNAPSHOT_DATE
from lazos.store.importer import import_files
from lazos.store.migrations import migrate
from lazos.store.staging import Staging

# One published file per layout that is read as text (path under the shared data folder).
TEXT_FILES = [
    ("wdi", "wdi/WDIData_lac.csv"),
    ("wdi", "wdi/api/API_NY.GDP.MKTP.CD_DS2_en_csv_v2_2002465_lac.csv"),
    ("wdi", "wdi/databank/WDI_Data_databank_lac.csv"),
    ("wdi", "wdi/datahub/sp.pop.totl.csv"),
    ("wdi", "wdi/WDISeries_lac.csv"),
    ("wdi", "wdi/WDICountry_lac.csv"),
    ("wgi", "wgi/wgi_lac.csv"),
    ("trade", "trade/cipf-comtrade/China_3.1.1_top_import_partners_lac.csv"),
    ("trade", "trade/cipf-comtrade/cn_plp_trocas_2003-2024_lac.csv"),
    ("gcdf", "gcdf/gcdf3_lac.csv"),
    ("gcdf", "gcdf/gcdf3_adm1_locations_lac.csv"),
    ("cameo", "gdelt/LOOKUP-CAMEO.eventcodes.txt"),
]
IDS = [name.rsplit("/", 1)[-1] for _, name in TEXT_FILES]


def refused(db: Path, source: str, path: Path, content) -> DataError:
    """The first error of an import that must fail, after checking that nothing was written."""
    before = content(db)
    with pytest.raises(ValidationError) as info:
        import_files(db, source, [path])
    assert content(db) == before
    error = info.value.errors[0]
    assert error.file == str(path)
    return error


def line_ending(data: bytes) -> bytes:
    return b"\r\n" if b"\r\n" in data else b"\n"


# ----------------------------------------------------------------------------- point 5: truncated files


def test_a_wgi_file_cut_inside_the_last_value_of_its_last_line_is_refused(shared_data, db_copy, tmp_path, content):
    # The attack: the file ends in Belize's 2012 upper rank, 77.464790344238281 cut to 7.
    lines = (shared_data / "wgi" / "wgi_lac.csv").read_bytes().split(b"\n")
    row = next(i for i, line in enumerate(lines) if line.startswith(b"BLZva2012,"))
    path = tmp_path / "wgi_lac.csv"
    path.write_bytes(b"\n".join(lines[: row + 1])[: -len(b"7.464790344238281")])
    assert path.read_bytes().endswith(b",61.502346038818359,7")
    error = refused(db_copy, "wgi", path, content)
    assert (error.type, error.row) == ("truncated-file", row + 1)
    assert "may have been cut" in error.message and "end it with a line break" in error.message


@pytest.mark.parametrize(("source", "name"), TEXT_FILES, ids=IDS)
def test_every_text_layout_refuses_a_last_line_without_its_line_break(
    shared_data, db_copy, tmp_path, content, source, name
):
    data = (shared_data / name).read_bytes()
    path = tmp_path / Path(name).name
    path.write_bytes(data.rstrip(b"\r\n")[:-2])  # the last value loses its last two characters
    error = refused(db_copy, source, path, content)
    assert (error.type, error.row) == ("truncated-file", data.count(b"\n"))


@pytest.mark.parametrize(("source", "name"), TEXT_FILES, ids=IDS)
def test_every_text_layout_refuses_a_last_line_shorter_than_the_header(
    shared_data, db_copy, tmp_path, content, source, name
):
    data = (shared_data / name).read_bytes()
    end = line_ending(data)
    body, last = data.rstrip(b"\r\n").rsplit(b"\n", 1)
    separator = b"\t" if source == "cameo" else b","
    path = tmp_path / Path(name).name
    path.write_bytes(body + b"\n" + last.rsplit(separator, 1)[0] + end)  # the last cell is gone, line break kept
    error = refused(db_copy, source, path, content)
    assert error.type == "missing-cell" and "cells where the header has" in error.message
    assert error.row is not None


def test_a_quoted_value_left_open_at_the_end_is_refused(shared_data, db_copy, tmp_path, content):
    # AidData's geocoded table has line breaks inside quoted OSM links: a file cut just after
    # one ends with a line break, inside a value that is never closed.
    data = (shared_data / "gcdf" / "gcdf3_lac.csv").read_bytes()
    inside = data.index(b", \nhttps://www.openstreetmap.org/")  # a line break inside a quoted list of links
    assert data[:inside].count(b'"') % 2 == 1
    path = tmp_path / "gcdf3_lac.csv"
    path.write_bytes(data[: inside + 3])
    error = refused(db_copy, "gcdf", path, content)
    assert error.type == "malformed-csv" and "never closed" in error.message


# ----------------------------------------------------------------------------- point 6: ragged rows


@pytest.mark.parametrize(("source", "name"), TEXT_FILES, ids=IDS)
def test_every_text_layout_refuses_a_row_with_an_extra_cell(shared_data, db_copy, tmp_path, content, source, name):
    data = (shared_data / name).read_bytes()
    end = line_ending(data)
    lines = data.split(end)
    row = len(lines) - 2  # the last line (a quoted value's line break may precede it: count records)
    text = end.join(lines[:row]).decode("utf-8-sig") + "\n"
    record = len(list(csv.reader(io.StringIO(text, newline=""), delimiter="\t" if source == "cameo" else ","))) + 1
    lines[row] += b"\t9" if source == "cameo" else b",9"
    path = tmp_path / Path(name).name
    path.write_bytes(end.join(lines))
    error = refused(db_copy, source, path, content)
    assert error.type == "extra-cell" and "cells where the header has" in error.message
    assert error.row == record


def gcdf_with_repeated_record(shared_data: Path, path: Path, amount: str | None) -> tuple[str, int]:
    """AidData's geocoded table with its first record repeated at the end (its amount changed)."""
    text = (shared_data / "gcdf" / "gcdf3_lac.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, again = rows[0], list(rows[1])
    if amount is not None:
        again[header.index("Amount.(Constant.USD.2021)")] = amount
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerow(again)
    path.write_text(text + out.getvalue(), "utf-8")
    return again[header.index("AidData.Record.ID")], len(rows) + 1


@pytest.mark.parametrize("amount", ["1", None], ids=["conflicting", "identical"])
def test_a_gcdf_record_described_twice_in_one_file_is_refused(shared_data, db_copy, tmp_path, content, amount):
    path = tmp_path / "gcdf3_lac.csv"
    record, row = gcdf_with_repeated_record(shared_data, path, amount)
    error = refused(db_copy, "gcdf", path, content)
    assert (error.type, error.row, error.field) == ("duplicate-key", row, "AidData.Record.ID")
    assert f"AidData record {record} appears twice (first at row 2)" in error.message


# ----------------------------------------------------------------------------- point 7: another dataset's file


def bytes_read() -> int:
    """Bytes this process has read so far (Linux counts every read call in /proc/self/io)."""
    fields = dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())
    return int(fields["rchar"])


def wrong_file(tmp_path: Path, source: str) -> Path:
    """About 4 MB meant for another importer: a WGI CSV for WDI, a World Bank JSON array for
    Comtrade, and a WDI bulk file for every other importer."""
    if source == "wdi":
        path = tmp_path / "wgi.csv"
        row = "ARGcc1996,ARG,Argentina,1996,cc,0.1,0.2,6,53.7,38.7,62.9\n"
        path.write_text(",".join(wgi.COLUMNS) + "\n" + row * 70_000, "utf-8")
    elif source == "comtrade":
        path = tmp_path / "worldbank.json"
        record = {"indicator": {"id": "NY.GDP.MKTP.CD"}, "country": {"id": "AR"}, "date": "2020", "value": 1.5}
        path.write_text(json.dumps([record] * 40_000), "utf-8")
    else:
        path = tmp_path / "WDIData.csv"
        synthetic_wdi(path, ["ARG", "BRA"], 5_000)
    assert path.stat().st_size > 3_000_000
    return path


def empty_context(con: duckdb.DuckDBPyConnection) -> tuple[Staging, Context]:
    migrate(con)
    return Staging(con), Context(con, EntityResolver([("ARG", "ARG")]), SNAPSHOT_DATE)


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="counts bytes read through Linux's /proc/self/io")
@pytest.mark.parametrize("source", ["wdi", "wgi", "trade", "gcdf", "cameo", "comtrade", "weo"])
def test_a_file_of_another_dataset_is_refused_from_its_first_bytes(tmp_path, source):
    path = wrong_file(tmp_path, source)
    mod = connector(source)
    with duckdb.connect() as con:
        staging, ctx = empty_context(con)
        before = bytes_read()
        with pytest.raises(ValidationError) as info:
            mod.stage(path, staging, ctx)
        read = bytes_read() - before
    error = info.value.errors[0]
    assert (error.type, error.file, error.row) == ("unknown-layout", str(path), 1)
    assert error.message.startswith("not ")  # "not a Worldwide Governance Indicators file: expected ..."
    assert read < 200_000, f"read {read} bytes of a {path.stat().st_size}-byte file to refuse it"


def test_the_command_line_names_the_file_and_the_layout_expected(cli, db_copy, tmp_path):
    path = wrong_file(tmp_path, "trade")
    result = cli("import", "wgi", str(path), db=db_copy)
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.strip().startswith(f"lazos: error: 1 problem(s) in the input: {path}, row 1: not a Worldwide")


# ----------------------------------------------------------------------------- point 11: errors, not tracebacks


def one_line_error(result) -> str:
    """The CLI's message for a refused import: one `lazos: error:` line (it may wrap), exit status 1."""
    assert result.code == 1, result
    assert "Traceback" not in result.err and "Error:" not in result.err.replace("lazos: error:", "")
    message = " ".join(result.err.split())
    assert message.startswith("lazos: error: "), message
    return message


@pytest.mark.parametrize("value", ["abc", [1], {"a": 1}, True, "Infinity", 10**400], ids=repr)
def test_a_comtrade_value_that_is_not_a_number_is_a_located_error(shared_data, cli, db_copy, tmp_path, value):
    body = json.loads(
        (shared_data / "api_responses" / "comtrade_v1_get_C_A_HS_reporter156_partners32-276_2010.json").read_text()
    )
    for column in ("primaryValue", "fobvalue", "cifvalue"):
        body["data"][1][column] = value
    path = tmp_path / "comtrade.json"
    path.write_text(json.dumps(body), "utf-8")
    message = one_line_error(cli("import", "comtrade", str(path), db=db_copy))
    assert f"{path}, row 2, column " in message and "is not a finite number" in message


@pytest.mark.parametrize(
    ("source", "document"),
    [("comtrade", '{"data": ' + "[" * 100_000 + "]" * 100_000 + "}"), ("wdi", "[" * 100_000 + "]" * 100_000)],
    ids=["comtrade", "wdi"],
)
def test_json_nested_a_hundred_thousand_levels_deep_is_refused(cli, db_copy, tmp_path, source, document):
    path = tmp_path / "deep.json"
    path.write_text(document, "utf-8")
    message = one_line_error(cli("import", source, str(path), db=db_copy))
    assert f"{path}: values nested too deeply to read" in message


@pytest.mark.parametrize("year", ["inf", "-inf", "nan", "1e300", "2020.5", "99999"])
def test_a_wgi_year_that_is_not_a_year_is_a_located_error(shared_data, cli, db_copy, tmp_path, year):
    lines = (shared_data / "wgi" / "wgi_lac.csv").read_text("utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace(",1996,", f",{year},", 1)
    path = tmp_path / "wgi_lac.csv"
    path.write_text("".join(lines), "utf-8")
    message = one_line_error(cli("import", "wgi", str(path), db=db_copy))
    assert f"{path}, row 6, column 'year': '{year}' is not a year" in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
@pytest.mark.parametrize(("source", "name"), [("wgi", "wgi/wgi_lac.csv"), ("wdi", "wdi/WDIData_lac.csv")])
def test_a_utf16_file_is_named_so_and_imports_with_the_encoding_suggested(
    shared_data, cli, db_copy, tmp_path, encoding, source, name
):
    path = tmp_path / Path(name).name
    path.write_bytes((shared_data / name).read_text("utf-8-sig").encode(encoding))
    message = one_line_error(cli("import", source, str(path), db=db_copy))
    suggested = encoding if encoding != "utf-32" else "utf-32"
    assert f"{path}, row 1: the file is {suggested.upper()} text, not UTF-8: import with --encoding {suggested}" in (
        message
    )
    assert "latin-1" not in message
    result = cli("import", source, str(path), "--encoding", suggested, db=db_copy)
    assert result.code == 0, result.err


def curated_copy(shared_data: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "curated"
    folder.mkdir()
    for name in curated.FILES:
        (folder / name).write_bytes((shared_data / "curated" / name).read_bytes())
    return folder


def test_the_curated_folder_imports_and_the_same_files_change_nothing(shared_data, cli, db_copy):
    result = cli("import", "curated", str(shared_data / "curated"), db=db_copy)
    assert result.code == 0, result.err
    assert "Nothing changed: the database already holds this content." in result.out


def test_an_edited_curated_file_is_imported_with_history(shared_data, cli, db_copy, tmp_path):
    folder = curated_copy(shared_data, tmp_path)
    path = folder / "bri_mou.csv"
    path.write_text(path.read_text("utf-8").replace("2022-02-06", "2022-02-07", 1), "utf-8")
    result = cli("import", "curated", *(str(folder / name) for name in curated.FILES), db=db_copy)
    assert result.code == 0, result.err
    assert "events: 1 added, 1 retired" in result.out
    with lazos.open(db_copy) as handle:
        rows = handle.con.execute(
            "SELECT date, retired_at IS NULL FROM event WHERE country = 'ARG' AND kind = 'bri_mou_signed' ORDER BY 1"
        ).fetchall()
    assert rows == [("2022-02-06", False), ("2022-02-07", True)]  # the old version is kept, retired


def test_curated_files_are_imported_as_a_set(shared_data, cli, db_copy, tmp_path):
    folder = curated_copy(shared_data, tmp_path)
    message = one_line_error(cli("import", "curated", str(folder / "bri_mou.csv"), db=db_copy))
    assert "the curated facts are imported together" in message and "missing: countries.csv, agreements.csv" in message
    message = one_line_error(cli("import", "curated", str(shared_data / "wgi" / "wgi_lac.csv"), db=db_copy))
    assert "not a curated facts file" in message


def test_a_bad_curated_value_is_located(shared_data, cli, db_copy, tmp_path, content):
    folder = curated_copy(shared_data, tmp_path)
    path = folder / "headline_stats.csv"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    cells = next(csv.reader([lines[2]]))
    cells[3] = "abc"
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    lines[2] = out.getvalue()
    path.write_text("".join(lines), "utf-8")
    before = content(db_copy)
    message = one_line_error(cli("import", "curated", str(folder), db=db_copy))
    assert f"{path}, row 3, column 'value': 'abc' is not a number" in message
    assert content(db_copy) == before


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32-le"])
def test_json_in_utf16_or_utf32_is_read_as_json_allows_it(shared_data, db_copy, tmp_path, encoding):
    text = (shared_data / "api_responses" / "comtrade_v1_get_C_A_HS_reporter156_partners32-276_2010.json").read_text()
    path = tmp_path / "comtrade.json"
    path.write_bytes(text.encode(encoding))
    report = import_files(db_copy, "comtrade", [path])
    assert report.changes["observations"].inserted == 2  # China–Argentina both ways (Germany is out of scope)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("[]", "not a GeoJSON FeatureCollection: expected a JSON object"),
        ('{"type": "FeatureCollection", "features": [1]}', "not a GeoJSON FeatureCollection with features"),
        ('{"type": "FeatureCollection", "features": [{"properties": [], "geometry": null}]}', "with features"),
        (
            '{"type": "FeatureCollection", "features": [{"geometry": {"type": "Point", "coordinates": "ab"}}]}',
            "invalid",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"geometry": {"type": "Point", "coordinates": [1e400, 2]}}]}',
            "finite",
        ),
        ('{"features": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ],
    ids=["array", "feature-not-object", "properties-not-object", "bad-coordinates", "infinite", "nested"],
)
def test_a_broken_geojson_file_is_a_located_error(cli, db_copy, tmp_path, document, expected):
    path = tmp_path / "1.geojson"
    path.write_text(document, "utf-8")
    message = one_line_error(cli("import", "gcdf", str(path), db=db_copy))
    assert str(path) in message and expected in message


@pytest.mark.parametrize("value", ["inf", "-Infinity", "1e400", "1,234"])
def test_a_trade_value_that_is_not_a_finite_number_names_its_column(shared_data, cli, db_copy, tmp_path, value):
    name = "China_3.1.1_top_import_partners_lac.csv"
    lines = (shared_data / "trade" / "cipf-comtrade" / name).read_text("utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",40611876675,", f',"{value}",', 1)
    path = tmp_path / name
    path.write_text("".join(lines), "utf-8")
    message = one_line_error(cli("import", "trade", str(path), db=db_copy))
    assert f"{path}, row 2, column 'partner_sum': '{value}' is not a finite number" in message


@pytest.mark.parametrize("source", ["wdi", "cameo"])
def test_a_workbook_where_text_is_read_is_named_a_workbook(shared_data, cli, db_copy, source):
    path = shared_data / "wgi" / "wgidataset.xlsx"
    message = one_line_error(cli("import", source, str(path), db=db_copy))
    assert f"{path}, row 1: the file is a zip archive or an .xlsx workbook, not a text (CSV) file" in message
    assert "latin-1" not in message
