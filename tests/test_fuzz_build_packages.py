"""Fuzzing `lazos build --from`: whatever a package's cells, bytes or descriptor hold, the build
either gives a database or a Lazos error (one line on the command line), never a traceback,
and never leaves a half-written database."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lazos
from lazos.documents.ingest import ingest
from lazos.errors import LazosError
from lazos.paths import embedded_data_dir

DOC = Path(__file__).parent / "devset" / "passages_es.txt"

EVENTS, PROJECTS, OBSERVATIONS = 12, 6, 40
FILES = ("events.csv", "projects.csv", "project_amounts.csv", "observations.csv", "countries.csv", "sources.csv")
# A complete export also holds its history: the loads and every version not in the main files.
HISTORY = ("history/load_runs.csv", "history/documents.csv", "history/claims.csv", "history/sources.csv")
ODD_CELLS = st.sampled_from(
    ["", " ", "NaN", "inf", "-1e400", "1e308", "2022-13-01", "2022-02-30", "0000", "true", "TRUE", "\x00", '"', ","]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *rows])


@pytest.fixture(scope="module")
def small_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded package cut to a few events, projects and observations (fast to build),
    its descriptor without checksums so that mutated cells reach validation."""
    target = tmp_path_factory.mktemp("fuzz") / "package"
    shutil.copytree(embedded_data_dir(), target)
    header, events = _rows(target / "events.csv")
    _write(target / "events.csv", header, events[:EVENTS])
    header, projects = _rows(target / "projects.csv")
    kept = {r[0] for r in projects[:PROJECTS]}
    for name in ("projects", "project_countries", "project_milestones", "project_amounts", "project_ids"):
        name += ".csv"
        header, rows = _rows(target / name)
        _write(target / name, header, [r for r in rows if r[header.index("project_id")] in kept])
    for name in ("project_locations", "project_geometries"):
        header, _ = _rows(target / f"{name}.csv")
        _write(target / f"{name}.csv", header, [])
    header, rows = _rows(target / "observations.csv")
    rows = rows[:OBSERVATIONS]
    _write(target / "observations.csv", header, rows)
    keys = {(*r[:4], r[5]) for r in rows}
    header, details = _rows(target / "observation_details.csv")
    _write(target / "observation_details.csv", header, [d for d in details if tuple(d[:5]) in keys])
    descriptor = json.loads((target / "datapackage.json").read_text("utf-8"))
    for entry in descriptor["resources"]:
        entry.pop("hash", None), entry.pop("bytes", None)
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=1), "utf-8")
    # A database holding the user's data, which a different package refreshes in place, and
    # its complete export (with history/), checksums removed as above.
    user = target.parent / "user.duckdb"
    lazos.build(user, target)
    ingest(user, [str(DOC)])
    with lazos.open(user) as db:
        historied = db.export(target.parent / "historied").path
    descriptor = json.loads((historied / "datapackage.json").read_text("utf-8"))
    for entry in descriptor["resources"]:
        entry.pop("hash", None), entry.pop("bytes", None)
    (historied / "datapackage.json").write_text(json.dumps(descriptor, indent=1), "utf-8")
    return target


def build_or_refuse(package: Path, user_db: Path) -> None:
    """Build into a new file and into a database holding user data: a database or a Lazos
    error, and on an error neither target changed and nothing is left beside them."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh, existing = Path(tmp) / "fresh.duckdb", Path(tmp) / "user.duckdb"
        shutil.copyfile(user_db, existing)
        before = existing.read_bytes()
        for target in (fresh, existing):
            try:
                lazos.build(target, package)
            except LazosError:
                if target == fresh:
                    assert not fresh.exists()
                else:
                    assert existing.read_bytes() == before
            else:
                with lazos.open(target) as db:
                    assert db.events(include_alternatives=True) is not None
            assert not [p.name for p in Path(tmp).iterdir() if p.name.startswith(".")]  # nothing left beside


def mutated_copy(small_package: Path, tmp: str, name: str = "package") -> Path:
    package = Path(tmp) / "package"
    shutil.copytree(small_package.parent / name, package)
    return package


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from([("package", f) for f in FILES] + [("historied", f) for f in (*HISTORY, *FILES)]),
    st.integers(min_value=0, max_value=200),
    st.integers(min_value=0, max_value=20),
    ODD_CELLS | st.sampled_from(["\n", "ARG", "XXX", "9" * 400, "2020/2019", "-0", "1,5"]) | st.text(max_size=30),
)
def test_a_mutated_cell_builds_or_is_refused(small_package, file, row, column, value):
    kind, name = file
    with tempfile.TemporaryDirectory() as tmp:
        package = mutated_copy(small_package, tmp, kind)
        header, rows = _rows(package / name)
        if rows:
            rows[row % len(rows)][column % len(header)] = value
        _write(package / name, header, rows)
        build_or_refuse(package, small_package.parent / "user.duckdb")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.integers(min_value=0, max_value=40),
    st.sampled_from(["name", "path", "schema", "hash", "bytes", "format", "fields", "resources", "whole"]),
    JSON,
)
def test_a_mutated_descriptor_builds_or_is_refused(small_package, index, key, value):
    with tempfile.TemporaryDirectory() as tmp:
        package = mutated_copy(small_package, tmp)
        path = package / "datapackage.json"
        descriptor = json.loads(path.read_text("utf-8"))
        entry = descriptor["resources"][index % len(descriptor["resources"])]
        if key == "whole":
            descriptor = value
        elif key == "resources":
            descriptor["resources"].append(value)
        elif key == "fields":
            entry["schema"]["fields"][0] = value
        elif key == "hash" and value is None:  # a right checksum of another file
            entry["hash"] = "sha256:" + hashlib.sha256(b"other").hexdigest()
        else:
            entry[key] = value
        path.write_text(json.dumps(descriptor), "utf-8")
        build_or_refuse(package, small_package.parent / "user.duckdb")


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from([*FILES, "datapackage.json"]), st.floats(min_value=0, max_value=1), st.binary(max_size=40))
def test_cut_or_garbled_bytes_build_or_are_refused(small_package, name, where, garbage):
    with tempfile.TemporaryDirectory() as tmp:
        package = mutated_copy(small_package, tmp)
        data = (package / name).read_bytes()
        cut = int(len(data) * where)
        (package / name).write_bytes(data[:cut] + garbage)
        build_or_refuse(package, small_package.parent / "user.duckdb")
        archive = shutil.make_archive(str(Path(tmp) / "package"), "zip", tmp, "package")
        zipped = Path(archive).read_bytes()
        Path(archive).write_bytes(zipped[: int(len(zipped) * where)] + garbage)
        build_or_refuse(Path(archive), small_package.parent / "user.duckdb")
