"""`lazos export` writes a complete package; building from it gives back equal content."""

import zipfile

import pytest

import lazos
from lazos.paths import embedded_data_dir
from lazos.store.resources import all_resources


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json", "datapackage"])
def test_export_then_build_gives_equal_content(db, built_db, tmp_path, fmt, content):
    path = db.export(tmp_path / "out", fmt).path
    rebuilt = tmp_path / "rebuilt.duckdb"
    lazos.build(rebuilt, path)
    assert content(rebuilt) == content(built_db)


def test_csv_export_of_the_embedded_build_is_byte_identical_to_the_embedded_files(db, tmp_path):
    out = db.export(tmp_path / "csv", "csv").path
    for res in all_resources():
        name = f"{res.name}.csv"
        assert (out / name).read_bytes() == (embedded_data_dir() / name).read_bytes(), name


def test_datapackage_export_is_one_valid_frictionless_zip(db, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    archive = db.export(tmp_path / "zip", "datapackage").path
    assert archive.name == "lazos-datapackage.zip"
    with zipfile.ZipFile(archive) as zf:
        assert "lazos/datapackage.json" in zf.namelist()
        zf.extractall(tmp_path / "unzipped")
    report = frictionless.validate(str(tmp_path / "unzipped" / "lazos" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_export_refuses_an_unknown_format(cli, tmp_path):
    result = cli("export", str(tmp_path / "x"), "--format", "xlsx")
    assert result.code == 1 and "unknown export format 'xlsx'" in result.err
