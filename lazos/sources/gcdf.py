"""Connector: AidData's Global Chinese Development Finance dataset, version 3.0.

Layouts (detected from the file):

* ``geocoded``: the geospatial input table (``final_input.csv``), R-style dotted column names
  (``AidData.Record.ID``, ``Amount.(Constant.USD.2021)``, ...);
* ``full``: the 126-column release layout, as CSV or as the published workbook's sheet
  ``GCDF_3.0``;
* ``subset``: third-party column subsets of the release (e.g. gasoto04/china-development's
  ``df_filtered.csv``), whose ``NA`` cells mean missing;
* ``adm``: the ``GCDF_3.0_ADM1_Locations.csv`` / ``ADM2`` files (geoBoundaries units, with the
  project's share in each);
* ``geojson``: the GeoGCDF per-project FeatureCollections (a file, or a folder of them).

One AidData record is one Lazos project (``aiddata-<record id>``). Several layouts describe
the same record: the richer one's fields win, the others fill what it leaves blank, and
every amount is kept with its own source (original currency, nominal and constant 2021 US
dollars; AidData's "Adjusted Amount" as ``adjusted_commitment``). Records whose recipient is
outside Lazos's countries are left out and counted.

Licences: AidData's data are ODC-By 1.0; geometries derived from OpenStreetMap are ODbL 1.0
("© OpenStreetMap contributors").
"""

from __future__ import annotations

import csv
import json
import math
import re
import warnings
from dataclasses import dataclass, field
from functools import cache
from importlib import resources as importlib_resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from lazos.errors import DataError, ValidationError
from lazos.sources.base import Connector, Context, folder_sha256, origin_of, raw_file_source
from lazos.sources.common import file_sha256
from lazos.sources.rawfiles import (
    fail,
    head_lines,
    load_json_file,
    parse_csv_line,
    read_csv_text,
    read_sheet,
    read_text,
)
from lazos.store.staging import Staging

NAME = "gcdf"
TITLE = "AidData Global Chinese Development Finance Dataset 3.0"
DATASET = "aiddata-gcdf"
HOME = "https://www.aiddata.org/data/aiddatas-global-chinese-development-finance-dataset-version-3-0"
LICENCE = "ODC-By-1.0"
GEOMETRY_LICENCE = "ODbL-1.0"
SHEET = "GCDF_3.0"
RANK = {"geojson": 0, "adm": 0, "geocoded": 1, "subset": 2, "full": 3}
# Coverage: a source of project records that holds part of the release says so at the start of
# its note (the Python API reads it: lazos.api's coverage section); the whole release does not.
PARTIAL = "Partial coverage:"
RELEASE_RECORDS = 20_985  # records in GCDF 3.0, every region (AidData's release notes)
GEOCODED_RECORDS = 9_404  # of which the geospatial input table holds those AidData could map

