"""What `lazos` prints: every value of every column, whatever its type or name, in table, CSV and JSON."""

from __future__ import annotations

import base64
import csv
import io
import json

import pandas as pd
import pytest

from lazos.jsonable import records


def test_query_table_shows_columns_whose_names_are_not_identifiers(cli):
    """The README's own example: `count(*)` was an empty column (named tuples rename it)."""
    result = cli("query", "select kind, count(*) from event group by kind order by 2 desc, 1")
    assert result.code == 0, result.err
    assert "count_star()" in result.out
    expected = cli("query", "select kind, count(*) n from event group by kind order by 2 desc, 1", "-f", "csv")
    first = next(csv.DictReader(io.StringIO(expected.out)))
    row = next(line for line in result.out.splitlines() if f" {first['kind']} " in line)
    assert f" {first['n']} " in row


def test_query_table_shows_odd_column_names(cli):
    sql = 'select 1 "2x", 2 "a b", 3 a, 4 a, 5 "class", 6 " ", 7 "_1", 8 "Index", 9 "ñandú"'
    result = cli("query", sql)
    assert result.code == 0, result.err
    body = next(line for line in result.out.splitlines() if "│" in line)
    assert [cell.strip() for cell in body.strip("│").split("│")] == [str(n) for n in range(1, 10)]
    for header in ("2x", "a b", "a_1", "class", "_1", "Index", "ñandú"):
        assert header in result.out


def test_repeated_column_names_are_kept_in_csv_and_json(cli):
    data = json.loads(cli("query", "select 1 a, 2 a, 3 a", "-f", "json").out)["rows"]
    assert data == [{"a": 1, "a_1": 2, "a_2": 3}]
    frame = pd.DataFrame([[1, 2, 3]], columns=["a", "a", "b"])
    assert records(frame) == [{"a": 1, "a_1": 2, "b": 3}]
    rows = list(csv.reader(io.StringIO(cli("query", "select 1 a, 2 a", "-f", "csv").out)))
    assert rows == [["a", "a_1"], ["1", "2"]]


