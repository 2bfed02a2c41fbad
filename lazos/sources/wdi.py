"""Connector: World Bank World Development Indicators, in every layout the Bank publishes.

Layouts (detected from the file itself):

* ``bulk``: WDIData.csv, wide, one column per year, BOM, CRLF and a trailing comma;
* ``api``: the per-indicator download API_<code>_DS2_en_csv_v2_<n>.csv: the bulk layout after
  a 4-line preamble that gives the vintage ("Last Updated Date");
* ``databank``: a DataBank "Data Extract": ``2015 [YR2015]`` headers, ``..`` for missing
  values, and footer lines that give the vintage ("Last Updated: MM/DD/YYYY");
* ``datahub``: the datahub.io long mirror, ``Country Name,Country Code,Year,Value``, one file
  per indicator (the code comes from the file or folder name);
* ``series`` and ``country``: the bulk download's metadata (WDISeries.csv, WDICountry.csv)
  and the ``Metadata_Country_…`` companion of the API download;
* ``json``: World Bank API v2 responses (``[pagination, records]`` or a list of records).

The wide layouts are checked on a first pass over their identifying columns only (codes,
names, duplicates, the trailing column); the values are then read, unpivoted and written by
DuckDB in one streaming statement when the import is applied, so a 200 MB WDIData.csv is
never held in memory. Every value keeps the vintage of its file as its source's publication
date, so an older vintage stays answerable as of an earlier date.
"""

from __future__ import annotations

import csv
import re
import threading
from collections import Counter
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from lazos.errors import DataError, ValidationError
from lazos.sources.base import Connector, Context, Fetch, FetchOption, origin_of, raw_file_source
from lazos.sources.common import file_sha256, source_row
from lazos.sources.rawfiles import (
    check_final_line_break,
    fail,
    finite_number,
    head_lines,
    is_utf8,
    load_json_file,
    parse_csv_line,
    read_csv_sql,
    read_csv_text,
    read_text,
    scan_csv,
    sql_literal,
    transcode,
)
from lazos.store.staging import Staging

NAME = "wdi"
TITLE = "World Bank World Development Indicators"
DATASET = "wb-wdi"
LICENCE = "CC-BY-4.0"
HOME = "https://datacatalog.worldbank.org/search/dataset/0037712/World-Development-Indicators"
ID_COLUMNS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
DATABANK_ID_COLUMNS = ["Country Name", "Country Code", "Series Name", "Series Code"]
DATAHUB_COLUMNS = ["Country Name", "Country Code", "Year", "Value"]
_YEAR = re.compile(r"^\d{4}$")
_DATABANK_YEAR = re.compile(r"^(\d{4}) \[YR\1\]$")
_CODE = re.compile(r"^[A-Za-z0-9]+(\.[A-Za-z0-9]+)+$")
_NOT_FINITE = re.compile(r"lazos-not-finite\|(.*?)\|(.*?)\|(.*?)\|(.*?)\|")


@dataclass
class Scan:
    """A CSV's identifying columns in a temporary table, numbered, for checks and messages."""

    path: Path  # the file read (a UTF-8 copy when transcoded)
    original: Path  # the file as the user named it
    table: str
    columns: dict[str, str]  # every column of the file, with its type
    keep: list[str] | None = None  # the columns loaded (all when None)
    skip: int = 0
    first_row: int = 2
    nullstr: list[str] = field(default_factory=lambda: [""])
    numbered: bool = True  # large files number rows only when an error needs it
    values: list[str] | None = None  # value columns loaded as one list column, _values

    def load(self, con: duckdb.DuckDBPyConnection) -> int:
        return scan_csv(
            con,
            self.path,
            self.table,
            self.columns,
            skip=self.skip,
            nullstr=self.nullstr,
            first_row=self.first_row,
            keep=self.keep,
            numbered=self.numbered,
            values=self.values,
        )

    def source_sql(self) -> str:
        return read_csv_sql(self.path, self.columns, skip=self.skip, nullstr=self.nullstr)

    def row_of(self, con: duckdb.DuckDBPyConnection, where: str) -> int | None:
        """The first row matching ``where`` (an unnumbered scan re-reads the file to count)."""
        if not con.execute(f"SELECT count(*) FROM {self.table} WHERE {where}").fetchall()[0][0]:
            return None
        if self.numbered:
            return con.execute(f"SELECT min(_row) FROM {self.table} WHERE {where}").fetchall()[0][0]
        projection = ", ".join(f'"{c}"' for c in self.keep) if self.keep else "*"
        return con.execute(
            f"SELECT min(_row) FROM (SELECT (row_number() OVER () + {self.first_row - 1})::BIGINT AS _row, "
            f"{projection} FROM {self.source_sql()}) WHERE {where}"
        ).fetchall()[0][0]

    def require(self, con: duckdb.DuckDBPyConnection, column: str) -> None:
        row = self.row_of(con, f'"{column}" IS NULL')
        if row is not None:
            fail("missing-value", "a value is required", self.original, row, column)