GEOCODED = {
    "id": "AidData.Record.ID",
    "amount_constant": "Amount.(Constant.USD.2021)",
    "title": "Title",
    "status": "Status",
    "sector": "Sector.Name",
    "recipient": "Recipient",
    "iso3": "Recipient.ISO-3",
    "infrastructure": "Infrastructure",
    "commitment_year": "Commitment.Year",
    "start_year": "Implementation.Start.Year",
    "completion_year": "Completion.Year",
    "commitment_date": "Commitment.Date.(MM/DD/YYYY)",
    "start_date": "Actual.Implementation.Start.Date.(MM/DD/YYYY)",
    "completion_date": "Actual.Completion.Date.(MM/DD/YYYY)",
    "precision": "Level.of.precision",
    "osm_type": "Type.of.the.OSM.feature",
}
FULL = {
    "id": "AidData Record ID",
    "title": "Title",
    "status": "Status",
    "sector": "Sector Name",
    "recipient": "Recipient",
    "iso3": "Recipient ISO-3",
    "infrastructure": "Infrastructure",
    "commitment_year": "Commitment Year",
    "start_year": "Implementation Start Year",
    "completion_year": "Completion Year",
    "commitment_date": "Commitment Date (MM/DD/YYYY)",
    "commitment_estimated": "Commitment Date Estimated",
    "start_date": "Actual Implementation Start Date (MM/DD/YYYY)",
    "start_estimated": "Actual Implementation Start Date Estimated",
    "completion_date": "Actual Completion Date (MM/DD/YYYY)",
    "completion_estimated": "Actual Completion Date Estimated",
    "description": "Description",
    "intent": "Intent",
    "flow_type": "Flow Type",
    "flow_class": "Flow Class",
    "aggregates": "Recommended For Aggregates",
    "funding": "Funding Agencies",
    "receiving": "Direct Receiving Agencies",
    "implementing": "Implementing Agencies",
    "amount_original": "Amount (Original Currency)",
    "currency": "Original Currency",
    "amount_estimated": "Amount Estimated",
    "amount_nominal": "Amount (Nominal USD)",
    "amount_constant": "Amount (Constant USD 2021)",
    "adjusted_original": "Adjusted Amount (Original Currency)",
    "adjusted_nominal": "Adjusted Amount (Nominal USD)",
    "adjusted_constant": "Adjusted Amount (Constant USD 2021)",
    "quality": "Source Quality Score",
    "narrative": "Location Narrative",
}
SUBSET = {
    "id": "AidData Record ID",
    "title": "Title",
    "status": "Status",
    "sector": "Sector Name",
    "recipient": "Recipient",
    "infrastructure": "Infrastructure",
    "commitment_year": "Commitment Year",
    "completion_year": "Completion Year",
    "description": "Description",
    "intent": "Intent",
    "flow_type": "Flow Type Simplified",
    "flow_class": "Flow Class",
    "adjusted_constant": "Adjusted Amount (Constant USD 2021)",
    "narrative": "Location Narrative",
}
ADM = [
    "id",
    "shapeID",
    "shapeGroup",
    "shapeName",
    "intersection_ratio",
    "even_split_ratio",
    "intersection_ratio_commitment_value",
    "even_split_ratio_commitment_value",
    "centroid_longitude",
    "centroid_latitude",
]
STATUS = {
    "Completion": "completed",
    "Pipeline: Commitment": "planned",
    "Pipeline: Pledge": "planned",
    "Suspended": "suspended",
    "Cancelled": "cancelled",
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@cache
def _sectors() -> dict[str, str]:
    text = importlib_resources.files("lazos.sources").joinpath("reference/aiddata_sectors.csv").read_text("utf-8")
    return {r["aiddata_sector"]: r["sector"] for r in csv.DictReader(text.splitlines())}


# ---------------------------------------------------------------------------- run state


@dataclass
class State:
    """What the files of one run say, merged record by record before anything is staged."""

    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)
    countries: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: dict[str, dict[str, Any]] = field(default_factory=dict)
    milestones: dict[tuple, dict[str, Any]] = field(default_factory=dict)
    amounts: dict[tuple, dict[str, Any]] = field(default_factory=dict)
    locations: list[dict[str, Any]] = field(default_factory=list)
    geometries: list[dict[str, Any]] = field(default_factory=list)
    linked: set[str] = field(default_factory=set)  # existing projects this run adds facts to
    pending_locations: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)
    links: dict[str, str] | None = None  # AidData record id -> a project that already cites it

    def merge_project(self, pid: str, row: dict[str, Any], rank: int) -> None:
        """Richer layouts win field by field; poorer ones fill the blanks."""
        current = self.projects.get(pid)
        if current is None:
            self.projects[pid], self.ranks[pid] = dict(row), rank
            return
        if rank > self.ranks[pid]:
            merged = {k: (row.get(k) if row.get(k) is not None else current.get(k)) for k in {*row, *current}}
            self.ranks[pid] = rank
        else:
            merged = {k: (current.get(k) if current.get(k) is not None else row.get(k)) for k in {*row, *current}}
        self.projects[pid] = merged


def _state(ctx: Context) -> State:
    return ctx.options.setdefault("gcdf_state", State())


