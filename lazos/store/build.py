"""``lazos build``: a database from a data package, without losing what the user added.

What a build does depends on what is at the target:

* **nothing** (or no Lazos database, or only built data): a fresh database is written beside
  the target under a temporary name, checked, and only then renamed over the target (an
  atomic rename on POSIX). A failure at any point — invalid data, a full disk, Ctrl-C, a
  killed process — leaves the previous database exactly as it was;
* **a database built from the same package**: nothing to do, it is up to date;
* **a database holding the user's data** (imports, fetches, ingested documents, saved
  analyses) and a different package: the package is applied in place as a new build load
  (store.refresh), in one transaction, keeping every row the user added;
* **a complete export** (``lazos export``, with its history): the database is restored as it
  was exported, loads, retired versions and saved analyses included. Over a database holding
  data the export lacks, the build refuses and says what would be lost.

``replace=True`` (``lazos build --replace``) always writes a fresh database, discarding
whatever the target held.
"""

from __future__ import annotations

import contextlib
import glob
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from lazos.errors import DatabaseError, LazosError
from lazos.paths import embedded_data_dir
from lazos.results import Result
from lazos.store.apply import Changes
from lazos.store.keys import assign_source_keys
from lazos.store.migrations import current_version, latest_version, migrate
from lazos.store.package import Package, read_package
from lazos.store.refresh import USER_LOADS, RefreshConflict, refresh
from lazos.store.resources import Resource, all_resources, history_resources
from lazos.store.terms import encode, intern_columns

# DuckDB may use at most this much memory for a refresh in place; larger work spills to disk.
MEMORY_LIMIT = "512MB"
MAX_LISTED = 8


