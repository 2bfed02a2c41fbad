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
from typing import Any

import duckdb

from lazos.errors import DatabaseError, LazosError, ValidationError
from lazos.results import Result
from lazos.sources.base import Context, connector, load_origins
from lazos.sources.entities import EntityResolver
from lazos.sources.rawfiles import remove_stale_copies
from lazos.store.apply import Changes, apply
from lazos.store.interrupt import interruptible
from lazos.store.migrations import migrate
from lazos.store.staging import Staging

# DuckDB may use at most this much memory for an import; larger work spills to disk.
MEMORY_LIMIT = "512MB"


@dataclass
class ImportReport(Result):
    """What an import did: the files read, what changed in each resource, and its load id."""

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
        raise DatabaseError(f"cannot open {db_path} for writing: it is in use by another process") from exc
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


Stager = Callable[[Staging, Context], str]


def run_import(
    db_path: str | Path,
    source: str,
    stagers: list[tuple[str, Stager]],
    *,
    kind: str = "import",
    vintage: str | None = None,
    encoding: str | None = None,
    progress: Callable[[str], None] | None = None,
    options: dict | None = None,
) -> ImportReport:
    """Stage, check and apply in one transaction; ``stagers`` are (label, stage) pairs.

    ``source`` names a dataset connector (lazos.sources) or, for documents, "documents".
    """
    dataset = connector(source) if source != "documents" else None
    labels = [label for label, _ in stagers]
    con = connect_for_writing(Path(db_path))
    remove_stale_copies(Path(db_path).parent)  # copies a killed import left beside the database
    ctx: Context | None = None
    try:
        migrate(con)
        now = datetime.now(UTC).replace(tzinfo=None)
        con.execute("BEGIN TRANSACTION")
        try:
            with interruptible(con):  # Ctrl-C stops DuckDB too, and the transaction rolls back
                load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_run").fetchall()[0][0]
                con.execute(
                    "INSERT INTO load_run VALUES (?, ?, ?, NULL, ?, NULL)",
                    [load_id, kind, now, f"{source}: " + ", ".join(labels)],
                )
                staging = Staging(con)
                ctx = Context(
                    con,
                    resolver_from(con),
                    now,
                    vintage=vintage,
                    encoding=encoding,
                    temp_dir=Path(db_path).parent,
                    progress=progress or (lambda message: None),
                    options={"origins": load_origins(), **(options or {})},
                )
                read = []
                for label, stage in stagers:
                    ctx.progress(f"reading {label}")
                    read.append(stage(staging, ctx))
                if dataset is not None:
                    dataset.finish(staging, ctx)
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
            for path in ctx.cleanup if ctx else []:
                path.unlink(missing_ok=True)
        # The import is committed: a Ctrl-C now only skips folding the log into the file
        # (DuckDB reports it as a RuntimeError), which the next open does instead.
        with contextlib.suppress(duckdb.InterruptException, RuntimeError):
            con.execute("CHECKPOINT")
    finally:
        con.close()
    return ImportReport(source, labels, read, changes, staging.skipped, load_id)


def import_files(
    db_path: str | Path,
    source: str,
    paths: list[str | Path],
    **options: Any,
) -> ImportReport:
    """Import raw files of one dataset into the database at ``db_path``."""
    dataset = connector(source)
    files = [Path(p) for p in paths]
    stagers = [(f.name, lambda staging, ctx, f=f: dataset.stage(f, staging, ctx)) for f in files]
    return run_import(db_path, source, stagers, **options)


def fetch(db_path: str | Path, source: str, request: dict[str, Any], **options: Any) -> ImportReport:
    """Download from a publisher's API and import the answer (``lazos fetch``)."""
    download = connector(source).fetch
    if download is None:
        raise LazosError(f"the {source} connector reads files only: use `lazos import {source} FILE`")
    label = f"{source} API: " + ", ".join(f"{k}={v}" for k, v in request.items() if v)
    return run_import(
        db_path,
        source,
        [(label, lambda staging, ctx: download.run(staging, ctx, **request))],
        kind="fetch",
        **options,
    )
