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
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from lazos.countries import normalise
from lazos.dates import parse_fuzzy
from lazos.errors import DataError, InvalidDateError, ValidationError
from lazos.store.resources import (
    Field,
    Resource,
    all_resources,
    history_resources,
    row_problems,
    table_schema,
)

FORMATS = {".csv": "csv", ".parquet": "parquet", ".json": "json"}
# GeoJSON shapes are long cells; the csv module's default limit (128 KiB) is too small.
csv.field_size_limit(1 << 26)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
MAX_ERRORS = 200
INTEGER_MIN, INTEGER_MAX = -(2**31), 2**31 - 1  # the store's INTEGER columns
_REQUIRED = "a value is required"

ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "fuzzy_date": pa.string(),  # stored as the text the source wrote
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),
}
DESCRIPTOR = "datapackage.json"
HISTORY_FOLDER = "history"
# Hash algorithms a descriptor may name ("sha256:<hex>"; a bare hex digest is MD5, as in Frictionless).
HASHES = ("md5", "sha1", "sha256", "sha512")


@dataclass
class Package:
    """Validated resources as Arrow tables (fuzzy dates expanded), plus the manifest.

    ``history`` holds the history resources of a complete export (loads, row versions, saved
    analyses), or None for a package of current rows only (the embedded dataset).
    """

    tables: dict[str, pa.Table]
    descriptor: dict[str, Any]
    input_hash: str
    history: dict[str, pa.Table] | None = None

    @property
    def base_load(self) -> int:
        """The load of the main files' rows that history/ does not list: the first build."""
        if self.history is None:
            return 1
        loads = self.history["load_runs"].to_pylist()
        return min(r["load_id"] for r in loads if r["kind"] == "build")

    def rows(self, name: str) -> list[dict[str, Any]]:
        return self.tables[name].to_pylist()


# ---------------------------------------------------------------- reading raw files


# What reading a broken archive member can raise: a truncated or corrupt zip fails in zipfile,
# zlib or with EOF, depending on where it was cut.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError)


class _Files:
    """Uniform access to the files of a package folder or zip archive."""

    def __init__(self, path: Path):
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        if path.is_dir():
            return
        try:
            self.zip = zipfile.ZipFile(path)
            names = [n for n in self.zip.namelist() if n.endswith(DESCRIPTOR)]
        except _ZIP_ERRORS as exc:
            raise ValidationError(
                [
                    DataError(
                        "not-a-package",
                        f"not a data package: give a folder with a {DESCRIPTOR}, or a .zip of one "
                        f"(this file is not a readable zip archive: {exc})",
                        str(path),
                    )
                ]
            ) from exc
        if not names:
            raise ValidationError([DataError("missing-descriptor", f"the zip archive has no {DESCRIPTOR}", str(path))])
        self.prefix = min(names, key=len)[: -len(DESCRIPTOR)]
        self.members = set(self.zip.namelist())

    def read_bytes(self, name: str) -> bytes:
        """The file's bytes; a file that cannot be read raises ValidationError, located."""
        try:
            if self.zip:
                return self.zip.read(self.prefix + name)
            return (self.path / name).read_bytes()
        except _ZIP_ERRORS as exc:
            what = "the zip archive is truncated or corrupt here" if self.zip else "the file cannot be read"
            raise ValidationError([DataError("unreadable-file", f"{what} ({exc})", name)]) from exc

    def exists(self, name: str) -> bool:
        if self.zip:
            return (self.prefix + name) in self.members
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
    if f.type == "datetime":
        return _to_datetime(value)
    if f.type == "date":
        return _to_date(value)
    if f.type == "boolean":
        if isinstance(value, bool):
            return value, None
        if value in ("true", "false"):
            return value == "true", None
        return None, f"{value!r} is not true or false"
    if f.type == "integer":
        if isinstance(value, bool):
            return None, f"{value!r} is not an integer"
        out_of_range = f"{value!r} is out of range (integers are stored in 32 bits)"
        if isinstance(value, str) and _INTEGER.match(value):
            if len(value.lstrip("+-0")) > 10:  # more digits than any 32-bit integer (and than int() reads)
                return None, out_of_range
            value = int(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int):
            return None, f"{value!r} is not an integer (write digits only, no separators)"
        return (value, None) if INTEGER_MIN <= value <= INTEGER_MAX else (None, out_of_range)
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


def _to_datetime(value: Any) -> tuple[datetime | None, str | None]:
    """An ISO 8601 date and time (UTC; an offset is converted to UTC)."""
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(str(value))
        except ValueError:
            return None, f"{value!r} is not a date and time (write YYYY-MM-DDTHH:MM:SS.ffffff, UTC)"
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value, None


