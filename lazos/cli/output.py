"""Rendering results for the terminal: rich tables, CSV or JSON, chosen by ``--format``."""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderHook, RenderResult
from rich.measure import Measurement
from rich.pager import SystemPager
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from lazos import results
from lazos.errors import LazosError
from lazos.formatting import money
from lazos.jsonable import dumps, plain, records


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


# Characters a terminal acts on instead of showing: C0 controls but tab and newline (ESC starts
# the sequences that retitle a window or clear the screen), DEL, the C1 controls (U+0080-U+009F,
# CSI among them), and the bidirectional embeddings, overrides and isolates that reorder the
# text after them (Trojan Source). Documents and imported files may hold any of them.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(value: str) -> str:
    """``value`` with each character a terminal would act on written out (ESC as \\x1b, U+202E as \\u202e)."""
    return UNSAFE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), value)


class _Stripped:
    """A renderable whose text segments lose any terminal control character left in them.

    Laid out first, stripped after: the characters removed take no cell (rich gives them a
    width of 0), so tables stay aligned. Rich's own control segments (cursor moves of a
    progress display) are kept.
    """

    def __init__(self, renderable: ConsoleRenderable) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            if segment.control or not UNSAFE.search(segment.text):
                yield segment
            else:
                yield Segment(UNSAFE.sub("", segment.text), segment.style)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)


