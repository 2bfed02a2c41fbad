"""The ``parse`` stage: GDELT 2.0 files (events, mentions, GKG 2.1) read into typed Arrow tables.

- ``kind_of(path)`` tells a file's layout by its name (``.export.CSV``, ``.mentions.CSV``,
  ``.gkg.csv``, each optionally ``.zip``) or else by the number of fields on its first line.
- ``parse_file(path)`` reads one file (plain, or a GDELT zip holding one member) into the table
  ``layouts.schema(layout)``; ``parse_file_with_stats(path)`` also returns a ``ParseStats`` with the
  number of duplicates left out. ``parse_batch(batch)`` is the Ray Data stage over a column of paths.
- ``errors_of(table)`` lists a parsed table's bad rows as ``lazos.errors.DataError``.

Problems with the whole file (missing, a truncated or corrupt zip, a zip that does not hold exactly
one file, not a GDELT layout) raise ``ValidationError`` holding one located ``DataError``.
A bad line does not stop the file: it becomes one row with only ``source_file``, ``line`` and
``error`` set and every layout column null. ``error`` names the problem, not the place (that is in
``source_file`` and ``line``): ``"60 fields, expected 61"``, ``"empty line"``,
``"GLOBALEVENTID: 'abc' is not an integer"``, ``"Day: '20190230' is not a date (YYYYMMDD)"``,
``"SOURCEURL: not valid UTF-8 (byte 0xe9)"``; several problems in one row are joined by ``"; "``.
Good rows have ``error`` null. Lines are numbered from 1 as pyarrow's CSV reader counts them: a
line ends at LF, CRLF or a lone CR.

Rows are deduplicated on the layout's key within a file (``Layout.key``: GLOBALEVENTID for events,
GKGRECORDID for GKG, GLOBALEVENTID + MentionIdentifier + SentenceID for mentions, whose files
mention one event once per article): the first occurrence is kept, and the number of later ones
left out is ``ParseStats.duplicates``.

Speed: the file is split with ``pyarrow.csv`` (tab, no quoting, every column read as a string)
and typed with vectorised ``pyarrow.compute`` kernels; Python looks at single rows only once a
vectorised check has flagged them as bad. The reader runs serially (``use_threads=False``) because
only then does pyarrow give the line number of a row with the wrong number of fields; Ray runs
files in parallel.
"""

from __future__ import annotations

import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from lazos.errors import DataError, ValidationError
from lazos.monitor.layouts import LAYOUTS, Layout, schema

READ_BLOCK = 1 << 20  # bytes pyarrow's reader takes at a time; retried larger for a longer line
UTF8_WINDOW = 1 << 16  # bytes decoded at a time in a file that is not UTF-8 throughout
SHOWN_CHARS = 60  # how much of a bad value an error message quotes
ZIP_MAGIC = b"PK\x03\x04"

_SUFFIXES = ((".export.csv", "events"), (".mentions.csv", "mentions"), (".gkg.csv", "gkg"))
_INTEGER = r"^-?[0-9]+$"
_DECIMAL = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"

Mask = pa.Array | pa.ChunkedArray
Issues = list[tuple[Mask | None, str]]  # (mask of bad rows, or None for none; what is wrong with their value)


@dataclass(frozen=True)
class ParseStats:
    """What parsing one file found."""

    file: str
    kind: str
    lines: int  # lines read (good, bad and duplicate)
    rows: int  # good rows kept
    bad_rows: int  # rows with ``error`` set
    duplicates: int  # good rows left out because an earlier row had the same key (``Layout.key``)


def _fail(kind: str, message: str, file: Path | str, row: int | None = None) -> NoReturn:
    raise ValidationError([DataError(kind, message, str(file), row)])


# --- reading -------------------------------------------------------------------------------------


def _unzip(path: Path) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                names = ", ".join(m.filename for m in members[:5]) or "nothing"
                _fail("bad-zip", f"the zip holds {len(members)} files ({names}), expected one GDELT file", path)
            return archive.read(members[0])
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        _fail("bad-zip", f"truncated or corrupt zip archive: {exc}", path)


