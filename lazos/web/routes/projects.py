"""Projects: the filtered list, one project's detail and its places as GeoJSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from lazos.api import Lazos
from lazos.errors import LazosError
from lazos.jsonable import dumps
from lazos.store.reader import choose
from lazos.web.errors import about, problem_responses
from lazos.web.listing import Cursor, Limit, Sort, json_response, list_route, respond
from lazos.web.models import FeatureCollection, ProjectDetailShape
from lazos.web.params import AsOf, Country, lazos_of

router = APIRouter(tags=["projects"])

Amount = Annotated[float | None, Query(allow_inf_nan=False, description="Amount in US dollars (amount_usd).")]
ProjectId = Annotated[str, Path(max_length=300, description="Project id (or a word or two of its name).")]


@list_route(router, "/projects", summary="China-linked projects")
def projects(
    request: Request,
    as_of: AsOf = None,
    country: Country = None,
    sector: Annotated[str | None, Query(max_length=50, description="Sector, e.g. transport or energy.")] = None,
    status: Annotated[str | None, Query(max_length=50, description="Status, e.g. operational or cancelled.")] = None,
    year_from: Annotated[
        int | None, Query(ge=1000, le=9999, description="Projects with a dated milestone in or after this year.")
    ] = None,
    year_to: Annotated[
        int | None, Query(ge=1000, le=9999, description="Projects with a dated milestone in or before this year.")
    ] = None,
    amount_min: Amount = None,
    amount_max: Amount = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Words to find in the name, description or entities (all of them)."),
    ] = None,
    sort: Sort = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response:
    """Projects with their headline amount (``amount_usd``: US dollars, nominal, else at constant prices)
    and status as of a date; in the order of their countries and first milestone unless sorted."""
    table = lazos_of(request).projects(
        as_of=as_of,
        country=country,
        sector=sector,
        status=status,
        year_from=year_from,
        year_to=year_to,
        amount_min=amount_min,
        amount_max=amount_max,
        q=q,
        sort=sort,
    )
    return respond(request, table, limit=limit, cursor=cursor)


def _detail(db: Lazos, project_id: str, as_of: str | None):
    """The project a path names: its id, else (as the Python API allows) a word or two of its
    name; an unknown one is a 404 suggesting the closest ids."""
    with about("project_id", 404):
        try:
            return db.project(project_id, as_of=as_of)
        except LazosError as exc:
            if not str(exc).startswith("unknown project"):
                raise
            ids = list(db.projects(as_of=as_of).frame["project_id"])
            choose(project_id, ids, "project", "GET /api/v1/projects lists them")
            raise


class GeoJSONResponse(JSONResponse):
    media_type = "application/geo+json"


@router.get(
    "/projects/{project_id}.geojson",
    summary="A project's places as GeoJSON",
    response_model=FeatureCollection,
    response_class=GeoJSONResponse,
    responses=problem_responses(404, 422),
)
def project_geojson(request: Request, project_id: ProjectId, as_of: AsOf = None) -> Response:
    """A FeatureCollection (empty when the project has no location): its mapped shapes, the
    administrative units and features it is located in, and its own point; each feature's
    properties name its kind (shape, location, project) and its source."""
    db = lazos_of(request)
    pid = _detail(db, project_id, as_of).project["project_id"]
    return Response(dumps(db.project_geojson(pid, as_of=as_of), indent=None), media_type=GeoJSONResponse.media_type)


@router.get(
    "/projects/{project_id}",
    summary="One project",
    response_model=ProjectDetailShape,
    response_class=JSONResponse,
    responses={200: {"content": {"application/json": {}}}, **problem_responses(404, 422)},
)
def project(request: Request, project_id: ProjectId, as_of: AsOf = None) -> Response:
    """Its row, milestones (as of a date), every sourced amount, external ids, locations and point."""
    db = lazos_of(request)
    detail = _detail(db, project_id, as_of)
    return json_response(detail.to_dict())
