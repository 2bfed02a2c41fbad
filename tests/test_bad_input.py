"""Bad input stops the build with a message naming file, row and problem; nothing changes."""

import csv
from pathlib import Path

import pytest

import lazos
from lazos.errors import ValidationError


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), "utf-8")


def first_error(package: Path) -> str:
    with pytest.raises(ValidationError) as info:
        lazos.build(package.parent / "never.duckdb", package)
    assert not (package.parent / "never.duckdb").exists()
    return str(info.value.errors[0])


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_impossible_date_names_file_row_and_column(package_copy):
    events = package_copy / "events.csv"
    row = line_of(events, "ARG:bri_mou_signed")
    replace_in(events, "bri_mou_signed,2022-02-06", "bri_mou_signed,2022-13-01")
    assert first_error(package_copy) == (
        f"events.csv, row {row}, column 'date': invalid date '2022-13-01': month 13 is not between 1 and 12"
    )


def test_row_without_a_source_is_refused(package_copy):
    obs = package_copy / "observations.csv"
    with obs.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    target = next(i for i, r in enumerate(rows) if r[header.index("source_id")].startswith("web-sstq-cn"))
    rows[target][header.index("source_id")] = ""
    with obs.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    assert first_error(package_copy) == (
        f"observations.csv, row {target + 1}, column 'source_id': the row has no source (source_id is required)"
    )


def test_unknown_country_code_is_refused(package_copy):
    events = package_copy / "events.csv"
    row = line_of(events, "PER:bri_mou_signed")
    replace_in(events, "PER:bri_mou_signed,PER,", "PER:bri_mou_signed,XXP,")
    assert first_error(package_copy) == (
        f"events.csv, row {row}, column 'country': unknown country 'XXP' (not in countries)"
    )


def test_duplicate_key_is_refused(package_copy):
    projects = package_copy / "projects.csv"
    with projects.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with projects.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(rows[1])
    message = first_error(package_copy)
    assert message.startswith(f"projects.csv, row {len(rows) + 1}: duplicate key")
    assert "(first at row 2)" in message


def test_missing_column_is_named(package_copy):
    countries = package_copy / "countries.csv"
    replace_in(countries, "name_pt,", "name_portuguese,")
    with pytest.raises(ValidationError) as info:
        lazos.build(package_copy.parent / "x.duckdb", package_copy)
    errors = [str(e) for e in info.value.errors]
    assert "countries.csv, row 1, column 'name_pt': the column is missing" in errors
    assert "countries.csv, row 1, column 'name_portuguese': unexpected column" in errors


def test_wrong_encoding_is_reported_not_guessed(package_copy):
    countries = package_copy / "countries.csv"
    countries.write_bytes(countries.read_text("utf-8").encode("latin-1", errors="replace"))
    assert first_error(package_copy).startswith("countries.csv, row 3: not valid UTF-8")


def test_thousands_separators_are_not_silently_coerced(package_copy):
    obs = package_copy / "observations.csv"
    replace_in(obs, ",485790000000,", ',"485,790,000,000",')
    assert "'485,790,000,000' is not a number" in first_error(package_copy)


def test_malformed_csv_row_is_reported(package_copy):
    events = package_copy / "events.csv"
    with events.open("a", encoding="utf-8") as fh:
        fh.write("only,three,cells\n")
    rows = len(events.read_text("utf-8").splitlines())
    assert first_error(package_copy) == f"events.csv, row {rows}: 3 cells where the header has 9"


def test_alias_naming_two_countries_is_refused(package_copy):
    aliases = package_copy / "country_aliases.csv"
    with aliases.open("a", encoding="utf-8") as fh:
        fh.write("Peru,BOL,en,lazos-codelists\n")
    assert "alias 'Peru' would name both PER and BOL" in first_error(package_copy)


def test_every_problem_is_reported_in_one_pass(package_copy):
    replace_in(package_copy / "events.csv", "2022-02-06", "2022-02-30")
    replace_in(package_copy / "projects.csv", ",transport,", ",teleportation,")
    with pytest.raises(ValidationError) as info:
        lazos.build(package_copy.parent / "x.duckdb", package_copy)
    kinds = {e.type for e in info.value.errors}
    assert {"invalid-date", "invalid-value"} <= kinds


def test_missing_package_and_descriptor_are_reported(tmp_path):
    with pytest.raises(ValidationError, match="no such file or folder"):
        lazos.build(tmp_path / "x.duckdb", tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValidationError, match=r"no datapackage\.json"):
        lazos.build(tmp_path / "x.duckdb", tmp_path / "empty")


def test_build_error_on_the_command_line_is_one_line_and_exit_1(cli, package_copy, tmp_path):
    replace_in(package_copy / "events.csv", "2022-02-06", "2022-13-01")
    result = cli("build", "--from", str(package_copy), db=tmp_path / "cli.duckdb")
    assert result.code == 1
    assert result.err.startswith("lazos: error: 1 problem(s) in the input: events.csv, row ")
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "cli.duckdb").exists()
