"""HTTP caching of reads: an ETag per answer and Cache-Control.

The ETag is a hash of the database's version (``Lazos.version``, which changes with every build,
import, ingest or saved analysis), the request's path and query, and its Accept header (the
format it asks for). It is weak (``W/"..."``): the same answer gzipped or not is the same
representation to a cache. A request whose If-None-Match holds it is answered 304 before any
work is done.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CACHE_CONTROL = "public, max-age=60"


def etag_for(version: str, scope: Scope) -> str:
    headers = Headers(scope=scope)
    parts = [
        version,
        scope.get("path", ""),
        scope.get("query_string", b"").decode("latin-1"),
        headers.get("accept", ""),
    ]
    return 'W/"' + hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32] + '"'


def matches(if_none_match: str, etag: str) -> bool:
    """Whether an If-None-Match header holds ``etag`` (weak comparison, RFC 9110 13.1.2). ``*`` is
    not taken: whether an answer would exist is not known before it is computed."""
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


class ETagMiddleware:
    """ETag, Cache-Control and Vary on successful GETs under ``prefix``; 304 when unchanged."""

    def __init__(self, app: ASGIApp, version: Callable[[], str], prefix: str | tuple[str, ...] = "/api/") -> None:
        self.app, self.version, self.prefix = app, version, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not scope["path"].startswith(self.prefix)
        ):
            await self.app(scope, receive, send)
            return
        etag = etag_for(self.version(), scope)
        cache_headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept"}
        if matches(Headers(scope=scope).get("if-none-match", ""), etag):
            await send({"type": "http.response.start", "status": 304, "headers": _raw(cache_headers)})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_etag(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = MutableHeaders(scope=message)
                for name, value in cache_headers.items():
                    if name == "Vary":
                        headers.add_vary_header(value)
                    else:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_etag)


def _raw(headers: dict[str, Any]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in headers.items()]
