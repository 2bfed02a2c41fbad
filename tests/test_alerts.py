"""Early-warning alerts: real historic cases fire, with their figures and sources."""

from __future__ import annotations

from datetime import date

import pytest

import lazos
from lazos.analytics.method import Thresholds, default_alerts
from lazos.errors import LazosError


@pytest.fixture(scope="module")
def handle(built_db):
    with lazos.open(built_db) as db:
        yield db


@pytest.fixture(scope="module")
def found(handle):
    return handle.alerts().frame


def one(found, alert_id: str):
    rows = found[found["alert_id"] == alert_id]
    assert len(rows) == 1, alert_id
    return rows.iloc[0]


def test_argentinas_inflation_fires_a_severe_alert_naming_figure_and_source(found):
    a = one(found, "inflation:ARG:2023")
    assert a["severity"] == "severe" and a["value"] == pytest.approx(133.49, abs=0.01)
    assert a["date"] == date(2023, 12, 31)
    assert "133.5%" in a["message"] and "Argentina" in a["message"] and "World Bank" in a["message"]
    assert a["sources"] and all(i["source_id"] in a["sources"] for i in a["inputs"])


def test_el_salvadors_public_debt_above_80_percent_of_gdp_fires(found):
    a = one(found, "public_debt:SLV:2023")
    assert a["value"] > 100 and a["severity"] == "severe"
    warning = one(found, "public_debt:SLV:2020") if "public_debt:SLV:2020" in set(found["alert_id"]) else None
    assert warning is None  # 70.4% in 2020: below the 80% threshold
    assert "El Salvador" in a["message"]


def test_currency_depreciation_compares_consecutive_years(found):
    a = one(found, "currency_depreciation:ARG:2023")
    previous, current = (i["value"] for i in a["inputs"])
    assert a["value"] == pytest.approx((previous / current - 1) * 100)
    assert a["value"] < -40 and a["severity"] == "severe"


def test_panamas_bri_withdrawal_is_an_alert(found):
    a = found[(found["rule"] == "bri_withdrawal") & (found["country"] == "PAN")].iloc[0]
    assert a["period"].startswith("2025-02") and a["severity"] == "warning"


def test_governance_drops_fire_only_beyond_the_margin_of_error(found):
    drops = found[found["rule"] == "governance_drop"]
    assert not drops.empty
    for row in drops.itertuples():
        previous, current, se_prev, se_cur = (i["value"] for i in row.inputs)
        assert row.value == pytest.approx(previous - current)
        assert row.value > 1.645 * (se_prev**2 + se_cur**2) ** 0.5
        assert row.value >= 0.25


def test_since_country_and_severity_filter_alerts(handle, found):
    recent = handle.alerts(since="2024-01-01").frame
    assert len(recent) and all(d >= date(2024, 1, 1) for d in recent["date"])
    assert set(handle.alerts(country="argentina").frame["country"]) == {"ARG"}
    assert set(handle.alerts(severity="warning").frame["severity"]) == {"warning"}
    with pytest.raises(LazosError, match="unknown severity"):
        handle.alerts(severity="catastrophic")


def test_alerts_are_newest_first_and_identified_uniquely(found):
    assert found["alert_id"].is_unique
    dates = list(found["date"])
    assert dates == sorted(dates, reverse=True)


def test_a_threshold_change_in_the_rules_changes_what_fires(handle, found):
    rules = default_alerts()
    stricter = rules.rules["inflation"].model_copy(update={"above": Thresholds(warning=3.0, severe=10.0)})
    strict = rules.model_copy(update={"rules": {"inflation": stricter}})
    many = handle.alerts(rules=strict).frame
    assert set(many["rule"]) == {"inflation"}
    assert len(many) > (found["rule"] == "inflation").sum()
