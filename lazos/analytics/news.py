"""China–LAC events in the news: monthly indicators per country and family (method.yaml
``news_events``), and the months a surge is measured against (alerts.yaml ``news_surge``).

The events are GDELT 2.0's (table news_event), read through lazos.store.reader.Reader so that
``as_of`` means what it means everywhere: an event counts once its day and the day GDELT added
it are both on or before the date. Counts measure coverage, not events: see the method's note.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from lazos.analytics.method import NewsEvents

COLUMNS = ["country", "name", "month", "family", "events", "articles", "tone", "sources"]
EVENT_COLUMNS = [
    "event_id",
    "day",
    "date_added",
    "country",
    "family",
    "event_code",
    "event_root_code",
    "actor1_code",
    "actor1_name",
    "actor2_code",
    "actor2_name",
    "match",
    "num_articles",
    "avg_tone",
    "goldstein",
    "action_geo_name",
    "source_url",
    "source_id",
]


def month_of(day: str) -> str:
    """The calendar month (YYYY-MM) of a day (YYYY-MM-DD)."""
    return str(day)[:7]


def months_before(month: str, count: int) -> list[str]:
    """The ``count`` calendar months before ``month`` (YYYY-MM), most recent first."""
    year, mon = int(month[:4]), int(month[5:7])
    out = []
    for _ in range(count):
        year, mon = (year - 1, 12) if mon == 1 else (year, mon - 1)
        out.append(f"{year:04d}-{mon:02d}")
    return out


def weighted_tone(tones: pd.Series, weights: pd.Series | None) -> float | None:
    """The mean of the events' average tone weighted by ``weights`` (their articles); events
    without a tone or a positive weight are left out. None when nothing is left."""
    if weights is None:
        weights = pd.Series(1.0, index=tones.index)
    keep = tones.notna() & weights.notna() & (weights > 0)
    total = float(weights[keep].sum())
    if not total:
        return None
    return float((tones[keep].astype(float) * weights[keep].astype(float)).sum() / total)


def with_family(events: pd.DataFrame, part: NewsEvents) -> pd.DataFrame:
    """The events with the family of their CAMEO root code (None outside every family)."""
    families = part.family_of()
    return events.assign(family=[families.get(str(r)) for r in events["event_root_code"]])


def indicators(events: pd.DataFrame, part: NewsEvents, names: dict[str, str]) -> pd.DataFrame:
    """One row per country, month and family: how many events, their articles, the tone of
    those articles (method.yaml ``tone_weight``) and the GDELT files they were read from;
    countries in name order, months oldest first, families in the method's order."""
    if events.empty:
        return pd.DataFrame([], columns=COLUMNS)
    framed = with_family(events, part)
    framed = framed[framed["family"].notna()].assign(month=[month_of(d) for d in framed["day"]])
    order = {name: i for i, name in enumerate(part.families)}
    rows: list[dict[str, Any]] = []
    for (country, month, family), group in framed.groupby(["country", "month", "family"], sort=False):
        articles = group["num_articles"]
        weights = articles if part.tone_weight == "num_articles" else None
        rows.append(
            {
                "country": country,
                "name": names.get(str(country), str(country)),
                "month": month,
                "family": family,
                "events": len(group),
                "articles": int(articles.fillna(0).sum()),
                "tone": weighted_tone(group["avg_tone"], weights),
                "sources": list(dict.fromkeys(group["source_id"])),
            }
        )
    out = pd.DataFrame(rows, columns=COLUMNS)
    if out.empty:
        return out
    out["_f"] = out["family"].map(order)
    out = out.sort_values(["name", "country", "month", "_f"]).drop(columns="_f")
    return out.reset_index(drop=True)


def event_rows(events: pd.DataFrame, part: NewsEvents) -> pd.DataFrame:
    """The events themselves, each with its family, article and GDELT file (the evidence)."""
    if events.empty:
        return pd.DataFrame([], columns=EVENT_COLUMNS)
    return with_family(events, part)[EVENT_COLUMNS].reset_index(drop=True)


def median(values: list[int]) -> float:
    """The median of monthly counts (the mean of the middle two for an even number)."""
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def plural(count: int, noun: str) -> str:
    """``3 protests``, ``1 threat`` (English nouns that take an s)."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def finite(value: Any) -> float | None:
    """A number, or None for a missing one (NaN)."""
    if value is None or value is pd.NA:
        return None
    v = float(value)
    return None if math.isnan(v) else v
