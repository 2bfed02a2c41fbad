"""Reading documents (plain text, HTML, PDF; a file or a URL) and storing them with their claims.

``read`` turns bytes into a :class:`Source` text: plain text decoded (UTF-8, UTF-16 with a
BOM, or the detected encoding: GBK, Latin-1...), HTML reduced to its main text by
trafilatura (navigation, share buttons and scripts dropped: nothing is ever executed or
rendered), PDF read from its text layer by pdfplumber. ``ingest`` stores the document, its
paragraphs and its claims through the store's import, in one transaction per document: a
document that cannot be read changes nothing, and re-reading the same bytes changes nothing.

Every cost is bounded before it is paid, with a message naming the limit: MAX_BYTES read,
MAX_CHARS of text (text.py), MAX_HTML_BYTES parsed, a PDF's pages, drawing and decompression
(pdf.py), DOWNLOAD_SECONDS for a download however slowly it comes.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lazos.documents.extract import EXTRACTOR_VERSION, Extraction, extract
from lazos.documents.text import MAX_BYTES, DocumentError, check_length, decode
from lazos.results import Result

MEDIA_TYPES = ("text/plain", "text/html", "application/pdf")
# trafilatura's own MAX_FILE_SIZE: lxml holds the whole page's tree (a 20 MB page takes 650 MB).
MAX_HTML_BYTES = 20_000_000
# The longest a download may take, from asking to the last byte (200 MB at 2 MB/s).
DOWNLOAD_SECONDS = 120.0


@dataclass
class Source:
    """A document as read: its name (file name or URL), bytes, type and text."""

    name: str
    raw: bytes
    media_type: str
    text: str
    encoding: str | None = None
    url: str | None = None
    published: str | None = None
    title: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def doc_id(self) -> str:
        return f"doc-{self.sha256[:16]}"


def _looks_like_html(raw: bytes, name: str) -> bool:
    head = raw[:4096].lstrip().lower()
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    return (head.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in raw[:65536].lower()) or (
        head.startswith(b"<") and len(re.findall(rb"</?(?:p|div|span|a|body|head|script)\b", head)) >= 3
    )


def read_bytes(raw: bytes, name: str, *, url: str | None = None, media_type: str | None = None) -> Source:
    """Bytes of a text, HTML or PDF document to its text; clear errors for anything else."""
    if not raw or raw.isspace():  # (strip() would copy the whole file)
        raise DocumentError(f"{name} is empty")
    if len(raw) > MAX_BYTES:
        raise DocumentError(
            f"{name} is {len(raw) / 1e6:.0f} MB; Lazos reads documents up to {MAX_BYTES // 1_000_000} MB"
        )
    if raw.startswith(b"%PDF") or media_type == "application/pdf":
        doc = _pdf(raw, name, url)
    elif media_type == "text/html" or _looks_like_html(raw, name):
        doc = _html(raw, name, url)
    else:
        text, encoding = decode(raw, name)
        if not text.strip():
            raise DocumentError(f"{name} has no text")
        doc = Source(name, raw, "text/plain", text, encoding, url, title=_first_line(text))
    check_length(doc.text, name)
    return doc


def read_path(path: str | Path) -> Source:
    p = Path(path)
    if not p.exists():
        raise DocumentError(f"no such file: {p}")
    if p.is_dir():
        raise DocumentError(f"{p} is a folder: give the documents in it")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise DocumentError(f"{p.name} is {size / 1e6:.0f} MB; Lazos reads documents up to {MAX_BYTES // 1_000_000} MB")
    return read_bytes(p.read_bytes(), p.name)


def read_url(url: str, client: Any = None, timeout: float = 30.0) -> Source:
    """Download a document (the only network access Lazos makes on its own is what a user asks).

    ``client`` is an ``httpx.AsyncClient`` (one is made when not given); ``timeout`` bounds each
    connect and read, and DOWNLOAD_SECONDS the whole download, however slowly the server sends.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise DocumentError(f"not a web address: {url!r}")
    raw, kind = asyncio.run(_download(url, client, timeout))
    media = "application/pdf" if "pdf" in kind else "text/html" if "html" in kind else None
    return read_bytes(raw, url, url=url, media_type=media)