class StripControls(RenderHook):
    """The last guard for everything printed through a console: no data reaches the terminal as a
    command. Tables and notes show such characters as escapes first (``visible``); this catches
    whatever is printed without going through them."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Stripped(r) for r in renderables]


def guarded(console: Console) -> Console:
    console.push_render_hook(StripControls())
    return console


console = guarded(Console(soft_wrap=False))


def text(value: Any) -> str:
    """A value as read in a table: numbers with separators, nested values as JSON, blobs escaped."""
    if isinstance(value, bytes | bytearray | memoryview):
        return blob_text(bytes(value))
    if isinstance(value, timedelta | np.timedelta64) and not pd.isna(value):
        return duration_text(value)
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        # Beyond 15 digits a float's integer digits are noise (a HUGEINT or DECIMAL read as a double).
        return f"{value:,.0f}" if value.is_integer() and abs(value) < 1e15 else f"{value:,.4g}"
    if isinstance(value, dict | list):
        return visible(json.dumps(value, ensure_ascii=False, default=str))
    return visible(str(value))


def blob_text(data: bytes, shown: int = 48) -> str:
    """Bytes as DuckDB shows a BLOB (printable ASCII as is, others as \\xNN), long ones cut."""
    head = "".join(chr(b) if 32 <= b < 127 and b != 92 else f"\\x{b:02x}" for b in data[:shown])
    return head if len(data) <= shown else f"{head}… ({len(data):,} bytes)"


def duration_text(value: Any) -> str:
    """An interval as DuckDB shows it: 3 days, 423 days 04:05:06.5, -00:05:00."""
    td = pd.Timedelta(value)
    sign, td = ("-", -td) if td < pd.Timedelta(0) else ("", td)
    c = td.components
    parts = [f"{c.days} day{'s' if c.days != 1 else ''}"] if c.days else []
    fraction = c.milliseconds * 1_000_000 + c.microseconds * 1_000 + c.nanoseconds
    clock = f"{c.hours:02}:{c.minutes:02}:{c.seconds:02}" + (f".{fraction:09d}".rstrip("0") if fraction else "")
    if clock != "00:00:00" or not parts:
        parts.append(clock)
    return sign + " ".join(parts)


def csv_frame(df: pd.DataFrame, on_terminal: bool = False) -> pd.DataFrame:
    """``df`` with cells CSV can hold: nested values as JSON text, blobs base64, intervals ISO 8601.

    CSV is data for programs, so text is kept exactly as stored (CSV has no escapes, and a
    file that differs from the database would be wrong). Only when the CSV is written
    straight to a terminal, where it is read, not parsed, are control characters shown as
    escapes, as ``ls`` does with file names.
    """
    out = df.copy(deep=False)
    for i in range(df.shape[1]):
        column = df.iloc[:, i]
        # Columns of plain scalars are written well by pandas (and fast): only others go cell by cell.
        inferred = pd.api.types.infer_dtype(column, skipna=True)
        if inferred not in _CSV_AS_IS or (on_terminal and inferred in ("string", "mixed", "categorical")):
            out.isetitem(i, [_csv_cell(v, on_terminal) for v in column])
    return out


_CSV_AS_IS = {
    "string",
    "empty",
    "integer",
    "floating",
    "mixed-integer-float",
    "boolean",
    "date",
    "datetime",
    "datetime64",
    "time",
    "decimal",
    "categorical",
}


def _csv_cell(value: Any, on_terminal: bool) -> Any:
    value = plain(value)
    if isinstance(value, dict | list):
        value = dumps(value, indent=None)
    return visible(value) if on_terminal and isinstance(value, str) else value


def table(df: pd.DataFrame, columns: dict[str, str] | None = None, title: str | None = None) -> Table:
    """A rich table of ``df``; ``columns`` maps column names to headers (and picks them).

    Cells are taken by position, not by name: a query's columns may be named anything
    (``count(*)``, ``2x``, ``a b``, twice the same name), which named tuples cannot hold.
    """
    if columns is None:
        picked = list(enumerate(str(c) for c in df.columns))
    else:
        picked = [(df.columns.get_loc(c), header) for c, header in columns.items()]
    out = Table(title=visible(title) if title else None, title_justify="left", show_lines=False, header_style="bold")
    for _, header in picked:
        out.add_column(visible(header), overflow="fold")
    for row in df.itertuples(index=False, name=None):
        out.add_row(*(Text(text(row[i])) for i, _ in picked))
    return out


def emit(
    result: results.Table | pd.DataFrame,
    fmt: Format,
    columns: dict[str, str] | None = None,
    title: str | None = None,
    *,
    limit: int | None = None,
    sort: str | None = None,
    sort_keys: dict[str, pd.Series] | None = None,
    default_limit: int | None = None,
    shown: dict[str, Any] | None = None,
) -> None:
    """Print a result: a table with chosen columns, or every column as CSV or JSON.

    JSON is the result's ``to_dict()`` (the same the REST API answers), CSV its rows.
    ``shown`` adds columns for the table view only (an amount written out, a marker), one
    value per row. ``sort`` and ``limit`` are the --sort and --limit options (see
    ``arrange``); a table left short says how many rows it does not show.
    """
    df = result.frame if isinstance(result, results.Table) else result
    data_columns = list(df.columns)
    if shown:
        if set(shown) & set(map(str, data_columns)):
            raise ValueError(f"display columns {sorted(set(shown) & set(map(str, data_columns)))} hide data columns")
        df = df.assign(**shown)
    headers = columns or {str(c): str(c) for c in data_columns}
    df, hidden = arrange(df, fmt, limit, sort, headers, sort_keys, default_limit)
    if fmt is Format.csv:
        out = df.iloc[:, : len(data_columns)]
        csv_frame(out, on_terminal=sys.stdout.isatty()).to_csv(sys.stdout, index=False, lineterminator="\n")
    elif fmt is Format.json:
        out = df.iloc[:, : len(data_columns)]
        emit_json(result.with_frame(out).to_dict() if isinstance(result, results.Table) else records(out))
    else:
        if df.empty:
            console.print(Text(f"{title + ': ' if title else ''}nothing to show", style="dim"))
            return
        refs: dict[tuple[Any, Any], int] = {}
        if columns and "source_url" in columns:
            labels = df["source_label"] if "source_label" in df else [None] * len(df)
            marks = []
            for label, url in zip(labels, df["source_url"], strict=True):
                key = (plain(label), plain(url))
                refs.setdefault(key, len(refs) + 1)
                marks.append(f"[{refs[key]}]")
            df = df.assign(source_ref=marks)
            columns = {("source_ref" if c == "source_url" else c): h for c, h in columns.items()}
        print_table(table(df, columns, title))
        more(hidden)
        for (label, url), n in refs.items():
            line = visible(f"  [{n}] {label or ''}" + (f" {url}" if url else ""))
            console.print(Text(line, style="dim"), soft_wrap=True)
    if fmt is not Format.json:  # JSON holds it in its "coverage" field
        print_coverage(result, to_stderr=fmt is Format.csv)


# ---------------------------------------------------------------------------- coverage notes


def print_coverage(result: Any, *, to_stderr: bool = False) -> None:
    """Say, beside the figures, that they rest on part of a dataset (``result.coverage``, see
    lazos.results.Coverage); to standard error where standard output is data (CSV)."""
    for note in result.coverage if isinstance(result, results.Result) else ():
        analysis = not isinstance(result, results.Table | results.CountryProfile | results.Overview)
        line = visible((f"Indicators {', '.join(note.figures)}: " if analysis and note.figures else "") + note.note)
        if to_stderr:
            sys.stderr.write(line + "\n")
        else:
            console.print(Text(line, style="yellow"), soft_wrap=True)


def with_coverage(body: dict[str, Any], result: Any) -> dict[str, Any]:
    """A result's JSON with its coverage notes, for results whose to_dict() leaves them out."""
    notes = result.coverage if isinstance(result, results.Result) else ()
    return {**body, "coverage": results.jsonable(notes)} if notes and "coverage" not in body else body


