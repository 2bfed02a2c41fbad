"""A bounded, thread-safe LRU cache for what is computed from the database, and the copies it
hands out.

The cache is bounded twice: by its number of entries and by the memory they take (an
estimate, see :func:`approx_bytes`); the least recently used entries go first. Its keys
start with the database's version (lazos.api.Lazos.version), so an entry can only ever be
read back for the database it was computed from.

``get_or_compute`` computes a missing value once even when many threads ask for it at the
same time: the first computes, the others wait for its result (or, if it fails, compute it
themselves).

Values are shared by every caller: :func:`fresh` gives each caller its own copy of a cached
result, cheaply. Under pandas' copy-on-write (always on in pandas 3), a shallow copy of a
DataFrame shares its data until one side writes, so a caller may add, change or drop columns
and rows of what it was handed without touching the cached frame. Objects held inside cells
(lists, dicts) are shared, as they are in any copy pandas makes: do not mutate those.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd

# Estimated bytes of a Python object held in a DataFrame cell (a short text, a date).
OBJECT_CELL_BYTES = 64
# Containers longer than this are sized from a sample of their items.
SAMPLE = 64


class _Pending:
    """A value one thread is computing; others wait on ``done``."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.ok = False
        self.value: Any = None


class LRUCache:
    """At most ``size`` entries taking at most ``max_bytes`` (estimated); the least recently used
    goes first, but the newest entry always stays. ``get`` of a missing key is None."""

    def __init__(self, size: int = 256, max_bytes: int = 1 << 30) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._pending: dict[Hashable, _Pending] = {}
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        """The estimated memory the entries take."""
        return self._bytes

    def get(self, key: Hashable) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: Any, cost: int | None = None) -> None:
        cost = approx_bytes(value) if cost is None else cost
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, cost)
            self._bytes += cost
            while len(self._items) > 1 and (len(self._items) > self.size or self._bytes > self.max_bytes):
                _, (_, gone) = self._items.popitem(last=False)
                self._bytes -= gone

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value under ``key``, computed by ``compute()`` (once, whatever the threads) when missing."""
        while True:
            with self._lock:
                found = self._items.get(key)
                if found is not None:
                    self._items.move_to_end(key)
                    return found[0]
                pending = self._pending.get(key)
                owner = pending is None
                if owner:
                    pending = self._pending[key] = _Pending()
            assert pending is not None
            if not owner:
                pending.done.wait()
                if pending.ok:
                    return pending.value
                continue  # the computing thread failed: try again (it may be this one's turn)
            try:
                value = compute()
                self.put(key, value)
                pending.value, pending.ok = value, True
                return value
            finally:
                with self._lock:
                    del self._pending[key]
                pending.done.set()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def __getitem__(self, key: Hashable) -> Any:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __setitem__(self, key: Hashable, value: Any) -> None:
        self.put(key, value)

    def __len__(self) -> int:
        return len(self._items)


def approx_bytes(value: Any, depth: int = 0) -> int:
    """A quick estimate of the memory ``value`` holds: exact enough to bound a cache, cheap
    enough to run on every entry (big containers are sized from a sample of their items)."""
    if isinstance(value, pd.Series):
        value = value.to_frame()
    if isinstance(value, pd.DataFrame):  # 8 bytes a cell (and the index), and the objects cells hold
        objects = sum(1 for dtype in value.dtypes if pd.api.types.is_object_dtype(dtype))
        return 64 + len(value) * ((value.shape[1] + 1) * 8 + objects * OBJECT_CELL_BYTES)
    if depth > 6 or value is None or isinstance(value, int | float | bool | str | bytes):
        return sys.getsizeof(value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + _sampled(list(value.items()), depth)
    if isinstance(value, list | tuple | set | frozenset):
        return sys.getsizeof(value) + _sampled(list(value), depth)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return 64 + sum(approx_bytes(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    return sys.getsizeof(value)


def _sampled(items: list[Any], depth: int) -> int:
    if not items:
        return 0
    step = max(1, len(items) // SAMPLE)
    sample = items[::step]
    return sum(approx_bytes(v, depth + 1) for v in sample) * len(items) // len(sample)


def fresh(value: Any) -> Any:
    """A caller's own copy of a cached result: every DataFrame in it (in a result's fields,
    a dict, a list or a tuple) a copy-on-write shallow copy, every dict and list a new one.
    Other objects (methods, dates, texts) are shared: they are not changed in place."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    if isinstance(value, dict):
        return {k: fresh(v) for k, v in value.items()}
    if isinstance(value, list):
        return [fresh(v) for v in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(fresh(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: fresh(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        if all(v is getattr(value, k) for k, v in changes.items()):
            return value  # nothing in it can change (a SourceRef: texts only)
        return dataclasses.replace(value, **changes)
    return value