async def _download(url: str, client: Any, timeout: float) -> tuple[bytes, str]:
    """The body and content type; asyncio's timeout cancels a server that trickles its headers or
    body (httpx's own timeouts are per read: one byte every few seconds would never end)."""
    import httpx

    own = client is None
    client = client or httpx.AsyncClient(follow_redirects=True, timeout=timeout, headers={"User-Agent": "lazos"})
    deadline = DOWNLOAD_SECONDS
    try:
        async with asyncio.timeout(deadline), client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise DocumentError(f"cannot download {url}: HTTP {response.status_code}")
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():  # stop at the size limit, not after the whole body
                size += len(chunk)
                if size > MAX_BYTES:
                    raise DocumentError(
                        f"{url} is over {MAX_BYTES // 1_000_000} MB; Lazos reads documents up to that size"
                    )
                chunks.append(chunk)
    except TimeoutError as exc:
        raise DocumentError(
            f"cannot download {url}: not finished after {deadline:g} seconds, the longest Lazos waits"
            " (download it another way and ingest the file)"
        ) from exc
    except httpx.HTTPError as exc:
        raise DocumentError(f"cannot download {url}: {exc}") from exc
    finally:
        if own:
            await client.aclose()
    return b"".join(chunks), kind


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("\ufeff")[:300]
    return None


def _size(n: int) -> str:
    return f"{n / 1e6:.0f} MB" if n >= 1_000_000 else f"{n:,} bytes"


def _html(raw: bytes, name: str, url: str | None) -> Source:
    import trafilatura

    if len(raw) > MAX_HTML_BYTES:
        raise DocumentError(f"{name} is {_size(len(raw))} of HTML; Lazos reads web pages up to {_size(MAX_HTML_BYTES)}")
    try:
        body = trafilatura.extract(
            raw, url=url, output_format="txt", include_comments=False, include_tables=True, deduplicate=True
        )
        if not body:
            body = trafilatura.extract(raw, url=url, output_format="txt", favor_recall=True)
        # Dates from the page's markup only: the extensive search guesses one from the body
        # ("in 2022", "Copyright 2023") and invents a day and month for it.
        meta = trafilatura.extract_metadata(raw, default_url=url, extensive=False)
    except Exception as exc:  # trafilatura raises lxml and its own errors on broken markup
        raise DocumentError(f"cannot read the HTML of {name}: {exc}") from exc
    if not body or not body.strip():
        raise DocumentError(f"{name}: no main text found in the HTML")
    # One paragraph a line in trafilatura's output; a blank line between them here.
    text = "\n\n".join(line.strip() for line in body.splitlines() if line.strip())
    title = getattr(meta, "title", None) if meta else None
    published = getattr(meta, "date", None) if meta else None
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    return Source(name, raw, "text/html", text, None, url, published, title or _first_line(text))


def _pdf(raw: bytes, name: str, url: str | None) -> Source:
    from lazos.documents.pdf import read_pdf

    pdf = read_pdf(raw, name)
    text = "\n\n".join(p.strip() for p in pdf.pages if p.strip())
    if not text.strip():
        raise DocumentError(f"{name} has no text layer (a scanned PDF?): run OCR on it first")
    title = str(pdf.metadata.get("Title") or "").strip() or _first_line(text)
    return Source(name, raw, "application/pdf", text, None, url, None, title)


def read(target: str) -> Source:
    """A file path or an http(s) URL (another scheme, ftp://..., is refused as not a web address)."""
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]+://", target):
        return read_url(target)
    return read_path(target)


# ---------------------------------------------------------------------------- rows


def rows_for(doc: Source, extraction: Extraction, retrieved: str) -> dict[str, list[dict[str, Any]]]:
    """The rows a document adds to the store: its source, itself, its paragraphs, its claims."""
    from lazos.sources.common import publisher_for, source_row

    source_id = doc.doc_id
    langs = sorted({p.lang for p in extraction.paragraphs if not p.noise})
    counts = [p.lang for p in extraction.paragraphs if not p.noise]
    main = max(set(counts), key=counts.count) if counts else None
    cleaned = "\n\n".join(extraction.text[p.start : p.end] for p in extraction.paragraphs if not p.noise)
    source = source_row(
        source_id=source_id,
        kind="web_page" if doc.url else "document",
        title=doc.title,
        publisher=publisher_for(doc.url) if doc.url else None,
        url=doc.url,
        published=_fuzzy(doc.published),
        retrieved=retrieved,
        content_hash=doc.sha256,
        note=f"Read by lazos ingest from {doc.name} ({doc.media_type}).",
    )
    document = {
        "doc_id": source_id,
        "name": doc.name,
        "media_type": doc.media_type,
        "encoding": doc.encoding,
        "lang": main,
        "languages": ";".join(langs) or None,
        "title": doc.title,
        "text": extraction.text,
        "cleaned": cleaned,
        "extractor_version": EXTRACTOR_VERSION,
        "source_id": source_id,
    }
    paragraphs = [
        {
            "doc_id": source_id,
            "n": p.n,
            "start_offset": p.start,
            "end_offset": p.end,
            "lang": p.lang,
            "noise": p.noise,
            "translation_of": p.translation_of,
            "source_id": source_id,
        }
        for p in extraction.paragraphs
    ]
    claims = [
        {
            "doc_id": source_id,
            "n": i,
            "start_offset": c.start,
            "end_offset": c.end,
            "text": c.text,
            "value": c.value,
            "unit": c.unit,
            "what": c.what or None,
            "period": c.period,
            "countries": ";".join(c.countries) or None,
            "lang": c.lang,
            "qualifier": c.qualifier,
            "kind": c.kind,
            "paragraph": c.paragraph,
            "context_start": c.context_start,
            "context_end": c.context_end,
            "partial_period": c.partial_period,
            "translation_of": c.translation,
            "source_id": source_id,
        }
        for i, c in enumerate(extraction.claims)
    ]
    return {"sources": [source], "documents": [document], "document_paragraphs": paragraphs, "claims": claims}


