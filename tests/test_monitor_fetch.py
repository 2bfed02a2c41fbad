"""Fetching GDELT files online, against a local web server (no internet): the file list is
read, each new file downloaded and checked against the list's size and MD5 before it is
used, and a download that does not match is refused without leaving a file behind.

The server serves the real events file of ../shared/data/gdelt, zipped as GDELT publishes it,
under its published name."""

from __future__ import annotations

import hashlib
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from lazos.errors import LazosError
from lazos.monitor import fetch

REAL = "20191024143000.export.CSV"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def site(shared_data: Path, tmp_path: Path) -> Path:
    """A folder laid out like data.gdeltproject.org/gdeltv2/: the real file zipped, and a list."""
    folder = tmp_path / "gdeltv2"
    folder.mkdir()
    with zipfile.ZipFile(folder / f"{REAL}.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(shared_data / "gdelt" / REAL, REAL)
    return folder


def write_list(site: Path, base: str, md5: str | None = None) -> str:
    body = (site / f"{REAL}.zip").read_bytes()
    digest = md5 or hashlib.md5(body, usedforsecurity=False).hexdigest()
    (site / "lastupdate.txt").write_text(f"{len(body)} {digest} {base}/{REAL}.zip\n", encoding="utf-8")
    return f"{base}/lastupdate.txt"


def test_new_files_are_downloaded_and_checked_against_the_list(site, tmp_path):
    with serving(site) as base:
        listed = fetch.fetch_list(write_list(site, base))
        got = fetch.download(fetch.wanted(listed, ("events",), None, set()), tmp_path / "raw")
    assert [p.name for p in got] == [f"{REAL}.zip"]
    assert got[0].read_bytes() == (site / f"{REAL}.zip").read_bytes()


def test_a_download_that_does_not_match_the_list_is_refused_and_leaves_no_file(site, tmp_path):
    with serving(site) as base:
        listed = fetch.fetch_list(write_list(site, base, md5="0" * 32))
        with pytest.raises(LazosError, match="does not match GDELT's list"):
            fetch.download(listed, tmp_path / "raw")
    assert list((tmp_path / "raw").iterdir()) == []


def test_a_missing_list_is_reported_with_its_address(site):
    with serving(site) as base, pytest.raises(LazosError, match="HTTP 404"):
        fetch.fetch_list(f"{base}/nothing.txt")


@pytest.mark.ray
def test_monitor_online_downloads_the_new_files_and_loads_them(site, db_copy, tmp_path, monkeypatch):
    import ray

    from lazos.monitor.pipeline import monitor

    started_here = not ray.is_initialized()
    with serving(site) as base:
        monkeypatch.setattr(fetch, "LAST_UPDATE", write_list(site, base))
        report = monitor(db_copy, online=True, lake_dir=tmp_path / "lake", workers=2)
        again = monitor(db_copy, online=True, lake_dir=tmp_path / "lake", workers=2)
    if started_here:
        ray.shutdown()
    assert report.files_loaded == 1 and report.events_selected == 15
    assert (db_copy.parent / "gdelt-raw" / f"{REAL}.zip").exists()
    assert again.files_found == 0, "a file already loaded is not downloaded again"
    con = duckdb.connect(str(db_copy), read_only=True)
    try:
        kinds = con.execute(
            "SELECT kind FROM load_run WHERE load_id = (SELECT max(load_id) FROM monitor_file)"
        ).fetchall()
    finally:
        con.close()
    assert kinds == [("fetch",)]
