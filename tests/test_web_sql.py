"""The SQL endpoint: off unless asked for; when on, one read-only SELECT with no way out of the
database (files, extensions, ATTACH, settings), stopped by its time limit and cut at its row cap."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lazos.web import create_app


@pytest.fixture(scope="module")
def client(built_db: Path):
    app = create_app(built_db, enable_sql=True, sql_time_limit=1.0, sql_row_cap=1000)
    with TestClient(app) as c:
        yield c
    app.state.db.close()


def sql(client: TestClient, query: str, **params: object):
    return client.get("/api/v1/sql", params={"sql": query, **params})


def test_the_sql_endpoint_is_off_by_default_and_says_how_to_turn_it_on(built_db):
    app = create_app(built_db)
    with TestClient(app) as client:
        response = client.get("/api/v1/sql", params={"sql": "SELECT 1"})
        assert response.status_code == 404 and "--enable-sql" in response.json()["detail"]
        assert client.get("/api/v1/sql.csv", params={"sql": "SELECT 1"}).status_code == 404
        assert "/api/v1/sql" not in client.get("/openapi.json").json()["paths"]
    app.state.db.close()


def test_a_select_answers_rows_with_the_sources_they_cite(client):
    body = sql(client, "SELECT event_id, country, source_id FROM event WHERE country = 'ARG' ORDER BY event_id").json()
    assert body["name"] == "sql" and body["truncated"] is False and body["rows"]
    assert {s["source_id"] for s in body["sources"]} == {r["source_id"] for r in body["rows"]}
    assert sql(client, "FROM country SELECT count(*) AS n;").json()["rows"] == [{"n": 39}]


def test_a_select_downloads_as_csv(client):
    response = client.get("/api/v1/sql.csv", params={"sql": "SELECT 1 AS a, 'x,y' AS b"})
    assert response.status_code == 200 and response.text == 'a,b\r\n1,"x,y"\r\n'


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM project",
        "DROP TABLE project",
        "INSERT INTO source (source_id) VALUES ('x')",
        "UPDATE project SET name = 'x'",
        "CREATE TABLE x AS SELECT 1",
        "COPY project TO '/tmp/lazos-leak.csv'",
        "ATTACH '/tmp/other.duckdb' AS other",
        "ATTACH ':memory:' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "PRAGMA enable_profiling",
        "SELECT 1; DROP TABLE project",
        "EXPORT DATABASE '/tmp/lazos-export'",
    ],
)
def test_anything_but_one_select_is_refused(client, query):
    response = sql(client, query)
    assert response.status_code == 403, response.text
    assert response.json()["type"] == "urn:lazos:problem:sql-refused" and response.json()["parameter"] == "sql"
    assert not Path("/tmp/lazos-leak.csv").exists()


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM glob('/etc/*')",
        "SELECT * FROM read_parquet('/tmp/x.parquet')",
        "SELECT * FROM 'https://example.com/data.csv'",
        "SELECT * FROM read_json_auto('/etc/hosts')",
    ],
)
def test_reading_files_or_the_network_is_refused(client, query):
    response = sql(client, query)
    assert response.status_code == 403, response.text
    assert "root:" not in response.text


def test_invalid_sql_is_a_400_naming_the_parameter(client):
    response = sql(client, "SELEC nothing")
    assert response.status_code == 400 and response.json()["parameter"] == "sql"
    assert response.json()["detail"].startswith("invalid SQL")
    assert sql(client, "SELECT nothing FROM nowhere").status_code == 400
    assert client.get("/api/v1/sql").status_code == 422  # no sql at all


def test_a_long_query_is_stopped_by_the_time_limit(client):
    start = time.monotonic()
    response = sql(client, "SELECT sum(a.range * b.range) FROM range(200000) a, range(200000) b")
    assert time.monotonic() - start < 10
    assert response.status_code == 400 and response.json()["type"] == "urn:lazos:problem:time-limit"
    assert "1 s" in response.json()["detail"]
    assert sql(client, "SELECT 1 AS one").json()["rows"] == [{"one": 1}]  # the connection still answers


def test_a_large_result_is_cut_at_the_row_cap_and_says_so(client):
    body = sql(client, "SELECT * FROM range(5000)", limit=500).json()
    assert body["truncated"] is True and body["row_cap"] == 1000 and body["total"] == 1000
    assert "cut at 1,000 rows" in body["note"]
    assert sql(client, "SELECT * FROM range(1000)").json()["truncated"] is False
