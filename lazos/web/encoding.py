"""JSON bodies for the REST API, written fast and compact.

The typed results' ``to_dict()`` are already JSON-ready (plain Python values, ISO dates, no NaN),
so walking them again with ``lazos.jsonable.plain`` before encoding (as ``jsonable.dumps`` does
for any value) costs most of an answer's time: 8 of the 14 ms of a country profile. Here the
standard encoder writes the body directly and ``plain`` is called only for the values it
cannot write (numpy scalars, dates, Decimals, sets...). A body holding NaN or an infinity, or a
mapping whose keys are not text, goes through ``jsonable.dumps`` instead, so the values written
are always those ``dumps`` writes; only the separators differ (no spaces).
"""

from __future__ import annotations

import json
from typing import Any

from lazos.jsonable import _JSON_UNSAFE, dumps, plain

_COMPACT = (",", ":")


def _default(value: Any) -> Any:
    converted = plain(value)
    return str(value) if converted is value else converted


def _escape_unsafe(text: str) -> str:
    """Characters a terminal would act on, escaped as ``jsonable.dumps`` escapes them."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text) if _JSON_UNSAFE.search(text) else text


def encode(body: Any) -> bytes:
    """``body`` as compact, strict JSON (UTF-8), with the values ``jsonable.dumps`` writes."""
    if _keys_are_text(body):
        try:
            text = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=_COMPACT, default=_default)
        except (ValueError, TypeError):  # NaN or an infinity: dumps writes them as null and strings
            pass
        else:
            return _escape_unsafe(text).encode("utf-8")
    slow = json.loads(dumps(body, indent=None))  # same values; written compact below
    return json.dumps(slow, ensure_ascii=False, allow_nan=False, separators=_COMPACT).encode("utf-8")


def _keys_are_text(value: Any, depth: int = 0) -> bool:
    """Whether no mapping in ``value`` (lists and mappings, recursively) has a True, False or None
    key: the encoder writes those "true", "false" and "null" where ``plain`` writes "True",
    "False" and "None" (a 1 or 0 key is taken for one of them too: it is written the slow way)."""
    if depth > 64:
        return False
    if type(value) is dict:
        if None in value or True in value or False in value:
            return False
        children = value.values()
    elif type(value) is list or type(value) is tuple:
        children = value
    else:
        return not isinstance(value, dict | list | tuple)  # a subclass: the slow way
    for child in children:
        kind = type(child)
        if kind in _SCALARS:
            continue
        if kind is dict or kind is list or kind is tuple:
            if not _keys_are_text(child, depth + 1):
                return False
        elif isinstance(child, dict | list | tuple):  # a subclass: the slow way
            return False
    return True


_SCALARS = frozenset({str, int, float, bool, type(None)})
