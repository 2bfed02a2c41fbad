"""Reproducible installs: the environment is the one requirements.lock describes, and the
committed data do not depend on which library versions happen to be installed."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.utils import canonicalize_name

from lazos.paths import embedded_data_dir

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked_pins() -> dict[str, str]:
    """Package -> version that the lock gives on this interpreter and platform."""
    pins: dict[str, str] = {}
    for line in LOCK.read_text("utf-8").splitlines():
        m = _PIN.match(line)
        if not m:
            continue
        name, version, marker = m.groups()
        if marker and not Marker(marker).evaluate():
            continue
        pins[canonicalize_name(name)] = version
    return pins


def test_every_dependency_in_pyproject_is_pinned_with_hashes_in_the_lock():
    text = LOCK.read_text("utf-8")
    pins = locked_pins()
    for name in ("duckdb", "pandas", "babel", "pyarrow", "typer", "pytest", "ruff", "hatchling", "editables"):
        assert name in pins, name
    entries = re.split(r"\n(?=[A-Za-z0-9])", text)
    for entry in entries:
        if "==" in entry.splitlines()[0]:
            assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_the_installed_versions_are_the_locked_ones():
    if not (Path(sys.prefix) / ".installed-stamp").exists():
        pytest.skip("not running in the environment `make` installs from requirements.lock")
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    wrong = {
        name: (version, installed.get(name))
        for name, version in locked_pins().items()
        if name in installed and installed[name] != version
    }
    assert not wrong, f"installed versions differ from requirements.lock (locked, installed): {wrong}"
    missing = [name for name in locked_pins() if name not in installed]
    assert not missing, f"locked but not installed: {missing}"


def test_the_committed_data_name_no_library_version():
    for path in embedded_data_dir().iterdir():
        if path.suffix in (".csv", ".json"):
            text = path.read_text("utf-8")
            assert not re.search(r"\b(Babel|CLDR|pandas|DuckDB|pyarrow)\s+v?\d+(\.\d+)+", text), path.name


def test_claims_of_a_document_without_a_period_are_listed(db_copy, tmp_path):
    """Under pandas 3 a missing period came back as NaN and `lazos claims` crashed."""
    lazos_cmd = [str(Path(sys.executable).parent / "lazos")]
    env_db = ["--db", str(db_copy)]
    ingest = subprocess.run(
        [*lazos_cmd, "ingest", str(ROOT / "tests/devset/passages_es.txt"), *env_db],
        capture_output=True,
        text=True,
    )
    assert ingest.returncode == 0, ingest.stderr
    for fmt in ("table", "json", "csv"):
        listed = subprocess.run(
            [*lazos_cmd, "claims", "--format", fmt, *env_db],
            capture_output=True,
            text=True,
            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        )
        assert listed.returncode == 0, listed.stderr
        assert "Traceback" not in listed.stderr
        assert "passages_es.txt" in listed.stdout
