"""Events (dated ties with China) and agreements."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from lazos.web.listing import Cursor, Limit, Sort, list_route, respond
from lazos.web.params import AsOf, Country, IncludeAlternatives, lazos_of

router = APIRouter(tags=["events"])

Kind = Annotated[
    list[str] | None,
    Query(description="Event kind, e.g. bri_mou_signed (repeatable).", max_length=20),
]


@list_route(router, "/events", summary="Dated ties with China")
def events(
    request: Request,
    as_of: AsOf = None,
    country: Country = None,
    kind: Kind = None,
    category: Annotated[
        str | None,
        Query(max_length=50, description="diplomacy, agreement, implementation, membership, finance or forum."),
    ] = None,
    include_alternatives: IncludeAlternatives = False,
    sort: Sort = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response:
    """Relations, BRI documents, agreements, memberships and forums, oldest first; one headline row per
    real-world event (as of a date: those that had happened by then)."""
    table = lazos_of(request).events(
        as_of=as_of, country=country, kind=kind, category=category, include_alternatives=include_alternatives
    )
    return respond(request, table, limit=limit, cursor=cursor, sort=sort)


@list_route(router, "/agreements", summary="Agreements signed with China")
def agreements(
    request: Request,
    as_of: AsOf = None,
    country: Country = None,
    kind: Kind = None,
    include_alternatives: IncludeAlternatives = False,
    sort: Sort = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response:
    """The events of category "agreement", oldest first."""
    table = lazos_of(request).agreements(
        as_of=as_of, country=country, kind=kind, include_alternatives=include_alternatives
    )
    return respond(request, table, limit=limit, cursor=cursor, sort=sort)
