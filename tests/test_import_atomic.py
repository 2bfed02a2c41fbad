"""An import is one transaction: a failure, Ctrl-C or a killed process leaves the database as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import lazos
from lazos.store import apply as apply_module
from lazos.store import importer


def synthetic_wdi(path: Path, countries: list[str], rows_per_country: int = 300) -> None:
    """A WDI bulk file over Lazos's own country codes (indicators named so that units are known)."""
    years = [str(y) for y in range(1960, 2024)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            ",".join(f'"{h}"' for h in ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *years])
            + ",\r\n"
        )
        for iso in countries:
            for n in range(rows_per_country):
                cells = [iso, iso, f"Test series {n} (current US$)", f"TEST.{n}", *[str(1000.5 + n) for _ in years]]
                fh.write(",".join(f'"{c}"' for c in cells) + ",\r\n")


def test_a_failure_while_writing_leaves_the_database_unchanged(db_copy, tmp_path, monkeypatch, content):
    path = tmp_path / "WDIData.csv"
    synthetic_wdi(path, ["ARG", "BRA"], 5)
    before = content(db_copy)

    def failing_apply(con, staging, load_id, now):
        apply_module.apply(con, staging, load_id, now)  # every row is written...
        raise KeyboardInterrupt  # ...and then the user presses Ctrl-C

    monkeypatch.setattr(importer, "apply", failing_apply)
    with pytest.raises(KeyboardInterrupt):
        importer.import_files(db_copy, "wdi", [path])
    assert content(db_copy) == before


def test_a_killed_import_leaves_the_database_unchanged(db_copy, tmp_path, content):
    path = tmp_path / "WDIData.csv"
    synthetic_wdi(path, ["ARG", "BRA", "CHL", "MEX", "PER", "COL", "ECU", "URY"], 8000)  # 4 million values
    before = content(db_copy)
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from lazos.store.importer import import_files; "
            "import_files(sys.argv[1], 'wdi', [sys.argv[2]], progress=lambda m: print(m, flush=True)); "
            "print('done', flush=True)",
            str(db_copy),
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    for line in child.stdout:
        if line.strip() == "writing":
            break
    time.sleep(0.3)  # the rows are being written
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    assert content(db_copy) == before
    with lazos.open(db_copy) as handle:  # and the database opens and answers
        assert handle.overview().counts["countries"] == 34


def test_an_import_then_the_same_import_again_changes_nothing(db_copy, tmp_path):
    path = tmp_path / "WDIData.csv"
    synthetic_wdi(path, ["ARG"], 3)
    first = importer.import_files(db_copy, "wdi", [path], vintage="2025-01-01")
    assert first.changes["observations"].inserted == 3 * 64
    again = importer.import_files(db_copy, "wdi", [path], vintage="2025-01-01")
    assert again.inserted == 0 and again.retired == 0


def test_the_command_line_reports_what_changed(cli, db_copy, tmp_path):
    path = tmp_path / "WDIData.csv"
    synthetic_wdi(path, ["ARG"], 2)
    result = cli("import", "wdi", str(path), "--vintage", "2025-01-01", db=db_copy)
    assert result.code == 0, result.err
    assert "observations: 128 added, 0 retired" in result.out
    again = cli("import", "wdi", str(path), "--vintage", "2025-01-01", db=db_copy)
    assert "Nothing changed" in again.out
    bad = cli("import", "wdi", str(tmp_path / "missing.csv"), db=db_copy)
    assert bad.code == 1 and "file not found" in bad.err and "Traceback" not in bad.err