# ---------------------------------------------------------------------------- units


@cache
def _unit_rules() -> list[tuple[re.Pattern[str], str]]:
    text = importlib_resources.files("lazos.sources").joinpath("reference/units.csv").read_text("utf-8")
    return [(re.compile(r["pattern"]), r["unit"]) for r in csv.DictReader(text.splitlines())]


def unit_from_name(name: str) -> str | None:
    """The unit a World Bank indicator name states, by the reviewed rules of units.csv."""
    for pattern, unit in _unit_rules():
        match = pattern.search(name)
        if match:
            return match.expand(unit)
    return None


# ---------------------------------------------------------------------------- layouts


def detect(path: Path) -> str:
    """Which WDI layout a file is in (raises a located error when it is none of them)."""
    if path.suffix.lower() == ".json":
        return "json"
    lines = head_lines(path)
    first = parse_csv_line(lines[0]) if lines else []
    if first[:2] == ["Data Source", "World Development Indicators"]:
        return "api"
    if first[:4] == ID_COLUMNS or (first[:2] == ID_COLUMNS[:2] and any(_YEAR.match(c) for c in first)):
        return "bulk"  # (a renamed or missing identifying column is then named by the check)
    if first[:4] == DATABANK_ID_COLUMNS:
        return "databank"
    if first[:4] == DATAHUB_COLUMNS:
        return "datahub"
    if first[:2] == ["Series Code", "Topic"]:
        return "series"
    if first[:1] == ["Country Code"] and ("Short Name" in first or "TableName" in first):
        return "country"
    fail(
        "unknown-layout",
        "not a World Development Indicators file: the header matches none of the bulk, API, "
        f"DataBank, datahub, metadata or JSON layouts (it starts {first[:4]})",
        path,
        1,
    )
    raise AssertionError  # unreachable


def stage(path: Path, staging: Staging, ctx: Context) -> str:
    """Stage one WDI file, whatever its layout."""
    original = path
    if not is_utf8(ctx.encoding):
        path = transcode(path, ctx.encoding, ctx.temp_dir)
        ctx.cleanup.append(path)  # read again when the import is applied
    layout = detect(path)
    if layout != "json":
        check_final_line_break(path, original)
    handler = {
        "bulk": _stage_wide,
        "api": _stage_wide,
        "databank": _stage_databank,
        "datahub": _stage_datahub,
        "series": _stage_series,
        "country": _stage_country,
        "json": _stage_json,
    }[layout]
    return handler(path, staging, ctx, layout, original)


def start_hash(path: Path) -> Future[str]:
    """Compute a large file's checksum on another thread while DuckDB reads it.

    The thread is a daemon: when Ctrl-C stops an import (even while the thread is being
    started), the process exits without waiting for it, where a pool's worker started at that
    moment was never told to stop and kept the process alive at exit.
    """
    future: Future[str] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(file_sha256(path))
        except BaseException as exc:
            future.set_exception(exc)

    threading.Thread(target=run, name=f"lazos-hash-{path.name}", daemon=True).start()
    return future


def _source(ctx: Context, original: Path, layout: str, vintage: str | None, label: str, **extra: Any) -> dict[str, Any]:
    origin = origin_of(ctx, original)
    digest = extra.pop("content_hash", None) or file_sha256(original)
    vintage = origin.get("published") or vintage or ctx.given_vintage()
    tag = extra.pop("tag", None)
    parts = ["wb-wdi", layout] + ([tag] if tag else []) + [vintage or "undated", digest[:8]]
    return raw_file_source(
        ctx,
        origin,
        source_id="-".join(p.lower().replace(".", "-") for p in parts),
        kind="dataset",
        title=f"World Development Indicators, {label} ({original.name})",
        publisher="World Bank",
        url=HOME,
        licence=LICENCE,
        published=vintage,
        content_hash=digest,
        dataset=DATASET,
        note=origin.get("note"),
    )


@dataclass
class EntityMap:
    """How a file's country codes become Lazos codes."""

    codes: dict[str, str]  # every code kept, with the Lazos ISO3 it stands for
    rows_excluded: int  # rows of codes left out on purpose

    def key_table(self, staging: Staging, ctx: Context) -> str:
        """A temporary table (code, entity_key) of the kept codes with their term keys."""
        keys = staging.term_keys(self.codes.values())
        return _pairs_table(ctx, "wdi_entity_keys", {code: keys[iso3] for code, iso3 in self.codes.items()})


