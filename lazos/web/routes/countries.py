"""Countries and one country's profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from lazos.web.errors import about, problem_responses
from lazos.web.listing import Cursor, Limit, Sort, json_response, list_route, respond
from lazos.web.models import CountryProfileShape
from lazos.web.params import AsOf, lazos_of

router = APIRouter(tags=["countries"])


@list_route(router, "/countries", summary="The CELAC states, China and territories, with their ties to China")
def countries(
    request: Request,
    as_of: AsOf = None,
    include_aggregates: Annotated[bool, Query(description="Also list regional aggregates.")] = False,
    sort: Sort = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response:
    """One row per country: names in four languages, relations with the PRC and BRI status as of a date."""
    table = lazos_of(request).countries(as_of=as_of, include_aggregates=include_aggregates)
    return respond(request, table, limit=limit, cursor=cursor, sort=sort)


@router.get(
    "/countries/{country}",
    summary="One country's profile",
    response_model=CountryProfileShape,
    response_class=JSONResponse,
    responses={200: {"content": {"application/json": {}}}, **problem_responses(404, 422)},
)
def country(
    request: Request,
    country: Annotated[
        str, Path(max_length=100, description="ISO3 code, or a name in English, Spanish, Portuguese or Chinese.")
    ],
    as_of: AsOf = None,
) -> Response:
    """The ties timeline, projects and latest indicators of one country, as of a date."""
    db = lazos_of(request)
    with about("country", 404):
        iso = db.resolve_country(country)
    return json_response(db.country(iso, as_of=as_of).to_dict())
