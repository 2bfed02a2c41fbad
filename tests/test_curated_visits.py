"""The researched leaders' visits and summit meetings (lazos/sources/curated_visits.yaml)."""

import csv
from collections import Counter
from importlib import resources as importlib_resources

import yaml

from lazos.dates import parse_fuzzy
from lazos.paths import embedded_data_dir
from lazos.sources import curated

KINDS = {"state_visit", "leaders_meeting"}
# Brazil's sourced exchanges in 2020-2024: Lula's state visit (Apr 2023), the BRICS meeting
# in Johannesburg (Aug 2023) and Xi's state visit after the Rio G20 (Nov 2024).
BRAZIL_2020_2024 = 3


def visits() -> list[dict]:
    text = importlib_resources.files("lazos.sources").joinpath("curated_visits.yaml").read_text("utf-8")
    return yaml.safe_load(text)["events"]


def test_every_visit_has_a_known_country_kind_date_and_a_cited_page():
    with (embedded_data_dir() / "countries.csv").open(encoding="utf-8") as fh:
        celac = {r["iso3"] for r in csv.DictReader(fh) if r["celac"] == "true"}
    assert len(celac) == 33
    for v in visits():
        assert v["kind"] in KINDS, v
        assert v["confidence"] in ("high", "medium", "low"), v
        assert v["source"]["url"].startswith("http"), v
        assert v["source"]["title"] and v["source"]["publisher"], v
        assert v["detail"], v
        parse_fuzzy(v["date"])
        assert 2013 <= int(v["date"][:4]) <= 2025, v
        assert v["country"] in celac, v


def test_no_exchange_is_recorded_twice():
    seen = Counter((v["country"], v["kind"], v["date"]) for v in visits())
    assert [k for k, n in seen.items() if n > 1] == []


def test_the_review_reads_the_visits_as_further_additions():
    review = curated.load_review()
    added = [a for a in review["events"]["add"] if a["kind"] in KINDS]
    assert len(added) == len(visits())


def test_brazil_has_its_state_visits_and_summit_meetings_2020_2024(shared_data):
    rows = curated.contribution(shared_data / "curated").rows
    names = {r["iso3"] for r in rows["countries"]}
    events = [e for e in rows["events"] if e["kind"] in KINDS]
    assert {e["country"] for e in events} <= names
    assert len({e["event_key"] for e in events}) == len(events)
    sources = {s["source_id"]: s for s in rows["sources"]}
    assert all(sources[e["source_id"]]["url"] for e in events)
    brazil = [e for e in events if e["country"] == "BRA" and "2020" <= e["date"][:4] <= "2024"]
    assert len(brazil) >= BRAZIL_2020_2024
    # Two exchanges of one kind in one year get their full date in the key.
    keys = {e["event_key"] for e in events if e["country"] == "BRA"}
    assert "BRA:state_visit:2023" in keys and "BRA:leaders_meeting:2023" in keys
