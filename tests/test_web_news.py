"""The REST API's news routes over the embedded database (its 15 real China–Brazil GDELT events)."""

from __future__ import annotations


def test_news_lists_brazils_months_with_their_gdelt_file(client):
    body = client.get("/api/v1/news", params={"country": "brazil"}).json()
    assert [(r["month"], r["family"], r["events"]) for r in body["rows"]] == [
        ("2019-09", "cooperation", 1),
        ("2019-10", "cooperation", 14),
    ]
    assert body["sources"] and "coverage" in body["note"]


def test_news_events_give_each_event_its_article_and_download_as_csv(client):
    rows = client.get("/api/v1/news/events", params={"month": "2019-10"}).json()["rows"]
    assert len(rows) == 14 and all(r["source_url"].startswith("http") for r in rows)
    csv = client.get("/api/v1/news/events.csv", params={"limit": 1}).text
    assert csv.splitlines()[0].startswith("event_id,day,date_added,country")


def test_news_as_of_a_date_before_gdelt_published_shows_nothing(client):
    assert client.get("/api/v1/news", params={"as_of": "2019-09-30"}).json()["rows"] == []


def test_an_unknown_family_or_month_is_refused_naming_the_parameter(client):
    bad = client.get("/api/v1/news", params={"family": "nope"})
    assert bad.status_code == 422 and bad.json()["parameter"] == "family"
    assert client.get("/api/v1/news/events", params={"month": "2019-13-01"}).status_code == 422
