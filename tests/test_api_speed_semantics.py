"""What the speed work must not change: answers are the same whether cached or not, selected
from rows read once or asked in SQL, narrowed from a whole analysis or computed for just what
was asked, and read by one thread or by eight at once; the cache stays bounded, a changed
database has another version, and a caller cannot change what the cache holds.

(Speed itself is measured by benchmarks/bench_api.py, not asserted here.)
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import lazos
import lazos.store.reader as reader_module
from lazos.analytics import alerts, connectivity, opportunities, risk
from lazos.analytics.method import default_alerts, default_method
from lazos.dates import parse_as_of
from lazos.store.cache import LRUCache, approx_bytes, fresh

STATES = ["ARG", "BRA", "MEX", "CUB", "JAM"]


def answer(value: Any) -> Any:
    """A result as comparable plain data: a Table's or result's JSON, a frame's rows."""
    if isinstance(value, pd.DataFrame):
        return value.to_json(orient="split", date_format="iso", default_handler=str)
    if hasattr(value, "scores") and hasattr(value, "measures"):
        parts = [value.scores, value.measures, getattr(value, "dimensions", pd.DataFrame())]
        return [answer(p) for p in parts] + [answer(value.risk) if hasattr(value, "risk") else None]
    if hasattr(value, "to_json"):
        return value.to_json()
    return value


def calls(db: lazos.Lazos) -> dict[str, Any]:
    """The calls the pages and endpoints make, by name."""
    latest = db.latest_analysis_year()
    out: dict[str, Any] = {
        "overview": lambda: db.overview(),
        "overview 2020": lambda: db.overview(as_of="2020-01-01"),
        "countries": lambda: db.countries(),
        "countries 2010 with aggregates": lambda: db.countries(as_of="2010", include_aggregates=True),
        "bri 2019": lambda: db.bri_participants(as_of="2019-03"),
        "sources": lambda: db.sources(),
        "sources 2016": lambda: db.sources(as_of="2016-06-30"),
        "indicators": lambda: db.indicators(),
        "events agreements": lambda: db.events(category="agreement"),
        "events all 2018": lambda: db.events(as_of="2018", include_alternatives=True),
        "projects energy": lambda: db.projects(sector="energy"),
        "observations GDP": lambda: db.observations(indicator="NY.GDP.MKTP.CD"),
        "observations partner CHN 2021": lambda: db.observations(partner="CHN", as_of="2021-06"),
        "index latest": lambda: db.connectivity_index(year=latest),
        "index two years, two countries": lambda: db.connectivity_index(year=[latest, 2010], country=["URY", "ARG"]),
        "risk all": lambda: db.risk(),
        "risk two countries": lambda: db.risk(["PER", "BRA"], year=[2012, 2008]),
        "alerts": lambda: db.alerts(),
        "alerts MEX warning": lambda: db.alerts(country="MEX", severity="warning"),
        "opportunities": lambda: db.opportunities(),
        "opportunities two countries": lambda: db.opportunities(country=["CHL", "BOL"], year=2015),
        "claims": lambda: db.claims(),
    }
    for iso in STATES:
        out[f"country {iso}"] = lambda iso=iso: db.country(iso)
        out[f"country {iso} 2015"] = lambda iso=iso: db.country(iso, as_of="2015-07-01")
        out[f"events {iso}"] = lambda iso=iso: db.events(country=iso)
        out[f"projects {iso} 2020"] = lambda iso=iso: db.projects(country=iso, as_of="2020")
        out[f"observations {iso}"] = lambda iso=iso: db.observations(entity=iso, include_alternatives=True)
        out[f"risk {iso}"] = lambda iso=iso: db.risk(iso, year=latest)
    return out


def answers(db: lazos.Lazos, names: list[str] | None = None) -> dict[str, Any]:
    found = calls(db)
    return {name: answer(found[name]()) for name in names or found}


ANALYSES = ("index", "risk", "alerts", "opportunities", "claims")


