"""The pages' router: every page lives under its language (/en/, /es/, /pt/, /zh/).

``page_router`` is the one APIRouter the page modules add their routes to, with
``@page("/projects")``: the route is /{lang}/projects, hidden from the OpenAPI description (the
REST API is /api/v1), and answers HTML. An unknown language prefix is a 404 (a problem, not a page).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from lazos.web.pages.i18n import LANGS

page_router = APIRouter(include_in_schema=False)


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise HTTPException(404)
    return lang


def page(path: str, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a GET page at /{lang}{path} (``path`` "/" is the language's home)."""
    full = "/{lang}" + ("/" if path == "/" else path)
    return page_router.get(full, response_class=HTMLResponse, **kwargs)
