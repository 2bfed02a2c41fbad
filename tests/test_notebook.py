"""The example notebook examples/analyst.ipynb runs top to bottom on the embedded data, in a kernel
of this interpreter, and answers its three questions: each with a table that carries its sources
and a chart. Nothing is written outside tmp_path (kernel spec, Jupyter and IPython state,
matplotlib's cache, the database and the notebook's temporary copy all live there)."""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from ipykernel.kernelspec import write_kernel_spec
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

import lazos

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "analyst.ipynb"
REFERENCE_SETS = (ROOT / "tests" / "realset", ROOT / "tests" / "realset2")

# Appended to an in-memory copy of the notebook: prints its answers as JSON for the checks below.
PROBE = """
import json as _json
print("PROBE" + _json.dumps({
    "db_path": str(db.path),
    "growth": _json.loads(growth.to_json(orient="records")),
    "shares": _json.loads(shares.to_json(orient="index")),
    "periods": _json.loads(periods.to_json(orient="index")),
    "inconsistent": _json.loads(answer.to_json(orient="records")),
    "verdicts": {k: int(v) for k, v in verdicts.items()},
}))
"""


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The notebook executed with LAZOS_DB pointing at a database that does not exist yet (as on a
    fresh clone): the notebook builds it from the embedded data, then answers."""
    tmp = tmp_path_factory.mktemp("notebook")
    jupyter = tmp / "jupyter"
    # A kernel spec named python3 that runs this interpreter, found before any other (JUPYTER_PATH
    # comes first): a user's own python3 spec, or the venv's, whose argv is a bare "python", could
    # otherwise start another Python without Lazos.
    write_kernel_spec(jupyter / "kernels" / "python3")
    (tmp / "tmp").mkdir()
    env = {
        "JUPYTER_PATH": str(jupyter),
        "JUPYTER_DATA_DIR": str(jupyter / "data"),
        "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
        "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
        "IPYTHONDIR": str(tmp / "ipython"),
        "MPLCONFIGDIR": str(tmp / "matplotlib"),
        "TMPDIR": str(tmp / "tmp"),
        "LAZOS_DB": str(tmp / "db" / "lazos.duckdb"),
    }
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        mp.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend makes the PNGs
        spec = KernelSpecManager().get_kernel_spec("python3")
        assert spec.argv[0] == sys.executable
        nb = nbformat.read(NOTEBOOK, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(PROBE))
        client = NotebookClient(
            nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
        )
        client.execute()  # raises CellExecutionError naming the cell if any cell fails
    probe = _stdout(nb.cells[-1])
    assert probe.startswith("PROBE"), probe
    return {"nb": nb, "answers": json.loads(probe[len("PROBE") :]), "tmp": tmp, "db": Path(env["LAZOS_DB"])}


def _stdout(cell) -> str:
    return "".join(o["text"] for o in cell.get("outputs", []) if o["output_type"] == "stream" and o["name"] == "stdout")


def _tagged(nb, tag: str) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and tag in c.metadata.get("tags", [])]


def _outputs(cells, mime: str) -> list[str]:
    return [o["data"][mime] for c in cells for o in c.outputs if mime in o.get("data", {})]


def test_the_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    assert {"setup", "q1", "q2", "q3"} <= {t for c in code for t in c.metadata.get("tags", [])}


def test_no_cell_errored_and_every_question_draws_a_chart(executed):
    nb = executed["nb"]
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o["output_type"] == "error"]
    assert not errors
    for tag in ("q1", "q2", "q3"):
        cells = _tagged(nb, tag)
        assert _outputs(cells, "image/png"), f"{tag}: no chart"
        assert _outputs(cells, "text/html"), f"{tag}: no table"
        assert "Sources of" in "".join(_stdout(c) for c in cells), f"{tag}: sources not shown"


def test_a_missing_database_is_built_from_the_embedded_data(executed):
    [setup] = _tagged(executed["nb"], "setup")
    out = _stdout(setup)
    assert "There was no database: built" in out and str(executed["db"]) in out
    assert executed["answers"]["db_path"] == str(executed["db"])


def test_question_1_names_countries_with_their_growth_since_joining(executed):
    growth = executed["answers"]["growth"]
    with lazos.open(executed["db"]) as db:
        members = set(db.bri_participants().frame["country"])
        guyana = db.observations(indicator=["goods_exports_fob", "goods_imports_cif"], entity="GUY", partner="CHN")
    assert {r["country"] for r in growth} == members  # every member is listed, none dropped
    rated = [r for r in growth if r["growth_pct"] is not None and math.isfinite(r["growth_pct"])]
    assert len(rated) >= 10
    assert [r["growth_pct"] for r in rated] == sorted((r["growth_pct"] for r in rated), reverse=True)
    assert all(r["end"] > r["start"] for r in rated)
    for r in growth:  # a member without a rate says why
        assert (r in rated) != bool(r["why_no_rate"]), r
    # The rate is the annualised growth of exports plus imports, recomputed here from the API.
    top = rated[0]
    frame = guyana.frame.assign(year=guyana.frame["period"].astype(int))
    by_year = frame.groupby("year")["value"].sum()
    expected = 100 * ((by_year[top["end"]] / by_year[top["start"]]) ** (1 / (top["end"] - top["start"])) - 1)
    assert top["country"] == "GUY" and math.isclose(top["growth_pct"], expected, rel_tol=1e-9)
    text = "".join(_outputs(_tagged(executed["nb"], "q1"), "text/plain"))
    assert "Guyana" in text and "growth_pct" in text
    out = "".join(_stdout(c) for c in _tagged(executed["nb"], "q1"))
    assert "Without a growth rate: Venezuela" in out and "UN Comtrade" in out


def test_question_2_gives_sector_shares_per_period_that_sum_to_100(executed):
    shares, periods = executed["answers"]["shares"], executed["answers"]["periods"]
    assert len(shares) >= 4 and all(re.fullmatch(r"\d{4}-\d{4}", p) for p in shares)
    for period, row in shares.items():
        assert math.isclose(sum(row.values()), 100, abs_tol=1e-6), period
        assert all(0 <= v <= 100 for v in row.values())
    # The totals are the projects counted by the web app's finance rule (lazos/web/pages/country.py).
    with lazos.open(executed["db"]) as db:
        p = db.projects().frame
    left_out = p["in_totals"].eq(False).fillna(False).astype(bool) | p["status"].eq("cancelled")
    counted = p[~left_out & p["amount_usd"].notna() & p["first_date"].notna()]
    assert sum(v["projects"] for v in periods.values()) == len(counted)
    assert math.isclose(sum(v["total_usd_bn"] for v in periods.values()), counted["amount_usd"].sum() / 1e9)
    out = "".join(_stdout(c) for c in _tagged(executed["nb"], "q2"))
    assert f"{len(counted)} of {len(p)} projects counted" in out
    for reason in ("cancelled", "not in totals", "no amount in US$", "no dated milestone", "Coverage: Partial data"):
        assert reason in out


def test_question_3_lists_the_inconsistent_claims_with_their_document(executed):
    answers = executed["answers"]
    rows = answers["inconsistent"]
    assert rows and answers["verdicts"]["inconsistent"] == len(rows)
    shipped = {f.name for s in REFERENCE_SETS for f in (s / "articles").glob("*.txt")}
    manifest = pd.concat([pd.read_csv(s / "manifest.csv") for s in REFERENCE_SETS]).set_index("file")
    for row in rows:
        assert row["document"] in shipped
        assert row["publisher"] == manifest.loc[row["document"], "publisher"]
        assert row["value"] != pytest.approx(row["lazos_value"], rel=0.005)
        assert row["claimed"] and row["lazos_figure"] and row["lazos_source"] and row["sentence"]
    html = "".join(_outputs(_tagged(executed["nb"], "q3"), "text/html"))
    assert all(row["document"] in html for row in rows)
    out = "".join(_stdout(c) for c in _tagged(executed["nb"], "q3"))
    assert f"Read {len(shipped)} articles into a temporary copy" in out


def test_the_users_database_is_left_unchanged(executed):
    with lazos.open(executed["db"]) as db:
        assert db.documents().empty  # the articles were read into a copy
    assert not list((executed["tmp"] / "tmp").glob("lazos-notebook-*"))  # and the copy is gone