def test_a_warmed_handle_answers_what_a_fresh_handle_and_one_without_a_cache_answer(built_db: Path):
    with lazos.open(built_db) as warmed:
        warmed.warm()
        first = answers(warmed)
        again = answers(warmed)  # every call now answered from the cache
    with lazos.open(built_db) as fresh_handle:
        assert answers(fresh_handle) == first == again
    # A cache of one entry computes (nearly) everything anew; the analyses, which would gather
    # their facts anew for each year, are compared with computing them directly below.
    with lazos.Lazos(built_db, cache_size=1) as uncached:
        names = [n for n in first if not n.startswith(ANALYSES)]
        assert answers(uncached, names) == {n: first[n] for n in names}


def test_observations_held_in_memory_answer_what_their_sql_answers(built_db: Path, monkeypatch):
    questions = [
        {},
        {"include_alternatives": True},
        {"as_of": "2019-06-30"},
        {"indicator": ["NY.GDP.MKTP.CD", "SP.POP.TOTL"], "as_of": "2016"},
        {"entity": "BRA", "include_alternatives": True},
        {"entity": "CHN", "as_of": "2012-01-01"},
        {"partner": "CHN", "include_alternatives": True},
        {"entity": "ARG", "indicator": "NY.GDP.MKTP.CD", "as_of": "2024-07"},
        {"entity": "ARG", "partner": "ARG"},  # no values: no rows, the same columns and types
    ]
    monkeypatch.setattr(reader_module, "HOLD_AFTER", 1)  # held from the first question on a date
    with lazos.open(built_db) as held:
        assert held.reader._holds_observations()
        in_memory = [held.observations(**q).frame for q in questions]
        counts = [held.observation_count(as_of=d) for d in (None, "2016")]
        sources = [held.sources(as_of=d).frame for d in (None, "2016")]
    monkeypatch.setattr(reader_module, "HOLD_OBSERVATIONS", 0)
    with lazos.open(built_db) as asked:
        assert not asked.reader._holds_observations()
        for q, frame in zip(questions, in_memory, strict=True):
            pd.testing.assert_frame_equal(asked.observations(**q).frame, frame, obj=str(q))
        assert [asked.observation_count(as_of=d) for d in (None, "2016")] == counts
        for d, frame in zip((None, "2016"), sources, strict=True):
            pd.testing.assert_frame_equal(asked.sources(as_of=d).frame, frame)


def test_filters_on_rows_read_once_select_what_the_filter_in_sql_selects(built_db: Path):
    """Events and projects are read once per as_of; a filter must give the rows, order and
    column types that the filtered query gives (here: the same query with the filter inline)."""
    with lazos.open(built_db) as db:
        r = db.reader
        for day in (None, parse_as_of("2016-06-30")):
            every = r.events(as_of=day, include_alternatives=True)
            for iso in STATES:
                sql = every[(every["country"] == iso) & every["is_headline"]].reset_index(drop=True)
                pd.testing.assert_frame_equal(r.events(as_of=day, country=iso), sql)
                projects = r.projects(as_of=day, country=iso)
                ids = {
                    pid
                    for (pid,) in r.con.execute(
                        "SELECT project_id FROM project_country x WHERE x.country = ? AND x.retired_at IS NULL", [iso]
                    ).fetchall()
                }
                assert set(projects["project_id"]) == ids & set(r.projects(as_of=day)["project_id"])
            # a selection without NULLs in a nullable integer column gets the plain type its own query gives
            amounts = r.project_amounts(r.projects(as_of=day)["project_id"].iloc[0])
            assert all(not isinstance(t, pd.Int32Dtype) or amounts[c].isna().any() for c, t in amounts.dtypes.items())