def _project_id(record_id: str, staging: Staging, ctx: Context, state: State) -> tuple[str, bool]:
    """The project an AidData record belongs to: one already linked to it, or its own.

    A project that cites the record (project_ids, scheme ``aiddata``) keeps its own
    description; the record adds its amounts, dates and locations to it.
    """
    if state.links is None:
        stored = ctx.con.execute(
            "SELECT external_id, project_id FROM project_external_id WHERE scheme = 'aiddata' AND retired_at IS NULL"
        ).fetchall()
        staged = [(r["external_id"], r["project_id"]) for r in staging.rows("project_ids") if r["scheme"] == "aiddata"]
        state.links = {rid: pid for rid, pid in [*stored, *staged] if pid != f"aiddata-{rid}"}
    if record_id in state.links:
        return state.links[record_id], True
    return f"aiddata-{record_id}", False


# ---------------------------------------------------------------------------- cells


def _blank(value: Any, na: bool = False) -> bool:
    return value is None or (isinstance(value, str) and (value.strip() == "" or (na and value.strip() == "NA")))


def _text(value: Any, na: bool = False) -> str | None:
    return None if _blank(value, na) else str(value).strip()


class _Cells:
    """One row of a file, with typed access that records located errors."""

    def __init__(self, row: dict[str, Any], path: Path, rownum: int, errors: list[DataError], na: bool):
        self.row, self.path, self.rownum, self.errors, self.na = row, path, rownum, errors, na

    def text(self, column: str | None) -> str | None:
        return _text(self.row.get(column), self.na) if column else None

    def number(self, column: str | None) -> float | None:
        value = self.row.get(column) if column else None
        if _blank(value, self.na):
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        else:
            try:
                number = float(str(value).strip())
            except ValueError:
                self.errors.append(
                    DataError(
                        "invalid-value",
                        f"{value!r} is not a number",
                        str(self.path),
                        self.rownum,
                        column,
                    )
                )
                return None
        if number != number or abs(number) == float("inf"):
            self.errors.append(
                DataError(
                    "invalid-value",
                    f"{value!r} is not a finite number",
                    str(self.path),
                    self.rownum,
                    column,
                )
            )
            return None
        return number

    def year(self, column: str | None) -> str | None:
        number = self.number(column)
        if number is None:
            return None
        if not number.is_integer() or not 1900 <= number <= 2100:
            self.errors.append(
                DataError(
                    "invalid-value",
                    f"{number!r} is not a year",
                    str(self.path),
                    self.rownum,
                    column,
                )
            )
            return None
        return str(int(number))

    def date(self, column: str | None) -> str | None:
        value = self.text(column)
        if value is None:
            return None
        if _ISO_DATE.match(value):
            return value
        match = _US_DATE.match(value)
        if match:
            month, day, year = match.groups()
            return f"{year}-{int(month):02d}-{int(day):02d}"
        self.errors.append(
            DataError(
                "invalid-date",
                f"{value!r} is not a date (YYYY-MM-DD or MM/DD/YYYY)",
                str(self.path),
                self.rownum,
                column,
            )
        )
        return None

    def yes(self, column: str | None) -> bool | None:
        value = self.text(column)
        return None if value is None else value.lower() == "yes"


# ---------------------------------------------------------------------------- reading


def _read_table(path: Path, encoding: str | None) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """The header and the numbered rows (as dicts) of the release workbook's sheet or of a CSV."""
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        _, header, rows = read_sheet(path, SHEET)
        return header, [
            (i, dict(zip(header, r, strict=False)))
            for i, r in enumerate(rows, start=2)
            if any(not _blank(c) for c in r)
        ]
    header, records = read_csv_text(read_text(path, encoding), path)
    return header, [(i, dict(zip(header, cells, strict=True))) for i, cells in records]


def detect(path: Path, encoding: str | None = None) -> str:
    if path.is_dir() or path.suffix.lower() in (".geojson", ".json"):
        return "geojson"
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        return "full"
    header = parse_csv_line(head_lines(path, 1, encoding)[0])
    if GEOCODED["id"] in header:
        return "geocoded"
    if "AidData Record ID" in header:
        return "full" if "Recommended For Aggregates" in header else "subset"
    if header[:3] == ADM[:3]:
        return "adm"
    fail(
        "unknown-layout",
        "not a GCDF 3.0 file: the header matches none of the geocoded, release, subset "
        f"or ADM layouts (it starts {header[:4]})",
        path,
        1,
    )
    raise AssertionError


