"""Reading raw published files safely: encodings, headers, DuckDB CSV scans, spreadsheets.

Every reader turns the failures of real files — a wrong encoding, a truncated last line, a
renamed column, a number with thousands separators, a missing sheet — into DataErrors that
name the file, the row and the column, so connectors can report them and stop.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import os
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


def wide_encoding(data: bytes) -> str | None:
    """The codec of UTF-16 or UTF-32 text, told by its byte-order mark or by where its NULs fall.

    Text in these encodings is mostly NUL bytes at fixed positions (every other byte for
    UTF-16, three in four for UTF-32), so it is neither valid UTF-8 nor a binary file.
    """
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):  # UTF-32 LE's mark begins with UTF-16 LE's: it is tested first
            return name
    sample = data[: 4096 - 4096 % 4] if len(data) >= 4096 else data[: len(data) - len(data) % 4]
    quarter = len(sample) // 4
    if quarter < 4:
        return None
    nul = [sample[j::4].count(0) / quarter for j in range(4)]  # share of NULs at each position mod 4

    def zero(*positions: int) -> bool:
        return all(nul[j] >= 0.6 for j in positions) and all(nul[j] <= 0.1 for j in set(range(4)) - set(positions))

    for positions, name in (
        ((1, 2, 3), "utf-32-le"),
        ((0, 1, 2), "utf-32-be"),
        ((1, 3), "utf-16-le"),
        ((0, 2), "utf-16-be"),
    ):
        if zero(*positions):
            return name
    return None


def guess_encoding(data: bytes) -> str:
    """A hint for a file that is not UTF-8: UTF-16 or UTF-32 by their marks, GBK when the bytes
    read as Chinese, else Latin-1."""
    wide = wide_encoding(data)
    if wide:
        return wide
    try:
        text = data.decode("gbk")
        if sum(0x4E00 <= ord(c) <= 0x9FFF for c in text) >= 2:
            return "gbk"
    except UnicodeDecodeError:
        pass
    return "latin-1"


# Files that are not text at all, told by their first bytes.
SIGNATURES = {
    b"PK\x03\x04": "a zip archive or an .xlsx workbook",
    b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip-compressed file (decompress it first)",
}


def check_utf8(path: Path, data: bytes) -> None:
    """Raise a located error if ``data`` (the start of ``path``) is not UTF-8 text."""
    kind = next((what for magic, what in SIGNATURES.items() if data.startswith(magic)), None)
    if kind:
        fail("binary-file", f"the file is {kind}, not a text (CSV) file of this layout", path, 1)
    wide = wide_encoding(data)
    if wide:
        fail(
            "encoding-error",
            f"the file is {wide.upper()} text, not UTF-8: import with --encoding {wide}, or convert it to UTF-8",
            path,
            1,
        )
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


def is_utf8(encoding: str | None) -> bool:
    return encoding is None or encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig")


def _codec(encoding: str, path: Path) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError as exc:
        raise ValidationError([DataError("unknown-encoding", f"unknown encoding {encoding!r}", str(path))]) from exc


def read_text(path: Path, encoding: str | None = None) -> str:
    """The whole text of a file (BOM dropped): UTF-8, checked, unless ``encoding`` names another."""
    if not path.is_file():
        fail("missing-file", "file not found", path)
    if not is_utf8(encoding):
        codec = _codec(encoding, path)
        data = path.read_bytes()
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            fail("encoding-error", f"not valid {encoding} either ({exc.reason})", path)
        return text[1:] if text.startswith("\ufeff") else text
    with path.open("rb") as fh:
        check_utf8(path, fh.read(1 << 20))
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail("encoding-error", f"not valid UTF-8 ({exc.reason})", path, data[: exc.start].count(b"\n") + 1)


def head_lines(path: Path, count: int = 8, encoding: str | None = None) -> list[str]:
    """The first lines of a text file, checked for encoding (the whole file is not read)."""
    if not path.is_file():
        fail("missing-file", "file not found", path)
    with path.open("rb") as fh:
        data = fh.read(SNIFF_BYTES)
    if not data.strip():
        fail("blank-file", "the file is empty", path)
    if not is_utf8(encoding):
        try:  # the sample may end inside a character: decode it as the start of a stream
            text = codecs.getincrementaldecoder(_codec(encoding, path))().decode(data, final=False)
        except UnicodeDecodeError as exc:
            fail("encoding-error", f"not valid {encoding} either ({exc.reason})", path)
        return text.lstrip("\ufeff").splitlines()[:count]
    check_utf8(path, data)
    text = data.decode("utf-8-sig", errors="replace")
    return text.splitlines()[:count]


def parse_csv_line(line: str) -> list[str]:
    try:
        return next(csv.reader([line]), [])
    except csv.Error:  # a header with a stray quote: read it as it is, the layout check then names it
        return line.split(",")


# ---------------------------------------------------------------------------- whole tables

TRUNCATED = (
    "the last line has no line break, so its last value may have been cut (the file may be truncated): "
    "check the end of the file against the original; if it is complete, end it with a line break"
)


def check_final_line_break(path: Path, label: Path | None = None) -> None:
    """Refuse a file whose last line has no line break (read from the end; the whole file is
    scanned only to number the line in the message). ``label`` is the file the user named,
    when ``path`` is a copy of it.

    Every publisher's file ends its last line; without it, the last value may have lost its
    last characters (77.46 read as 7) while the line still has every cell.
    """
    with path.open("rb") as fh:
        fh.seek(0, 2)
        if fh.tell() == 0:
            return
        fh.seek(-1, 2)
        if fh.read(1) in b"\r\n":
            return
        fh.seek(0)
        lines = sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))
    fail("truncated-file", TRUNCATED, label or path, lines + 1)


def check_text_final_line_break(text: str, path: Path) -> None:
    """:func:`check_final_line_break` for a file already read as text."""
    if text and text[-1] not in "\r\n":
        fail("truncated-file", TRUNCATED, path, (text.count("\n") or text.count("\r")) + 1)


def read_csv_text(
    text: str, path: Path, *, delimiter: str = ",", quoted: bool = True
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A CSV text's header and its records, each with its row number (header = 1), checked whole.

    A record with more or fewer cells than the header, a quote never closed, a last line
    without its line break: each stops the import with its row, never a silently shortened
    or dropped value. Blank records (no cell with text) are left out.
    """
    check_text_final_line_break(text, path)
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        strict=True,
        quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE,
    )
    records: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for number, cells in enumerate(reader, start=1):
            if header is None:
                header = cells
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                short = len(cells) < len(header)
                fail(
                    "missing-cell" if short else "extra-cell",
                    f"{len(cells)} cells where the header has {len(header)}"
                    + (" (the file may be truncated)" if short else ""),
                    path,
                    number,
                )
            records.append((number, cells))
    except csv.Error as exc:
        message = str(exc)
        if "unexpected end of data" in message or "EOF" in message:
            message = "a quoted value is never closed (the file may be truncated)"
        fail("malformed-csv", message, path, reader.line_num)
    if header is None:
        fail("blank-file", "the file is empty", path)
    return header, records


