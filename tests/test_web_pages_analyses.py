"""The index and risk pages: the ranking for a year as the API scores it (with the method's
weights or the reader's, and the rank changes and Spearman correlation they bring), a country's
score explained indicator by indicator, the sensitivity view, the risk grades with their
drivers and one country's grade history, missing data and confidence; unknown countries and
malformed years answered with helpful pages; downloads that hold the API's rows."""

from __future__ import annotations

import csv
import html as htmllib
import io
import re

import pandas as pd
import pytest

from lazos.web.pages.i18n import HTML_LANG, LANGS, Formatter

PAGES = ("/index", "/index/ARG", "/index/sensitivity", "/risk", "/risk/ARG", "/index/KNA?year=2010", "/risk/DMA")


def formatter(api, lang: str = "en") -> Formatter:
    """The page's formatter: locale formats and the countries' names in the language."""
    frame = api.countries(include_aggregates=True).frame
    return Formatter(lang, dict(zip(frame["iso3"], frame[f"name_{lang}"].fillna(frame["name_en"]), strict=True)))


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text[:300]
    return list(csv.DictReader(io.StringIO(response.text)))


def table_rows(page: str, table_id: str) -> list[str]:
    """The body rows of the table with this id."""
    start = page.index(f'<table id="{table_id}">')
    body = page[page.index("<tbody>", start) : page.index("</tbody>", start)]
    return re.findall(r"<tr\b.*?</tr>", body, re.S)