def coverage_note(layout: str, records: int) -> str | None:
    """What a file of project records leaves out of the release (None for the whole release).

    The geocoded table and third-party subsets are partial by construction; a file in the
    release's own layout is taken as the whole release only when it holds as many records as
    the release (an extract of it, even of one region, cannot be checked for completeness).
    """
    how = "lazos import gcdf AidDatasGlobalChineseDevelopmentFinanceDataset_v3.0.xlsx"
    if layout == "geocoded":
        what = (
            f"the geocoded subset of GCDF 3.0 (AidData's geospatial table holds the {GEOCODED_RECORDS:,} records "
            f"it could map, of the release's {RELEASE_RECORDS:,}); this file holds {records:,} records"
        )
    elif layout == "subset":
        what = f"a third-party subset of GCDF 3.0's records and columns; this file holds {records:,} records"
    elif layout == "full" and records < RELEASE_RECORDS:
        what = f"an extract of GCDF 3.0 in the release layout: {records:,} of the release's {RELEASE_RECORDS:,} records"
    else:
        return None
    return f"{PARTIAL} {what}. Totals summed from it leave out records; import the full release ({how})."


def _source(
    ctx: Context, path: Path, layout: str, digest: str, licence: str = LICENCE, coverage: str | None = None
) -> dict[str, Any]:
    origin = origin_of(ctx, path)
    vintage = origin.get("published") or ctx.given_vintage() or "2023-11"
    return raw_file_source(
        ctx,
        origin,
        source_id=f"aiddata-gcdf-3-0-{layout}-{digest[:8]}",
        kind="dataset",
        title=f"AidData GCDF 3.0, {layout} layout ({path.name})",
        publisher="AidData (William & Mary)",
        url=HOME,
        licence=licence,
        published=vintage,
        content_hash=digest,
        dataset=DATASET,
        note=" ".join(
            n
            for n in (
                coverage,
                origin.get("note")
                or (
                    "Geometry derived from OpenStreetMap (© OpenStreetMap contributors, ODbL 1.0); project "
                    "attributes © AidData (ODC-By 1.0)."
                    if licence == GEOMETRY_LICENCE
                    else None
                ),
            )
            if n
        )
        or None,
    )


def stage(path: Path, staging: Staging, ctx: Context) -> str:
    """Read one GCDF file (or folder of GeoJSON files) into the run's merged records."""
    if not path.exists():
        fail("missing-file", "file not found", path)
    layout = detect(path, ctx.encoding)
    if layout == "geojson":
        return _read_geojson(path, staging, ctx)
    if layout == "adm":
        return _read_adm(path, staging, ctx)
    header, rows = _read_table(path, ctx.encoding)
    columns = {"geocoded": GEOCODED, "full": FULL, "subset": SUBSET}[layout]
    required = [c for key, c in columns.items() if key in ("id", "title", "status", "sector")]
    missing = [c for c in required if c not in header]
    if missing:
        raise ValidationError([DataError("missing-column", "the column is missing", str(path), 1, c) for c in missing])
    source = _source(ctx, path, layout, file_sha256(path), coverage=coverage_note(layout, len(rows)))
    staging.add_rows("sources", [source], str(path))
    state, errors, kept, left_out = _state(ctx), [], 0, 0
    first_row: dict[str, int] = {}  # record id -> the row that described it
    for i, row in rows:
        cells = _Cells(row, path, i, errors, na=layout == "subset")
        record_id = cells.text(columns["id"])
        if record_id in first_row:  # one file describes a record once: a second row would silently win
            errors.append(
                DataError(
                    "duplicate-key",
                    f"AidData record {record_id} appears twice (first at row {first_row[record_id]})",
                    str(path),
                    i,
                    columns["id"],
                )
            )
            continue
        if record_id is not None:
            first_row[record_id] = i
        kept_row = _read_record(cells, columns, layout, source, staging, ctx, state)
        kept += kept_row
        left_out += not kept_row
        if len(errors) > 50:
            break
    if errors:
        raise ValidationError(errors)
    return f"{path.name}: {layout} layout, {kept} records, {left_out} left out"


