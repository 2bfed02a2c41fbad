"""`lazos query` runs one read-only SELECT; anything that writes or reaches outside is refused."""

import pytest

from lazos.errors import LazosError, ReadOnlyError


def test_select_queries_answer(db):
    df = db.query("SELECT kind, count(*) AS n FROM event WHERE retired_at IS NULL GROUP BY kind ORDER BY kind").frame
    assert df.set_index("kind").loc["bri_mou_signed", "n"] >= 22


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO source (source_id, kind, recorded_at, load_id) VALUES ('x', 'dataset', now(), 1)",
        "UPDATE event SET date = '1900'",
        "DELETE FROM country",
        "DROP TABLE event",
        "CREATE TABLE t (a INT)",
        "COPY event TO '/tmp/lazos-events.csv'",
        "ATTACH '/tmp/lazos-other.duckdb' AS other",
        "SET threads = 1",
        "SELECT 1; DELETE FROM country",
    ],
)
def test_statements_that_write_are_refused(db, sql):
    with pytest.raises(ReadOnlyError):
        db.query(sql)
    assert len(db.query("SELECT * FROM country")) >= 34


def test_reading_files_outside_the_database_is_refused(db):
    with pytest.raises(LazosError, match="disabled"):
        db.query("SELECT * FROM read_csv('/etc/passwd')")


def test_invalid_sql_gives_a_one_line_message(cli):
    result = cli("query", "SELEC nonsense")
    assert result.code == 1 and result.err.startswith("lazos: error: invalid SQL")
    result = cli("query", "DELETE FROM country")
    assert result.code == 1
    assert "only read-only SELECT queries are allowed; this is a DELETE statement" in result.err
