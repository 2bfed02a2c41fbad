"""`lazos monitor` end to end on Ray (2 local CPUs) over the real GDELT files: the store gets
the China–LAC events with history, re-running changes nothing, a killed worker or a run
stopped between two chunks loses and doubles nothing, and bad input is reported with its
file and line while the rest is loaded.

The second events file some tests use is DERIVED from the real one (lazos.monitor.derived:
fresh event ids, dates shifted by one day); it is not real data."""

from __future__ import annotations

import os
import shutil
import zipfile
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from lazos.errors import LazosError
from lazos.monitor import lake
from lazos.monitor.derived import derive_events_file
from lazos.monitor.pipeline import KILL_ONCE_ENV, monitor

pytestmark = pytest.mark.ray

REAL_EVENTS = "20191024143000.export.CSV"
CHINA_BRAZIL = 15  # rows of the real file that involve China and Brazil (../shared/data/README.md)


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory):
    """One local Ray cluster of 2 CPUs for the module; workers inherit the kill-request path."""
    ray = pytest.importorskip("ray")
    request = tmp_path_factory.mktemp("kill") / "kill-one-worker"
    os.environ[KILL_ONCE_ENV] = str(request)
    if ray.is_initialized():  # workers must start after the variable is set
        ray.shutdown()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield request
    ray.shutdown()
    os.environ.pop(KILL_ONCE_ENV, None)


