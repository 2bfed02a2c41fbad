"""Query parameters the API's routes share, and the parsing of the few that are not plain values."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Query, Request

from lazos.api import Lazos
from lazos.errors import LazosError

DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"

AsOf = Annotated[
    str | None,
    Query(
        pattern=DATE_PATTERN,
        description="Answer from the state of the world at this date: YYYY, YYYY-MM or YYYY-MM-DD "
        "(a year or month means its last day). Omitted: the current view.",
        examples=["2022-03-01"],
    ),
]
Country = Annotated[
    str | None,
    Query(max_length=100, description="ISO3 code or name in English, Spanish, Portuguese or Chinese."),
]
IncludeAlternatives = Annotated[
    bool, Query(description="Every sourced value with an is_headline flag, not only the headline ones.")
]
Explain = Annotated[
    bool, Query(description="Add every indicator behind each score, with its inputs and their sources.")
]
Year = Annotated[
    int | None, Query(ge=1000, le=9999, description="Year of the analysis (default: the latest year with data).")
]
YearFrom = Annotated[int | None, Query(ge=1000, le=9999, description="First year (inclusive).")]
YearTo = Annotated[int | None, Query(ge=1000, le=9999, description="Last year (inclusive).")]


def lazos_of(request: Request) -> Lazos:
    """The app's Lazos handle (one per app, shared by the threads serving requests)."""
    return request.app.state.db


def parse_weights(text: str) -> dict[str, float]:
    """Dimension weights as a request gives them: ``policy:2,trade:1``."""
    out: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition(":")
        name = name.strip()
        try:
            weight = float(value)
        except ValueError:
            weight = math.nan
        if not sep or not name or not math.isfinite(weight) or weight < 0:
            raise LazosError(
                f"invalid weights {text!r}: give dimension:weight pairs separated by commas, "
                "each weight a number of at least 0, e.g. policy:2,trade:1"
            )
        if name in out:
            raise LazosError(f"invalid weights {text!r}: {name!r} is given twice")
        out[name] = weight
    return out
