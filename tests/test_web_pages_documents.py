"""Web pages for documents and claims: the documents list, a document's text with every claim
highlighted at its span (the text escaped, never rendered as HTML), the claims table filtered
by status, country and document, and the upload, refused unless the server runs with writes.

The embedded database holds no documents: real passages (tests/devset) and a hostile document
are ingested into a copy of it."""

from __future__ import annotations

import re
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import lazos
from lazos.web import create_app
from lazos.web.pages.documents import Span, highlight
from lazos.web.pages.i18n import HTML_LANG, LANGS

DEVSET = Path(__file__).parent / "devset"
HOSTILE = """Figures and markup in one report

<script>alert(1)</script> Trade between China and Latin America reached US$485.8 billion in 2022.

<img src=x onerror=alert(1)> Brazil's exports to China were US$ 89 billion in 2023 & "rising".

<a href="javascript:alert(1)">x</a> By the end of 2019, 25 Latin American countries had joined the BRI.
"""
HTML_UPLOAD = b"""<!doctype html><html><head><title>Trade note</title></head><body>
<article><h1>Trade note</h1>
<p>Trade between China and Latin America reached US$485.8 billion in 2022, according to customs data.</p>
<p>Chinese firms built nine data centers in Brazil, and the region's exports kept growing.</p>
</article></body></html>"""


