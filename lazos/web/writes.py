"""Writes from the web app: document uploads, when the server runs with ``--enable-writes``.

The app reads through one read-only handle (``app.state.db``, a lazos.api.Lazos), which holds
DuckDB's lock on the file: nothing can write the database while it is open, in this process or
another. An upload is therefore ingested with the handle closed. The write gate (in front of
the whole app when writes are on) lets the requests under way finish and holds new ones; the
handle is closed, the document ingested through lazos.api.ingest (one transaction: a document
that cannot be read changes nothing), a new handle opened (a new database version, so every
cache keyed by the version starts afresh) and the held requests go on.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from lazos.api import Lazos, ingest
from lazos.errors import LazosError

# How long an upload waits for the requests under way to finish before it gives up.
DRAIN_SECONDS = 30.0


class BusyError(LazosError):
    """The requests under way did not finish in time for a write."""


class WriteGate:
    """ASGI wrapper counting the requests under way; :meth:`exclusive` waits until none is,
    holding new ones meanwhile. Only installed when writes are on (it costs a lock a request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._cond = threading.Condition()
        self._active = 0
        self._writing = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self._try_enter():
            await anyio.to_thread.run_sync(self._enter)  # a write is under way: wait for it off the loop
        try:
            await self.app(scope, receive, send)
        finally:
            self._leave()

    def _try_enter(self) -> bool:
        with self._cond:
            if self._writing:
                return False
            self._active += 1
            return True

    def _enter(self) -> None:
        with self._cond:
            while self._writing:
                self._cond.wait()
            self._active += 1

    def _leave(self) -> None:
        with self._cond:
            self._active -= 1
            self._cond.notify_all()

    @contextlib.contextmanager
    def exclusive(self, timeout: float = DRAIN_SECONDS) -> Iterator[None]:
        """Inside, no other request is under way. Called from a request that passed the gate
        (it steps aside while it waits, so two writes cannot wait for each other)."""
        with self._cond:
            self._active -= 1
            try:
                if not self._cond.wait_for(lambda: not self._writing, timeout):
                    raise BusyError("another upload is being read: try again in a moment")
                self._writing = True
                if not self._cond.wait_for(lambda: self._active <= 0, timeout):
                    self._writing = False
                    self._cond.notify_all()
                    raise BusyError("the server is busy answering other requests: try the upload again")
            except BaseException:
                self._active += 1
                raise
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._active += 1
                self._cond.notify_all()


def safe_name(name: str | None, default: str = "upload.txt") -> str:
    """An uploaded file's name as a plain file name: its last path part, without control
    characters, at most 200 characters (keeping its extension, which says HTML or PDF)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in base if c.isprintable()).strip().lstrip(".")
    if not base:
        return default
    stem, dot, ext = base.rpartition(".")
    if dot and len(ext) <= 10:
        return stem[: 199 - len(ext)] + "." + ext if stem else default
    return base[:200]


def ingest_upload(app: Any, raw: bytes, name: str, timeout: float = DRAIN_SECONDS) -> Any:
    """Ingest an uploaded document into the app's database (see the module's docstring);
    returns lazos.api.ingest's report (a document refused is in its ``refused``)."""
    gate: WriteGate | None = getattr(app.state, "write_gate", None)
    if gate is None:
        raise LazosError("this server was not started to take uploads: start it with `lazos serve --enable-writes`")
    with tempfile.TemporaryDirectory(prefix="lazos-upload-") as folder:
        target = Path(folder) / safe_name(name)
        target.write_bytes(raw)
        with gate.exclusive(timeout):
            path = app.state.db.path
            app.state.db.close()
            try:
                return ingest([str(target)], db=path)
            finally:
                app.state.db = Lazos(path)


def install(app: Any) -> None:
    """Put the write gate in front of ``app`` (a lazos.web.app.LazosAPI, whose ``front`` is the
    first thing every request meets)."""
    app.state.write_gate = WriteGate(app.front)
    app.front = app.state.write_gate
