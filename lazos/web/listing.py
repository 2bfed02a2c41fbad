"""Answering with a list: sorted, paginated, as JSON, CSV or Parquet.

Every list route is registered twice: ``/api/v1/events`` (JSON, or what the Accept header
asks for) and ``/api/v1/events.{format}`` (csv, json or parquet). JSON pages hold ``limit``
rows (50 unless given, at most 500) with the ``next`` cursor; CSV and Parquet downloads hold
every row unless ``limit`` is given (then a ``Link: <...>; rel="next"`` header leads on).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from lazos.ordering import sort_rows
from lazos.results import Table
from lazos.web.downloads import CSV, JSON, MEDIA_TYPES, PARQUET, download, wanted_format
from lazos.web.encoding import encode
from lazos.web.errors import about, problem_responses
from lazos.web.models import TablePage
from lazos.web.pagination import DEFAULT_LIMIT, MAX_LIMIT, page_of


class Format(StrEnum):
    csv = CSV
    json = JSON
    parquet = PARQUET


Limit = Annotated[
    int | None,
    Query(
        ge=1,
        le=MAX_LIMIT,
        description=f"Rows per page (JSON: {DEFAULT_LIMIT} unless given; CSV and Parquet: every row unless given).",
    ),
]
Cursor = Annotated[
    str | None,
    Query(max_length=200, description="The `next` cursor of the previous page (opaque)."),
]
Sort = Annotated[
    str | None,
    Query(max_length=100, description="A column to order by; -column for descending. Missing values go last."),
]

DOWNLOAD_CONTENT = {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
}


def json_response(body: Any, headers: dict[str, str] | None = None) -> Response:
    """``body`` as compact JSON (lazos.web.encoding: the values lazos.jsonable.dumps writes)."""
    return Response(encode(body), media_type=MEDIA_TYPES[JSON], headers=headers)


def respond(
    request: Request,
    table: Table,
    *,
    limit: int | None = None,
    cursor: str | None = None,
    sort: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """A Table as the request asks for it: sorted by ``sort``, the page ``limit`` and ``cursor``
    say, in the format of the path's suffix or the Accept header. ``extra`` adds keys to JSON."""
    db = request.app.state.db
    fmt = wanted_format(request)
    page = page_of(request, db.version, limit, cursor, DEFAULT_LIMIT if fmt == JSON else None)
    if sort:
        with about("sort"):
            table = table.with_frame(sort_rows(table.frame, sort), table.sources)
    total = len(table.frame)
    end = total if page.limit is None else page.offset + page.limit
    if page.offset or end < total:
        table = table.with_frame(table.frame.iloc[page.offset : end])
    nxt = page.next_cursor(total)
    next_url = str(request.url.include_query_params(cursor=nxt)) if nxt else None
    if fmt != JSON:
        return download(request, table, fmt, next_url)
    body = table.to_dict()
    body.update(
        total=total,
        offset=page.offset,
        limit=page.limit if page.limit is not None else total,
        next=nxt,
        next_url=next_url,
    )
    body.update(extra or {})
    return json_response(body, {"Link": f'<{next_url}>; rel="next"'} if next_url else None)


def list_route(
    router: APIRouter, path: str, *, summary: str, errors: tuple[int, ...] = (422,), model: Any = TablePage
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Register ``endpoint`` at ``path`` and at ``path.{format}`` (csv, json, parquet)."""

    def register(endpoint: Callable[..., Response]) -> Callable[..., Response]:
        responses: dict[int | str, dict[str, Any]] = {
            200: {"model": model, "description": "The rows (JSON, CSV or Parquet)", "content": DOWNLOAD_CONTENT},
            **problem_responses(*errors),
        }
        name = endpoint.__name__
        router.add_api_route(
            path,
            endpoint,
            methods=["GET"],
            summary=summary,
            responses=responses,
            operation_id=name,
            response_class=JSONResponse,
        )
        router.add_api_route(
            path + ".{format}",
            with_format(endpoint),
            methods=["GET"],
            summary=f"{summary} (as a file)",
            responses=responses,
            operation_id=f"{name}_as_file",
            response_class=JSONResponse,
        )
        return endpoint

    return register


def with_format(endpoint: Callable[..., Response]) -> Callable[..., Response]:
    """``endpoint`` with a ``format`` path parameter (the respond() reads it from the request)."""
    signature = inspect.signature(endpoint, eval_str=True)  # annotations resolved in the endpoint's module
    fmt = inspect.Parameter(
        "format",
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[Format, Path(description="csv, json or parquet")],
    )
    parameters = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in signature.parameters.values()] + [fmt]

    def wrapper(**kwargs: Any) -> Response:
        kwargs.pop("format")  # respond() reads it from the request's path parameters
        return endpoint(**kwargs)

    wrapper.__name__ = f"{endpoint.__name__}_as_file"
    wrapper.__doc__ = endpoint.__doc__
    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return wrapper
