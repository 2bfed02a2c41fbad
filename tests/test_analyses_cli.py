"""`lazos index`, `risk`, `alerts`, `opportunities` and saved analysis runs, end to end."""

from __future__ import annotations

import json
import shutil

import duckdb

import lazos
from lazos.api import save_analyses


def test_index_explain_tells_where_a_score_comes_from(cli):
    result = cli("index", "--year", "2022", "--country", "argentina", "--explain")
    assert result.code == 0, result.err
    out = result.out
    assert "Argentina (ARG), 2022: composite 62.5, rank 2" in out
    assert "Rank 2 of 33 in 2022" in out and "By dimension (0-20): policy 16.6" in out
    assert "composite = (1×16.57 + 1×15.56 + 1×7.83 + 1×17.96 + 1×4.57) / 5 × 5 = 62.5 of 100" in out
    assert "bri_mou_signed 2022-02-06" in out  # the MoU that gives the BRI score, with its source
    assert "goods_imports_cif ↔ CHN 2022" in out
    assert "https://" in out and "not measured" in out


def test_index_year_explain_covers_every_country(cli):
    result = cli("index", "--year", "2022", "--explain", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["year"] == 2022 and data["method_version"]
    assert len(data["scores"]) == 33
    assert {m["country"] for m in data["measures"]} == {s["country"] for s in data["scores"]}
    example = next(m for m in data["measures"] if m["indicator"] == "trade_share" and m["country"] == "BRA")
    assert example["inputs"] and all(i["source_id"] and i["source_url"] for i in example["inputs"])


def test_index_with_weights_shows_rank_changes_and_correlation(cli, tmp_path):
    weights = tmp_path / "w.yaml"
    weights.write_text("dimensions: {trade: 3}\n", "utf-8")
    result = cli("index", "--year", "2022", "--weights", str(weights), "--sensitivity", "--draws", "100")
    assert result.code == 0, result.err
    assert "Default rank" in result.out and "Spearman rank correlation with the default weights" in result.out
    assert "Sensitivity, 2022: 100 random weightings" in result.out


def test_index_dimension_view_and_csv(cli):
    result = cli("index", "--year", "2022", "--dimension", "trade")
    assert result.code == 0, result.err
    assert "Unimpeded trade" in result.out and "trade_share" in result.out
    csv_out = cli("index", "--year", "2022", "--format", "csv").out.splitlines()
    assert csv_out[0].startswith("country,name,year,policy,facilities,trade,finance,people,composite,rank")
    assert len(csv_out) == 34


def test_index_errors_are_one_line(cli):
    result = cli("index", "--year", "1990")
    assert result.code == 1 and result.err.startswith("lazos: error: no analysis for 1990")
    bad = cli("index", "--country", "Atlantis")
    assert bad.code == 1 and "Atlantis" in bad.err
    missing = cli("index", "--weights", "no-such-file.yaml")
    assert missing.code == 1 and "cannot read the weights file" in missing.err


def test_risk_for_one_country_names_its_drivers_and_history(cli):
    result = cli("risk", "argentina", "--year", "2023")
    assert result.code == 0, result.err
    assert "Grade BB" in result.out and "Weakest: exchange_rate" in result.out
    assert "Grades by year:" in result.out
    assert "Grades by year:" in result.out and "2020 B," in result.out  # in default in 2020: B at best
    explained = cli("risk", "CUB", "--year", "2023", "--explain")
    assert "not rated" in explained.out and "external_debt" in explained.out
    ecuador = cli("risk", "ECU", "--year", "2020")
    assert "Grade B," in ecuador.out and "Cap: in default during 2020 (from 2020-03-27, to 2020-08-31)" in ecuador.out


def test_mexicos_index_rank_is_explained(cli):
    result = cli("index", "--year", "2022", "--country", "MEX", "--explain")
    assert result.code == 0, result.err
    out = " ".join(result.out.split())
    assert "Rank 12 of 33 in 2022" in out
    assert "trade 9.7 (rank 6 of 28" in out and "Points lost most on: people.direct_flights" in out
    sizes = cli("index", "--year", "2022", "--size-check", "--format", "json")
    data = json.loads(sizes.out)["size_check"]
    mex = next(r for r in data["ranks"] if r["country"] == "MEX")
    assert (mex["rank_method"], mex["rank_intensity_only"], mex["rank_size_only"]) == (12, 22, 8)
    assert data["spearman_with_method"]["intensity_only"] > 0.9


def test_alerts_since_and_json(cli):
    result = cli("alerts", "--since", "2024", "--country", "ARG", "--format", "json", "--explain")
    assert result.code == 0, result.err
    data = json.loads(result.out)["rows"]
    assert {a["rule"] for a in data} >= {"inflation", "currency_depreciation"}
    assert all(a["date"] >= "2024-01-01" and a["inputs"] for a in data)
    table = cli("alerts", "--since", "2023", "--severity", "severe")
    assert "Public debt above 80% of GDP" in table.out and "El Salvador" in table.out


def test_opportunities_table(cli):
    result = cli("opportunities", "--year", "2022")
    assert result.code == 0, result.err
    assert "high need, manageable risk" in result.out and "Haiti (HTI)" in result.out


def test_saving_analyses_records_runs_once_per_change(built_db, tmp_path, cli):
    db = tmp_path / "saved.duckdb"
    shutil.copyfile(built_db, db)
    first = save_analyses(db).runs
    assert [r.analysis for r in first] == ["index", "risk", "opportunities", "alerts"]
    assert all(r.run_id is not None and r.rows > 0 for r in first)
    again = save_analyses(db).runs
    assert all(r.run_id is None for r in again)
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("SELECT analysis, method_version, method_sha256, load_id FROM analysis_run").fetchall()
    stored = con.execute(
        "SELECT s.score FROM analysis_score s JOIN analysis_run r USING (run_id) "
        "WHERE r.analysis = 'index' AND s.country = 'ARG' AND s.year = 2022 AND s.component = 'composite'"
    ).fetchall()[0][0]
    con.close()
    assert len(runs) == 4 and {r[3] for r in runs} == {1}
    with lazos.open(db) as handle:
        computed = handle.connectivity_index(year=2022, country="ARG").scores.iloc[0]["composite"]
    assert stored == computed
    listed = cli("analyses", "runs", db=db)
    assert listed.code == 0 and "opportunities" in listed.out
