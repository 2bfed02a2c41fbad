"""The analyses: the connectivity index, the risk rating, alerts and opportunities, their method
and saved runs.

An analysis answers with its result's JSON (lazos.analytics: scores, and with explain=true every
indicator behind them), the date it answers for and the sources of its inputs; as CSV or
Parquet (suffix or Accept header), the scores (one row per country and year, with a
``sources`` column of the source ids behind each), or with explain=true the indicators.
"""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from lazos.analytics.method import default_alerts, default_method, weights_from, with_weights
from lazos.results import Table, jsonable, measure_sources
from lazos.web.downloads import JSON, download, wanted_format
from lazos.web.errors import about, problem_responses
from lazos.web.listing import DOWNLOAD_CONTENT, Cursor, Limit, Sort, json_response, list_route, respond, with_format
from lazos.web.models import IndexShape, MethodShape, OpportunitiesShape, RiskShape
from lazos.web.params import AsOf, Country, Explain, Year, lazos_of, parse_weights

router = APIRouter(tags=["analyses"])


def analysis_route(path: str, summary: str, model: Any) -> Any:
    responses: dict[int | str, dict[str, Any]] = {
        200: {"description": "The scores (JSON, CSV or Parquet)", "content": DOWNLOAD_CONTENT},
        **problem_responses(422),
    }
    kwargs = dict(summary=summary, response_model=model, response_class=JSONResponse, responses=responses)

    def register(endpoint: Any) -> Any:
        router.add_api_route(path, endpoint, methods=["GET"], operation_id=endpoint.__name__, **kwargs)
        kwargs["summary"] = f"{summary} (as a file)"
        router.add_api_route(
            path + ".{format}",
            with_format(endpoint),
            methods=["GET"],
            operation_id=f"{endpoint.__name__}_as_file",
            **kwargs,
        )
        return endpoint

    return register


def answer(request: Request, result: Any, body: dict[str, Any], measures: pd.DataFrame, explain: bool) -> Response:
    """An analysis as JSON (its to_dict(): the body, the date, its sources and citation) or as a
    download: the scores (or with ``explain`` the indicators), each row with its sources' ids."""
    if wanted_format(request) == JSON:
        notes = getattr(result, "coverage", ())  # partial datasets its indicators rest on (lazos.results.Coverage)
        return json_response({**body, "coverage": jsonable(notes)} if notes and "coverage" not in body else body)
    per_measure = measure_sources(measures)
    if explain:
        frame = measures.drop(columns=["inputs"], errors="ignore").assign(sources=per_measure)
    else:
        behind: dict[tuple[Any, Any], dict[str, None]] = {}
        for key, ids in zip(zip(measures["country"], measures["year"], strict=True), per_measure, strict=True):
            behind.setdefault(key, {}).update(dict.fromkeys(ids))
        keys = zip(result.scores["country"], result.scores["year"], strict=True)
        frame = result.scores.assign(sources=[list(behind.get(k, {})) for k in keys])
    table = Table(result.name, frame.reset_index(drop=True), result.as_of, result.sources)
    return download(request, table, wanted_format(request))


Dimension = Annotated[
    str | None,
    Query(max_length=50, description="Only this dimension's indicators (policy, facilities, trade, finance, people)."),
]
Weights = Annotated[
    str | None,
    Query(
        max_length=500,
        description="Dimension weights, e.g. policy:2,trade:1 (others keep the method's); adds each country's "
        "rank change and the Spearman correlation with the method's weights.",
    ),
]


@analysis_route("/index", "The Five Connectivities index", IndexShape)
def index(
    request: Request,
    year: Year = None,
    country: Country = None,
    dimension: Dimension = None,
    weights: Weights = None,
    explain: Explain = False,
    as_of: AsOf = None,
) -> Response:
    """Five dimensions scored 0-20 and the composite 0-100 per country, for one year (the latest with
    data unless given), with the open method's weights or those given."""
    db = lazos_of(request)
    if dimension is not None:
        with about("dimension"):
            dimension = db.dimension(dimension)
    given = None
    if weights is not None:
        with about("weights"):
            given = parse_weights(weights)
            with_weights(default_method(), weights_from(given))  # names and values checked here
    year = year or db.latest_analysis_year(as_of=as_of)
    result = db.connectivity_index(year=year, country=country, as_of=as_of, weights=given)
    body = result.to_dict(explain=explain or dimension is not None, dimension=dimension)
    measures = result.measures if dimension is None else result.measures[result.measures["dimension"] == dimension]
    return answer(request, result, body, measures, explain or bool(dimension))


@analysis_route("/risk", "The investment-risk rating", RiskShape)
def risk(
    request: Request, country: Country = None, year: Year = None, explain: Explain = False, as_of: AsOf = None
) -> Response:
    """A score 0-1 and a grade (AAA to CCC) per country over five dimensions after CASS's rating; a
    higher score means a lower risk. One year (the latest with data unless given)."""
    db = lazos_of(request)
    year = year or db.latest_analysis_year(as_of=as_of)
    result = db.risk(country, year=year, as_of=as_of)
    body = result.to_dict(explain=explain)
    return answer(request, result, body, result.measures, explain)


@analysis_route("/opportunities", "Infrastructure needs set against investment risk", OpportunitiesShape)
def opportunities(
    request: Request, year: Year = None, country: Country = None, explain: Explain = False, as_of: AsOf = None
) -> Response:
    """Per country: its infrastructure gaps, its risk grade, the quadrant and China's infrastructure
    projects there. One year (the latest with data unless given)."""
    db = lazos_of(request)
    year = year or db.latest_analysis_year(as_of=as_of)
    result = db.opportunities(year=year, country=country, as_of=as_of)
    body = result.to_dict(explain=explain)
    return answer(request, result, body, result.measures, explain)


@list_route(router, "/alerts", summary="Early-warning alerts")
def alerts(
    request: Request,
    since: Annotated[
        str | None,
        Query(
            pattern=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
            description="Only alerts dated on or after this date: YYYY (from 1 January), YYYY-MM (from the 1st) "
            "or YYYY-MM-DD.",
        ),
    ] = None,
    country: Country = None,
    severity: Annotated[str | None, Query(max_length=20, description="severe, warning or info.")] = None,
    as_of: AsOf = None,
    sort: Sort = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response:
    """Alerts the rules in alerts.yaml raise, newest first, each with its inputs and their sources."""
    table = lazos_of(request).alerts(since=since, country=country, severity=severity, as_of=as_of)
    return respond(request, table, limit=limit, cursor=cursor, sort=sort)


@router.get(
    "/method",
    summary="The analytics method and alert rules",
    response_model=MethodShape,
    response_class=JSONResponse,
    responses={200: {"content": {"application/json": {}}}},
)
def method() -> Response:
    """method.yaml (indicators, goalposts, weights of the index, the risk rating and opportunities) and
    alerts.yaml (the alert rules and thresholds), as JSON, each with its version and SHA-256."""
    return json_response(
        {"method": default_method().model_dump(mode="json"), "alerts": default_alerts().model_dump(mode="json")}
    )


@list_route(router, "/analysis-runs", summary="Saved analysis runs")
def analysis_runs(request: Request, sort: Sort = None, limit: Limit = None, cursor: Cursor = None) -> Response:
    """Runs saved by `lazos analyses save`, newest first, with whether the data have moved on since."""
    return respond(request, lazos_of(request).analysis_runs(), limit=limit, cursor=cursor, sort=sort)
