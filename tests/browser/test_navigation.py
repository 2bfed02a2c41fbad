"""Moving around the app in Chromium: the language switch keeps the page, the map opens a country,
the keyboard reaches the skip link first, the overview fits a phone, and unknown ids or malformed
filters answer an HTML page that helps instead of a traceback."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import html_lang_matches, settle


def switch_language(page, lang: str) -> None:
    """Follow the header's link to this page in ``lang``."""
    link = page.locator(f'nav[aria-label] a[hreflang][href^="/{lang}/"]')
    assert link.count() == 1, f"{page.url}: {link.count()} language links to /{lang}/"
    with page.expect_navigation():
        link.click()


@pytest.mark.parametrize(
    "start",
    ["/en/countries/ARG", "/en/projects?country=ARG&sort=-amount_usd"],
)
@pytest.mark.parametrize("lang", ["es", "pt", "zh"])
def test_switching_language_keeps_the_page_and_its_query(page, live_server, start, lang):
    page.goto(live_server(start))
    switch_language(page, lang)
    before, after = urlsplit(live_server(start)), urlsplit(page.url)
    assert after.path == f"/{lang}" + before.path[len("/en") :]
    assert parse_qs(after.query) == parse_qs(before.query)
    assert html_lang_matches(page.get_attribute("html", "lang"), lang)
    switch_language(page, "en")
    assert urlsplit(page.url).path == before.path and parse_qs(urlsplit(page.url).query) == parse_qs(before.query)


def test_clicking_a_country_on_the_overview_map_opens_its_profile(page, live_server):
    page.goto(live_server("/en/"))
    country = page.locator('svg [data-iso3="ARG"]').first
    assert country.count() == 1, "no element with data-iso3=ARG in the overview's map"
    with page.expect_navigation():
        country.click()
    assert urlsplit(page.url).path == "/en/countries/ARG"
    assert "Argentina" in page.locator("h1").inner_text()


def test_the_map_has_one_link_per_celac_state(page, live_server):
    page.goto(live_server("/en/"))
    codes = page.eval_on_selector_all("svg [data-iso3]", "els => [...new Set(els.map(e => e.dataset.iso3))]")
    assert len(codes) >= 33, f"the map names {len(codes)} countries: {sorted(codes)}"
    for iso in ("ARG", "BRA", "MEX", "KNA", "DMA", "LCA", "VCT", "ATG", "GRD", "BRB"):
        assert iso in codes, f"{iso} is missing from the overview's map"


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement;
        return {tag: e.tagName, href: e.getAttribute('href') || '', text: (e.innerText || '').trim(),
                inNav: !!e.closest('nav'), id: e.id}; }"""
    )


def test_tab_reaches_the_skip_link_first_then_the_navigation(page, live_server):
    page.goto(live_server("/en/"))
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["tag"] == "A" and first["href"].startswith("#"), f"first Tab stop: {first}"
    assert re.search(r"skip", first["text"], re.I), f"first Tab stop is not a skip link: {first}"
    stops = []
    for _ in range(3):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if stops[-1]["inNav"]:
            break
    assert stops[-1]["inNav"], f"Tab after the skip link does not reach the navigation: {stops}"
    # The skip link leads past the header to the content.
    page.goto(live_server("/en/"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == first["href"][1:]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_overview_fits_a_phone_without_horizontal_scroll(page, live_server, lang):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server(f"/{lang}/"))
    settle(page)
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= 391, f"/{lang}/ is {width} px wide at 390 px"


@pytest.mark.parametrize("path", ["/en/countries/XYZ", "/en/projects/nonexistent", "/es/countries/XYZ"])
def test_an_unknown_id_is_a_404_page_with_suggestions(page, live_server, watch, path):
    watch.allow_console(r"status of 404")
    response = page.goto(live_server(path))
    assert response.status == 404
    assert response.headers["content-type"].startswith("text/html")
    assert page.locator("h1").count() == 1
    links = page.locator("main ul.suggestions a, main .suggestions a")
    assert links.count() >= 1, f"{path}: the 404 page suggests nothing"
    with page.expect_navigation():
        links.first.click()
    assert page.locator("h1").count() == 1 and "Traceback" not in page.content()


@pytest.mark.parametrize(
    "path",
    ["/en/projects?year_from=abc", "/en/projects?min_amount=lots", "/en/projects?country=Atlantis", "/en/index?year=x"],
)
def test_a_malformed_filter_is_a_helpful_page_not_a_traceback(page, live_server, watch, path):
    watch.allow_console(r"status of 4\d\d")
    response = page.goto(live_server(path))
    assert response.status < 500, f"{path}: {response.status}"
    assert response.headers["content-type"].startswith("text/html")
    text = page.locator("body").inner_text()
    assert "Traceback" not in text and "Internal Server Error" not in text
    assert page.locator("h1").count() == 1
    if response.status >= 400:
        assert page.locator("main [role=alert], main .error-detail").count() >= 1, f"{path}: no message"
