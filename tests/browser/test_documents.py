"""Documents in Chromium, on a copy of the database with two ingested documents (conftest's
documents_db): the highlighted claim spans are the claims' own text, and a document whose text
holds script tags, on* attributes and javascript: URLs is shown as text, running nothing."""

from __future__ import annotations

import pytest

from .conftest import HOSTILE, settle


def claims_of(server, doc_id: str) -> list[dict]:
    rows = server.json(f"/api/v1/claims?doc={doc_id}&limit=500")["rows"]
    return sorted(rows, key=lambda r: (r["start"], r["end"]))


@pytest.mark.parametrize("name", ["figures.txt", "hostile.txt"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_highlighted_claim_spans_are_the_claims_text(page, documents_server, documents, name, lang):
    doc_id = documents[name]
    claims = claims_of(documents_server, doc_id)
    assert claims, f"{name} has no claims to highlight"
    page.goto(documents_server(f"/{lang}/documents/{doc_id}"))
    marks = page.locator("mark[data-claim-id]")
    spans = marks.evaluate_all("ms => ms.map(m => ({id: m.dataset.claimId, text: m.textContent}))")
    assert [s["text"] for s in spans] == [c["text"] for c in claims]
    assert len({s["id"] for s in spans}) == len(spans), f"repeated data-claim-id: {spans}"


INJECTED = (
    "main script:not([type='application/json'])",
    "main img[src=x]",
    "main [onerror]",
    "main [onload]",
    "main a[href^='javascript:' i]",
    "main iframe",
)


def assert_nothing_injected(page) -> None:
    settle(page)
    page.wait_for_timeout(200)  # an onerror handler would have fired by now
    for selector in INJECTED:
        assert page.locator(selector).count() == 0, f"{page.url}: the document's markup became {selector}"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_hostile_document_text_is_shown_as_text(page, documents_server, documents, watch, lang):
    page.goto(documents_server(f"/{lang}/documents/{documents['hostile.txt']}"))
    assert_nothing_injected(page)
    text = page.locator("main").inner_text()
    for line in filter(None, HOSTILE.splitlines()):
        assert line in text, f"{line!r} is not shown literally"
    assert not watch.dialogs


@pytest.mark.parametrize("path", ["/en/claims", "/en/documents", "/en/claims?status=consistent"])
def test_hostile_text_in_lists_is_shown_as_text(page, documents_server, watch, path):
    page.goto(documents_server(path))
    assert_nothing_injected(page)
    assert not watch.dialogs
