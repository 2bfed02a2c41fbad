"""Rendering a page: one Jinja2 environment per language (autoescaped, the language's gettext
catalog installed), and the context every template gets.

Every template extends base.html and receives: ``lang``, ``_``/``ngettext`` (the catalog),
``fmt`` (lazos.web.pages.i18n.Formatter), ``url(path, **query)`` (a link in this language,
query values of None left out), ``here(**changes)`` (this page's permalink with some query
parameters changed), ``lang_links`` (this page in every language: same path and query),
``writes`` (whether the server takes uploads), ``version`` (Lazos) and ``db_version``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from lazos import __version__
from lazos.api import Lazos
from lazos.web.pages.i18n import HTML_LANG, LANG_NAMES, LANGS, Formatter, translations

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC = Path(__file__).resolve().parent.parent / "static"


def N_(message: str) -> str:
    """Marks text for the catalogs where it is written (pybabel extracts N_), translated where shown."""
    return message


NAV = (  # (path under the language, label): the header's navigation
    ("/", N_("Overview")),
    ("/projects", N_("Projects")),
    ("/index", N_("Connectivity index")),
    ("/risk", N_("Risk")),
    ("/claims", N_("Documents & claims")),
    ("/methodology", N_("Methodology")),
    ("/sources", N_("Sources")),
    ("/about", N_("About")),
)


def _json_script(value: Any) -> Markup:
    """JSON for a <script type="application/json"> block: '<', '>' and '&' escaped so text from
    data can never close the script element."""
    text = json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


@functools.cache
def environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["json_script"] = _json_script
    env.globals["NAV"] = NAV
    env.globals["LANG_NAMES"] = LANG_NAMES
    return env


def gettext_for(lang: str):
    """``_`` for Python code that builds page text (chart titles, messages) in a language."""
    return translations(lang).gettext


def static_version() -> str:
    """Part of static asset URLs, so a new release's files are not taken from a browser's cache."""
    return __version__


def query_string(params: dict[str, Any]) -> str:
    items = []
    for key, value in params.items():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, list | tuple):
            items.extend((key, str(v)) for v in value)
        else:
            items.append((key, str(value)))
    return urlencode(items)


def page_url(lang: str, path: str, **query: Any) -> str:
    path = path if path.startswith("/") else "/" + path
    qs = query_string(query)
    return f"/{lang}{path}" + (f"?{qs}" if qs else "")


def db_of(request: Request) -> Lazos:
    return request.app.state.db


@functools.lru_cache(maxsize=64)
def _country_names(db_version: str, lang: str, db: Lazos) -> dict[str, str]:
    frame = db.countries(include_aggregates=True).frame
    column = f"name_{lang}" if f"name_{lang}" in frame.columns else "name_en"
    names = {}
    for iso, name, fallback in zip(frame["iso3"], frame[column], frame["name_en"], strict=True):
        names[iso] = name if isinstance(name, str) and name else fallback
    return names


def formatter_for(db: Lazos, lang: str) -> Formatter:
    """Locale formats for ``lang`` with the database's country names in it (pages and briefs)."""
    return Formatter(lang, _country_names(db.version, lang, db))


def formatter(request: Request, lang: str) -> Formatter:
    return formatter_for(db_of(request), lang)


def context(request: Request, lang: str) -> dict[str, Any]:
    """What every template is given (see the module's docstring)."""
    path_in_lang = request.url.path[len(lang) + 1 :] or "/"
    params = dict(request.query_params)

    def url(path: str, **query: Any) -> str:
        return page_url(lang, path, **query)

    def here(**changes: Any) -> str:
        merged = {**params, **changes}
        return page_url(lang, path_in_lang, **merged)

    lang_links = [
        (other, LANG_NAMES[other], page_url(other, path_in_lang, **params), HTML_LANG[other]) for other in LANGS
    ]
    db = db_of(request)
    return {
        "request": request,
        "lang": lang,
        "html_lang": HTML_LANG[lang],
        "fmt": formatter(request, lang),
        "url": url,
        "here": here,
        "path_in_lang": path_in_lang,
        "params": params,
        "lang_links": lang_links,
        "writes": bool(getattr(request.app.state, "writes", False)),
        "version": __version__,
        "static_version": static_version(),
        "db_version": db.version,
    }


def render(request: Request, lang: str, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """A page: ``template`` rendered in ``lang`` with the common context and ``values``."""
    env = environment(lang)
    html = env.get_template(template).render({**context(request, lang), **values})
    return HTMLResponse(html, status_code=status_code)
