"""Bad raw files given to `lazos import`: each is refused with its file and row, and nothing is written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from lazos.errors import DataError, ValidationError
from lazos.store.importer import import_files

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
