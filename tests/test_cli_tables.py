"""Tables people can read: whole header words at 80 columns, --limit and --sort, a pager on a
terminal only, and plain text when piped."""

from __future__ import annotations

import csv
import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from lazos.cli import output

ROOT = Path(__file__).resolve().parents[1]
RUN = "from lazos.cli.main import run; run()"


def headers(out: str) -> list[list[str]]:
    """The headers of every box table in ``out``, each column's lines joined with spaces."""
    tables, block = [], None
    for line in out.splitlines():
        if line.startswith("┏"):
            block = []
        elif line.startswith("┡") and block is not None:
            columns = zip(*(row.strip().strip("┃").split("┃") for row in block), strict=True)
            tables.append([" ".join(part.strip() for part in parts if part.strip()) for parts in columns])
            block = None
        elif block is not None:
            block.append(line)
    return tables


def rows(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


@pytest.fixture()
def narrow(monkeypatch):
    """The in-process console at 80 columns, as on a small terminal (COLUMNS is set by the cli
    fixture; the fixed width is undone afterwards, leaving the width to the environment again)."""
    monkeypatch.setattr(output.console, "_width", 80)


PROJECTS = ["Country", "Project", "Sector", "Status", "Amount", "Measures", "Source"]
OBSERVATIONS = [
    "Indicator",
    "Entity",
    "Partner",
    "Period",
    "Value",
    "Unit",
    "Qualifier",
    "Confidence",
    "Source",
    "Alt.",
]
COUNTRIES = ["ISO3", "Name", "中文", "Subregion", "Kind", "Relations with PRC since", "BRI", "Joined BRI"]
INDEX = ["Rank", "Country", "Policy", "Facilities", "Unimpeded", "Financial", "People-to-people", "Composite", "Note"]
EVENTS_ALL = ["Event", "Date", "Country", "Detail", "Confidence", "Source", "Headline"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["projects", "--country", "peru"], [PROJECTS]),
        (["observations", "--entity", "CHN"], [OBSERVATIONS]),
        (["countries"], [COUNTRIES]),
        (["index", "--year", "2022"], [INDEX]),
        (["events", "--all", "--country", "SUR"], [EVENTS_ALL]),
    ],
)
def test_headers_keep_whole_words_at_80_columns(cli, narrow, args, expected):
    result = cli(*args)
    assert result.code == 0, result.err
    assert headers(result.out) == expected


