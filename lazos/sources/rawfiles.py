"""Reading raw published files safely: encodings, headers, DuckDB CSV scans, spreadsheets.

Every reader turns the failures of real files — a wrong encoding, a truncated last line, a
renamed column, a number with thousands separators, a missing sheet — into DataErrors that
name the file, the row and the column, so connectors can report them and stop.
"""

from __future__ import annotations

import codecs
import csv
import re
import tempfile
from pathlib import Path
from typing import Any, NoReturn

import duckdb

from lazos.errors import DataError, ValidationError
from lazos.store.rawsql import literal

SNIFF_BYTES = 1 << 16
_LINE = re.compile(r"CSV Error on Line: (\d+)")
_CONVERT = re.compile(r'Error when converting column "(.+?)"\. Could not convert string "(.*?)" to')
_COLUMNS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def fail(kind: str, message: str, file: Path | str, row: int | None = None, field: str | None = None) -> NoReturn:
    raise ValidationError([DataError(kind, message, str(file), row, field)])


def guess_encoding(data: bytes) -> str:
    """A hint for a file that is not UTF-8: GBK when the bytes read as Chinese, else Latin-1."""
    try:
        text = data.decode("gbk")
        if sum(0x4E00 <= ord(c) <= 0x9FFF for c in text) >= 2:
            return "gbk"
    except UnicodeDecodeError:
        pass
    return "latin-1"


def check_utf8(path: Path, data: bytes) -> None:
    """Raise a located error if ``data`` (the start of ``path``) is not UTF-8."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(data) >= SNIFF_BYTES and exc.start >= len(data) - 4:  # a character cut by the sample's end
            return
        line = data[: exc.start].count(b"\n") + 1
        fail(
            "encoding-error",
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); it looks like {guess_encoding(data)}: "
            f"convert it, or import with --encoding {guess_encoding(data)}",
            path,
            line,
        )
    if b"\x00" in data[:SNIFF_BYTES]:
        fail("binary-file", "the file holds NUL bytes: it is not a text CSV file", path, 1)


def read_utf8_text(path: Path) -> str:
    """The whole text of a UTF-8 file (BOM dropped), with a located error if it is not UTF-8."""
    with path.open("rb") as fh:
        check_utf8(path, fh.read(1 << 20))
    try:
        return path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail("encoding-error", f"not valid UTF-8 ({exc.reason})", path)


def head_lines(path: Path, count: int = 8) -> list[str]:
    """The first lines of a text file, checked for encoding (the whole file is not read)."""
    if not path.is_file():
        fail("missing-file", "file not found", path)
    with path.open("rb") as fh:
        data = fh.read(SNIFF_BYTES)
    if not data.strip():
        fail("blank-file", "the file is empty", path)
    check_utf8(path, data)
    text = data.decode("utf-8-sig", errors="replace")
    return text.splitlines()[:count]


def parse_csv_line(line: str) -> list[str]:
    return next(csv.reader([line]), [])


def transcode(path: Path, encoding: str) -> Path:
    """A UTF-8 copy of a file in another encoding (streamed; the caller deletes it)."""
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise ValidationError([DataError("unknown-encoding", f"unknown encoding {encoding!r}", str(path))]) from exc
    with (
        tempfile.NamedTemporaryFile("w", suffix=path.suffix, delete=False, encoding="utf-8", newline="") as out,
        path.open("r", encoding=encoding, newline="") as src,
    ):
        try:
            for block in iter(lambda: src.read(1 << 20), ""):
                out.write(block)
        except UnicodeDecodeError as exc:
            Path(out.name).unlink(missing_ok=True)
            raise ValidationError(
                [DataError("encoding-error", f"not valid {encoding} either ({exc.reason})", str(path))]
            ) from exc
    return Path(out.name)


def _head_bytes(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(SNIFF_BYTES)


def _line_bytes(path: Path, row: int, limit: int = 1 << 26) -> bytes:
    """The raw bytes of one line of a file (read no further than ``limit`` bytes)."""
    with path.open("rb") as fh:
        read = 0
        for number, line in enumerate(fh, start=1):
            read += len(line)
            if number == row or read > limit:
                return line
    return b""


def translate_duckdb_error(exc: duckdb.Error, path: Path) -> ValidationError:
    """Turn a DuckDB CSV error into a located DataError."""
    text = str(exc)
    line_match = _LINE.search(text)
    row = int(line_match.group(1)) if line_match else None
    convert = _CONVERT.search(text)
    if convert:
        column, value = convert.groups()
        return ValidationError(
            [
                DataError(
                    "invalid-value",
                    f"{value!r} is not a number (use '.' for decimals and no thousands separators)",
                    str(path),
                    row,
                    column,
                )
            ]
        )
    if "not utf-8 encoded" in text:
        hint = guess_encoding(_line_bytes(path, row) if row else _head_bytes(path))
        return ValidationError(
            [
                DataError(
                    "encoding-error",
                    f"not valid UTF-8; it looks like {hint}: convert it, or import with --encoding {hint}",
                    str(path),
                    row,
                )
            ]
        )
    columns = _COLUMNS.search(text)
    if columns:
        expected, found = columns.groups()
        return ValidationError(
            [
                DataError(
                    "missing-cell" if int(found) < int(expected) else "extra-cell",
                    f"{found} cells where the header has {expected}"
                    + (" (the file may be truncated)" if int(found) < int(expected) else ""),
                    str(path),
                    row,
                )
            ]
        )
    if "unterminated quote" in text:
        return ValidationError(
            [
                DataError(
                    "malformed-csv",
                    "a quoted value is never closed (the file may be truncated)",
                    str(path),
                    row,
                )
            ]
        )
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("Original Line")), text)
    return ValidationError([DataError("malformed-csv", first.strip(), str(path), row)])


sql_literal = literal


def read_csv_sql(path: Path, columns: dict[str, str], *, skip: int = 0, nullstr: list[str] | None = None) -> str:
    """DuckDB's read_csv over a file with explicit types and dialect (no sniffing), as SQL text."""
    return (
        f"read_csv({sql_literal(str(path))}, header = true, skip = {int(skip)}, delim = ',', quote = '\"', "
        f"escape = '\"', auto_detect = false, strict_mode = true, columns = {sql_literal(columns)}, "
        f"nullstr = {sql_literal(nullstr or [''])}, max_line_size = 8388608)"
    )


