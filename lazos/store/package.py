"""Reading, validating and writing Lazos data packages.

A data package is a folder (or a .zip of one) with a ``datapackage.json`` and one file per
resource of resources.yaml, as CSV, Parquet or JSON. The embedded dataset in data/ is one;
``lazos export`` writes one; ``lazos build`` reads one. Validation collects every problem
(file, row, column, message) before anything is written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from lazos.countries import normalise
from lazos.dates import parse_fuzzy
from lazos.errors import DataError, InvalidDateError, ValidationError
from lazos.store.resources import Field, Resource, all_resources, row_problems, table_schema

FORMATS = {".csv": "csv", ".parquet": "parquet", ".json": "json"}
# GeoJSON shapes are long cells; the csv module's default limit (128 KiB) is too small.
csv.field_size_limit(1 << 26)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
MAX_ERRORS = 200
_REQUIRED = "a value is required"

ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
}


@dataclass
class Package:
    """Validated resources as Arrow tables (fuzzy dates expanded), plus the manifest."""

    tables: dict[str, pa.Table]
    descriptor: dict[str, Any]
    input_hash: str

    def rows(self, name: str) -> list[dict[str, Any]]:
        return self.tables[name].to_pylist()


# ---------------------------------------------------------------- reading raw files


class _Files:
    """Uniform access to the files of a package folder or zip archive."""

    def __init__(self, path: Path):
        self.path = path
        self.zip = zipfile.ZipFile(path) if path.is_file() else None
        self.prefix = ""
        if self.zip:
            names = [n for n in self.zip.namelist() if n.endswith("datapackage.json")]
            if not names:
                raise ValidationError([DataError("missing-descriptor", "no datapackage.json", str(path))])
            self.prefix = min(names, key=len)[: -len("datapackage.json")]

    def read_bytes(self, name: str) -> bytes:
        if self.zip:
            return self.zip.read(self.prefix + name)
        return (self.path / name).read_bytes()

    def exists(self, name: str) -> bool:
        if self.zip:
            return (self.prefix + name) in self.zip.namelist()
        return (self.path / name).is_file()


def _read_csv(data: bytes, label: str, errors: list[DataError]) -> tuple[list[str], list[list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.append(DataError("encoding-error", f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", label, line))
        return [], []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        errors.append(DataError("blank-file", "the file is empty (no header row)", label))
        return [], []
    except csv.Error as exc:
        errors.append(DataError("malformed-csv", str(exc), label, 1))
        return [], []
    rows: list[list[str]] = []
    try:
        for cells in reader:
            if not cells:
                continue
            if len(cells) != len(header):
                errors.append(
                    DataError(
                        "extra-cell" if len(cells) > len(header) else "missing-cell",
                        f"{len(cells)} cells where the header has {len(header)}",
                        label,
                        reader.line_num,
                    )
                )
                continue
            rows.append(cells)
    except csv.Error as exc:
        errors.append(DataError("malformed-csv", str(exc), label, reader.line_num))
    return header, rows


def _read_json(data: bytes, label: str, errors: list[DataError]) -> tuple[list[str], list[list[Any]]]:
    try:
        records = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        errors.append(DataError("malformed-json", str(exc), label))
        return [], []
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        errors.append(DataError("malformed-json", "expected a list of objects", label))
        return [], []
    header: list[str] = list(records[0].keys()) if records else []
    return header, [[r.get(h) for h in header] for r in records]


def _read_parquet(data: bytes, label: str, errors: list[DataError]) -> tuple[list[str], list[list[Any]]]:
    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises several types for corrupt files
        errors.append(DataError("malformed-parquet", str(exc), label))
        return [], []
    cols = table.column_names
    columns = [table.column(c).to_pylist() for c in cols]
    return cols, [list(r) for r in zip(*columns, strict=True)]


_READERS = {"csv": _read_csv, "json": _read_json, "parquet": _read_parquet}


# ---------------------------------------------------------------- cell conversion


def convert_cell(value: Any, f: Field) -> tuple[Any, str | None]:
    """Convert one cell to the field's type. Returns (value, error message or None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        value = ""
    if isinstance(value, str):
        value = value.strip() if f.type != "string" else value
        if value == "":
            return None, (_REQUIRED if f.required else None)
    if f.type == "string":
        value = str(value)
        if f.enum and value not in f.enum:
            return None, f"{value!r} is not one of {', '.join(f.enum)}"
        if f.pattern and not re.fullmatch(f.pattern, value):
            return None, f"{value!r} does not match the pattern {f.pattern}"
        return value, None
    if f.type == "fuzzy_date":
        try:
            fuzzy = parse_fuzzy(str(value))
        except InvalidDateError as exc:
            return None, str(exc)
        return fuzzy, None
    if f.type == "boolean":
        if isinstance(value, bool):
            return value, None
        if value in ("true", "false"):
            return value == "true", None
        return None, f"{value!r} is not true or false"
    if f.type == "integer":
        if isinstance(value, bool):
            return None, f"{value!r} is not an integer"
        if isinstance(value, int):
            return value, None
        if isinstance(value, float) and value.is_integer():
            return int(value), None
        if isinstance(value, str) and _INTEGER.match(value):
            return int(value), None
        return None, f"{value!r} is not an integer (write digits only, no separators)"
    # number
    if isinstance(value, bool):
        return None, f"{value!r} is not a number"
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.match(value)):
        number = float(value)
    else:
        return None, f"{value!r} is not a number (use '.' for decimals and no thousands separators)"
    if not math.isfinite(number):
        return None, f"{value!r} is not a finite number"
    if f.minimum is not None and number < f.minimum:
        return None, f"{value!r} is below the minimum {f.minimum}"
    if f.maximum is not None and number > f.maximum:
        return None, f"{value!r} is above the maximum {f.maximum}"
    return number, None


