"""HTTP behaviour of the REST API: caching (ETag, 304, Cache-Control), gzip, and errors as problem
details with the right status: unknown ids 404 with a suggestion, malformed parameters 422
naming the parameter, traversal and injection attempts 4xx, never a 500."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import lazos
from lazos.web import create_app
from lazos.web.errors import PROBLEM_JSON


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == status and body["type"].startswith("urn:lazos:problem:")
    assert body["title"] and body["detail"]
    return body


# ---------------------------------------------------------------------------- caching


def test_a_read_carries_an_etag_and_an_unchanged_one_is_answered_304(client):
    first = client.get("/api/v1/countries?as_of=2020")
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and first.headers["cache-control"] == "public, max-age=60"
    again = client.get("/api/v1/countries?as_of=2020", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    listed = client.get("/api/v1/countries?as_of=2020", headers={"If-None-Match": f'W/"other", {etag}'})
    assert listed.status_code == 304
    assert client.get("/api/v1/countries?as_of=2020", headers={"If-None-Match": "*"}).status_code == 200


def test_the_etag_differs_by_query_and_by_format(client):
    tags = {
        client.get(path, headers=headers).headers["etag"]
        for path, headers in [
            ("/api/v1/countries", {}),
            ("/api/v1/countries?as_of=2020", {}),
            ("/api/v1/countries", {"Accept": "text/csv"}),
            ("/api/v1/countries.csv", {}),
        ]
    }
    assert len(tags) == 4
    stale = client.get("/api/v1/countries", headers={"If-None-Match": client.get("/api/v1/events").headers["etag"]})
    assert stale.status_code == 200


def test_the_etag_changes_when_the_database_changes(db_copy: Path):
    path = "/api/v1/sources"
    app = create_app(db_copy)
    before = TestClient(app).get(path).headers["etag"]
    app.state.db.close()
    lazos.save_analyses(db_copy)  # a write: a saved analysis run
    app = create_app(db_copy)
    client = TestClient(app)
    after = client.get(path)
    assert after.headers["etag"] != before
    assert client.get(path, headers={"If-None-Match": before}).status_code == 200
    assert client.get("/api/v1/analysis-runs").json()["total"] > 0
    app.state.db.close()


def test_errors_carry_no_etag(client):
    response = client.get("/api/v1/projects?sector=nothing")
    assert response.status_code == 422 and "etag" not in response.headers


def test_answers_are_gzipped_when_the_client_accepts_it(client):
    zipped = client.get("/api/v1/projects?limit=200", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["vary"]
    plain = client.get("/api/v1/projects?limit=200", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert zipped.json() == plain.json()
    raw = client.get("/api/v1/projects.csv", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip" and raw.text.startswith("project_id,")
    assert gzip.compress(plain.content)  # (httpx decoded the gzipped one: both read the same)


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("path", "parameter", "suggestion"),
    [
        ("/api/v1/countries/Argentine", "country", "Argentina"),
        ("/api/v1/projects/aiddata-6902", "project_id", "aiddata-69024"),
        ("/api/v1/projects/aiddata-6902.geojson", "project_id", "aiddata-69024"),
        ("/api/v1/documents/abc", "doc_id", None),
        ("/api/v1/documents/abc/text", "doc_id", None),
    ],
)
def test_an_unknown_id_is_a_404_naming_it_with_suggestions(client, path, parameter, suggestion):
    body = problem(client.get(path), 404)
    assert body["parameter"] == parameter and body["type"] == "urn:lazos:problem:not-found"
    if suggestion:
        assert suggestion in body["suggestions"] and "did you mean" in body["detail"]


@pytest.mark.parametrize(
    ("path", "parameter", "words"),
    [
        ("/api/v1/events?kind=bri_mou", "kind", "did you mean 'bri_mou_signed'"),
        ("/api/v1/events?country=Atlantis", "country", "unknown country 'Atlantis'"),
        ("/api/v1/events?category=diplomatic", "category", "unknown category"),
        ("/api/v1/projects?sector=energi", "sector", "did you mean 'energy'"),
        ("/api/v1/projects?status=operatonal", "status", "did you mean 'operational'"),
        ("/api/v1/projects?sort=amout", "sort", "unknown sort column 'amout'"),
        ("/api/v1/events?sort=-dte", "sort", "did you mean 'date'"),
        ("/api/v1/projects?year_from=2020&year_to=2010", "year_from", "is above year_to"),
        ("/api/v1/projects?amount_min=nan", "amount_min", "finite number"),
        ("/api/v1/projects?q=%20%2C", "q", "no words"),
        ("/api/v1/projects?year_from=twenty", "year_from", "valid integer"),
        ("/api/v1/observations?indicator=gdp", "indicator", "did you mean 'NGDPD'"),
        ("/api/v1/observations?partner=Narnia", "partner", "unknown country"),
        ("/api/v1/events?as_of=2022-13", "as_of", "month 13"),
        ("/api/v1/events?as_of=2022-02-30", "as_of", "day 30 does not exist"),
        ("/api/v1/events?as_of=yesterday", "as_of", "pattern"),
        ("/api/v1/events?as_of=0000", "as_of", "year 0"),
        ("/api/v1/index?year=1990", "year", "no analysis for 1990"),
        ("/api/v1/index?dimension=economy", "dimension", "unknown dimension"),
        ("/api/v1/index?weights=policy", "weights", "dimension:weight pairs"),
        ("/api/v1/index?weights=economic:2", "weights", "unknown dimension 'economic'"),
        ("/api/v1/index?weights=policy:-1", "weights", "at least 0"),
        ("/api/v1/risk?country=CHN", "country", "not one of the 33 CELAC states"),
        ("/api/v1/alerts?severity=critical", "severity", "use one of"),
        ("/api/v1/alerts?since=last-week", "since", "pattern"),
        ("/api/v1/claims?status=true", "status", "unknown status"),
        ("/api/v1/claims?doc=nothing.txt", "doc", "unknown document"),
        ("/api/v1/overview?recent=1000", "recent", "less than or equal to 100"),
        ("/api/v1/countries?include_aggregates=maybe", "include_aggregates", "valid boolean"),
    ],
)
def test_a_malformed_or_unknown_parameter_is_a_422_naming_it(client, path, parameter, words):
    body = problem(client.get(path), 422)
    assert body["parameter"] == parameter, body
    assert words in body["detail"], body["detail"]


def test_the_python_api_and_the_rest_api_say_the_same(client, built_db):
    with lazos.open(built_db) as db, pytest.raises(lazos.api.LazosError) as raised:
        db.projects(sector="energi")
    assert client.get("/api/v1/projects?sector=energi").json()["detail"] == str(raised.value)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/documents/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/documents/../../etc/passwd",
        "/api/v1/documents/%2e%2e/text",
        "/api/v1/projects/..%2F..%2Fetc%2Fpasswd.geojson",
        "/api/v1/countries/..%5C..%5Cwindows",
        "/api/v1/%2e%2e/%2e%2e/etc/passwd",
        "/static/../../etc/passwd",
    ],
)
def test_path_traversal_is_a_4xx_and_reads_no_file(client, path):
    response = client.get(path)
    assert 400 <= response.status_code < 500
    assert "root:" not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events?country=ARG' OR '1'='1",
        "/api/v1/events?kind=x'); DROP TABLE event; --",
        "/api/v1/projects?sector=energy' UNION SELECT * FROM source --",
        "/api/v1/projects?q=' OR 1=1 --",
        "/api/v1/observations?indicator=NY.GDP.MKTP.CD' OR '1'='1",
        "/api/v1/claims?doc=x' OR '1'='1",
        "/api/v1/projects/x' OR '1'='1",
        "/api/v1/projects?sort=name; DROP TABLE project",
    ],
)
def test_injection_attempts_are_refused_or_matched_as_text(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404, 422), response.text  # a 200 is a text search's matches
    assert client.get("/api/v1/projects?limit=1").json()["total"] > 1000  # nothing was dropped


def test_an_unknown_route_or_method_is_a_problem_too(client):
    body = problem(client.get("/api/v1/nothing"), 404)
    assert "GET /api/v1" in body["detail"]
    problem(client.post("/api/v1/projects"), 405)
    problem(client.delete("/api/v1/countries/ARG"), 405)


def test_an_unexpected_error_is_logged_and_answered_as_a_500_problem(built_db, caplog):
    """The catch-all handler (no path of the API reaches it: every other test would fail if one did)."""
    app = create_app(built_db)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        body = problem(client.get("/boom"), 500)
    assert "a bug" not in body["detail"]
    assert "unexpected error" in caplog.text
    app.state.db.close()


def test_a_missing_database_is_an_error_before_serving(tmp_path: Path):
    with pytest.raises(lazos.api.LazosError, match="no Lazos database"):
        create_app(tmp_path / "none.duckdb")
    shutil.rmtree(tmp_path)
