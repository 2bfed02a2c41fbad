"""The investment-risk rating and the opportunity view on the embedded data."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

import lazos
from lazos.analytics import risk
from lazos.analytics.method import default_alerts, default_method

METHOD = default_method()
GRADES = [g.grade for g in METHOD.risk.grades]


@pytest.fixture(scope="module")
def handle(built_db):
    with lazos.open(built_db) as db:
        yield db


@pytest.fixture(scope="module")
def rating(handle):
    return handle.risk()


def test_scores_and_grades_stay_within_the_scale(rating):
    s = rating.scores
    for d in [*METHOD.risk.dimensions, "score"]:
        values = s[d].dropna()
        assert ((values >= 0) & (values <= 1)).all(), d
    rated = s[s["grade"].notna()]
    assert set(rated["grade"]) <= set(GRADES)
    for row in rated.itertuples():
        by_score = METHOD.risk.grade(row.score)
        assert row.grade == by_score if not row.cap else row.grade == METHOD.risk.capped(by_score, row.grade)


def test_a_grade_needs_four_dimensions_and_says_which_is_missing(rating):
    s = rating.scores
    unrated = s[s["grade"].isna()]
    assert not unrated.empty
    assert (unrated["not_scored"].str.len() > 0).all()
    assert (unrated["dimensions_scored"] < 4).all()
    cub = s[(s["country"] == "CUB") & (s["year"] == 2023)].iloc[0]
    # Cuba is not in the IMF WEO and the World Bank publishes neither its recent GDP nor its debt
    assert pd.isna(cub["grade"]) and "debt_solvency" in cub["not_scored"] and "economic_base" in cub["not_scored"]
    assert "public_debt" in cub["missing"] and "gdp" in cub["missing"]
    assert cub["confidence"].startswith("low: ") and "no indicator of its core" in cub["confidence"]
    four = s[(s["dimensions_scored"] == 4) & s["grade"].notna()]
    assert not four.empty and four["confidence"].str.startswith("low: ").all()


def test_missing_indicators_are_named_and_not_scored(rating):
    m = rating.measures
    chile = m[(m["country"] == "CHL") & (m["year"] == 2023)].set_index("indicator")
    # The World Bank publishes no external-debt statistics for high-income Chile.
    assert chile.loc["external_debt", "status"] == "missing" and pd.isna(chile.loc["external_debt", "score"])
    row = rating.scores[(rating.scores["country"] == "CHL") & (rating.scores["year"] == 2023)].iloc[0]
    assert "external_debt" in row["missing"]
    assert not pd.isna(row["debt_solvency"])


def test_known_orderings_hold_on_real_data(rating):
    s = rating.scores[rating.scores["year"] == 2023].set_index("country")
    assert s.loc["CHL", "score"] > s.loc["ARG", "score"] > s.loc["HTI", "score"]
    assert s.loc["URY", "score"] > s.loc["HTI", "score"]
    assert GRADES.index(s.loc["HTI", "grade"]) == len(GRADES) - 1  # Haiti: the worst grade


def test_argentinas_inflation_and_depreciation_drive_its_grade_down(handle):
    row = handle.risk("ARG", year=2023).scores.iloc[0]
    assert "inflation 133.5% (2023): 0.00" in row["weaknesses"]
    assert "exchange_rate" in row["weaknesses"]


def test_a_higher_inflation_never_improves_the_rating(handle):
    facts = handle._facts(None, METHOD, default_alerts())  # the facts risk() reads
    before = risk.compute(facts, METHOD, [2022], ["BRA"]).scores.iloc[0]
    changed = copy.copy(facts)
    changed.series = dict(facts.series)
    points = dict(facts.series[("BRA", None, "FP.CPI.TOTL.ZG")])
    p = points[2022]
    points[2022] = type(p)(p.year, p.value * 10, p.source_id)
    changed.series[("BRA", None, "FP.CPI.TOTL.ZG")] = points
    after = risk.compute(changed, METHOD, [2022], ["BRA"]).scores.iloc[0]
    assert after["economic_base"] < before["economic_base"] and after["score"] < before["score"]


def test_carried_values_say_the_year_they_come_from(rating):
    m = rating.measures
    carried = m[m["status"] == "carried"]
    assert not carried.empty
    assert (carried["value_year"] < carried["year"]).all()
    wgi_2025 = m[(m["year"] == 2025) & (m["indicator"] == "rule_of_law") & (m["country"] == "URY")].iloc[0]
    assert wgi_2025["status"] == "carried" and wgi_2025["value_year"] == 2023


def test_opportunities_set_needs_against_risk(handle):
    opp = handle.opportunities(year=2022)
    s = opp.scores.set_index("country")
    assert ((s["need"].dropna() >= 0) & (s["need"].dropna() <= 1)).all()
    hti = s.loc["HTI"]
    assert hti["need"] == s["need"].max()  # the largest electricity gap in the region
    assert hti["quadrant"] == "high need, high risk"
    manageable = METHOD.manageable_risk()
    for row in s.itertuples():
        if pd.isna(row.need) or pd.isna(row.risk_score):
            assert row.quadrant.startswith("not assessed")
            continue
        assert ("high need" in row.quadrant) == (row.need >= METHOD.opportunities.high_need)
        assert ("manageable" in row.quadrant) == (row.risk_score >= manageable)
        assert row.opportunity == pytest.approx(row.need * row.risk_score)
    assert opp.scores["quadrant"].iloc[0] == "high need, manageable risk"
    for _, group in opp.scores.groupby("quadrant", sort=False):
        assert group["opportunity"].dropna().is_monotonic_decreasing
    assert s.loc["ARG", "china_infrastructure_projects"] > 0
