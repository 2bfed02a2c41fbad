"""``lazos ingest`` never crashes on arbitrary input: a stored document or a Lazos error, and a
failed ingest leaves every table as it was.

Inputs: text in any encoding (and mixtures of them, and raw bytes), HTML pages built from random
text and tags, then cut or with bytes changed, and small valid PDFs with bytes changed,
inserted or cut. Reading is checked on many examples, storing on a few (each opens the
database), so that the whole file runs in seconds.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_ingest import HTML, text_pdf
from test_ingest_limits import lines_pdf

import lazos
from lazos.documents.ingest import Ingested, Source, ingest, read_bytes
from lazos.errors import LazosError

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "gb18030", "big5", "ascii"]
WORDS = st.sampled_from(
    ["Perú", "US$ 485.8 billion", "2 mil millones", "4858亿美元", "em 2022", "\x1b[31m", "\r\n", "\n\n", "\t", "&amp;"]
)
TEXT = st.lists(st.one_of(st.text(max_size=40), WORDS), max_size=12).map(" ".join)


@st.composite
def encoded_text(draw: st.DrawFn) -> bytes:
    """Text in one or several encodings (a file pasted together), or plain bytes."""
    parts = draw(st.lists(st.tuples(TEXT, st.sampled_from(ENCODINGS)), min_size=1, max_size=4))
    raw = b"\n".join(text.encode(codec, errors="replace") for text, codec in parts)
    return draw(st.one_of(st.just(raw), st.binary(max_size=300), st.just(raw + draw(st.binary(max_size=20)))))


def mutated(raw: bytes) -> st.SearchStrategy[bytes]:
    """``raw`` with some bytes changed, inserted or removed, or cut short."""

    @st.composite
    def change(draw: st.DrawFn) -> bytes:
        data = bytearray(raw)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, max(len(data) - 1, 0)))
            kind = draw(st.sampled_from(["set", "insert", "delete", "cut"]))
            if kind == "set" and data:
                data[at] = draw(st.integers(0, 255))
            elif kind == "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=16))
            elif kind == "delete":
                del data[at : at + draw(st.integers(1, 16))]
            else:
                del data[at:]
        return bytes(data)

    return change()


@st.composite
def html_pages(draw: st.DrawFn) -> bytes:
    tags = st.sampled_from(["p", "div", "article", "h1", "script", "style", "nav", "table", "td", "a", "b"])
    body = "".join(
        f"<{tag}>{text}</{tag}>" if draw(st.booleans()) else f"<{tag}>{text}"
        for tag, text in draw(st.lists(st.tuples(tags, TEXT), max_size=8))
    )
    page = f"<!DOCTYPE html><html><head><title>{draw(TEXT)}</title></head><body>{body}</body></html>"
    return page.encode(draw(st.sampled_from(["utf-8", "utf-16", "latin-1", "gb18030"])), errors="replace")


PDFS = [text_pdf("Trade reached US$ 485.8 billion in 2022.", title="Trade"), lines_pdf(3, pages=2)]
INPUTS = st.one_of(
    encoded_text().map(lambda raw: (raw, "doc.txt")),
    html_pages().map(lambda raw: (raw, "page.html")),
    st.one_of(html_pages(), st.just(HTML.encode())).flatmap(mutated).map(lambda raw: (raw, "page.html")),
    st.sampled_from(PDFS).flatmap(mutated).map(lambda raw: (raw, "report.pdf")),
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(INPUTS)
def test_reading_any_input_gives_a_text_or_a_lazos_error(case):
    raw, name = case
    try:
        doc = read_bytes(raw, name)
    except LazosError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(doc, Source) and doc.text.strip()


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(INPUTS)
@example((b"0", "doc.txt"))  # all noise: was a validation error about a missing cleaned text that ended the batch
def test_ingesting_any_input_stores_a_document_or_changes_nothing(db_copy, content, case):
    raw, name = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(raw)
        before = content(db_copy)
        (result,) = ingest(db_copy, [str(path)])
    if isinstance(result, Ingested):
        with lazos.open(db_copy) as db:
            assert db.document_text(result.doc_id).text == read_bytes(raw, name).text  # stored as read
    else:
        assert isinstance(result, LazosError)
        assert content(db_copy) == before