def read_bytes(path: Path) -> bytes:
    """The content of a GDELT file: the file itself, or the one member of a zip."""
    path = Path(path)
    if not path.is_file():
        _fail("missing-file", "file not found", path)
    try:
        with path.open("rb") as fh:
            zipped = fh.read(len(ZIP_MAGIC)) == ZIP_MAGIC
        return _unzip(path) if zipped or path.name.lower().endswith(".zip") else path.read_bytes()
    except OSError as exc:
        _fail("unreadable-file", f"cannot read the file: {exc.strerror or exc}", path)


def _first_line(path: Path) -> bytes:
    with path.open("rb") as fh:
        zipped = fh.read(len(ZIP_MAGIC)) == ZIP_MAGIC
        if not zipped:
            fh.seek(0)
            return fh.readline()
    data = _unzip(path)
    return data[: data.find(b"\n")] if b"\n" in data else data


def kind_of(path: Path) -> str:
    """``"events"``, ``"mentions"`` or ``"gkg"``: by the file's name, else by its first line's field count."""
    path = Path(path)
    name = path.name.lower()
    for suffix, kind in _SUFFIXES:
        if name.endswith((suffix, suffix + ".zip")):
            return kind
    if not path.is_file():
        _fail("missing-file", "file not found", path)
    fields = _first_line(path).rstrip(b"\r\n").count(b"\t") + 1
    for kind, layout in LAYOUTS.items():
        if layout.field_count == fields:
            return kind
    expected = ", ".join(str(layout.field_count) for layout in LAYOUTS.values())
    _fail(
        "not-gdelt",
        f"not a GDELT 2.0 events/mentions/GKG file: its first line has {fields} tab-separated fields "
        f"(expected {expected})",
        path,
        1,
    )


def _line_breaks(data: bytes, start: int, end: int) -> int:
    """How many lines end in ``data[start:end]``: at LF, at CRLF or at a lone CR, as pyarrow counts them."""
    return data.count(b"\n", start, end) + data.count(b"\r", start, end) - data.count(b"\r\n", start, end)


def _line_end(data: bytes, start: int) -> int:
    """Where the line holding ``data[start]`` ends (its line break, or the end of the data)."""
    lf = data.find(b"\n", start)
    lf = len(data) if lf < 0 else lf
    cr = data.find(b"\r", start, lf)
    return lf if cr < 0 else cr


def _blank_undecodable(data: bytes, layout: Layout) -> tuple[bytes, dict[int, str]]:
    """``data`` with each line that is not UTF-8 replaced by empty cells, and what was wrong with
    each (by line number). A clean file is decoded once; otherwise it is decoded in windows of whole
    lines, and the lines of a window that fails one by one."""
    try:
        data.decode("utf-8")
        return data, {}
    except UnicodeDecodeError:
        pass
    pieces: list[bytes] = []
    found: dict[int, str] = {}
    pos, line = 0, 1
    while pos < len(data):
        cut = data.find(b"\n", pos + UTF8_WINDOW)
        cut = len(data) if cut < 0 else cut + 1
        try:
            data[pos:cut].decode("utf-8")
            pieces.append(data[pos:cut])
            line += _line_breaks(data, pos, cut)
        except UnicodeDecodeError:
            line = _blank_lines(data, pos, cut, line, layout, pieces, found)
        pos = cut
    return b"".join(pieces), found


def _blank_lines(
    data: bytes, pos: int, cut: int, line: int, layout: Layout, pieces: list[bytes], found: dict[int, str]
) -> int:
    """``_blank_undecodable`` for the lines in ``data[pos:cut]``, the first of them numbered ``line``;
    returns the number of the line after them."""
    while pos < cut:
        end = _line_end(data, pos)
        after = end + (2 if data.startswith(b"\r\n", end) else 1 if end < len(data) else 0)
        try:
            data[pos:end].decode("utf-8")
            pieces.append(data[pos:after])
        except UnicodeDecodeError as exc:
            field = data.count(b"\t", pos, pos + exc.start)
            where = f"{layout.names[field]}: " if field < layout.field_count else ""
            found[line] = f"{where}not valid UTF-8 (byte 0x{data[pos + exc.start]:02x})"
            pieces.append(b"\t" * (layout.field_count - 1) + data[end:after])  # empty cells in the line's place
        line += 1
        pos = after
    return line


