"""Errors as RFC 9457 problem details: ``{"type", "title", "status", "detail", ...}`` served as
application/problem+json.

A LazosError raised by the Python API keeps its message as ``detail``; the parameter it is about
is named in ``parameter`` (a query parameter: 422; a path parameter, i.e. an unknown id: 404),
and the closest known values the message suggests are listed in ``suggestions``. Malformed
parameters FastAPI rejects are 422 with every problem in ``errors``. Anything else is a bug: a
catch-all logs it and answers 500 with no detail of the server's internals.
"""

from __future__ import annotations

import ast
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from lazos.errors import LazosError
from lazos.jsonable import dumps
from lazos.store.interrupt import TimeLimitError

log = logging.getLogger("lazos.web")

PROBLEM_JSON = "application/problem+json"
PROBLEM = "urn:lazos:problem:"  # problem types: PROBLEM + "invalid-parameter", "not-found"...


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    parameter: str | None = None
    suggestions: list[str] | None = None
    errors: list[dict[str, Any]] | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the errors an operation may answer with."""
    return {
        status: {"model": Problem, "description": HTTPStatus(status).phrase, "content": {PROBLEM_JSON: {}}}
        for status in statuses
    }


class ProblemError(Exception):
    """A problem to answer with (raised by the endpoints; turned into a response by a handler)."""

    def __init__(self, status: int, kind: str, detail: str, *, parameter: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.kind, self.detail, self.parameter, self.extra = status, kind, detail, parameter, extra


def problem(
    status: int,
    kind: str,
    detail: str,
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM + kind,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(dumps(body, indent=None), status_code=status, media_type=PROBLEM_JSON, headers=headers)


# ---------------------------------------------------------------------------- naming the parameter

# "(did you mean 'energy'?)", "(did you mean 'China', 'CHN'?)", "(did you mean 'a', 'b' or 3 more?)"
_DID_YOU_MEAN = re.compile(r"did you mean (.*)\?\)")
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def suggestions(message: str) -> list[str] | None:
    """The values a LazosError's "did you mean ...?" suggests, if any."""
    found = _DID_YOU_MEAN.search(message)
    if not found:
        return None
    out = []
    for token in _QUOTED.findall(found[1]):
        try:
            out.append(str(ast.literal_eval(token)))
        except (ValueError, SyntaxError):
            continue
    return out or None


def parameter_of(message: str, request: Request) -> tuple[str | None, bool]:
    """The request parameter a LazosError's message is about, and whether it is a path parameter.

    The Python API's messages quote the value they refuse (``unknown sector 'energi'``): the
    parameter given that value is the one at fault (a path parameter first, then the query's).
    """
    given = [(k, str(v), True) for k, v in request.path_params.items() if k != "format"]
    given += [(k, v, False) for k, v in request.query_params.multi_items()]
    for name, value, in_path in given:
        if value and (repr(value) in message or repr(value.strip()) in message):
            return name, in_path
    for name, value, in_path in given:
        if value.strip() and re.search(rf"(?<![\w.-]){re.escape(value.strip())}(?![\w.-])", message):
            return name, in_path
    return None, False


@contextmanager
def about(parameter: str, status: int = 422) -> Iterator[None]:
    """A LazosError raised inside is a problem with ``parameter``."""
    try:
        yield
    except LazosError as exc:
        kind = "not-found" if status == 404 else "invalid-parameter"
        raise ProblemError(status, kind, str(exc), parameter=parameter, suggestions=suggestions(str(exc))) from exc


# ---------------------------------------------------------------------------- handlers


def _page(request: Request) -> bool:
    """Whether the request is for a page of the web app (answered with an HTML error page)."""
    from lazos.web.pages.errors import is_page

    return is_page(request)


async def on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    if _page(request):
        from lazos.web.pages.errors import page_error

        return page_error(
            request,
            exc.status,
            exc.detail,
            parameter=exc.parameter,
            suggestions=exc.extra.get("suggestions"),
            in_path=exc.status == 404,
        )
    return problem(exc.status, exc.kind, exc.detail, parameter=exc.parameter, **exc.extra)


async def on_lazos_error(request: Request, exc: Exception) -> Response:
    message = str(exc)
    if isinstance(exc, TimeLimitError):
        return problem(400, "time-limit", message, title="Time limit reached")
    parameter, in_path = parameter_of(message, request)
    if _page(request):
        from lazos.web.pages.errors import page_error

        status = 404 if in_path else 422
        return page_error(
            request, status, message, parameter=parameter, suggestions=suggestions(message), in_path=in_path
        )
    if in_path:
        return problem(404, "not-found", message, parameter=parameter, suggestions=suggestions(message))
    return problem(422, "invalid-parameter", message, parameter=parameter, suggestions=suggestions(message))


def _location(error: dict[str, Any]) -> tuple[str | None, str | None]:
    loc = [str(part) for part in error.get("loc", ())]
    if len(loc) >= 2 and loc[0] in ("query", "path", "header"):
        return loc[1], loc[0]
    return (loc[-1] if loc else None), (loc[0] if loc else None)


async def on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for error in exc.errors():
        name, where = _location(error)
        errors.append({"parameter": name, "in": where, "detail": str(error.get("msg", "invalid"))})
    detail = "; ".join(f"{e['parameter']}: {e['detail']}" if e["parameter"] else e["detail"] for e in errors)
    first = errors[0]["parameter"] if errors else None
    if _page(request):
        from lazos.web.pages.errors import page_error

        return page_error(request, 422, detail or "invalid request", parameter=first)
    return problem(422, "invalid-parameter", detail or "invalid request", parameter=first, errors=errors)


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if _page(request) and status in (404, 405):
        from lazos.web.pages.errors import page_error

        return page_error(request, status, f"no page at {request.url.path}")
    if status == 404:
        detail = f"no resource at {request.url.path}: GET /api/v1 lists them"
    elif status == 405:
        detail = f"{request.method} is not allowed here: the API is read-only (GET)"
    else:
        detail = str(exc.detail)
    return problem(status, "not-found" if status == 404 else "http", detail, headers=exc.headers)


async def on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error answering %s %s", request.method, request.url.path, exc_info=exc)
    if _page(request):
        from lazos.web.pages.errors import page_error

        return page_error(request, 500, "an unexpected error happened on the server; it has been logged")
    return problem(500, "server-error", "an unexpected error happened on the server; it has been logged")


def install(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(LazosError, on_lazos_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