# ---------------------------------------------------------------------------- --limit and --sort

# Rows a table shows unless --limit says otherwise (about a screen or two at 80 columns; a long
# table goes through a pager on a terminal); CSV and JSON give every row (they are data).
DEFAULT_LIMIT = 30


def arrange(
    df: pd.DataFrame,
    fmt: Format | str,
    limit: int | None,
    sort: str | None,
    headers: dict[str, str],
    sort_keys: dict[str, pd.Series] | None = None,
    default_limit: int | None = None,
) -> tuple[pd.DataFrame, int]:
    """The rows to print and how many are left out, after --sort and --limit.

    ``sort`` names a column by its header or its CSV name, case ignored; a leading ``-``
    sorts descending; missing values go last. ``sort_keys`` gives the values that order a
    column shown as text (an amount's "US$3 bn" sorts by its number). ``limit`` 0 shows
    every row; without it a table shows ``default_limit`` rows (DEFAULT_LIMIT; 0: all) and
    CSV and JSON every row.
    """
    if sort:
        df = sort_rows(df, sort, headers, sort_keys or {})
    table_format = getattr(fmt, "value", fmt) == "table"
    if limit is None:
        limit = (DEFAULT_LIMIT if default_limit is None else default_limit) if table_format else 0
    if limit and len(df) > limit:
        return df.head(limit), len(df) - limit
    return df, 0


def sort_rows(df: pd.DataFrame, sort: str, headers: dict[str, str], sort_keys: dict[str, pd.Series]) -> pd.DataFrame:
    descending = sort.startswith("-")
    wanted = sort.lstrip("-").strip().casefold()
    by_name = {str(c).casefold(): c for c in df.columns}
    by_header = {h.casefold(): c for c, h in headers.items()}
    column = by_header.get(wanted, by_name.get(wanted))
    if column is None:
        known = ", ".join(h.lower() for h in headers.values())
        raise LazosError(f"unknown column {sort.lstrip('-')!r} for --sort: use one of {known} (-NAME sorts descending)")
    keys = sort_keys[column] if column in sort_keys else df[column]
    keys = pd.Series(keys.to_numpy(), dtype=keys.dtype)  # by position: df may have any index
    if pd.api.types.is_object_dtype(keys.dtype) or pd.api.types.is_string_dtype(keys.dtype):
        keys = keys.map(lambda v: v.casefold() if isinstance(v, str) else (None if plain(v) is None else str(v)))
    order = keys.sort_values(ascending=not descending, na_position="last", kind="stable").index
    return df.iloc[order.to_numpy()]


def more(hidden: int) -> None:
    """The footer of a table left short by --limit."""
    if hidden:
        console.print(
            Text(f"{hidden:,} more row{'s' if hidden != 1 else ''} not shown; --limit 0 shows all", style="dim")
        )


# ---------------------------------------------------------------------------- layout

# Short of room, a column is narrowed down to its cells' longest word (up to this many cells)
# before any column splits words, and never below its header's longest word: no header is
# split inside a word ("Countr y").
WORD_FLOOR = 12


def _longest_word(renderable: Any) -> int:
    words = str(getattr(renderable, "plain", renderable)).split()
    return max((cell_len(w) for w in words), default=0)