def _to_date(value: Any) -> tuple[date | None, str | None]:
    if isinstance(value, datetime):
        return None, f"{value!r} is a date and time, not a date"
    if isinstance(value, date):
        return value, None
    try:
        return date.fromisoformat(str(value)), None
    except ValueError:
        return None, f"{value!r} is not a date (write YYYY-MM-DD)"


# ---------------------------------------------------------------- validation


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
        for field_name, problem in row_problems(res.versions_of or res.name, record) if ok else []:
            errors.append(DataError("invalid-value", problem, label, rownum, field_name))
            ok = False
        if not ok:
            continue
        if not res.primary_key:  # an append-only log (saved analysis results): no key to check
            out.append(record)
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
    resources: tuple[Resource, ...],
    records: dict[str, list[dict[str, Any]]],
    labels: dict[str, str],
    errors: list[DataError],
) -> None:
    for res in resources:
        for fk in res.foreign_keys:
            targets = {tuple(_key_part(r[c]) for c in fk.reference) for r in records.get(fk.resource, [])}
            noun = "country" if fk.resource == "countries" else fk.resource.rstrip("s")
            noun = noun.replace("_", " ")
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
    columns: dict[str, list[Any]] = {f.name: [] for f in res.fields}
    for r in records:
        for f in res.fields:
            v = r[f.name]
            if f.type == "fuzzy_date":
                v = v.text if v is not None and v.text else None
            columns[f.name].append(v)
    schema = pa.schema([(f.name, ARROW_TYPES[f.type]) for f in res.fields])
    return pa.table({name: columns[name] for name in schema.names}, schema=schema)


def _is_safe_path(rel: str) -> bool:
    """A resource path inside the package: relative, without '..' (as Frictionless requires)."""
    path = PurePosixPath(rel)
    return bool(rel) and "\\" not in rel and not path.is_absolute() and ".." not in path.parts


def _descriptor(files: _Files, where: str) -> dict[str, Any]:
    if not files.exists(DESCRIPTOR):
        raise ValidationError([DataError("missing-descriptor", f"no {DESCRIPTOR}", where)])
    raw = files.read_bytes(DESCRIPTOR)
    try:
        descriptor = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValidationError([DataError("malformed-descriptor", str(exc), DESCRIPTOR)]) from exc
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise ValidationError(
            [DataError("malformed-descriptor", "expected an object with a list of resources", DESCRIPTOR)]
        )
    return descriptor


def _entries(descriptor: dict[str, Any], errors: list[DataError]) -> dict[str, dict[str, Any]]:
    """The descriptor's resources by name; anything Lazos does not know is an error."""
    known = {r.name for r in (*all_resources(), *history_resources())}
    entries: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(descriptor["resources"]):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str):
            errors.append(DataError("malformed-descriptor", f"resource {i + 1} has no name", DESCRIPTOR))
            continue
        if name in entries:
            errors.append(DataError("duplicate-resource", f"resource {name!r} is listed twice", DESCRIPTOR))
            continue
        if name not in known:
            errors.append(
                DataError(
                    "extra-resource",
                    f"resource {name!r} (file {entry.get('path')!r}) is not a Lazos resource; "
                    "remove it from the package",
                    DESCRIPTOR,
                )
            )
            continue
        path = entry.get("path")
        if not isinstance(path, str) or not _is_safe_path(path):
            errors.append(
                DataError(
                    "invalid-path", f"resource {name!r}: path {path!r} is not a file inside the package", DESCRIPTOR
                )
            )
            continue
        entries[name] = entry
    return entries


def _declared_type(spec: dict[str, Any]) -> str:
    return f"{spec.get('type')}" + (f" ({spec['lazos:type']})" if "lazos:type" in spec else "")


def _check_schema(res: Resource, entry: dict[str, Any], errors: list[DataError]) -> None:
    """The descriptor's Table Schema must declare the fields and types of resources.yaml."""
    if "schema" not in entry:
        return
    schema = entry["schema"]
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
        errors.append(
            DataError("malformed-descriptor", f"resource {res.name!r}: schema has no list of fields", DESCRIPTOR)
        )
        return
    declared = {str(f.get("name")): _declared_type(f) for f in fields}
    expected = {f["name"]: _declared_type(f) for f in table_schema(res)["fields"]}
    for name, kind in expected.items():
        if name not in declared:
            errors.append(
                DataError("schema-mismatch", f"the schema of {res.name!r} lacks the field", DESCRIPTOR, None, name)
            )
        elif declared[name] != kind:
            errors.append(
                DataError(
                    "schema-mismatch",
                    f"the schema of {res.name!r} declares type {declared[name]}; Lazos expects {kind}",
                    DESCRIPTOR,
                    None,
                    name,
                )
            )
    for name in declared:
        if name not in expected:
            errors.append(
                DataError("schema-mismatch", f"the schema of {res.name!r} has an unknown field", DESCRIPTOR, None, name)
            )