def _strict_json(text: str):
    def refuse(token: str):
        raise AssertionError(f"{token} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _table_cell(out: str) -> str:
    """The text of the single cell of a one-column, one-row table (joined over wrapped lines)."""
    lines = [line for line in out.splitlines() if line.startswith("│")]
    return " ".join(line.strip("│").strip() for line in lines).strip()


# (SQL expression, value in JSON, cell in CSV, cell in a table)
TYPES = [
    ("[1, 2]", [1, 2], "[1, 2]", "[1, 2]"),
    ("[[1, 2], [3]]", [[1, 2], [3]], "[[1, 2], [3]]", "[[1, 2], [3]]"),
    ("[1.5, NULL]", [1.5, None], "[1.5, null]", "[1.5, null]"),
    ("[]::INTEGER[]", [], "[]", "[]"),
    ("NULL::INTEGER[]", None, "", ""),
    ("[1, 2]::INTEGER[2]", [1, 2], "[1, 2]", "[1, 2]"),
    ("['a', NULL, 'ñ']", ["a", None, "ñ"], '["a", null, "ñ"]', '["a", null, "ñ"]'),
    ("{'a': 1, 'b': [1, NULL]}", {"a": 1, "b": [1, None]}, '{"a": 1, "b": [1, null]}', '{"a": 1, "b": [1, null]}'),
    ("[{'x': 'a'}]", [{"x": "a"}], '[{"x": "a"}]', '[{"x": "a"}]'),
    ("MAP {1: 2}", {"1": 2}, '{"1": 2}', '{"1": 2}'),
    ("MAP {'k': [1]}", {"k": [1]}, '{"k": [1]}', '{"k": [1]}'),
    ("'x\\x01'::BLOB", "eAE=", "eAE=", "x\\x01"),
    ("NULL::BLOB", None, "", ""),
    ("INTERVAL 3 DAY", "P3DT0H0M0S", "P3DT0H0M0S", "3 days"),
    ("INTERVAL '04:05:06.5'", "P0DT4H5M6.5S", "P0DT4H5M6.5S", "04:05:06.5"),
    ("-INTERVAL 5 MINUTE", "-P0DT0H5M0S", "-P0DT0H5M0S", "-00:05:00"),
    ("NULL::INTERVAL", None, "", ""),
    ("12345678901234::HUGEINT", 12345678901234, "12345678901234.0", "12,345,678,901,234"),
    ("1.23::DECIMAL(10, 2)", 1.23, "1.23", "1.23"),
    ("'6f1c2d3e-0000-4000-8000-000000000001'::UUID", *["6f1c2d3e-0000-4000-8000-000000000001"] * 3),
    ("TIME '12:34:56'", "12:34:56", "12:34:56", "12:34:56"),
    ("TIMESTAMP '2024-01-02 03:04:05.123'", "2024-01-02T03:04:05.123000", "2024-01-02 03:04:05.123", None),
    ("TIMESTAMPTZ '2024-01-02 03:04:05+02'", "2024-01-02T01:04:05+00:00", "2024-01-02 01:04:05+00:00", None),
    ("TIMESTAMP_NS '2024-01-01 00:00:00.123456789'", "2024-01-01T00:00:00.123456789", None, None),
    ("DATE '2024-01-01'", "2024-01-01", "2024-01-01", "2024-01-01"),
    ("'ok'::ENUM('sad', 'ok')", "ok", "ok", "ok"),
    ("NULL::INTEGER", None, "", ""),
    ("'nan'::DOUBLE", None, "", ""),
    ("'inf'::DOUBLE", "Infinity", "inf", "inf"),
    ("'-inf'::DOUBLE", "-Infinity", "-inf", "-inf"),
    ("true", True, "True", "yes"),
    ("18446744073709551615::UBIGINT", 18446744073709551615, "18446744073709551615", "18446744073709551615"),
    ("3::TINYINT", 3, "3", "3"),
    ("1.5::FLOAT", 1.5, "1.5", "1.5"),
    ("union_value(num := 2)::UNION(num INTEGER, str VARCHAR)", 2, "2", "2"),
    ("'texto ñ 中文'", "texto ñ 中文", "texto ñ 中文", "texto ñ 中文"),
]


@pytest.mark.parametrize(("expression", "as_json", "as_csv", "as_table"), TYPES, ids=[t[0] for t in TYPES])
def test_query_renders_every_duckdb_type_in_every_format(cli, expression, as_json, as_csv, as_table):
    sql = f"select {expression} v"
    result = cli("query", sql, "-f", "json")
    assert result.code == 0, result.err
    assert _strict_json(result.out)["rows"] == [{"v": as_json}]
    result = cli("query", sql, "-f", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert len(rows) == 1
    if as_csv is not None:
        assert rows[0]["v"] == as_csv
    result = cli("query", sql)
    assert result.code == 0, result.err
    if as_table is not None:
        assert _table_cell(result.out) == as_table


def test_the_issue_query_with_list_blob_interval_struct_and_map_columns(cli):
    sql = "select [1,2] l, 'x'::blob b, interval 3 day i, {'a':1} s, map {1:2} m"
    data = _strict_json(cli("query", sql, "-f", "json").out)["rows"]
    assert data == [{"l": [1, 2], "b": "eA==", "i": "P3DT0H0M0S", "s": {"a": 1}, "m": {"1": 2}}]
    rows = list(csv.DictReader(io.StringIO(cli("query", sql, "-f", "csv").out)))
    assert rows == [{"l": "[1, 2]", "b": "eA==", "i": "P3DT0H0M0S", "s": '{"a": 1}', "m": '{"1": 2}'}]
    table = cli("query", sql)
    assert table.code == 0, table.err
    for shown in ("[1, 2]", "x", "3 days", '{"a": 1}', '{"1": 2}'):
        assert shown in table.out


def test_long_blobs_are_cut_in_a_table_but_whole_in_json(cli):
    sql = "select repeat('ab', 100)::blob b"
    assert "… (200 bytes)" in cli("query", sql).out
    assert len(base64.b64decode(_strict_json(cli("query", sql, "-f", "json").out)["rows"][0]["b"])) == 200