def fit(out: Table, width: int) -> int:
    """Fix the column widths of a table too wide for ``width``; the width it then needs.

    Rich narrows the widest columns first but, short of room, splits any word, headers
    included. Here the widest columns give way first too, first down to their cells' longest
    word, then down to their header's longest word and no further; if that does not fit, the
    table is printed wider than the screen.
    """
    _, right, _, left = out.padding
    extra = len(out.columns) * (left + right) + ((len(out.columns) - 1 + 2 * out.show_edge) if out.box else 0)
    options = console.options
    natural = [
        max(Measurement.get(console, options, cell).maximum for cell in [column.header, *column.cells])
        for column in out.columns
    ]
    if sum(natural) + extra <= width:
        return sum(natural) + extra
    headers = [_longest_word(c.header) for c in out.columns]
    words = [max((_longest_word(cell) for cell in c.cells), default=0) for c in out.columns]
    widths = natural[:]
    for floors in (
        [max(h, min(w, WORD_FLOOR, n)) for h, w, n in zip(headers, words, natural, strict=True)],
        headers,
    ):
        while sum(widths) + extra > width:
            wide = [i for i, w in enumerate(widths) if w > floors[i]]
            if not wide:
                break
            widest = max(wide, key=lambda i: (widths[i], natural[i]))
            widths[widest] -= 1
    for column, w in zip(out.columns, widths, strict=True):
        column.width = w
    return sum(widths) + extra


def print_table(out: Table) -> None:
    """Print a table whose headers keep whole words: wider than the screen if it must be
    (a pager scrolls it; a terminal wraps its lines) rather than split a header word."""
    needed = fit(out, console.width)
    if needed > console.width:
        out.width = needed
        console.print(out, crop=False)
    else:
        console.print(out)


# ---------------------------------------------------------------------------- pager


def paged(command: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a command whose tables may run long: on a terminal, its output goes through a
    pager when it is longer than the screen; piped or redirected, or as CSV or JSON, it is
    printed as it is."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        fmt = kwargs.get("fmt", "table")
        if getattr(fmt, "value", fmt) != "table" or not (sys.stdout.isatty() and sys.stdin.isatty()):
            return command(*args, **kwargs)
        with _pager_if_long():
            return command(*args, **kwargs)

    return run


@contextmanager
def _pager_if_long() -> Iterator[None]:
    capture = console.capture()
    failed = True
    try:
        with capture:
            yield
        failed = False
    finally:
        shown = capture.get()
        width = max(console.width, 1)
        lines = sum(-(-max(Text.from_ansi(line).cell_len, 1) // width) for line in shown.splitlines())
        if not failed and lines >= console.height:
            show_in_pager(shown)
        else:
            console.file.write(shown)
            console.file.flush()


def show_in_pager(content: str) -> None:
    """$MANPAGER or $PAGER, else less (with colours kept, LESS=-FRX unless LESS is set)."""
    saved = os.environ.get("LESS")
    if saved is None:
        os.environ["LESS"] = "-FRX"
    try:
        SystemPager().show(content)
    finally:
        if saved is None:
            os.environ.pop("LESS", None)


def emit_json(obj: Any) -> None:
    """Print a result's ``to_dict()`` (or any JSON-ready value) as JSON."""
    sys.stdout.write(dumps(obj.to_dict() if isinstance(obj, results.Result) else obj) + "\n")


def amount_text(row: dict[str, Any]) -> str:
    """A project amount as read: its currency, else nominal, else constant US dollars."""
    if plain(row.get("amount")) is not None and plain(row.get("currency")):
        return money(row["amount"], row["currency"])
    if plain(row.get("usd_nominal")) is not None:
        return money(row["usd_nominal"], "USD")
    if plain(row.get("usd_constant")) is not None:
        return f"{money(row['usd_constant'], 'USD')} ({int(row['usd_constant_year'])} prices)"
    return ""


def value_text(value: Any, unit: Any) -> str:
    """An indicator value in its unit: money for currencies, plain numbers otherwise."""
    unit = plain(unit)
    if isinstance(unit, str) and len(unit) == 3 and unit.isupper():
        return money(value, unit)
    return text(value)
