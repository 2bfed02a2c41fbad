"""A data package records each file's size and SHA-256 (as Frictionless does), and `lazos build`
refuses a package whose files, resources or schemas are not what it says: a located error, one
line on the command line, and nothing built."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

import lazos
from lazos.errors import ValidationError


@pytest.fixture(scope="module")
def exported(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    with lazos.open(built_db) as db:
        return db.export(tmp_path_factory.mktemp("exported") / "package").path


@pytest.fixture()
def package(exported: Path, tmp_path: Path) -> Path:
    target = tmp_path / "package"
    shutil.copytree(exported, target)
    return target


def errors_of(package: Path) -> list:
    target = package.parent / "never.duckdb"
    with pytest.raises(ValidationError) as info:
        lazos.build(target, package)
    assert not target.exists()
    return info.value.errors


def edit_descriptor(package: Path, change) -> None:
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text("utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor), "utf-8")


def resource_entry(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def test_every_written_file_has_its_size_and_sha256(exported):
    descriptor = json.loads((exported / "datapackage.json").read_text("utf-8"))
    assert len(descriptor["resources"]) > 20  # the data, then the history
    for entry in descriptor["resources"]:
        data = (exported / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data), entry["name"]
        assert entry["hash"] == "sha256:" + hashlib.sha256(data).hexdigest(), entry["name"]


def test_an_edited_value_is_detected(package):
    path = package / "observations.csv"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    cells = lines[1].split(",")
    cells[4] = str(float(cells[4]) + 1)  # still a valid number: only the checksum can tell
    lines[1] = ",".join(cells)
    path.write_text("".join(lines), "utf-8")
    (error,) = errors_of(package)
    assert error.type == "hash-count" and error.file == "observations.csv"
    assert "changed after the package was written" in error.message


def test_a_changed_size_is_detected_without_a_hash(package):
    edit_descriptor(package, lambda d: resource_entry(d, "events").pop("hash"))
    with (package / "events.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")  # a blank line: the rows are the same, the file is not
    (error,) = errors_of(package)
    assert error.type == "byte-count" and error.file == "events.csv"


def test_a_changed_field_type_in_the_descriptor_is_refused(package):
    def retype(descriptor):
        field = next(f for f in resource_entry(descriptor, "observations")["schema"]["fields"] if f["name"] == "value")
        field["type"] = "string"

    edit_descriptor(package, retype)
    (error,) = errors_of(package)
    assert (error.type, error.file, error.field) == ("schema-mismatch", "datapackage.json", "value")
    assert "declares type string; Lazos expects number" in error.message


def test_an_extra_resource_is_refused(package):
    (package / "notes.csv").write_text("a,b\n1,2\n", "utf-8")
    edit_descriptor(package, lambda d: d["resources"].append({"name": "notes", "path": "notes.csv"}))
    (error,) = errors_of(package)
    assert error.type == "extra-resource" and "'notes'" in error.message


def test_a_path_outside_the_package_is_refused(package):
    edit_descriptor(package, lambda d: resource_entry(d, "codes").update(path="../codes.csv"))
    assert {e.type for e in errors_of(package)} == {"invalid-path", "missing-resource"}


def test_the_embedded_package_without_hashes_still_builds(package_copy, tmp_path):
    descriptor = json.loads((package_copy / "datapackage.json").read_text("utf-8"))
    for entry in descriptor["resources"]:
        entry.pop("hash", None), entry.pop("bytes", None)
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    assert lazos.build(tmp_path / "embedded.duckdb", package_copy).action == "built"


def test_a_csv_file_or_a_truncated_zip_is_one_error_line(cli, package, tmp_path):
    archive = Path(shutil.make_archive(str(tmp_path / "package"), "zip", package.parent, package.name))
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    cut_member = tmp_path / "cut.zip"  # the directory at the end intact, a member's bytes damaged
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("package/observations.csv")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 100 : start + 400] = b"\0" * 300
    cut_member.write_bytes(bytes(data))
    for given, expected in (
        (package / "events.csv", "not a data package"),
        (truncated, "not a data package"),
        (cut_member, "truncated or corrupt"),
    ):
        db = tmp_path / "cli.duckdb"
        result = cli("build", "--from", str(given), db=db)
        assert result.code == 1, given
        assert result.err.startswith("lazos: error: ") and expected in result.err, result.err
        assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1
        assert not db.exists()


def test_a_history_that_disagrees_with_the_main_files_is_refused(package):
    with (package / "events.csv").open(encoding="utf-8") as fh:
        header, first = fh.readline().rstrip("\n"), fh.readline().rstrip("\n")
    assert (package / "history" / "events.csv").read_text("utf-8") == header + ",load_id,retired_at\n"
    changed = first.replace(first.split(",")[1], "another-key", 1)  # a current version that events.csv lacks
    with (package / "history" / "events.csv").open("a", encoding="utf-8") as fh:
        fh.write(changed + ",1,\n")
    (error,) = errors_of(package)
    assert (error.type, error.file, error.row) == ("history-mismatch", "history/events.csv", 2)
    (package / "history" / "events.csv").write_text(header + ",load_id,retired_at\n", "utf-8")
    (package / "history" / "load_runs.csv").write_text("load_id,kind,started_at,finished_at,detail,input_hash\n")
    (error,) = errors_of(package)  # without loads, no build load holds the main files' rows
    assert (error.type, error.file) == ("missing-build-load", "history/load_runs.csv")
