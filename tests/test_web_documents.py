"""Documents over the REST API: the list, one document, its text, and the claims read from it,
checked against Lazos's data and filtered by status, document and country."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

import lazos
from lazos.web import create_app

PASSAGE = """China and Latin America: figures to check

China–Latin America trade reached US$485.8 billion in 2022.

Trade between China and Latin America was US$600 billion in 2022, according to a blog.

Argentina's economy grew 5% in 2023.

By the end of 2019, 25 Latin American countries had joined the Belt and Road Initiative.

Chinese firms built nine data centers in Brazil.
"""


@pytest.fixture(scope="module")
def documents_db(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("web-documents")
    path = folder / "lazos.duckdb"
    shutil.copyfile(built_db, path)
    text = folder / "figures.txt"
    text.write_text(PASSAGE, "utf-8")
    report = lazos.ingest([str(text)], db=path)
    assert len(report.read) == 1 and not report.refused
    return path


@pytest.fixture(scope="module")
def client(documents_db: Path):
    app = create_app(documents_db)
    with TestClient(app) as c:
        yield c
    app.state.db.close()


@pytest.fixture(scope="module")
def doc_id(client) -> str:
    rows = client.get("/api/v1/documents").json()["rows"]
    assert [r["name"] for r in rows] == ["figures.txt"]
    return rows[0]["doc_id"]


@pytest.fixture(scope="module")
def api_claims(documents_db: Path):
    with lazos.open(documents_db) as db:
        return db.claims()


def test_the_documents_list_counts_each_ones_claims(client, doc_id):
    (row,) = client.get("/api/v1/documents").json()["rows"]
    assert row["claims"] >= 4 and row["chars"] == len(PASSAGE)


def test_one_document_links_to_its_text_and_claims(client, doc_id):
    body = client.get(f"/api/v1/documents/{doc_id}").json()
    assert body["document"]["doc_id"] == doc_id and body["sources"]
    assert client.get(body["links"]["claims"]).json()["total"] == body["document"]["claims"]
    text = client.get(body["links"]["text"])
    assert text.status_code == 200 and text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.text == PASSAGE


def test_an_unknown_document_suggests_the_closest_id(client, doc_id):
    response = client.get(f"/api/v1/documents/{doc_id[:-1]}x")
    assert response.status_code == 404 and response.json()["parameter"] == "doc_id"
    assert doc_id in response.json()["suggestions"]
    assert client.get(f"/api/v1/documents/{doc_id[:-1]}x/text").status_code == 404


def test_claims_are_checked_and_filter_by_status_document_and_country(client, api_claims):
    every = client.get("/api/v1/claims?limit=500").json()
    assert every["rows"] == api_claims.rows
    statuses = {r["status"] for r in every["rows"]}
    assert {"consistent", "inconsistent"} <= statuses
    for status in statuses:
        rows = client.get(f"/api/v1/claims?status={status}&limit=500").json()["rows"]
        assert rows and {r["status"] for r in rows} == {status}
    assert client.get("/api/v1/claims?doc=figures.txt&limit=500").json()["total"] == every["total"]
    argentina = client.get("/api/v1/claims?country=Argentina&limit=500").json()["rows"]
    assert argentina and all("ARG" in r["countries"] for r in argentina)
    assert len(argentina) < every["total"]


def test_claims_download_with_their_evidence_as_json_text(client):
    frame = pd.read_csv(io.BytesIO(client.get("/api/v1/claims.csv").content))
    assert {"status", "evidence", "source_id"} <= set(frame.columns)
    assert frame["evidence"].dropna().str.startswith(("[", "{")).all()
