"""Cursor pagination: walking `next` gives every row exactly once, in the order of the whole list;
page sizes are capped; a cursor only works for the query it came from."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def walk(client: TestClient, path: str) -> tuple[list[dict], list[dict]]:
    """Every row of a list, page after page by the `next` link; and each page's body."""
    rows, pages = [], []
    url: str | None = path
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body)
        rows += body["rows"]
        assert body["count"] == len(body["rows"]) <= body["limit"]
        url = body["next_url"]
        assert (url is None) == (body["next"] is None)
        if url:
            assert response.headers["link"] == f'<{url}>; rel="next"'
    return rows, pages


@pytest.mark.parametrize(
    ("path", "call"),
    [
        ("/api/v1/projects?limit=100", lambda db: db.projects()),
        (
            "/api/v1/projects?country=BRA&sort=-amount_usd&limit=7",
            lambda db: db.projects(country="BRA", sort="-amount_usd"),
        ),
        ("/api/v1/events?limit=13&include_alternatives=true", lambda db: db.events(include_alternatives=True)),
        (
            "/api/v1/observations?entity=CHL&limit=500&year_from=2000",
            lambda db: db.observations(entity="CHL", year_from=2000),
        ),
        ("/api/v1/sources?limit=50", lambda db: db.sources()),
        ("/api/v1/alerts?limit=200", lambda db: db.alerts()),
    ],
)
def test_walking_next_returns_every_row_exactly_once_as_the_unpaginated_list(client, api, path, call):
    rows, pages = walk(client, path)
    assert rows == call(api).rows
    assert len(pages) > 1 and all(p["total"] == len(rows) for p in pages)
    assert [p["offset"] for p in pages] == [sum(len(q["rows"]) for q in pages[:i]) for i in range(len(pages))]


def test_a_page_names_only_the_sources_its_own_rows_cite(client):
    body = client.get("/api/v1/projects?limit=5").json()
    cited = {r["source_id"] for r in body["rows"]} | {r["amount_source_id"] for r in body["rows"]} - {None}
    assert {s["source_id"] for s in body["sources"]} == cited


def test_json_pages_hold_fifty_rows_unless_asked_and_never_more_than_five_hundred(client):
    first = client.get("/api/v1/projects").json()
    assert first["limit"] == 50 and first["count"] == 50 and first["total"] > 1000
    for limit in (0, -1, 501, "ten"):
        response = client.get(f"/api/v1/projects?limit={limit}")
        assert response.status_code == 422, limit
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["parameter"] == "limit"


def test_the_page_size_may_change_between_pages(client):
    first = client.get("/api/v1/events?limit=10").json()
    second = client.get(f"/api/v1/events?limit=30&cursor={first['next']}").json()
    assert second["offset"] == 10 and len(second["rows"]) == 30
    assert second["rows"] == client.get("/api/v1/events?limit=40").json()["rows"][10:]


def test_a_cursor_from_another_query_or_garbage_is_refused_naming_the_cursor(client):
    cursor = client.get("/api/v1/projects?country=ARG&limit=5").json()["next"]
    for path in (
        f"/api/v1/projects?country=BRA&limit=5&cursor={cursor}",
        f"/api/v1/events?limit=5&cursor={cursor}",
        "/api/v1/projects?cursor=not-a-cursor",
        "/api/v1/projects?cursor=eyJvIjotNSwicSI6IngifQ",  # {"o":-5,"q":"x"}
    ):
        response = client.get(path)
        assert response.status_code == 422, path
        assert response.json()["parameter"] == "cursor"
    assert client.get(f"/api/v1/projects?country=ARG&limit=5&cursor={cursor}").status_code == 200


def test_a_cursor_serves_every_format_of_the_same_query(client):
    cursor = client.get("/api/v1/projects?country=ARG&limit=5").json()["next"]
    page = client.get(f"/api/v1/projects.csv?country=ARG&limit=5&cursor={cursor}")
    assert page.status_code == 200 and page.text.count("\r\n") == 6  # the header and five rows
