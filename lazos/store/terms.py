"""The dictionary of observation terms: entity, partner, indicator and period texts as keys.

Observations repeat a few thousand codes and years over millions of rows; the store keeps
each distinct text once in ``observation_term`` and the rows refer to it by an integer key
(schema 6). A term keeps its key for ever: terms are only added, inside the transaction of
the import that first needs them, so a failed import adds none.

Connectors staging millions of rows ask for keys up front (:func:`term_keys`) and stage
rows that already carry them; everything else goes through :func:`encode` (texts to keys)
and :func:`decode` (keys to texts), which are joins on the dictionary.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pyarrow as pa

from lazos.store.resources import Resource

TERM_TABLE = "observation_term"


def intern(con: duckdb.DuckDBPyConnection, values_sql: str) -> None:
    """Add the texts that ``values_sql`` (a one-column SELECT) yields and the dictionary lacks."""
    con.execute(
        f"""
        INSERT INTO {TERM_TABLE}
        SELECT (SELECT coalesce(max(term_key), 0) FROM {TERM_TABLE})
               + CAST(row_number() OVER (ORDER BY t) AS INTEGER), t
        FROM (SELECT DISTINCT t FROM ({values_sql}) v(t)
              WHERE t IS NOT NULL AND t NOT IN (SELECT term FROM {TERM_TABLE}))
        """
    )


def term_keys(con: duckdb.DuckDBPyConnection, texts: Iterable[str]) -> dict[str, int]:
    """The key of each text, adding the new ones to the dictionary."""
    wanted = pa.table({"t": pa.array(sorted(set(texts)), pa.string())})
    con.register("_wanted_terms", wanted)
    try:
        intern(con, "SELECT t FROM _wanted_terms")
        rows = con.execute(
            f"SELECT d.term, d.term_key FROM _wanted_terms w JOIN {TERM_TABLE} d ON d.term = w.t"
        ).fetchall()
    finally:
        con.unregister("_wanted_terms")
    return dict(rows)


def intern_columns(con: duckdb.DuckDBPyConnection, res: Resource, relation_sql: str) -> None:
    """Add every term of a relation with the resource's text columns."""
    if res.term_keys:
        intern(con, " UNION ".join(f'SELECT "{c}" FROM ({relation_sql})' for c in res.term_keys))


def encode(res: Resource, relation_sql: str, keep: tuple[str, ...] = ()) -> str:
    """SQL giving a relation's rows (text columns) with terms as keys; its terms must be interned.

    ``keep`` names further columns of the relation to pass through (a version's load_id...).
    """
    return _through_dictionary(res, relation_sql, to_keys=True, keep=keep)


def decode(res: Resource, relation_sql: str) -> str:
    """SQL giving a relation's rows (terms as keys) with their texts."""
    return _through_dictionary(res, relation_sql, to_keys=False)


def _through_dictionary(res: Resource, relation_sql: str, *, to_keys: bool, keep: tuple[str, ...] = ()) -> str:
    if not res.term_keys:
        return relation_sql
    given, wanted = ("term", "term_key") if to_keys else ("term_key", "term")
    select = ", ".join(
        [
            f'_t_{c}.{wanted} AS "{res.encoded_column(c) if to_keys else c}"' if c in res.term_keys else f'_r."{c}"'
            for c in res.db_columns()
        ]
        + [f'_r."{c}"' for c in keep]
    )
    joins = " ".join(
        f'LEFT JOIN {TERM_TABLE} _t_{c} ON _t_{c}.{given} = _r."{c if to_keys else res.encoded_column(c)}"'
        for c in res.term_keys
    )
    return f"SELECT {select} FROM ({relation_sql}) _r {joins}"