def current(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def news_rows(db: Path) -> list[tuple]:
    return current(db, "SELECT * EXCLUDE (load_id, retired_at) FROM news_event WHERE retired_at IS NULL ORDER BY ALL")


def test_monitor_loads_the_china_lac_events_of_the_real_files(ray_cluster, gdelt, db_copy, tmp_path):
    report = monitor(db_copy, from_dir=gdelt, lake_dir=tmp_path / "lake", workers=2)
    assert report.not_gdelt == ["LOOKUP-CAMEO.eventcodes.txt"]
    assert report.files_loaded == 4  # events, mentions and two GKG records
    assert report.events_selected == CHINA_BRAZIL
    rows = current(
        db_copy,
        "SELECT country, count(*), min(day), max(day), count(DISTINCT source_id) FROM news_event "
        "WHERE retired_at IS NULL AND source_id = 'gdelt-events-20191024143000' GROUP BY country",
    )
    assert rows == [("BRA", CHINA_BRAZIL, "2019-09-24", "2019-10-24", 1)]  # one event GDELT dated a month back
    (url,) = current(
        db_copy, "SELECT url FROM source WHERE source_id = 'gdelt-events-20191024143000' AND retired_at IS NULL"
    )[0]
    assert url == "http://data.gdeltproject.org/gdeltv2/20191024143000.export.CSV.zip"
    ledger = current(db_copy, "SELECT name, kind, rows_read, selected FROM monitor_file ORDER BY name")
    assert (REAL_EVENTS, "events", 2111, CHINA_BRAZIL) in ledger
    assert {k for _, k, _, _ in ledger} == {"events", "mentions", "gkg"}
    # The lake holds every parsed row, the selection marked on it.
    events = lake.read(tmp_path / "lake", "events")
    assert events.num_rows == 2111
    assert events.filter(events["country"].is_valid()).num_rows == CHINA_BRAZIL


def test_monitor_events_answer_as_of_their_date_and_as_recorded(ray_cluster, gdelt, db_copy, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    derived = derive_events_file(gdelt / REAL_EVENTS, folder, 1)  # derived: ids + 100 million, one day later
    monitor(db_copy, from_dir=folder, lake_dir=tmp_path / "lake", workers=2)
    import lazos

    with lazos.open(db_copy) as handle:
        loaded = handle.con.execute(
            "SELECT count(*) FROM news_event WHERE source_id = 'gdelt-events-20191025143000' AND retired_at IS NULL"
        ).fetchall()[0][0]
        assert loaded == CHINA_BRAZIL
        started = handle.con.execute(
            "SELECT started_at FROM load_run WHERE load_id = (SELECT max(load_id) FROM monitor_file)"
        ).fetchall()[0][0]
    before = started - timedelta(microseconds=1)  # just before the load: the build is seen
    with lazos.open(db_copy, recorded_as_of=before) as handle:
        visible = handle.con.execute(
            f"SELECT count(*) FROM news_event e WHERE {handle.visible('e')} "
            "AND source_id = 'gdelt-events-20191025143000'"
        ).fetchall()[0][0]
        embedded = handle.con.execute(f"SELECT count(*) FROM news_event e WHERE {handle.visible('e')}").fetchall()[0][0]
    assert visible == 0, "as recorded before the monitor's load, the derived events are not there"
    assert embedded == CHINA_BRAZIL, "and the events that were there are"
    assert derived.exists()


def test_running_the_monitor_again_over_the_same_files_changes_nothing(ray_cluster, gdelt, db_copy, tmp_path, content):
    monitor(db_copy, from_dir=gdelt, lake_dir=tmp_path / "lake", workers=2)
    first = content(db_copy)
    versions = {t: lake.version(tmp_path / "lake", t) for t in ("events", "mentions", "gkg")}
    again = monitor(db_copy, from_dir=gdelt, lake_dir=tmp_path / "lake", workers=2)
    assert again.files_already_loaded == 4 and again.files_loaded == 0
    assert content(db_copy) == first
    assert {t: lake.version(tmp_path / "lake", t) for t in versions} == versions


def test_a_killed_worker_is_retried_and_nothing_is_lost_or_doubled(ray_cluster, gdelt, db_copy, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(gdelt / REAL_EVENTS, folder)
    derive_events_file(gdelt / REAL_EVENTS, folder, 1)  # derived copy: a second file to share the workers
    ray_cluster.write_text("kill the next parse task's worker")
    report = monitor(db_copy, from_dir=folder, lake_dir=tmp_path / "lake", workers=2)
    assert not ray_cluster.exists() and Path(f"{ray_cluster}.done").exists(), "a worker was killed mid-task"
    assert report.files_loaded == 2 and report.events_selected == 2 * CHINA_BRAZIL
    assert lake.read(tmp_path / "lake", "events").num_rows == 2 * 2111


def test_a_run_stopped_between_chunks_resumes_where_it_stopped(
    ray_cluster, gdelt, db_copy, tmp_path, monkeypatch, built_db
):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(gdelt / REAL_EVENTS, folder)
    derive_events_file(gdelt / REAL_EVENTS, folder, 1)  # derived copy, loaded as a second chunk
    import lazos.monitor.pipeline as pipeline

    real_record = pipeline.record_files
    calls = []

    def stop_on_second_chunk(con, records, now):
        calls.append(records)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C (or a kill) while the second chunk is being loaded
        real_record(con, records, now)

    monkeypatch.setattr(pipeline, "record_files", stop_on_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        monitor(db_copy, from_dir=folder, lake_dir=tmp_path / "lake", workers=2, chunk_files=1)
    assert current(db_copy, "SELECT name FROM monitor_file") == [(REAL_EVENTS,)]
    assert current(db_copy, "SELECT count(*) FROM news_event WHERE source_id = 'gdelt-events-20191025143000'") == [
        (0,)
    ], "the stopped chunk left nothing in the store"
    monkeypatch.setattr(pipeline, "record_files", real_record)
    resumed = monitor(db_copy, from_dir=folder, lake_dir=tmp_path / "lake", workers=2, chunk_files=1)
    assert resumed.files_already_loaded == 1 and resumed.files_loaded == 1
    # The same as one clean run into another copy of the database.
    clean_db = tmp_path / "clean.duckdb"
    shutil.copyfile(built_db, clean_db)
    monitor(clean_db, from_dir=folder, lake_dir=tmp_path / "clean-lake", workers=2, chunk_files=1)
    assert news_rows(db_copy) == news_rows(clean_db)
    assert lake.read(tmp_path / "lake", "events").num_rows == 2 * 2111, "the redone chunk was replaced, not added"


def test_bad_rows_are_reported_with_file_and_line_and_the_rest_is_loaded(ray_cluster, gdelt, db_copy, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    lines = (gdelt / REAL_EVENTS).read_text("utf-8").splitlines()
    china = next(i for i, line in enumerate(lines) if "\tCHN\t" in line and "\tBRA\t" in line)
    broken = list(lines)
    broken[4] = "\t".join(lines[4].split("\t")[:60])  # a row one column short
    broken[9] = "not-an-id" + lines[9][lines[9].index("\t") :]  # a GLOBALEVENTID that is not a number
    (folder / REAL_EVENTS).write_text("\n".join(broken) + "\n", encoding="utf-8")
    # A truncated zip (the real file zipped, then cut): reported, left for the next run.
    whole = tmp_path / "whole.zip"
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(gdelt / REAL_EVENTS, "20191024144500.export.CSV")
    (folder / "20191024144500.export.CSV.zip").write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    report = monitor(db_copy, from_dir=folder, lake_dir=tmp_path / "lake", workers=2)
    assert report.bad_rows == 2
    assert {(b.file, b.line) for b in report.bad_row_examples} == {(REAL_EVENTS, 5), (REAL_EVENTS, 10)}
    assert [f.split(":")[0] for f in report.files_failed] == ["20191024144500.export.CSV.zip"]
    assert report.events_selected == CHINA_BRAZIL - (1 if china in (4, 9) else 0)
    assert current(db_copy, "SELECT name, bad_rows FROM monitor_file") == [(REAL_EVENTS, 2)]
    bad = lake.read(tmp_path / "lake", "bad_rows")
    assert sorted(bad["line"].to_pylist()) == [5, 10]


def test_monitor_refuses_a_missing_folder_and_a_bad_article_archive(ray_cluster, db_copy, tmp_path, gdelt):
    with pytest.raises(LazosError, match="no such folder"):
        monitor(db_copy, from_dir=tmp_path / "nowhere")
    archive = tmp_path / "archive"
    archive.mkdir()
    with pytest.raises(LazosError, match=r"manifest\.csv"):
        monitor(db_copy, from_dir=gdelt, articles=archive)
    (archive / "manifest.csv").write_text("url,file\nhttps://example.org/a,../../etc/passwd\n", encoding="utf-8")
    with pytest.raises(LazosError, match="outside the archive"):
        monitor(db_copy, from_dir=gdelt, articles=archive)