def _recipient(cells: _Cells, columns: dict[str, str], ctx: Context, staging: Staging, path: Path) -> str | None:
    code, name = cells.text(columns.get("iso3")), cells.text(columns.get("recipient"))
    found = ctx.resolver.classify(code) if code else None
    if (found is None or found.unknown) and name:
        found = ctx.resolver.classify(name)
    if found is None or found.unknown:
        cells.errors.append(
            DataError(
                "unknown-country",
                f"unknown recipient {code or name!r}",
                str(path),
                cells.rownum,
                columns.get("iso3") or columns.get("recipient"),
            )
        )
        return None
    if found.iso3 is None:
        staging.skip(f"{path.name}: recipient outside Lazos's countries ({found.excluded})")
        return None
    return found.iso3


def _read_record(
    cells: _Cells,
    columns: dict[str, str],
    layout: str,
    source: dict[str, Any],
    staging: Staging,
    ctx: Context,
    state: State,
) -> bool:
    path, sid = cells.path, source["source_id"]
    record_id = cells.text(columns["id"])
    if record_id is None or not record_id.isdigit():
        cells.errors.append(
            DataError(
                "invalid-value",
                f"{record_id!r} is not an AidData record id",
                str(path),
                cells.rownum,
                columns["id"],
            )
        )
        return False
    iso3 = _recipient(cells, columns, ctx, staging, path)
    if iso3 is None:
        return False
    pid, linked = _project_id(record_id, staging, ctx, state)
    aid_sector = cells.text(columns["sector"]) or ""
    sector = _sectors().get(aid_sector.upper())
    if sector is None:
        cells.errors.append(
            DataError(
                "invalid-value",
                f"unknown AidData sector {aid_sector!r}: add it to lazos/sources/reference/aiddata_sectors.csv",
                str(path),
                cells.rownum,
                columns["sector"],
            )
        )
        return False
    infrastructure = cells.yes(columns.get("infrastructure")) or False
    raw_status = cells.text(columns["status"])
    status = STATUS.get(raw_status or "")
    if raw_status == "Implementation":
        status = "under_construction" if infrastructure else "in_progress"
    if raw_status and status is None:
        cells.errors.append(
            DataError(
                "invalid-value",
                f"unknown AidData status {raw_status!r}",
                str(path),
                cells.rownum,
                columns["status"],
            )
        )
        return False
    quality = cells.number(columns.get("quality"))
    confidence = "high" if quality is None or quality >= 4 else ("medium" if quality >= 3 else "low")
    precision = cells.text(columns.get("precision"))
    prose = ctx.options.get("keep_prose", True)  # the embedded dataset keeps figures and names only
    note_parts = [
        p
        for p in (
            f"Location precision: {precision}" if precision else None,
            cells.text(columns.get("narrative")) if prose else None,
        )
        if p
    ]
    if linked:
        state.linked.add(pid)
    else:
        state.merge_project(
            pid,
            {
                "project_id": pid,
                "name": cells.text(columns["title"]),
                "sector": sector,
                "subsector": aid_sector.capitalize() or None,
                "chinese_entities": cells.text(columns.get("funding")),
                "local_entities": "; ".join(
                    p
                    for p in (
                        cells.text(columns.get("receiving")),
                        cells.text(columns.get("implementing")),
                    )
                    if p
                )
                or None,
                "status": status,
                "lat": None,
                "lon": None,
                "location_note": " ".join(note_parts)[:2000] or None,
                "flow_type": cells.text(columns.get("flow_type")),
                "flow_class": cells.text(columns.get("flow_class")),
                "intent": cells.text(columns.get("intent")),
                "description": cells.text(columns.get("description")) if prose else None,
                "in_totals": cells.yes(columns.get("aggregates")),
                "confidence": confidence,
                "source_id": sid,
                "note": None,
            },
            RANK[layout],
        )
    if not linked:
        state.countries.setdefault(pid, {"project_id": pid, "country": iso3, "role": "recipient", "source_id": sid})
        state.ids.setdefault(
            pid,
            {"project_id": pid, "scheme": "aiddata", "external_id": record_id, "source_id": sid},
        )
    for milestone, date_key, year_key, estimated_key in (
        ("committed", "commitment_date", "commitment_year", "commitment_estimated"),
        (
            "construction_started" if infrastructure else "implementation_started",
            "start_date",
            "start_year",
            "start_estimated",
        ),
        ("completed", "completion_date", "completion_year", "completion_estimated"),
    ):
        date = cells.date(columns.get(date_key)) or cells.year(columns.get(year_key))
        if date:
            estimated = cells.yes(columns.get(estimated_key))
            state.milestones[(pid, milestone, date, sid)] = {
                "project_id": pid,
                "milestone": milestone,
                "date": date,
                "confidence": "medium" if estimated else "high",
                "source_id": sid,
                "note": "Date estimated by AidData." if estimated else None,
            }
    estimated = cells.yes(columns.get("amount_estimated"))
    for kind, original, nominal, constant in (
        ("commitment", "amount_original", "amount_nominal", "amount_constant"),
        ("adjusted_commitment", "adjusted_original", "adjusted_nominal", "adjusted_constant"),
    ):
        values = {
            k: cells.number(columns.get(c))
            for k, c in (("value", original), ("usd_nominal", nominal), ("usd_constant", constant))
        }
        if all(v is None for v in values.values()):
            continue
        currency = cells.text(columns.get("currency")) if values["value"] is not None else None
        if values["value"] is not None and currency is None:
            values["value"] = None
        state.amounts[(pid, kind, sid)] = {
            "project_id": pid,
            "amount_kind": kind,
            **values,
            "currency": currency,
            "usd_constant_year": 2021 if values["usd_constant"] is not None else None,
            "qualifier": "approximate" if estimated else "exact",
            "confidence": confidence,
            "source_id": sid,
            "note": "AidData's adjusted amount (net of cancellations)." if kind == "adjusted_commitment" else None,
        }
    return True


