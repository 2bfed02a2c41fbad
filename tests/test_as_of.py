"""Questions answered as of a date: the counts the reference articles state, and their rules."""

import pandas as pd
import pytest


def test_lac_bri_signatories_were_19_by_2020_and_21_after_argentina(db):
    assert db.overview(as_of="2020-01-01").counts["bri_signatories"] == 19
    assert db.overview(as_of="2022-03-01").counts["bri_signatories"] == 21


def test_panama_withdrawal_ends_its_participation(db):
    before = db.bri_participants(as_of="2025-01-31").frame.set_index("country")
    after = db.bri_participants(as_of="2025-03-01").frame.set_index("country")
    assert before.loc["PAN", "status"] == "participant"
    assert after.loc["PAN", "status"] == "withdrawn"
    now = db.bri_participants().frame
    assert (now["status"] == "participant").sum() == 22  # 23 joined, Panama left
    assert len(now) == 23
    assert "COL" in set(now["country"])  # joined through a cooperation plan only
    assert "BRA" not in set(now["country"]) and "MEX" not in set(now["country"])


def test_argentina_as_of_march_2022_shows_the_february_mou_with_its_source(db):
    profile = db.country("ARG", as_of="2022-03-01")
    events = profile.events.frame
    mou = events[events["kind"] == "bri_mou_signed"]
    assert list(mou["date"]) == ["2022-02-06"]
    assert mou.iloc[0]["source_url"].startswith("https://sputniknews.com/20220206/")
    assert profile.info["bri_status"] == "participant"
    earlier = db.country("Argentina", as_of="2022-01-31")
    assert earlier.info["bri_status"] is None
    assert "bri_mou_signed" not in set(earlier.events.frame["kind"])


def test_a_month_precise_event_counts_only_once_its_month_is_over(db):
    # El Salvador's MoU is dated 2018-11 only: on 15 Nov 2018 it may not have happened yet.
    mid = db.events(as_of="2018-11-15", country="SLV", kind="bri_mou_signed")
    end = db.events(as_of="2018-11-30", country="SLV", kind="bri_mou_signed")
    assert mid.empty and len(end) == 1


def test_undated_facts_appear_only_in_the_current_view(db):
    current = db.events(country="JAM", kind="partnership_strategic").frame
    assert len(current) == 1 and pd.isna(current.iloc[0]["date"])
    assert db.events(as_of="2030-01-01", country="JAM", kind="partnership_strategic").empty


def test_diplomatic_relations_follow_switches_and_breaks(db):
    countries = db.countries(as_of="2000-01-01").frame.set_index("iso3")
    assert countries.loc["LCA", "prc_relations_since"] == "1997-09-01"  # before the 2007 break
    assert pd.isna(countries.loc["PAN", "prc_relations_since"])  # recognised Taipei until 2017
    assert pd.isna(countries.loc["NIC", "prc_relations_since"])  # broke in 1990
    later = db.countries(as_of="2022-01-01").frame.set_index("iso3")
    assert pd.isna(later.loc["LCA", "prc_relations_since"])
    assert later.loc["NIC", "prc_relations_since"] == "2021-12-10"
    assert pd.isna(later.loc["GTM", "prc_relations_since"])


def test_projects_as_of_follow_their_dated_milestones(db):
    def status(name: str, as_of: str) -> str | None:
        df = db.projects(as_of=as_of).frame
        row = df[df["name"].str.startswith(name)]
        return None if row.empty else row.iloc[0]["status"]

    assert status("Panama Colon Container Port", "2015-12-31") is None  # not yet known
    assert status("Panama Colon Container Port", "2019-06-30") == "under_construction"
    assert status("Panama Colon Container Port", "2022-01-01") == "cancelled"
    assert status("Nicaragua Interoceanic Grand Canal", "2020-01-01") == "under_construction"
    assert status("Nicaragua Interoceanic Grand Canal", "2024-06-01") == "cancelled"
    assert status("Chancay multipurpose port", "2018-06-30") is None
    assert status("Chancay multipurpose port", "2020-01-01") == "planned"
    assert status("Chancay multipurpose port", "2025-01-01") == "operational"


@pytest.mark.parametrize("as_of", ["2019", "2019-12", "2019-12-31"])
def test_partial_as_of_dates_mean_the_end_of_the_period(db, as_of):
    assert db.overview(as_of=as_of).counts["bri_signatories"] == 19


def test_observations_count_once_published(db):
    # The 2023 trade total was published in Nov 2024: unknown at the end of 2023.
    def count_2023(as_of: str) -> int:
        return db.observations(as_of=as_of, indicator="chn_lac_goods_trade_total").frame["period"].eq("2023").sum()

    assert count_2023("2023-12-31") == 0
    assert count_2023("2024-12-31") == 1
