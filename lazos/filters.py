"""Filters the Python API applies to rows once read: ranges, text search, amounts in US dollars.

Their errors name the argument as the API spells it (``year_from``), which the REST API's
query parameters share.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from lazos.countries import normalise
from lazos.errors import LazosError


def check_range(low_name: str, low: float | None, high_name: str, high: float | None) -> None:
    """Both bounds finite numbers, the low one not above the high one."""
    for name, value in ((low_name, low), (high_name, high)):
        if value is not None and (isinstance(value, bool) or not math.isfinite(value)):
            raise LazosError(f"{name} must be a finite number, not {value!r}")
    if low is not None and high is not None and low > high:
        raise LazosError(f"{low_name} ({low:g}) is above {high_name} ({high:g}): nothing can be in that range")


def usd_amount(frame: pd.DataFrame) -> pd.Series:
    """Each project's headline amount in US dollars: nominal, else at constant prices, else the
    amount itself when its currency is the dollar; missing when none is known."""
    usd = pd.to_numeric(frame["usd_nominal"], errors="coerce")
    usd = usd.fillna(pd.to_numeric(frame["usd_constant"], errors="coerce"))
    in_usd = pd.to_numeric(frame["amount"], errors="coerce").where(frame["currency"] == "USD")
    return usd.fillna(in_usd).astype("float64")


def words(text: str) -> list[str]:
    """The words of a search, case and accents folded."""
    return normalise(text).split()


def text_matches(frame: pd.DataFrame, query: str, columns: Iterable[str]) -> pd.Series:
    """Rows where the text of ``columns`` holds every word of ``query`` (case and accents
    ignored; a word may be part of a longer one). A query with no words is an error."""
    wanted = words(query)
    if not wanted:
        raise LazosError(f"the text search {query!r} has no words to look for")
    names = list(columns)
    texts = [
        normalise(" ".join(str(v) for v in row if isinstance(v, str)))
        for row in frame[names].itertuples(index=False, name=None)
    ]
    return pd.Series([all(w in t for w in wanted) for t in texts], index=frame.index, dtype=bool)
