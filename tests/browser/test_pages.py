"""Every page in the four languages loads in Chromium: status 200, the page's language, one h1, a
title, no console error, nothing fetched from another host; and axe-core finds no serious or
critical accessibility violation on any of them (English and Chinese: AXE_LANGUAGES)."""

from __future__ import annotations

import re

import pytest

from .conftest import AXE, LANGUAGES, format_violations, make_scan, open_page

# Every page, by its path under the language; {project} is the explorer's first project.
PAGES = (
    "/",
    "/countries/ARG",
    "/projects",
    "/projects/{project}",
    "/index",
    "/index/ARG",
    "/index/sensitivity",
    "/risk",
    "/risk/ARG",
    "/documents",
    "/claims",
    "/methodology",
    "/sources",
    "/about",
)
# Pages that need ingested documents: served from the documents server; {doc} is figures.txt.
DOCUMENT_PAGES = ("/documents", "/claims", "/documents/{doc}")
AXE_LANGUAGES = ("en", "zh")


def fill(path: str, request) -> str:
    """``path`` with {project} replaced by the explorer's first project (only asked for when needed)."""
    return path.format(project=request.getfixturevalue("project_id")) if "{project}" in path else path


def check_page(page, url: str, lang: str, scan) -> None:
    """``url`` loads as every page must; in English and Chinese axe-core finds no serious or
    critical violation on it (one load serves both checks)."""
    open_page(page, url, lang)
    if lang in AXE_LANGUAGES and scan is not None:
        violations = scan(page)
        assert not violations, f"accessibility of {url}:\n{format_violations(violations)}"


@pytest.fixture(scope="session")
def scan():
    """axe-core's scan, or None when it is not installed (test_axe_core_is_installed says so)."""
    return make_scan() if AXE.exists() else None


def test_axe_core_is_installed():
    if not AXE.exists():
        pytest.skip(f"axe-core not installed ({AXE} missing; run `npm ci`): pages are not scanned")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_loads_in_every_language(page, live_server, request, scan, lang, path):
    check_page(page, live_server(f"/{lang}" + fill(path, request)), lang, scan)


@pytest.mark.parametrize("path", DOCUMENT_PAGES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_document_pages_load_in_every_language(page, documents_server, documents, scan, lang, path):
    url = documents_server(f"/{lang}" + path.format(doc=documents["figures.txt"]))
    check_page(page, url, lang, scan)


def test_the_root_leads_to_a_language(page, live_server):
    page.goto(live_server("/"))
    assert re.fullmatch(re.escape(live_server("/")) + r"(en|es|pt|zh)/", page.url), page.url
    assert page.locator("h1").count() == 1
