"""Alerts 1.1 (issue 12): `since` from the first day of a year or month, recognition switches,
sovereign debt events and public-debt crossings in the IMF WEO, on real data."""

from __future__ import annotations

import json
from datetime import date

import pytest

import lazos
from lazos.analytics.alerts import parse_since
from lazos.errors import InvalidDateError, LazosError

PANAMA_LEAVES_BRI = "bri_withdrawal:PAN:2025-02-06"


@pytest.fixture(scope="module")
def handle(built_db):
    with lazos.open(built_db) as db:
        yield db


# ---------------------------------------------------------------------------- since


@pytest.mark.parametrize(
    ("text", "day"),
    [("2025", date(2025, 1, 1)), ("2025-02", date(2025, 2, 1)), ("2025-02-06", date(2025, 2, 6)), ("", None)],
)
def test_since_means_the_first_day_of_a_year_or_month(text, day):
    assert parse_since(text) == day


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2025-13", "month 13"),
        ("2025-02-30", "day 30 does not exist"),
        ("last-week", "expected YYYY"),
        ("2024/2025", "not a range"),
    ],
)
def test_a_bad_since_is_refused_naming_the_value(text, words):
    with pytest.raises(InvalidDateError, match=words) as raised:
        parse_since(text)
    assert f"since date {text!r}" in str(raised.value)


def test_since_a_year_keeps_panamas_withdrawal_of_february_2025(handle):
    for since in ("2025", "2025-02", "2025-02-06"):
        found = handle.alerts(since=since).frame
        assert PANAMA_LEAVES_BRI in set(found["alert_id"]), since
        assert all(d >= parse_since(since) for d in found["date"])
    assert PANAMA_LEAVES_BRI not in set(handle.alerts(since="2025-02-07").frame["alert_id"])


def test_since_a_year_includes_alerts_of_that_whole_year(handle):
    alerts_2023 = handle.alerts(since="2023").frame
    assert "inflation:ARG:2023" in set(alerts_2023["alert_id"])  # dated 31 Dec 2023
    assert "inflation:ARG:2022" not in set(alerts_2023["alert_id"])


def test_the_python_api_refuses_a_bad_since_before_any_work(handle):
    with pytest.raises(LazosError, match="invalid since date '2025-13'"):
        handle.alerts(since="2025-13")


def test_cli_alerts_since_2025_shows_panamas_withdrawal(cli):
    result = cli("alerts", "--since", "2025", "--country", "PAN", "--format", "json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)["rows"]
    assert PANAMA_LEAVES_BRI in {r["alert_id"] for r in rows}
    bad = cli("alerts", "--since", "2025-13")
    assert bad.code != 0 and "month 13" in bad.err


def test_rest_alerts_since_2025_shows_panamas_withdrawal(client):
    body = client.get("/api/v1/alerts?since=2025&country=PAN&limit=500").json()
    assert PANAMA_LEAVES_BRI in {r["alert_id"] for r in body["rows"]}
    bad = client.get("/api/v1/alerts?since=2025-13")
    assert bad.status_code == 422
    assert bad.json()["parameter"] == "since" and "month 13" in bad.json()["detail"]


# ---------------------------------------------------------------------------- recognition switches


@pytest.fixture(scope="module")
def curated_db(built_db, shared_data, tmp_path_factory):
    """The embedded database with the curated files imported anew through the review (until the
    embedded data are regenerated, this is where the review's switch coding shows)."""
    import shutil

    path = tmp_path_factory.mktemp("curated") / "lazos.duckdb"
    shutil.copyfile(built_db, path)
    lazos.import_file("curated", shared_data / "curated", db=path)
    with lazos.open(path) as db:
        yield db


SWITCHES = {"NIC": "2021-12-10", "DOM": "2018-05-01", "CRI": "2007-06-01", "PAN": "2017-06-13", "SLV": "2018-08-21"}
SWITCHES["HND"] = "2023-03-26"


@pytest.mark.parametrize(("iso3", "day"), sorted(SWITCHES.items()))
def test_a_state_that_recognised_taipei_switched_and_the_switch_alert_fires(curated_db, iso3, day):
    events = curated_db.events(country=iso3, kind="diplomatic_relations_switched").frame
    assert day in set(events["date"])
    alerts = curated_db.alerts(country=iso3, since=day).frame
    fired = alerts[alerts["rule"] == "recognition_switched"]
    assert list(fired["alert_id"]) == [f"recognition_switched:{iso3}:{day}"]
    assert "switched recognition from Taipei to Beijing" in fired.iloc[0]["message"]
    assert fired.iloc[0]["sources"]


def test_a_state_without_ties_to_taipei_just_before_is_coded_established(curated_db):
    # Ecuador broke with Taipei in 1971 and recognised Beijing in 1980: no switch.
    ecuador = curated_db.events(
        country="ECU", kind=["diplomatic_relations_established", "diplomatic_relations_switched"]
    )
    assert list(ecuador.frame["kind"]) == ["diplomatic_relations_established"]
    # Saint Lucia's first turn to Beijing (1997) was a switch from Taipei; its 2007 break is not.
    lucia = curated_db.events(country="LCA").frame
    assert set(lucia[lucia["date"] == "1997-09-01"]["kind"]) == {"diplomatic_relations_switched"}


def test_no_state_has_both_an_established_and_a_switched_date_for_one_event(curated_db):
    kinds = ["diplomatic_relations_established", "diplomatic_relations_switched"]
    frame = curated_db.events(kind=kinds, include_alternatives=True).frame
    for _, rows in frame.groupby("event_key"):
        assert rows["kind"].nunique() == 1