def _read_fields(data: bytes, layout: Layout, file: str) -> tuple[pa.Table, dict[int, str]]:
    """Every line split into the layout's columns (strings, empty = null), and the lines whose
    number of fields is wrong, with a message (these are not in the table)."""
    if not data:
        return pa.table({name: pa.array([], pa.string()) for name in layout.names}), {}
    block = READ_BLOCK
    while True:
        wrong: dict[int | None, str] = {}

        def note(row: pacsv.InvalidRow, wrong: dict[int | None, str] = wrong) -> str:
            fields = "1 field" if row.actual_columns == 1 else f"{row.actual_columns} fields"
            wrong[row.number] = f"{fields}, expected {row.expected_columns}"
            return "skip"

        try:
            table = pacsv.read_csv(
                pa.BufferReader(data),
                read_options=pacsv.ReadOptions(column_names=layout.names, use_threads=False, block_size=block),
                parse_options=pacsv.ParseOptions(
                    delimiter="\t", quote_char=False, ignore_empty_lines=False, invalid_row_handler=note
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(layout.names, pa.string()), strings_can_be_null=True, null_values=[""]
                ),
            )
        except pa.ArrowInvalid as exc:
            if "straddle" in str(exc) and block <= len(data):
                block = min(len(data) + 1, 2**31 - 1)  # a line longer than a block: read in one block
                continue
            _fail("unreadable-file", f"cannot split the file into fields: {exc}", file)
        if None in wrong:
            raise RuntimeError("pyarrow did not give the line number of a row with the wrong number of fields")
        return table, {int(k): v for k, v in wrong.items() if k is not None}


def _line_numbers(rows: int, skipped: Sequence[int]) -> np.ndarray:
    """The line of each table row, given the lines the reader left out."""
    if not skipped:
        return np.arange(1, rows + 1, dtype=np.int32)
    every = np.arange(1, rows + len(skipped) + 1, dtype=np.int32)
    return every[~np.isin(every, np.asarray(skipped, dtype=np.int32))]


# --- typing ---------------------------------------------------------------------------------------


def _show(value: str) -> str:
    return repr(value) if len(value) <= SHOWN_CHARS else repr(value[:SHOWN_CHARS]) + "…"


def _flag(col: pa.ChunkedArray, ok: pa.ChunkedArray) -> pa.ChunkedArray:
    """True where ``col`` has a value and it is not ``ok``."""
    return pc.and_(pc.is_valid(col), pc.invert(pc.fill_null(ok, False)))


def _failing(values: pa.Array, convert: Callable[[pa.Array], object]) -> list[int]:
    """The positions where ``convert`` fails, found by halving (rare: values are checked first)."""
    try:
        convert(values)
        return []
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        if len(values) == 1:
            return [0]
    half = len(values) // 2
    return _failing(values.slice(0, half), convert) + [half + i for i in _failing(values.slice(half), convert)]


def _cast(col: pa.ChunkedArray, ok: Mask, kind: pa.DataType) -> tuple[pa.ChunkedArray, pa.Array | None]:
    """``col`` cast to ``kind`` where ``ok``; returns it with a mask of the values that would not
    cast although ``ok`` (None when there are none)."""
    candidate = pc.if_else(pc.fill_null(ok, False), col, pa.scalar(None, pa.string()))
    try:
        return pc.cast(candidate, kind), None
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        flat = candidate.combine_chunks()
        failed = np.zeros(len(col), bool)
        failed[_failing(flat, lambda a: pc.cast(a, kind))] = True
        cleaned = pc.if_else(pa.array(failed), pa.scalar(None, pa.string()), flat)
        return pa.chunked_array([pc.cast(cleaned, kind)]), pa.array(failed)