# ---------------------------------------------------------------- validation


def _resource_path(descriptor: dict[str, Any], res: Resource) -> str | None:
    for entry in descriptor.get("resources", []):
        if entry.get("name") == res.name:
            return entry.get("path")
    return None


def _validate_resource(
    res: Resource, label: str, header: list[str], rows: list[list[Any]], errors: list[DataError]
) -> list[dict[str, Any]]:
    expected = res.field_names
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    for c in missing:
        errors.append(DataError("missing-column", "the column is missing", label, 1, c))
    for c in extra:
        errors.append(DataError("extra-column", "unexpected column", label, 1, c))
    if missing:
        return []
    index = {c: header.index(c) for c in expected}
    out: list[dict[str, Any]] = []
    seen: dict[tuple, int] = {}
    for i, cells in enumerate(rows):
        rownum = i + 2
        record: dict[str, Any] = {"_row": rownum}
        ok = True
        for f in res.fields:
            value, problem = convert_cell(cells[index[f.name]], f)
            if problem:
                if problem == _REQUIRED and f.name == "source_id":
                    kind, problem = (
                        "missing-source",
                        "the row has no source (source_id is required)",
                    )
                elif problem == _REQUIRED:
                    kind = "missing-value"
                else:
                    kind = "invalid-date" if f.type == "fuzzy_date" else "invalid-value"
                errors.append(DataError(kind, problem, label, rownum, f.name))
                ok = False
            record[f.name] = value
        for field_name, problem in row_problems(res.name, record) if ok else []:
            errors.append(DataError("invalid-value", problem, label, rownum, field_name))
            ok = False
        if not ok:
            continue
        key = tuple(_key_part(record[k]) for k in res.primary_key)
        if key in seen:
            errors.append(
                DataError(
                    "duplicate-key",
                    f"duplicate key {dict(zip(res.primary_key, key, strict=True))} (first at row {seen[key]})",
                    label,
                    rownum,
                )
            )
            continue
        seen[key] = rownum
        out.append(record)
    return out


def _check_foreign_keys(
    records: dict[str, list[dict[str, Any]]], labels: dict[str, str], errors: list[DataError]
) -> None:
    for res in all_resources():
        for fk in res.foreign_keys:
            targets = {tuple(_key_part(r[c]) for c in fk.reference) for r in records.get(fk.resource, [])}
            noun = "country" if fk.resource == "countries" else fk.resource.rstrip("s")
            for r in records.get(res.name, []):
                value = tuple(_key_part(r[c]) for c in fk.fields)
                if value[0] is None:
                    continue
                if value not in targets:
                    shown = value[0] if len(value) == 1 else value
                    errors.append(
                        DataError(
                            "unknown-reference",
                            f"unknown {noun} {shown!r} (not in {fk.resource})",
                            labels[res.name],
                            r["_row"],
                            fk.fields[0],
                        )
                    )


