"""The overview page (/{lang}/): the map of the 33 states by a chosen measure and year (links,
markers on the small states, fills that follow the measure, a permalink that keeps it), the
headline figures as the API counts them, the agreements timeline, the latest alerts, helpful
errors for bad pickers, and downloads that hold the API's rows."""

from __future__ import annotations

import csv
import html as htmllib
import io
import json
import re
import time
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from lazos.web.pages.i18n import HTML_LANG, LANGS, Formatter
from lazos.web.pages.overview import AGREEMENTS, MEASURES

NS = {"svg": "http://www.w3.org/2000/svg"}
SMALL = {"ATG", "BRB", "DMA", "GRD", "KNA", "LCA", "VCT"}


def map_svg(page: str) -> ET.Element:
    """The overview map's SVG (the inline <svg class="map"> of the page), parsed as XML."""
    start = page.index('<svg class="map" id="overview-map"')
    depth, i = 0, start
    for match in re.finditer(r"<svg\b|</svg>", page[start:]):
        depth += 1 if match.group() == "<svg" else -1
        if depth == 0:
            i = start + match.end()
            break
    return ET.fromstring(page[start:i])


def main_links(svg: ET.Element) -> dict[str, ET.Element]:
    """The main map's state links (the inset's repeat them out of the tab order)."""
    return {a.get("data-iso3"): a for a in svg.iter("{http://www.w3.org/2000/svg}a") if a.get("tabindex") is None}


def fills(svg: ET.Element) -> dict[str, str]:
    return {iso: a.find("svg:path", NS).get("fill") for iso, a in main_links(svg).items()}


def titles(svg: ET.Element) -> dict[str, str]:
    return {iso: a.find("svg:title", NS).text for iso, a in main_links(svg).items()}


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text[:300]
    return list(csv.DictReader(io.StringIO(response.text)))


@pytest.mark.parametrize("lang", LANGS)
def test_the_overview_answers_in_every_language(client, lang):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    assert f'<html lang="{HTML_LANG[lang]}">' in response.text
    assert response.text.count("<h1>") == 1
    svg = map_svg(response.text)
    assert len(main_links(svg)) == 33
    assert all(a.get("href") == f"/{lang}/countries/{iso}" for iso, a in main_links(svg).items())


def test_the_map_links_each_of_the_33_states_and_marks_the_small_ones(client, api):
    svg = map_svg(client.get("/en/").text)
    links = main_links(svg)
    celac = api.countries().frame
    states = set(celac.loc[celac["celac"].astype(bool) & (celac["kind"] == "state"), "iso3"])
    assert set(links) == states and len(links) == 33
    marked = {iso for iso, a in links.items() if a.find("svg:circle[@class='marker']", NS) is not None}
    assert marked == SMALL
    assert svg.find("svg:title", NS).text and svg.find("svg:desc", NS).text
    assert svg.get("role") == "group" and svg.get("aria-labelledby")


def test_map_titles_and_coverage_show_the_apis_composite(client, api):
    year = api.latest_analysis_year()
    scores = api.connectivity_index(year=year).scores.set_index("country")["composite"]
    page = client.get("/en/").text
    svg = map_svg(page)
    fmt = Formatter("en")
    shown = titles(svg)
    for iso, value in scores.items():
        expected = "no data" if pd.isna(value) else fmt.number(value, 1)
        assert shown[iso].endswith(f": {expected}"), (iso, shown[iso])
    with_value = int(scores.notna().sum())
    assert f"{with_value} of 33 states have data." in page
    assert f'<option value="{year}" selected>' in page
    assert 'name="measure"' in page and 'name="year"' in page and "data-autosubmit" in page


def test_measure_and_year_change_the_fills_and_the_permalink_keeps_them(client, api):
    default = fills(map_svg(client.get("/en/").text))
    page = client.get("/en/?measure=risk&year=2015").text
    risk = fills(map_svg(page))
    assert risk != default
    assert '<option value="risk" selected>' in page and '<option value="2015" selected>' in page
    assert 'href="/en/?measure=risk&amp;year=2015" rel="bookmark"' in page
    assert 'href="/es/?measure=risk&amp;year=2015"' in page  # the language switch keeps them
    grades = api.risk(year=2015).scores.set_index("country")["grade"]
    shown = titles(map_svg(page))
    for iso, grade in grades.items():
        assert shown[iso].endswith(grade if isinstance(grade, str) else "no data"), (iso, shown[iso])
    earlier = fills(map_svg(client.get("/en/?measure=risk&year=2005").text))
    assert earlier != risk


def test_every_measure_draws_with_its_years(client):
    for measure in MEASURES:
        response = client.get(f"/en/?measure={measure}")
        assert response.status_code == 200, measure
        assert f'<option value="{measure}" selected>' in response.text
        assert len(main_links(map_svg(response.text))) == 33