def _read_adm(path: Path, staging: Staging, ctx: Context) -> str:
    level = (
        "ADM1" if "adm1" in path.name.lower() else "ADM2" if "adm2" in path.name.lower() else ctx.options.get("level")
    )
    if level not in ("ADM1", "ADM2"):
        fail(
            "unknown-layout",
            "cannot tell whether this file holds ADM1 or ADM2 units: keep 'ADM1' or 'ADM2' in its name",
            path,
        )
    header, rows = _read_table(path, ctx.encoding)
    missing = [c for c in ADM if c not in header]
    if missing:
        raise ValidationError([DataError("missing-column", "the column is missing", str(path), 1, c) for c in missing])
    source = _source(ctx, path, level.lower(), file_sha256(path))
    staging.add_rows("sources", [source], str(path))
    errors: list[DataError] = []
    state = _state(ctx)
    for i, row in rows:
        cells = _Cells(row, path, i, errors, na=False)
        share = cells.number("intersection_ratio")
        lat, lon = cells.number("centroid_latitude"), cells.number("centroid_longitude")
        found = ctx.resolver.classify(cells.text("shapeGroup") or "")
        pid, _ = _project_id(cells.text("id") or "", staging, ctx, state)
        state.pending_locations.append(
            (
                path,
                {
                    "project_id": pid,
                    "level": level,
                    "place_id": cells.text("shapeID"),
                    "country": found.iso3,
                    "name": cells.text("shapeName"),
                    "lat": lat,
                    "lon": lon,
                    "share": share,
                    "precision": None,
                    "source_id": source["source_id"],
                    "_row": i,
                    "_excluded": found.excluded,
                    "_unknown": found.unknown and cells.text("shapeGroup"),
                },
            )
        )
    if errors:
        raise ValidationError(errors)
    return f"{path.name}: {len(rows)} {level} locations"


def _round(coords: Any, digits: int) -> Any:
    if isinstance(coords, int | float):
        return round(coords, digits)
    out = [_round(c, digits) for c in coords]
    if out and isinstance(out[0], list) and out[0] and isinstance(out[0][0], int | float):
        return [out[0]] + [p for prev, p in pairwise(out) if p != prev]
    return out