@dataclass(frozen=True)
class BuildReport(Result):
    """What a build did: its action, the rows of each resource, and what changed."""

    db_path: Path
    package_path: Path
    rows: dict[str, int]
    input_hash: str
    # built (a fresh database), restored (from a complete export), refreshed (in place,
    # keeping the user's data) or up-to-date (nothing done)
    action: str = "built"
    changes: dict[str, Changes] = field(default_factory=dict)


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the temporary files (and their WAL) of builds of ``target`` whose process died
    (killed, or the machine stopped); a build still running keeps its files."""
    prefix = f".{target.name}.building-"
    removed = []
    for name in glob.glob(glob.escape(str(target.parent / prefix)) + "*"):
        path = Path(name)
        pid = path.name[len(prefix) :].removesuffix(".wal")
        if pid.isdigit() and (int(pid) == os.getpid() or not _alive(int(pid))):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            removed.append(path)
    return removed


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


# ---------------------------------------------------------------- loading a package


def _versions(con: duckdb.DuckDBPyConnection, res: Resource, package: Package, load_id: int) -> str:
    """SQL for every version of a resource's rows, with load_id and retired_at (registered
    relations _current and _versions)."""
    con.register("_current", package.tables[res.name])
    current = f"SELECT *, {int(load_id)} AS load_id, CAST(NULL AS TIMESTAMP) AS retired_at FROM _current c"
    if package.history is None:
        return current
    con.register("_versions", package.history[f"{res.name}_history"])
    same = " AND ".join(f'v."{k}" IS NOT DISTINCT FROM c."{k}"' for k in res.primary_key)
    # A current row the history lists (with its own load) is taken from there.
    return (
        f"{current} WHERE NOT EXISTS (SELECT 1 FROM _versions v WHERE v.retired_at IS NULL AND {same}) "
        "UNION ALL SELECT * FROM _versions"
    )


def load_package(con: duckdb.DuckDBPyConnection, package: Package, load_id: int) -> dict[str, int]:
    """Insert every resource of a validated package: its rows as current rows of ``load_id``, or,
    for a complete export, every version with its own load (the main rows of the first build)."""
    counts = {}
    base = package.base_load if package.history is not None else load_id
    for res in all_resources():
        stored = res.stored_columns()
        values = ["k.source_key" if c == "source_key" else f'i."{c}"' for c in stored]
        join = (
            " JOIN (SELECT DISTINCT source_id, source_key FROM source) k ON k.source_id = i.source_id"
            if res.source_key
            else ""
        )
        try:
            relation = _versions(con, res, package, base)
            intern_columns(con, res, relation)
            con.execute(
                f"INSERT INTO {res.table} ({', '.join(stored)}, retired_at, load_id) "
                f"SELECT {', '.join(values)}, i.retired_at, i.load_id "
                f"FROM ({encode(res, relation, keep=('load_id', 'retired_at'))}) i{join}"
            )
        finally:
            con.unregister("_current")
            with contextlib.suppress(duckdb.Error):
                con.unregister("_versions")
        if res.name == "sources":
            assign_source_keys(con)
        counts[res.name] = package.tables[res.name].num_rows
    return counts


def _restore_history(con: duckdb.DuckDBPyConnection, package: Package) -> None:
    """The loads and saved analyses of a complete export, as they were."""
    assert package.history is not None
    for res in history_resources():
        if res.versions_of:
            continue
        con.register("_history", package.history[res.name])
        try:
            cols = ", ".join(f'"{c}"' for c in res.field_names)
            con.execute(f"INSERT INTO {res.table} ({cols}) SELECT {cols} FROM _history")
        finally:
            con.unregister("_history")


def _fresh(target: Path, source: Path, package: Package) -> BuildReport:
    """Write a new database beside the target and rename it over the target."""
    tmp = target.with_name(f".{target.name}.building-{os.getpid()}")
    _remove(tmp)
    now = datetime.now(UTC).replace(tzinfo=None)
    con = duckdb.connect(str(tmp))
    try:
        migrate(con)
        con.execute("BEGIN TRANSACTION")
        if package.history is None:
            con.execute(
                "INSERT INTO load_run VALUES (1, 'build', ?, NULL, ?, ?)", [now, str(source), package.input_hash]
            )
        else:
            _restore_history(con, package)
        counts = load_package(con, package, 1)
        if package.history is None:
            con.execute(
                "UPDATE load_run SET finished_at = ? WHERE load_id = 1", [datetime.now(UTC).replace(tzinfo=None)]
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
    action = "built" if package.history is None else "restored"
    return BuildReport(target, source, counts, package.input_hash, action)


# ---------------------------------------------------------------- an existing database


def _open_existing(target: Path) -> duckdb.DuckDBPyConnection | None:
    """The target opened for writing, or None when it is not a DuckDB file (a build replaces it)."""
    try:
        con = duckdb.connect(str(target))
    except duckdb.IOException as exc:
        raise DatabaseError(f"cannot replace {target}: it is in use by another process ({exc})") from exc
    except duckdb.Error:
        return None
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    return con


def user_data(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What the user added to a database (empty when it holds built data only), in words."""
    out = []
    docs, claims = con.execute(
        f"SELECT (SELECT count(*) FROM document WHERE retired_at IS NULL AND load_id IN ({USER_LOADS})), "
        f"(SELECT count(*) FROM claim WHERE retired_at IS NULL AND load_id IN ({USER_LOADS}))"
    ).fetchall()[0]
    if docs:
        out.append(f"{docs} ingested document(s) with {claims} claim(s)")
    loads = con.execute(
        "SELECT kind, detail, started_at FROM load_run WHERE kind <> 'build' "
        "AND coalesce(detail, '') NOT LIKE 'documents:%' ORDER BY load_id"
    ).fetchall()
    shown = [f"{kind} of {detail} on {started:%Y-%m-%d %H:%M}" for kind, detail, started in loads[:MAX_LISTED]]
    if len(loads) > MAX_LISTED:
        shown.append(f"{len(loads) - MAX_LISTED} more")
    if loads:
        out.append(f"{len(loads)} import(s) and fetch(es): " + ", ".join(shown))
    runs = con.execute("SELECT count(*) FROM analysis_run").fetchall()[0][0]
    if runs:
        out.append(f"{runs} saved analysis run(s)")
    return out