def cells(row: str) -> list[str]:
    return [htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td\b.*?</td>", row, re.S)]


@pytest.mark.parametrize("lang", LANGS)
def test_every_index_and_risk_page_answers_in_every_language(client, lang):
    for path in PAGES:
        response = client.get(f"/{lang}{path}")
        assert response.status_code == 200, (lang, path, response.text[-500:])
        assert f'<html lang="{HTML_LANG[lang]}">' in response.text
        assert response.text.count("<h1>") == 1, path


def test_the_ranking_is_the_apis_for_the_year(client, api):
    fmt = formatter(api)
    result = api.connectivity_index(year=2018)
    page = client.get("/en/index?year=2018").text
    rows = table_rows(page, "ranking")
    expected = result.scores.sort_values(["rank", "country"], na_position="last")
    assert len(rows) == len(expected) == 33
    for row, r in zip(rows, expected.itertuples(), strict=True):
        assert f'data-country="{r.country}"' in row
        shown = cells(row)
        assert shown[0] == fmt.integer(r.rank) and shown[1] == fmt.country(r.country)
        assert shown[2] == fmt.number(r.composite, 1)
        assert f'href="/en/index/{r.country}?year=2018"' in row
    assert "Method's weight" in htmllib.unescape(page)
    assert '<option value="2018" selected>' in page


def test_weights_change_the_ranking_and_say_how_much(client, api):
    result = api.connectivity_index(
        year=2020, weights={"policy": 3, "facilities": 1, "trade": 0, "finance": 1, "people": 1}
    )
    page = client.get("/en/index?year=2020&w_policy=3&w_trade=0").text
    fmt = formatter(api)
    assert f"correlation with the method's ranking is {fmt.number(result.spearman_with_default, 3)}" in page
    rows = table_rows(page, "ranking")
    expected = result.scores.sort_values(["rank", "country"], na_position="last")
    for row, r in zip(rows, expected.itertuples(), strict=True):
        shown = cells(row)
        assert shown[0] == fmt.integer(r.rank) and shown[2] == fmt.country(r.country)
        change = "—" if pd.isna(r.rank_change) else ("+" if r.rank_change > 0 else "") + fmt.integer(r.rank_change)
        assert shown[1] == change
    assert 'value="3"' in page and 'name="w_policy"' in page  # the form keeps the weights
    downloaded = csv_rows(client.get("/en/data/index-ranking.csv?year=2020&w_policy=3&w_trade=0"))
    assert [r["country"] for r in downloaded] == list(result.scores["country"])
    assert [r["rank_change"] for r in downloaded] == [
        "" if pd.isna(v) else str(int(v)) for v in result.scores["rank_change"]
    ]


def test_the_weights_shown_download_with_the_methods(client, api):
    page = client.get("/en/index?w_policy=3").text
    assert 'href="/en/data/index-weights.csv?w_policy=3' in page
    rows = csv_rows(client.get("/en/data/index-weights.csv?w_policy=3"))
    method = api.connectivity_index().weights
    assert [r["dimension"] for r in rows] == list(method)
    assert [float(r["method_weight"]) for r in rows] == list(method.values())
    assert {r["dimension"]: float(r["weight"]) for r in rows} == {**method, "policy": 3.0}


def test_bad_weights_and_years_are_422_pages_naming_them(client):
    for path, name in (
        ("/en/index?year=abc", "year"),
        ("/en/index?w_policy=-1", "w_policy"),
        ("/en/index?w_policy=lots", "w_policy"),
        ("/en/risk?year=x", "year"),
        ("/en/index/ARG?year=1800", "year"),
        ("/en/risk/ARG?year=1990", "year"),
        ("/en/index/sensitivity?draws=2", "draws"),
    ):
        response = client.get(path)
        assert response.status_code == 422, path
        assert response.headers["content-type"].startswith("text/html")
        assert f"“{name}”" in response.text, path
        assert "Traceback" not in response.text


@pytest.mark.parametrize("path", ["/en/index/XYZ", "/es/risk/XYZ", "/en/index/Argentinia"])
def test_an_unknown_country_is_a_404_page_with_suggestions(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    links = re.findall(r'<ul class="suggestions">(.*?)</ul>', response.text, re.S)
    assert links, response.text[-800:]
    hrefs = re.findall(r'href="([^"]+)"', links[0])
    head = path.rsplit("/", 1)[0]
    assert hrefs and all(h.startswith(head + "/") for h in hrefs)
    assert client.get(hrefs[0]).status_code == 200


def test_the_explain_page_shows_every_indicator_the_api_explains(client, api):
    year = 2019
    explained = api.connectivity_index(year=year, country="PER").to_dict(explain=True)
    page = client.get(f"/en/index/PER?year={year}").text
    fmt = formatter(api)
    score = explained["scores"][0]
    assert f'<span class="value" id="composite">{fmt.number(score["composite"], 1)}</span>' in page
    assert f'<span class="value" id="rank">{fmt.integer(score["rank"])}</span>' in page
    for m in explained["measures"]:
        row = re.search(rf'<tr data-indicator="{m["indicator"]}">.*?</tr>', page, re.S)
        assert row, m["indicator"]
        text = htmllib.unescape(row.group(0))
        assert m["label"] in text
        assert fmt.number(m["score"], 2) in text
        if m["status"] in ("missing", "not_measured"):
            missing = re.search(r'<section aria-labelledby="missing-title">.*?</section>', page, re.S).group(0)
            assert htmllib.escape(m["label"], quote=False) in missing or m["label"] in htmllib.unescape(missing)
        labels = list(dict.fromkeys(i.get("source") or i["source_id"] for i in m["inputs"] if i.get("source_id")))
        for label in labels[:4]:  # each source once, however many of its vintages the inputs cite
            assert label in text, (m["indicator"], label)
    rows = csv_rows(client.get(f"/en/data/index-explain.csv?country=PER&year={year}"))
    assert [(r["dimension"], r["indicator"]) for r in rows] == [
        (m["dimension"], m["indicator"]) for m in explained["measures"]
    ]


def test_the_sensitivity_page_is_the_apis_analysis(client, api):
    result = api.index_sensitivity(year=2024, draws=200)
    page = client.get("/en/index/sensitivity?year=2024&draws=200").text
    fmt = formatter(api)
    assert f'<dd id="spearman-median">{fmt.number(result.summary()["spearman_median"], 3)}</dd>' in page
    rows = csv_rows(client.get("/en/data/index-sensitivity.csv?year=2024&draws=200"))
    assert [r["country"] for r in rows] == list(result.ranks["country"])
    assert [float(r["median_rank"]) for r in rows] == list(result.ranks["median_rank"])
    assert 'id="chart-sensitivity"' in page
    reweighted = client.get("/en/index/sensitivity?year=2024&draws=200&w_finance=4").text
    compared = api.connectivity_index(year=2024, weights={"finance": 4})
    assert f"method's: {fmt.number(compared.spearman_with_default, 3)}" in reweighted
    assert len(table_rows(reweighted, "reweighted")) == 33


def test_the_risk_page_shows_the_apis_grades_and_drivers(client, api):
    fmt = formatter(api)
    result = api.risk(year=2022)
    page = client.get("/en/risk?year=2022").text
    expected = result.scores.sort_values(["score", "country"], ascending=[False, True], na_position="last")
    rows = table_rows(page, "grades")
    assert len(rows) == len(expected)
    measures = result.measures
    for row, r in zip(rows, expected.itertuples(), strict=True):
        shown = cells(row)
        assert shown[0] == fmt.country(r.country)
        assert shown[1].startswith(r.grade if isinstance(r.grade, str) else "—")  # then its cap or confidence
        if r.cap:
            assert r.cap in shown[1]
        assert shown[2] == fmt.number(r.score, 3)
        weakest = measures[(measures["country"] == r.country) & measures["score"].notna()].sort_values(
            ["score", "indicator"]
        )
        if not weakest.empty:
            assert shown[-3].startswith(weakest.iloc[0]["label"])
    downloaded = csv_rows(client.get("/en/data/risk-grades.csv?year=2022"))
    assert [(r["country"], r["grade"]) for r in downloaded] == [
        (c, g if isinstance(g, str) else "")
        for c, g in zip(result.scores["country"], result.scores["grade"], strict=True)
    ]


def test_a_countrys_risk_page_shows_its_grade_history_drivers_and_confidence(client, api):
    fmt = formatter(api)
    result = api.risk("CHL", year=2021)
    page = client.get("/en/risk/CHL?year=2021").text
    score = result.scores.iloc[0]
    assert f'<span class="value" id="grade">{score["grade"]}</span>' in page
    assert f'<span class="value" id="score">{fmt.number(score["score"], 3)}</span>' in page
    counts = result.measures["status"].value_counts()
    confidence = htmllib.unescape(re.search(r'<ul id="confidence">(.*?)</ul>', page, re.S).group(1))
    behind = result.measures[result.measures["status"] != "not_applicable"]  # another regime's indicator
    assert f"How many of the {len(behind)} indicators" in htmllib.unescape(page)
    assert f"measured in 2021: {counts.get('measured', 0)}" in confidence
    assert f"missing: {counts.get('missing', 0)}" in confidence
    weakest = result.measures[result.measures["score"].notna()].sort_values(["score", "indicator"]).iloc[0]
    weak = htmllib.unescape(re.search(r'<ul id="drivers-weak">(.*?)</ul>', page, re.S).group(1))
    assert weak.split("</li>")[0].count(weakest["label"]) == 1
    history = csv_rows(client.get("/en/data/risk-history.csv?country=CHL"))
    every = api.risk("CHL").scores
    assert [(int(r["year"]), r["grade"]) for r in history] == list(zip(every["year"], every["grade"], strict=True))
    assert 'id="chart-risk-history"' in page
    explained = csv_rows(client.get("/en/data/risk-explain.csv?country=CHL&year=2021"))
    assert len(explained) == len(result.measures)


def test_the_index_and_risk_maps_link_to_the_explanations(client):
    page = client.get("/en/index?year=2015").text
    assert 'href="/en/index/ARG?year=2015" data-iso3="ARG"' in page
    page = client.get("/pt/risk?year=2015").text
    assert 'href="/pt/risk/ARG?year=2015" data-iso3="ARG"' in page
