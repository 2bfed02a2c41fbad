"""Stopping DuckDB work on Ctrl-C or after a time limit.

DuckDB releases the GIL while it runs, and Python runs its signal handlers only between
bytecodes of the main thread: a long query, or the fetch of a large result, would not see
Ctrl-C until it finished. :class:`interruptible` therefore runs a watcher thread, woken by
the signal itself (``signal.set_wakeup_fd``) or by the time limit, that calls
``con.interrupt()``: the statement then fails inside DuckDB, and the caller's transaction
rolls back. Ctrl-C surfaces as ``KeyboardInterrupt``, the time limit as TimeLimitError.
"""

from __future__ import annotations

import contextlib
import select
import signal
import socket
import threading
import time
from types import FrameType, TracebackType
from typing import Any

import duckdb

from lazos.errors import LazosError

# Once stopping, the watcher repeats con.interrupt() this often (seconds) until the block
# ends, for at most REPEAT_FOR_S: DuckDB clears the flag when a statement starts, so one call
# made between two statements would be lost (the bound is for a block whose end was skipped
# by a Ctrl-C landing in it, so that later statements on the connection are left alone).
REPEAT_S = 0.05
REPEAT_FOR_S = 5.0


class TimeLimitError(LazosError):
    """Work stopped because it ran past its time limit."""


def interruptible(con: duckdb.DuckDBPyConnection, timeout: float | None = None) -> Watch:
    """``with interruptible(con, timeout) as watch:`` DuckDB work on ``con`` that Ctrl-C and
    ``timeout`` seconds stop.

    Ctrl-C raises KeyboardInterrupt (also when it arrives inside DuckDB), the time limit
    raises TimeLimitError; a Python loop inside the block calls ``watch.check()`` to stop
    there too. Ctrl-C is caught only in the main thread, and not where it is ignored (a
    background job keeps ignoring it); elsewhere only the time limit applies.
    """
    return Watch(con, timeout)


class Watch:
    """A block of DuckDB work being watched, and whether Ctrl-C or its time limit stopped it."""

    def __init__(self, con: duckdb.DuckDBPyConnection, timeout: float | None = None):
        self.con = con
        self.timeout = timeout
        self.interrupted = False
        self.timed_out = False
        self._stop = threading.Event()
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._thread = threading.Thread(target=self._watch, name="lazos-interrupt", daemon=True)
        self._previous: tuple[Any, int] | None = None

    def __enter__(self) -> Watch:
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is not signal.SIG_IGN
        ):
            handler = signal.signal(signal.SIGINT, self._on_sigint)
            self._previous = (handler, signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False))
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._end()
        self._thread.join()
        self._reader.close()
        self._writer.close()
        if exc is None or isinstance(exc, KeyboardInterrupt):
            return
        if self.interrupted:
            raise KeyboardInterrupt from exc
        if self.timed_out:
            raise TimeLimitError(f"stopped after {self.timeout:g} s") from exc

    def check(self) -> None:
        """Raise now if the work should stop (for Python code between DuckDB calls)."""
        if self.interrupted:
            raise KeyboardInterrupt
        if self.timed_out:
            raise TimeLimitError(f"stopped after {self.timeout:g} s")

    def _end(self) -> None:
        """Stop the watcher and give Ctrl-C back to its previous handler."""
        self._stop.set()
        with contextlib.suppress(OSError):
            self._writer.send(b"\0")
        self._restore()

    def _restore(self) -> None:
        if self._previous is not None:
            handler, fd = self._previous
            self._previous = None
            signal.signal(signal.SIGINT, handler)
            signal.set_wakeup_fd(fd)

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        # Runs in the main thread between bytecodes (or when DuckDB polls for signals, which
        # it may then ignore): the block stops here, and the watcher keeps interrupting DuckDB
        # until it ends. A second Ctrl-C goes to the previous handler.
        self.interrupted = True
        self._restore()
        raise KeyboardInterrupt

    def _watch(self) -> None:
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        stopping_since: float | None = None
        while not self._stop.is_set():
            if self.interrupted or self.timed_out:
                wait: float | None = REPEAT_S
            else:
                wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            with contextlib.suppress(OSError):
                if select.select([self._reader], [], [], wait)[0] and signal.SIGINT in self._reader.recv(64):
                    self.interrupted = True
            if self._stop.is_set():
                return
            if deadline is not None and time.monotonic() >= deadline:
                self.timed_out = True
            if self.interrupted or self.timed_out:
                stopping_since = stopping_since or time.monotonic()
                if time.monotonic() - stopping_since > REPEAT_FOR_S:
                    return
                with contextlib.suppress(duckdb.Error):
                    self.con.interrupt()