def _key_part(value: Any) -> Any:
    """A key cell as compared across resources (fuzzy dates by their text)."""
    return value.text if hasattr(value, "text") else value


def _check_aliases(records: dict[str, list[dict[str, Any]]], label: str, errors: list[DataError]) -> None:
    """An alias, once accents, case and punctuation are folded, must name one country only."""
    owners: dict[str, tuple[str, int]] = {}
    for c in records.get("countries", []):
        for col in ("iso3", "iso2", "name_en", "name_es", "name_pt", "name_zh"):
            if c[col]:
                owners.setdefault(normalise(c[col]), (c["iso3"], c["_row"]))
    for r in records.get("country_aliases", []):
        key = normalise(r["alias"])
        if not key:
            errors.append(DataError("invalid-value", "alias is empty once normalised", label, r["_row"], "alias"))
            continue
        if key in owners and owners[key][0] != r["iso3"]:
            errors.append(
                DataError(
                    "ambiguous-alias",
                    f"alias {r['alias']!r} would name both {owners[key][0]} and {r['iso3']}",
                    label,
                    r["_row"],
                    "alias",
                )
            )
        owners.setdefault(key, (r["iso3"], r["_row"]))


def _to_arrow(res: Resource, records: list[dict[str, Any]]) -> pa.Table:
    """Validated records as an Arrow table with the resource's database column types."""
    types = {f.name: pa.string() if f.type == "fuzzy_date" else ARROW_TYPES[f.type] for f in res.fields}
    columns: dict[str, list[Any]] = {name: [] for name in types}
    for r in records:
        for f in res.fields:
            v = r[f.name]
            if f.type == "fuzzy_date":
                v = v.text if v is not None and v.text else None
            columns[f.name].append(v)
    schema = pa.schema([(name, types[name]) for name in res.db_columns()])
    return pa.table({name: columns[name] for name in schema.names}, schema=schema)


def read_package(path: str | Path) -> Package:
    """Read and validate a data package; raise ValidationError listing every problem."""
    path = Path(path)
    if not path.exists():
        raise ValidationError([DataError("missing-package", "no such file or folder", str(path))])
    files = _Files(path)
    errors: list[DataError] = []
    if not files.exists("datapackage.json"):
        raise ValidationError([DataError("missing-descriptor", "no datapackage.json", str(path))])
    raw_descriptor = files.read_bytes("datapackage.json")
    try:
        descriptor = json.loads(raw_descriptor.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError([DataError("malformed-descriptor", str(exc), "datapackage.json")]) from exc
    digest = hashlib.sha256()
    records: dict[str, list[dict[str, Any]]] = {}
    labels: dict[str, str] = {}
    for res in all_resources():
        rel = _resource_path(descriptor, res)
        if rel is None:
            errors.append(
                DataError(
                    "missing-resource",
                    f"datapackage.json lists no resource {res.name!r}",
                    "datapackage.json",
                )
            )
            continue
        labels[res.name] = rel
        if not files.exists(rel):
            errors.append(DataError("missing-file", "the file listed in datapackage.json is missing", rel))
            continue
        fmt = FORMATS.get(Path(rel).suffix.lower())
        if fmt is None:
            errors.append(DataError("unknown-format", "expected a .csv, .parquet or .json file", rel))
            continue
        data = files.read_bytes(rel)
        digest.update(rel.encode() + b"\0" + data)
        header, rows = _READERS[fmt](data, rel, errors)
        # An empty JSON list has no header to check; it is simply a resource without rows.
        records[res.name] = _validate_resource(res, rel, header, rows, errors) if header else []
        if len(errors) > MAX_ERRORS:
            break
    if not errors:
        _check_foreign_keys(records, labels, errors)
        _check_aliases(records, labels.get("country_aliases", "country_aliases"), errors)
    if errors:
        raise ValidationError(errors)
    tables = {res.name: _to_arrow(res, records[res.name]) for res in all_resources()}
    return Package(tables=tables, descriptor=descriptor, input_hash=digest.hexdigest())


# ---------------------------------------------------------------- writing


def format_cell(value: Any) -> str:
    """How a value is written in a CSV cell: blanks for missing, shortest exact numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_resource(res: Resource, rows: list[dict[str, Any]], folder: Path, fmt: str) -> str:
    """Write one resource's rows (dicts keyed by field name); returns the file name."""
    name = f"{res.name}.{fmt}"
    target = folder / name
    if fmt == "csv":
        with target.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(res.field_names)
            for r in rows:
                writer.writerow([format_cell(r.get(c)) for c in res.field_names])
    elif fmt == "json":
        payload = [{c: r.get(c) for c in res.field_names} for r in rows]
        target.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", "utf-8")
    elif fmt == "parquet":
        schema = pa.schema(
            [(f.name, pa.string() if f.type == "fuzzy_date" else ARROW_TYPES[f.type]) for f in res.fields]
        )
        table = pa.table({c: [r.get(c) for r in rows] for c in res.field_names}, schema=schema)
        pq.write_table(table, target, compression="zstd")
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return name


PACKAGE_LICENCE = {
    "name": "ODC-By-1.0",
    "title": "Open Data Commons Attribution License 1.0",
    "path": "https://opendatacommons.org/licenses/by/1-0/",
}
MEDIATYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
}


