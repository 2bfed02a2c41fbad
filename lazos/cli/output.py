"""Rendering results for the terminal: rich tables, CSV or JSON, chosen by ``--format``."""

from __future__ import annotations

import base64
import json
import math
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from lazos.formatting import money


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


console = Console(soft_wrap=False)


def plain(value: Any) -> Any:
    """A JSON-safe Python value: NaN and NaT become None, dates ISO strings, arrays lists.

    Covers what DuckDB hands pandas for a query's columns: LIST and ARRAY (numpy arrays,
    masked where an element is NULL), STRUCT and MAP (dicts), BLOB (bytes, as base64),
    INTERVAL (timedelta, as an ISO 8601 duration), UUID, TIME and TIMESTAMPTZ. Infinite
    floats stay floats here (``dumps`` writes them as strings, JSON having no infinity).
    """
    if isinstance(value, np.ndarray):  # before the NA test: an array is not a scalar
        return [plain(v) for v in value.tolist()]  # tolist() gives None for masked elements
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    elif isinstance(value, np.timedelta64):
        value = pd.Timedelta(value)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        td = pd.Timedelta(value)  # ISO 8601 has no negative parts: -P0DT0H5M0S, not P-1DT23H55M0S
        return ("-" + (-td).isoformat()) if td < pd.Timedelta(0) else td.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, np.generic):  # numpy scalars
        return plain(value.item())
    if isinstance(value, dict):
        return {(k if isinstance(k, str) else str(plain(k))): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return records(value)
    return value


def _finite(value: Any) -> Any:
    """``plain`` output with infinities as the strings JavaScript and Python read back."""
    if isinstance(value, float) and math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def dumps(obj: Any, indent: int | None = 1) -> str:
    """``obj`` as strict JSON (no NaN or Infinity tokens); types JSON lacks are written as text."""
    return json.dumps(_finite(plain(obj)), ensure_ascii=False, indent=indent, allow_nan=False, default=str)


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-safe dicts; a repeated column name gets a suffix (a, a_1) instead of hiding a column."""
    names = unique_names(df.columns)
    return [{k: plain(v) for k, v in zip(names, row, strict=True)} for row in df.itertuples(index=False, name=None)]


def unique_names(columns: Any) -> list[str]:
    """Column names as text, each once: a repeated name gets _1, _2... as DuckDB names them."""
    seen: set[str] = set()
    out = []
    for column in columns:
        name = base = str(column)
        n = 0
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        out.append(name)
    return out


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
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


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


def csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with cells CSV can hold: nested values as JSON text, blobs base64, intervals ISO 8601."""
    out = df.copy(deep=False)
    for i, dtype in enumerate(df.dtypes):
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
            out.isetitem(i, [_csv_cell(v) for v in df.iloc[:, i]])
    return out


def _csv_cell(value: Any) -> Any:
    value = plain(value)
    return dumps(value, indent=None) if isinstance(value, dict | list) else value


def table(df: pd.DataFrame, columns: dict[str, str] | None = None, title: str | None = None) -> Table:
    """A rich table of ``df``; ``columns`` maps column names to headers (and picks them).

    Cells are taken by position, not by name: a query's columns may be named anything
    (``count(*)``, ``2x``, ``a b``, twice the same name), which named tuples cannot hold.
    """
    if columns is None:
        picked = list(enumerate(str(c) for c in df.columns))
    else:
        picked = [(df.columns.get_loc(c), header) for c, header in columns.items()]
    out = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    for _, header in picked:
        out.add_column(header, overflow="fold")
    for row in df.itertuples(index=False, name=None):
        out.add_row(*(Text(text(row[i])) for i, _ in picked))
    return out


def emit(df: pd.DataFrame, fmt: Format, columns: dict[str, str] | None = None, title: str | None = None) -> None:
    """Print a DataFrame: a table with chosen columns, or every column as CSV or JSON."""
    if fmt is Format.csv:
        csv_frame(df).to_csv(sys.stdout, index=False, lineterminator="\n")
    elif fmt is Format.json:
        sys.stdout.write(dumps(records(df)) + "\n")
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
        console.print(table(df, columns, title))
        for (label, url), n in refs.items():
            line = f"  [{n}] {label or ''}" + (f" {url}" if url else "")
            console.print(Text(line, style="dim"), soft_wrap=True)


def emit_json(obj: Any) -> None:
    sys.stdout.write(dumps(obj) + "\n")


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