def _pairs_table(ctx: Context, prefix: str, pairs: dict[str, int]) -> str:
    """A temporary table (code, key) from a dict, for a join on a file's code column."""
    table = ctx.temp_name(prefix)
    data = pa.table({"code": pa.array(list(pairs), pa.string()), "key": pa.array(list(pairs.values()), pa.int32())})
    ctx.con.register("_pairs", data)
    try:
        ctx.con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM _pairs")
    finally:
        ctx.con.unregister("_pairs")
    return table


def _entity_map(staging: Staging, ctx: Context, scan: Scan, code_col: str, name_col: str) -> EntityMap:
    """Resolve a file's country codes; unknown ones stop the import with their row.

    Codes that are Lazos ISO3 codes are matched in SQL; the others (names, variants, codes
    outside Lazos's scope) go through the shared resolver.
    """
    path = scan.original
    scan.require(ctx.con, code_col)
    rows = ctx.con.execute(
        f"""
        SELECT f.code, f.name, f.n, c.iso3
        FROM (SELECT "{code_col}" AS code, any_value("{name_col}") AS name, count(*) AS n
              FROM {scan.table} GROUP BY 1) f
        LEFT JOIN (SELECT iso3 FROM country WHERE retired_at IS NULL
                   UNION SELECT iso3 FROM staged_countries) c ON c.iso3 = f.code
        ORDER BY f.code
        """
    ).fetchall()
    codes, errors, count_excluded = {}, [], 0
    for code, name, count, iso3 in rows:
        if iso3 is not None:
            codes[code] = iso3
            continue
        found = ctx.resolver.classify(code)
        if found.unknown and name:
            by_name = ctx.resolver.classify(name)
            found = by_name if not by_name.unknown else found
        if found.iso3:
            codes[code] = found.iso3
        elif found.excluded:
            staging.skip(f"{path.name}: {found.excluded}", count)
            count_excluded += count
        else:
            errors.append(
                DataError(
                    "unknown-country",
                    f"unknown country {code!r} ({name}): add it to Lazos's countries, aliases or excluded "
                    "names (lazos/sources/reference)",
                    str(path),
                    scan.row_of(ctx.con, f'"{code_col}" = {sql_literal(code)}'),
                    code_col,
                )
            )
            if len(errors) >= 20:
                break
    if errors:
        raise ValidationError(errors)
    return EntityMap(codes, count_excluded)


def _stage_indicators(
    staging: Staging,
    ctx: Context,
    indicators: list[tuple[str, str | None]],
    path: Path,
    source_id: str,
) -> dict[str, str]:
    """Stage the file's indicators that Lazos does not know yet; returns every one's unit."""
    known = dict(ctx.con.execute("SELECT indicator, unit FROM indicator WHERE retired_at IS NULL").fetchall())
    known |= {r["indicator"]: r["unit"] for r in staging.rows("indicators")}
    units, new, errors = {}, [], []
    for code, name in indicators:
        if code in known:
            units[code] = known[code]
            continue
        if not name:
            errors.append(
                DataError(
                    "unknown-indicator",
                    f"indicator {code} is not known to Lazos and this file does not name it: import the "
                    "WDI series metadata (WDISeries.csv) first",
                    str(path),
                    None,
                    "Indicator Code",
                )
            )
            continue
        unit = unit_from_name(name)
        if unit is None:
            errors.append(
                DataError(
                    "unknown-unit",
                    f"cannot tell the unit of {code} from its name {name!r}: add a rule to "
                    "lazos/sources/reference/units.csv",
                    str(path),
                    None,
                    "Indicator Name",
                )
            )
            continue
        units[code] = known[code] = unit
        new.append(
            {
                "indicator": code,
                "name": name,
                "unit": unit,
                "topic": None,
                "description": None,
                "source_id": source_id,
            }
        )
    if errors:
        raise ValidationError(errors)
    staging.add_rows("indicators", new, str(path))
    return units


def _check_unique(ctx: Context, scan: Scan, keys: list[str]) -> None:
    cols = ", ".join(f'"{k}"' for k in keys)
    dupes = ctx.con.execute(
        f"SELECT {cols} FROM {scan.table} GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL LIMIT 5"
    ).fetchall()
    errors = []
    for d in dupes:
        where = " AND ".join(f'"{k}" = {sql_literal(v)}' for k, v in zip(keys, d, strict=True))
        first = scan.row_of(ctx.con, where)
        again = scan.row_of(ctx.con, f"{where} AND _row > {first}") if scan.numbered else None
        errors.append(
            DataError(
                "duplicate-key",
                f"{dict(zip(keys, d, strict=True))} appears twice (first at row {first})",
                str(scan.original),
                again,
            )
        )
    if errors:
        raise ValidationError(errors)


