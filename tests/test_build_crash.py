"""A build killed (`kill -9`) at any moment leaves the previous database whole, and the next
build removes what the killed one left behind (its `.NAME.building-PID` file and WAL)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import lazos
from lazos.documents.ingest import ingest
from lazos.store.build import remove_leftovers
from lazos.store.package import record_integrity
from lazos.store.resources import all_resources

LAZOS = Path(sys.executable).parent / "lazos"
DEVSET = Path(__file__).parent / "devset"
pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see when a build writes")


def state(db: Path) -> dict[str, list[tuple]]:
    """Every stored row version with its load and whether it is current, and the loads."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {
            res.name: con.execute(
                f"SELECT {', '.join(res.field_names)}, load_id, retired_at IS NULL FROM {res.read_table} ORDER BY ALL"
            ).fetchall()
            for res in all_resources()
        }
        out["load_run"] = con.execute("SELECT load_id, kind, input_hash FROM load_run ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


def leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if ".building-" in p.name)


def opened(pid: int, prefix: str) -> bool:
    """Whether process ``pid`` has a file open whose path starts with ``prefix``."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except FileNotFoundError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(prefix):
                return True
        except OSError:
            continue
    return False


def kill_build(args: list[str], db: Path, watch: str, delay: float) -> bool:
    """Start `lazos build`, kill it ``delay`` seconds after it opens a file starting with
    ``watch`` (the database it writes); True if it was killed before it finished."""
    child = subprocess.Popen([str(LAZOS), "build", "--db", str(db), *args], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not opened(child.pid, watch) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(delay)
    killed = child.poll() is None
    if killed:
        os.kill(child.pid, signal.SIGKILL)
    child.wait()
    return killed


@pytest.fixture(scope="module")
def with_document(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "doc.duckdb"
    shutil.copyfile(built_db, path)
    ingest(path, [str(DEVSET / "passages_es.txt")])
    return path


def kill_at_moments(
    args: list[str], db: Path, original: Path, watch: str, delays: tuple[float, ...]
) -> tuple[list, int, bool]:
    """Kill builds of ``db`` (a copy of ``original``) at several moments after they start writing.

    Returns the database's content after each kill, how many were killed before finishing, and
    whether a killed build was seen to leave its temporary file.
    """
    states, killed, debris = [], 0, False
    for delay in delays:
        shutil.copyfile(original, db)
        killed += kill_build(args, db, watch, delay)
        debris = debris or bool(leftovers(db))
        states.append(state(db))
    return states, killed, debris


def test_a_killed_fresh_build_leaves_the_database_whole_and_its_debris_is_cleaned(with_document, built_db, tmp_path):
    db = tmp_path / "lazos.duckdb"
    before = state(with_document)
    states, killed, debris = kill_at_moments(
        ["--replace"], db, with_document, str(tmp_path / f".{db.name}.building-"), (0.0, 0.3)
    )
    assert killed >= 1, "the builds finished before they could be killed"
    after = state(built_db)  # a complete build from the embedded package
    assert all(s in (before, after) for s in states)  # all or nothing
    assert debris, "a build killed while writing leaves its temporary file"
    assert lazos.build(db).action in ("built", "up-to-date")  # the next build cleans up after dead ones
    assert leftovers(db) == []


def test_a_killed_refresh_in_place_leaves_the_database_whole(with_document, package_copy, tmp_path):
    events = package_copy / "events.csv"
    lines = events.read_text("utf-8").splitlines(keepends=True)
    events.write_text("".join(lines[:1] + lines[2:]), "utf-8")  # a newer package: one event fewer
    record_integrity(package_copy)
    db = tmp_path / "lazos.duckdb"
    before = state(with_document)
    states, killed, _ = kill_at_moments(["--from", str(package_copy)], db, with_document, str(db), (0.0, 0.15))
    assert killed >= 1, "the builds finished before they could be killed"
    shutil.copyfile(with_document, db)
    assert lazos.build(db, package_copy).action == "refreshed"
    after = state(db)
    assert after != before
    assert all(s in (before, after) for s in states)


def test_leftovers_of_dead_builds_are_removed_and_a_running_builds_kept(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    target = tmp_path / "lazos.duckdb"
    mine = [tmp_path / f".lazos.duckdb.building-{dead.pid}", tmp_path / f".lazos.duckdb.building-{dead.pid}.wal"]
    running = tmp_path / f".lazos.duckdb.building-{os.getppid()}"
    other = tmp_path / ".other.duckdb.building-1"
    for path in (*mine, running, other):
        path.write_bytes(b"debris")
    assert sorted(remove_leftovers(target)) == sorted(mine)
    assert running.exists() and other.exists()
