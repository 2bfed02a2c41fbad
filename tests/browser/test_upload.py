"""Uploading a document from the browser (a server started with writes on, over its own copy of
the database): the file is read, its page shows the text with the claims highlighted, and the
hostile markup in it stays text; a read-only server refuses the upload with a page saying why."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import HOSTILE, LiveServer, serve, settle


@pytest.fixture(scope="module")
def writes_server(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("browser-upload") / "lazos.duckdb"
    shutil.copyfile(built_db, path)
    with serve(path, writes=True) as live:
        yield live


def test_an_uploaded_document_is_read_and_shown_with_its_claims(page, writes_server, watch):
    page.goto(writes_server("/en/documents/upload"))
    page.locator("main input[type=file][name=file]").set_input_files(
        files=[{"name": "upload.txt", "mimeType": "text/plain", "buffer": HOSTILE.encode("utf-8")}]
    )
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    path = urlsplit(page.url).path
    assert path.startswith("/en/documents/doc-"), page.url
    settle(page)
    doc_id = path.rsplit("/", 1)[-1]
    rows = writes_server.json(f"/api/v1/claims?doc={doc_id}&limit=500")["rows"]
    claims = [r["text"] for r in sorted(rows, key=lambda r: (r["start"], r["end"]))]
    assert claims, "the uploaded document has no claims"
    marks = page.locator("mark[data-claim-id]").evaluate_all("ms => ms.map(m => m.textContent)")
    assert marks == claims
    text = page.locator("main").inner_text()
    for line in filter(None, HOSTILE.splitlines()):
        assert line in text, f"{line!r} is not shown literally"
    assert page.locator("main script:not([type='application/json']), main [onerror], main iframe").count() == 0
    assert not watch.dialogs
    assert doc_id in [row["doc_id"] for row in writes_server.json("/api/v1/documents")["rows"]]


def test_a_read_only_server_refuses_uploads_with_a_page_saying_why(page, live_server, watch):
    watch.allow_console(r"status of 403")
    response = page.goto(live_server("/en/documents/upload"))
    assert response.status == 403 and response.headers["content-type"].startswith("text/html")
    assert page.locator("main [role=alert]").count() == 1
    assert page.locator("main input[type=file]").count() == 0
