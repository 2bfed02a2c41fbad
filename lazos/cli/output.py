"""Rendering results for the terminal: rich tables, CSV or JSON, chosen by ``--format``."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from enum import StrEnum
from typing import Any

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
    """A JSON-safe Python value: NaN and NaT become None, dates become ISO strings."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return plain(value.item())
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return records(value)
    return value


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
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.4g}"
    return str(value)


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
        df.to_csv(sys.stdout, index=False, lineterminator="\n")
    elif fmt is Format.json:
        sys.stdout.write(json.dumps(records(df), ensure_ascii=False, indent=1) + "\n")
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
    sys.stdout.write(json.dumps(plain(obj), ensure_ascii=False, indent=1) + "\n")


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
