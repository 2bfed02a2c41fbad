"""`--db` is a common option: before the command (`lazos --db X query ...`) or after it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import lazos


def test_db_before_the_command_is_used(cli, built_db: Path):
    result = cli("--db", str(built_db), "query", "select count(*) n from country", "-f", "json", db=None)
    assert result.code == 0, result.err
    assert json.loads(result.out)["rows"][0]["n"] > 30


def test_db_after_the_command_wins(cli, built_db: Path, tmp_path: Path):
    missing = tmp_path / "missing.duckdb"
    result = cli("--db", str(missing), "countries", "-f", "csv", "--db", str(built_db), db=None)
    assert result.code == 0, result.err
    assert not missing.exists()


def test_a_missing_database_before_the_command_is_an_error_as_after_it(cli, tmp_path: Path):
    missing = tmp_path / "missing.duckdb"
    before = cli("--db", str(missing), "countries", db=None)
    after = cli("countries", "--db", str(missing), db=None)
    assert before.code == after.code == 1
    assert before.err == after.err
    assert before.err.startswith("lazos: error: no Lazos database at") and before.err.count("\n") == 1
    assert not missing.exists()


def test_db_before_the_command_reaches_nested_and_writing_commands(cli, db_copy: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("LAZOS_DB", str(tmp_path / "elsewhere.duckdb"))  # the option beats the variable
    runs = cli("--db", str(db_copy), "analyses", "runs", "-f", "json", db=None)
    assert runs.code == 0, runs.err
    doc = tmp_path / "note.txt"
    doc.write_text("China exported US$ 1.5 billion of goods to Peru in 2022.\n", encoding="utf-8")
    ingested = cli("--db", str(db_copy), "ingest", str(doc), db=None)
    assert ingested.code == 0, ingested.err
    with lazos.open(db_copy) as handle:
        assert len(handle.documents()) == 1
    assert not (tmp_path / "elsewhere.duckdb").exists()


def test_lazos_db_variable_still_applies_without_the_option(cli, built_db: Path, tmp_path: Path, monkeypatch):
    target = tmp_path / "env.duckdb"
    shutil.copyfile(built_db, target)
    monkeypatch.setenv("LAZOS_DB", str(target))
    result = cli("query", "select 1 x", "-f", "json", db=None)
    assert result.code == 0, result.err
    assert json.loads(result.out)["rows"] == [{"x": 1}]


def test_db_is_documented_as_usable_before_the_command():
    docs = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text("utf-8")
    assert "lazos --db PATH COMMAND" in docs
