"""The web app: server-rendered pages in four languages on the same typed results as the REST API.

Every module of this package that defines pages registers them on
``lazos.web.pages.routing.page_router`` when imported; :func:`install` imports them all, serves
the static assets (/static) and makes ``/`` lead to the language the browser prefers.
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from lazos.web.pages import data
from lazos.web.pages.i18n import negotiate
from lazos.web.pages.render import STATIC
from lazos.web.pages.routing import page_router

_HELPERS = {"charts", "data", "errors", "i18n", "maps", "render", "routing", "vocabulary"}


def page_modules() -> list[str]:
    """The modules of this package that hold pages."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name not in _HELPERS)


def install(app: FastAPI, *, writes: bool = False) -> None:
    """Add the pages, their data downloads and the static assets to ``app``."""
    for name in page_modules():
        importlib.import_module(f"{__name__}.{name}")
    app.state.writes = writes
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def root(request: Request) -> Response:
        lang = negotiate(request.headers.get("accept-language"))
        return RedirectResponse(f"/{lang}/", status_code=307, headers={"Vary": "Accept-Language"})

    app.add_api_route("/{lang}/data/{name}.{suffix}", data.data_route, methods=["GET"], include_in_schema=False)
    app.include_router(page_router)
