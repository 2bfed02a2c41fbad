"""Errors on pages answer HTML, in the page's language: an unknown country, project or document
is a 404 page with links to the closest ones; a malformed filter is a 422 page naming the
parameter and what it takes; nothing shows a traceback. The REST API's errors stay problem
details (lazos.web.errors), which hands page requests to :func:`page_error`.
"""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from lazos.web.pages.i18n import DEFAULT_LANG, LANGS

log = logging.getLogger("lazos.web")


def is_page(request: Request) -> bool:
    """Whether the request is for a page: its path is under a language (/en/..., /zh/...)."""
    first = request.url.path.strip("/").split("/", 1)[0]
    return first in LANGS


def lang_of(request: Request) -> str:
    first = request.url.path.strip("/").split("/", 1)[0]
    return first if first in LANGS else DEFAULT_LANG


def suggestion_links(request: Request, suggestions: list[str] | None, parameter: str | None, in_path: bool):
    """Each suggestion as (text, link): a path parameter's replaces the last segment of the path;
    a query parameter's replaces that parameter."""
    from lazos.web.pages.render import query_string

    out = []
    for value in suggestions or []:
        if in_path:
            head = request.url.path.rstrip("/").rsplit("/", 1)[0]
            link = f"{head}/{value}"
        elif parameter:
            params = dict(request.query_params)
            params[parameter] = value
            link = request.url.path + "?" + query_string(params)
        else:
            continue
        out.append((value, link))
    return out


def page_error(
    request: Request,
    status: int,
    detail: str,
    *,
    parameter: str | None = None,
    suggestions: list[str] | None = None,
    in_path: bool = False,
) -> Response:
    from lazos.web.pages.render import render

    lang = lang_of(request)
    try:
        return render(
            request,
            lang,
            "error.html",
            status_code=status,
            status=status,
            detail=detail,
            parameter=parameter,
            suggestions=suggestion_links(request, suggestions, parameter, in_path),
        )
    except Exception:  # the error page itself failed: a plain page, never a traceback
        log.exception("error page failed for %s", request.url.path)
        return HTMLResponse(f"<!doctype html><title>Error {status}</title><h1>Error {status}</h1>", status)
