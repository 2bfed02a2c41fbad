"""Refreshing the built data of a database in place, keeping what the user added.

A database holds rows of two owners: the **build** (the data package `lazos build` read) and
the **user** (`lazos import`, `lazos fetch`, `lazos ingest`, `lazos analyses save`). A new
package — a newer Lazos with newer embedded data, or `--from` another package — is applied as
a new build load, like an import (store.apply), but scoped to the build's rows:

* a source is the user's when a user load wrote or withdrew a fact citing it, or its source
  row; rows citing it (its indicators too) are never touched, and the package's are left out;
* a key whose current version was written by a user load keeps that version (the user's
  import is newer than the data the package was made from); the package's row is left out;
* every other current row is the build's: it is retired when the new package no longer holds
  it as it is, and the package's new or changed rows are inserted;
* nothing is deleted: retired versions stay readable as recorded (``recorded_as_of``).

Everything happens inside the caller's transaction; when the result would leave a user's row
referring to a row the package dropped, :class:`RefreshConflict` is raised and the caller
rolls back.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from lazos.errors import LazosError
from lazos.store.apply import Changes
from lazos.store.keys import assign_source_keys
from lazos.store.package import Package
from lazos.store.resources import Resource, all_resources
from lazos.store.terms import encode, intern_columns

USER_LOADS = "SELECT load_id FROM load_run WHERE kind <> 'build'"
MAX_SHOWN = 5


class RefreshConflict(LazosError):
    """The package drops rows that the user's data still refers to."""


def _key_match(res: Resource, left: str, right: str) -> str:
    return " AND ".join(
        f'{left}."{res.stored_column(k)}" IS NOT DISTINCT FROM {right}."{res.stored_column(k)}"'
        for k in res.primary_key
    )


def _cites_source(res: Resource, alias: str) -> str:
    """SQL: the row ``alias`` cites one of the user's sources (table _user_sources)."""
    if res.source_key:
        return (
            f"{alias}.source_key IN (SELECT source_key FROM source WHERE source_key IS NOT NULL "
            "AND source_id IN (SELECT source_id FROM _user_sources))"
        )
    return f"{alias}.source_id IN (SELECT source_id FROM _user_sources)"


def user_sources_sql() -> str:
    """Sources that a user load wrote or withdrew a row of (a withdrawal is stamped with the
    start of the load that made it)."""
    by_user = (
        f"(t.load_id IN ({USER_LOADS}) OR t.retired_at IN (SELECT started_at FROM load_run WHERE kind <> 'build'))"
    )
    parts = []
    for res in all_resources():
        if res.reference and res.name != "sources":
            continue
        if res.source_key:
            parts.append(
                f"SELECT s.source_id FROM {res.table} t JOIN (SELECT DISTINCT source_id, source_key FROM source) s "
                f"ON s.source_key = t.source_key WHERE {by_user}"
            )
        else:
            parts.append(f"SELECT t.source_id FROM {res.table} t WHERE {by_user}")
    return " UNION ".join(parts)


def _owned_by_build(res: Resource, alias: str) -> str:
    """SQL: a current row of ``alias`` that the refresh may retire."""
    return f"{alias}.load_id NOT IN ({USER_LOADS}) AND NOT ({_cites_source(res, alias)})"


