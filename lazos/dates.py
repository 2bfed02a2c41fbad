"""Dates known to the day, the month, the year, or only as a range.

Sources rarely give every date to the day. Lazos keeps the text as the source gave it
(``2018``, ``2018-11``, ``2018-11-02`` or an ISO-8601 interval ``2020-04/2020-10``) and
derives the first and last day it may denote. Nothing is invented: ``2018-11`` stays a
month, and its day is never filled in.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from lazos.errors import InvalidDateError

_PART = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

PRECISIONS = ("day", "month", "year", "range", "unknown")


@dataclass(frozen=True)
class FuzzyDate:
    """A date as a source states it, with the interval of days it may denote."""

    text: str
    start: date | None
    end: date | None
    precision: str

    @property
    def known(self) -> bool:
        return self.start is not None


def _bounds(part: str, whole: str) -> tuple[date, date, str]:
    m = _PART.match(part)
    if not m:
        raise InvalidDateError(f"invalid date {whole!r}: expected YYYY, YYYY-MM, YYYY-MM-DD or a range A/B")
    year = int(m.group(1))
    if year < 1:  # Python's dates start in year 1
        raise InvalidDateError(f"invalid date {whole!r}: year 0 does not exist (years start at 0001)")
    if m.group(2) is None:
        return date(year, 1, 1), date(year, 12, 31), "year"
    month = int(m.group(2))
    if not 1 <= month <= 12:
        raise InvalidDateError(f"invalid date {whole!r}: month {month} is not between 1 and 12")
    last = calendar.monthrange(year, month)[1]
    if m.group(3) is None:
        return date(year, month, 1), date(year, month, last), "month"
    day = int(m.group(3))
    if not 1 <= day <= last:
        raise InvalidDateError(f"invalid date {whole!r}: day {day} does not exist in {year}-{month:02d}")
    d = date(year, month, day)
    return d, d, "day"


def parse_fuzzy(text: str | None) -> FuzzyDate:
    """Parse a source date; blank means unknown. Raises InvalidDateError on bad input."""
    text = (text or "").strip()
    if not text:
        return FuzzyDate("", None, None, "unknown")
    if "/" in text:
        left, _, right = text.partition("/")
        start, _, _ = _bounds(left.strip(), text)
        _, end, _ = _bounds(right.strip(), text)
        if end < start:
            raise InvalidDateError(f"invalid date range {text!r}: it ends before it starts")
        return FuzzyDate(text, start, end, "range")
    start, end, precision = _bounds(text, text)
    return FuzzyDate(text, start, end, precision)


def parse_as_of(text: str | date | None) -> date | None:
    """Parse an ``--as-of`` value. A year or month means its last day (the state at its end)."""
    if text is None or isinstance(text, date):
        return text
    fuzzy = parse_fuzzy(text)
    if not fuzzy.known:
        return None
    if fuzzy.precision == "range":
        raise InvalidDateError(f"invalid as-of date {text!r}: give one date, not a range")
    return fuzzy.end