def _as_integer(col: pa.ChunkedArray, kind: pa.DataType) -> tuple[pa.ChunkedArray, Issues]:
    try:  # the common case: every value casts, and none is hexadecimal (which Arrow's cast accepts)
        typed = pc.cast(col, kind)
        if not pc.any(pc.or_(pc.match_substring(col, "x"), pc.match_substring(col, "X"))).as_py():
            return typed, []
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    ok = pc.match_substring_regex(col, _INTEGER)
    wide, overflow = _cast(col, ok, pa.int64())  # only a value of 19 digits or more can fail here
    if kind != pa.int64():
        limits = np.iinfo(kind.to_pandas_dtype())
        outside = pc.fill_null(pc.or_(pc.less(wide, limits.min), pc.greater(wide, limits.max)), False)
        overflow = outside if overflow is None else pc.or_(outside, overflow)
        wide = pc.if_else(outside, pa.scalar(None, pa.int64()), wide)
    return pc.cast(wide, kind), [(_flag(col, ok), "is not an integer"), (overflow, f"is out of range for {kind}")]


def _as_float(col: pa.ChunkedArray) -> tuple[pa.ChunkedArray, Issues]:
    issues: Issues = []
    try:  # the common case: every value casts (Arrow's cast also reads nan and inf: flagged below)
        typed = pc.cast(col, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        ok = pc.match_substring_regex(col, _DECIMAL)
        typed, failed = _cast(col, ok, pa.float64())
        issues += [(_flag(col, ok), "is not a number"), (failed, "is not a number")]
    infinite = pc.fill_null(pc.invert(pc.is_finite(typed)), False)
    return typed, [*issues, (infinite, "is not a finite number")]


def _as_bool(col: pa.ChunkedArray) -> tuple[pa.ChunkedArray, Issues]:
    ok = pc.is_in(col, value_set=pa.array(["0", "1"]))
    return pc.equal(col, "1"), [(_flag(col, ok), "is not 0 or 1")]


def _strict_time(values: pa.Array, kind: pa.DataType) -> tuple[pa.Array, pa.Array]:
    """``values`` (distinct strings) read as YYYYMMDD or YYYYMMDDHHMMSS, and where they are valid."""
    is_date = pa.types.is_date(kind)
    digits, fmt = (8, "%Y%m%d") if is_date else (14, "%Y%m%d%H%M%S")
    shape = pc.match_substring_regex(values, f"^[0-9]{{{digits}}}$")
    candidate = pc.if_else(pc.fill_null(shape, False), values, pa.scalar(None, pa.string()))
    parsed = pc.strptime(candidate, format=fmt, unit="s", error_is_null=True)
    # strptime is lenient (20190230 becomes March 2nd): rebuild the digits from the result to compare
    parts = [pc.year, pc.month, pc.day] + ([] if is_date else [pc.hour, pc.minute, pc.second])
    rebuilt = pc.cast(parts[0](parsed), pa.int64())
    for part in parts[1:]:
        rebuilt = pc.add(pc.multiply(rebuilt, 100), pc.cast(part(parsed), pa.int64()))
    same = pc.equal(rebuilt, pc.cast(candidate, pa.int64()))
    return (pc.cast(parsed, kind) if is_date else parsed), same


def _as_time(col: pa.ChunkedArray, kind: pa.DataType) -> tuple[pa.Array, Issues]:
    """YYYYMMDD (date32) or YYYYMMDDHHMMSS (timestamp[s]), strictly: each part in range.

    A file holds few distinct dates, so each distinct value is read once."""
    encoded = pc.dictionary_encode(col.combine_chunks())
    typed, same = _strict_time(encoded.dictionary, kind)
    wording = "a date (YYYYMMDD)" if pa.types.is_date(kind) else "a date-time (YYYYMMDDHHMMSS)"
    return pc.take(typed, encoded.indices), [(_flag(col, pc.take(same, encoded.indices)), f"is not {wording}")]


def _as_type(col: pa.ChunkedArray, field: pa.Field, layout: Layout) -> tuple[pa.ChunkedArray, Issues]:
    kind = field.type
    if pa.types.is_string(kind):
        return col, []
    if pa.types.is_integer(kind):
        typed, issues = _as_integer(col, kind)
        if field.name in layout.not_found:  # GDELT's -1 = "not found": unknown, so null
            typed = pc.if_else(pc.equal(typed, -1), pa.scalar(None, kind), typed)
        return typed, issues
    if pa.types.is_floating(kind):
        return _as_float(col)
    if pa.types.is_boolean(kind):
        return _as_bool(col)
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        return _as_time(col, kind)
    raise TypeError(f"no parser for {field}")


# --- GKG derived columns ---------------------------------------------------------------------------


def _entries(col: pa.ChunkedArray) -> tuple[pa.Array, np.ndarray, pa.Array]:
    """The non-empty ``;``-separated entries of each value: (entries, their row, null mask of the rows)."""
    lists = pc.split_pattern(col.combine_chunks(), ";")
    flat = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists)
    keep = pc.not_equal(flat, "")
    return pc.filter(flat, keep), pc.filter(parents, keep).to_numpy(), pc.is_null(lists)


