"""Schema migrations: numbered SQL files in store/migrations, applied in order, once each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources as importlib_resources

import duckdb

from lazos.errors import DatabaseError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available() -> list[Migration]:
    folder = importlib_resources.files("lazos.store").joinpath("migrations")
    out = []
    for entry in folder.iterdir():
        m = _NAME.match(entry.name)
        if m:
            out.append(Migration(int(m.group(1)), m.group(2), entry.read_text("utf-8")))
    out.sort(key=lambda m: m.version)
    versions = [m.version for m in out]
    if versions != list(range(1, len(out) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {versions}")
    return out


def latest_version() -> int:
    return available()[-1].version


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of a database: 0 when it has no Lazos schema yet."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migration'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migration").fetchall()[0][0]


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None) -> list[int]:
    """Apply pending migrations (up to ``target``, default all), each in its own transaction.

    Returns the versions applied.
    """
    done = current_version(con)
    applied = []
    for m in available():
        if m.version <= done or (target is not None and m.version > target):
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(m.sql)
            con.execute(
                "INSERT INTO schema_migration VALUES (?, ?, ?)",
                [m.version, m.name, datetime.now(UTC).replace(tzinfo=None)],
            )
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise DatabaseError(
                f"migration {m.version} ({m.name}) failed, the database is unchanged: {str(exc).splitlines()[0]}"
            ) from exc
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(m.version)
    return applied
