"""Integer keys of sources, for the tables that store them instead of source ids.

A source keeps one key for all its versions; new sources get the next free keys.
"""

from __future__ import annotations

import duckdb

from lazos.store.rawsql import literal


def assign_source_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Give every source row without a key the key of its source id (a new one if none)."""
    con.execute(
        """
        UPDATE source SET source_key = k.key
        FROM (
            SELECT n.source_id, coalesce(old.key, (SELECT coalesce(max(source_key), 0) FROM source)
                   + CAST(row_number() OVER (PARTITION BY old.key IS NULL ORDER BY n.source_id) AS INTEGER)) AS key
            FROM (SELECT DISTINCT source_id FROM source WHERE source_key IS NULL) n
            LEFT JOIN (SELECT source_id, max(source_key) AS key FROM source
                       WHERE source_key IS NOT NULL GROUP BY source_id) old USING (source_id)
        ) k
        WHERE source.source_id = k.source_id AND source.source_key IS NULL
        """
    )


def key_case(con: duckdb.DuckDBPyConnection, source_ids_sql: str, column: str) -> str:
    """A SQL CASE turning ``column`` (a source id) into its key, for the sources listed.

    A CASE over a handful of ids costs nothing per row, unlike a join on millions of rows.
    """
    pairs = con.execute(
        f"SELECT DISTINCT source_id, source_key FROM source WHERE source_id IN ({source_ids_sql})"
    ).fetchall()
    if not pairs:
        return "CAST(NULL AS INTEGER)"
    whens = " ".join(f"WHEN {literal(sid)} THEN {int(key)}" for sid, key in sorted(pairs))
    return f"CASE {column} {whens} END"