def refresh(con: duckdb.DuckDBPyConnection, package: Package, load_id: int, now: datetime) -> dict[str, Changes]:
    """Apply a package's rows as load ``load_id``, keeping every user row; returns the changes."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _user_sources AS {user_sources_sql()}")
    out: dict[str, Changes] = {}
    for res in all_resources():
        out[res.name] = _refresh_resource(con, res, package, load_id, now)
        if res.name == "sources":
            assign_source_keys(con)
    con.execute("DROP TABLE IF EXISTS _incoming")
    con.execute("DROP TABLE IF EXISTS _retire")
    con.execute("DROP TABLE IF EXISTS _user_sources")
    _check_references(con, out)
    return out


def _refresh_resource(
    con: duckdb.DuckDBPyConnection, res: Resource, package: Package, load_id: int, now: datetime
) -> Changes:
    stored = res.stored_columns()
    cols = ", ".join(f'"{c}"' for c in stored)
    values = ", ".join("k.source_key" if c == "source_key" else f'i."{c}"' for c in stored)
    join = (
        " JOIN (SELECT DISTINCT source_id, source_key FROM source) k ON k.source_id = i.source_id"
        if res.source_key
        else ""
    )
    scope = f"SELECT {cols} FROM {res.table} t WHERE t.retired_at IS NULL AND {_owned_by_build(res, 't')}"
    held = f"SELECT * FROM {res.table} h WHERE h.retired_at IS NULL AND NOT ({_owned_by_build(res, 'h')})"
    con.register("_package_rows", package.tables[res.name])
    try:
        intern_columns(con, res, "SELECT * FROM _package_rows")
        cites_user = "i.source_id IN (SELECT source_id FROM _user_sources)"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _incoming AS SELECT {values} "
            f"FROM ({encode(res, 'SELECT * FROM _package_rows')}) i{join} WHERE NOT ({cites_user})"
        )
    finally:
        con.unregister("_package_rows")
    # A key held by the user's current version keeps it.
    con.execute(f"DELETE FROM _incoming i WHERE EXISTS (SELECT 1 FROM ({held}) h WHERE {_key_match(res, 'h', 'i')})")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _retire AS SELECT * FROM ({scope}) EXCEPT SELECT {cols} FROM _incoming")
    retired = con.execute(
        f"UPDATE {res.table} t SET retired_at = ? WHERE t.retired_at IS NULL AND {_owned_by_build(res, 't')} "
        f"AND EXISTS (SELECT 1 FROM _retire r WHERE {_key_match(res, 'r', 't')})",
        [now],
    ).fetchall()[0][0]
    inserted = con.execute(
        f"INSERT INTO {res.table} ({cols}, retired_at, load_id) SELECT {cols}, NULL, ? FROM "
        f"(SELECT {cols} FROM _incoming EXCEPT SELECT {cols} FROM {res.table} t "
        f"WHERE t.retired_at IS NULL AND {_owned_by_build(res, 't')})",
        [load_id],
    ).fetchall()[0][0]
    return Changes(inserted=inserted, retired=retired)


def _check_references(con: duckdb.DuckDBPyConnection, changes: dict[str, Changes]) -> None:
    """Every current row still finds what it refers to (the package may drop a country, an
    indicator or a source that an import relies on)."""
    problems = []
    for res in all_resources():
        for fk in res.foreign_keys:
            if not (changes[res.name].inserted or changes[fk.resource].retired):
                continue
            target = next(r for r in all_resources() if r.name == fk.resource)
            match = " AND ".join(
                f't."{r}" IS NOT DISTINCT FROM s."{c}"' for c, r in zip(fk.fields, fk.reference, strict=True)
            )
            shown = ", ".join(f's."{c}"' for c in fk.fields)
            rows = con.execute(
                f"""
                SELECT DISTINCT [{shown}], s.source_id FROM {res.read_table} s
                WHERE s.retired_at IS NULL AND s."{fk.fields[0]}" IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM {target.read_table} t WHERE t.retired_at IS NULL AND {match})
                ORDER BY ALL LIMIT {MAX_SHOWN}
                """
            ).fetchall()
            noun = "country" if fk.resource == "countries" else fk.resource.rstrip("s").replace("_", " ")
            for value, source_id in rows:
                shown_value = value[0] if len(value) == 1 else tuple(value)
                problems.append(f"{res.name} of {source_id} refer to {noun} {shown_value!r}")
    if problems:
        raise RefreshConflict(
            "the new package no longer holds what your own data refers to (" + "; ".join(problems[:MAX_SHOWN]) + ")"
        )
