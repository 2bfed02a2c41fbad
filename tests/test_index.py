"""The Five Connectivities index on the embedded data: bounds, monotonicity, missing data, as-of, orderings."""

from __future__ import annotations

import copy
from datetime import date

import pandas as pd
import pytest

import lazos
from lazos.analytics import connectivity
from lazos.analytics.facts import Event, Facts
from lazos.analytics.method import default_alerts, default_method
from lazos.errors import LazosError

METHOD = default_method()
DIMENSIONS = list(METHOD.connectivity.dimensions)


@pytest.fixture(scope="module")
def handle(built_db):
    with lazos.open(built_db) as db:
        yield db


@pytest.fixture(scope="module")
def index(handle):
    return handle.connectivity_index()


@pytest.fixture(scope="module")
def facts(handle) -> Facts:
    return handle._facts(None, METHOD, default_alerts())  # the facts connectivity_index() reads


def with_event(facts: Facts, country: str, kind: str, when: date) -> Facts:
    changed = copy.copy(facts)
    changed.events = {k: list(v) for k, v in facts.events.items()}
    added = Event(f"test-{kind}-{country}", kind, when.isoformat(), when, "lazos-codelists", None)
    changed.events[country] = sorted([*changed.events.get(country, []), added], key=lambda e: (e.end, e.event_id))
    return changed


def test_every_score_stays_within_its_bounds(index):
    scores = index.scores
    for d in DIMENSIONS:
        values = scores[d].dropna()
        assert ((values >= 0) & (values <= 20)).all(), d
    composite = scores["composite"].dropna()
    assert ((composite >= 0) & (composite <= 100)).all()
    measured = index.measures["score"].dropna()
    assert ((measured >= 0) & (measured <= 1)).all()
    assert len(scores) == 33 * (index.scores["year"].max() - METHOD.first_year + 1)


def test_with_equal_weights_the_composite_is_the_rescaled_sum_of_the_dimensions(index):
    row = index.scores[(index.scores["country"] == "CHL") & (index.scores["year"] == 2022)].iloc[0]
    scored = [row[d] for d in DIMENSIONS if not pd.isna(row[d])]
    assert row["composite"] == pytest.approx(sum(scored) * len(DIMENSIONS) / len(scored))


@pytest.mark.parametrize(
    ("kind", "dimension"),
    [
        ("bri_mou_signed", "policy"),
        ("bri_cooperation_plan_signed", "policy"),
        ("partnership_comprehensive_strategic", "policy"),
        ("fta_signed", "trade"),
        ("fta_in_force", "trade"),
        ("currency_swap", "finance"),
        ("rmb_clearing_bank", "finance"),
    ],
)
def test_adding_an_agreement_never_lowers_a_score(facts, kind, dimension):
    for year in (2008, 2016, 2022):
        before = connectivity.compute(facts, METHOD, [year]).scores.set_index("country")
        for country in facts.countries:
            after = connectivity.compute(with_event(facts, country, kind, date(year, 6, 30)), METHOD, [year], [country])
            new = after.scores.iloc[0]
            for column in (dimension, "composite"):
                old = before.loc[country, column]
                if not pd.isna(old):
                    assert new[column] >= old - 1e-9, (country, year, kind, column, old, new[column])


def test_an_agreement_a_country_signed_raises_its_score_when_it_had_none(facts):
    base = connectivity.compute(facts, METHOD, [2022], ["MEX"]).scores.iloc[0]
    signed = connectivity.compute(with_event(facts, "MEX", "fta_in_force", date(2022, 1, 1)), METHOD, [2022], ["MEX"])
    assert signed.scores.iloc[0]["trade"] > base["trade"]


def test_missing_values_are_reported_never_scored_as_zero(index):
    m = index.measures
    missing = m[m["status"] == "missing"]
    assert not missing.empty
    assert missing["score"].isna().all() and missing["raw"].isna().all()
    assert (missing["note"].str.len() > 0).all()
    # Venezuela does not report its trade: the trade dimension is not scored (not zero),
    # and the composite says it rests on the other dimensions.
    ven = index.scores[(index.scores["country"] == "VEN") & (index.scores["year"] == 2022)].iloc[0]
    assert pd.isna(ven["trade"])
    assert "trade" in ven["not_scored"]
    assert ven["composite"] > 0


