"""`lazos query` stops: at its time limit, at its memory limit, and on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from lazos.errors import LazosError
from lazos.store.interrupt import TimeLimitError

# Runs for hours: a trillion-row cross join whose filter keeps nothing, so that no first row
# ever arrives (before the fix, Ctrl-C was not seen while waiting for it).
ENDLESS = "SELECT * FROM range(1000000) a, range(1000000) b WHERE a.range + b.range < 0"
# A trillion-row aggregate: DuckDB works without returning.
ENDLESS_AGGREGATE = "SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b"


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def start_cli(*args: str) -> subprocess.Popen[str]:
    """The real entry point in a child process that prints "ready" once Lazos is imported.

    Ctrl-C is given its default meaning in the child (a shell that starts a background job
    makes it ignore SIGINT, and so would this child inherit that)."""
    code = (
        "import sys; from lazos.cli.main import run; print('ready', flush=True); "
        "sys.argv = ['lazos', *sys.argv[1:]]; run()"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def finish(child: subprocess.Popen[str], within: float) -> tuple[int, str]:
    try:
        _, err = child.communicate(timeout=within)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        pytest.fail(f"still running {within} s later")
    return child.returncode, one_line(err)


def test_a_query_stops_at_its_time_limit_with_a_message(built_db: Path):
    started = time.monotonic()
    child = start_cli("query", ENDLESS_AGGREGATE, "--timeout", "1", "--db", str(built_db))
    code, err = finish(child, within=60)
    assert code == 1
    assert "lazos: error: the query was stopped after 1 s (--timeout)" in err
    assert time.monotonic() - started < 15  # about 1 s, plus starting Python


@pytest.mark.parametrize("sql", [ENDLESS, ENDLESS_AGGREGATE])
def test_ctrl_c_stops_a_query_promptly(built_db: Path, sql: str):
    child = start_cli("query", sql, "--db", str(built_db))
    assert child.stdout.readline().strip() == "ready"
    time.sleep(1)
    child.send_signal(signal.SIGINT)
    sent = time.monotonic()
    code, err = finish(child, within=20)
    assert code == 130 and err.strip() == "lazos: interrupted"
    assert time.monotonic() - sent < 5


def test_a_query_that_needs_more_memory_than_its_limit_fails_with_a_message(cli):
    result = cli("query", "SELECT list(range) AS l FROM range(50000000)", "--memory-limit", "100MB")
    assert result.code == 1
    assert "lazos: error: the query needs more memory than its limit of 100MB (--memory-limit)" in one_line(result.err)


def test_a_result_larger_than_the_memory_limit_is_not_fetched_whole(cli):
    # 3 billion rows of two texts: the fetch stops once 50 MB are in memory.
    result = cli("query", "SELECT a.entity, b.entity FROM observation a, observation b", "--memory-limit", "50MB")
    assert result.code == 1 and "needs more memory than its limit of 50MB" in one_line(result.err)


def test_a_malformed_memory_limit_says_how_to_write_one(cli):
    result = cli("query", "SELECT 1", "--memory-limit", "lots")
    assert result.code == 1
    assert "invalid memory size 'lots': give a number and a unit, e.g. 2GB" in one_line(result.err)


def test_queries_within_the_limits_answer_as_before(cli, db):
    result = cli("query", "SELECT kind, count(*) AS n FROM event GROUP BY kind ORDER BY n DESC", "--format", "csv")
    assert result.code == 0 and result.out.splitlines()[0] == "kind,n"
    limited = db.query("SELECT * FROM country ORDER BY iso3", timeout=30, memory_limit="500MB").frame
    assert limited.equals(db.query("SELECT * FROM country ORDER BY iso3").frame)
    assert limited["note"].map(lambda v: v is None or isinstance(v, str)).all()  # missing text is None


def test_the_python_api_stops_at_the_time_limit_and_the_handle_still_answers(db):
    started = time.monotonic()
    with pytest.raises(TimeLimitError, match=r"stopped after 0\.5 s"):
        db.query(ENDLESS, timeout=0.5)
    assert time.monotonic() - started < 10
    assert len(db.query("SELECT * FROM country")) >= 34  # no interrupt left behind
    with pytest.raises(LazosError, match="only read-only SELECT"):
        db.query("DELETE FROM country", memory_limit="1GB")


def test_ctrl_c_in_process_raises_keyboard_interrupt_and_restores_the_handler(db):
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal
    try:
        timer = threading.Timer(0.5, os.kill, [os.getpid(), signal.SIGINT])
        safety = threading.Timer(20, db.con.interrupt)  # fail rather than hang where Ctrl-C is not seen
        timer.start()
        safety.start()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            db.query(ENDLESS)
        safety.cancel()
        assert time.monotonic() - started < 10
        timer.join()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        assert signal.set_wakeup_fd(-1) == -1  # the wakeup socket was handed back too
        assert len(db.query("SELECT * FROM country")) >= 34
    finally:
        signal.signal(signal.SIGINT, previous)
