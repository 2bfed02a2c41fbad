"""A PDF's text layer, read within limits that a small hostile file cannot exceed.

pdfplumber (on pdfminer) reads the text of each page, with these bounds checked as it goes,
page by page, so that a file is refused before it costs more than its limits, and nothing is
stored:

- pages: at most ``MAX_PAGES``, counted as the page tree is walked (a few bytes of compressed
  page objects can declare millions of pages);
- drawing: at most ``MAX_PAGE_OBJECTS`` characters, lines, images and forms drawn on one page
  and ``MAX_CHARS`` characters in the whole file, counted while pdfminer draws them (each
  costs about 2 KB until the page is done: a 146 KB file of 400,000 compressed lines of text
  drew 16 million characters and needed 11 GB);
- decompression: at most ``MAX_DECODED`` bytes of decompressed streams that the pages use
  (contents, forms, fonts), measured before pdfminer decompresses them (a 1 MB stream can
  expand to 1 GB; pdfminer keeps what it decompressed).

Object and cross-reference streams, which pdfminer decompresses when it opens the file and
walks the page tree, are not measured. An encrypted PDF that needs a password is refused as
such; any other failure of pdfminer is "not a readable PDF" with its reason.
"""

from __future__ import annotations

import io
import itertools
import logging
import zlib
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFObjRef, PDFStream
from pdfminer.psparser import LIT
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent
from pdfplumber.utils.exceptions import PdfminerException

from lazos.documents.text import DocumentError

MAX_PAGES = 2_000
MAX_CHARS = 2_000_000  # about 700 dense pages; pdfplumber reads some 12,000 characters a second
MAX_PAGE_OBJECTS = 50_000  # a dense page draws under 10,000
MAX_DECODED = 200_000_000  # bytes of decompressed page contents, forms and fonts in the file

_CHUNK = 1 << 20

# pdfminer logs what it repairs in a damaged file ("Data-loss while decompressing corrupted data");
# without a handler, Python prints those warnings on stderr beside Lazos's own one-line message.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())
_IMAGE = LIT("Image")


@dataclass
class Pdf:
    """The text of each page (blank pages included) and the document's metadata."""

    pages: list[str]
    metadata: dict[str, Any]


@dataclass
class _Budget:
    """What is left to draw and to decompress, for the messages of the limits reached."""

    name: str
    chars: int = field(default_factory=lambda: MAX_CHARS)
    decoded: int = field(default_factory=lambda: MAX_DECODED)
    seen: set[int] = field(default_factory=set)
    page: int = 0
    drawn: int = 0  # objects drawn on the current page

    def draw(self, char: bool) -> None:
        self.drawn += 1
        if self.drawn > MAX_PAGE_OBJECTS:
            raise DocumentError(
                f"{self.name}: page {self.page} draws more than {MAX_PAGE_OBJECTS:,} characters, lines and images;"
                f" Lazos reads PDF pages up to that"
            )
        if char:
            self.chars -= 1
            if self.chars < 0:
                raise DocumentError(
                    f"{self.name} has more than {MAX_CHARS:,} characters of text (reached on page {self.page});"
                    f" Lazos reads PDFs up to that: split it into parts"
                )

    def inflate(self, size: int) -> None:
        self.decoded -= size
        if self.decoded < 0:
            raise DocumentError(
                f"{self.name}: its pages expand to more than {MAX_DECODED // 1_000_000} MB of decompressed contents"
                f" and fonts (reached on page {self.page}); Lazos reads PDFs up to that"
            )


def read_pdf(raw: bytes, name: str) -> Pdf:
    """The text of every page of a PDF, or a DocumentError that says which limit or failure."""
    budget = _Budget(name)
    try:
        # Not ``with``: pdfplumber's close() lists every page first, which is what must not happen.
        pdf = pdfplumber.PDF(io.BytesIO(raw))
        texts = []
        doctop = 0.0
        for number, page_obj in enumerate(itertools.islice(PDFPage.create_pages(pdf.doc), MAX_PAGES + 1), start=1):
            if number > MAX_PAGES:
                raise DocumentError(f"{name} has more than {MAX_PAGES:,} pages; Lazos reads PDFs up to that: split it")
            budget.page, budget.drawn = number, 0
            _measure_streams(page_obj, budget)
            page = _Page(pdf, page_obj, page_number=number, initial_doctop=doctop)
            page.budget = budget
            texts.append(page.extract_text() or "")
            doctop += page.height
            page.close()  # its characters and layout are freed before the next page
        return Pdf(texts, pdf.metadata or {})
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many error types on damaged files
        raise _unreadable(exc, name) from exc


