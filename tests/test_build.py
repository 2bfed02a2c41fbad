"""`lazos build` is atomic (a failure leaves the old database as it was) and idempotent."""

import os
import subprocess
import sys

import duckdb
import pytest

import lazos
from lazos.errors import DatabaseError, ValidationError
from lazos.store import build as build_module
from lazos.store.resources import all_resources


def test_building_twice_gives_the_same_content_without_duplicates(tmp_path, content):
    target = tmp_path / "twice.duckdb"
    lazos.build(target)
    first = content(target)
    assert lazos.build(target).action == "up-to-date"
    assert content(target) == first
    assert lazos.build(target, replace=True).action == "built"
    assert content(target) == first
    assert len(first["events"]) == len(set(first["events"]))
    assert all(first[t] for t in ("sources", "countries", "events", "projects", "observations"))


def test_every_row_carries_a_source(built_db):
    con = duckdb.connect(str(built_db), read_only=True)
    for res in all_resources():
        if "source_id" in res.field_names:
            missing = con.execute(f"SELECT count(*) FROM {res.read_table} WHERE source_id IS NULL").fetchall()[0][0]
            assert missing == 0, res.table
            dangling = con.execute(
                f"SELECT count(*) FROM {res.read_table} t WHERE NOT EXISTS "
                f"(SELECT 1 FROM source s WHERE s.source_id = t.source_id)"
            ).fetchall()[0][0]
            assert dangling == 0, res.table
    con.close()


def test_a_failed_build_leaves_the_previous_database_untouched(tmp_path, package_copy, content):
    target = tmp_path / "keep.duckdb"
    lazos.build(target)
    before = content(target)
    stamp = target.stat().st_mtime_ns
    events = package_copy / "events.csv"
    events.write_text(events.read_text("utf-8").replace("2022-02-06", "2022-13-01", 1), "utf-8")
    with pytest.raises(ValidationError):
        lazos.build(target, package_copy)
    assert target.stat().st_mtime_ns == stamp
    assert content(target) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".keep")] == []


def test_an_interrupted_build_leaves_the_previous_database_and_no_debris(tmp_path, monkeypatch, content):
    target = tmp_path / "interrupted.duckdb"
    lazos.build(target)
    before = content(target)
    real_load = build_module.load_package

    def load_then_interrupt(*args, **kwargs):
        real_load(*args, **kwargs)  # the rows are written into the new file...
        raise KeyboardInterrupt  # ...and then the user presses Ctrl-C

    monkeypatch.setattr(build_module, "load_package", load_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        lazos.build(target, replace=True)  # a fresh build (the same package would be up to date)
    assert content(target) == before
    assert sorted(os.listdir(tmp_path)) == ["interrupted.duckdb"]


def test_build_refuses_a_database_another_process_is_writing(tmp_path, content):
    target = tmp_path / "busy.duckdb"
    lazos.build(target)
    before = content(target)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(target)!r}); print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(DatabaseError, match="in use by another process"):
            lazos.build(target)
    finally:
        holder.kill()
        holder.wait()
    assert content(target) == before


def test_opening_a_missing_database_says_how_to_build_it(tmp_path):
    with pytest.raises(DatabaseError, match="run `lazos build`"):
        lazos.open(tmp_path / "nowhere.duckdb")
