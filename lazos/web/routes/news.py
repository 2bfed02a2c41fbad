"""China–LAC events in the news (GDELT 2.0, read by `lazos monitor`): monthly indicators and
the events themselves, with their articles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from lazos.web.listing import Cursor, Limit, Sort, list_route, respond
from lazos.web.params import AsOf, Country, lazos_of

router = APIRouter(tags=["news"])

Family = Annotated[
    str | None,
    Query(
        pattern=r"^[a-z_]{1,40}$",
        description="A family of CAMEO event codes in the method: cooperation (03-06) or conflict (11-14).",
    ),
]


@list_route(router, "/news", summary="China–LAC events in the news per country and month")
def news(
    request: Request,
    as_of: AsOf = None,
    country: Country = None,
    family: Family = None,
    sort: Sort = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response:
    """Events GDELT coded from the news that involve China and a LAC state, per country, month and
    family: events, articles, article-weighted tone and the GDELT files read. Counts measure news
    coverage, not events (see the method)."""
    table = lazos_of(request).news_indicators(country, as_of=as_of, family=family)
    return respond(request, table, limit=limit, cursor=cursor, sort=sort)


@list_route(router, "/news/events", summary="China–LAC events in the news, each with its article")
def news_events(
    request: Request,
    as_of: AsOf = None,
    country: Country = None,
    family: Family = None,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="Only this month (YYYY-MM).")] = None,
    sort: Sort = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response:
    """Each event with its CAMEO code, actors, place, tone, the article GDELT read it in and the
    GDELT file it came from: the evidence behind the news indicators and alerts."""
    table = lazos_of(request).news_events(country, as_of=as_of, family=family, month=month)
    return respond(request, table, limit=limit, cursor=cursor, sort=sort)
