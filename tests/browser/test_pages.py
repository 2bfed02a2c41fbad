"""Every page in the four languages loads in Chromium: status 200, the page's language, one h1, a
title, no console error, nothing fetched from another host; and axe-core finds no serious or
critical accessibility violation on any of them (English and Chinese)."""

from __future__ import annotations

import re

import pytest

from .conftest import LANGUAGES, format_violations, open_page

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


def fill(path: str, request) -> str:
    """``path`` with {project} replaced by the explorer's first project (only asked for when needed)."""
    return path.format(project=request.getfixturevalue("project_id")) if "{project}" in path else path


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_loads_in_every_language(page, live_server, request, lang, path):
    open_page(page, live_server(f"/{lang}" + fill(path, request)), lang)


@pytest.mark.parametrize("path", DOCUMENT_PAGES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_document_pages_load_in_every_language(page, documents_server, documents, lang, path):
    open_page(page, documents_server(f"/{lang}" + path.format(doc=documents["figures.txt"])), lang)


def test_the_root_leads_to_a_language(page, live_server):
    page.goto(live_server("/"))
    assert re.fullmatch(re.escape(live_server("/")) + r"(en|es|pt|zh)/", page.url), page.url
    assert page.locator("h1").count() == 1


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ("en", "zh"))
def test_no_serious_accessibility_violation(page, live_server, request, axe, lang, path):
    url = live_server(f"/{lang}" + fill(path, request))
    open_page(page, url, lang)
    violations = axe(page)
    assert not violations, f"{url}:\n{format_violations(violations)}"


@pytest.mark.parametrize("path", DOCUMENT_PAGES)
@pytest.mark.parametrize("lang", ("en", "zh"))
def test_no_serious_accessibility_violation_on_document_pages(page, documents_server, documents, axe, lang, path):
    url = documents_server(f"/{lang}" + path.format(doc=documents["figures.txt"]))
    open_page(page, url, lang)
    violations = axe(page)
    assert not violations, f"{url}:\n{format_violations(violations)}"