def test_an_analysis_narrowed_to_countries_and_years_equals_computing_it_for_them(built_db: Path):
    method, rules = default_method(), default_alerts()
    with lazos.open(built_db) as db:
        for as_of in (None, "2019-06-30"):
            facts = db._facts(parse_as_of(as_of), method, rules)
            latest = facts.latest_year
            for country, year in [
                ("ARG", None),
                (["URY", "ARG", "MEX"], None),
                (None, [latest, 2012, 2009]),
                (["PER", "BRA"], [2011, 2006]),
            ]:
                _, countries, years = db._analysis_inputs(as_of, method, country, year)
                direct = connectivity.compute(facts, method, years)
                if countries:
                    direct.scores = direct.scores[direct.scores["country"].isin(countries)].reset_index(drop=True)
                    direct.measures = direct.measures[direct.measures["country"].isin(countries)].reset_index(drop=True)
                assert answer(db.connectivity_index(year=year, country=country, as_of=as_of)) == answer(direct)
                direct = risk.compute(facts, method, years, countries)
                assert answer(db.risk(country, year=year, as_of=as_of)) == answer(direct)
                if year is None:
                    direct = opportunities.compute(facts, method, years[-1], countries)
                    assert answer(db.opportunities(country=country, as_of=as_of)) == answer(direct)
                    direct = alerts.compute(facts, rules, countries)
                    pd.testing.assert_frame_equal(db.alerts(country=country, as_of=as_of).frame, direct)


def test_the_index_under_other_weights_equals_computing_it_under_them(built_db: Path):
    """Other weights reuse the measurements of the method's weights and score them anew."""
    from lazos.analytics.method import weights_from, with_weights

    method = default_method()
    with lazos.open(built_db) as db:
        facts = db._facts(None, method, default_alerts())
        latest = facts.latest_year
        for weights in ({"policy": 2.0}, {"trade": 0.0, "people": 3.0}):
            chosen = with_weights(method, weights_from(weights))
            for year, country in [(latest, None), ([latest, 2010], ["BRA", "ARG"])]:
                _, countries, years = db._analysis_inputs(None, method, country, year)
                direct = connectivity.compute(facts, chosen, years)
                if countries:
                    direct.scores = direct.scores[direct.scores["country"].isin(countries)].reset_index(drop=True)
                    keep = direct.measures["country"].isin(countries)
                    direct.measures = direct.measures[keep].reset_index(drop=True)
                direct = connectivity.compare(direct, db.connectivity_index(year=year, country=country))
                for _ in range(2):  # computed, then from the cache
                    got = db.connectivity_index(year=year, country=country, weights=weights)
                    assert answer(got) == answer(direct)
                    assert got.spearman_with_default == direct.spearman_with_default


def test_eight_threads_reading_at_once_get_the_answers_of_one_thread(built_db: Path):
    with lazos.open(built_db) as one:
        expected = answers(one)
    names = list(expected)
    with lazos.open(built_db) as shared:  # a fresh handle: the threads fill its cache together
        start = threading.Barrier(8)

        def work(seed: int) -> dict[str, Any]:
            order = names[:]
            random.Random(seed).shuffle(order)
            start.wait()
            return answers(shared, order)

        with ThreadPoolExecutor(8) as pool:
            found = list(pool.map(work, range(8)))
    for got in found:
        assert got == expected


def test_the_cache_stays_within_its_entries_and_its_bytes(built_db: Path):
    with lazos.Lazos(built_db, cache_size=8) as db:
        for iso in STATES * 2:
            db.country(iso)
            assert len(db._cache) <= 8
    with lazos.Lazos(built_db, cache_bytes=2_000_000) as db:
        db.overview()
        db.observations()
        assert len(db._cache) >= 1 and (db._cache.bytes <= 2_000_000 or len(db._cache) == 1)