def scan_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    columns: dict[str, str],
    *,
    skip: int = 0,
    nullstr: list[str] | None = None,
    first_row: int = 2,
    keep: list[str] | None = None,
    numbered: bool = True,
    values: list[str] | None = None,
) -> int:
    """Load a CSV (or only its ``keep`` columns) into a temporary table with explicit types.

    ``values`` (with ``keep``) gathers those columns, in order, into one list column
    ``_values``: wide files with a column per year load as a few columns, not dozens. With
    ``numbered``, adds ``_row``, the row's position in the file (the header being row
    ``first_row - 1``); numbering costs a pass, so large files skip it and number rows only
    when an error needs a location. Returns the number of rows. Errors become located
    ValidationErrors.
    """
    projection = ", ".join(f'"{c}"' for c in keep) if keep else "*"
    if values:
        projection += ", [" + ", ".join(f'"{c}"' for c in values) + "] AS _values"
    number = f"(row_number() OVER () + {first_row - 1})::BIGINT AS _row, " if numbered else ""
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS "
            f"SELECT {number}{projection} FROM {read_csv_sql(path, columns, skip=skip, nullstr=nullstr)}"
        )
    except duckdb.Error as exc:
        raise translate_duckdb_error(exc, path) from exc
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def read_sheet(path: Path, sheet: str | None = None) -> tuple[str, list[str], list[list[Any]]]:
    """Rows of one worksheet (header first); a missing sheet is a located error."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for non-workbooks
        fail("malformed-workbook", f"not a readable spreadsheet ({exc})", path)
    names = book.sheet_names
    name = sheet if sheet is not None else names[0]
    if name not in names:
        fail(
            "missing-sheet",
            f"the workbook has no sheet {name!r} (sheets: {', '.join(names)})",
            path,
        )
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    if not rows:
        fail("blank-file", f"sheet {name!r} is empty", path)
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    return name, header, [list(r) for r in rows[1:]]


def workbook_modified(path: Path) -> str | None:
    """The 'last modified' date a workbook records in docProps/core.xml (YYYY-MM-DD)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("docProps/core.xml").decode("utf-8", errors="replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    match = re.search(r"<dcterms:modified[^>]*>(\d{4}-\d{2}-\d{2})", xml)
    return match.group(1) if match else None
