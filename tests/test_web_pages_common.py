"""What every page of the web app shares: the language in the URL, the language switch that
keeps the page, HTML error pages (the REST API keeps its problem details), static assets served
by the app itself."""

from __future__ import annotations

import html as html_module
import re

import pytest


def test_the_root_leads_to_the_language_the_browser_prefers(client):
    assert client.get("/", follow_redirects=False).headers["location"] == "/en/"
    for header, lang in [("es-MX,es;q=0.9", "es"), ("pt-BR", "pt"), ("zh-CN,zh;q=0.9", "zh"), ("de-DE", "en")]:
        response = client.get("/", headers={"Accept-Language": header}, follow_redirects=False)
        assert response.status_code == 307 and response.headers["location"] == f"/{lang}/"


@pytest.mark.parametrize("lang,html_lang", [("en", "en"), ("es", "es"), ("pt", "pt-BR"), ("zh", "zh-Hans")])
def test_an_unknown_page_is_a_404_page_in_its_language(client, lang, html_lang):
    response = client.get(f"/{lang}/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert f'<html lang="{html_lang}">' in response.text
    assert response.text.count("<h1>") == 1


def test_an_unknown_language_is_a_404_page_and_the_api_keeps_problem_details(client):
    assert client.get("/fr/projects").status_code == 404
    api = client.get("/api/v1/countries/XYZ")
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"


def test_the_language_switch_keeps_the_path_and_the_query(client):
    html = client.get("/es/no-such-page?x=1&measure=risk").text
    links = {html_module.unescape(k): v for k, v in re.findall(r"<a href=\"([^\"]+)\" hreflang=\"([^\"]+)\"", html)}
    assert {v: k for k, v in links.items()} == {
        "en": "/en/no-such-page?x=1&measure=risk",
        "es": "/es/no-such-page?x=1&measure=risk",
        "pt-BR": "/pt/no-such-page?x=1&measure=risk",
        "zh-Hans": "/zh/no-such-page?x=1&measure=risk",
    }


def test_pages_link_only_assets_the_app_serves_itself(client):
    html = client.get("/en/no-such-page").text
    for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not re.match(r"(https?:)?//", ref) or ref.startswith("http://127.0.0.1"), ref
    for asset in re.findall(r'(?:src|href)="(/static/[^"?]+)', html):
        assert client.get(asset).status_code == 200, asset


def test_an_unknown_dataset_download_names_the_datasets(client):
    response = client.get("/en/data/no-such-data.csv")
    assert response.status_code in (404, 422)
    assert "dataset" in response.text
