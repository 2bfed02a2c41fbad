"""Which version of a row a query sees.

Two clocks, kept apart:

* **recorded time** (transaction time): when Lazos stored a row version (the start of its
  ``load_run``) or retired it (``retired_at``). A database opened ``recorded_as_of=T`` sees
  exactly the rows that were current at ``T``, so an import never erases what was there before.
* **as-of time** (valid time): what was true, or published, on a date. Events count from
  the last day their date may denote; project status follows dated milestones;
  observations count once published; and of several vintages of one dataset only the
  newest published by then counts. See docs/data-model.md.
"""

from __future__ import annotations

from datetime import date, datetime


def visible(alias: str, recorded_as_of: datetime | None) -> str:
    """SQL predicate: the row version of ``alias`` is current (at ``recorded_as_of``)."""
    if recorded_as_of is None:
        return f"{alias}.retired_at IS NULL"
    stamp = recorded_as_of.strftime("%Y-%m-%d %H:%M:%S.%f")
    return (
        f"({alias}.load_id IN (SELECT load_id FROM load_run WHERE started_at <= TIMESTAMP '{stamp}') "
        f"AND ({alias}.retired_at IS NULL OR {alias}.retired_at > TIMESTAMP '{stamp}'))"
    )


def happened_by(end_column: str, as_of: date | None) -> str:
    """SQL predicate: a fuzzy date certainly lies on or before ``as_of`` (true without one)."""
    if as_of is None:
        return "TRUE"
    return f"({end_column} IS NOT NULL AND {end_column} <= DATE '{as_of.isoformat()}')"