class Page(HTMLParser):
    """What a document page shows: the text of its .document-text element, the tags inside
    it, and each claim's marked text (its marks' text joined, by data-claim-id)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.stack: list[str | None] = []
        self.parts: list[str] = []
        self.tags: list[str] = []
        self.marks: dict[str, str] = {}
        self.feed(html)
        self.close()

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if self.depth:
            self.depth += 1
            self.tags.append(tag)
            self.stack.append(found.get("data-claim-id") if tag == "mark" else None)
        elif tag == "div" and "document-text" in (found.get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            if self.depth > 1:
                self.stack.pop()
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)
            for claim_id in self.stack:
                if claim_id is not None:
                    self.marks[claim_id] = self.marks.get(claim_id, "") + data


@pytest.fixture(scope="module")
def documents_db(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("web-pages-documents")
    path = folder / "lazos.duckdb"
    shutil.copyfile(built_db, path)
    hostile = folder / "hostile.txt"
    hostile.write_text(HOSTILE, "utf-8")
    files = [hostile, DEVSET / "passages_en.txt", DEVSET / "passages_zh.txt", DEVSET / "passages_es.txt"]
    report = lazos.ingest([str(f) for f in files], db=path)
    assert len(report.read) == 4 and not report.refused
    return path


@pytest.fixture(scope="module")
def docs_client(documents_db: Path):
    app = create_app(documents_db)
    with TestClient(app) as c:
        yield c
    app.state.db.close()


@pytest.fixture(scope="module")
def docs_api(documents_db: Path):
    with lazos.open(documents_db) as handle:
        yield handle


@pytest.fixture(scope="module")
def doc_ids(docs_api) -> dict[str, str]:
    return {row["name"]: row["doc_id"] for row in docs_api.documents().rows}


def upload(client: TestClient, name: str, data: bytes, media_type: str = "text/plain", **headers: str):
    return client.post(
        "/en/documents/upload", files={"file": (name, data, media_type)}, headers=headers, follow_redirects=False
    )


# ---------------------------------------------------------------------------- every page


def test_every_documents_page_answers_in_every_language(docs_client, doc_ids):
    paths = ["/documents", "/claims", "/claims?status=inconsistent", *(f"/documents/{d}" for d in doc_ids.values())]
    for lang in LANGS:
        for path in paths:
            response = docs_client.get(f"/{lang}{path}")
            assert response.status_code == 200, (lang, path)
            assert f'<html lang="{HTML_LANG[lang]}">' in response.text
            assert response.text.count("<h1>") == 1


def test_the_documents_list_shows_each_document_with_its_claims(docs_client, docs_api):
    html = docs_client.get("/en/documents").text
    for row in docs_api.documents().rows:
        assert f'href="/en/documents/{row["doc_id"]}">{row["name"]}</a>' in html
        assert f'href="/en/claims?doc={row["doc_id"]}"' in html
    assert 'href="/api/v1/documents.csv"' in html


def test_an_empty_database_says_how_to_add_a_document(client):
    html = client.get("/en/documents").text
    assert "No documents have been read into this database yet" in html and "lazos ingest FILE" in html
    assert "lazos serve --enable-writes" in html  # this server takes no uploads: how to start one that does
    claims = client.get("/en/claims").text
    assert "there are no claims to check" in claims and "lazos ingest FILE" in claims


# ---------------------------------------------------------------------------- highlighted text


def test_each_claims_marks_hold_exactly_the_claims_text(docs_client, docs_api, doc_ids):
    for doc_id in doc_ids.values():
        page = Page(docs_client.get(f"/en/documents/{doc_id}").text)
        claims = docs_api.claims(doc=doc_id).frame
        assert len(claims) > 0
        assert page.text == docs_api.document_text(doc_id).text  # the whole text, as stored
        assert set(page.tags) == {"mark"}
        assert page.marks == {str(r["n"]): r["text"] for r in claims.to_dict("records")}


def test_each_mark_carries_its_claims_status(docs_client, docs_api, doc_ids):
    doc_id = doc_ids["passages_en.txt"]
    html = docs_client.get(f"/en/documents/{doc_id}").text
    for row in docs_api.claims(doc=doc_id).frame.to_dict("records"):
        assert f'<mark data-claim-id="{row["n"]}" class="{row["status"]}" id="mark-{row["n"]}"' in html
        assert f'<li id="claim-{row["n"]}" class="claim">' in html


def test_hostile_document_text_is_shown_as_text(docs_client, doc_ids):
    html = docs_client.get(f"/en/documents/{doc_ids['hostile.txt']}").text
    page = Page(html)
    for hostile in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>'):
        assert hostile in page.text  # shown, as the characters it is made of
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img" not in html and "javascript:" not in html.replace("javascript:alert(1)&#34;", "")
    assert all(src.startswith("/static/") for src in re.findall(r"<script[^>]*src=\"([^\"]*)\"", html))
    assert html.count("<script") == len(re.findall(r"<script[^>]*src=\"/static/", html))
    assert set(page.tags) == {"mark"}
    assert sorted(page.marks.values()) == sorted(["US$485.8 billion", "US$ 89 billion", "25"])


def test_overlapping_and_nested_spans_stay_well_nested():
    text = "<b>x</b> 12 345 678 & more"
    spans = [Span("a", 9, 15, "consistent"), Span("b", 12, 19, "inconsistent"), Span("c", 9, 11, "unverifiable")]
    spans += [Span("gone", 30, 40, "consistent"), Span("empty", 3, 3, "consistent")]  # outside, empty: left out
    html = f'<div class="document-text">{highlight(text, spans)}</div>'
    page = Page(html)
    assert page.text == text and "&lt;b&gt;x&lt;/b&gt;" in html
    assert page.marks == {"a": text[9:15], "b": text[12:19], "c": text[9:11]}
    assert html.count("<mark") == html.count("</mark>")
    assert html.count('id="mark-b"') == 1  # the first part of a claim split by another is its anchor


# ---------------------------------------------------------------------------- evidence


def test_a_claim_shows_both_sides_of_its_check(docs_client, docs_api, doc_ids):
    doc_id = doc_ids["passages_en.txt"]
    html = docs_client.get(f"/en/documents/{doc_id}").text
    checked = [r for r in docs_api.claims(doc=doc_id).frame.to_dict("records") if r["evidence"]]
    assert checked
    for row in checked:
        item = html[html.index(f'<li id="claim-{row["n"]}"') :]
        item = item[: item.index("</li>")]
        assert '<strong class="claim-span">' + row["text"] in item.replace("&#39;", "'")  # the document's side
        for evidence in row["evidence"]:  # Lazos's side, each figure with its source
            if evidence.get("source_url"):
                assert f'href="{evidence["source_url"]}"' in item


# ---------------------------------------------------------------------------- claims table


def claim_rows(html: str) -> int:
    """Rows of the claims table (each has a cell with the claim's evidence)."""
    return html.count('<td class="claim-evidence">')


def test_filtering_claims_by_status_narrows_the_rows(docs_client, docs_api):
    total = len(docs_api.claims())
    assert claim_rows(docs_client.get("/en/claims").text) == total
    seen = 0
    for status in ("consistent", "inconsistent", "unverifiable"):
        html = docs_client.get(f"/en/claims?status={status}").text
        expected = len(docs_api.claims(status=status))
        assert claim_rows(html) == expected < total
        assert f'<option value="{status}" selected>' in html  # the form keeps the filter
        assert f'href="/api/v1/claims.csv?status={status}"' in html  # and so does the download
        seen += expected
    assert seen == total


def test_filtering_claims_by_country_and_document(docs_client, docs_api, doc_ids):
    doc_id = doc_ids["passages_zh.txt"]
    html = docs_client.get(f"/en/claims?doc={doc_id}&country=ARG").text
    expected = docs_api.claims(doc=doc_id, country="ARG")
    assert 0 < claim_rows(html) == len(expected) < len(docs_api.claims(doc=doc_id))


def test_the_claims_download_has_the_rows_the_table_shows(docs_client, docs_api):
    html = docs_client.get("/en/claims?status=inconsistent").text
    link = re.search(r'href="(/api/v1/claims\.csv[^"]*)" data-download="csv"', html)[1]
    csv = docs_client.get(link.replace("&amp;", "&"))
    assert csv.status_code == 200
    assert len(csv.text.strip().splitlines()) == 1 + len(docs_api.claims(status="inconsistent"))


def test_an_unknown_status_is_a_page_naming_the_filter(docs_client):
    response = docs_client.get("/en/claims?status=consistant")
    assert response.status_code == 422
    assert "status" in response.text and 'href="/en/claims?status=consistent"' in response.text


def test_an_unknown_document_is_a_404_page_suggesting_the_closest(docs_client, doc_ids):
    doc_id = doc_ids["passages_en.txt"]
    response = docs_client.get(f"/es/documents/{doc_id[:-2]}zz")
    assert response.status_code == 404 and '<html lang="es">' in response.text
    assert f'href="/es/documents/{doc_id}"' in response.text


# ---------------------------------------------------------------------------- upload


def test_upload_is_refused_without_writes(docs_client, docs_api):
    before = len(docs_api.documents())
    for response in (
        docs_client.get("/en/documents/upload"),
        upload(docs_client, "note.txt", b"China-LAC trade reached US$485.8 billion in 2022."),
    ):
        assert response.status_code == 403
        assert "lazos serve --enable-writes" in response.text
    assert len(docs_client.get("/api/v1/documents").json()["rows"]) == before


@pytest.fixture()
def writable(db_copy: Path):
    app = create_app(db_copy, writes=True)
    with TestClient(app) as c:
        yield c
    app.state.db.close()


def test_an_upload_with_writes_is_read_and_leads_to_its_page(writable, db_copy):
    form = writable.get("/pt/documents/upload")
    assert form.status_code == 200 and 'type="file"' in form.text and 'for="upload-file"' in form.text
    assert "No documents have been read" in writable.get("/en/documents").text
    response = upload(writable, "trade-note.html", HTML_UPLOAD, "text/html")
    assert response.status_code == 303
    doc_id = re.fullmatch(r"/en/documents/(doc-[0-9a-f]{16})", response.headers["location"])[1]
    page = writable.get(response.headers["location"])
    assert page.status_code == 200 and "Trade note" in page.text
    assert Page(page.text).marks  # its claims, highlighted
    assert f'href="/en/documents/{doc_id}">trade-note.html</a>' in writable.get("/en/documents").text
    writable.app.state.db.close()
    with lazos.open(db_copy) as db:
        assert [r["doc_id"] for r in db.documents().rows] == [doc_id]


@pytest.mark.parametrize(
    ("name", "data", "status", "message"),
    [
        ("empty.txt", b"", 422, "The file is empty"),
        ("blank.txt", b"  \n\n ", 422, "The file is empty"),
        ("broken.pdf", b"%PDF-1.4\nthis is not a PDF at all", 422, "broken.pdf is not a readable PDF"),
        ("damaged.txt", b"\xff\xfe" + "中拉贸易".encode("utf-16-le") + b"\x00", 422, "damaged.txt is damaged UTF-16"),
        ("binary.txt", b"\x00\x01\x02 not text \x00" * 20, 422, "binary.txt is binary data"),
    ],
)
def test_a_bad_upload_says_why_and_changes_nothing(writable, db_copy, content, name, data, status, message):
    writable.app.state.db.close()
    before = content(db_copy)
    writable.app.state.db = lazos.open(db_copy)
    response = upload(writable, name, data)
    assert response.status_code == status
    assert message in response.text and "Nothing was added to the database." in response.text
    writable.app.state.db.close()
    assert content(db_copy) == before
    writable.app.state.db = lazos.open(db_copy)


def test_an_upload_over_the_limit_is_refused_unread(writable, db_copy):
    writable.app.state.upload_max_bytes = 1000
    response = upload(writable, "long.txt", b"China-LAC trade reached US$485.8 billion in 2022. " * 100)
    assert response.status_code == 413 and "larger than 0.001 MB" in response.text
    assert writable.get("/api/v1/documents").json()["rows"] == []


def test_an_upload_from_another_site_is_refused(writable):
    note = b"Trade between China and Latin America reached US$485.8 billion in 2022."
    refused = upload(writable, "note.txt", note, origin="https://elsewhere.example")
    assert refused.status_code == 403 and "only from this site" in refused.text
    assert upload(writable, "note.txt", note, **{"sec-fetch-site": "cross-site"}).status_code == 403
    assert writable.get("/api/v1/documents").json()["rows"] == []
    assert upload(writable, "note.txt", note, origin="http://testserver").status_code == 303


def test_requests_during_an_upload_are_answered(writable):
    """The upload closes the handle while it writes: requests under way finish first, new ones
    wait for the new handle; none fails."""
    statuses: list[int] = []
    stop = threading.Event()

    def read() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            statuses.append(writable.get(f"/api/v1/documents?limit={n % 50 + 1}").status_code)
            statuses.append(writable.get("/en/claims").status_code)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    try:
        first = upload(writable, "a.txt", b"Trade between China and Latin America reached US$485.8 billion in 2022.")
        second = upload(writable, "b.txt", b"By the end of 2019, 25 Latin American countries had joined the BRI.")
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert first.status_code == second.status_code == 303
    assert statuses and set(statuses) == {200}
    assert len(writable.get("/api/v1/documents").json()["rows"]) == 2


def test_writes_need_the_only_handle_on_the_database(cli):
    result = cli("serve", "--enable-writes", "--workers", "2", "--port", "0")
    assert result.code != 0 and "--enable-writes needs --workers 1" in result.err
