"""Web pages for projects: the explorer (GET filters of lazos.api.Lazos.projects, the table, its
count, pages, permalink, CSV and map) and a project's page (every field, its places and sources),
with the errors a visitor can meet: malformed filters (422 pages naming the parameter) and
unknown projects (404 pages suggesting the closest ones)."""

from __future__ import annotations

import csv
import io
import re
import shutil
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
from fastapi.testclient import TestClient

import lazos
from lazos.web import create_app
from lazos.web.pages.i18n import HTML_LANG, LANGS, Formatter

ATUCHA = "arg-atucha-iii-nuclear-power-plant"  # US$8 billion, in Argentina
PATUCA = "aiddata-35552"  # Honduras: a project point, provinces, districts and a mapped shape


def rows_of(html: str) -> list[str]:
    """The project ids of the explorer's table, in order."""
    return re.findall(r'<tr data-project="([^"]+)"', html)


def cells(html: str, name: str) -> list[str]:
    """The values of a data-NAME attribute the table's cells carry, in order."""
    return [unescape(v) for v in re.findall(rf'data-{name}="([^"]*)"', html)]


def link(html: str, pattern: str) -> str:
    """The first href that matches ``pattern``, unescaped."""
    found = re.search(rf'href="({pattern}[^"]*)"', html)
    assert found, f"no link matching {pattern}"
    return unescape(found.group(1))


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# ---------------------------------------------------------------------------- the explorer


@pytest.mark.parametrize("lang", LANGS)
def test_explorer_answers_in_every_language(client, lang: str) -> None:
    r = client.get(f"/{lang}/projects")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert f'<html lang="{HTML_LANG[lang]}">' in r.text
    assert r.text.count("<h1") == 1
    assert len(rows_of(r.text)) == 50  # the first page


def test_count_says_how_many_projects_match(client, api) -> None:
    total = len(api.projects())
    assert f"{total:,} projects match" in client.get("/en/projects").text
    energy = len(api.projects(country="ARG", sector="energy"))
    assert f"{energy} projects match" in client.get("/en/projects?country=ARG&sector=energy").text


def test_filters_narrow_the_table_and_every_row_matches(client, api) -> None:
    r = client.get("/en/projects?country=ARG&sector=energy&year_from=2014&amount_min=100000000")
    expected = api.projects(country="ARG", sector="energy", year_from=2014, amount_min=100_000_000).frame
    assert 0 < len(expected) < len(api.projects(country="ARG"))
    assert rows_of(r.text) == list(expected["project_id"])
    assert set(cells(r.text, "sector")) == {"energy"}
    assert all(float(v) >= 100_000_000 for v in cells(r.text, "usd"))
    for row in expected.itertuples():
        assert row.countries == "ARG" and row.last_date.year >= 2014


def test_text_search_and_status_narrow_the_table(client, api) -> None:
    r = client.get("/en/projects?q=railway&status=completed")
    expected = api.projects(q="railway", status="completed").frame
    assert len(expected) > 0
    assert rows_of(r.text) == list(expected["project_id"])[:50]
    assert set(cells(r.text, "status")) == {"completed"}


def test_filters_appear_in_the_permalink_and_the_csv_link(client) -> None:
    query = "country=ARG&sector=energy&status=completed&year_from=2010&year_to=2020&amount_min=1&amount_max=5e9&q=loan"
    html = client.get(f"/en/projects?{query}&sort=-amount_usd").text
    given = query_of(f"?{query}&sort=-amount_usd")
    permalink = query_of(unescape(re.search(r'href="([^"]+)" rel="bookmark"', html).group(1)))
    assert set(permalink) == set(given)
    for key, value in given.items():
        assert permalink[key] == value or float(permalink[key]) == float(value), key
    csv_link = link(html, "/api/v1/projects.csv")
    assert set(query_of(csv_link)) == set(given)
    # the form shows the filters given
    assert 'value="ARG" selected' in html and 'value="energy" selected' in html and 'value="loan"' in html


def test_csv_link_downloads_exactly_the_filtered_rows(client, api) -> None:
    html = client.get("/en/projects?country=PER&sector=transport&sort=-amount_usd").text
    csv_link = link(html, "/api/v1/projects.csv")
    got = client.get(csv_link)
    assert got.status_code == 200
    same = client.get("/api/v1/projects.csv?country=PER&sector=transport&sort=-amount_usd")
    assert got.text == same.text
    expected = api.projects(country="PER", sector="transport", sort="-amount_usd").frame
    assert [r["project_id"] for r in csv_rows(got.text)] == list(expected["project_id"])