# ---------------------------------------------------------------------------- JSON


def finite_number(value: object, text: bool = False) -> float | None:
    """A JSON value as a finite number, or None: true, lists, NaN, infinities and integers too large
    for a float are not numbers; numeric text counts only with ``text``."""
    if isinstance(value, bool) or not isinstance(value, int | float | str) or (isinstance(value, str) and not text):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def check_json_start(head: bytes, path: Path | str, expected: str, what: str = "the JSON expected") -> None:
    """Refuse, from its first bytes, a JSON document that is not the kind expected (``{`` for an
    object, ``[`` for an array), before anything is parsed. JSON may be UTF-8, -16 or -32."""
    text = head[:1024].decode(wide_encoding(head) or "latin-1", errors="ignore")
    start = text.lstrip("\ufeff\u00ef\u00bb\u00bf \t\r\n")[:1]
    if start not in expected:
        kinds = " or ".join({"{": "a JSON object ({ ... })", "[": "a JSON array ([ ... ])"}[c] for c in expected)
        shown = repr(start) if start else "nothing"
        fail("unknown-layout", f"not {what}: expected {kinds}, but the file starts with {shown}", path, 1)


def load_json(data: bytes, path: Path | str, expected: str = "{[", what: str = "the JSON expected") -> object:
    """Parse JSON bytes (a file's, or an API's answer), every failure a located error.

    Nesting deeper than Python's recursion limit is refused, not a crash.
    """
    check_json_start(data[:1024], path, expected, what)
    try:
        return json.loads(data)  # (bytes: the stdlib tells UTF-8, -16 and -32 apart, with or without a BOM)
    except UnicodeDecodeError as exc:
        fail(
            "encoding-error",
            f"not valid {exc.encoding.upper()} ({exc.reason})",
            path,
            data[: exc.start].count(b"\n") + 1,
        )
    except json.JSONDecodeError as exc:
        fail("malformed-json", exc.msg, path, exc.lineno)
    except RecursionError:
        fail("malformed-json", "values nested too deeply to read (arrays or objects within each other)", path)