def _regroup(values: pa.Array, parents: np.ndarray, rows: int, null: pa.Array) -> pa.ListArray:
    counts = np.bincount(parents, minlength=rows) if len(parents) else np.zeros(rows, np.int64)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    return pa.ListArray.from_arrays(offsets, values, mask=null)


def _location_countries(col: pa.ChunkedArray) -> tuple[pa.Array, Issues]:
    entries, parents, null = _entries(col)
    third = pc.struct_field(pc.extract_regex(entries, r"^[^#]*#[^#]*#(?P<country>[^#]*)"), "country")
    # extract_regex gives null where the entry has fewer than three fields
    short = np.zeros(len(col), bool)
    short[parents[pc.is_null(third).to_numpy(zero_copy_only=False)]] = True
    country = pc.if_else(pc.equal(third, ""), pa.scalar(None, pa.string()), third)
    issue = (pa.array(short), "has a location with fewer than 3 '#' fields")
    return _regroup(country, parents, len(col), null), [issue]


def _organizations(col: pa.ChunkedArray) -> pa.Array:
    entries, parents, null = _entries(col)
    return _regroup(entries, parents, len(col), null)


def _tone(col: pa.ChunkedArray) -> tuple[pa.ChunkedArray, Issues]:
    first = pc.list_element(pc.split_pattern(col, ",", max_splits=1), 0)
    first = pc.if_else(pc.equal(first, ""), pa.scalar(None, pa.string()), first)
    typed, issues = _as_float(first)
    return typed, [(mask, f"first field {problem}") for mask, problem in issues]


def _derived(raw: pa.Table, layout: Layout) -> tuple[dict[str, pa.ChunkedArray | pa.Array], dict[str, Issues]]:
    if layout.name != "gkg":
        return {}, {}
    tone, tone_issues = _tone(raw["V1.5TONE"])
    countries, location_issues = _location_countries(raw["V1LOCATIONS"])
    columns = {"Tone": tone, "LocationCountries": countries, "Organizations": _organizations(raw["V1ORGANIZATIONS"])}
    return columns, {"V1.5TONE": tone_issues, "V1LOCATIONS": location_issues}


# --- assembling -------------------------------------------------------------------------------------


def _messages(raw: pa.Table, issues: dict[str, Issues]) -> dict[int, list[str]]:
    """Row index → what is wrong with it, for the rows a vectorised check flagged."""
    found: dict[int, list[str]] = defaultdict(list)
    for name, checks in issues.items():
        for mask, problem in checks:
            if mask is None or not pc.any(mask).as_py():
                continue
            if isinstance(mask, pa.ChunkedArray):
                mask = mask.combine_chunks()
            rows = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
            for row, value in zip(rows, raw[name].take(pa.array(rows)).to_pylist(), strict=True):
                found[int(row)].append(f"{name}: {_show(value)} {problem}")
    return found


