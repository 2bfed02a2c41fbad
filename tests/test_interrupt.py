"""Ctrl-C during an import cancels it: the transaction rolls back and the database is unchanged."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import duckdb
import pytest
from test_import_atomic import synthetic_wdi

from lazos.store.interrupt import TimeLimitError, interruptible

# The real `lazos` entry point in a child process, which says when the import reaches a moment
# (by wrapping the function that starts it), so that Ctrl-C lands there.
CHILD = """
import dataclasses
import sys
from lazos.sources import registry
from lazos.store import importer

def announced(real, moment):
    def announce(*args, **kwargs):
        print(moment, flush=True)
        return real(*args, **kwargs)
    return announce

wdi = registry.REGISTRY["wdi"]  # the import finds the connector's stage through the registry
registry.REGISTRY["wdi"] = dataclasses.replace(wdi, stage=announced(wdi.stage, "reading"))
importer.apply = announced(importer.apply, "writing")
from lazos.cli.main import run
sys.argv = ["lazos", *sys.argv[1:]]
run()
"""


@pytest.mark.parametrize("moment", ["reading", "writing"])
def test_ctrl_c_during_an_import_cancels_it_and_changes_nothing(db_copy, tmp_path, content, moment):
    path = tmp_path / "WDIData.csv"
    synthetic_wdi(path, ["ARG", "BRA"], 8000)  # a million values
    before = content(db_copy)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, "import", "wdi", str(path), "--db", str(db_copy)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C with its default meaning (a background job started by a shell ignores it).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    for line in child.stdout:
        if line.strip() == moment:
            break
    child.send_signal(signal.SIGINT)
    try:
        out, err = child.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        child.kill()
        pytest.fail("the import went on after Ctrl-C")
    assert child.returncode == 130, err
    assert re.sub(r"\s+", " ", err).strip() == "lazos: interrupted"
    assert "added" not in out
    assert content(db_copy) == before


def test_a_block_past_its_time_limit_stops_inside_duckdb():
    con = duckdb.connect()
    with pytest.raises(TimeLimitError), interruptible(con, timeout=0.3):
        con.execute("SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b").fetchall()
    assert con.execute("SELECT 42").fetchall() == [(42,)]  # the connection is usable again


def test_a_block_that_ends_in_time_is_left_alone():
    con = duckdb.connect()
    handler = signal.getsignal(signal.SIGINT)
    with interruptible(con, timeout=30) as watch:
        assert con.execute("SELECT count(*) FROM range(1000)").fetchall() == [(1000,)]
    assert not watch.interrupted and not watch.timed_out
    assert signal.getsignal(signal.SIGINT) is handler
