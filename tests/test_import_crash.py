"""A killed import (kill -9, at any moment) leaves the database as it was, and the next run
leaves nothing behind: no re-encoded copy of the file, no log of the killed transaction."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_import_atomic import synthetic_wdi

from lazos.errors import ValidationError
from lazos.sources.rawfiles import COPY_PREFIX
from lazos.store.importer import import_files

LAZOS = Path(sys.executable).parent / "lazos"
# When to kill, as a share of an uninterrupted import's duration: while Python starts, while
# the file is re-encoded and read, while the rows are checked, while they are written.
MOMENTS = [0.1, 0.3, 0.5, 0.7]


def latin1_wdi(path: Path, countries: list[str], rows_per_country: int) -> Path:
    """A WDI bulk file in Latin-1 (so that --encoding makes a UTF-8 copy of it)."""
    synthetic_wdi(path, countries, rows_per_country)
    text = path.read_text("utf-8").replace("Test series 1 ", "Test séries 1 ")
    path.write_bytes(text.encode("latin-1"))
    return path


def leftovers(db: Path, temp: Path) -> list[str]:
    """What an import may leave: a copy beside the database or in the temp folder, a log (.wal),
    DuckDB's spill folder."""
    found = [p.name for p in db.parent.iterdir() if p.name.startswith(COPY_PREFIX) or p.name.startswith(db.name + ".")]
    return found + [p.name for p in temp.iterdir()]


def lazos(*args: str, temp: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(LAZOS), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(temp)},
    )


def test_an_import_killed_at_any_moment_changes_nothing_and_the_next_run_leaves_nothing(db_copy, tmp_path, content):
    temp = tmp_path / "tmp"
    temp.mkdir()
    small = latin1_wdi(tmp_path / "small.csv", ["ARG"], 3)
    big = latin1_wdi(tmp_path / "big.csv", ["ARG", "BRA", "CHL", "MEX", "PER", "COL", "ECU", "URY"], 3000)
    # The "next run" imports a file the database already holds: it changes nothing, but opens
    # the database for writing and cleans what a killed run left.
    next_run = ["import", "wdi", str(small), "--encoding", "latin-1", "--db", str(db_copy)]
    assert lazos(*next_run, temp=temp).wait() == 0
    template = tmp_path / "template.duckdb"
    shutil.copyfile(db_copy, template)
    before = content(template)
    reference = tmp_path / "reference.duckdb"  # an uninterrupted import, timed
    shutil.copyfile(template, reference)
    start = time.monotonic()
    assert lazos("import", "wdi", str(big), "--encoding", "latin-1", "--db", str(reference), temp=temp).wait() == 0
    duration = time.monotonic() - start
    untouched, left_by_a_kill = 0, []
    for moment in MOMENTS:
        shutil.copyfile(template, db_copy)
        child = lazos("import", "wdi", str(big), "--encoding", "latin-1", "--db", str(db_copy), temp=temp)
        time.sleep(moment * duration)
        assert child.poll() is None, f"the import ended before {moment * duration:.1f} s"
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        # Killed before its commit, the import left nothing; killed while the committed import
        # was being folded into the file or the process was exiting, all of it: never a part.
        state = content(db_copy)
        assert state == before or state == content(reference), f"killed after {moment * duration:.1f} s: a part"
        untouched += state == before
        left_by_a_kill += leftovers(db_copy, temp)
        done = lazos(*next_run, temp=temp)
        assert done.wait() == 0, done.stderr.read().decode()
        assert leftovers(db_copy, temp) == [], f"killed after {moment * duration:.1f} s"
    assert untouched >= len(MOMENTS) - 1  # the kills landed before the commit (all but one, at most)
    assert any(name.startswith(COPY_PREFIX) for name in left_by_a_kill)  # a kill did leave a copy to clean


def test_the_copy_of_a_killed_import_is_removed_by_the_next_one(db_copy, tmp_path):
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = db_copy.parent / f"{COPY_PREFIX}{int(ended.stdout)}-abc.csv"  # a process that no longer runs
    stale.write_text("a full-size copy")
    running = db_copy.parent / f"{COPY_PREFIX}{os.getppid()}-def.csv"  # a process that still runs: kept
    running.write_text("in use")
    small = latin1_wdi(tmp_path / "small.csv", ["ARG"], 3)
    import_files(db_copy, "wdi", [small], encoding="latin-1")
    assert not stale.exists() and running.exists()


@pytest.mark.parametrize("fails", [False, True], ids=["imported", "refused"])
def test_an_import_with_encoding_removes_its_copy_and_writes_nothing_to_the_temp_folder(
    db_copy, tmp_path, monkeypatch, fails
):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    path = latin1_wdi(tmp_path / "in.csv", ["ARG"], 3)
    if fails:
        path.write_bytes(path.read_bytes().replace(b'"1001.5"', b'"x"', 1))
        with pytest.raises(ValidationError, match="'x' is not a number"):
            import_files(db_copy, "wdi", [path], encoding="latin-1")
    else:
        import_files(db_copy, "wdi", [path], encoding="latin-1")
    assert leftovers(db_copy, temp) == []