def _missing_ids(raw: pa.Table, layout: Layout, found: dict[int, list[str]], blanked: set[int]) -> None:
    """Add a message for each row without an id: an empty line, or a row whose id cell is empty."""
    rows = np.flatnonzero(pc.is_null(raw[layout.id_column]).to_numpy(zero_copy_only=False))
    for row in rows:
        if int(row) in blanked:
            continue
        values = raw.slice(int(row), 1).to_pylist()[0].values()
        if all(v is None for v in values):
            found[int(row)].insert(0, "empty line")
        else:
            found[int(row)].insert(0, f"{layout.id_column}: empty (every row needs one)")


def _error_rows(layout: Layout, file: str, lines: list[int], messages: list[str]) -> pa.Table:
    target = schema(layout)
    n = len(lines)
    columns = [pa.nulls(n, f.type) for f in target][:-3]
    columns += [pa.repeat(pa.scalar(file), n), pa.array(lines, pa.int32()), pa.array(messages, pa.string())]
    return pa.Table.from_arrays(columns, schema=target)


def _first_occurrences(table: pa.Table, key: tuple[str, ...]) -> np.ndarray | None:
    """Positions of the first row of each key, or None when no key repeats."""
    if len(key) == 1 and pc.count_distinct(table[key[0]], mode="all").as_py() == table.num_rows:
        return None
    keys = table.select(list(key)).append_column("at", pa.array(np.arange(table.num_rows)))
    first = keys.group_by(list(key), use_threads=False).aggregate([("at", "min")])["at_min"]
    return None if len(first) == table.num_rows else np.sort(first.to_numpy())


def _good_rows(
    typed: dict[str, pa.ChunkedArray | pa.Array], layout: Layout, file: str, lines: np.ndarray, good: np.ndarray | None
) -> tuple[pa.Table, int]:
    """The rows marked ``good`` (all when None), less duplicates, with their provenance."""
    target = schema(layout)
    table = pa.table({f.name: typed[f.name] for f in target if f.name in typed})
    line = pa.array(lines, pa.int32())
    if good is not None:
        table, line = table.filter(pa.array(good)), line.filter(pa.array(good))
    first = _first_occurrences(table, layout.key)
    duplicates = 0
    if first is not None:
        duplicates = table.num_rows - len(first)
        table, line = table.take(pa.array(first)), line.take(pa.array(first))
    n = table.num_rows
    table = table.append_column("source_file", pa.repeat(pa.scalar(file), n))
    table = table.append_column("line", line).append_column("error", pa.nulls(n, pa.string()))
    return table.cast(target), duplicates


def parse_bytes(data: bytes, layout: Layout, file: str) -> tuple[pa.Table, ParseStats]:
    """Parse the content of one file of ``layout``; ``file`` names it in the table and in errors."""
    data, undecodable = _blank_undecodable(data, layout)
    raw, wrong_count = _read_fields(data, layout, file)
    lines = _line_numbers(raw.num_rows, sorted(wrong_count))
    typed: dict[str, pa.ChunkedArray | pa.Array] = {}
    issues: dict[str, Issues] = {}
    for field in layout.columns:
        typed[field.name], issues[field.name] = _as_type(raw[field.name], field, layout)
    derived, derived_issues = _derived(raw, layout)
    typed.update(derived)
    for name, extra in derived_issues.items():
        issues[name] = issues[name] + extra
    found = _messages(raw, issues)
    blanked = {int(i) for i in np.searchsorted(lines, sorted(undecodable))}
    _missing_ids(raw, layout, found, blanked)
    for row, line in zip(sorted(blanked), sorted(undecodable), strict=True):
        found[row] = [undecodable[line]]
    bad_rows = sorted(found)
    good = None
    if bad_rows:
        good = np.ones(raw.num_rows, bool)
        good[bad_rows] = False
    table, duplicates = _good_rows(typed, layout, file, lines, good)
    errors = sorted([(int(lines[r]), "; ".join(found[r])) for r in bad_rows] + list(wrong_count.items()))
    if errors:
        bad = _error_rows(layout, file, [e[0] for e in errors], [e[1] for e in errors])
        table = pa.concat_tables([table, bad])
    stats = ParseStats(
        file, layout.name, raw.num_rows + len(wrong_count), table.num_rows - len(errors), len(errors), duplicates
    )
    return table, stats


