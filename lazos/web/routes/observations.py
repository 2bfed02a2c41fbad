"""Indicators and their values (observations)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from lazos.web.listing import Cursor, Limit, Sort, list_route, respond
from lazos.web.params import AsOf, Country, IncludeAlternatives, YearFrom, YearTo, lazos_of

router = APIRouter(tags=["observations"])


@list_route(router, "/indicators", summary="Indicators")
def indicators(request: Request, sort: Sort = None, limit: Limit = None, cursor: Cursor = None) -> Response:
    """Every indicator with its unit, topic and how many values it has."""
    return respond(request, lazos_of(request).indicators(), limit=limit, cursor=cursor, sort=sort)


@list_route(router, "/observations", summary="Indicator values")
def observations(
    request: Request,
    as_of: AsOf = None,
    entity: Country = None,
    indicator: Annotated[
        list[str] | None,
        Query(max_length=50, description="Indicator code, e.g. NY.GDP.MKTP.CD (repeatable)."),
    ] = None,
    partner: Country = None,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    include_alternatives: IncludeAlternatives = False,
    sort: Sort = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response:
    """One headline value per entity, partner, indicator and period (as of a date: the newest vintage
    published by then); the years keep values whose period reaches into them."""
    table = lazos_of(request).observations(
        as_of=as_of,
        entity=entity,
        indicator=indicator,
        partner=partner,
        year_from=year_from,
        year_to=year_to,
        include_alternatives=include_alternatives,
    )
    return respond(request, table, limit=limit, cursor=cursor, sort=sort)
