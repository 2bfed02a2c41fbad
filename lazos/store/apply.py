"""Writing staged rows into the store without losing history.

For each resource, staged rows are compared with the current rows they concern:

* a current row whose key is staged with different values is **retired** (its
  ``retired_at`` set) and the new version **inserted**;
* for fact resources (events, projects and their parts, observations), a current row whose
  source is being re-imported but which the new import no longer contains is **retired**:
  the publisher withdrew it, and the old version stays readable as recorded;
* a staged row identical to a current row changes nothing, so re-importing the same file
  is a no-op;
* reference resources (sources, countries, aliases, code lists) are only added or
  updated, never retired by an import.

Everything happens inside the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from lazos.store.keys import assign_source_keys, key_case
from lazos.store.resources import Resource, all_resources
from lazos.store.staging import Staging


@dataclass
class Changes:
    inserted: int = 0
    retired: int = 0


def _same_key(res: Resource, left: str, right: str) -> str:
    """Match rows of two relations in the stored table's columns on the resource's key."""
    return " AND ".join(
        f'{left}."{res.stored_column(k)}" IS NOT DISTINCT FROM {right}."{res.stored_column(k)}"'
        for k in res.primary_key
    )


def _run_reading_staged(
    con: duckdb.DuckDBPyConnection, staging: Staging, sql: str, params: list | None = None
) -> duckdb.DuckDBPyConnection:
    """Run a statement that reads staged relations; a connector's own error comes out located."""
    try:
        return con.execute(sql, params or [])
    except duckdb.Error as exc:
        located = staging.explain(exc)
        if located is None:
            raise
        raise located from exc


def apply(con: duckdb.DuckDBPyConnection, staging: Staging, load_id: int, now: datetime) -> dict[str, Changes]:
    """Write every staged resource; returns what changed per resource.

    Rows are compared in the stored table's own columns (source and term keys, where the
    resource stores keys), so millions of incoming observations are never joined back to
    their texts.
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE _import_sources AS {staging.source_ids()}")
    staged_rows = staging.table_counts()
    out: dict[str, Changes] = {}
    for res in all_resources():
        changes = out[res.name] = Changes()
        incoming = staged_rows[res.name] > 0 or staging.has_relations(res.name)
        if not incoming and res.reference:
            continue
        stored = res.stored_columns()
        cols = ", ".join(f'"{c}"' for c in stored)
        if incoming:
            key = key_case(con, "SELECT source_id FROM _import_sources", "r.source_id") if res.source_key else None
            values = ", ".join(
                f"{key} AS source_key" if key and c == "source_id" else f'r."{c}"' for c in res.encoded_columns()
            )
            relation = staging.encoded_relation(res.name)
            con.execute(f"CREATE OR REPLACE TEMP VIEW _incoming AS SELECT {values} FROM ({relation}) r")
        in_scope = f"EXISTS (SELECT 1 FROM _incoming i WHERE {_same_key(res, 'i', 't')})"
        if not res.reference:
            importing = "SELECT source_id FROM _import_sources"
            owned = (
                f"t.source_key IN (SELECT source_key FROM source WHERE source_id IN ({importing}))"
                if res.source_key
                else f"t.source_id IN ({importing})"
            )
            in_scope = owned if "source_id" in res.primary_key or not incoming else f"({owned} OR {in_scope})"
        scope = f"SELECT {cols} FROM {res.table} t WHERE t.retired_at IS NULL AND {in_scope}"
        has_scope = con.execute(f"SELECT count(*) FROM ({scope} LIMIT 1)").fetchall()[0][0] > 0
        if has_scope:
            retiring = f"SELECT * FROM ({scope}) EXCEPT SELECT {cols} FROM _incoming" if incoming else scope
            _run_reading_staged(con, staging, f"CREATE OR REPLACE TEMP TABLE _retire AS {retiring}")
            changes.retired = con.execute(
                f"UPDATE {res.table} t SET retired_at = ? WHERE t.retired_at IS NULL AND "
                f"EXISTS (SELECT 1 FROM _retire r WHERE {_same_key(res, 'r', 't')})",
                [now],
            ).fetchall()[0][0]
        if incoming:
            new_rows = f"SELECT {cols} FROM _incoming" + (f" EXCEPT ({scope})" if has_scope else "")
            changes.inserted = _run_reading_staged(
                con,
                staging,
                f"INSERT INTO {res.table} ({cols}, retired_at, load_id) SELECT {cols}, NULL, ? FROM ({new_rows})",
                [load_id],
            ).fetchall()[0][0]
        if res.name == "sources":
            assign_source_keys(con)
    con.execute("DROP VIEW IF EXISTS _incoming")
    con.execute("DROP TABLE IF EXISTS _retire")
    con.execute("DROP TABLE IF EXISTS _import_sources")
    return out
