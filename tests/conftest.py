"""Shared fixtures: a database built once from the embedded dataset, helpers for the CLI, a
three-country store that readers stage files into, and a builder of small PDFs."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

import lazos
from lazos.errors import LazosError
from lazos.paths import embedded_data_dir
from lazos.sources.base import Context
from lazos.sources.entities import EntityResolver
from lazos.sources.snapshot import SNAPSHOT_DATE, default_raw_dir
from lazos.store.migrations import migrate
from lazos.store.staging import Staging


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built from the embedded dataset (shared; tests must not modify it)."""
    path = tmp_path_factory.mktemp("db") / "lazos.duckdb"
    lazos.build(path)
    return path


@pytest.fixture()
def db(built_db: Path):
    handle = lazos.open(built_db)
    yield handle
    handle.close()


@pytest.fixture(scope="module")
def client(built_db: Path):
    """The REST API over the embedded database, in process (one app per test module)."""
    from fastapi.testclient import TestClient

    from lazos.web import create_app

    app = create_app(built_db)
    with TestClient(app) as c:
        yield c
    app.state.db.close()


@pytest.fixture(scope="module")
def api(built_db: Path):
    """A Python API handle on the embedded database, shared by a test module."""
    with lazos.open(built_db) as handle:
        yield handle


@pytest.fixture()
def db_copy(tmp_path: Path, built_db: Path) -> Path:
    """A writable copy of the embedded database, for tests that import into it."""
    target = tmp_path / "copy.duckdb"
    shutil.copyfile(built_db, target)
    return target


@pytest.fixture()
def package_copy(tmp_path: Path) -> Path:
    """A writable copy of the embedded data package, for tests that break it."""
    target = tmp_path / "package"
    shutil.copytree(embedded_data_dir(), target)
    return target


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The raw datasets in ../shared/data; tests that need them skip cleanly without them."""
    path = default_raw_dir()
    if not (path / "curated" / "countries.csv").exists():
        pytest.skip(f"raw shared data not found at {path}")
    return path


@pytest.fixture(scope="session")
def gdelt(shared_data: Path) -> Path:
    """The raw GDELT 2.0 files of ../shared/data/gdelt (events, mentions, GKG, CAMEO codes)."""
    path = shared_data / "gdelt"
    if not (path / "20191024143000.export.CSV").exists():
        pytest.skip(f"GDELT files not found in {path}")
    return path


def table_content(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, without the load timestamps (for comparing databases), and the
    dictionary of observation terms (an import that fails must not add to it either)."""
    from lazos.store.resources import all_resources

    with lazos.open(path) as handle:
        out = {
            res.name: handle.con.execute(
                f"SELECT {', '.join(res.db_columns())} FROM {res.read_table} ORDER BY ALL"
            ).fetchall()
            for res in all_resources()
        }
        terms = handle.con.execute("SELECT term_key, term FROM observation_term ORDER BY ALL")
        out["observation_term"] = terms.fetchall()
        return out


@pytest.fixture()
def content():
    return table_content


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture()
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, built_db: Path):
    """Run the real ``lazos`` entry point in-process; returns exit code, stdout and stderr."""
    from lazos.cli.main import run

    def invoke(*args: str, db: Path | None = built_db) -> Result:
        argv = ["lazos", *args]
        if db is not None and args and args[0] not in ("--help", "--version", "snapshot"):
            argv += ["--db", str(db)]
        monkeypatch.setattr(sys, "argv", argv)
        monkeypatch.setenv("COLUMNS", "200")
        code = 0
        try:
            run()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


# ---------------------------------------------------------------------------- staging raw files

THREE_COUNTRIES = ("ARG", "BRA", "CHN")


def three_country_store() -> duckdb.DuckDBPyConnection:
    """A new in-memory store (the current schema) holding Argentina, Brazil and China only,
    for staging a raw file as an import would without building the embedded dataset."""
    con = duckdb.connect()
    migrate(con)
    con.execute(
        "INSERT INTO source VALUES ('lazos-codelists', 'reference', NULL, NULL, NULL, NULL, NULL, "
        "NULL, NULL, NULL, NULL, NULL, NULL, 1, 1)"
    )
    for iso in THREE_COUNTRIES:
        con.execute(
            f"INSERT INTO country VALUES ('{iso}', NULL, 'state', true, NULL, '{iso}', '{iso}', "
            f"'{iso}', '{iso}', NULL, 'lazos-codelists', NULL, NULL, 1)"
        )
    return con


def stage_file(con: duckdb.DuckDBPyConnection, connector: Any, path: Path) -> None:
    """Stage a raw file into ``con`` (a :func:`three_country_store`) as an import would; a Lazos
    error is an expected outcome, anything else fails the test."""
    staging = Staging(con)
    ctx = Context(con, EntityResolver([(iso, iso) for iso in THREE_COUNTRIES]), SNAPSHOT_DATE)
    try:
        connector.stage(path, staging, ctx)
        if hasattr(connector, "finish"):
            connector.finish(staging, ctx)
        staging.check()
    except LazosError:
        pass  # a located, expected error


# ---------------------------------------------------------------------------- PDFs


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def build_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF of ``objects`` (numbered from 1; the first is the catalog) with a correct xref table;
    ``trailer`` adds entries to the trailer dictionary (each followed by a space)."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)
