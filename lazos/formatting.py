"""Numbers as people read them: money in US$ bn / m, percentages, values in their units.

Shared by every interface and by the analytics' plain-language explanations, so that a
figure reads the same in a table, an alert and a brief.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def _value(value: Any) -> float | None:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    return float(value)


def money(value: Any, currency: Any) -> str:
    """US$3 bn, BRL 5.5 bn, US$86.22 m."""
    v = _value(value)
    if v is None:
        return ""
    cur = None if currency is None or (pd.api.types.is_scalar(currency) and pd.isna(currency)) else str(currency)
    prefix = ("-" if v < 0 else "") + ("US$" if cur in ("USD", None) else f"{cur} ")
    v = abs(v)
    for size, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if v >= size:
            return f"{prefix}{v / size:,.2f}".rstrip("0").rstrip(".") + f" {word}"
    return f"{prefix}{v:,.0f}"


def number(value: Any) -> str:
    """A number with the precision it deserves: 133.5, 3.07, 0.412, 1,234."""
    v = _value(value)
    if v is None:
        return ""
    if math.isinf(v) or math.isnan(v):
        return str(v)
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{v:,.0f}"
    size = abs(v)
    digits = 0 if size >= 1000 else 1 if size >= 100 else 2 if size >= 1 else 3
    return f"{v:,.{digits}f}"


def quantity(value: Any, unit: Any) -> str:
    """A value in its unit: money for currencies, % for percentages, else number and unit."""
    v = _value(value)
    if v is None:
        return "missing"
    u = "" if unit is None or (pd.api.types.is_scalar(unit) and pd.isna(unit)) else str(unit)
    if len(u) == 3 and u.isupper():
        return money(v, u)
    if u.endswith("US$") or u.startswith("current US$"):
        return money(v, "USD") + (f" ({u})" if u.startswith("constant") else "")
    if u in ("percent", "%"):
        return f"{number(v)}%"
    if u.startswith("% ") or u.startswith("percent "):
        return f"{number(v)}% {u.split(' ', 1)[1]}"
    if not u or u.startswith("score") or u == "level":
        return number(v)
    if v == 1 and u.endswith("s") and " " not in u:
        u = u[:-1]  # 1 project, 1 event, 1 year
    return f"{number(v)} {u}"
