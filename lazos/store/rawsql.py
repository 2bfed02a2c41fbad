"""Writing values into SQL text safely, for statements DuckDB cannot take as parameters."""

from __future__ import annotations

from typing import Any


def literal(value: Any) -> str:
    """A Python value as a DuckDB literal (strings quoted; lists and dicts as lists and structs)."""
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no SQL literal for {value!r}")
