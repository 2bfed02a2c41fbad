"""JSON for every interface: the one encoder the CLI, the REST API and briefs share.

``plain`` turns what a query or a result holds (numpy and pandas scalars, NaN and NaT, dates,
DuckDB's nested and binary types) into JSON-ready Python values; ``dumps`` writes strict JSON
(no NaN or Infinity tokens) with the characters a terminal would act on escaped.
"""

from __future__ import annotations

import base64
import json
import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import numpy as np
import pandas as pd

# In JSON, C0 controls are escaped by the encoder; these are not, and may be written as \\uXXXX.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


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
    out = json.dumps(_finite(plain(obj)), ensure_ascii=False, indent=indent, allow_nan=False, default=str)
    # The same JSON, with the characters a terminal would act on escaped (they can only be in strings).
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", out)


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