def _error_translator(scan: Scan) -> Any:
    """Turn an error raised while the relation is read (at apply time) into a located one.

    The import's transaction is aborted by then, so the row is found by re-reading the file
    on a separate, in-memory connection.
    """

    def translate(exc: duckdb.Error, con: duckdb.DuckDBPyConnection) -> ValidationError | None:
        match = _NOT_FINITE.search(str(exc))
        if match:
            tag, code, indicator, column = match.groups()
            if tag != str(scan.path):
                return None
            row = None
            if scan.keep:
                where = f'"{scan.keep[1]}" = {sql_literal(code)} AND "{scan.keep[3]}" = {sql_literal(indicator)}'
                with duckdb.connect() as fresh:
                    row = fresh.execute(
                        f"SELECT min(_row) FROM (SELECT (row_number() OVER () + {scan.first_row - 1})::BIGINT "
                        f"AS _row, * FROM {scan.source_sql()}) WHERE {where}"
                    ).fetchall()[0][0]
            return ValidationError(
                [DataError("invalid-value", "not a finite number (NaN or infinity)", str(scan.original), row, column)]
            )
        return None

    return translate


def _observations_sql(
    staging: Staging,
    ctx: Context,
    scan: Scan,
    periods: list[str],
    entities: EntityMap,
    code_col: str,
    indicators: list[str],
    source_id: str,
) -> str:
    """Long observations from the scanned wide rows (one per non-empty value), terms as keys.

    ``scan.values`` are the value columns, loaded as the list ``_values``; ``periods`` gives
    each one's period. Codes and periods become their term keys on the wide rows, before the
    values are unnested, and every value is checked finite as it is read.
    """
    assert scan.values is not None and len(periods) == len(scan.values)
    entity_keys = entities.key_table(staging, ctx)
    keys = staging.term_keys([*indicators, *periods])
    indicator_keys = _pairs_table(ctx, "wdi_indicator_keys", {code: keys[code] for code in indicators})
    period_keys = "[" + ", ".join(str(keys[p]) for p in periods) + "]"
    column_of = " ".join(f"WHEN {keys[p]} THEN {sql_literal(c)}" for p, c in zip(periods, scan.values, strict=True))
    column = f"CASE period_key {column_of} END"
    tag = sql_literal(f"lazos-not-finite|{scan.path}|")
    return f"""
        SELECT entity_key, CAST(NULL AS INTEGER) AS partner_key, indicator_key, period_key,
            CASE WHEN isfinite(value) THEN value
                 ELSE error({tag} || code || '|' || indicator || '|' || {column} || '|') END AS value,
            {sql_literal(source_id)} AS source_id
        FROM (SELECT e.key AS entity_key, i.key AS indicator_key, w."Country Code" AS code,
                     w."{code_col}" AS indicator, unnest({period_keys}) AS period_key, unnest(w._values) AS value
              FROM {scan.table} w
              JOIN {entity_keys} e ON e.code = w."Country Code"
              JOIN {indicator_keys} i ON i.code = w."{code_col}")
        WHERE value IS NOT NULL
    """


def _stage_wide(path: Path, staging: Staging, ctx: Context, layout: str, original: Path) -> str:
    """The bulk layout and the API download (the same columns after a 4-line preamble)."""
    lines = head_lines(path, 8)
    skip, vintage = 0, None
    if layout == "api":
        for cells in (parse_csv_line(line) for line in lines[:4]):
            if cells[:1] == ["Last Updated Date"] and len(cells) > 1:
                vintage = cells[1]
        skip = next((i for i, line in enumerate(lines) if parse_csv_line(line)[:4] == ID_COLUMNS), None)
        if skip is None:
            fail("missing-column", "no header row after the preamble", original, 5)
    header = parse_csv_line(lines[skip])
    missing = [c for c in ID_COLUMNS if c not in header]
    if missing:
        raise ValidationError(
            [DataError("missing-column", "the column is missing", str(original), skip + 1, c) for c in missing]
        )
    years = [h for h in header[4:] if _YEAR.match(h)]
    others = [h for h in header[4:] if not _YEAR.match(h)]
    if [h for h in others if h] or others[:-1]:
        bad = next(h for h in header[4:] if not _YEAR.match(h))
        fail(
            "extra-column",
            f"unexpected column {bad!r} (expected one column per year)",
            original,
            skip + 1,
            bad,
        )
    if not years:
        fail("missing-column", "no year columns", original, skip + 1)
    columns = {c: "VARCHAR" for c in ID_COLUMNS} | {y: "DOUBLE" for y in years}
    keep = [*ID_COLUMNS]
    if others:
        columns["_trailing"] = "VARCHAR"
        keep.append("_trailing")
    hashing = start_hash(original)
    scan = Scan(
        path,
        original,
        ctx.temp_name("wdi_ids"),
        columns,
        keep=keep,
        skip=skip,
        first_row=skip + 2,
        numbered=False,
        values=years,
    )
    rows = scan.load(ctx.con)
    if others:
        row = scan.row_of(ctx.con, "_trailing IS NOT NULL")
        if row is not None:
            fail("extra-cell", "a value after the last year column", original, row)
    scan.require(ctx.con, "Indicator Code")
    _check_unique(ctx, scan, ["Country Code", "Indicator Code"])
    source = _source(
        ctx,
        original,
        layout,
        vintage,
        "bulk download" if layout == "bulk" else "API download",
        content_hash=hashing.result(),
    )
    staging.add_rows("sources", [source], str(original))
    entities = _entity_map(staging, ctx, scan, "Country Code", "Country Name")
    indicators = ctx.con.execute(
        f'SELECT "Indicator Code", any_value("Indicator Name") FROM {scan.table} GROUP BY 1 ORDER BY 1'
    ).fetchall()
    _stage_indicators(staging, ctx, indicators, original, source["source_id"])
    relation = _observations_sql(
        staging, ctx, scan, years, entities, "Indicator Code", [c for c, _ in indicators], source["source_id"]
    )
    staging.add_relation("observations", relation, [source["source_id"]], _error_translator(scan))
    return (
        f"{original.name}: WDI {layout} layout, vintage {source['published'] or 'not stated'}, "
        f"{rows} series of {len(indicators)} indicator(s), {entities.rows_excluded} row(s) outside Lazos's scope"
    )