def _unreadable(exc: Exception, name: str) -> DocumentError:
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, PDFEncryptionError):
        return DocumentError(
            f"{name} is an encrypted (password-protected) PDF and cannot be read: save a copy without the password"
        )
    reason = str(cause).strip() or type(cause).__name__
    return DocumentError(f"{name} is not a readable PDF: {reason[:200]}")


def _measure_streams(page_obj: Any, budget: _Budget) -> None:
    """Count the decompressed size of every stream the page draws with (contents, forms, fonts;
    not images, which are never decompressed for their text) that no earlier page used."""
    todo: list[Any] = [page_obj.contents, page_obj.resources]
    while todo:
        obj = todo.pop()
        if isinstance(obj, PDFObjRef | PDFStream) and obj.objid is not None:
            if obj.objid in budget.seen:
                continue  # used by an earlier page, or met twice on this one
            budget.seen.add(obj.objid)
        if isinstance(obj, PDFObjRef):
            obj = obj.resolve()  # None when missing, as pdfminer reads it
        if isinstance(obj, PDFStream):
            if obj.get("Subtype") is _IMAGE:
                continue
            if obj.data is not None:
                budget.inflate(len(obj.data))
            elif obj.rawdata and any(f in LITERALS_FLATE_DECODE for f, _ in obj.get_filters()[:1]):
                budget.inflate(_inflated_size(obj, budget.decoded + 1))
            todo.extend(obj.attrs.values())
        elif isinstance(obj, dict):
            todo.extend(obj.values())
        elif isinstance(obj, list):
            todo.extend(obj)


def _inflated_size(stream: Any, limit: int) -> int:
    """The size of a Flate stream once decompressed, counted a megabyte at a time up to ``limit``."""
    data = stream.rawdata
    if stream.decipher:  # an encrypted file opened with its empty user password
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    inflater = zlib.decompressobj()
    view = memoryview(data)
    size = 0
    try:
        for start in range(0, len(view), _CHUNK):
            pending: bytes | memoryview = view[start : start + _CHUNK]
            while pending and not inflater.eof and size <= limit:
                size += len(inflater.decompress(pending, _CHUNK))
                pending = inflater.unconsumed_tail
            if inflater.eof or size > limit:
                break
    except zlib.error:
        pass  # damaged data: pdfminer decodes what it can, which is no more than was counted
    return size


class _Aggregator(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's layout device, counting what is drawn against the budget before drawing it."""

    budget: _Budget

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        self.budget.draw(True)
        return super().render_char(*args, **kwargs)

    def render_image(self, *args: Any, **kwargs: Any) -> None:
        self.budget.draw(False)
        super().render_image(*args, **kwargs)

    def paint_path(self, *args: Any, **kwargs: Any) -> None:
        self.budget.draw(False)
        super().paint_path(*args, **kwargs)

    def begin_figure(self, *args: Any, **kwargs: Any) -> None:
        self.budget.draw(False)  # forms that draw forms again and again cost time, even drawing nothing
        super().begin_figure(*args, **kwargs)


class _Page(Page):
    """A pdfplumber page laid out by the counting device (otherwise as ``Page.layout`` does)."""

    budget: _Budget

    @property
    def layout(self) -> Any:
        if hasattr(self, "_layout"):
            return self._layout
        device = _Aggregator(self.pdf.rsrcmgr, pageno=self.page_number, laparams=self.pdf.laparams)
        device.budget = self.budget
        PDFPageInterpreter(self.pdf.rsrcmgr, device).process_page(self.page_obj)
        self._layout = device.get_result()
        return self._layout
