"""Saving analyses: results recorded with the version of the method that produced them.

lazos.api.save_analyses computes the index, the risk rating, the alerts and the opportunity
view, ``prepare`` turns them into rows and ``save`` appends a run for each analysis whose
results differ from its last saved run (a different method, or different data), in one
transaction. Runs are never updated or
deleted, so ``lazos analyses runs`` is the history of what Lazos has published.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from lazos.errors import DatabaseError
from lazos.results import Result


@dataclass(frozen=True)
class SavedRun(Result):
    analysis: str
    run_id: int | None  # None: unchanged since the last run
    method_version: str
    rows: int


@dataclass(frozen=True)
class SaveReport(Result):
    """What `lazos analyses save` recorded: one run per analysis (run_id None: unchanged)."""

    runs: tuple[SavedRun, ...]
    load_id: int


def _sources(items: list[dict[str, Any]]) -> str:
    return ";".join(sorted({i["source_id"] for i in items if i.get("source_id")}))


def _measure_rows(measures: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": measures["country"],
            "year": measures["year"].astype(int),
            "component": measures["dimension"],
            "indicator": measures["indicator"],
            "status": measures["status"],
            "raw": measures["raw"].astype(float),
            "unit": measures["unit"],
            "value_year": measures["value_year"].astype("Int64"),
            "score": measures["score"].astype(float),
            "weight": measures["weight"].astype(float),
            "sources": [_sources(i) for i in measures["inputs"]],
            "note": measures["note"],
        }
    )


def _score_rows(scores: pd.DataFrame, components: list[str], total: str, grade: bool) -> pd.DataFrame:
    rows = []
    for r in scores.to_dict("records"):
        for c in [*components, total]:
            rows.append(
                {
                    "country": r["country"],
                    "year": int(r["year"]),
                    "component": c,
                    "score": None if pd.isna(r[c]) else float(r[c]),
                    "coverage": None,
                    "grade": (r["grade"] if isinstance(r.get("grade"), str) else None)
                    if grade and c == total
                    else None,
                    "rank": int(r["rank"]) if c == total and "rank" in r and not pd.isna(r["rank"]) else None,
                    "note": (r.get("not_scored") or None) if c == total else None,
                }
            )
    return pd.DataFrame(rows)


def _digest(*frames: pd.DataFrame) -> str:
    h = hashlib.sha256()
    for f in frames:
        h.update(f.to_csv(index=False, lineterminator="\n", float_format="%.12g").encode("utf-8"))
    return h.hexdigest()


def prepare(index: Any, risk: Any, alerts: pd.DataFrame, opp: Any) -> dict[str, dict[str, Any]]:
    """Every analysis computed with the packaged method (by lazos.api.save_analyses), as the rows
    to write."""
    from lazos.analytics.method import default_alerts, default_method

    method, rules = default_method(), default_alerts()
    index_dims = list(method.connectivity.dimensions)
    risk_dims = list(method.risk.dimensions)
    opp_scores = opp.scores.assign(rank=opp.scores["opportunity"].rank(ascending=False, method="min"))
    opp_rows = []
    for r in opp_scores.to_dict("records"):
        for c in ("need", "risk_score", "opportunity"):
            opp_rows.append(
                {
                    "country": r["country"],
                    "year": int(r["year"]),
                    "component": c,
                    "score": None if pd.isna(r[c]) else float(r[c]),
                    "coverage": None,
                    "grade": r["grade"] if c == "risk_score" and isinstance(r["grade"], str) else None,
                    "rank": int(r["rank"]) if c == "opportunity" and not pd.isna(r["rank"]) else None,
                    "note": r["quadrant"] if c == "opportunity" else None,
                }
            )
    alert_rows = pd.DataFrame(
        {
            "alert_id": alerts["alert_id"],
            "date": alerts["date"],
            "country": alerts["country"],
            "severity": alerts["severity"],
            "rule": alerts["rule"],
            "period": alerts["period"],
            "value": alerts["value"].astype(float),
            "threshold": alerts["threshold"].astype(float),
            "message": alerts["message"],
            "sources": [";".join(s) for s in alerts["sources"]],
        }
    )
    years = index.scores["year"]
    out = {
        "index": {
            "method": method,
            "scores": _score_rows(index.scores, index_dims, "composite", grade=False),
            "measures": _measure_rows(index.measures),
            "years": (int(years.min()), int(years.max())),
        },
        "risk": {
            "method": method,
            "scores": _score_rows(risk.scores, risk_dims, "score", grade=True),
            "measures": _measure_rows(risk.measures),
            "years": (int(risk.scores["year"].min()), int(risk.scores["year"].max())),
        },
        "opportunities": {
            "method": method,
            "scores": pd.DataFrame(opp_rows),
            "measures": _measure_rows(opp.measures),
            "years": (int(opp.scores["year"].min()), int(opp.scores["year"].max())),
        },
        "alerts": {"method": rules, "alerts": alert_rows, "years": (None, None)},
    }
    return out


def save(db_path: Path, load_id: int, results: dict[str, dict[str, Any]], *, now: datetime | None = None) -> SaveReport:
    """Record the analyses (``prepare``'s rows, computed on load ``load_id``) whose results
    changed since their last run."""
    from lazos.store.importer import connect_for_writing

    stamp = (now or datetime.now(UTC)).replace(tzinfo=None)
    con = connect_for_writing(db_path)
    saved: list[SavedRun] = []
    try:
        con.execute("BEGIN TRANSACTION")
        latest = con.execute("SELECT coalesce(max(load_id), 0) FROM load_run").fetchall()[0][0]
        if latest != load_id:
            raise DatabaseError(
                "the database changed while the analyses were computed: run `lazos analyses save` again"
            )
        for analysis, part in results.items():
            frames = [part[k] for k in ("scores", "measures", "alerts") if k in part]
            digest = _digest(*frames)
            method = part["method"]
            last = con.execute(
                "SELECT results_sha256, method_sha256 FROM analysis_run WHERE analysis = ? "
                "ORDER BY run_id DESC LIMIT 1",
                [analysis],
            ).fetchall()
            rows = sum(len(f) for f in frames)
            if last and last[0] == (digest, method.sha256):
                saved.append(SavedRun(analysis, None, method.version, rows))
                continue
            run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM analysis_run").fetchall()[0][0]
            first, last_year = part["years"]
            con.execute(
                "INSERT INTO analysis_run VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [run_id, analysis, method.version, method.sha256, load_id, stamp, first, last_year, digest, rows],
            )
            for table, key in (
                ("analysis_score", "scores"),
                ("analysis_measure", "measures"),
                ("analysis_alert", "alerts"),
            ):
                if key in part and not part[key].empty:
                    frame = part[key]
                    con.register("_frame", frame)
                    cols = ", ".join(f'"{c}"' for c in frame.columns)
                    con.execute(f"INSERT INTO {table} (run_id, {cols}) SELECT {run_id}, {cols} FROM _frame")
                    con.unregister("_frame")
            saved.append(SavedRun(analysis, run_id, method.version, rows))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return SaveReport(runs=tuple(saved), load_id=load_id)