def _kept_by(con: duckdb.DuckDBPyConnection, package: Package) -> bool:
    """Whether a complete export holds every load and saved run of the database (restoring it
    then loses nothing: e.g. the database it was exported from)."""
    assert package.history is not None
    loads = {(r["load_id"], r["kind"], r["started_at"]) for r in package.history["load_runs"].to_pylist()}
    runs = {(r["run_id"], r["results_sha256"]) for r in package.history["analysis_runs"].to_pylist()}
    return (
        set(con.execute("SELECT load_id, kind, started_at FROM load_run").fetchall()) <= loads
        and set(con.execute("SELECT run_id, results_sha256 FROM analysis_run").fetchall()) <= runs
    )


def _would_lose(target: Path, source: Path, what: list[str], why: str) -> LazosError:
    return LazosError(
        f"{why}, and the database at {target} holds data that would be lost: {'; '.join(what)}. "
        f"Nothing was changed. To keep it, build into another file (--db), or first save a complete copy "
        f"with `lazos export DIR --db {target}`; `lazos build --replace` discards it"
    )


def _refresh_in_place(
    con: duckdb.DuckDBPyConnection, target: Path, source: Path, package: Package, what: list[str]
) -> BuildReport:
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_run").fetchall()[0][0]
        con.execute(
            "INSERT INTO load_run VALUES (?, 'build', ?, NULL, ?, ?)", [load_id, now, str(source), package.input_hash]
        )
        changes = refresh(con, package, load_id, now)
        con.execute(
            "UPDATE load_run SET finished_at = ? WHERE load_id = ?", [datetime.now(UTC).replace(tzinfo=None), load_id]
        )
        con.execute("COMMIT")
    except RefreshConflict as exc:
        con.execute("ROLLBACK")
        raise _would_lose(target, source, what, f"the package {source} cannot refresh this database: {exc}") from exc
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    con.execute("CHECKPOINT")
    counts = {res.name: package.tables[res.name].num_rows for res in all_resources()}
    return BuildReport(target, source, counts, package.input_hash, "refreshed", changes)


def _on_existing(target: Path, source: Path, package: Package) -> BuildReport | None:
    """Handle a build over an existing database; None when a fresh build should replace it."""
    con = _open_existing(target)
    if con is None:
        return None
    try:
        version = current_version(con)
        if version == 0:
            tables = con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()
            if tables:
                names = ", ".join(t[0] for t in tables[:MAX_LISTED])
                raise LazosError(
                    f"{target} is a DuckDB database but not a Lazos one (it holds {names}): building would "
                    "replace it. Choose another --db, or `lazos build --replace` to replace it"
                )
            return None
        if version > latest_version():
            what = [f"data of a newer Lazos (schema version {version})"]
            raise _would_lose(target, source, what, "this Lazos cannot read the database")
        migrate(con)  # an older schema is upgraded in place first (its content is kept), as `lazos migrate` does
        what = user_data(con)
        if package.history is not None:
            if what and not _kept_by(con, package):
                raise _would_lose(target, source, what, f"restoring the export {source} replaces the whole database")
            return None
        built = con.execute(
            "SELECT input_hash, started_at FROM load_run WHERE kind = 'build' ORDER BY load_id DESC LIMIT 1"
        ).fetchall()
        if built and built[0][0] == package.input_hash:
            counts = {res.name: package.tables[res.name].num_rows for res in all_resources()}
            return BuildReport(target, source, counts, package.input_hash, "up-to-date")
        if not what:
            return None
        return _refresh_in_place(con, target, source, package, what)
    finally:
        con.close()


def build(db_path: str | Path, package_path: str | Path | None = None, *, replace: bool = False) -> BuildReport:
    """Build the database at ``db_path`` from a data package (the embedded one by default).

    An existing database keeps the user's imports, documents and saved analyses (see the
    module's docstring); ``replace=True`` discards them and builds afresh.
    """
    target = Path(db_path).expanduser().resolve()
    source = Path(package_path).expanduser() if package_path else embedded_data_dir()
    package = read_package(source)  # raises ValidationError before anything is touched
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    if target.exists() and not replace:
        report = _on_existing(target, source, package)
        if report is not None:
            return report
    return _fresh(target, source, package)