def _read_geojson(path: Path, staging: Staging, ctx: Context) -> str:
    from shapely.errors import ShapelyError
    from shapely.geometry import mapping, shape
    from shapely.ops import unary_union

    files = sorted(path.glob("*.geojson")) if path.is_dir() else [path]
    if not files:
        fail("missing-file", "no .geojson files in this folder", path)
    tolerance = ctx.options.get("simplify")
    state, errors = _state(ctx), []
    # One source for the release's folder of shapes (or for a single file).
    source = _source(
        ctx,
        path,
        "geojson",
        folder_sha256(path) if path.is_dir() else file_sha256(path),
        GEOMETRY_LICENCE,
    )
    staging.add_rows("sources", [source], str(path))
    for file in files:
        try:
            data = load_json_file(file, "{", "a GeoJSON FeatureCollection")
        except ValidationError as exc:
            errors += exc.errors
            continue
        features = data.get("features") if isinstance(data, dict) else None
        if (
            not isinstance(data, dict)
            or data.get("type") != "FeatureCollection"
            or not isinstance(features, list)
            or not features
            or not all(isinstance(f, dict) and isinstance(f.get("properties", {}), dict) for f in features)
        ):
            errors.append(DataError("malformed-json", "not a GeoJSON FeatureCollection with features", str(file)))
            continue
        properties = features[0].get("properties") or {}
        record_id = str(properties.get("id") or file.stem)
        try:
            with warnings.catch_warnings():  # infinite coordinates: refused below, not warned about
                warnings.simplefilter("ignore", RuntimeWarning)
                shapes = [shape(f["geometry"]) for f in features]
                if tolerance:
                    shapes = [s.simplify(tolerance, preserve_topology=True) for s in shapes]
                union = unary_union(shapes)
                min_lon, min_lat, max_lon, max_lat = union.bounds
        except (KeyError, IndexError, TypeError, ValueError, AttributeError, ShapelyError) as exc:  # shapely's errors
            errors.append(DataError("malformed-json", f"invalid geometry ({exc})", str(file)))
            continue
        if union.is_empty or not all(map(math.isfinite, (min_lon, min_lat, max_lon, max_lat))):
            errors.append(DataError("malformed-json", "the geometry has no finite coordinates", str(file)))
            continue
        point = union.representative_point() if union.geom_type.startswith(("Multi", "Geometry")) else union.centroid
        kinds = sorted({s.geom_type for s in shapes})
        collection = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {**mapping(s), "coordinates": _round(mapping(s)["coordinates"], 5)},
                }
                for s in shapes
            ],
        }
        pid, _ = _project_id(record_id, staging, ctx, state)
        links = properties.get("osm_links")
        links = links if isinstance(links, str) else None
        state.geometries.append(
            {
                "project_id": pid,
                "geometry_type": kinds[0] if len(kinds) == 1 else "Mixed",
                "feature_count": len(shapes),
                "min_lon": round(min_lon, 5),
                "min_lat": round(min_lat, 5),
                "max_lon": round(max_lon, 5),
                "max_lat": round(max_lat, 5),
                "geojson": json.dumps(collection, separators=(",", ":")),
                "osm_links": links,
                "licence": GEOMETRY_LICENCE,
                "source_id": source["source_id"],
                "_file": str(file),
            }
        )
        state.locations.append(
            {
                "project_id": pid,
                "level": "feature",
                "place_id": "shapes",
                "country": None,
                "name": None,
                "lat": round(point.y, 5),
                "lon": round(point.x, 5),
                "share": None,
                "precision": "; ".join(sorted(set(str(properties.get("osm_precision_list", "")).split(",")))) or None,
                "source_id": source["source_id"],
                "_file": str(file),
            }
        )
    if errors:
        raise ValidationError(errors)
    return f"{path.name}: {len(files)} project geometries"


# ---------------------------------------------------------------------------- staging