def test_people_to_people_bonds_are_scored_for_at_least_25_states(index):
    latest = index.scores[index.scores["year"] == 2023]
    assert latest["people"].notna().sum() >= 25
    people = index.measures[(index.measures["dimension"] == "people") & (index.measures["year"] == 2023)]
    unmeasured = people[people["status"] == "not_measured"]
    assert set(unmeasured["indicator"]) == {"scholarships", "tourism", "sister_cities"}
    assert (unmeasured["weight"] == 0).all() and unmeasured["note"].str.len().gt(0).all()
    bra = people[people["country"] == "BRA"].set_index("indicator")
    assert bra.loc["confucius_institutes", "raw"] == 11  # 11 stated for 2022 (14 only from 2025-09)
    gtm = people[people["country"] == "GTM"].set_index("indicator")  # no institute in Guatemala: a census zero
    assert (
        gtm.loc["confucius_institutes", "raw"] == 0
        and "none stated means none" in gtm.loc["confucius_institutes", "note"]
    )


def test_removing_gdp_makes_ratio_indicators_missing_not_zero(facts):
    changed = copy.copy(facts)
    changed.series = dict(facts.series)
    for code in ("NY.GDP.MKTP.CD", "NGDPD"):
        changed.series[("PER", None, code)] = {y: p for y, p in facts.series[("PER", None, code)].items() if y < 2015}
    m = connectivity.compute(changed, METHOD, [2022], ["PER"]).measures.set_index("indicator")
    assert m.loc["trade_to_gdp", "status"] == "missing" and pd.isna(m.loc["trade_to_gdp", "score"])
    assert m.loc["infrastructure_finance", "status"] == "missing"
    assert m.loc["trade_share", "status"] == "measured"  # does not need GDP


def test_the_imf_weo_stands_in_for_gdp_where_the_world_bank_has_none(facts):
    changed = copy.copy(facts)
    changed.series = dict(facts.series)
    changed.series[("PER", None, "NY.GDP.MKTP.CD")] = {}
    m = connectivity.compute(changed, METHOD, [2022], ["PER"]).measures.set_index("indicator")
    assert m.loc["trade_to_gdp", "status"] == "measured"
    gdp = [i for i in m.loc["trade_to_gdp", "inputs"] if i.get("stands_in_for") == "NY.GDP.MKTP.CD"]
    assert gdp and gdp[0]["indicator"] == "NGDPD" and gdp[0]["source_id"].startswith("imf-weo-2025-04")
    assert "read from NGDPD for NY.GDP.MKTP.CD" in m.loc["trade_to_gdp", "note"]


def test_the_same_inputs_give_the_same_outputs(handle, index):
    again = handle.connectivity_index()
    pd.testing.assert_frame_equal(index.scores, again.scores)
    pd.testing.assert_frame_equal(index.measures.drop(columns=["inputs"]), again.measures.drop(columns=["inputs"]))


def test_an_index_year_uses_no_fact_dated_after_it(index):
    m = index.measures[index.measures["year"] == 2019]
    for row in m.itertuples():
        for item in row.inputs:
            period = item.get("period")
            if period:
                assert period[:4] <= "2019", (row.country, row.indicator, item)
        if not pd.isna(row.value_year):
            assert row.value_year <= 2019


def test_facts_dated_after_a_year_do_not_change_its_index(facts):
    before = connectivity.compute(facts, METHOD, [2019]).scores
    later = with_event(facts, "COL", "bri_mou_signed", date(2020, 3, 1))
    later = with_event(later, "MEX", "fta_signed", date(2021, 1, 1))
    after = connectivity.compute(later, METHOD, [2019]).scores
    pd.testing.assert_frame_equal(before, after)


def test_states_recognising_taipei_score_lowest_on_policy_coordination(facts, index):
    year = 2022
    scores = index.scores[index.scores["year"] == year].set_index("country")
    relations = index.measures[
        (index.measures["year"] == year) & (index.measures["indicator"] == "relations")
    ].set_index("country")["raw"]
    taipei = relations[relations == 0].index
    # The seven states recognising Taipei today, and Honduras until its switch in March 2023.
    assert set(taipei) == {"BLZ", "GTM", "HTI", "PRY", "KNA", "LCA", "VCT", "HND"}
    beijing = relations[relations == 1].index
    assert scores.loc[taipei, "policy"].max() < scores.loc[beijing, "policy"].min()


