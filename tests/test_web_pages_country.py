"""The country profile page, /{lang}/countries/{country}: ties with China as of a date, the
timeline with its sources, the connectivity scores against the LAC median, the risk grade with
its drivers and missing data, alerts, trade, finance, indicators, projects and claims, each
table and chart downloadable; names lead to the ISO3 address, unknown countries to a 404 page."""

from __future__ import annotations

import csv
import io
import re
import shutil
import statistics
import time
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import lazos
from lazos.web import create_app
from lazos.web.pages.i18n import HTML_LANG, LANGS


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def section(html: str, title_id: str) -> str:
    """The HTML of the page's <section> headed by the element with id ``title_id``."""
    start = html.index(f'<section aria-labelledby="{title_id}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture(scope="module")
def argentina(client) -> str:
    r = client.get("/en/countries/ARG")
    assert r.status_code == 200
    return r.text


@pytest.mark.parametrize("lang", LANGS)
def test_profile_answers_in_every_language_with_the_countrys_name(client, api, lang: str) -> None:
    r = client.get(f"/{lang}/countries/ARG")
    assert r.status_code == 200
    assert f'<html lang="{HTML_LANG[lang]}">' in r.text
    name = api.countries().frame.set_index("iso3").loc["ARG", f"name_{lang}"]
    assert f"<h1>{name}</h1>" in r.text
    assert r.text.count("<h1") == 1


def test_argentina_shows_its_bri_join_date_and_an_earlier_date_does_not(client) -> None:
    now = client.get("/en/countries/ARG").text
    ties = section(now, "ties-title")
    assert 'datetime="2022-02-06"' in ties and "joined Feb 6, 2022" in ties
    assert "Belt and Road participant" in ties
    before = client.get("/en/countries/ARG?as_of=2022-01-01").text
    assert "2022-02-06" not in before and "Feb 6, 2022" not in before
    assert "not a participant" in section(before, "ties-title")
    assert "as known on Jan 1, 2022" in before  # the date the page answers for is shown
    assert 'value="2022-01-01"' in before  # and kept in the date picker


def test_a_name_leads_to_the_iso3_address_keeping_the_query(client) -> None:
    r = client.get("/es/countries/Argentina?as_of=2022-01-01", follow_redirects=False)
    assert r.status_code == 301
    assert r.headers["location"] == "/es/countries/ARG?as_of=2022-01-01"
    assert client.get("/zh/countries/阿根廷", follow_redirects=False).headers["location"] == "/zh/countries/ARG"
    assert client.get("/en/countries/arg", follow_redirects=False).headers["location"] == "/en/countries/ARG"


def test_unknown_country_is_a_404_page_with_suggestions(client) -> None:
    r = client.get("/en/countries/Argentinia")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert 'href="/en/countries/Argentina"' in r.text


def test_a_name_nothing_is_close_to_still_offers_the_nearest_countries(client) -> None:
    r = client.get("/es/countries/XYZ")
    assert r.status_code == 404 and '<html lang="es">' in r.text
    assert len(re.findall(r'<li><a href="/es/countries/[A-Z]{3}">', r.text)) == 3


def test_malformed_date_is_a_422_page_naming_it(client) -> None:
    r = client.get("/en/countries/ARG?as_of=yesterday")
    assert r.status_code == 422 and "“as_of”" in r.text


def test_empty_date_field_leads_to_the_current_profile(client) -> None:
    r = client.get("/en/countries/ARG?as_of=", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/en/countries/ARG"


def test_timeline_lists_every_event_with_its_source(argentina, api) -> None:
    timeline = section(argentina, "ties-title")
    events = api.country("ARG").events
    assert timeline.count("<li><time") == len(events)
    for row in events.rows:
        assert f'<time datetime="{row["date"]}"' in timeline
        if row["source_url"]:
            assert f'href="{row["source_url"]}"' in unescape(timeline)
    assert 'href="/api/v1/events.csv?country=ARG"' in timeline


def test_connectivity_download_holds_the_countrys_scores_and_the_lac_median(client, api, argentina) -> None:
    assert 'href="/en/data/country-connectivity.csv?country=ARG"' in argentina
    got = csv_rows(client.get("/en/data/country-connectivity.csv?country=ARG").text)
    dims = api.connectivity_index().dimensions
    assert {r["dimension"] for r in got} == set(dims["dimension"])
    assert {int(r["year"]) for r in got} == set(dims["year"])
    row = next(r for r in got if r["year"] == "2020" and r["dimension"] == "policy")
    year = dims[(dims["year"] == 2020) & (dims["dimension"] == "policy")]
    assert float(row["score"]) == pytest.approx(float(year[year["country"] == "ARG"]["score"].iloc[0]))
    assert float(row["lac_median"]) == pytest.approx(statistics.median(year["score"].dropna()))
    assert int(row["countries_scored"]) == year["score"].notna().sum()
    chart = section(argentina, "index-title")
    assert 'class="vega" role="img" aria-label="Argentina' in chart  # the chart's description is its alt text
    assert 'data-download="png"' in chart and 'data-download="svg"' in chart


def test_risk_shows_the_grade_its_drivers_confidence_and_missing_data(argentina, api) -> None:
    result = api.risk(country="ARG")
    latest = result.scores.iloc[-1]
    risk = unescape(section(argentina, "risk-title"))
    assert f'id="risk-grade">{latest["grade"]}<' in risk
    assert f"grade in {int(latest['year'])}" in risk
    measures = result.measures[result.measures["year"] == latest["year"]]
    weakest = measures[measures["weight"] > 0].dropna(subset=["score"]).sort_values("score").iloc[0]
    assert weakest["label"] in risk[risk.index("Weakest indicators") : risk.index("Strongest indicators")]
    for label in measures[measures["status"] == "missing"]["label"]:
        assert label in risk[risk.index("Missing data") :]
    assert "of the weights measured (confidence)" in risk
    assert "/en/data/country-risk.csv?country=ARG" in risk and "/en/data/country-risk-history.csv" in risk


def test_risk_download_lists_every_indicator_of_the_latest_year(client, api) -> None:
    got = csv_rows(client.get("/en/data/country-risk.csv?country=ARG").text)
    result = api.risk(country="ARG")
    latest = result.measures[result.measures["year"] == result.scores["year"].max()]
    assert [r["indicator"] for r in got] == list(latest["indicator"])


def test_alerts_are_those_of_the_country(argentina, api) -> None:
    alerts = api.alerts(country="ARG")
    part = unescape(section(argentina, "alerts-title"))
    assert f"{len(alerts)} alerts, newest first" in part
    for row in alerts.rows[:5]:
        assert row["message"] in part
    assert "/api/v1/alerts.csv?country=ARG" in part


def test_trade_download_equals_the_api(client, api) -> None:
    got = csv_rows(client.get("/en/data/country-trade.csv?country=ARG").text)
    expected = api.observations(entity="ARG", partner="CHN", indicator=["goods_exports_fob", "goods_imports_cif"])
    assert [(r["indicator"], r["period"]) for r in got] == [(r["indicator"], str(r["period"])) for r in expected.rows]
    assert [float(r["value"]) for r in got] == pytest.approx([r["value"] for r in expected.rows])


def test_finance_by_sector_and_year_sums_the_projects_amounts(client, api, argentina) -> None:
    got = csv_rows(client.get("/en/data/country-finance.csv?country=ARG").text)
    frame = api.projects(country="ARG").frame
    kept = frame[
        frame["amount_usd"].notna()
        & frame["first_date"].notna()
        & (frame["status"] != "cancelled")
        & ~frame["in_totals"].eq(False).fillna(False).astype(bool)
    ]
    assert sum(float(r["amount_usd"]) for r in got) == pytest.approx(kept["amount_usd"].sum(), abs=len(got))
    assert sum(int(r["projects"]) for r in got) == len(kept)
    energy_2015 = kept[(kept["sector"] == "energy") & (kept["first_date"].dt.year == 2015)]["amount_usd"].sum()
    row = next(r for r in got if r["year"] == "2015" and r["sector"] == "energy")
    assert float(row["amount_usd"]) == pytest.approx(energy_2015, abs=1)
    left = len(frame) - len(kept)
    assert f"{left} of the {len(frame)} projects are not counted" in unescape(section(argentina, "economy-title"))


def test_indicators_table_shows_the_latest_values_with_their_sources(client, api, argentina) -> None:
    indicators = api.country("ARG").indicators
    part = unescape(section(argentina, "indicators-title"))
    assert part.count("<tr><td>") == len(indicators)
    gdp = next(r for r in indicators.rows if r["indicator"] == "NY.GDP.MKTP.CD")
    assert "GDP (current US$)" in part and f'href="{gdp["source_url"]}"' in part
    got = csv_rows(client.get("/en/data/country-indicators.csv?country=ARG").text)
    assert [r["indicator"] for r in got] == [r["indicator"] for r in indicators.rows]


def test_projects_are_listed_largest_first_and_mapped(client, api, argentina) -> None:
    projects = api.country("ARG").projects.frame
    part = section(argentina, "projects-title")
    ids = re.findall(r'<tr data-project="([^"]+)"', part)
    assert ids == list(projects["project_id"])[:50]
    assert f'href="/en/projects/{ids[0]}"' in part
    points = csv_rows(client.get("/en/data/project-points.csv?country=ARG").text)
    located = len({p["project_id"] for p in points})
    assert f"{located} projects have a known location" in part
    assert f"{len(projects) - located} projects have none" in part
    assert '<svg class="map"' in part and 'class="point"' in part
    assert "/en/projects?country=ARG&amp;sort=-amount_usd" in part  # all of them in the explorer
    assert "/api/v1/projects.csv?country=ARG&amp;sort=-amount_usd" in part


def test_every_download_the_page_links_answers(client, argentina) -> None:
    links = set(re.findall(r'href="([^"]+)" data-download="(?:csv|zip)"', argentina))
    assert len(links) >= 10
    for href in links:
        r = client.get(unescape(href))
        assert r.status_code == 200, href
        assert r.headers["content-type"].startswith(("text/csv", "application/zip")), href


def test_claims_section_says_plainly_when_no_document_was_read(argentina, api) -> None:
    assert api.documents().empty
    assert "No document has been read into this database" in section(argentina, "claims-title")


def test_claims_about_the_country_show_their_check_status(built_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "lazos.duckdb"
    shutil.copyfile(built_db, path)
    note = tmp_path / "note.txt"
    note.write_text(
        "Notes on Argentina and China\n\n<script>alert(1)</script> Argentina's exports to China were "
        "US$ 6 billion in 2024, according to customs data.\n",
        "utf-8",
    )
    lazos.ingest([str(note)], db=path)
    app = create_app(path)
    with TestClient(app) as c:
        html = c.get("/en/countries/ARG").text
    app.state.db.close()
    part = section(html, "claims-title")
    assert "1 claim that names this country" in part
    assert "US$ 6 billion" in part and 'class="badge consistent"' in part
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in part and "<script>alert" not in html
    assert 'href="/en/claims?country=ARG"' in part


def test_a_state_outside_celac_has_a_profile_without_the_analyses(client) -> None:
    r = client.get("/en/countries/CHN")
    assert r.status_code == 200
    assert "cover the 33 CELAC states" in r.text


def test_a_date_before_the_analyses_says_so(client) -> None:
    html = client.get("/en/countries/ARG?as_of=1990").text
    assert "no analysis as of 1990-12-31" in section(html, "index-title")
    assert "No China-linked project is recorded" in html


def test_warm_profile_renders_fast(client) -> None:
    client.get("/en/countries/BRA")  # computed once per database version, then only rendered
    took = []
    for _ in range(7):
        start = time.perf_counter()
        assert client.get("/en/countries/BRA").status_code == 200
        took.append(time.perf_counter() - start)
    assert statistics.median(took) < 0.1


def test_a_kept_page_is_the_same_gzipped_or_not(client) -> None:
    zipped = client.get("/pt/countries/PER", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/pt/countries/PER", headers={"Accept-Encoding": "identity"})
    assert zipped.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert zipped.text == plain.text and "<h1>Peru</h1>" in plain.text
