"""Bad raw files given to `lazos import`: each is refused with its file and row, and nothing is written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest
from test_import_atomic import synthetic_wdi

from lazos.errors import DataError, ValidationError
from lazos.sources import wgi
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
@pytest.mark.parametrize("source", ["wdi", "wgi", "trade", "gcdf", "cameo", "comtrade"])
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