def _stored_projects(ctx: Context, ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    cols = [
        c[1]
        for c in ctx.con.execute("PRAGMA table_info('project')").fetchall()
        if c[1] not in ("retired_at", "load_id")
    ]
    ctx.con.execute("CREATE OR REPLACE TEMP TABLE _gcdf_ids (project_id VARCHAR)")
    ctx.con.executemany("INSERT INTO _gcdf_ids VALUES (?)", [(i,) for i in ids])
    rows = ctx.con.execute(
        f"SELECT {', '.join(cols)} FROM project WHERE retired_at IS NULL "
        "AND project_id IN (SELECT project_id FROM _gcdf_ids)"
    ).fetchall()
    return {r[0]: dict(zip(cols, r, strict=True)) for r in rows}


def finish(staging: Staging, ctx: Context) -> None:
    """Stage the merged records of the run (called once, after every file has been read)."""
    state: State | None = ctx.options.pop("gcdf_state", None)
    if state is None:
        return
    stored = _stored_projects(ctx, sorted(state.projects))
    projects = []
    geometry_points = {g["project_id"]: g for g in state.locations if g["level"] == "feature"}
    for pid, row in sorted(state.projects.items()):
        if pid in stored:  # fields this run leaves blank keep their stored values
            row = {k: (row.get(k) if row.get(k) is not None else stored[pid].get(k)) for k in row}
        if row.get("lat") is None and pid in geometry_points:
            row["lat"], row["lon"] = geometry_points[pid]["lat"], geometry_points[pid]["lon"]
            row["location_note"] = ((row.get("location_note") or "") + " Point: centre of the mapped shapes.").strip()
        projects.append(row)
    staging.add_rows("projects", projects)
    staging.add_rows("project_countries", list(state.countries.values()))
    staging.add_rows("project_ids", list(state.ids.values()))
    staging.add_rows("project_milestones", list(state.milestones.values()))
    staging.add_rows("project_amounts", list(state.amounts.values()))
    known = set(state.projects) | state.linked | set(ctx.stored("project", "project_id"))
    locations, errors = [], []
    for path, loc in state.pending_locations:
        if loc.pop("_unknown"):
            errors.append(
                DataError(
                    "unknown-country",
                    f"unknown country {loc['country']!r}",
                    str(path),
                    loc["_row"],
                    "shapeGroup",
                )
            )
        excluded = loc.pop("_excluded")
        if loc["project_id"] not in known:
            staging.skip(
                f"{path.name}: locations of records that are not Lazos projects (recipient outside Lazos's countries)"
            )
            continue
        if excluded:
            staging.skip(f"{path.name}: units outside Lazos's countries ({excluded})")
            continue
        locations.append({**loc, "_file": str(path)})
    if errors:
        raise ValidationError(errors)
    kept_geometries = [g for g in state.geometries if g["project_id"] in known]
    for g in state.geometries:
        if g["project_id"] not in known:
            staging.skip(f"{Path(g['_file']).name}: geometry of a record that is not a Lazos project")
    feature_points = [loc for loc in state.locations if loc["project_id"] in known]
    staging.add_rows("project_locations", locations + feature_points)
    staging.add_rows("project_geometries", kept_geometries)


def snapshot(raw_dir: Path, staging: Staging, ctx: Context) -> list[str]:
    """Every GCDF file of the shared folder, as figures, names and identifiers.

    Geometries are simplified to about 50 m, and AidData's descriptions and location
    narratives (prose, not derived figures) are left to `lazos import gcdf`.
    """
    gcdf = raw_dir / "gcdf"
    ctx.options["simplify"] = 0.0005
    ctx.options["keep_prose"] = False  # descriptions are AidData's prose, not derived figures
    out = [
        stage(gcdf / name, staging, ctx)
        for name in (
            "gcdf3_lac.csv",
            "gasoto04_df_filtered_lac.csv",
            "gcdf3_fullschema_lac_sample.csv",
            "gcdf3_adm1_locations_lac.csv",
            "gcdf3_adm2_locations_lac.csv",
            "geogcdf_v3_geojson_lac",
        )
    ]
    finish(staging, ctx)
    ctx.options.pop("simplify")
    ctx.options.pop("keep_prose")
    return out


CONNECTOR = Connector(
    name=NAME,
    title=TITLE,
    description="AidData's Chinese development finance projects, amounts and locations",
    layouts=(
        "geocoded final_input.csv",
        "release .csv or .xlsx (sheet GCDF_3.0)",
        "column subsets .csv",
        "ADM1/ADM2 locations .csv",
        "GeoGCDF .geojson (a file or a folder)",
    ),
    stage=stage,
    snapshot=snapshot,
    finish=finish,
)
