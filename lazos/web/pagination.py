"""Cursor pagination of lists.

A cursor is opaque to clients: the URL-safe base64 of ``{"o": offset, "q": key}`` where the key
is a hash of the query it belongs to (the resource's path without its format suffix, every
query parameter but ``cursor`` and ``limit``, and the database's version). A cursor given to
another query, or kept across a change of the database, is refused (422) instead of silently
giving other rows; the page size may change between pages.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

from fastapi import Request

from lazos.web.errors import ProblemError

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
FORMAT_SUFFIXES = (".csv", ".json", ".parquet")


def query_key(request: Request, version: str) -> str:
    """What a cursor is bound to: the resource, its filters and the database's version."""
    path = request.url.path
    for suffix in FORMAT_SUFFIXES:
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    params = sorted((k, v) for k, v in request.query_params.multi_items() if k not in ("cursor", "limit"))
    text = json.dumps([path, params, version], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def encode_cursor(offset: int, key: str) -> str:
    raw = json.dumps({"o": offset, "q": key}, separators=(",", ":")).encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, key: str) -> int:
    """The offset a cursor holds, else a 422 problem naming ``cursor``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        offset, found = data["o"], data["q"]
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0 or not isinstance(found, str):
            raise ValueError
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise ProblemError(
            422, "invalid-parameter", "invalid cursor: use the `next` cursor of a previous page", parameter="cursor"
        ) from None
    if found != key:
        raise ProblemError(
            422,
            "invalid-parameter",
            "this cursor belongs to another query (other filters, or an earlier version of the database): "
            "start again without it",
            parameter="cursor",
        )
    return offset


@dataclass(frozen=True)
class Page:
    """Which rows of a list a request asks for: from ``offset``, at most ``limit`` (None: all)."""

    offset: int
    limit: int | None
    key: str

    def next_cursor(self, total: int) -> str | None:
        end = total if self.limit is None else self.offset + self.limit
        return encode_cursor(end, self.key) if end < total else None


def page_of(request: Request, version: str, limit: int | None, cursor: str | None, default: int | None) -> Page:
    """The page a request asks for; ``default`` is the page size when ``limit`` is not given
    (None: every row, as CSV and Parquet downloads give)."""
    key = query_key(request, version)
    offset = 0 if cursor is None else decode_cursor(cursor, key)
    return Page(offset, default if limit is None else limit, key)