def test_chinese_finance_on_the_map_sums_the_apis_project_amounts(client, api):
    frame = api.projects().frame
    year = 2015
    kept = frame[frame["amount_usd"].notna() & (frame["first_date"].dt.year == year)]
    totals = kept.groupby("countries")["amount_usd"].sum()
    rows = csv_rows(client.get(f"/en/data/overview-map.csv?measure=chinese_finance&year={year}"))
    assert len(rows) == 33
    got = {r["country"]: float(r["value"]) for r in rows if r["value"]}
    assert set(got) == set(totals.index)
    for iso, total in totals.items():
        assert got[iso] == pytest.approx(total)
    shown = titles(map_svg(client.get(f"/en/?measure=chinese_finance&year={year}").text))
    fmt = Formatter("en")
    for iso, total in totals.items():
        assert shown[iso].endswith(fmt.money(total, "USD"))


def test_trade_with_china_sums_exports_and_imports(client, api):
    obs = api.observations(indicator=["goods_exports_fob", "goods_imports_cif"], partner="CHN", entity="BRA").frame
    year = obs[obs["period"] == "2020"]
    rows = {r["country"]: r for r in csv_rows(client.get("/en/data/overview-map.csv?measure=china_trade&year=2020"))}
    assert float(rows["BRA"]["value"]) == pytest.approx(year["value"].sum())


def test_a_year_the_measure_lacks_shows_the_nearest_and_says_so(client):
    page = client.get("/en/?measure=china_trade&year=2005").text
    assert "No state has a value for 2005: the map shows 2014, the nearest year with data." in htmllib.unescape(page)
    assert '<option value="2014" selected>' in page


def test_malformed_pickers_are_422_pages_naming_the_parameter(client):
    response = client.get("/en/?year=abc")
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert "“year”" in response.text and "Traceback" not in response.text
    response = client.get("/en/?measure=gdp")
    assert response.status_code == 422
    assert "“measure”" in response.text
    response = client.get("/en/?measure=risc")
    assert response.status_code == 422 and 'measure=risk"' in response.text  # a suggestion that links


def test_headline_figures_are_the_apis_counts(client, api):
    counts = api.overview().counts
    page = client.get("/en/").text
    fmt = Formatter("en")
    for key in ("celac_states", "bri_signatories", "agreements", "projects", "observations", "sources"):
        assert f'<span class="value">{fmt.integer(counts[key])}</span>' in page, key
    assert 'href="/en/sources"' in page


def test_the_agreements_timeline_draws_and_lists_every_agreement(client, api):
    page = client.get("/en/").text
    agreements = api.events(kind=list(AGREEMENTS)).frame
    spec = json.loads(
        re.search(
            r'<figure class="chart" id="chart-agreements".*?<script type="application/json" '
            r'class="vega-spec">(.*?)</script>',
            page,
            re.S,
        ).group(1)
    )
    assert len(spec["data"]["values"]) == len(agreements)
    assert spec["description"] and spec["encoding"]["x"]["type"] == "temporal"
    listed = re.search(r'<section aria-labelledby="timeline-title".*?</section>', page, re.S).group(0)
    assert listed.count("<li><time") == len(agreements)
    assert f"All {len(agreements)} agreements as a list" in listed
    rows = csv_rows(client.get("/en/data/overview-agreements.csv"))
    assert [r["event_id"] for r in rows] == list(agreements["event_id"])


def test_the_latest_alerts_link_to_their_countries_and_download_whole(client, api):
    alerts = api.alerts().frame
    page = client.get("/en/").text
    section = re.search(r'<section aria-labelledby="alerts-title".*?</section>', page, re.S).group(0)
    for row in alerts.head(8).itertuples():
        assert f'href="/en/countries/{row.country}"' in section
    rows = csv_rows(client.get("/en/data/overview-alerts.csv"))
    assert [r["alert_id"] for r in rows] == list(alerts["alert_id"])


def test_the_map_download_holds_the_apis_scores(client, api):
    year = api.latest_analysis_year()
    page = client.get("/en/").text
    assert f'href="/en/data/overview-map.csv?measure=connectivity&amp;year={year}"' in page
    rows = csv_rows(client.get(f"/en/data/overview-map.csv?measure=connectivity&year={year}"))
    scores = api.connectivity_index(year=year).scores.set_index("country")
    assert len(rows) == 33
    for r in rows:
        expected = scores.loc[r["country"], "composite"]
        assert (r["value"] == "") if pd.isna(expected) else float(r["value"]) == pytest.approx(expected)
    zipped = client.get(f"/en/data/overview-map.zip?measure=connectivity&year={year}")
    assert zipped.status_code == 200 and zipped.content[:2] == b"PK"
    assert 'data-download="png"' in page and 'data-download="svg"' in page


def test_the_overview_renders_fast_once_warm(client):
    client.get("/en/")
    client.get("/en/?measure=risk")
    start = time.perf_counter()
    for _ in range(3):
        assert client.get("/en/?measure=risk").status_code == 200
    assert (time.perf_counter() - start) / 3 < 1.0
