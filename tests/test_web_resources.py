"""The REST API's resources on the embedded data: what each answers, as of a date, and its filters.

Every answer is the Python API's typed result as JSON (lists: Table.to_dict() and where the next
page is), so the rows are compared with lazos.api's where that says more than a count.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def get(client: TestClient, path: str, status: int = 200) -> dict:
    response = client.get(path)
    assert response.status_code == status, response.text
    return response.json()


def test_the_api_root_lists_every_resource_and_the_root_leads_to_the_web_app(client):
    body = get(client, "/api/v1")
    assert body["sql_enabled"] is False and "sql" not in body["resources"]
    for path in body["resources"].values():
        if "{" not in path:
            assert client.get(path).status_code == 200, path
    assert client.get("/", follow_redirects=False).headers["location"] == "/en/"  # the web app; /api/v1 the API
    assert client.get("/openapi.json").json()["info"]["title"] == "Lazos API"
    assert client.get("/docs").status_code == 200


def test_argentina_joins_the_belt_and_road_on_2022_02_06(client):
    path = "/api/v1/events?country=ARG&kind=bri_mou_signed&as_of="
    before = get(client, path + "2022-01-01")
    after = get(client, path + "2022-03-01")
    assert before["rows"] == [] and before["as_of"] == "2022-01-01"
    assert [(r["country"], r["kind"], r["date"]) for r in after["rows"]] == [("ARG", "bri_mou_signed", "2022-02-06")]
    assert [s["source_id"] for s in after["sources"]] == [after["rows"][0]["source_id"]]
    assert "Sources:" in after["citation"] and after["as_of"] == "2022-03-01"


def test_a_year_or_month_means_its_last_day_as_in_the_python_api(client):
    assert get(client, "/api/v1/events?country=ARG&kind=bri_mou_signed&as_of=2022")["as_of"] == "2022-12-31"
    assert get(client, "/api/v1/events?country=ARG&kind=bri_mou_signed&as_of=2022-01")["rows"] == []
    assert len(get(client, "/api/v1/events?country=ARG&kind=bri_mou_signed&as_of=2022-02")["rows"]) == 1


def test_countries_as_of_a_date_show_the_ties_of_then(client, api):
    now = get(client, "/api/v1/countries")
    assert now["rows"] == api.countries().rows and now["total"] == len(now["rows"]) == 36
    arg = {r["iso3"]: r for r in get(client, "/api/v1/countries?as_of=2021-12-31")["rows"]}["ARG"]
    assert arg["bri_status"] is None
    arg = {r["iso3"]: r for r in now["rows"]}["ARG"]
    assert arg["bri_status"] == "participant" and arg["bri_joined"] == "2022-02-06"
    assert get(client, "/api/v1/countries?include_aggregates=true")["total"] > 36


@pytest.mark.parametrize("name", ["ARG", "arg", "Argentina", "阿根廷", "República Argentina"])
def test_a_country_profile_is_found_by_code_or_name_in_four_languages(client, name):
    body = get(client, f"/api/v1/countries/{name}")
    assert body["iso3"] == "ARG" and body["info"]["name_zh"] == "阿根廷"
    assert {"events", "projects", "indicators"} <= set(body)
    assert all(r["country"] == "ARG" for r in body["events"]["rows"])


def test_a_country_profile_as_of_a_date_leaves_out_what_came_later(client, api):
    body = get(client, "/api/v1/countries/ARG?as_of=2021-12-31")
    assert "bri_mou_signed" not in {r["kind"] for r in body["events"]["rows"]}
    assert body == api.country("ARG", as_of="2021-12-31").to_dict() | {"as_of": "2021-12-31"}
    assert "bri_mou_signed" in {r["kind"] for r in get(client, "/api/v1/countries/ARG")["events"]["rows"]}


def test_events_filter_by_kind_category_and_alternatives(client):
    kinds = get(client, "/api/v1/events?kind=bri_mou_signed&kind=bri_withdrawal&limit=500")["rows"]
    assert {r["kind"] for r in kinds} == {"bri_mou_signed", "bri_withdrawal"}
    diplomacy = get(client, "/api/v1/events?category=diplomacy&limit=500")["rows"]
    assert diplomacy and {r["category"] for r in diplomacy} == {"diplomacy"}
    headline = get(client, "/api/v1/events?limit=500")
    every = get(client, "/api/v1/events?include_alternatives=true&limit=500")
    assert all(r["is_headline"] for r in headline["rows"])
    assert every["total"] > headline["total"] and not all(r["is_headline"] for r in every["rows"])


def test_agreements_are_the_events_of_category_agreement(client, api):
    body = get(client, "/api/v1/agreements?limit=500")
    assert body["name"] == "agreements" and body["total"] == len(api.events(category="agreement"))
    assert {r["category"] for r in body["rows"]} == {"agreement"}
    assert get(client, "/api/v1/agreements?as_of=2000-01-01&limit=500")["total"] < body["total"]


def test_projects_filter_by_country_sector_and_status(client):
    rows = get(client, "/api/v1/projects?country=Brasil&sector=energy&limit=500")["rows"]
    assert rows and all("BRA" in r["countries"].split(";") and r["sector"] == "energy" for r in rows)
    rows = get(client, "/api/v1/projects?status=operational&limit=500")["rows"]
    assert rows and {r["status"] for r in rows} == {"operational"}


def test_projects_filter_by_the_years_their_milestones_reach(client):
    rows = get(client, "/api/v1/projects?year_from=2015&year_to=2016&limit=500")["rows"]
    assert rows
    for row in rows:
        assert row["last_date"][:4] >= "2015" and row["first_date"][:4] <= "2016"
    everything = get(client, "/api/v1/projects?limit=1")["total"]
    assert len(rows) < everything


def test_projects_filter_by_amount_in_us_dollars_and_sort_by_it(client):
    rows = get(client, "/api/v1/projects?amount_min=1e9&amount_max=5e9&sort=-amount_usd&limit=500")["rows"]
    amounts = [r["amount_usd"] for r in rows]
    assert amounts and all(1e9 <= a <= 5e9 for a in amounts) and amounts == sorted(amounts, reverse=True)
    ascending = [r["amount_usd"] for r in get(client, "/api/v1/projects?sort=amount_usd&limit=500")["rows"]]
    known = [a for a in ascending if a is not None]
    assert known == sorted(known) and ascending[: len(known)] == known  # missing amounts last


def test_projects_text_search_ignores_case_and_accents_and_needs_every_word(client):
    metro = get(client, "/api/v1/projects?q=BOGOTA%20metro&limit=500")["rows"]
    assert "col-bogota-metro-line-1" in {r["project_id"] for r in metro}
    assert all("bogot" in r["name"].lower() or "bogot" in (r["description"] or "").lower() for r in metro)
    assert get(client, "/api/v1/projects?q=bogota%20zzzqqq")["rows"] == []


def test_projects_as_of_a_date_are_those_a_milestone_shows_existed(client, api):
    early = get(client, "/api/v1/projects?as_of=2005&limit=1")
    assert early["total"] == len(api.projects(as_of="2005")) < get(client, "/api/v1/projects?limit=1")["total"]


def test_a_project_has_its_milestones_amounts_ids_locations_and_point(client):
    body = get(client, "/api/v1/projects/col-bogota-metro-line-1")
    assert body["project"]["name"] == "Bogotá Metro Line 1"
    assert [m["milestone"] for m in body["milestones"]["rows"]] == ["agreement_signed", "construction_started"]
    assert sum(a["is_headline"] for a in body["amounts"]["rows"]) == 1
    assert body["geometry"]["type"] == "Feature" and body["geometry"]["geometry"]["type"] == "Point"
    assert body["locations"]["name"] == "project locations"
    assert get(client, "/api/v1/projects/bogota%20metro%20line")["project"]["project_id"] == "col-bogota-metro-line-1"


def test_a_project_as_geojson_is_a_feature_collection_with_its_sources(client, api):
    response = client.get("/api/v1/projects/col-bogota-metro-line-1.geojson")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection" and body["features"]
    assert all(f["properties"]["source_id"] for f in body["features"])
    lon, lat = body["features"][-1]["geometry"]["coordinates"]
    assert (round(lat, 2), round(lon, 2)) == (4.62, -74.1) or body["features"][-1]["properties"]["kind"] == "project"
    mapped = api.con.execute("SELECT project_id FROM project_geometry ORDER BY project_id LIMIT 1").fetchall()[0][0]
    kinds = {f["properties"]["kind"] for f in get(client, f"/api/v1/projects/{mapped}.geojson")["features"]}
    assert "shape" in kinds
    nowhere = api.con.execute(
        "SELECT p.project_id FROM project p WHERE p.lat IS NULL AND p.project_id NOT IN "
        "(SELECT project_id FROM project_location) AND p.project_id NOT IN (SELECT project_id FROM project_geometry) "
        "ORDER BY 1 LIMIT 1"
    ).fetchall()[0][0]
    assert get(client, f"/api/v1/projects/{nowhere}.geojson") == {"type": "FeatureCollection", "features": []}


def test_indicators_and_observations_filtered_by_entity_indicator_and_years(client, api):
    indicators = get(client, "/api/v1/indicators?limit=500")
    assert indicators["rows"] == api.indicators().rows
    path = "/api/v1/observations?entity=Argentina&indicator=NY.GDP.MKTP.CD&indicator=NY.GDP.PCAP.CD"
    body = get(client, path + "&year_from=2018&year_to=2020&limit=500")
    assert {(r["indicator"], r["period"]) for r in body["rows"]} == {
        (i, str(y)) for i in ("NY.GDP.MKTP.CD", "NY.GDP.PCAP.CD") for y in (2018, 2019, 2020)
    }
    assert all(r["entity"] == "ARG" for r in body["rows"]) and body["sources"]


def test_observations_as_of_a_date_only_count_values_published_by_then(client):
    path = "/api/v1/observations?entity=ARG&indicator=NY.GDP.MKTP.CD&limit=500"
    assert get(client, path + "&as_of=2023")["rows"] == []  # the vintages held were published later
    then = get(client, path + "&as_of=2024")["rows"]
    now = get(client, path)["rows"]
    assert then and len(then) < len(now) and max(r["period"] for r in then) < max(r["period"] for r in now)


def test_the_index_for_a_year_with_explanations_and_weights_given_in_the_request(client, api):
    body = get(client, "/api/v1/index?year=2020")
    assert body["year"] == 2020 and len(body["scores"]) == 33 and "measures" not in body
    assert body["scores"] == api.connectivity_index(year=2020).to_dict()["scores"]
    explained = get(client, "/api/v1/index?year=2020&explain=true&country=ARG")
    assert {m["country"] for m in explained["measures"]} == {"ARG"} and explained["sources"]
    trade = get(client, "/api/v1/index?year=2020&dimension=Trade")
    assert {m["dimension"] for m in trade["measures"]} == {"trade"}
    weighted = get(client, "/api/v1/index?year=2020&weights=policy:3,trade:1")
    assert weighted["weights"]["policy"] == 3 and -1 <= weighted["spearman_with_default"] <= 1
    assert all("rank_change" in s for s in weighted["scores"])


def test_the_index_as_of_a_date_uses_only_what_was_known_then(client):
    then = get(client, "/api/v1/index?as_of=2015-06-30")
    assert then["year"] < get(client, "/api/v1/index")["year"] and then["as_of"] == "2015-06-30"


def test_risk_and_opportunities_by_country_and_year_with_explanations(client):
    risk = get(client, "/api/v1/risk?country=Chile&year=2020&explain=true")
    assert [(s["country"], s["year"]) for s in risk["scores"]] == [("CHL", 2020)]
    assert risk["scores"][0]["grade"] and {m["country"] for m in risk["measures"]} == {"CHL"}
    opportunities = get(client, "/api/v1/opportunities?year=2020")
    assert len(opportunities["scores"]) == 33 and opportunities["year"] == 2020


def test_alerts_filter_by_severity_country_and_date(client):
    severe = get(client, "/api/v1/alerts?severity=severe&limit=500")["rows"]
    assert severe and {r["severity"] for r in severe} == {"severe"}
    recent = get(client, "/api/v1/alerts?since=2024-01-01&country=ARG&limit=500")["rows"]
    assert all(r["date"] >= "2024-01-01" and r["country"] == "ARG" for r in recent)


def test_sources_method_analysis_runs_and_overview(client, api):
    sources = get(client, "/api/v1/sources?limit=500")
    assert sources["total"] == len(api.sources()) and all("licence" in r for r in sources["rows"])
    assert get(client, "/api/v1/sources?as_of=2010&limit=1")["total"] < sources["total"]
    method = get(client, "/api/v1/method")
    assert set(method["method"]["connectivity"]["dimensions"]) == {"policy", "facilities", "trade", "finance", "people"}
    assert method["alerts"]["rules"] and method["method"]["sha256"]
    assert get(client, "/api/v1/analysis-runs")["rows"] == []
    overview = get(client, "/api/v1/overview?as_of=2020-01-01")
    assert overview["counts"]["bri_signatories"] == 19 and overview["as_of"] == "2020-01-01"
    assert len(get(client, "/api/v1/overview?recent=3")["recent_events"]["rows"]) == 3