def _check_integrity(entry: dict[str, Any], rel: str, data: bytes, errors: list[DataError]) -> None:
    """The file's checksum and size, where the descriptor records them ("hash", "bytes"): one
    error per changed file."""
    changed = "it was changed after the package was written"
    stated = entry.get("hash")
    if stated is not None:
        algorithm, _, digest = str(stated).rpartition(":")
        algorithm = algorithm or "md5"  # a bare digest is MD5, as in Frictionless
        if algorithm not in HASHES:
            errors.append(DataError("hash-count", f"unsupported hash {stated!r} (use sha256:<hex>)", rel))
        elif hashlib.new(algorithm, data).hexdigest() != digest.lower():
            errors.append(
                DataError("hash-count", f"the file's {algorithm} is not the one {DESCRIPTOR} records: {changed}", rel)
            )
        return
    size = entry.get("bytes")
    if size is not None and size != len(data):
        errors.append(
            DataError("byte-count", f"the file has {len(data)} bytes, {DESCRIPTOR} says {size!r}: {changed}", rel)
        )


def _check_versions(records: dict[str, list[dict[str, Any]]], labels: dict[str, str], errors: list[DataError]) -> None:
    """history/ agrees with the main files: its current versions are the main files' rows, and
    its loads include the first build (whose current rows the main files hold)."""
    if "load_runs" in labels and not any(r["kind"] == "build" for r in records.get("load_runs", [])):
        errors.append(DataError("missing-build-load", "load_runs lists no build load", labels["load_runs"]))
    for res in all_resources():
        current = [r for r in records.get(f"{res.name}_history", []) if r["retired_at"] is None]
        if not current:
            continue
        label = labels[f"{res.name}_history"]
        main = {tuple(_key_part(r[k]) for k in res.primary_key): r for r in records.get(res.name, [])}
        seen: dict[tuple, int] = {}
        for r in current:
            key = tuple(_key_part(r[k]) for k in res.primary_key)
            found = main.get(key)
            if key in seen:
                errors.append(
                    DataError(
                        "history-mismatch", f"a second current version (first at row {seen[key]})", label, r["_row"]
                    )
                )
            elif found is None or any(_key_part(found[f]) != _key_part(r[f]) for f in res.field_names):
                errors.append(
                    DataError(
                        "history-mismatch",
                        f"a current version (no retired_at) that {labels[res.name]} does not hold as it is",
                        label,
                        r["_row"],
                    )
                )
            seen.setdefault(key, r["_row"])


def read_package(path: str | Path) -> Package:
    """Read and validate a data package; raise ValidationError listing every problem.

    A package made by ``lazos export`` also holds the history resources (loads, row versions,
    saved analyses); they are read and checked when the descriptor lists ``load_runs``.
    """
    path = Path(path)
    if not path.exists():
        raise ValidationError([DataError("missing-package", "no such file or folder", str(path))])
    files = _Files(path)
    descriptor = _descriptor(files, str(path))
    errors: list[DataError] = []
    # A file changed after the package was written: reported when its content is otherwise
    # valid (an edited value), since content errors locate a damaging change more precisely.
    changed: list[DataError] = []
    entries = _entries(descriptor, errors)
    with_history = "load_runs" in entries
    resources = (*all_resources(), *(history_resources() if with_history else ()))
    digest = hashlib.sha256()
    records: dict[str, list[dict[str, Any]]] = {}
    labels: dict[str, str] = {}
    for res in resources:
        entry = entries.get(res.name)
        if entry is None:
            errors.append(DataError("missing-resource", f"{DESCRIPTOR} lists no resource {res.name!r}", DESCRIPTOR))
            continue
        rel = entry["path"]
        labels[res.name] = rel
        _check_schema(res, entry, errors)
        if not files.exists(rel):
            errors.append(DataError("missing-file", f"the file listed in {DESCRIPTOR} is missing", rel))
            continue
        fmt = FORMATS.get(Path(rel).suffix.lower())
        if fmt is None:
            errors.append(DataError("unknown-format", "expected a .csv, .parquet or .json file", rel))
            continue
        data = files.read_bytes(rel)
        _check_integrity(entry, rel, data, changed)
        if not res.history:  # the input hash names the data a build loads (history is restored, not loaded)
            digest.update(rel.encode() + b"\0" + data)
        header, rows = _READERS[fmt](data, rel, errors)
        # An empty JSON list has no header to check; it is simply a resource without rows.
        records[res.name] = _validate_resource(res, rel, header, rows, errors) if header else []
        if len(errors) > MAX_ERRORS:
            break
    if not errors:
        _check_foreign_keys(resources, records, labels, errors)
        _check_aliases(records, labels.get("country_aliases", "country_aliases"), errors)
        _check_versions(records, labels, errors)
    errors = errors or changed
    if errors:
        raise ValidationError(errors)
    tables = {res.name: _to_arrow(res, records[res.name]) for res in all_resources()}
    history = {res.name: _to_arrow(res, records[res.name]) for res in history_resources()} if with_history else None
    return Package(tables=tables, descriptor=descriptor, input_hash=digest.hexdigest(), history=history)


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
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    return format_cell(value) if isinstance(value, date) else value


