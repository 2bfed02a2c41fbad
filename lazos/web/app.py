"""The REST API: a FastAPI app over one read-only Lazos handle.

``create_app(db_path)`` opens the database read-only once; the threads FastAPI serves requests
from share the handle (each reads through a DuckDB cursor of its own). Every resource is under
/api/v1; /openapi.json describes them and /docs shows them. Reads carry an ETag and
Cache-Control (lazos.web.caching) and are gzipped when the client accepts it; successful ones
are kept whole and replayed while the database is the same (lazos.web.response_cache); errors
are problem details (lazos.web.errors).
"""

from __future__ import annotations

import functools
from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from lazos import __version__
from lazos.api import Lazos
from lazos.web import errors, pages
from lazos.web.caching import ETagMiddleware
from lazos.web.pages.i18n import LANGS
from lazos.web.response_cache import DEFAULT_MAX_BYTES, ResponseCache, ResponseCacheMiddleware
from lazos.web.routes import analytics, countries, documents, events, meta, news, observations, projects, sql

PREFIX = "/api/v1"
# What is kept whole and tagged (ETag, 304): the API's reads and the pages, whose answers depend only
# on the database's version and the request (the static assets have their own validators).
CACHED = ("/api/", *(f"/{lang}/" for lang in LANGS))
# Headers a page of another origin may read (with --cors): caching, paging and the citation.
CORS_EXPOSED = ["ETag", "Link", "X-Lazos-Citation", "X-Lazos-Citation-Encoding", "Content-Disposition"]

DESCRIPTION = """\
China's ties with Latin America and the Caribbean, from Lazos's sourced data: countries,
events and agreements, projects, indicators, the connectivity index, risk rating, alerts and
opportunities, documents and the claims checked in them.

* Every read takes `as_of` (YYYY, YYYY-MM or YYYY-MM-DD): the state of the world at that date.
* Lists answer with JSON pages (`limit`, at most 500; the `next` cursor leads on) and download as
  CSV or Parquet with a `.csv` / `.parquet` suffix or an `Accept` header; every row keeps the id of
  its source, and the citation travels in the `X-Lazos-Citation` header.
* Answers carry an `ETag` (send it back in `If-None-Match` for a 304) and are gzipped on request;
  the server keeps recent answers whole and answers them again until the database changes.
* Errors are problem details (RFC 9457) naming the parameter at fault and suggesting close values.
"""


class LazosAPI(FastAPI):
    """FastAPI whose requests meet the kept answers first (``front``), before its own middleware
    (error pages, CORS, ETag, gzip), its parameter validation and its routes."""

    front: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.front is None:
            await super().__call__(scope, receive, send)
        else:
            await self.front(scope, receive, send)


def create_app(
    db_path: str | Path | None = None,
    *,
    enable_sql: bool = False,
    sql_row_cap: int = sql.ROW_CAP,
    sql_time_limit: float = sql.TIME_LIMIT_S,
    cors: bool = False,
    writes: bool = False,
    response_cache_bytes: int = DEFAULT_MAX_BYTES,
) -> FastAPI:
    """The API over the database at ``db_path`` (the default one if None), opened read-only.

    ``enable_sql`` turns on GET /api/v1/sql (read-only SELECTs within ``sql_time_limit`` seconds
    and ``sql_row_cap`` rows). ``cors`` lets pages of any origin read the API (GET and HEAD).
    ``writes`` lets the web app take document uploads (ingested into the database, each with
    the handle closed for the time it takes and reopened after: lazos.web.writes).
    Successful reads are kept whole, up to ``response_cache_bytes`` in all (0: none), and
    answered again from there while the database's version is the same
    (``app.state.response_cache``; lazos.web.response_cache). The handle, ``app.state.db``,
    stays open for the app's life (a test client may start and stop the app many times): its
    owner closes it.
    """
    db = Lazos(db_path)
    app = LazosAPI(
        title="Lazos API",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.db = db
    app.state.enable_sql = enable_sql
    app.state.sql_row_cap = sql_row_cap
    app.state.sql_time_limit = sql_time_limit
    errors.install(app)

    for module in (meta, countries, events, projects, observations, analytics, documents, news):
        app.include_router(module.router, prefix=PREFIX)
    if enable_sql:
        app.include_router(sql.router, prefix=PREFIX)
    else:
        for path in ("/sql", "/sql.{format}"):
            app.add_api_route(PREFIX + path, sql.sql_off, methods=["GET"], include_in_schema=False)

    pages.install(app, writes=writes)  # after the API's routes: /{lang}/... never shadows /api/v1

    # Outermost last: CORS, then ETag/304, then gzip; the kept answers are in front of them all.
    def version() -> str:
        return app.state.db.version

    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=6)
    app.add_middleware(ETagMiddleware, version=version, prefix=CACHED)
    if cors:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD"],
            allow_headers=["If-None-Match"],
            expose_headers=CORS_EXPOSED,
            max_age=3600,
        )
    app.state.response_cache = ResponseCache(max(response_cache_bytes, 0))
    app.front = ResponseCacheMiddleware(  # also answers HEAD as GET without the body, kept or not
        functools.partial(FastAPI.__call__, app),
        cache=app.state.response_cache,
        version=version,
        prefix=CACHED,
        exclude=(PREFIX + "/sql",),  # a query may read the clock or draw random numbers
    )
    if writes:  # uploads are ingested with the read-only handle closed (lazos.web.writes)
        from lazos.web import writes as write_gate

        write_gate.install(app)
    return app