def test_piped_output_at_80_columns_has_whole_headers_no_colours_and_no_pager(built_db: Path, tmp_path: Path):
    marker = tmp_path / "paged.txt"
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env |= {"COLUMNS": "80", "LINES": "20", "PAGER": f"cat > {marker}"}
    result = subprocess.run(
        [sys.executable, "-c", RUN, "projects", "--country", "peru", "--db", str(built_db)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert headers(result.stdout) == [PROJECTS]
    assert "\x1b" not in result.stdout
    assert "more rows not shown; --limit 0 shows all" in result.stdout
    assert not marker.exists()


def test_limit_shows_n_rows_and_a_footer_and_0_shows_all(cli):
    every = rows(cli("projects", "--country", "peru", "-f", "csv").out)
    assert len(every) > 40
    assert len(rows(cli("projects", "--country", "peru", "-f", "csv", "--limit", "5").out)) == 5
    table = cli("projects", "--country", "peru", "-n", "5")
    assert f"{len(every) - 5} more rows not shown; --limit 0 shows all" in table.out
    assert "not shown" not in cli("projects", "--country", "peru", "--limit", "0").out
    default = cli("projects", "--country", "peru")
    assert f"{len(every) - output.DEFAULT_LIMIT} more rows not shown" in default.out


def test_csv_and_json_give_every_row_by_default(cli):
    assert len(rows(cli("events", "-f", "csv").out)) > output.DEFAULT_LIMIT
    assert len(rows(cli("query", "select * from range(100)", "-f", "csv").out)) == 100
    assert "70 more rows not shown" in cli("query", "select * from range(100)").out


def test_projects_come_largest_first_by_us_dollar_amount(cli):
    found = rows(cli("projects", "--country", "peru", "-f", "csv").out)

    def usd(row: dict[str, str]) -> float | None:
        for field in ("usd_nominal", "usd_constant"):
            if row[field]:
                return float(row[field])
        return float(row["amount"]) if row["amount"] and row["currency"] == "USD" else None

    amounts = [usd(r) for r in found]
    known = [a for a in amounts if a is not None]
    assert known == sorted(known, reverse=True)
    assert amounts[: len(known)] == known  # those without an amount come last


def test_sort_by_header_or_csv_name_either_way(cli):
    dated = sorted(r["date"] for r in rows(cli("events", "-f", "csv").out) if r["date"])
    ascending = [r["date"] for r in rows(cli("events", "--sort", "Date", "-f", "csv").out)]
    assert ascending[: len(dated)] == dated and not any(ascending[len(dated) :])  # undated last
    descending = [r["date"] for r in rows(cli("events", "--sort=-date", "-f", "csv").out)]
    assert descending[: len(dated)] == dated[::-1] and not any(descending[len(dated) :])
    by_name = [r["name_en"] for r in rows(cli("countries", "--sort", "name", "-f", "csv").out)]
    assert by_name == sorted(by_name, key=str.casefold)
    smallest = rows(cli("projects", "--country", "peru", "--sort", "amount", "-f", "csv").out)
    largest = rows(cli("projects", "--country", "peru", "-f", "csv").out)
    assert smallest[0]["project_id"] != largest[0]["project_id"]
    values = [
        float(r["value"]) for r in rows(cli("observations", "-i", "NY.GDP.MKTP.CD", "--sort=-value", "-f", "csv").out)
    ]
    assert values == sorted(values, reverse=True)


def test_sort_by_an_unknown_column_names_the_known_ones(cli):
    result = cli("events", "--sort", "nope")
    assert result.code == 1
    assert result.err.startswith("lazos: error: unknown column 'nope' for --sort: use one of date, country")


def test_country_page_sections_are_short_by_default(cli):
    result = cli("country", "argentina")
    assert result.code == 0, result.err
    assert "more rows not shown; --limit 0 shows all" in result.out
    everything = cli("country", "argentina", "--limit", "0")
    assert "not shown" not in everything.out
    assert len(result.out.splitlines()) < len(everything.out.splitlines()) / 2


def test_alerts_and_claims_take_limit_and_sort(cli):
    every = rows(cli("alerts", "-f", "csv").out)
    table = cli("alerts", "-n", "3", "--sort", "country")
    assert f"{len(every) - 3} more rows not shown" in table.out
    assert f"Alerts ({len(every)})" in table.out
    assert cli("claims", "-n", "1", "--sort", "check").code == 0


def _on_terminal(args: list[str], tmp_path: Path, lines: int = 20) -> tuple[str, str | None]:
    """Run lazos on a pseudo-terminal of 80 x ``lines``, with a PAGER that saves what it is given;
    the terminal's output and the pager's (None when no pager ran)."""
    paged = tmp_path / "paged.txt"
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, 80, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR", "NO_COLOR")}
    env |= {"PAGER": f"cat > {paged}", "TERM": "xterm-256color"}
    proc = subprocess.Popen(
        [sys.executable, "-c", RUN, *args], stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT
    )
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert proc.wait(timeout=120) == 0, seen.decode(errors="replace")
    return seen.decode(errors="replace"), (paged.read_text("utf-8") if paged.exists() else None)


def test_long_tables_go_through_the_pager_on_a_terminal(built_db: Path, tmp_path: Path):
    terminal, paged = _on_terminal(["projects", "--country", "peru", "--db", str(built_db)], tmp_path)
    assert paged is not None and "Chancay" in paged and "more rows not shown" in paged
    assert "Chancay" not in terminal


def test_short_output_is_printed_without_a_pager(built_db: Path, tmp_path: Path):
    terminal, paged = _on_terminal(["query", "select 41 + 1 answer", "--db", str(built_db)], tmp_path)
    assert paged is None
    assert "42" in terminal


def test_csv_on_a_terminal_is_not_paged(built_db: Path, tmp_path: Path):
    terminal, paged = _on_terminal(["projects", "--country", "peru", "-f", "csv", "--db", str(built_db)], tmp_path)
    assert paged is None
    assert "Chancay" in terminal
