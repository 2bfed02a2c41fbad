"""Every change keeps history: an earlier row version stays queryable as recorded at a time."""

from datetime import timedelta

import duckdb

import lazos


def test_a_changed_value_is_retired_not_overwritten(tmp_path):
    path = tmp_path / "history.duckdb"
    lazos.build(path)
    con = duckdb.connect(str(path))
    built_at = con.execute("SELECT started_at FROM load_run WHERE load_id = 1").fetchall()[0][0]
    change = built_at + timedelta(days=1)
    # Observations are stored in observation_value, with integer keys for the source and for
    # the texts of entity, partner, indicator and period (observation_term).
    term = "(SELECT term_key FROM observation_term WHERE term = '{}')"
    key = (
        f"indicator_key = {term.format('chn_lac_goods_trade_total')} AND period_key = {term.format('2023')} "
        "AND retired_at IS NULL"
    )
    con.execute("BEGIN")
    con.execute("INSERT INTO load_run VALUES (2, 'import', ?, ?, 'test correction', NULL)", [change, change])
    con.execute(
        f"INSERT INTO observation_value SELECT * REPLACE (489100000000.0 AS value, 2 AS load_id) "
        f"FROM observation_value WHERE {key}"
    )
    con.execute(f"UPDATE observation_value SET retired_at = ? WHERE {key} AND load_id = 1", [change])
    con.execute("COMMIT")
    con.close()

    def trade_2023(handle) -> float:
        df = handle.observations(indicator="chn_lac_goods_trade_total").frame
        return df[df["period"] == "2023"].iloc[0]["value"]

    with lazos.open(path) as now:
        assert trade_2023(now) == 489_100_000_000.0
    with lazos.open(path, recorded_as_of=built_at + timedelta(hours=1)) as then:
        assert trade_2023(then) == 489_000_000_000.0
    with lazos.open(path, recorded_as_of=built_at - timedelta(days=365)) as never:
        assert never.observations().empty
