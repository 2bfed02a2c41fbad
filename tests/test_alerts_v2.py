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
def fresh_db(shared_data, tmp_path_factory):
    """A database built from a fresh snapshot of ../shared/data (the curated files through the
    review, the sovereign events) with the IMF WEO April 2025 imported: what the embedded data
    hold once they are regenerated."""
    from lazos.sources.snapshot import snapshot

    folder = tmp_path_factory.mktemp("fresh")
    snapshot(out_dir=folder / "package", raw_dir=shared_data)
    path = folder / "lazos.duckdb"
    lazos.build(path, folder / "package")
    with lazos.open(path) as db:
        has_weo = "GGXWDG_NGDP" in set(db.indicators().frame["indicator"])
    if not has_weo:
        lazos.import_file("weo", shared_data / "imf" / "WEOApr2025all_lac.csv", db=path)
    with lazos.open(path) as db:
        yield db


SWITCHES = {"NIC": "2021-12-10", "DOM": "2018-05-01", "CRI": "2007-06-01", "PAN": "2017-06-13", "SLV": "2018-08-21"}
SWITCHES["HND"] = "2023-03-26"


@pytest.mark.parametrize(("iso3", "day"), sorted(SWITCHES.items()))
def test_a_state_that_recognised_taipei_switched_and_the_switch_alert_fires(fresh_db, iso3, day):
    events = fresh_db.events(country=iso3, kind="diplomatic_relations_switched").frame
    assert day in set(events["date"])
    alerts = fresh_db.alerts(country=iso3, since=day).frame
    fired = alerts[alerts["rule"] == "recognition_switched"]
    assert list(fired["alert_id"]) == [f"recognition_switched:{iso3}:{day}"]
    assert "switched recognition from Taipei to Beijing" in fired.iloc[0]["message"]
    assert fired.iloc[0]["sources"]


def test_a_state_without_ties_to_taipei_just_before_is_coded_established(fresh_db):
    # Ecuador broke with Taipei in 1971 and recognised Beijing in 1980: no switch.
    ecuador = fresh_db.events(country="ECU", kind=["diplomatic_relations_established", "diplomatic_relations_switched"])
    assert list(ecuador.frame["kind"]) == ["diplomatic_relations_established"]
    # Saint Lucia's first turn to Beijing (1997) was a switch from Taipei; its 2007 break is not.
    lucia = fresh_db.events(country="LCA").frame
    assert set(lucia[lucia["date"] == "1997-09-01"]["kind"]) == {"diplomatic_relations_switched"}


def test_no_state_has_both_an_established_and_a_switched_date_for_one_event(fresh_db):
    kinds = ["diplomatic_relations_established", "diplomatic_relations_switched"]
    frame = fresh_db.events(kind=kinds, include_alternatives=True).frame
    for _, rows in frame.groupby("event_key"):
        assert rows["kind"].nunique() == 1


# ---------------------------------------------------------------------------- sovereign debt


@pytest.fixture(scope="module")
def fresh_alerts(fresh_db):
    return fresh_db.alerts().frame


def one(found, alert_id: str):
    rows = found[found["alert_id"] == alert_id]
    assert len(rows) == 1, alert_id
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("alert_id", "severity"),
    [
        ("sovereign_missed_payment:ECU:2020-03-27", "severe"),
        ("sovereign_default:ECU:2020-04-20", "severe"),
        ("sovereign_restructuring:ECU:2020-08-03", "warning"),
        ("sovereign_default_exit:ECU:2020-08-31", "info"),
        ("sovereign_missed_payment:ARG:2020-04-22", "severe"),
        ("sovereign_default:ARG:2020-05-22", "severe"),
        ("sovereign_restructuring:ARG:2020-08-04", "warning"),
        ("sovereign_missed_payment:SUR:2020-10-26", "severe"),
        ("sovereign_default:SUR:2020-12-02", "severe"),
    ],
)
def test_sovereign_debt_events_of_2020_raise_alerts_with_their_source(fresh_alerts, alert_id, severity):
    a = one(fresh_alerts, alert_id)
    assert a["severity"] == severity and a["rules_version"] == "1.2.0"
    assert a["sources"] and a["inputs"][0]["source_url"]
    assert a["name"] in a["message"] and a["period"] in a["message"]


def test_sovereign_defaults_of_2020_show_with_since_2020(fresh_db):
    found = fresh_db.alerts(since="2020", severity="severe").frame
    defaults = found[found["rule"] == "sovereign_default"]
    assert {"ECU", "ARG", "SUR"} <= set(defaults[defaults["period"].str.startswith("2020")]["country"])


def test_surinames_debt_crossing_90_percent_in_2020_is_a_severe_weo_alert(fresh_alerts):
    a = one(fresh_alerts, "public_debt_crossing:SUR:2020")
    assert a["severity"] == "severe" and a["threshold"] == 90
    previous, current = a["inputs"]
    assert (previous["period"], current["period"]) == ("2019", "2020")
    assert previous["value"] <= 90 < current["value"] == a["value"]
    assert all(i["indicator"] == "GGXWDG_NGDP" and i["source_id"].startswith("imf-weo-2025-04") for i in a["inputs"])
    assert "International Monetary Fund" in a["message"] and "estimate" not in a["message"]


def test_a_crossing_fires_once_not_every_year_above(fresh_alerts):
    suriname = fresh_alerts[(fresh_alerts["rule"] == "public_debt_crossing") & (fresh_alerts["country"] == "SUR")]
    # 84% in 2019 (crossed 70% that year), 146% in 2020 (crossed 90%), above 90% until 2022: no more alerts
    assert {"2019", "2020"} <= set(suriname["period"]) and not {"2021", "2022"} & set(suriname["period"])


def test_an_imf_estimate_is_marked_in_the_crossing_alert(fresh_alerts):
    # Bolivia 2023: 80.1% in 2022, 90.8% in 2023, an IMF estimate (actual data end earlier)
    a = one(fresh_alerts, "public_debt_crossing:BOL:2023")
    assert a["severity"] == "severe"
    assert a["inputs"][1].get("estimate") is True and not a["inputs"][0].get("estimate")
    assert "2023: an estimate, not yet an outturn" in a["message"]


def test_a_year_not_yet_over_raises_no_crossing(fresh_db):
    projected = fresh_db.alerts(as_of="2025-06-30").frame
    assert not (projected["date"] > date(2025, 6, 30)).any()
