"""Ordering rows by one of their columns, as every interface offers it (``sort=-amount_usd``).

A sort names a column, with a leading ``-`` for descending order; missing values go last
either way, and rows that tie keep the order the call gave them. Text sorts with case
ignored; lists and mappings by their JSON text.
"""

from __future__ import annotations

import pandas as pd

from lazos.jsonable import dumps, plain
from lazos.store.reader import choose


def sort_column(frame: pd.DataFrame, sort: str) -> tuple[str, bool]:
    """The column ``sort`` names (case ignored) and whether it sorts descending, else a
    LazosError suggesting the closest columns."""
    descending = sort.startswith("-")
    name = sort[1:] if descending else sort
    columns = [str(c) for c in frame.columns]
    listing = f"use one of {', '.join(columns)} (-NAME sorts descending)"
    return choose(name.strip(), columns, "sort column", listing), descending


def sort_rows(frame: pd.DataFrame, sort: str | None) -> pd.DataFrame:
    """``frame`` ordered by the column ``sort`` names (see the module's docstring)."""
    if not sort:
        return frame
    column, descending = sort_column(frame, sort)
    keys = frame[column]
    keys = pd.Series(keys.to_numpy(), dtype=keys.dtype)  # by position: the frame may have any index
    if pd.api.types.is_object_dtype(keys.dtype) or pd.api.types.is_string_dtype(keys.dtype):
        present = [v for v in keys if plain(v) is not None]
        if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
            keys = pd.to_numeric(keys, errors="coerce")  # numbers held as objects sort as numbers
        else:
            keys = keys.map(_text_key).astype(object)
    order = keys.sort_values(ascending=not descending, na_position="last", kind="stable").index
    return frame.iloc[order.to_numpy()].reset_index(drop=True)


def _text_key(value: object) -> str | None:
    if isinstance(value, str):
        return value.casefold()
    value = plain(value)
    if value is None:
        return None
    if isinstance(value, list | dict):
        return dumps(value, indent=None)
    return str(value)
