"""What the API serves: its resources, the overview and the sources."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from lazos import __version__
from lazos.web.listing import Cursor, Limit, Sort, json_response, list_route, respond
from lazos.web.models import OverviewShape, Shape
from lazos.web.params import AsOf, lazos_of

router = APIRouter(tags=["about"])

RESOURCES = {
    "countries": "/api/v1/countries",
    "country": "/api/v1/countries/{country}",
    "events": "/api/v1/events",
    "agreements": "/api/v1/agreements",
    "projects": "/api/v1/projects",
    "project": "/api/v1/projects/{project_id}",
    "project_geojson": "/api/v1/projects/{project_id}.geojson",
    "indicators": "/api/v1/indicators",
    "observations": "/api/v1/observations",
    "index": "/api/v1/index",
    "risk": "/api/v1/risk",
    "alerts": "/api/v1/alerts",
    "opportunities": "/api/v1/opportunities",
    "documents": "/api/v1/documents",
    "document": "/api/v1/documents/{doc_id}",
    "document_text": "/api/v1/documents/{doc_id}/text",
    "claims": "/api/v1/claims",
    "news": "/api/v1/news",
    "news_events": "/api/v1/news/events",
    "sources": "/api/v1/sources",
    "method": "/api/v1/method",
    "analysis_runs": "/api/v1/analysis-runs",
    "overview": "/api/v1/overview",
}


class ApiIndex(Shape):
    """Where everything is."""

    lazos_version: str
    database_version: str
    sql_enabled: bool
    resources: dict[str, str]
    docs: str
    openapi: str


@router.get(
    "",
    summary="The API's resources",
    response_model=ApiIndex,
    response_class=JSONResponse,
    responses={200: {"content": {"application/json": {}}}},
)
def api_index(request: Request) -> Response:
    """Every resource's path; lists also download as .csv, .json and .parquet."""
    body: dict[str, Any] = {
        "lazos_version": __version__,
        "database_version": lazos_of(request).version,
        "sql_enabled": request.app.state.enable_sql,
        "resources": RESOURCES | ({"sql": "/api/v1/sql"} if request.app.state.enable_sql else {}),
        "docs": "/docs",
        "openapi": "/openapi.json",
    }
    return json_response(body)


@router.get(
    "/overview",
    summary="Headline counts and the most recent events",
    response_model=OverviewShape,
    response_class=JSONResponse,
    responses={200: {"content": {"application/json": {}}}, 422: {}},
)
def overview(
    request: Request,
    as_of: AsOf = None,
    recent: Annotated[int, Query(ge=0, le=100, description="How many recent events to list.")] = 10,
) -> Response:
    """Counts of countries, BRI signatories, agreements, events, projects, observations and sources as of
    a date, the undated facts left out of them, and the latest events."""
    return json_response(lazos_of(request).overview(as_of=as_of, recent=recent).to_dict())


@list_route(router, "/sources", summary="Sources")
def sources(
    request: Request, as_of: AsOf = None, sort: Sort = None, limit: Limit = None, cursor: Cursor = None
) -> Response:
    """What the data rest on: publisher, address, licence, dates and how many facts cite each source
    (as of a date: those cited by a fact visible then)."""
    return respond(request, lazos_of(request).sources(as_of=as_of), limit=limit, cursor=cursor, sort=sort)
