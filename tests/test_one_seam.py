"""One seam: the command line's JSON and the REST API's JSON for the same question are equal.

Both render the same typed result of lazos.api with the same encoder (lazos.jsonable); the
REST API only adds its pagination fields to a list, which are left out here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lazos.web.app import create_app

PAGINATION = ("total", "offset", "limit", "next", "next_url")


@pytest.fixture(scope="module")
def client(built_db: Path):
    with TestClient(create_app(built_db)) as c:
        yield c


def rest(client: TestClient, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.text
    body = response.json()
    for key in PAGINATION:
        body.pop(key, None)
    return body


def command(cli, *args: str) -> dict:
    result = cli(*args, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


@pytest.mark.parametrize(
    ("args", "path"),
    [
        (("events", "--country", "ARG"), "/api/v1/events?country=ARG&limit=500"),
        (
            ("events", "--kind", "bri_mou_signed", "--as-of", "2020-01-01"),
            "/api/v1/events?kind=bri_mou_signed&as_of=2020-01-01&limit=500",
        ),
        (("countries",), "/api/v1/countries?limit=500"),
        (("countries", "--as-of", "2018-06-01"), "/api/v1/countries?as_of=2018-06-01&limit=500"),
        (
            ("observations", "--entity", "BRA", "-i", "NY.GDP.MKTP.CD"),
            "/api/v1/observations?entity=BRA&indicator=NY.GDP.MKTP.CD&limit=500",
        ),
        (("indicators",), "/api/v1/indicators?limit=500"),
        (("alerts", "--since", "2023"), "/api/v1/alerts?since=2023&limit=500"),
        (("claims",), "/api/v1/claims?limit=500"),
        (("analyses", "runs"), "/api/v1/analysis-runs?limit=500"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else None,
)
def test_a_list_is_the_same_json_from_the_cli_and_the_rest_api(cli, client, args, path):
    from_cli = command(cli, *args)
    from_api = rest(client, path)
    assert from_cli["count"] == len(from_cli["rows"]) == from_api["count"]
    assert from_cli == from_api


@pytest.mark.parametrize(
    ("args", "path"),
    [
        (("overview",), "/api/v1/overview"),
        (("overview", "--as-of", "2020-01-01"), "/api/v1/overview?as_of=2020-01-01"),
        (("country", "ARG", "--as-of", "2022-03-01"), "/api/v1/countries/ARG?as_of=2022-03-01"),
        (("country", "阿根廷"), "/api/v1/countries/ARG"),
        (("project", "bogota metro"), "/api/v1/projects/bogota%20metro"),
        (("index", "--year", "2022"), "/api/v1/index?year=2022"),
        (("index", "--year", "2022", "--explain"), "/api/v1/index?year=2022&explain=true"),
        (("risk", "--year", "2022"), "/api/v1/risk?year=2022"),
        (("risk", "ECU", "--year", "2020", "--explain"), "/api/v1/risk?country=ECU&year=2020&explain=true"),
        (("opportunities", "--year", "2022"), "/api/v1/opportunities?year=2022"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else None,
)
def test_a_result_is_the_same_json_from_the_cli_and_the_rest_api(cli, client, args, path):
    assert command(cli, *args) == rest(client, path)


def test_the_index_under_other_weights_is_the_same_json_from_the_cli_and_the_rest_api(cli, client, tmp_path):
    weights = tmp_path / "weights.yaml"
    weights.write_text("policy: 1\nfacilities: 1\ntrade: 2\nfinance: 2\n", encoding="utf-8")
    from_cli = command(cli, "index", "--year", "2022", "--weights", str(weights))
    from_api = rest(client, "/api/v1/index?year=2022&weights=policy:1,facilities:1,trade:2,finance:2")
    assert from_cli == from_api
    assert {"rank_change", "default_rank"} <= set(from_cli["scores"][0])
    assert 0 < from_cli["spearman_with_default"] <= 1


def test_an_error_says_the_same_from_the_cli_and_the_rest_api(cli, client):
    result = cli("events", "--kind", "bri_mou")
    response = client.get("/api/v1/events?kind=bri_mou")
    assert result.code == 1 and response.status_code == 422
    assert "did you mean 'bri_mou_signed'" in result.err
    assert response.json()["detail"] in result.err