def test_the_cache_forgets_the_least_recently_used_entry_first():
    cache = LRUCache(size=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert "b" not in cache and cache.get("a") == 1 and cache.get("c") == 3
    sized = LRUCache(size=10, max_bytes=100)
    sized.put("x", "x", cost=60)
    sized.put("y", "y", cost=60)
    assert "x" not in sized and sized.bytes == 60
    sized.put("z", "z", cost=500)  # bigger than the bound: kept alone
    assert len(sized) == 1 and sized.get("z") == "z"


def test_a_value_many_threads_ask_for_at_once_is_computed_once():
    cache = LRUCache()
    computed = []
    start = threading.Barrier(8)

    def compute() -> int:
        computed.append(1)
        threading.Event().wait(0.05)
        return 42

    def ask(_: int) -> int:
        start.wait()
        return cache.get_or_compute("k", compute)

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(ask, range(8))) == [42] * 8
    assert len(computed) == 1


def test_a_computation_that_fails_is_not_cached_and_waiting_threads_retry():
    cache = LRUCache()
    attempts = []

    def compute() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("first try fails")
        return "ok"

    with pytest.raises(ValueError):
        cache.get_or_compute("k", compute)
    assert "k" not in cache
    assert cache.get_or_compute("k", compute) == "ok" and len(attempts) == 2


def test_what_a_caller_changes_in_a_result_does_not_reach_the_cache(built_db: Path):
    with lazos.open(built_db) as db:
        before = answers(db, ["countries", "overview", "country ARG", "index latest", "observations BRA", "alerts"])
        table = db.countries()
        table.frame["bri_status"] = "changed"
        table.frame.loc[0, "name_en"] = "changed"
        del table.frame["iso2"]
        overview = db.overview()
        overview.counts["events"] = -1
        overview.recent_events.frame["label"] = "changed"
        profile = db.country("ARG")
        profile.info["name_en"] = "changed"
        profile.events.frame.loc[:, "kind"] = "changed"
        index = db.connectivity_index(year=db.latest_analysis_year())
        index.scores["composite"] = 0.0
        index.measures.pop("score")
        obs = db.observations(entity="BRA", include_alternatives=True)
        obs.frame["value"] = obs.frame["value"] * 0
        found = db.alerts().frame
        found.loc[:, "country"] = None
        after = answers(db, list(before))
    assert after == before


def test_fresh_copies_frames_dicts_and_lists_and_keeps_what_cannot_change():
    frame = pd.DataFrame({"a": [1, 2]})
    value = {"frame": frame, "items": [frame], "text": "t"}
    copy = fresh(value)
    assert copy is not value and copy["frame"] is not frame and copy["items"][0] is not frame
    assert copy["text"] is value["text"]
    copy["frame"].loc[0, "a"] = 9
    assert frame.loc[0, "a"] == 1
    assert approx_bytes(frame) > 0 and approx_bytes(value) >= approx_bytes(frame)


def test_a_database_that_changed_has_another_version_and_other_answers(db_copy: Path, tmp_path: Path):
    with lazos.open(db_copy) as db:
        version = db.version
        assert db.version == version  # stable while open
        gdp = db.observations(entity="ARG", indicator="NY.GDP.MKTP.CD").frame
        count = db.overview().counts["observations"]
    path = tmp_path / "WDIData.csv"
    years = [str(y) for y in range(1960, 2024)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        header = ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *years]
        fh.write(",".join(f'"{h}"' for h in header) + ",\r\n")
        cells = ["Argentina", "ARG", "GDP (current US$)", "NY.GDP.MKTP.CD", *["7.5" for _ in years]]
        fh.write(",".join(f'"{c}"' for c in cells) + ",\r\n")
        cells = ["Argentina", "ARG", "Speed test series (current US$)", "TEST.SPEED.1", *["1.5" for _ in years]]
        fh.write(",".join(f'"{c}"' for c in cells) + ",\r\n")
    lazos.import_file("wdi", path, db=db_copy, vintage="2031-01-01")
    with lazos.open(db_copy) as db:
        assert db.version != version
        now = db.observations(entity="ARG", indicator="NY.GDP.MKTP.CD").frame
        assert set(now["value"]) == {7.5} and not set(gdp["value"]) & {7.5}
        # the newest vintage of ARG's GDP holds these years only; the new series holds them too
        assert db.overview().counts["observations"] == count - len(gdp) + 2 * len(years)