def _stage_databank(path: Path, staging: Staging, ctx: Context, layout: str, original: Path) -> str:
    header = parse_csv_line(head_lines(path, 1)[0])
    missing = [c for c in DATABANK_ID_COLUMNS if c not in header]
    if missing:
        raise ValidationError(
            [DataError("missing-column", "the column is missing", str(original), 1, c) for c in missing]
        )
    year_cols = [h for h in header[4:] if _DATABANK_YEAR.match(h)]
    extra = [h for h in header[4:] if h not in year_cols]
    if extra:
        fail(
            "extra-column",
            f"unexpected column {extra[0]!r} (expected 'YYYY [YRYYYY]')",
            original,
            1,
            extra[0],
        )
    columns = {c: "VARCHAR" for c in DATABANK_ID_COLUMNS} | {h: "DOUBLE" for h in year_cols}
    scan = Scan(
        path,
        original,
        ctx.temp_name("wdi_databank"),
        columns,
        keep=DATABANK_ID_COLUMNS,
        nullstr=["..", ""],
        values=year_cols,
    )
    scan.load(ctx.con)
    # The footer starts at the first blank row: "Data from database: …", "Last Updated: …".
    blank = " AND ".join(f'"{c}" IS NULL' for c in ["Country Code", "Series Name", "Series Code"])
    footer_start = scan.row_of(ctx.con, f'{blank} AND "Country Name" IS NULL')
    vintage = None
    if footer_start is not None:
        for (text,) in ctx.con.execute(
            f'SELECT "Country Name" FROM {scan.table} WHERE _row >= ? AND "Country Name" IS NOT NULL',
            [footer_start],
        ).fetchall():
            match = re.match(r"Last Updated: (\d{1,2})/(\d{1,2})/(\d{4})", text or "")
            if match:
                month, day, year = match.groups()
                vintage = f"{year}-{int(month):02d}-{int(day):02d}"
        ctx.con.execute(f"DELETE FROM {scan.table} WHERE _row >= ?", [footer_start])
    scan.require(ctx.con, "Series Code")
    _check_unique(ctx, scan, ["Country Code", "Series Code"])
    source = _source(ctx, original, layout, vintage, "DataBank extract")
    staging.add_rows("sources", [source], str(original))
    entities = _entity_map(staging, ctx, scan, "Country Code", "Country Name")
    indicators = ctx.con.execute(
        f'SELECT "Series Code", any_value("Series Name") FROM {scan.table} GROUP BY 1 ORDER BY 1'
    ).fetchall()
    _stage_indicators(staging, ctx, indicators, original, source["source_id"])
    relation = _observations_sql(
        staging,
        ctx,
        scan,
        [c[:4] for c in year_cols],
        entities,
        "Series Code",
        [c for c, _ in indicators],
        source["source_id"],
    )
    staging.add_relation("observations", relation, [source["source_id"]], _error_translator(scan))
    return (
        f"{original.name}: DataBank extract, vintage {vintage or 'not stated'}, "
        f"{entities.rows_excluded} rows outside scope"
    )


def _datahub_indicator(path: Path, ctx: Context) -> str:
    given = ctx.options.get("indicator")
    for candidate in (given, path.stem, path.parent.name):
        if candidate and _CODE.match(candidate):
            return candidate.upper()
    fail(
        "unknown-indicator",
        "cannot tell which indicator this long file holds: name the file after "
        "its code (e.g. ny.gdp.mktp.cd.csv) or give --indicator",
        path,
    )
    raise AssertionError


