"""The embedded dataset describes and validates itself (Frictionless), and matches the schema."""

import json

import pytest

from lazos.paths import embedded_data_dir
from lazos.store.resources import all_resources, table_schema


def test_embedded_package_is_valid_frictionless_with_foreign_keys():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(embedded_data_dir() / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_manifest_names_each_file_schema_sources_and_licences():
    descriptor = json.loads((embedded_data_dir() / "datapackage.json").read_text("utf-8"))
    by_name = {r["name"]: r for r in descriptor["resources"]}
    assert set(by_name) == {r.name for r in all_resources()}
    for res in all_resources():
        entry = by_name[res.name]
        assert entry["schema"] == table_schema(res)
        assert {"name": "ODC-By-1.0"} in entry["licenses"], res.name
        rows = (embedded_data_dir() / entry["path"]).read_text("utf-8").count("\n") - 1
        assert bool(entry["sources"]) == (rows > 0), res.name
    events = by_name["events"]
    assert any("web pages" in s["title"] for s in events["sources"])
    assert {"name": "ODC-By-1.0"} in events["licenses"]


def test_every_resource_field_is_a_database_column(db):
    for res in all_resources():
        columns = {r[0] for r in db.con.execute(f"DESCRIBE {res.table}").fetchall()}
        derived = {"source_key"} if res.name == "sources" else set()  # stored keys of sources
        assert set(res.stored_columns()) | {"retired_at", "load_id"} | derived == columns, res.table
        readable = {r[0] for r in db.con.execute(f"DESCRIBE {res.read_table}").fetchall()}
        assert set(res.db_columns()) <= readable, res.read_table


def test_no_curator_quote_or_note_is_copied_into_the_repository(shared_data):
    import csv

    texts = []
    for name in ("countries", "bri_mou", "agreements", "headline_stats", "projects"):
        with (shared_data / "curated" / f"{name}.csv").open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                texts += [t for t in (row.get("quote"), row.get("note")) if t and len(t) > 40]
    committed = "\n".join(p.read_text("utf-8") for p in embedded_data_dir().glob("*.csv"))
    copied = [t for t in texts if t in committed]
    assert copied == []