def test_pages_together_list_every_matching_project(client, api) -> None:
    expected = list(api.projects(country="BRA").frame["project_id"])
    assert len(expected) > 50
    html = client.get("/en/projects?country=BRA").text
    shown = rows_of(html)
    while 'rel="next"' in html:  # each page's link to the next keeps the filters
        nxt = unescape(re.search(r'href="([^"]+)" rel="next"', html).group(1))
        assert query_of(nxt)["country"] == "BRA"
        html = client.get(nxt).text
        assert 'rel="prev"' in html
        shown += rows_of(html)
    assert shown == expected
    beyond = client.get("/en/projects?country=BRA&page=9")
    assert beyond.status_code == 200 and not rows_of(beyond.text) and "There is no page 9" in beyond.text


def test_sort_orders_the_rows(client, api) -> None:
    html = client.get("/en/projects?country=ECU&sort=-amount_usd").text
    amounts = [float(v) for v in cells(html, "usd") if v]
    assert amounts == sorted(amounts, reverse=True)
    assert rows_of(html) == list(api.projects(country="ECU", sort="-amount_usd").frame["project_id"])[:50]
    assert 'value="-amount_usd" selected' in html


def test_empty_form_fields_lead_to_the_permalink_without_them(client) -> None:
    r = client.get("/en/projects?country=&sector=energy&status=&year_from=&q=", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/en/projects?sector=energy"
    assert client.get("/en/projects?country=&q=", follow_redirects=False).headers["location"] == "/en/projects"


def test_min_and_max_amount_are_other_names_of_the_amount_filters(client) -> None:
    r = client.get("/en/projects?min_amount=1e9&country=ARG&max_amount=5e9", follow_redirects=False)
    assert r.status_code == 301
    assert r.headers["location"] == "/en/projects?amount_min=1e9&country=ARG&amount_max=5e9"


def test_a_country_named_in_words_is_understood(client, api) -> None:
    html = client.get("/es/projects?country=Perú").text
    assert rows_of(html) == list(api.projects(country="PER").frame["project_id"])[:50]
    assert 'value="PER" selected' in html


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("year_from=abc", "year_from"),
        ("year_to=12", "year_to"),
        ("amount_min=-x", "amount_min"),
        ("min_amount=-x", "min_amount"),
        ("amount_max=inf", "amount_max"),
        ("sort=bogus", "sort"),
        ("country=Narnia", "country"),
        ("sector=spaceflight", "sector"),
        ("year_from=2020&year_to=2010", "year_from"),
        ("page=0", "page"),
        ("as_of=yesterday", "as_of"),
    ],
)
def test_malformed_filters_give_a_422_page_naming_the_parameter(client, query: str, parameter: str) -> None:
    r = client.get(f"/en/projects?{query}")
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    assert f"“{parameter}”" in r.text
    assert "Traceback" not in r.text and 'File "' not in r.text


def test_a_misspelt_filter_value_suggests_the_right_one(client) -> None:
    r = client.get("/en/projects?country=Argentinia")
    assert r.status_code == 422
    assert 'href="/en/projects?country=Argentina"' in r.text


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "US$8B"), ("es", "USD8000\u00a0M"), ("pt", "US$\u00a08\u00a0bi"), ("zh", "US$80亿")],
)
def test_amounts_are_formatted_for_the_locale(client, lang: str, text: str) -> None:
    assert Formatter(lang).money(8e9, "USD") == text
    html = client.get(f"/{lang}/projects?country=ARG&sort=-amount_usd").text
    first = html[html.index(f'data-project="{ATUCHA}"') :]
    first = first[: first.index("</tr>")]
    assert first.count(text) == 2  # the amount in its own currency and in US dollars


def test_map_shows_a_countrys_projects_and_links_them(client) -> None:
    html = client.get("/en/projects?country=ARG").text
    assert '<svg class="map"' in html
    assert re.search(r'<a href="/en/projects/[^"]+" class="point">', html)
    assert "77 projects have a known location" in html


def test_map_across_countries_colours_them_by_matching_projects(client, api) -> None:
    html = client.get("/en/projects?sector=energy").text
    assert 'id="projects-by-country"' in html
    # each state leads to the explorer with the same filters and that country
    assert 'href="/en/projects?sector=energy&amp;country=BRA"' in html
    counts = api.projects(sector="energy").frame["countries"].value_counts()
    assert f"Brazil: {counts['BRA']} projects" in html