# --- public entry points ---------------------------------------------------------------------------


def parse_file_with_stats(path: Path) -> tuple[pa.Table, ParseStats]:
    """``parse_file``'s table and what parsing found (lines, good rows, bad rows, duplicates left out)."""
    path = Path(path)
    layout = LAYOUTS[kind_of(path)]
    return parse_bytes(read_bytes(path), layout, path.name)


def parse_file(path: Path) -> pa.Table:
    """One GDELT file as a typed table in ``schema(layout)``, deduplicated on ``layout.key``.

    Raises ``ValidationError`` when the file as a whole cannot be read (see the module docstring);
    bad lines are rows with ``error`` set. The number of duplicates left out is in
    ``parse_file_with_stats``.
    """
    return parse_file_with_stats(path)[0]


def _file_error_row(layout: Layout, path: Path, error: ValidationError) -> pa.Table:
    problem = error.errors[0]
    return _error_rows(layout, path.name, [problem.row], [f"{problem.type}: {problem.message}"])


def parse_batch(batch: pa.Table, kind: str | None = None) -> pa.Table:
    """The Ray Data stage: the files named in the string column ``path``, parsed and concatenated.

    All files must be of one kind (``kind``, when given, else told by ``kind_of``); files of
    different kinds raise ``ValidationError``. A file that cannot be read at all (a truncated zip,
    a missing file) does not stop the batch: it becomes one error row (``line`` null unless the
    problem has one, ``error`` = ``"<type>: <message>"``), so that it reaches the end of the pipeline.
    Use with ``ds.map_batches(parse_batch, batch_format="pyarrow")``.
    """
    if kind is not None and kind not in LAYOUTS:
        raise ValueError(f"unknown GDELT kind {kind!r}: expected one of {', '.join(LAYOUTS)}")
    paths = [Path(p) for p in batch["path"].to_pylist()]
    kinds: dict[Path, str | ValidationError] = {}
    for path in paths:
        try:
            kinds[path] = kind_of(path)
        except ValidationError as exc:
            kinds[path] = exc
    found = {k for k in kinds.values() if isinstance(k, str)}
    if kind is not None:
        found.add(kind)
    if len(found) > 1:
        listing = ", ".join(f"{p.name} ({k})" for p, k in kinds.items() if isinstance(k, str))
        _fail("mixed-kinds", f"a batch must hold files of one kind: {listing}", paths[0] if paths else "")
    if not found:
        if paths:
            raise next(k for k in kinds.values() if isinstance(k, ValidationError))
        _fail("empty-batch", "an empty batch needs its kind", "")
    layout = LAYOUTS[found.pop()]
    tables = []
    for path in paths:
        try:
            tables.append(
                parse_bytes(read_bytes(path), layout, path.name)[0]
                if isinstance(kinds[path], str)
                else _file_error_row(layout, path, kinds[path])
            )
        except ValidationError as exc:
            tables.append(_file_error_row(layout, path, exc))
    return pa.concat_tables(tables) if tables else schema(layout).empty_table()


def errors_of(table: pa.Table) -> list[DataError]:
    """The bad rows of a parsed (or selected) table, as located ``DataError``s."""
    bad = table.filter(pc.is_valid(table["error"])).select(["source_file", "line", "error"])
    return [DataError("invalid-row", r["error"], r["source_file"], r["line"]) for r in bad.to_pylist()]
