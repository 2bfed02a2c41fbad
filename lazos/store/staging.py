"""Staging: rows on their way into the store, checked before anything is written.

Connectors put what they read into a :class:`Staging`: one temporary table per resource in
the same DuckDB connection as the target (or an in-memory one for ``lazos snapshot``), each
row with the file and row it came from. Small connectors add Python rows, which are
validated cell by cell against resources.yaml; large ones add SQL that DuckDB runs
vectorised (they check their own input, and their rows are trusted). ``check()`` then
looks for duplicate keys and unknown references across the staged rows and the database,
and returns every problem with its location.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import duckdb
import pyarrow as pa

from lazos.errors import DataError
from lazos.store.package import ARROW_TYPES, convert_cell
from lazos.store.resources import Resource, all_resources, row_problems
from lazos.store.terms import decode, encode, intern_columns, term_keys

SQL_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
}
MAX_REPORTED = 50


def column_types(res: Resource) -> list[tuple[str, str]]:
    """(column, SQL type) for a resource's database columns (fuzzy dates are text)."""
    return [(f.name, "VARCHAR" if f.type == "fuzzy_date" else SQL_TYPES[f.type]) for f in res.fields]


class Staging:
    """Temporary tables, one per resource, plus trusted SQL relations added by connectors."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.errors: list[DataError] = []
        self.skipped: dict[str, int] = {}  # reason -> rows deliberately left out
        self._views: dict[str, list[str]] = {r.name: [] for r in all_resources()}
        self._sources: dict[str, dict[str, Any]] = {}
        self._relation_sources: set[str] = set()
        self._error_handlers: list[Callable[[duckdb.Error, duckdb.DuckDBPyConnection], Exception | None]] = []
        for res in all_resources():
            cols = ", ".join(f'"{c}" {t}' for c, t in column_types(res))
            con.execute(f"CREATE OR REPLACE TEMP TABLE staged_{res.name} ({cols}, _file VARCHAR, _row BIGINT)")

    # ------------------------------------------------------------------ adding rows

    def add_rows(self, resource: str, rows: Iterable[dict[str, Any]], file: str | None = None) -> int:
        """Validate Python rows (keys = field names; optional ``_row``) and stage them."""
        res = _resource(resource)
        good: list[dict[str, Any]] = []
        for i, row in enumerate(rows):
            if resource == "sources" and self._known_source(row, file):
                continue
            where = row.get("_row", i + 2)
            record: dict[str, Any] = {"_file": row.get("_file", file), "_row": where}
            ok = True
            for f in res.fields:
                value, problem = convert_cell(row.get(f.name), f)
                if problem:
                    kind = (
                        "missing-source"
                        if f.name == "source_id"
                        else ("invalid-date" if f.type == "fuzzy_date" else "invalid-value")
                    )
                    self.errors.append(DataError(kind, problem, record["_file"], where, f.name))
                    ok = False
                    continue
                if f.type == "fuzzy_date":
                    record[f.name] = value.text if value is not None and value.text else None
                else:
                    record[f.name] = value
            for field_name, problem in row_problems(res.name, record) if ok else []:
                self.errors.append(DataError("invalid-value", problem, record["_file"], where, field_name))
                ok = False
            if ok:
                good.append(record)
        if good:
            self._insert(res, good)
        return len(good)

    def _known_source(self, row: dict[str, Any], file: str | None) -> bool:
        """Sources may be staged by several connectors; the same id must mean the same source."""
        sid = row.get("source_id")
        clean = {k: v for k, v in row.items() if not k.startswith("_")}
        if sid in self._sources:
            if self._sources[sid] != clean:
                self.errors.append(
                    DataError(
                        "conflicting-source",
                        f"source {sid!r} is described two different ways",
                        file,
                        row.get("_row"),
                    )
                )
            return True
        self._sources[sid] = clean
        return False

    def _insert(self, res: Resource, records: list[dict[str, Any]]) -> None:
        types = {f.name: pa.string() if f.type == "fuzzy_date" else ARROW_TYPES[f.type] for f in res.fields}
        types.update({"_file": pa.string(), "_row": pa.int64()})
        schema = pa.schema(list(types.items()))
        table = pa.table({c: [r.get(c) for r in records] for c in schema.names}, schema=schema)
        self.con.register("_staged_batch", table)
        try:
            self.con.execute(f"INSERT INTO staged_{res.name} SELECT * FROM _staged_batch")
        finally:
            self.con.unregister("_staged_batch")

    def add_relation(
        self,
        resource: str,
        select_sql: str,
        sources: Iterable[str],
        on_error: Callable[[duckdb.Error, duckdb.DuckDBPyConnection], Exception | None] | None = None,
    ) -> None:
        """Stage a trusted SQL SELECT yielding the resource's encoded columns (large imports).

        Encoded columns are the database columns with terms as keys from :meth:`term_keys`
        (``entity_key`` for observations' ``entity``; see ``Resource.encoded_columns``).
        The connector has checked the input itself and names the sources its rows cite; the
        relation is read once, when applied. ``on_error`` turns an error raised while reading
        it (a bad value deep in a file) into a located error, or returns None if not its own.
        """
        self._views[resource].append(select_sql)
        self._relation_sources.update(sources)
        if on_error is not None:
            self._error_handlers.append(on_error)

    def term_keys(self, texts: Iterable[str]) -> dict[str, int]:
        """Keys of observation terms (codes, periods) for a relation, added if new."""
        return term_keys(self.con, texts)

    def explain(self, exc: duckdb.Error) -> Exception | None:
        """The located error a connector gives for a failure while reading its relation."""
        for handler in self._error_handlers:
            found = handler(exc, self.con)
            if found is not None:
                return found
        return None

    def source_ids(self) -> str:
        """SQL listing the source ids of every staged fact row (tables and relations)."""
        parts = [f"SELECT DISTINCT source_id FROM {t}" for t in self._fact_tables()]
        values = ", ".join("('" + s.replace("'", "''") + "')" for s in sorted(self._relation_sources))
        if values:
            parts.append(f"SELECT * FROM (VALUES {values}) v(source_id)")
        return " UNION ".join(parts)

    def _fact_tables(self) -> list[str]:
        return [f"staged_{r.name}" for r in all_resources() if not r.reference]

    def has_relations(self, resource: str) -> bool:
        return bool(self._views[resource])

    def skip(self, reason: str, count: int = 1) -> None:
        """Record rows deliberately left out (reported to the user, never silent)."""
        self.skipped[reason] = self.skipped.get(reason, 0) + count

    # ------------------------------------------------------------------ reading back

    def relation(self, resource: str) -> str:
        """SQL for every staged row of a resource (table rows and trusted relations)."""
        res = _resource(resource)
        cols = ", ".join(f'"{c}"' for c, _ in column_types(res))
        parts = [f"SELECT {cols} FROM staged_{res.name}"]
        parts += [f"SELECT {cols} FROM ({decode(res, sql)})" for sql in self._views[resource]]
        return " UNION ALL ".join(parts)

    def encoded_relation(self, resource: str) -> str:
        """SQL for every staged row with terms as keys, adding the rows' new terms first."""
        res = _resource(resource)
        table = f"SELECT {', '.join(f'{chr(34)}{c}{chr(34)}' for c in res.db_columns())} FROM staged_{res.name}"
        intern_columns(self.con, res, table)
        cols = ", ".join(f'"{c}"' for c in res.encoded_columns())
        parts = [f"SELECT {cols} FROM ({encode(res, table)})"]
        parts += [f"SELECT {cols} FROM ({sql})" for sql in self._views[resource]]
        return " UNION ALL ".join(parts)

    def table_counts(self) -> dict[str, int]:
        """Rows staged as Python rows, per resource (trusted relations are not counted)."""
        sql = " UNION ALL ".join(f"SELECT '{r.name}', count(*) FROM staged_{r.name}" for r in all_resources())
        return dict(self.con.execute(sql).fetchall())

    def count(self, resource: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM ({self.relation(resource)})").fetchall()[0][0]

    def rows(self, resource: str) -> list[dict[str, Any]]:
        """Staged rows keyed by field name (fuzzy dates as their text), in key order."""
        res = _resource(resource)
        names = res.field_names
        order = ", ".join(f'"{k}" NULLS FIRST' for k in res.primary_key)
        cursor = self.con.execute(
            f"SELECT {', '.join(f'{chr(34)}{n}{chr(34)}' for n in names)} FROM ({self.relation(resource)}) "
            f"ORDER BY {order}"
        )
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]

    # ------------------------------------------------------------------ checks

    def check(self, current: str = "retired_at IS NULL") -> list[DataError]:
        """Duplicate keys among staged rows, and references that exist neither staged nor stored."""
        errors = list(self.errors)
        counts = self.table_counts()
        for res in all_resources():
            table = f"staged_{res.name}"
            if not counts[res.name]:
                continue  # trusted relations were checked by their connector
            keys = ", ".join(f'"{k}"' for k in res.primary_key)
            dupes = self.con.execute(
                f"SELECT {keys}, list(_file ORDER BY _row)[1], list(_row ORDER BY _row) FROM {table} "
                f"GROUP BY ALL HAVING count(*) > 1 LIMIT {MAX_REPORTED}"
            ).fetchall()
            for d in dupes:
                key = dict(zip(res.primary_key, d[:-2], strict=True))
                rows = d[-1]
                errors.append(
                    DataError(
                        "duplicate-key",
                        f"duplicate key {key} (also at row {rows[0]})",
                        d[-2],
                        rows[1],
                    )
                )
            for fk in res.foreign_keys:
                target = _resource(fk.resource)
                match = " AND ".join(
                    f't."{r}" IS NOT DISTINCT FROM s."{c}"' for c, r in zip(fk.fields, fk.reference, strict=True)
                )
                shown = ", ".join(f's."{c}"' for c in fk.fields)
                missing = self.con.execute(
                    f"""
                    SELECT _file, _row, [{shown}] FROM {table} s
                    WHERE s."{fk.fields[0]}" IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM ({self.relation(target.name)}) t WHERE {match})
                      AND NOT EXISTS (SELECT 1 FROM {target.read_table} t WHERE t.{current} AND {match})
                    ORDER BY _file, _row LIMIT {MAX_REPORTED}
                    """
                ).fetchall()
                noun = "country" if fk.resource == "countries" else fk.resource.rstrip("s")
                for file, row, value in missing:
                    shown_value = value[0] if len(value) == 1 else tuple(value)
                    errors.append(
                        DataError(
                            "unknown-reference",
                            f"unknown {noun} {shown_value!r}",
                            file,
                            row,
                            fk.fields[0],
                        )
                    )
        return errors

    def drop(self) -> None:
        for res in all_resources():
            self.con.execute(f"DROP TABLE IF EXISTS staged_{res.name}")


def _resource(name: str) -> Resource:
    for res in all_resources():
        if res.name == name:
            return res
    raise KeyError(name)
