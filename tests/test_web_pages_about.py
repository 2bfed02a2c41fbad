"""Web pages about Lazos itself: the methodology (method.yaml and alerts.yaml as packaged), every
source with its licence, and the about page (what Lazos is, how to cite it, the REST API, the
data version, the as-of principle, the languages)."""

from __future__ import annotations

import csv
import html as htmllib
import io
import re

from lazos import __version__
from lazos.analytics.method import default_alerts, default_method
from lazos.web.pages.i18n import HTML_LANG, LANGS, Formatter

PAGES = ("/methodology", "/sources", "/about")


def row(html: str, row_id: str) -> str:
    """The table row with this id."""
    start = html.index(f'<tr id="{row_id}">')
    return html[start : html.index("</tr>", start)]


def test_every_about_page_answers_in_every_language(client):
    for lang in LANGS:
        for path in PAGES:
            response = client.get(f"/{lang}{path}")
            assert response.status_code == 200, (lang, path)
            assert f'<html lang="{HTML_LANG[lang]}">' in response.text
            assert response.text.count("<h1>") == 1


def test_methodology_shows_the_method_as_packaged(client):
    method = default_method()
    page = htmllib.unescape(client.get("/en/methodology").text)
    fmt = Formatter("en")
    assert f"Method version {method.version}, released {fmt.date(method.released)}." in page
    for section in (method.connectivity, method.risk):
        assert section.label in page
        for name, dimension in section.dimensions.items():
            assert f'<h3 id="{"connectivity" if section is method.connectivity else "risk"}-{name}">' in page
            assert dimension.label in page
            for key, indicator in dimension.indicators.items():
                assert f"<code>{key}</code>" in page and indicator.label in page
                if indicator.reason:
                    assert indicator.reason in page  # why it is not measured yet
    for grade in method.risk.grades:
        assert f'<tr><td>{grade.grade}</td><td class="num">{fmt.number(grade.min, 2)}</td></tr>' in page
    for key, need in method.opportunities.needs.items():
        assert f"<code>{key}</code>" in page and need.label in page


def test_methodology_shows_every_alert_rule_with_its_thresholds(client):
    alerts = default_alerts()
    page = client.get("/en/methodology").text
    fmt = Formatter("en")
    assert f"Alert rules version {alerts.version}" in page
    for key, rule in alerts.rules.items():
        shown = htmllib.unescape(row(page, f"alert-{key}"))
        assert rule.label in shown and " ".join(rule.explanation.split()) in " ".join(shown.split())
        bound = rule.above or rule.below or rule.min_drop or rule.min_events
        if bound is None:
            assert f"Severity: {rule.severity}" in shown
            continue
        for threshold in (bound.warning, bound.severe):
            if threshold is not None:
                assert fmt.number(threshold) in shown


def test_the_method_downloads_as_csv(client):
    method = default_method()
    indicators = list(csv.DictReader(io.StringIO(client.get("/en/data/method-indicators.csv").text)))
    expected = [
        *((d, k) for d in method.connectivity.dimensions.values() for k in d.indicators),
        *((d, k) for d in method.risk.dimensions.values() for k in d.indicators),
        *method.opportunities.needs,
    ]
    assert len(indicators) == len(expected)
    weights = {(r["section"], r["dimension"], r["indicator"]): float(r["weight"]) for r in indicators}
    assert weights["connectivity", "policy", "bri"] == method.connectivity.dimensions["policy"].indicators["bri"].weight
    rules = list(csv.DictReader(io.StringIO(client.get("/en/data/alert-rules.csv").text)))
    assert [r["rule"] for r in rules] == list(default_alerts().rules)
    page = client.get("/en/methodology").text
    assert 'href="/en/data/method-indicators.csv"' in page and 'href="/en/data/alert-rules.csv"' in page


def test_the_sources_page_lists_every_source_with_its_licence(client, api):
    page = client.get("/en/sources").text
    sources = api.sources().frame
    assert page.count('<tr id="source-') == len(sources)
    for source in sources.to_dict("records"):
        shown = htmllib.unescape(row(page, f"source-{source['source_id']}"))
        licence = re.search(r'<td class="licence">(.*?)</td>', shown)[1]
        assert licence == (source["licence"] or "not stated")
        assert f'<td class="num">{Formatter("en").integer(source["facts"])}</td>' in shown
        if isinstance(source["url"], str) and source["url"].startswith(("http://", "https://")):
            assert f'href="{source["url"]}"' in shown
    assert 'href="/api/v1/sources.csv"' in page


def test_the_sources_kind_filter_narrows_the_rows(client, api):
    sources = api.sources().frame
    for kind in ("dataset", "web_page"):
        page = client.get(f"/es/sources?kind={kind}").text
        assert page.count('<tr id="source-') == int((sources["kind"] == kind).sum()) > 0
        assert f'<option value="{kind}" selected>' in page


def test_an_unknown_source_kind_is_a_page_suggesting_the_closest(client):
    response = client.get("/en/sources?kind=datset")
    assert response.status_code == 422 and 'href="/en/sources?kind=dataset"' in response.text


def test_the_about_page_says_what_lazos_is_and_how_to_cite_it(client, api):
    page = htmllib.unescape(client.get("/en/about").text)
    assert "open, self-hostable observatory of cooperation between China and Latin America" in page
    assert f"Lazos {__version__}, an open observatory" in page and api.version in page  # the citation
    assert 'href="/docs"' in page and 'href="/openapi.json"' in page  # the REST API
    assert "as_of" in page  # the as-of principle
    for lang in LANGS:
        assert f'href="/{lang}/about"' in page
    counts = api.overview().counts
    for key in ("celac_states", "events", "projects", "observations", "sources"):
        assert f'<span class="value">{Formatter("en").integer(counts[key])}</span>' in page
    assert default_method().version in page
