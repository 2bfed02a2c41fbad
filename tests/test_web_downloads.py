"""Lists as CSV and Parquet (by suffix or Accept header): read back, they hold the rows of the JSON,
their source ids, and the citation (headers; Parquet metadata)."""

from __future__ import annotations

import io
import json
import math
from urllib.parse import unquote

import pandas as pd
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

LISTS = [
    "/api/v1/countries",
    "/api/v1/events?include_alternatives=true",
    "/api/v1/agreements",
    "/api/v1/projects?country=ARG",
    "/api/v1/indicators",
    "/api/v1/observations?entity=PER&indicator=NY.GDP.MKTP.CD",
    "/api/v1/alerts?country=BOL",
    "/api/v1/sources",
]


def with_suffix(path: str, suffix: str) -> str:
    base, _, query = path.partition("?")
    return f"{base}.{suffix}" + (f"?{query}" if query else "")


def all_json_rows(client: TestClient, path: str) -> dict:
    body = client.get(path + ("&" if "?" in path else "?") + "limit=500").json()
    assert body["next"] is None
    return body


def same(a: object, b: object) -> bool:
    """A value read back from a file equals the JSON's (numbers by value, lists and mappings by JSON text)."""
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    if isinstance(b, list | dict):
        return json.loads(a) == b if isinstance(a, str) else list(a) == b
    if isinstance(b, bool) or isinstance(a, bool):
        return str(a).lower() == str(b).lower()
    if isinstance(b, int | float) and not isinstance(a, str):
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=0)
    return str(a) == str(b)


def assert_rows_equal(frame: pd.DataFrame, body: dict) -> None:
    assert list(frame.columns) == body["columns"]
    assert len(frame) == len(body["rows"])
    for read, row in zip(frame.to_dict("records"), body["rows"], strict=True):
        for column in body["columns"]:
            assert same(read[column], row[column]), (column, read[column], row[column])


@pytest.mark.parametrize("path", LISTS)
def test_csv_reads_back_to_the_json_rows_with_their_sources_and_citation(client, path):
    body = all_json_rows(client, path)
    response = client.get(with_suffix(path, "csv"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="lazos-')
    frame = pd.read_csv(io.BytesIO(response.content), dtype=str, keep_default_na=False, na_values=[""])
    frame = frame.astype(object).where(frame.notna(), None)
    assert_rows_equal(frame, body)
    citation = response.headers["x-lazos-citation"]
    if response.headers.get("x-lazos-citation-encoding") == "percent":
        citation = unquote(citation)
    if len(body["citation"]) <= 1000:
        assert citation == body["citation"]
    else:  # many sources: the header names the first ones and says how many more the JSON lists
        assert citation.startswith(body["citation"][:100]) and citation.endswith("lists every source).")
        assert len(citation) <= 1000
    assert 'rel="describedby"' in response.headers["link"]


@pytest.mark.parametrize("path", LISTS)
def test_parquet_reads_back_to_the_json_rows_with_sources_in_its_metadata(client, path):
    body = all_json_rows(client, path)
    response = client.get(with_suffix(path, "parquet"))
    assert response.status_code == 200 and response.headers["content-type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(response.content))
    frame = table.to_pandas()
    frame = frame.astype(object).where(frame.notna(), None)
    for column in frame.columns:  # dates come back as dates; the JSON writes them as ISO text
        frame[column] = [v.isoformat() if hasattr(v, "isoformat") else v for v in frame[column]]
        frame[column] = [v.removesuffix("T00:00:00") if isinstance(v, str) else v for v in frame[column]]
    assert_rows_equal(frame, body)
    metadata = table.schema.metadata
    assert metadata[b"lazos:citation"].decode() == body["citation"]
    assert json.loads(metadata[b"lazos:sources"]) == body["sources"]


def test_every_row_keeps_its_source_id_in_the_csv(client):
    frame = pd.read_csv(io.BytesIO(client.get("/api/v1/events.csv").content))
    assert frame["source_id"].notna().all()
    body = all_json_rows(client, "/api/v1/events")
    assert set(frame["source_id"]) == {s["source_id"] for s in body["sources"]}


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        ("text/csv", "text/csv; charset=utf-8"),
        ("application/vnd.apache.parquet", "application/vnd.apache.parquet"),
        ("application/json", "application/json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/json"),
        ("application/json;q=0.5, text/csv;q=0.9", "text/csv; charset=utf-8"),
        ("", "application/json"),
    ],
)
def test_the_accept_header_chooses_the_format(client, accept, kind):
    response = client.get("/api/v1/countries", headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"] == kind
    assert "Accept" in response.headers["vary"]


def test_downloads_hold_every_row_unless_a_page_is_asked_for(client):
    total = client.get("/api/v1/projects").json()["total"]
    assert total > 500
    whole = pd.read_csv(io.BytesIO(client.get("/api/v1/projects.csv").content))
    assert len(whole) == total
    page = client.get("/api/v1/projects.csv?limit=10")
    assert len(pd.read_csv(io.BytesIO(page.content))) == 10 and 'rel="next"' in page.headers["link"]
    assert client.get("/api/v1/projects.json").json()["count"] == 50


def test_the_analyses_download_their_scores_with_the_sources_behind_each(client):
    body = client.get("/api/v1/index?year=2020").json()
    frame = pd.read_csv(io.BytesIO(client.get("/api/v1/index.csv?year=2020").content))
    assert list(frame["country"]) == [s["country"] for s in body["scores"]]
    assert list(frame.columns) == [*body["scores"][0], "sources"]
    cited = {s for ids in frame["sources"] for s in json.loads(ids)}
    assert cited and cited <= {s["source_id"] for s in body["sources"]}
    measures = pq.read_table(io.BytesIO(client.get("/api/v1/risk.parquet?year=2020&explain=true").content))
    assert {"indicator", "score", "sources"} <= set(measures.column_names)


def test_a_citation_outside_ascii_is_percent_encoded_utf8(client):
    response = client.get("/api/v1/sources.csv")
    assert response.headers.get("x-lazos-citation-encoding") == "percent"
    assert unquote(response.headers["x-lazos-citation"]).isprintable()
