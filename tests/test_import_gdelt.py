"""`lazos import gdelt`: one GDELT events file, all or nothing, with history.

The second file in these tests is DERIVED from the real one (the same rows, one value
changed, under the next 15-minute slot's name) to stand for GDELT republishing an event with
a correction; it is not real data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

import lazos
from lazos.errors import LazosError, ValidationError

REAL = "20191024143000.export.CSV"
EVENT = "881991280"  # a real China–Brazil event of the file (CHN and BRA actors, CAMEO 042)


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_embedded_dataset_holds_the_real_china_brazil_events(built_db):
    assert rows(built_db, "SELECT country, match, count(*) FROM news_event GROUP BY ALL ORDER BY ALL") == [
        ("BRA", "actor", 13),
        ("BRA", "geo", 2),
    ]
    (url,) = rows(built_db, f"SELECT source_url FROM news_event WHERE event_id = '{EVENT}'")[0]
    assert url.startswith("https://")


def test_importing_the_real_file_again_changes_no_event(shared_data, db_copy):
    report = lazos.api.import_file("gdelt", shared_data / "gdelt" / REAL, db=db_copy)
    assert report.changes["news_events"].inserted == 0 and report.changes["news_events"].retired == 0


def test_a_corrected_event_retires_the_old_version_which_stays_readable_as_recorded(shared_data, db_copy, tmp_path):
    lines = (shared_data / "gdelt" / REAL).read_text("utf-8").splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith(EVENT + "\t"))
    cells = lines[i].split("\t")
    before = int(cells[33])  # NumArticles
    cells[33] = str(before + 1)
    corrected = tmp_path / "20191024144500.export.CSV"  # derived: the next slot, one value changed
    corrected.write_text("\n".join([*lines[:i], "\t".join(cells), *lines[i + 1 :]]) + "\n", encoding="utf-8")
    report = lazos.api.import_file("gdelt", corrected, db=db_copy)
    assert (report.changes["news_events"].inserted, report.changes["news_events"].retired) == (15, 15)
    assert rows(
        db_copy, f"SELECT num_articles, source_id FROM news_event WHERE event_id = '{EVENT}' AND retired_at IS NULL"
    ) == [(before + 1, "gdelt-events-20191024144500")]
    with lazos.open(db_copy) as handle:
        started = handle.con.execute("SELECT max(started_at) FROM load_run").fetchall()[0][0]
    with lazos.open(db_copy, recorded_as_of=started - timedelta(microseconds=1)) as handle:
        old = handle.con.execute(
            f"SELECT num_articles FROM news_event e WHERE {handle.visible('e')} AND event_id = '{EVENT}'"
        ).fetchall()
    assert old == [(before,)]


def test_a_bad_row_stops_the_import_with_its_file_and_line(shared_data, db_copy, tmp_path, content):
    lines = (shared_data / "gdelt" / REAL).read_text("utf-8").splitlines()
    lines[2] = "\t".join(lines[2].split("\t")[:50])
    bad = tmp_path / REAL
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = content(db_copy)
    with pytest.raises(ValidationError) as caught:
        lazos.api.import_file("gdelt", bad, db=db_copy)
    assert "row 3" in str(caught.value) and REAL in str(caught.value)
    assert content(db_copy) == before


def test_a_mentions_or_gkg_file_is_refused_with_the_command_that_reads_it(shared_data, db_copy):
    with pytest.raises(LazosError, match="lazos monitor"):
        lazos.api.import_file("gdelt", shared_data / "gdelt" / "20250807220000.mentions_first13.CSV", db=db_copy)