def _fuzzy(value: str | None) -> str | None:
    if not value:
        return None
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    return "-".join(g for g in m.groups() if g) if m else None


@dataclass(frozen=True)
class Ingested(Result):
    """A document read and stored (``changed``: False when the same bytes were stored already)."""

    doc_id: str
    name: str
    media_type: str
    claims: int
    paragraphs: int
    languages: str | None
    changed: bool


@dataclass(frozen=True)
class IngestReport(Result):
    """What an ingest did: each document read, and each target refused with the reason."""

    read: tuple[Ingested, ...]
    refused: tuple[str, ...]

    @classmethod
    def of(cls, outcomes: list[Ingested | DocumentError]) -> IngestReport:
        return cls(
            read=tuple(o for o in outcomes if isinstance(o, Ingested)),
            refused=tuple(str(o) for o in outcomes if not isinstance(o, Ingested)),
        )


def ingest(db_path: str | Path, targets: list[str], *, progress: Any = None) -> list[Ingested | DocumentError]:
    """Read and store documents, one transaction each; failures are returned, not raised."""
    from lazos.store.importer import run_import

    out: list[Ingested | DocumentError] = []
    today = datetime.now(UTC).date().isoformat()
    for target in targets:
        try:
            doc = read(target)
            known = _stored(db_path, doc.doc_id)
            if known is not None:
                out.append(Ingested(doc.doc_id, doc.name, doc.media_type, known[0], known[1], known[2], False))
                continue  # the same bytes, read by the same extractor: nothing to do
            extraction = extract(doc.text)
            if all(p.noise for p in extraction.paragraphs):
                raise DocumentError(f"{doc.name} has no text to read, only stray characters or page furniture")
            rows = rows_for(doc, extraction, today)

            def stage(
                staging: Any, ctx: Any, rows: dict[str, list[dict[str, Any]]] = rows, name: str = doc.name
            ) -> str:
                for resource, records in rows.items():
                    staging.add_rows(resource, records, name)
                return f"{name}: {len(rows['claims'])} claims"

            report = run_import(db_path, "documents", [(doc.name, stage)], progress=progress)
        except DocumentError as exc:
            out.append(exc)
            continue
        out.append(
            Ingested(
                doc.doc_id,
                doc.name,
                doc.media_type,
                len(rows["claims"]),
                len(rows["document_paragraphs"]),
                rows["documents"][0]["languages"],
                report.inserted + report.retired > 0,
            )
        )
    return out


def _stored(db_path: str | Path, doc_id: str) -> tuple[int, int, str | None] | None:
    """Claims, paragraphs and languages of a document already stored by this extractor version."""
    from lazos.store.reader import Reader

    with Reader(db_path) as db:
        found = db.con.execute(
            "SELECT d.languages, (SELECT count(*) FROM claim c WHERE c.doc_id = d.doc_id AND c.retired_at IS NULL), "
            "(SELECT count(*) FROM document_paragraph p WHERE p.doc_id = d.doc_id AND p.retired_at IS NULL) "
            "FROM document d WHERE d.doc_id = ? AND d.extractor_version = ? AND d.retired_at IS NULL",
            [doc_id, EXTRACTOR_VERSION],
        ).fetchall()
    if not found:
        return None
    languages, claims, paragraphs = found[0]
    return claims, paragraphs, languages
