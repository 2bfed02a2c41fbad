"""Sources disagree: every value is kept and one headline is picked by the documented rule."""


def test_trade_2022_keeps_every_sourced_value_and_heads_with_the_customs_total(db):
    all_values = db.observations(indicator="chn_lac_goods_trade_total", include_alternatives=True).frame
    y2022 = all_values[all_values["period"] == "2022"].set_index("value")
    assert set(y2022.index) == {485_790_000_000.0, 495_000_000_000.0, 500_000_000_000.0}
    assert y2022.loc[485_790_000_000.0, "is_headline"]
    assert not y2022.loc[495_000_000_000.0, "is_headline"]
    assert y2022.loc[500_000_000_000.0, "qualifier"] == "approximate"
    headline = db.observations(indicator="chn_lac_goods_trade_total").frame
    row = headline[headline["period"] == "2022"].iloc[0]
    assert row["value"] == 485_790_000_000.0 and row["alternatives"] == 2


def test_confidence_comes_before_exactness(db):
    # 2000: "exceeded US$10 bn" (high, a lower bound) heads 12 bn (twice) and 14 bn (medium, exact).
    headline = db.observations(indicator="chn_lac_goods_trade_total").frame
    row = headline[headline["period"] == "2000"].iloc[0]
    assert (row["value"], row["qualifier"], row["alternatives"]) == (
        10_000_000_000.0,
        "lower_bound",
        3,
    )


def test_event_dates_in_conflict_keep_the_best_sourced_one(db):
    events = db.events(country="ARG", kind="diplomatic_relations_switched", include_alternatives=True).frame
    assert len(events) == 4
    headline = events[events["is_headline"]]
    assert list(headline["date"]) == ["1972-02-19"]
    assert set(events[~events["is_headline"]]["confidence"]) == {"low"}


def test_project_amounts_keep_alternatives_and_the_original_currency(db):
    bogota = db.projects(country="COL").frame
    row = bogota[bogota["name"] == "Bogotá Metro Line 1"].iloc[0]
    assert (row["amount"], row["currency"], row["usd_nominal"]) == (13.8e12, "COP", 4.5e9)
    assert row["amount_alternatives"] == 3
    amounts = db.project_amounts(row["project_id"]).frame
    assert sorted(amounts["usd_nominal"]) == [4.0e9, 4.3e9, 4.5e9, 5.16e9]
    assert amounts["is_headline"].sum() == 1


def test_headline_amount_prefers_total_cost_over_a_loan(db):
    coca = db.projects(country="ECU").frame
    row = coca[coca["name"].str.startswith("Coca Codo")].iloc[0]
    assert (row["amount_kind"], row["amount"]) == ("total_cost", 2.0e9)
