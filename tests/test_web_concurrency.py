"""Many requests at once: the threads serving them share one Lazos handle (a DuckDB cursor each) and
every answer equals the one a lone request gets."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi.testclient import TestClient

from lazos.web import create_app

PATHS = [
    "/api/v1/countries/ARG?as_of=2022-03-01",
    "/api/v1/projects?country=BRA&sort=-amount_usd&limit=50",
    "/api/v1/events?as_of=2015",
    "/api/v1/observations?entity=CHL&indicator=NY.GDP.MKTP.CD",
    "/api/v1/index?year=2021",
    "/api/v1/risk?year=2019&country=PER",
    "/api/v1/alerts?severity=severe",
    "/api/v1/projects.csv?country=ECU",
]


def test_concurrent_requests_answer_as_lone_ones(built_db: Path):
    app = create_app(built_db)
    with TestClient(app) as client:
        alone = {path: client.get(path).content for path in PATHS}
        with ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(pool.map(lambda path: (path, client.get(path)), PATHS * 12))
    app.state.db.close()
    assert all(response.status_code == 200 for _, response in answers)
    assert all(response.content == alone[path] for path, response in answers)
