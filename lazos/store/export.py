"""``lazos export``: a database as a complete, re-importable data package.

The export has the layout of the embedded dataset (one file per resource of current rows plus
a datapackage.json with each file's size and SHA-256), and beside it the history (history/):
every load, every retired row version and the saved analyses. ``lazos build --from OUTDIR``
restores an equal database, which answers every ``--as-of`` and recorded-as-of question as
the original did.

The package is written into a temporary folder first and moved into place only once it is
complete, so a failure (a full disk, an unwritable folder) leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from lazos.errors import LazosError
from lazos.store.package import DESCRIPTOR, write_package
from lazos.store.resources import Resource, all_resources, history_resources

FORMATS = ("csv", "parquet", "json", "datapackage")
ARCHIVE = "lazos-datapackage.zip"


def _records(lz: Any, sql: str, names: list[str]) -> list[dict[str, Any]]:
    return [dict(zip(names, r, strict=True)) for r in lz.con.execute(sql).fetchall()]


def current_rows(lz: Any) -> dict[str, list[dict[str, Any]]]:
    """Every resource's current rows (as seen by the handle ``lz``), keyed by field name."""
    rows = {}
    for res in all_resources():
        cols = res.field_names
        rows[res.name] = _records(lz, f"SELECT {', '.join(cols)} FROM {res.read_table} t WHERE {lz.visible('t')}", cols)
    return rows


def history_rows(lz: Any) -> dict[str, list[dict[str, Any]]]:
    """The history resources as the handle ``lz`` sees them (at its recorded time, if it has one).

    Versions of a row: every stored version except the current rows of the first build load,
    which the main files hold; a version retired after the handle's recorded time is current.
    """
    stamp = lz.recorded_as_of
    at = "TRUE" if stamp is None else f"started_at <= TIMESTAMP '{stamp.strftime('%Y-%m-%d %H:%M:%S.%f')}'"
    loads = f"SELECT load_id FROM load_run WHERE {at}"
    base = lz.con.execute(f"SELECT min(load_id) FROM load_run WHERE kind = 'build' AND {at}").fetchall()[0][0]
    retired = (
        "t.retired_at"
        if stamp is None
        else f"CASE WHEN t.retired_at > TIMESTAMP '{stamp.strftime('%Y-%m-%d %H:%M:%S.%f')}' THEN NULL "
        "ELSE t.retired_at END"
    )
    by_name: dict[str, Resource] = {r.name: r for r in history_resources()}
    out = {"load_runs": _select(lz, by_name["load_runs"], f"SELECT * FROM load_run WHERE {at}")}
    for res in all_resources():
        versions = by_name[f"{res.name}_history"]
        cols = ", ".join(f"t.{c}" for c in res.field_names)
        sql = (
            f"SELECT {cols}, t.load_id, {retired} AS retired_at FROM {res.read_table} t "
            f"WHERE t.load_id IN ({loads}) AND NOT ({lz.visible('t')} AND t.load_id IS NOT DISTINCT FROM {base or 0})"
        )
        out[versions.name] = _select(lz, versions, sql)
    at_run = "TRUE" if stamp is None else f"r.load_id IN ({loads}) AND r.computed_at <= TIMESTAMP '{stamp}'"
    runs = f"SELECT r.* FROM analysis_run r WHERE {at_run}"
    out["analysis_runs"] = _select(lz, by_name["analysis_runs"], f"{runs} ORDER BY run_id")
    for name in ("analysis_scores", "analysis_measures", "analysis_alerts"):
        res = by_name[name]
        sql = f"SELECT * FROM {res.table} WHERE run_id IN (SELECT run_id FROM ({runs})) ORDER BY ALL"
        out[name] = _select(lz, res, sql)
    return out


def _select(lz: Any, res: Resource, sql: str) -> list[dict[str, Any]]:
    names = res.field_names
    return _records(lz, f"SELECT {', '.join(f'{chr(34)}{n}{chr(34)}' for n in names)} FROM ({sql})", names)


def export(lz: Any, outdir: str | Path, fmt: str = "csv") -> Path:
    """Write the package to ``outdir``; ``datapackage`` writes one zip of the CSV package."""
    if fmt not in FORMATS:
        raise LazosError(f"unknown export format {fmt!r} (choose {', '.join(FORMATS)})")
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise LazosError(f"cannot export to {outdir}: it is a file; give a folder (created if missing)")
    rows = current_rows(lz)
    history = history_rows(lz)
    extra = {"description": f"Export of the Lazos database {lz.path.name}, with its history."}
    tmp = _staging_folder(outdir)
    try:
        if fmt == "datapackage":
            write_package(rows, tmp / "lazos", "csv", extra, history)
            shutil.make_archive(str(tmp / ARCHIVE.removesuffix(".zip")), "zip", tmp, "lazos")
            outdir.mkdir(exist_ok=True)
            os.replace(tmp / ARCHIVE, outdir / ARCHIVE)
            return outdir / ARCHIVE
        write_package(rows, tmp, fmt, extra, history)
        _publish(tmp, outdir)
        return outdir
    except OSError as exc:
        raise LazosError(
            f"cannot write the export to {outdir}: {exc.strerror or exc}; nothing was written there"
        ) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _staging_folder(outdir: Path) -> Path:
    """A temporary folder on the same file system as ``outdir`` (inside it when it exists)."""
    try:
        if outdir.is_dir():
            return Path(tempfile.mkdtemp(dir=outdir, prefix=".lazos-export-"))
        outdir.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=outdir.parent, prefix=f".{outdir.name}.export-"))
    except OSError as exc:
        raise LazosError(f"cannot write the export to {outdir}: {exc.strerror or exc}") from exc


def _publish(tmp: Path, outdir: Path) -> None:
    """Move a complete package into place: a rename for a new folder, else file by file with
    datapackage.json last (files of an older export are replaced)."""
    if not outdir.exists():
        with contextlib.suppress(OSError):
            tmp.rename(outdir)
            return
    outdir.mkdir(exist_ok=True)
    files = sorted((p for p in tmp.rglob("*") if p.is_file()), key=lambda p: p.name == DESCRIPTOR)
    for path in files:
        target = outdir / path.relative_to(tmp)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
