"""Larger GDELT inputs **derived** from a real file, for load tests and benchmarks only.

GDELT publishes about 96 events files a day; the raw data folder holds one. To measure the
pipeline on more input than that, :func:`derive_events_file` copies the real file's rows with
fresh event ids (``GLOBALEVENTID`` + an offset) and every date shifted by whole days (Day,
MonthYear, Year, FractionDate, DATEADDED, and the file's name). Nothing else changes: the
actors, codes, places, tones and URLs are the real file's. A derived file is not real data
and is never loaded into a database anyone reads; every test and benchmark that uses one
says so.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

# Zero-based columns of the events layout that hold dates.
_ID, _DAY, _MONTHYEAR, _YEAR, _FRACTION, _DATEADDED = 0, 1, 2, 3, 4, 59


def _shift_day(text: str, days: int) -> str:
    return (datetime.strptime(text, "%Y%m%d") + timedelta(days=days)).strftime("%Y%m%d")


def derived_row(cells: list[str], id_offset: int, days: int) -> list[str]:
    out = list(cells)
    out[_ID] = str(int(cells[_ID]) + id_offset)
    day = _shift_day(cells[_DAY], days)
    out[_DAY] = day
    out[_MONTHYEAR] = day[:6]
    out[_YEAR] = day[:4]
    d = datetime.strptime(day, "%Y%m%d")
    # GDELT's own formula: YEAR + ((MONTH - 1) x 30 + DAY) / 365, to 4 decimals
    out[_FRACTION] = f"{d.year + ((d.month - 1) * 30 + d.day) / 365:.4f}" if cells[_FRACTION] else cells[_FRACTION]
    added = datetime.strptime(cells[_DATEADDED], "%Y%m%d%H%M%S") + timedelta(days=days)
    out[_DATEADDED] = added.strftime("%Y%m%d%H%M%S")
    return out


def derive_events_file(source: Path, folder: Path, copy: int, days_apart: int = 1) -> Path:
    """The ``copy``-th derived copy of a real events file: ids offset by ``copy`` x 100
    million, dates shifted by ``copy`` x ``days_apart`` days (copy 0 has the real rows)."""
    stamp = datetime.strptime(source.name[:14], "%Y%m%d%H%M%S")
    days = copy * days_apart
    target = folder / f"{(stamp + timedelta(days=days)):%Y%m%d%H%M%S}.export.CSV"
    lines = source.read_text("utf-8").splitlines()
    with target.open("w", encoding="utf-8", newline="\n") as out:
        for line in lines:
            cells = line.split("\t")
            out.write("\t".join(derived_row(cells, copy * 100_000_000, days)) + "\n")
    return target


def derive_events(source: Path, folder: Path, copies: int, days_apart: int = 1) -> list[Path]:
    """``copies`` derived copies of a real events file in ``folder`` (see the module docstring)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [derive_events_file(source, folder, i, days_apart) for i in range(copies)]