def test_points_download_lists_where_the_filtered_projects_are(client, api) -> None:
    got = csv_rows(client.get("/en/data/project-points.csv?country=ARG&sector=energy").text)
    ids = set(api.projects(country="ARG", sector="energy").frame["project_id"])
    assert got and {r["project_id"] for r in got} <= ids
    assert all(r["lat"] and r["lon"] for r in got)


# ---------------------------------------------------------------------------- a project's page


@pytest.mark.parametrize("lang", LANGS)
def test_project_page_answers_in_every_language(client, lang: str) -> None:
    r = client.get(f"/{lang}/projects/{ATUCHA}")
    assert r.status_code == 200
    assert f'<html lang="{HTML_LANG[lang]}">' in r.text
    assert r.text.count("<h1") == 1


def test_project_page_shows_every_field_amount_milestone_and_place(client, api) -> None:
    detail = api.project(PATUCA)
    html = client.get(f"/en/projects/{PATUCA}").text
    text = unescape(html)
    p = detail.project
    assert p["name"] in text and PATUCA in text
    assert "Honduras" in text and "Energy" in text and "Completed" in text
    assert "US$335.8M" in text and "2021" in text  # constant 2021 US$
    for field in ("flow_type", "flow_class", "intent", "location_note"):
        assert p[field] in text
    assert f"{len(detail.milestones)} dated milestones" in text
    assert len(re.findall(r"<tr><td>Adjusted commitment|<tr><td>Commitment", html)) == len(detail.amounts)
    for row in detail.external_ids.rows:
        assert row["external_id"] in text
    for row in detail.locations.rows:
        if row["name"]:
            assert row["name"] in text
    assert "1 mapped shape" in text
    for source in {r["source_url"] for r in detail.milestones.rows if r["source_url"]}:
        assert f'href="{source}"' in html
    assert f'href="/api/v1/projects/{PATUCA}.geojson"' in html
    assert '<svg class="map"' in html


def test_a_project_named_in_words_leads_to_its_id(client) -> None:
    r = client.get("/en/projects/Atucha", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == f"/en/projects/{ATUCHA}"


def test_words_naming_several_projects_lead_to_the_search(client) -> None:
    r = client.get("/en/projects/railway", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/en/projects?q=railway"


def test_unknown_project_is_a_404_page_with_suggestion_links(client) -> None:
    r = client.get(f"/en/projects/{ATUCHA[:-1]}")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert f'href="/en/projects/{ATUCHA}"' in r.text
    nothing = client.get("/zh/projects/zzzz-nothing-like-it")
    assert nothing.status_code == 404 and '<html lang="zh-Hans">' in nothing.text
    assert len(re.findall(r'<li><a href="/zh/projects/[^"]+">', nothing.text)) == 3  # the nearest, however far


def test_every_project_location_at_once_equals_one_by_one(api) -> None:
    every = api.project_locations().frame
    for pid in (PATUCA, ATUCHA, every["project_id"].iloc[-1]):
        one = api.project_locations(pid).frame
        assert every[every["project_id"] == pid].reset_index(drop=True).equals(one)


# ---------------------------------------------------------------------------- text from data


@pytest.fixture(scope="module")
def hostile_client(built_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """An app over a copy of the database where a project's name and description hold markup."""
    path = tmp_path_factory.mktemp("web-pages-projects") / "lazos.duckdb"
    shutil.copyfile(built_db, path)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "UPDATE project SET name = '<script>alert(1)</script> Atucha', "
            "description = '<img src=x onerror=alert(2)> a plant' WHERE project_id = ?",
            [ATUCHA],
        )
    with lazos.open(path) as handle:
        assert handle.project(ATUCHA).project["name"].startswith("<script>")
    app = create_app(path)
    with TestClient(app) as c:
        yield c
    app.state.db.close()


@pytest.mark.parametrize(
    "url", [f"/en/projects/{ATUCHA}", "/en/projects?country=ARG&sort=-amount_usd", "/en/countries/ARG"]
)
def test_text_from_data_is_escaped(hostile_client, url: str) -> None:
    html = hostile_client.get(url).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Atucha" in html
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    for tag in re.findall(r"<script[^>]*>", html):  # only the app's own scripts and chart data
        assert tag.startswith(('<script src="/static/', '<script type="application/json"')), tag
