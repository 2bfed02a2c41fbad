"""What `lazos` prints: every value of every column, whatever its type or name, in table, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd

from lazos.cli.output import records


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
    body = [line for line in result.out.splitlines() if "│" in line][0]
    assert [cell.strip() for cell in body.strip("│").split("│")] == [str(n) for n in range(1, 10)]
    for header in ("2x", "a b", "a_1", "class", "_1", "Index", "ñandú"):
        assert header in result.out


def test_repeated_column_names_are_kept_in_csv_and_json(cli):
    data = json.loads(cli("query", "select 1 a, 2 a, 3 a", "-f", "json").out)
    assert data == [{"a": 1, "a_1": 2, "a_2": 3}]
    frame = pd.DataFrame([[1, 2, 3]], columns=["a", "a", "b"])
    assert records(frame) == [{"a": 1, "a_1": 2, "b": 3}]
    rows = list(csv.reader(io.StringIO(cli("query", "select 1 a, 2 a", "-f", "csv").out)))
    assert rows == [["a", "a_1"], ["1", "2"]]
