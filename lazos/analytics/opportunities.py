"""The opportunity view: infrastructure needs set against investment risk.

A country's *need* is the weighted mean of its infrastructure gaps (population without
electricity, not using the Internet, shortfall in logistics performance), each scaled 0..1
between goalposts; its *risk* is the risk rating's score and grade for the same year. The
quadrant says where needs are high and risk is manageable (listed first); within a
quadrant the opportunity score (need x risk score, 0..1) orders the list. China's
infrastructure projects already there are shown beside them, from the same data as the index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from lazos.analytics import risk as risk_rating
from lazos.analytics.facts import Facts
from lazos.analytics.measures import end_of
from lazos.analytics.method import Dimension, Method
from lazos.analytics.scoring import dimension_scores, evaluate
from lazos.jsonable import records
from lazos.results import Result, SourceRef, cited

INFRASTRUCTURE = ("energy", "transport", "digital", "water")
QUADRANTS = [
    "high need, manageable risk",
    "high need, high risk",
    "lower need, manageable risk",
    "lower need, high risk",
]


@dataclass
class OpportunityResult(Result):
    """Needs set against risk per country for a year, and the indicators behind them."""

    scores: pd.DataFrame
    measures: pd.DataFrame
    risk: risk_rating.RiskResult
    method: Method
    as_of: date | None = None  # the date the result answers for, and the sources of its inputs
    sources: tuple[SourceRef, ...] = ()
    name = "opportunities"

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        years = sorted({int(y) for y in self.scores["year"]})
        out: dict[str, Any] = {
            "method_version": self.method.version,
            "year": years[0] if len(years) == 1 else None,
            "scores": records(self.scores),
        }
        if explain:
            out["measures"] = records(self.measures)
            out["risk_measures"] = records(self.risk.measures)
        out.update(cited(self.name, self.as_of, self.sources))
        return out


def quadrant(need: float | None, risk_score: float | None, method: Method) -> str:
    if need is None or pd.isna(need):
        return "not assessed: needs not measured"
    if risk_score is None or pd.isna(risk_score):
        return "not assessed: risk not rated"
    high = need >= method.opportunities.high_need
    manageable = risk_score >= method.manageable_risk()
    return {
        (True, True): "high need, manageable risk",
        (True, False): "high need, high risk",
        (False, True): "lower need, manageable risk",
        (False, False): "lower need, high risk",
    }[(high, manageable)]


def compute(facts: Facts, method: Method, year: int, countries: list[str] | None = None) -> OpportunityResult:
    part = method.opportunities
    chosen = countries or facts.countries
    needs = {"needs": Dimension(label="Infrastructure needs", indicators=part.needs)}
    measures = evaluate(facts, needs, chosen, [year])
    need = dimension_scores(measures, needs, part.min_need_weight, 1.0).set_index("country")
    rated = risk_rating.compute(facts, method, [year], chosen)
    risk_by = rated.scores.set_index("country")
    raw = measures.pivot(index="country", columns="indicator", values="raw")
    rows = []
    for country in chosen:
        n = need.loc[country, "score"] if country in need.index else None
        r = risk_by.loc[country]
        projects = [
            p
            for p in facts.projects.get(country, [])
            if p.sector in INFRASTRUCTURE and p.stage(end_of(year)) not in (None, "cancelled")
        ]
        missing = measures[(measures["country"] == country) & (measures["status"] == "missing")]["indicator"]
        n_value = None if n is None or pd.isna(n) else float(n)
        r_value = None if pd.isna(r["score"]) else float(r["score"])
        rows.append(
            {
                "country": country,
                "name": facts.names.get(country, country),
                "year": year,
                "need": n_value,
                **{k: raw.loc[country, k] for k, spec in part.needs.items() if spec.measured},
                "risk_score": r_value,
                "grade": r["grade"],
                "quadrant": quadrant(n_value, r_value, method),
                "opportunity": n_value * r_value if n_value is not None and r_value is not None else None,
                "china_infrastructure_projects": len(projects),
                "china_infrastructure_sectors": ", ".join(sorted({p.sector for p in projects})),
                "missing": ", ".join(missing),
                "method_version": method.version,
            }
        )
    scores = pd.DataFrame(rows)
    scores["_q"] = [QUADRANTS.index(q) if q in QUADRANTS else len(QUADRANTS) for q in scores["quadrant"]]
    scores = scores.sort_values(["_q", "opportunity", "country"], ascending=[True, False, True], na_position="last")
    scores = scores.drop(columns="_q")
    return OpportunityResult(scores.reset_index(drop=True), measures, rated, method)