def resource_file(res: Resource, fmt: str) -> str:
    """The path of a resource's file in a package: history resources go in history/."""
    stem = res.versions_of or res.name
    return f"{HISTORY_FOLDER}/{stem}.{fmt}" if res.history else f"{res.name}.{fmt}"


def write_resource(res: Resource, rows: list[dict[str, Any]], folder: Path, fmt: str) -> str:
    """Write one resource's rows (dicts keyed by field name); returns the file's path in the package."""
    name = resource_file(res, fmt)
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        with target.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(res.field_names)
            for r in rows:
                writer.writerow([format_cell(r.get(c)) for c in res.field_names])
    elif fmt == "json":
        payload = [{c: _json_value(r.get(c)) for c in res.field_names} for r in rows]
        target.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", "utf-8")
    elif fmt == "parquet":
        schema = pa.schema([(f.name, ARROW_TYPES[f.type]) for f in res.fields])
        table = pa.table({c: [r.get(c) for r in rows] for c in res.field_names}, schema=schema)
        pq.write_table(table, target, compression="zstd")
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return name


def file_integrity(path: Path) -> dict[str, Any]:
    """A file's size and SHA-256 as a data package records them (Frictionless "bytes", "hash")."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return {"bytes": size, "hash": f"sha256:{digest.hexdigest()}"}


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


def record_integrity(folder: str | Path) -> None:
    """Record again the size and SHA-256 of every file of a package folder edited on purpose
    (what `lazos snapshot` and `lazos export` write), so that it is read as a new package, not
    as a tampered one."""
    target = Path(folder) / DESCRIPTOR
    descriptor = json.loads(target.read_text("utf-8"))
    for entry in descriptor.get("resources", []):
        path = Path(folder) / entry["path"]
        if _is_safe_path(entry["path"]) and path.is_file():
            entry.update(file_integrity(path))
    target.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", "utf-8")


def package_descriptor(
    rows: dict[str, list[dict[str, Any]]],
    files: dict[str, str],
    extra: dict[str, Any],
    integrity: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """datapackage.json for a set of resource rows: schemas, per-file sources, licences, sizes and hashes."""
    sources = {s["source_id"]: s for s in rows.get("sources", [])}
    resources = []
    for res in (r for r in (*all_resources(), *history_resources()) if r.name in files):
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
        entry.update((integrity or {}).get(res.name, {}))
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
    history: dict[str, list[dict[str, Any]]] | None = None,
) -> Path:
    """Write every resource and a datapackage.json into ``folder``; returns the descriptor path.

    ``history`` (rows of every history resource) makes the package complete: `lazos build`
    then restores the loads, the retired row versions and the saved analyses.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    integrity = {}
    content = {**rows, **(history or {})}
    for res in (*all_resources(), *(history_resources() if history is not None else ())):
        ordered = sorted(content.get(res.name, []), key=lambda r: _sort_key(res, r))
        files[res.name] = write_resource(res, ordered, folder, fmt)
        integrity[res.name] = file_integrity(folder / files[res.name])
    descriptor = package_descriptor(content, files, extra or {}, integrity)
    target = folder / DESCRIPTOR
    target.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return target


def _sort_key(res: Resource, row: dict[str, Any]) -> tuple:
    return tuple((row.get(k) is not None, format_cell(row.get(k))) for k in res.primary_key)
