"""``lazos export``: the current content of a database as a re-importable data package.

The export has the layout of the embedded dataset (one file per resource plus a
datapackage.json), so ``lazos build --from OUTDIR`` rebuilds an equal database.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from lazos.errors import LazosError
from lazos.store.package import write_package
from lazos.store.resources import all_resources

FORMATS = ("csv", "parquet", "json", "datapackage")


def current_rows(lz: Any) -> dict[str, list[dict[str, Any]]]:
    """Every resource's current rows (as seen by the handle ``lz``), keyed by field name."""
    rows = {}
    for res in all_resources():
        cols = res.field_names
        cursor = lz.con.execute(f"SELECT {', '.join(cols)} FROM {res.read_table} t WHERE {lz.visible('t')}")
        rows[res.name] = [dict(zip(cols, r, strict=True)) for r in cursor.fetchall()]
    return rows


def export(lz: Any, outdir: str | Path, fmt: str = "csv") -> Path:
    """Write the package to ``outdir``; ``datapackage`` writes one zip of the CSV package."""
    if fmt not in FORMATS:
        raise LazosError(f"unknown export format {fmt!r} (choose {', '.join(FORMATS)})")
    outdir = Path(outdir)
    rows = current_rows(lz)
    extra = {"description": f"Export of the Lazos database {lz.path.name}."}
    if fmt != "datapackage":
        write_package(rows, outdir, fmt, extra)
        return outdir
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        write_package(rows, Path(tmp) / "lazos", "csv", extra)
        archive = shutil.make_archive(str(outdir / "lazos-datapackage"), "zip", tmp, "lazos")
    return Path(archive)
