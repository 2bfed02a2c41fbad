"""Briefs to download: /{lang}/countries/{country}/brief.{pdf,html,zip} and /{lang}/brief.{pdf,html,zip}
(the region's), as ``lazos brief`` makes them (lazos.briefs), as of the page's ``as_of``.

A brief is made once per database version, language, format and date and kept in the app's page
cache. The Markdown brief comes as a zip of the .md file and its images.
"""

from __future__ import annotations

import io
import zipfile
from typing import Annotated

from fastapi import Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from lazos.briefs.render import Brief, file_stem, make_brief
from lazos.web.pages.country import _resolve
from lazos.web.pages.projects import DateParam, page_cache
from lazos.web.pages.render import db_of
from lazos.web.pages.routing import check_lang, page_router

MEDIA = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "zip": "application/zip"}
FORMAT = {"pdf": "pdf", "html": "html", "zip": "md"}


def _made(request: Request, target: str | None, lang: str, ext: str, as_of: str | None) -> Response:
    if ext not in MEDIA:
        raise HTTPException(404)
    db = db_of(request)
    cache = page_cache(request)
    stem = file_stem(target, lang, as_of)

    def build() -> bytes:
        brief = make_brief(db, target, lang=lang, fmt=FORMAT[ext], as_of=as_of, stem=stem)
        return _zipped(brief, stem) if ext == "zip" else brief.data

    data = cache.get_or_compute((str(db.path), db.version, "brief", target, lang, ext, as_of), build)
    disposition = "inline" if ext == "html" else "attachment"
    headers = {"Content-Disposition": f'{disposition}; filename="{stem}.{ext}"'}
    return Response(data, media_type=MEDIA[ext], headers=headers)


def _zipped(brief: Brief, stem: str) -> bytes:
    """A Markdown brief and its images, as one zip (the .md links to ``<stem>_files/``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.md", brief.data)
        for name, data in sorted(brief.images.items()):
            archive.writestr(f"{brief.folder}/{name}", data)
    return out.getvalue()


@page_router.get("/{lang}/countries/{country}/brief.{ext}")
def country_brief(
    request: Request,
    lang: str,
    country: Annotated[str, Path(max_length=100)],
    ext: str,
    as_of: DateParam = None,
) -> Response:
    """A country's brief (PDF, self-contained HTML, or Markdown with its images as a zip)."""
    check_lang(lang)
    iso = _resolve(db_of(request), country)
    if iso != country:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/{lang}/countries/{iso}/brief.{ext}{query}", status_code=301)
    return _made(request, iso, lang, ext, as_of)


@page_router.get("/{lang}/brief.{ext}")
def region_brief(request: Request, lang: str, ext: str, as_of: DateParam = None) -> Response:
    """The brief of Latin America and the Caribbean."""
    check_lang(lang)
    return _made(request, None, lang, ext, as_of)