def test_a_country_with_mou_fta_swap_and_clearing_bank_scores_high(index):
    year = 2022
    scores = index.scores[index.scores["year"] == year].set_index("country")
    m = index.measures[(index.measures["year"] == year) & (index.measures["country"] == "CHL")].set_index("indicator")
    assert m.loc["bri", "raw"] > 0 and m.loc["fta", "raw"] == 1
    assert m.loc["currency_swap", "raw"] == 1 and m.loc["rmb_clearing", "raw"] == 1
    assert scores.loc["CHL", "rank"] <= 3
    assert scores.loc["CHL", "composite"] >= scores["composite"].quantile(0.9)


def test_panama_withdrawal_from_the_bri_lowers_its_policy_score(index):
    m = index.measures[(index.measures["country"] == "PAN") & (index.measures["indicator"] == "bri")]
    by_year = m.set_index("year")["raw"]
    assert by_year[2024] == 0.7 and by_year[2025] == 0


def test_explain_names_inputs_with_their_sources(index):
    m = index.measures[(index.measures["year"] == 2022) & (index.measures["country"] == "ARG")]
    measured = m[m["status"].isin(["measured", "carried"])]
    for row in measured.itertuples():
        if row.measure in ("series", "ratio", "change", "project_value"):
            assert row.inputs, row.indicator
        for item in row.inputs:
            assert item["source_id"] and item["source"], (row.indicator, item)
    points = measured.groupby("dimension")["points"].sum()
    dims = index.scores[(index.scores["year"] == 2022) & (index.scores["country"] == "ARG")].iloc[0]
    for d, total in points.items():
        assert total == pytest.approx(dims[d])


def test_user_weights_change_the_composite_and_scaling_them_changes_nothing(handle, tmp_path):
    heavy = tmp_path / "w.yaml"
    heavy.write_text("dimensions: {trade: 3, finance: 1, policy: 1, facilities: 1}\n", "utf-8")
    doubled = tmp_path / "d.json"
    doubled.write_text('{"policy": 2, "facilities": 2, "trade": 2, "finance": 2, "people": 2}', "utf-8")
    base = handle.connectivity_index(year=2022).scores.set_index("country")
    tilted = handle.connectivity_index(year=2022, weights=heavy).scores.set_index("country")
    same = handle.connectivity_index(year=2022, weights=doubled).scores.set_index("country")
    assert not tilted["composite"].equals(base["composite"])
    pd.testing.assert_series_equal(same["composite"], base["composite"])
    assert tilted["composite"].max() <= 100


def test_sensitivity_is_reproducible_and_bounded(handle):
    a = handle.index_sensitivity(year=2022, draws=200, seed=7)
    b = handle.index_sensitivity(year=2022, draws=200, seed=7)
    pd.testing.assert_series_equal(a.spearman, b.spearman)
    s = a.summary()
    assert -1 <= s["spearman_min"] <= s["spearman_p05"] <= s["spearman_median"] <= 1
    assert s["dimensions"] == ["policy", "facilities", "trade", "finance", "people"]
    ranks = a.ranks
    assert (ranks["best_rank"] <= ranks["median_rank"]).all() and (ranks["median_rank"] <= ranks["worst_rank"]).all()


def test_an_index_as_of_a_date_uses_only_what_was_published_by_then(handle):
    early = handle.connectivity_index(year=2019, as_of="2020-06-30")
    assert early.method.version == METHOD.version
    series = [i for items in early.measures["inputs"] for i in items if i["kind"] == "series"]
    # The embedded WDI and trade vintages were published from 2024 on: none is visible in 2020
    # (the IMF's April 2020 WEO and the counts of Confucius Institutes stated by then are).
    assert series and not [i for i in series if i["source_id"].startswith("wb-") or i["partner"] == "CHN"]
    assert {i["indicator"] for i in series} <= {"confucius_institutes", *METHOD.stand_ins()["NY.GDP.MKTP.CD"][0][:1]}
    assert early.scores["trade"].isna().all()
    assert early.scores["policy"].notna().all()


def test_years_outside_the_method_or_the_data_are_refused(handle):
    with pytest.raises(LazosError, match="the method covers 2000 to"):
        handle.connectivity_index(year=1995)
    with pytest.raises(LazosError, match="not one of the 33 CELAC states"):
        handle.connectivity_index(year=2022, country="China")