def _stage_datahub(path: Path, staging: Staging, ctx: Context, layout: str, original: Path) -> str:
    code = _datahub_indicator(original, ctx)
    header = parse_csv_line(head_lines(path, 1)[0])
    if header != DATAHUB_COLUMNS:
        extra = [h for h in header if h not in DATAHUB_COLUMNS] or [h for h in DATAHUB_COLUMNS if h not in header]
        fail(
            "extra-column" if len(header) > 4 else "missing-column",
            f"unexpected header at {extra[0]!r}",
            original,
            1,
            extra[0],
        )
    columns = {
        "Country Name": "VARCHAR",
        "Country Code": "VARCHAR",
        "Year": "INTEGER",
        "Value": "DOUBLE",
    }
    scan = Scan(path, original, ctx.temp_name("wdi_long"), columns)
    scan.load(ctx.con)
    scan.require(ctx.con, "Year")
    _check_unique(ctx, scan, ["Country Code", "Year"])
    row = scan.row_of(ctx.con, 'NOT isfinite("Value")')
    if row is not None:
        fail("invalid-value", "not a finite number (NaN or infinity)", original, row, "Value")
    source = _source(ctx, original, layout, None, f"datahub.io mirror of {code}", tag=code)
    staging.add_rows("sources", [source], str(original))
    entities = _entity_map(staging, ctx, scan, "Country Code", "Country Name")
    _stage_indicators(staging, ctx, [(code, None)], original, source["source_id"])
    entity_keys = entities.key_table(staging, ctx)
    years = [str(y) for (y,) in ctx.con.execute(f'SELECT DISTINCT "Year" FROM {scan.table} ORDER BY 1').fetchall()]
    keys = staging.term_keys([code, *years])
    period_keys = _pairs_table(ctx, "wdi_period_keys", {y: keys[y] for y in years})
    relation = f"""
        SELECT e.key AS entity_key, CAST(NULL AS INTEGER) AS partner_key, {keys[code]} AS indicator_key,
            p.key AS period_key, "Value" AS value, {sql_literal(source["source_id"])} AS source_id
        FROM {scan.table} w
        JOIN {entity_keys} e ON e.code = w."Country Code"
        JOIN {period_keys} p ON p.code = CAST(w."Year" AS VARCHAR)
        WHERE "Value" IS NOT NULL
    """
    staging.add_relation("observations", relation, [source["source_id"]])
    return f"{original.name}: datahub long layout of {code}, {entities.rows_excluded} rows outside scope"


def _dict_rows(path: Path, original: Path) -> list[tuple[int, dict[str, str]]]:
    """The numbered rows of a metadata file, as dicts (every row as wide as the header)."""
    try:
        header, records = read_csv_text(read_text(path), path)
    except ValidationError as exc:  # name the file the user gave, not its UTF-8 copy
        raise ValidationError([replace(e, file=str(original)) for e in exc.errors]) from exc
    return [(i, dict(zip(header, cells, strict=True))) for i, cells in records]


def _stage_series(path: Path, staging: Staging, ctx: Context, layout: str, original: Path) -> str:
    """WDISeries.csv: indicator names, units, topics and definitions."""
    rows = _dict_rows(path, original)
    source = _source(ctx, original, "series", None, "series metadata")
    staging.add_rows("sources", [source], str(original))
    out, errors = [], []
    for i, r in rows:
        code, name = (r.get("Series Code") or "").strip(), (r.get("Indicator Name") or "").strip()
        if not code:
            continue
        unit = (r.get("Unit of measure") or "").strip() or unit_from_name(name)
        if unit is None:
            errors.append(
                DataError(
                    "unknown-unit",
                    f"cannot tell the unit of {code} from {name!r}",
                    str(original),
                    i,
                    "Indicator Name",
                )
            )
            continue
        definition = (r.get("Short definition") or "").strip() or (r.get("Long definition") or "").strip()
        definition = re.sub(r"\s*[\r\n]+\s*", " ", definition)  # a line break inside a sentence is a space
        out.append(
            {
                "indicator": code,
                "name": name,
                "unit": unit,
                "topic": (r.get("Topic") or "").strip() or None,
                "description": definition or None,
                "source_id": source["source_id"],
                "_row": i,
            }
        )
    if errors:
        raise ValidationError(errors)
    staging.add_rows("indicators", out, str(original))
    return f"{original.name}: {len(out)} indicator definitions"


