"""Errors Lazos raises on purpose.

Each is a one-line message a user can act on; the command line prints it without a
traceback. Data errors follow frictionless-py: a type, a message and a location
(file, row, field), so a build can report every problem it found in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass


class LazosError(Exception):
    """Base class: an expected failure with a message meant for the user."""


class InvalidDateError(LazosError, ValueError):
    """A date that is not YYYY, YYYY-MM, YYYY-MM-DD or a range of those."""


class UnknownCountryError(LazosError, LookupError):
    """A country name or code that resolves to nothing (or to more than one country)."""


class DatabaseError(LazosError):
    """The database is missing, too old or cannot be opened."""


class ReadOnlyError(LazosError):
    """A query that would write, or reach outside the database, was refused."""


@dataclass(frozen=True)
class DataError:
    """One problem found in an input file."""

    type: str  # e.g. "missing-source", "invalid-date", "duplicate-key"
    message: str
    file: str | None = None
    row: int | None = None  # 1-based line number in the file, header = 1
    field: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"column {self.field!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ValidationError(LazosError):
    """Input data failed validation; nothing was written."""

    def __init__(self, errors: list[DataError], limit: int = 20):
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[:limit])
        more = f" (and {len(errors) - limit} more)" if len(errors) > limit else ""
        super().__init__(f"{len(errors)} problem(s) in the input: {shown}{more}")
