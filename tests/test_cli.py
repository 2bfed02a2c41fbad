"""The command line: a thin layer over the API with table, CSV and JSON output and clear errors."""

import csv
import io
import json
import re
import shlex
from pathlib import Path

import pytest

from lazos.cli.main import app

ROOT = Path(__file__).resolve().parents[1]


def test_country_as_of_shows_the_february_2022_mou_with_its_source(cli):
    result = cli("country", "ARG", "--as-of", "2022-03-01", "--limit", "0")
    assert result.code == 0, result.err
    assert "as of 2022-03-01" in result.out
    assert "2022-02-06" in result.out and "BRI memorandum of understanding signed" in result.out
    assert "https://sputniknews.com/20220206/argentina-to-join-chinas-belt-and-road" in result.out


@pytest.mark.parametrize("name", ["阿根廷", "argentina", "ARGENTINA", "AR"])
def test_country_accepts_names_in_any_language(cli, name):
    result = cli("country", name, "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["iso3"] == "ARG"


def test_country_json_has_timeline_projects_and_indicators(cli):
    data = json.loads(cli("country", "República Dominicana", "--format", "json").out)
    assert data["info"]["name_zh"] == "多米尼加"
    kinds = {e["kind"] for e in data["events"]["rows"]}
    assert {"diplomatic_relations_switched", "bri_mou_signed"} <= kinds  # it recognised Taipei until 2018
    assert all(e["source_url"] or e["source_label"] for e in data["events"]["rows"])
    assert set(data) >= {"projects", "indicators"}


def test_overview_counts_as_of_a_date(cli):
    result = cli("overview", "--as-of", "2020-01-01", "--format", "json")
    counts = json.loads(result.out)["counts"]
    assert counts["bri_signatories"] == 19 and counts["countries"] == 34
    table = cli("overview", "--as-of", "2022-03-01")
    assert re.search(r"BRI participants: 21\b", table.out)


def test_csv_output_is_parseable(cli):
    result = cli("events", "--kind", "bri_mou_signed", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert len(rows) == 22
    assert {r["country"] for r in rows} >= {"PAN", "ARG", "HND"}


def test_unknown_country_is_one_line_and_exit_1(cli):
    result = cli("country", "Narnia")
    assert result.code == 1
    assert result.err.strip() == "lazos: error: unknown country 'Narnia'"


def test_malformed_date_is_one_line_and_exit_1(cli):
    result = cli("countries", "--as-of", "2022-13-01")
    assert result.code == 1
    assert result.err.strip() == ("lazos: error: invalid date '2022-13-01': month 13 is not between 1 and 12")


def test_unknown_event_kind_lists_the_known_ones(cli):
    result = cli("events", "--kind", "treaty")
    assert result.code == 1 and "unknown event kind 'treaty' (known: aiib_member" in result.err


def test_listing_commands_answer(cli):
    for args in (
        ["countries"],
        ["projects", "--country", "peru"],
        ["observations", "--entity", "CHN"],
        ["indicators"],
        ["sources", "--as-of", "2019"],
        ["events", "--all", "--country", "SUR"],
    ):
        result = cli(*args)
        assert result.code == 0, (args, result.err)
        assert result.out.strip(), args


def test_every_command_is_documented(cli):
    """Datasette's habit: a command missing from the docs fails the suite."""
    commands = {c.name or c.callback.__name__ for c in app.registered_commands}
    for group in app.registered_groups:
        commands |= {f"{group.name} {c.name or c.callback.__name__}" for c in group.typer_instance.registered_commands}
    docs = (ROOT / "README.md").read_text("utf-8") + (ROOT / "docs" / "cli.md").read_text("utf-8")
    for name in commands:
        assert re.search(rf"`lazos {name}\b", docs), f"`lazos {name}` is not documented"
        result = cli(*name.split(), "--help", db=None)
        assert result.code == 0 and "Usage" in result.out


def test_project_shows_every_sourced_amount_with_the_headline(cli):
    result = cli("project", "bogota metro", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["project"]["name"] == "Bogotá Metro Line 1"
    amounts = data["amounts"]["rows"]
    assert len(amounts) == 4 and sum(a["is_headline"] for a in amounts) == 1
    assert [m["milestone"] for m in data["milestones"]["rows"]] == [
        "agreement_signed",
        "construction_started",
    ]
    ambiguous = cli("project", "hydropower")
    assert ambiguous.code == 1 and "ambiguous project 'hydropower'" in ambiguous.err


def test_readme_tour_commands_run_on_the_embedded_data(cli):
    """Every offline command of the README's tour works as written (imports, fetches, exports and the
    monitor write or need files: tests/test_monitor_pipeline.py runs the monitor on a copy; `lazos
    serve` runs until stopped: tests/test_web_serve.py starts it)."""
    readme = (ROOT / "README.md").read_text("utf-8")
    tour = readme.split("## A quick tour", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    lines = [line.split("  #", 1)[0].strip() for line in tour.splitlines() if line.startswith("lazos ")]
    runnable = [shlex.split(line)[1:] for line in lines]
    writing = ("import", "fetch", "export", "build", "ingest", "serve", "monitor")
    runnable = [args for args in runnable if args[0] not in writing]
    assert len(runnable) >= 15
    for args in runnable:
        if args[0] == "extract":  # reads files, no database
            result = cli(args[0], *(str(ROOT / a) if (ROOT / a).exists() else a for a in args[1:]), db=None)
        else:
            result = cli(*args)
        assert result.code == 0, (args, result.err)
        assert result.out.strip(), args