def _stage_country(path: Path, staging: Staging, ctx: Context, layout: str, original: Path) -> str:
    """WDICountry.csv or Metadata_Country_…csv: the Bank's names of each economy, as aliases."""
    rows = _dict_rows(path, original)
    source = _source(ctx, original, "country", None, "country metadata")
    staging.add_rows("sources", [source], str(original))
    kinds = dict(ctx.con.execute("SELECT iso3, kind FROM country WHERE retired_at IS NULL").fetchall())
    kinds |= {r["iso3"]: r["kind"] for r in staging.rows("countries")}
    aliases, seen = [], set()
    for i, r in rows:
        code = (r.get("Country Code") or "").strip()
        found = ctx.resolver.classify(code)
        if found.iso3 is None:
            if found.unknown:
                raise ValidationError(
                    [
                        DataError(
                            "unknown-country",
                            f"unknown country {code!r}",
                            str(original),
                            i,
                            "Country Code",
                        )
                    ]
                )
            staging.skip(f"{original.name}: {found.excluded}")
            continue
        if kinds.get(found.iso3) == "aggregate":
            continue  # the Bank's aggregate names would clash with Lazos's regions
        for col in ("Short Name", "Table Name", "Long Name", "TableName"):
            name = (r.get(col) or "").strip()
            if name and (name, found.iso3) not in seen and ctx.resolver.countries.try_resolve(name) in (None,):
                seen.add((name, found.iso3))
                aliases.append(
                    {
                        "alias": name,
                        "iso3": found.iso3,
                        "lang": "en",
                        "source_id": source["source_id"],
                        "_row": i,
                    }
                )
    staging.add_rows("country_aliases", aliases, str(original))
    return f"{original.name}: {len(aliases)} new name variants"


def _period(date: str) -> str | None:
    if re.fullmatch(r"\d{4}", date):
        return date
    match = re.fullmatch(r"(\d{4})M(\d{2})", date)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    match = re.fullmatch(r"(\d{4})Q([1-4])", date)
    if match:
        year, q = match.group(1), int(match.group(2))
        return f"{year}-{3 * q - 2:02d}/{year}-{3 * q:02d}"
    return None