def _origins(res: Resource, rows: list[dict[str, Any]], sources: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """What a resource's rows rest on: each dataset or reference, and the cited pages in bulk."""
    used = {r["source_id"] for r in rows if r.get("source_id")} if "source_id" in res.field_names else set()
    if res.name == "sources":
        used = set(sources)
    out: list[dict[str, Any]] = []
    pages = 0
    for sid in sorted(used):
        src = sources.get(sid, {})
        if src.get("kind") in ("dataset", "reference"):
            entry = {
                "title": src.get("title") or sid,
                "path": src.get("url"),
                "version": src.get("published"),
            }
            out.append({k: v for k, v in entry.items() if v} | {"licence": src.get("licence")})
        else:
            pages += 1
    if pages:
        out.append({"title": f"{pages} web pages, documents and statements, one per row (see sources.csv)"})
    return out


def package_descriptor(
    rows: dict[str, list[dict[str, Any]]], files: dict[str, str], extra: dict[str, Any]
) -> dict[str, Any]:
    """datapackage.json for a set of resource rows: schemas, per-file sources and licences."""
    sources = {s["source_id"]: s for s in rows.get("sources", [])}
    resources = []
    for res in all_resources():
        fname = files[res.name]
        fmt = Path(fname).suffix.lstrip(".")
        origins = _origins(res, rows.get(res.name, []), sources)
        entry: dict[str, Any] = {
            "name": res.name,
            "path": fname,
            "title": res.title,
            "description": res.description,
            "format": fmt,
            "mediatype": MEDIATYPES[fmt],
        }
        if fmt in ("csv", "json"):
            entry["encoding"] = "utf-8"
        entry["sources"] = [{k: v for k, v in o.items() if k != "licence"} for o in origins]
        licences = sorted({o["licence"] for o in origins if o.get("licence")} | {PACKAGE_LICENCE["name"]})
        entry["licenses"] = [{"name": lic} for lic in licences]
        entry["schema"] = table_schema(res)
        resources.append(entry)
    descriptor = {
        "name": "lazos",
        "title": "Lazos: China–Latin America & Caribbean cooperation, sourced facts",
        "licenses": [PACKAGE_LICENCE],
        **extra,
        "resources": resources,
    }
    return descriptor


def write_package(
    rows: dict[str, list[dict[str, Any]]],
    folder: str | Path,
    fmt: str = "csv",
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write every resource and a datapackage.json into ``folder``; returns the descriptor path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for res in all_resources():
        ordered = sorted(rows.get(res.name, []), key=lambda r: _sort_key(res, r))
        files[res.name] = write_resource(res, ordered, folder, fmt)
    descriptor = package_descriptor(rows, files, extra or {})
    target = folder / "datapackage.json"
    target.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return target


def _sort_key(res: Resource, row: dict[str, Any]) -> tuple:
    return tuple((row.get(k) is not None, format_cell(row.get(k))) for k in res.primary_key)
