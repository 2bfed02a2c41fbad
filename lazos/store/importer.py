"""``lazos import``: raw files into an existing database, in one transaction, with history.

The import stages every file (see lazos.sources), checks the staged rows, and applies them
(see store.apply) inside a single transaction: a bad row, a full disk, Ctrl-C or a killed
process leaves the database exactly as before. Re-importing the same file changes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from lazos.errors import DatabaseError, ValidationError
from lazos.sources.base import Context, connector
from lazos.sources.entities import EntityResolver
from lazos.store.apply import Changes, apply
from lazos.store.migrations import migrate
from lazos.store.staging import Staging

# DuckDB may use at most this much memory for an import; larger work spills to disk.
MEMORY_LIMIT = "512MB"


@dataclass
class ImportReport:
    source: str
    files: list[str]
    read: list[str]
    changes: dict[str, Changes]
    skipped: dict[str, int] = field(default_factory=dict)
    load_id: int = 0

    @property
    def inserted(self) -> int:
        return sum(c.inserted for c in self.changes.values())

    @property
    def retired(self) -> int:
        return sum(c.retired for c in self.changes.values())


def connect_for_writing(db_path: Path) -> duckdb.DuckDBPyConnection:
    if not db_path.exists():
        raise DatabaseError(f"no Lazos database at {db_path}: run `lazos build` first")
    try:
        con = duckdb.connect(str(db_path))
    except duckdb.IOException as exc:
        raise DatabaseError(
            f"cannot open {db_path} for writing: it is in use by another process"
        ) from exc
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    return con


def resolver_from(con: duckdb.DuckDBPyConnection) -> EntityResolver:
    """The shared resolver over the database's current countries and aliases (built lazily)."""
    return EntityResolver(
        lambda: con.execute(
            """
        SELECT unnest([iso3, iso2, name_en, name_es, name_pt, name_zh]), iso3
        FROM country WHERE retired_at IS NULL
        UNION ALL SELECT alias, iso3 FROM country_alias WHERE retired_at IS NULL
        """
        ).fetchall()
    )


def import_files(
    db_path: str | Path,
    source: str,
    paths: list[str | Path],
    *,
    vintage: str | None = None,
    encoding: str | None = None,
    progress: Callable[[str], None] | None = None,
    options: dict | None = None,
) -> ImportReport:
    """Import raw files of one dataset into the database at ``db_path``."""
    mod = connector(source)
    files = [Path(p) for p in paths]
    con = connect_for_writing(Path(db_path))
    try:
        migrate(con)
        now = datetime.now(UTC).replace(tzinfo=None)
        con.execute("BEGIN TRANSACTION")
        try:
            load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_run").fetchall()[
                0
            ][0]
            con.execute(
                "INSERT INTO load_run VALUES (?, 'import', ?, NULL, ?, NULL)",
                [load_id, now, f"{source}: " + ", ".join(str(f) for f in files)],
            )
            staging = Staging(con)
            ctx = Context(
                con,
                resolver_from(con),
                now,
                vintage=vintage,
                encoding=encoding,
                progress=progress or (lambda message: None),
                options=options or {},
            )
            read = []
            for path in files:
                ctx.progress(f"reading {path.name}")
                read.append(mod.stage(path, staging, ctx))
            if hasattr(mod, "finish"):
                mod.finish(staging, ctx)
            ctx.progress("checking")
            errors = staging.check()
            if errors:
                raise ValidationError(errors)
            ctx.progress("writing")
            changes = apply(con, staging, load_id, now)
            con.execute(
                "UPDATE load_run SET finished_at = ? WHERE load_id = ?",
                [datetime.now(UTC).replace(tzinfo=None), load_id],
            )
            staging.drop()
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
        finally:
            for path in ctx.cleanup if "ctx" in locals() else []:
                path.unlink(missing_ok=True)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return ImportReport(source, [str(f) for f in files], read, changes, staging.skipped, load_id)
