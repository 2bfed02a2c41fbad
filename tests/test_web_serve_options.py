"""`lazos serve` options: several worker processes over one read-only database, CORS for pages of
any origin, and uvicorn on httptools and uvloop."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from lazos.cli.serve import http_and_loop


def start(*args: str) -> subprocess.Popen:
    code = "import sys; from lazos.cli.main import run; sys.argv = ['lazos', *sys.argv[1:]]; run()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def workers_of(parent: int) -> list[int]:
    """The live worker processes uvicorn spawned under ``parent``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and b"spawn_main" in command:
            found.append(int(entry.name))
    return found


def test_uvicorn_runs_on_httptools_and_uvloop_when_installed():
    assert http_and_loop() == ("httptools", "uvloop")  # both pinned in requirements.lock (Linux)


def test_several_workers_share_the_port_and_read_the_database_at_once(built_db: Path):
    process = start("serve", "--db", str(built_db), "--port", "0", "--workers", "2", "--no-warm", "--cors")
    try:
        line = process.stdout.readline()
        assert line.startswith("Lazos serving") and "with 2 workers" in line, line + process.stderr.read()
        base = line.split("the web app at ", 1)[1].split("/ ", 1)[0]
        with httpx.Client(base_url=base, timeout=60) as client:
            answers = [client.get("/api/v1/countries/ARG", headers={"Origin": "https://example.org"}) for _ in range(6)]
        assert all(a.status_code == 200 for a in answers)
        assert len({a.content for a in answers}) == 1 and answers[0].json()["iso3"] == "ARG"
        assert answers[0].headers["access-control-allow-origin"] == "*"
        assert len(workers_of(process.pid)) == 2  # both opened the database read-only and stayed up
        alone = [httpx.get(f"{base}/api/v1/projects?country=BRA&limit=5", timeout=60) for _ in range(6)]
        assert {a.status_code for a in alone} == {200} and len({a.content for a in alone}) == 1
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert process.returncode is not None
