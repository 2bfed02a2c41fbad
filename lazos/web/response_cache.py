"""A cache of whole answers: a GET's status line, headers and body kept as the app sent them,
and replayed in front of the app (lazos.web.app.LazosAPI): no middleware, no parameter
validation, no Python API call, no JSON encoding and no gzip for an answer already given.

The key holds everything an answer depends on: the database's version (a new build, import,
ingest or saved analysis is another version, so an older answer is never served for it), the
scheme, Host and root path (``next_url`` and ``Link`` are absolute URLs), the path and the raw
query string (``next_url`` repeats the query in the order it was given), the Accept header
(it picks the format, and the ETag is computed from it), whether the answer is gzipped
(Starlette's GZipMiddleware gzips when ``gzip`` appears in Accept-Encoding) and the Origin
(CORS headers). Only complete 200 answers are kept: errors, 304s and an answer cut short by a
client that went away are not. Paths given in ``exclude`` are never kept (the SQL endpoint: a
query may read the clock or draw random numbers).

A request whose If-None-Match holds the answer's current ETag goes to the app, whose ETag
middleware answers 304; any other If-None-Match is answered in full, from the cache if it can.
A HEAD request is answered as the GET it describes (same status and headers, no body; RFC 9110
9.3.2), from the cache or computed and kept. The cache is a least-recently-used map bounded in
bytes (bodies and headers); one answer larger than ``max_entry_bytes`` is passed on without
being kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lazos.web.caching import etag_for, matches

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
ENTRY_OVERHEAD = 200  # bytes counted per entry beyond its body and headers (key, tuple, object)

Key = tuple[str, ...]
RawHeaders = tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True)
class Answer:
    """One kept answer: what the app sent, as it sent it."""

    status: int
    headers: RawHeaders
    body: bytes

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + ENTRY_OVERHEAD


class ResponseCache:
    """A least-recently-used map of answers, at most ``max_bytes`` in all (thread-safe: test
    clients serve requests from several event loops at once)."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, max_entry_bytes: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 8 if max_entry_bytes is None else min(max_entry_bytes, max_bytes)
        self.size = 0
        self.hits = self.misses = 0
        self._answers: OrderedDict[Key, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: Key) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: Key, answer: Answer) -> bool:
        """Keep ``answer`` (dropping the least recently used ones to make room); False when it is
        too large to keep."""
        size = answer.size
        if size > self.max_entry_bytes:
            return False
        with self._lock:
            old = self._answers.pop(key, None)
            if old is not None:
                self.size -= old.size
            while self._answers and self.size + size > self.max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self.size -= dropped.size
            self._answers[key] = answer
            self.size += size
        return True

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self.size = 0


def cache_key(version: str, scope: Scope) -> Key:
    """What a whole answer to this request depends on (see the module's docstring)."""
    host = accept = encoding = origin = None
    for name, value in scope["headers"]:  # the first of each, as Starlette's Headers.get reads them
        if name == b"host":
            host = value if host is None else host
        elif name == b"accept":
            accept = value if accept is None else accept
        elif name == b"accept-encoding":
            encoding = value if encoding is None else encoding
        elif name == b"origin":
            origin = value if origin is None else origin
    return (
        version,
        scope.get("scheme", "http"),
        host.decode("latin-1") if host is not None else f"server={scope.get('server')}",
        scope.get("root_path", ""),
        scope["path"],
        scope.get("query_string", b"").decode("latin-1"),
        accept.decode("latin-1") if accept is not None else "",
        "gzip" if encoding and b"gzip" in encoding else "",
        origin.decode("latin-1") if origin is not None else "",
    )


def if_none_match(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            return value.decode("latin-1")
    return None


class ResponseCacheMiddleware:
    """Answers a GET or HEAD under ``prefix`` from ``cache`` when it can; keeps 200 GET answers."""

    def __init__(
        self,
        app: ASGIApp,
        cache: ResponseCache,
        version: Callable[[], str],
        prefix: str | tuple[str, ...] = "/api/",
        exclude: tuple[str, ...] = (),
    ) -> None:
        self.app, self.cache, self.version, self.prefix, self.exclude = app, cache, version, prefix, exclude

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method")
        path = scope.get("path", "")
        if scope["type"] != "http" or method not in ("GET", "HEAD") or not path.startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        head = method == "HEAD"
        if head:  # answered as the GET it describes, without the body
            scope = {**scope, "method": "GET"}
        if path.startswith(self.exclude):
            await self.app(scope, receive, _without_body(send) if head else send)
            return
        version = self.version()
        condition = if_none_match(scope)
        if condition is not None and matches(condition, etag_for(version, scope)):
            await self.app(scope, receive, send)  # 304, by the ETag middleware inside
            return
        key = cache_key(version, scope)
        answer = self.cache.get(key)
        if answer is not None:
            await send({"type": "http.response.start", "status": answer.status, "headers": list(answer.headers)})
            await send({"type": "http.response.body", "body": b"" if head else answer.body})
            return

        status = 0
        headers: RawHeaders = ()
        parts: list[bytes] = []
        kept = 0
        keeping = True

        async def send_and_keep(message: Message) -> None:
            nonlocal status, headers, kept, keeping
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = tuple((bytes(k), bytes(v)) for k, v in message.get("headers", ()))
                keeping = status == 200
            elif message["type"] == "http.response.body":
                if keeping:
                    body = message.get("body", b"")
                    kept += len(body)
                    if kept > self.cache.max_entry_bytes:
                        keeping = False
                        parts.clear()
                    else:
                        parts.append(bytes(body))
                        if not message.get("more_body", False):
                            self.cache.put(key, Answer(status, headers, b"".join(parts)))
                            keeping = False
                if head:
                    message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_and_keep)


def _without_body(send: Send) -> Send:
    async def send_head(message: Message) -> None:
        await send({**message, "body": b""} if message["type"] == "http.response.body" else message)

    return send_head