def load_json_file(path: Path, expected: str = "{[", what: str = "the JSON expected") -> object:
    """:func:`load_json` for a file, whose kind is checked on its first bytes before it is read."""
    if not path.is_file():
        fail("missing-file", "file not found", path)
    with path.open("rb") as fh:
        check_json_start(fh.read(1024), path, expected, what)
    return load_json(path.read_bytes(), path, expected, what)


# Temporary copies are named after the process that writes them, so that a later run can tell
# a copy left by a killed import (its process is gone) from one still in use.
COPY_PREFIX = ".lazos-import-"


def transcode(path: Path, encoding: str, folder: Path | None = None) -> Path:
    """A UTF-8 copy of a file in another encoding (streamed; the caller deletes it).

    The copy goes into ``folder`` (an import puts it beside its database), named
    ``.lazos-import-<pid>-…``: if the process is killed, :func:`remove_stale_copies` removes it
    on the next run.
    """
    if not path.is_file():
        fail("missing-file", "file not found", path)
    codec = _codec(encoding, path)
    handle, name = tempfile.mkstemp(prefix=f"{COPY_PREFIX}{os.getpid()}-", suffix=path.suffix, dir=folder)
    copy = Path(name)
    try:
        with (
            open(handle, "w", encoding="utf-8", newline="") as out,
            path.open("r", encoding=codec, newline="") as src,
        ):
            out.write(src.read(1 << 20).removeprefix("\ufeff"))  # (a BOM the codec keeps, as utf-16-le does)
            for block in iter(lambda: src.read(1 << 20), ""):
                out.write(block)
    except UnicodeDecodeError as exc:
        copy.unlink(missing_ok=True)
        raise ValidationError(
            [DataError("encoding-error", f"not valid {encoding} either ({exc.reason})", str(path))]
        ) from exc
    except BaseException:  # a full disk, Ctrl-C: no half-written copy stays behind
        copy.unlink(missing_ok=True)
        raise
    return copy


def _alive(pid: int) -> bool:
    if os.name == "nt":  # no harmless way to ask: keep the copy
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def remove_stale_copies(folder: Path) -> list[Path]:
    """Delete the temporary copies in ``folder`` whose process has ended (a killed import's)."""
    removed = []
    for copy in folder.glob(f"{COPY_PREFIX}*"):
        pid = copy.name[len(COPY_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            copy.unlink(missing_ok=True)
            removed.append(copy)
    return removed


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
