"""`lazos serve`: prints the address it serves, answers over real HTTP, and says why it cannot listen."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest


def start(*args: str) -> subprocess.Popen:
    code = "import sys; from lazos.cli.main import run; sys.argv = ['lazos', *sys.argv[1:]]; run()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


@pytest.fixture()
def server(built_db: Path):
    process = start("serve", "--db", str(built_db), "--port", "0", "--enable-sql")
    yield process
    process.terminate()
    process.wait(timeout=20)


def test_serve_prints_its_address_and_answers_over_http(server, built_db):
    line = server.stdout.readline()
    assert line.startswith("Lazos serving") and str(built_db) in line, line + server.stderr.read()
    base = line.split("the web app at ", 1)[1].split("/ ", 1)[0]
    assert base.startswith("http://127.0.0.1:")
    page = httpx.get(f"{base}/en/countries/ARG", timeout=30)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    response = httpx.get(f"{base}/api/v1/events", params={"country": "ARG", "as_of": "2022-03-01"}, timeout=30)
    assert response.status_code == 200 and response.json()["rows"]
    zipped = httpx.get(f"{base}/api/v1/projects", headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert zipped.headers["content-encoding"] == "gzip"
    assert httpx.get(f"{base}/api/v1/sql", params={"sql": "SELECT 42 AS n"}, timeout=30).json()["rows"] == [{"n": 42}]
    assert httpx.get(f"{base}/docs", timeout=30).status_code == 200


def test_serve_on_a_port_in_use_is_one_error_line(built_db):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start("serve", "--db", str(built_db), "--port", str(port))
        out, err = process.communicate(timeout=60)
    assert process.returncode == 1 and out == ""
    assert err.strip().startswith(f"lazos: error: cannot listen on 127.0.0.1:{port}") and "Traceback" not in err