def parse_api_json(payload: Any, label: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Split a World Bank API v2 body into (pagination, records); raise on its error shape."""
    if isinstance(payload, list) and payload and isinstance(payload[0], dict) and "message" in payload[0]:
        messages = payload[0]["message"]
        text = "; ".join(f"{m.get('key', '')}: {m.get('value', '')}" for m in messages if isinstance(m, dict))
        raise ValidationError([DataError("api-error", f"the World Bank API answered with an error: {text}", label)])
    if (
        isinstance(payload, list)
        and len(payload) == 2
        and isinstance(payload[0], dict)
        and isinstance(payload[1], list | type(None))
    ):
        return payload[0], payload[1] or []
    if isinstance(payload, list) and all(isinstance(r, dict) for r in payload):
        return {}, payload
    raise ValidationError([DataError("malformed-json", "not a World Bank API v2 response", label)])


def stage_api_records(
    records: list[dict[str, Any]],
    meta: dict[str, Any],
    staging: Staging,
    ctx: Context,
    label: str,
    source: dict[str, Any],
) -> str:
    """Stage the records of World Bank API v2 responses (one file, or the pages of a fetch)."""
    staging.add_rows("sources", [source], label)
    rows, errors, seen = [], [], Counter()
    indicators: dict[str, str | None] = {}
    for i, rec in enumerate(records, start=1):
        try:
            code = rec["indicator"]["id"]
            iso = rec.get("countryiso3code") or rec["country"]["id"]
            name = rec["country"].get("value")
            date = str(rec["date"])
            value = rec.get("value")
            title = rec["indicator"].get("value")
        except (KeyError, TypeError, AttributeError):
            errors.append(DataError("malformed-json", "record lacks indicator, country or date", label, i))
            continue
        if not all(isinstance(v, str) for v in (code, iso)) or not isinstance(name, str | None):
            errors.append(DataError("malformed-json", "record's indicator or country is not text", label, i))
            continue
        indicators.setdefault(code, title if isinstance(title, str) else None)
        if value is None:
            continue
        if finite_number(value) is None:
            errors.append(DataError("invalid-value", f"{value!r} is not a finite number", label, i, "value"))
            continue
        found = ctx.resolver.classify(iso)
        if found.unknown and name:
            found = ctx.resolver.classify(name)
        if found.iso3 is None:
            if found.unknown:
                errors.append(DataError("unknown-country", f"unknown country {iso!r} ({name})", label, i, "country"))
            else:
                staging.skip(f"{label}: {found.excluded}")
            continue
        period = _period(date)
        if period is None:
            errors.append(DataError("invalid-date", f"unexpected date {date!r}", label, i, "date"))
            continue
        seen[(found.iso3, code, period)] += 1
        if seen[(found.iso3, code, period)] > 1:
            errors.append(DataError("duplicate-key", f"{found.iso3} {code} {period} appears twice", label, i))
            continue
        rows.append(
            {
                "entity": found.iso3,
                "indicator": code,
                "period": period,
                "value": value,
                "source_id": source["source_id"],
                "_row": i,
            }
        )
    if errors:
        raise ValidationError(errors)
    _stage_indicators(staging, ctx, sorted(indicators.items()), Path(label), source["source_id"])
    staging.add_rows("observations", rows, label)
    return f"{label}: {len(rows)} values of {len(indicators)} indicator(s) from the World Bank API"


def _stage_json(path: Path, staging: Staging, ctx: Context, layout: str, original: Path) -> str:
    try:
        payload = load_json_file(path, "[", "a World Bank API v2 response")  # API v2 answers are arrays
    except ValidationError as exc:  # name the file the user gave, not its UTF-8 copy
        raise ValidationError([replace(e, file=str(original)) for e in exc.errors]) from exc
    meta, records = parse_api_json(payload, str(original))
    vintage = meta.get("lastupdated")
    source = _source(ctx, original, "api-json", vintage, "API v2 response")
    return stage_api_records(records, meta, staging, ctx, str(original), source)


# ---------------------------------------------------------------------------- snapshot


def snapshot(raw_dir: Path, staging: Staging, ctx: Context) -> list[str]:
    """The WDI files of the shared data folder that go into the embedded dataset.

    The API download repeats the bulk file's vintage, so only the bulk file is kept; every
    datahub indicator file and the recorded API v2 records are kept.
    """
    files = [
        raw_dir / "wdi" / "WDISeries_lac.csv",
        raw_dir / "wdi" / "WDICountry_lac.csv",
        raw_dir / "wdi" / "WDIData_lac.csv",
        raw_dir / "wdi" / "databank" / "WDI_Data_databank_lac.csv",
    ]
    files += sorted((raw_dir / "wdi" / "datahub").glob("*.csv"))
    files += [raw_dir / "api_responses" / "worldbank_v2_NY.GDP.MKTP.CD_12_south_american_countries_records_only.json"]
    return [stage(f, staging, ctx) for f in files]


# ---------------------------------------------------------------------------- online

API = "https://api.worldbank.org/v2"


def fetch(
    staging: Staging,
    ctx: Context,
    *,
    indicator: str,
    countries: list[str],
    date: str | None = None,
    client: Any = None,
) -> str:
    """Download an indicator from the World Bank API v2, every page, and stage its records."""
    import hashlib

    import httpx

    from lazos.errors import LazosError

    where = ";".join(countries) if countries else "all"
    url = f"{API}/country/{where}/indicator/{indicator}"
    own = client is None
    client = client or httpx.Client(timeout=60, follow_redirects=True)
    records: list[dict[str, Any]] = []
    meta: dict[str, Any] = {}
    digest = hashlib.sha256()
    page, pages = 1, 1
    try:
        while page <= pages:
            params = {"format": "json", "per_page": 1000, "page": page} | ({"date": date} if date else {})
            try:
                response = client.get(url, params=params)
            except httpx.HTTPError as exc:
                raise LazosError(f"cannot reach the World Bank API ({exc.__class__.__name__}): {exc}") from exc
            if response.status_code != 200:
                raise LazosError(f"the World Bank API answered {response.status_code} for {response.url}")
            digest.update(response.content)
            try:
                payload = response.json()
            except (ValueError, RecursionError) as exc:  # (RecursionError: nested beyond reading)
                raise LazosError(f"the World Bank API answered with a body that is not JSON ({response.url})") from exc
            meta, recs = parse_api_json(payload, str(response.url))
            records += recs
            pages = int(meta.get("pages") or 1)
            page += 1
    finally:
        if own:
            client.close()
    vintage = meta.get("lastupdated") or ctx.given_vintage()
    source = source_row(
        source_id=f"wb-wdi-api-{(vintage or 'undated').lower()}-{digest.hexdigest()[:8]}",
        kind="dataset",
        title=f"World Bank API v2: {indicator} for {where}",
        publisher="World Bank",
        url=f"{url}?format=json" + (f"&date={date}" if date else ""),
        licence=LICENCE,
        published=vintage,
        retrieved=ctx.retrieved(),
        content_hash=digest.hexdigest(),
        dataset=DATASET,
        note=None,
    )
    return stage_api_records(records, meta, staging, ctx, url, source)


CONNECTOR = Connector(
    name=NAME,
    title=TITLE,
    description="World Bank World Development Indicators, in every layout the Bank publishes",
    layouts=(
        "bulk WDIData.csv",
        "API_<code>_DS2_*.csv download",
        "DataBank extract .csv",
        "datahub.io long .csv",
        "WDISeries/WDICountry metadata .csv",
        "API v2 .json",
    ),
    stage=stage,
    snapshot=snapshot,
    fetch=Fetch(
        help="Download a WDI indicator from the World Bank API v2 and import it.",
        run=fetch,
        options=(
            FetchOption("indicator", "World Bank indicator code, e.g. NY.GDP.MKTP.CD.", required=True),
            FetchOption("country", "ISO code (repeatable; default: all).", keyword="countries", multiple=True),
            FetchOption("date", "Years, e.g. 2000:2024."),
        ),
    ),
)
