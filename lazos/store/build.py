"""``lazos build``: a fresh database from a data package, swapped in atomically.

The new database is written beside the target under a temporary name, checked, and only
then renamed over the target (an atomic rename on POSIX). A failure at any point —
invalid data, a full disk, Ctrl-C — leaves the previous database exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from lazos.errors import DatabaseError
from lazos.paths import embedded_data_dir
from lazos.store.keys import assign_source_keys
from lazos.store.migrations import migrate
from lazos.store.package import Package, read_package
from lazos.store.resources import all_resources
from lazos.store.terms import encode, intern_columns


@dataclass(frozen=True)
class BuildReport:
    db_path: Path
    package_path: Path
    rows: dict[str, int]
    input_hash: str


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _settle_existing(target: Path) -> None:
    """Fold a leftover write-ahead log into the old database before it is replaced.

    Opening the database for writing also fails fast when another process holds it.
    """
    if not target.exists():
        return
    try:
        con = duckdb.connect(str(target))
    except duckdb.IOException as exc:
        raise DatabaseError(f"cannot replace {target}: it is in use by another process ({exc})") from exc
    except duckdb.Error:
        # Not a readable DuckDB file (e.g. corrupt): replacing it is the point of a build.
        return
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()


def load_package(con: duckdb.DuckDBPyConnection, package: Package, load_id: int) -> dict[str, int]:
    """Insert every resource of a validated package as current rows of one load."""
    counts = {}
    for res in all_resources():
        table = package.tables[res.name]
        stored = res.stored_columns()
        values = ["k.source_key" if c == "source_key" else f'i."{c}"' for c in stored]
        join = (
            " JOIN (SELECT DISTINCT source_id, source_key FROM source) k ON k.source_id = i.source_id"
            if res.source_key
            else ""
        )
        con.register("_incoming", table)
        try:
            intern_columns(con, res, "SELECT * FROM _incoming")
            con.execute(
                f"INSERT INTO {res.table} ({', '.join(stored)}, retired_at, load_id) "
                f"SELECT {', '.join(values)}, NULL, ? FROM ({encode(res, 'SELECT * FROM _incoming')}) i{join}",
                [load_id],
            )
        finally:
            con.unregister("_incoming")
        if res.name == "sources":
            assign_source_keys(con)
        counts[res.name] = table.num_rows
    return counts


def build(db_path: str | Path, package_path: str | Path | None = None) -> BuildReport:
    """Build a fresh database at ``db_path`` from a data package (the embedded one by default)."""
    target = Path(db_path).expanduser().resolve()
    source = Path(package_path).expanduser() if package_path else embedded_data_dir()
    package = read_package(source)  # raises ValidationError before anything is touched
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.building-{os.getpid()}")
    _remove(tmp)
    now = datetime.now(UTC).replace(tzinfo=None)
    con = duckdb.connect(str(tmp))
    try:
        migrate(con)
        con.execute("BEGIN TRANSACTION")
        con.execute(
            "INSERT INTO load_run VALUES (1, 'build', ?, NULL, ?, ?)",
            [now, str(source), package.input_hash],
        )
        counts = load_package(con, package, 1)
        con.execute(
            "UPDATE load_run SET finished_at = ? WHERE load_id = 1",
            [datetime.now(UTC).replace(tzinfo=None)],
        )
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
        con.close()
        _settle_existing(target)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(Exception):
            con.close()
        _remove(tmp)
        raise
    return BuildReport(target, source, counts, package.input_hash)
