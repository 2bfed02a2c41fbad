"""Documents and claims: the documents read by ``lazos ingest``, one document's text with its
claims highlighted, the claims table filtered by status, country and document, and the upload
of a document when the server runs with ``--enable-writes``.

Document text is data: it is never rendered as HTML. The highlighted text is built here, each
piece of text escaped (markupsafe.escape) and the <mark> elements put around the claims' spans
(offsets into the text as stored: ``text[start:end]`` is the claim's text).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

import babel
from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from lazos.api import Lazos
from lazos.documents.check import CONSISTENT, INCONSISTENT, UNVERIFIABLE
from lazos.errors import LazosError
from lazos.web.pages.i18n import LOCALES, Formatter
from lazos.web.pages.render import db_of, formatter, gettext_for, page_url, query_string, render
from lazos.web.pages.routing import check_lang, page, page_router

STATUSES = (CONSISTENT, INCONSISTENT, UNVERIFIABLE)
# The text shown on a document's page (the whole text downloads from the REST API).
DISPLAY_CHARS = 500_000
# The largest upload taken (lazos ingest reads files up to 200 MB; a browser upload this size
# is a mistake more often than a document). ``app.state.upload_max_bytes`` overrides it.
UPLOAD_MAX_BYTES = 50_000_000
MULTIPART_SLACK = 64 * 1024  # the form's own bytes around the file
# Rows of the claims table shown on its page (the CSV download has them all).
SHOWN_CLAIMS = 1000

FilterText = Annotated[str | None, Query(max_length=200)]


# ---------------------------------------------------------------------------- text and marks


@dataclass(frozen=True)
class Span:
    """A claim's place in the text: its id on the page (its number in the document), its
    offsets and its check status."""

    claim_id: str
    start: int
    end: int
    status: str
    label: str = ""


def _mark(span: Span, first: bool) -> str:
    status = span.status if span.status in STATUSES else "unchecked"
    anchor = f' id="mark-{escape(span.claim_id)}"' if first else ""
    title = f' title="{escape(span.label)}"' if span.label else ""
    return f'<mark data-claim-id="{escape(span.claim_id)}" class="{status}"{anchor}{title}>'


def highlight(text: str, spans: list[Span]) -> Markup:
    """``text`` as HTML, escaped, with every span in a <mark data-claim-id="..."> element.

    Spans may nest or overlap: the marks are kept well nested by closing the inner ones where an
    outer span ends and opening them again after it (each part carries the claim's id, so the
    text of a claim's marks, joined, is always the claim's text). Spans outside the text, or
    empty, are left out.
    """
    kept = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    starts: dict[int, list[int]] = {}
    ends: dict[int, set[int]] = {}
    for i, s in enumerate(kept):
        starts.setdefault(s.start, []).append(i)
        ends.setdefault(s.end, set()).add(i)
    cuts = sorted({0, len(text), *starts, *ends})

    def outer_first(i: int) -> tuple[int, int, int]:
        return (kept[i].start, -kept[i].end, i)

    out: list[str] = []
    stack: list[int] = []  # open marks, outermost first
    opened: set[int] = set()
    for a, b in itertools.pairwise(cuts):
        reopen: list[int] = []
        ending = ends.get(a)
        if ending:
            k = next((j for j, i in enumerate(stack) if i in ending), None)
            if k is not None:
                out.append("</mark>" * (len(stack) - k))
                reopen = [i for i in stack[k:] if i not in ending]
                stack = stack[:k]
        for i in sorted(reopen + starts.get(a, []), key=outer_first):
            out.append(_mark(kept[i], i not in opened))
            opened.add(i)
            stack.append(i)
        out.append(str(escape(text[a:b])))
    out.append("</mark>" * len(stack))
    return Markup("".join(out))


def in_context(context: str, offset: int, length: int) -> Markup:
    """The claim's sentence, escaped, with the claim's own words in <strong>."""
    if not isinstance(context, str):
        return Markup("")
    offset = max(0, min(int(offset), len(context)))
    end = max(offset, min(offset + int(length), len(context)))
    return (
        escape(context[:offset])
        + Markup('<strong class="claim-span">')
        + escape(context[offset:end])
        + Markup("</strong>")
        + escape(context[end:])
    )


def safe_url(url: Any) -> str | None:
    """A web address from data, only if it is one (http or https): never a javascript: link."""
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


# ---------------------------------------------------------------------------- figures in words


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _digits(value: float) -> int:
    for digits in (0, 1):
        if abs(value * 10**digits - round(value * 10**digits)) < 1e-9:
            return digits
    return 2


def _scaled(fmt: Formatter, value: float, unit: str, steps: tuple[tuple[float, str], ...]) -> str:
    for size, prefix in steps:
        if abs(value) >= size:
            shown = value / size
            return f"{fmt.number(shown, _digits(shown))} {prefix}{unit}"
    return f"{fmt.number(value, _digits(value))} {unit}"


SI = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))


def quantity(fmt: Formatter, _: Callable[[str], str], value: Any, unit: Any, qualifier: Any = None) -> str:
    """A claimed or held figure in the page's language: money as money, shares as percentages,
    physical quantities with their unit, and "about" / "more than" / "less than" as the claim says."""
    if _missing(value):
        return fmt.missing
    value = float(value)
    unit = unit if isinstance(unit, str) else ""
    if re.fullmatch(r"[A-Z]{3}", unit):
        shown = fmt.money(value, unit)
    elif unit == "percent":
        shown = fmt.percent(value / 100, _digits(value))
    elif unit == "%":
        shown = fmt.number(value, _digits(value)) + "%"
    elif unit == "count" or not unit:
        shown = fmt.number(value, _digits(value))
    elif unit == "times":
        shown = _("%(n)s times") % {"n": fmt.number(value, _digits(value))}
    elif unit == "year":
        shown = _("%(n)s years") % {"n": fmt.number(value, _digits(value))}
    elif unit == "month":
        shown = _("%(n)s months") % {"n": fmt.number(value, _digits(value))}
    elif unit in ("W", "Wh"):
        shown = _scaled(fmt, value, unit, SI)
    elif unit == "m":
        shown = _scaled(fmt, value, "m", ((1e3, "k"),))
    elif unit == "m2":
        shown = _scaled(fmt, value / 1e6, "km²", ()) if abs(value) >= 1e6 else _scaled(fmt, value, "m²", ())
    else:
        shown = f"{fmt.number(value, _digits(value))} {unit}"
    if qualifier == "approximate":
        return _("about %(value)s") % {"value": shown}
    if qualifier == "lower_bound":
        return _("more than %(value)s") % {"value": shown}
    if qualifier == "upper_bound":
        return _("less than %(value)s") % {"value": shown}
    return shown


def status_labels(_: Callable[[str], str]) -> dict[str, str]:
    return {CONSISTENT: _("consistent"), INCONSISTENT: _("inconsistent"), UNVERIFIABLE: _("unverifiable")}


def language_name(code: Any, lang: str) -> str:
    if not isinstance(code, str) or not code:
        return ""
    try:
        return babel.Locale.parse(LOCALES[lang]).languages.get(code, code)
    except (ValueError, babel.UnknownLocaleError):
        return code


def languages(codes: Any, lang: str) -> str:
    if not isinstance(codes, str) or not codes:
        return ""
    return ", ".join(language_name(c, lang) for c in codes.split(";") if c)


# ---------------------------------------------------------------------------- claims for pages


def evidence_rows(db: Lazos, fmt: Formatter, _: Callable[[str], str], evidence: Any) -> list[dict[str, Any]]:
    """The figures a claim was checked against, each with its source, ready to show."""
    items = [e for e in (evidence if isinstance(evidence, list) else []) if isinstance(e, dict)]
    refs = {r.source_id: r for r in db.source_refs(e.get("source_id") for e in items)}
    rows = []
    for e in items:
        ref = refs.get(e.get("source_id"))
        source = e.get("source") or (ref.label if ref else None) or e.get("source_id") or ""
        url = safe_url(e.get("source_url") or (ref.url if ref else None))
        if "indicator" in e:
            where = fmt.country(e.get("entity")) if e.get("entity") else ""
            if e.get("partner"):
                where = _("%(a)s with %(b)s") % {"a": where, "b": fmt.country(e["partner"])}
            row = {
                "what": e.get("name") or e["indicator"],
                "where": where,
                "period": e.get("period") or "",
                "value": quantity(fmt, _, e.get("value"), e.get("unit"), e.get("qualifier")),
                "headline": bool(e.get("is_headline")),
            }
        elif "country" in e:
            row = {
                "what": _("Joined the Belt and Road Initiative"),
                "where": fmt.country(e.get("country")),
                "period": fmt.date(e.get("joined")),
                "value": str(e.get("joined_by") or ""),
                "headline": False,
            }
        else:
            shown = {k: v for k, v in e.items() if k not in ("source", "source_id", "source_url")}
            row = {
                "what": "; ".join(f"{k}: {v}" for k, v in shown.items()),
                "where": "",
                "period": "",
                "value": "",
                "headline": False,
            }
        rows.append({**row, "source": source, "source_url": url})
    return rows


def claim_items(db: Lazos, fmt: Formatter, _: Callable[[str], str], frame: Any) -> list[dict[str, Any]]:
    """Each claim of a claims table as the pages show it."""
    labels = status_labels(_)
    items = []
    for row in frame.to_dict("records"):
        status = row.get("status") or ""
        countries = row.get("countries") or []
        items.append(
            {
                "doc_id": row["doc_id"],
                "doc_name": row.get("doc_name") or row["doc_id"],
                "id": str(row["n"]),
                "text": row["text"],
                "value": quantity(fmt, _, row.get("value"), row.get("unit"), row.get("qualifier")),
                "unit": row.get("unit") or "",
                "what": row.get("what") or "",
                "period": row.get("period") or "",
                "countries": [fmt.country(c) for c in countries],
                "status": status,
                "status_label": labels.get(status, status),
                "reason": row.get("reason") or "",
                "lazos_value": quantity(fmt, _, row.get("lazos_value"), row.get("unit")),
                "sentence": in_context(
                    row.get("context"), row.get("offset_in_context") or 0, row["end"] - row["start"]
                ),
                "evidence": evidence_rows(db, fmt, _, row.get("evidence")),
                "translation_of": row.get("translation_of"),
            }
        )
    return items


def status_counts(frame: Any) -> dict[str, int]:
    counts = frame["status"].value_counts() if "status" in frame else {}
    return {s: int(counts.get(s, 0)) for s in STATUSES}


# ---------------------------------------------------------------------------- pages


@page("/documents")
def documents_page(request: Request, lang: str) -> HTMLResponse:
    check_lang(lang)
    db = db_of(request)
    _ = gettext_for(lang)
    table = db.documents()
    rows = []
    for row in table.rows:
        rows.append({**row, "languages_shown": languages(row.get("languages") or row.get("lang"), lang)})
        rows[-1]["url"] = safe_url(row.get("url"))
    return render(
        request,
        lang,
        "documents.html",
        title=_("Documents"),
        documents=rows,
        csv_url="/api/v1/documents.csv",
    )


def writes_on(request: Request) -> bool:
    return bool(getattr(request.app.state, "writes", False))


def upload_limit(request: Request) -> int:
    return int(getattr(request.app.state, "upload_max_bytes", UPLOAD_MAX_BYTES))


def upload_page(request: Request, lang: str, status_code: int = 200, error: str | None = None) -> HTMLResponse:
    _ = gettext_for(lang)
    limit = upload_limit(request)
    return render(
        request,
        lang,
        "upload.html",
        status_code=status_code,
        title=_("Add a document"),
        error=error,
        refused=not writes_on(request),
        max_mb=limit / 1e6,
    )


def cross_site(request: Request) -> bool:
    """A POST from a page of another site (its Origin names another host, or the browser says so)."""
    if request.headers.get("sec-fetch-site", "") == "cross-site":
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False  # not a browser's cross-origin form (browsers send Origin with every POST)
    try:
        host = urlsplit(origin).netloc.lower()
    except ValueError:
        return True
    return not host or host != request.headers.get("host", "").lower()


class TooLarge(Exception):
    pass


async def _capped(request: Request, limit: int) -> AsyncGenerator[bytes, None]:
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > limit:
            raise TooLarge
        yield chunk


@page("/documents/upload")
def upload_form(request: Request, lang: str) -> HTMLResponse:
    check_lang(lang)
    if not writes_on(request):
        return upload_page(request, lang, 403)
    return upload_page(request, lang)


@page_router.post("/{lang}/documents/upload", response_class=HTMLResponse, include_in_schema=False)
async def upload_document(request: Request, lang: str) -> Response:
    """Ingest the uploaded file (only with writes on, only from this site), then show it."""
    check_lang(lang)
    _ = gettext_for(lang)
    if not writes_on(request):
        return upload_page(request, lang, 403)
    if cross_site(request):
        return upload_page(request, lang, 403, _("Uploads are taken only from this site's own upload form."))
    limit = upload_limit(request)
    too_big = _("The file is larger than %(mb)s MB, the most this server takes.") % {"mb": f"{limit / 1e6:g}"}
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit + MULTIPART_SLACK:
        return upload_page(request, lang, 413, too_big)
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        return upload_page(request, lang, 422, _("Choose a file to upload with the form below."))
    try:
        form = await MultiPartParser(
            request.headers, _capped(request, limit + MULTIPART_SLACK), max_files=1, max_fields=5
        ).parse()
    except TooLarge:
        return upload_page(request, lang, 413, too_big)
    except MultiPartException as exc:
        return upload_page(request, lang, 400, _("The upload could not be read: %(why)s") % {"why": exc.message})
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return upload_page(request, lang, 422, _("Choose a file to upload with the form below."))
        raw = await upload.read()
        name = upload.filename
    finally:
        await form.close()
    if len(raw) > limit:
        return upload_page(request, lang, 413, too_big)
    if not raw.strip():
        return upload_page(request, lang, 422, _("The file is empty: there is nothing to read."))
    from lazos.web.writes import BusyError, ingest_upload

    try:
        report = await run_in_threadpool(ingest_upload, request.app, raw, name)
    except BusyError as exc:
        return upload_page(request, lang, 503, str(exc))
    except LazosError as exc:  # the database could not be written (in use elsewhere...): said, not hidden
        return upload_page(request, lang, 503, str(exc))
    if report.refused or not report.read:
        detail = report.refused[0] if report.refused else _("The document could not be read.")
        return upload_page(request, lang, 422, detail)
    return RedirectResponse(page_url(lang, f"/documents/{report.read[0].doc_id}"), status_code=303)


@page("/documents/{doc_id}")
def document_page(request: Request, lang: str, doc_id: str) -> HTMLResponse:
    check_lang(lang)
    db = db_of(request)
    _ = gettext_for(lang)
    fmt = formatter(request, lang)
    table = db.document(doc_id)  # an unknown id: a 404 page with the closest ids
    doc = table.rows[0]
    doc_id = doc["doc_id"]
    text = db.document_text(doc_id).text
    claims = db.claims(doc=doc_id).frame
    claims = claims[claims["doc_id"] == doc_id].reset_index(drop=True)
    labels = status_labels(_)
    shown = text[:DISPLAY_CHARS]
    spans = [
        Span(str(r["n"]), int(r["start"]), int(r["end"]), str(r["status"]), labels.get(r["status"], ""))
        for r in claims.to_dict("records")
    ]
    return render(
        request,
        lang,
        "document.html",
        title=doc.get("title") or doc["name"],
        doc=doc,
        doc_url=safe_url(doc.get("url")),
        languages_shown=languages(doc.get("languages") or doc.get("lang"), lang),
        marked=highlight(shown, spans),
        cut=len(text) > DISPLAY_CHARS,
        shown_chars=len(shown),
        text_url=f"/api/v1/documents/{doc_id}/text",
        claims=claim_items(db, fmt, _, claims),
        counts=status_counts(claims),
        labels=labels,
        sources=table.sources,
        csv_url=f"/api/v1/claims.csv?doc={doc_id}",
    )


@page("/claims")
def claims_page(
    request: Request,
    lang: str,
    status: FilterText = None,
    country: FilterText = None,
    doc: FilterText = None,
) -> HTMLResponse:
    check_lang(lang)
    db = db_of(request)
    _ = gettext_for(lang)
    fmt = formatter(request, lang)
    status, country, doc = (v.strip() or None if isinstance(v, str) else None for v in (status, country, doc))
    everything = db.claims().frame
    table = db.claims(status=status, country=country, doc=doc)
    frame = table.frame
    named = sorted({c for cs in everything["countries"] for c in cs}, key=fmt.country)
    documents = db.documents().frame
    params = {"status": status, "country": country, "doc": doc}
    qs = query_string(params)
    return render(
        request,
        lang,
        "claims.html",
        title=_("Claims checked against the data"),
        claims=claim_items(db, fmt, _, frame.head(SHOWN_CLAIMS)),
        matching=len(frame),
        total=len(everything),
        counts=status_counts(frame),
        labels=status_labels(_),
        statuses=STATUSES,
        status=status,
        country=country,
        doc=doc,
        countries=[(c, fmt.country(c)) for c in named],
        documents=[(r["doc_id"], r["title"] or r["name"]) for r in documents.to_dict("records")],
        csv_url="/api/v1/claims.csv" + (f"?{qs}" if qs else ""),
        documents_url=page_url(lang, "/documents"),
    )
