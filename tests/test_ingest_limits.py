"""Memory and time bombs given to ``lazos ingest`` are refused at a limit, by name, with nothing stored.

The hostile files are built here, small on disk and large once read: PDFs whose compressed
content stream draws a line of text thousands of times, or expands to megabytes; pages that
share one content stream; texts over the character limit; a local web server that sends a byte
at a time. The limits are module constants, made small here so that each test is fast.
"""

from __future__ import annotations

import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import HELVETICA, build_pdf
from test_ingest import HTML, LARGE_PARAGRAPHS, write

import lazos
from lazos.documents import ingest as ingest_module
from lazos.documents import pdf as pdf_module
from lazos.documents import text as text_module
from lazos.documents.ingest import Ingested, ingest, read_bytes, read_url
from lazos.documents.text import DocumentError

LINE = b"(Trade reached US$ 485.8 billion in 2022.) Tj T*"  # 40 characters drawn
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources %s >>"
FONT_PAGE = PAGE % b"<< /Font << /F1 4 0 R >> >>"


def flate(data: bytes) -> bytes:
    z = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream"


def pages_pdf(content: bytes, pages: int = 1) -> bytes:
    """``pages`` pages that all draw the same compressed content stream (object 3)."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
            flate(content),
            HELVETICA,
            *[FONT_PAGE] * pages,
        ]
    )


def lines_pdf(lines: int, pages: int = 1) -> bytes:
    """Pages each drawing ``lines`` lines of 40 characters: a few hundred bytes compressed."""
    return pages_pdf(b"\n".join([b"BT /F1 12 Tf 14 TL 72 720 Td", *[LINE] * lines, b"ET"]), pages)


@pytest.fixture()
def small_pdf_limits(monkeypatch):
    monkeypatch.setattr(pdf_module, "MAX_PAGES", 10)
    monkeypatch.setattr(pdf_module, "MAX_PAGE_OBJECTS", 2_000)
    monkeypatch.setattr(pdf_module, "MAX_CHARS", 5_000)
    monkeypatch.setattr(pdf_module, "MAX_DECODED", 1_000_000)


def refused(db_path: Path, target: Path | str, content) -> str:
    """The message of a document that ingest refuses, checking that the database did not change."""
    before = content(db_path)
    (result,) = ingest(db_path, [str(target)])
    assert isinstance(result, DocumentError), result
    assert content(db_path) == before
    return str(result)


# ---------------------------------------------------------------------------- PDF


def test_a_page_that_draws_too_much_is_refused_while_drawn(db_copy, tmp_path, content, small_pdf_limits):
    raw = lines_pdf(20_000)  # 800,000 characters from 4 KB: unbounded, some 70 s and 2 GB
    assert len(raw) < 5_000
    path = write(tmp_path, "bomb.pdf", raw)
    started = time.monotonic()
    message = refused(db_copy, path, content)
    assert time.monotonic() - started < 20
    assert message == (
        "bomb.pdf: page 1 draws more than 2,000 characters, lines and images; Lazos reads PDF pages up to that"
    )


def test_a_pdf_over_the_character_limit_is_refused_at_the_page_that_reaches_it(small_pdf_limits):
    # 30 lines (1,200 characters) a page: the fifth page passes 5,000.
    with pytest.raises(DocumentError) as info:
        read_bytes(lines_pdf(30, pages=8), "report.pdf")
    assert str(info.value) == (
        "report.pdf has more than 5,000 characters of text (reached on page 5); Lazos reads PDFs up to that:"
        " split it into parts"
    )
    assert len(read_bytes(lines_pdf(30, pages=4), "report.pdf").text) > 4_000  # under the limit: read whole


def test_a_pdf_over_the_page_limit_is_refused_without_reading_every_page(small_pdf_limits, monkeypatch):
    drawn = []
    real = pdf_module._Budget.draw
    monkeypatch.setattr(pdf_module._Budget, "draw", lambda self, char: drawn.append(self.page) or real(self, char))
    with pytest.raises(DocumentError) as info:
        read_bytes(lines_pdf(1, pages=500), "pages.pdf")
    assert str(info.value) == "pages.pdf has more than 10 pages; Lazos reads PDFs up to that: split it"
    assert max(drawn) == 10
    assert read_bytes(lines_pdf(1, pages=10), "ten.pdf").text.count("Trade reached") == 10


def test_a_content_stream_that_expands_past_the_limit_is_refused_before_it_is_decompressed(small_pdf_limits):
    # 1 MB of compressed spaces after one line of text: 50 MB once decompressed.
    inflater = zlib.compressobj(9)
    body = inflater.compress(b"BT /F1 12 Tf 72 720 Td " + LINE + b" ET\n")
    body += b"".join(inflater.compress(b" " * (1 << 20)) for _ in range(50)) + inflater.flush()
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"
    raw = build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            stream,
            HELVETICA,
            FONT_PAGE,
        ]
    )
    assert len(raw) < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError) as info:
            read_bytes(raw, "zip-bomb.pdf")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(info.value) == (
        "zip-bomb.pdf: its pages expand to more than 1 MB of decompressed contents and fonts (reached on page 1);"
        " Lazos reads PDFs up to that"
    )
    assert peak < 10_000_000  # measured a megabyte at a time, never decompressed whole


def test_a_form_drawn_again_and_again_counts_every_time(small_pdf_limits):
    # A page that draws a form 100 times, each drawing the form below it 100 times: 10,000 forms.
    page = PAGE % b"<< /XObject << /A 4 0 R >> >>"
    form = b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /B 6 0 R >> >> /Length %d >>"
    inner = b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length 0 >>\nstream\n\nendstream"
    calls_a, calls_b = b"/A Do\n" * 100, b"/B Do\n" * 100
    raw = build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            b"<< /Length %d >>\nstream\n" % len(calls_a) + calls_a + b"\nendstream",
            form % len(calls_b) + b"\nstream\n" + calls_b + b"\nendstream",
            page,
            inner,
        ]
    )
    with pytest.raises(DocumentError, match=r"^forms\.pdf: page 1 draws more than 2,000 characters, lines and images"):
        read_bytes(raw, "forms.pdf")


def test_pdf_limits_leave_ordinary_pdfs_alone(db_copy, tmp_path):
    result = ingest(db_copy, [str(write(tmp_path, "report.pdf", lines_pdf(50, pages=3)))])[0]
    assert isinstance(result, Ingested) and result.claims == 150


# ---------------------------------------------------------------------------- text and HTML


def test_a_text_over_the_character_limit_is_refused_with_its_count(db_copy, tmp_path, content, monkeypatch):
    monkeypatch.setattr(text_module, "MAX_CHARS", 1_000)
    text = "\n\n".join(LARGE_PARAGRAPHS)  # about 1,400 characters
    path = write(tmp_path, "long.txt", text)
    assert refused(db_copy, path, content) == (
        f"long.txt has {len(text):,} characters of text; Lazos reads documents up to 1,000 characters:"
        " split it into parts"
    )
    # More bytes than any encoding needs for 1,000 characters: refused before it is decoded.
    path = write(tmp_path, "longer.txt", text * 3)
    assert refused(db_copy, path, content).startswith("longer.txt has more than 1,000 characters of text")


def test_a_text_under_the_character_limit_is_stored(db_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(text_module, "MAX_CHARS", 1_000)
    result = ingest(db_copy, [str(write(tmp_path, "short.txt", LARGE_PARAGRAPHS[0]))])[0]
    assert isinstance(result, Ingested) and result.changed


def test_html_and_pdf_text_count_against_the_character_limit(monkeypatch):
    monkeypatch.setattr(text_module, "MAX_CHARS", 200)
    with pytest.raises(DocumentError, match=r"^page\.html has \d[\d,]* characters of text; .* up to 200 characters"):
        read_bytes(HTML.encode(), "page.html")
    with pytest.raises(DocumentError, match=r"^report\.pdf has 4[\d,]* characters of text; .* up to 200 characters"):
        read_bytes(lines_pdf(10), "report.pdf")


def test_html_over_its_size_limit_is_refused_before_it_is_parsed(db_copy, tmp_path, content, monkeypatch):
    monkeypatch.setattr(ingest_module, "MAX_HTML_BYTES", 2_000)
    path = write(tmp_path, "page.html", HTML + "<!--" + "x" * 3_000 + "-->")
    assert refused(db_copy, path, content) == (
        f"page.html is {path.stat().st_size:,} bytes of HTML; Lazos reads web pages up to 2,000 bytes"
    )


# ---------------------------------------------------------------------------- downloads


@contextmanager
def trickling_server(headers_too: bool) -> Iterator[str]:
    """A server on 127.0.0.1 that sends its answer a byte every 50 ms (for at most 30 s)."""
    answer = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 600\r\n\r\n"
    body = (b"Trade reached US$ 485.8 billion in 2022. " * 20)[:600]

    class Trickle(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            slow = answer + body if headers_too else body
            try:
                if not headers_too:
                    self.wfile.write(answer)
                for i in range(len(slow)):
                    self.wfile.write(slow[i : i + 1])
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass  # the client gave up

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/slow.txt"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("headers_too", [False, True], ids=["trickled-body", "trickled-headers"])
def test_a_download_that_never_ends_stops_at_the_deadline(db_copy, content, monkeypatch, headers_too):
    monkeypatch.setattr(ingest_module, "DOWNLOAD_SECONDS", 1.0)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with trickling_server(headers_too) as url:
        started = time.monotonic()
        message = refused(db_copy, url, content)
        assert time.monotonic() - started < 5  # each byte comes well within the 30 s read timeout
    assert message == (
        f"cannot download {url}: not finished after 1 seconds, the longest Lazos waits"
        " (download it another way and ingest the file)"
    )


def test_a_slow_download_within_the_deadline_is_read(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setattr(ingest_module, "DOWNLOAD_SECONDS", 60.0)

    class Quick(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"Trade reached US$ 485.8 billion in 2022.\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(len(body)):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                time.sleep(0.005)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Quick)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        doc = read_url(f"http://127.0.0.1:{server.server_port}/trade.txt")
    finally:
        server.shutdown()
        server.server_close()
    assert doc.text == "Trade reached US$ 485.8 billion in 2022.\n"


def test_limits_are_refused_in_the_cli_as_one_error_line(cli, db_copy, tmp_path, small_pdf_limits):
    path = write(tmp_path, "bomb.pdf", lines_pdf(5_000))
    result = cli("ingest", str(path), db=db_copy)
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines() == [
        "lazos: error: bomb.pdf: page 1 draws more than 2,000 characters, lines and images;"
        " Lazos reads PDF pages up to that"
    ]
    with lazos.open(db_copy) as db:
        assert db.documents().empty
