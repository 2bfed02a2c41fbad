"""The country investment-risk rating: five dimensions after CASS, a score 0-1 and a grade.

CASS's China Overseas Investment Country Risk rating scores economic base, debt solvency,
social resilience, political risk and relations with China; Lazos follows those dimensions
with open indicators (World Bank WDI and WGI, Lazos's events, trade and projects) and
publishes every input. A higher score means a lower risk; grades run from AAA to CCC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from lazos.analytics.facts import Facts
from lazos.analytics.measures import default_spells, spell_during
from lazos.analytics.method import Method
from lazos.analytics.scoring import composite, dimension_scores, evaluate
from lazos.formatting import quantity
from lazos.jsonable import records
from lazos.results import Result, SourceRef, cited


@dataclass
class RiskResult(Result):
    """Grades and scores per country and year, and every indicator behind them."""

    scores: pd.DataFrame
    measures: pd.DataFrame
    dimensions: pd.DataFrame
    method: Method
    as_of: date | None = None  # the date the result answers for, and the sources of its inputs
    sources: tuple[SourceRef, ...] = ()
    history: pd.DataFrame | None = None  # one country's score and grade in every year
    name = "risk rating"

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        """Scores and grades (with ``explain``, every indicator behind them with its sources)."""
        years = sorted({int(y) for y in self.scores["year"]})
        out: dict[str, Any] = {
            "method_version": self.method.version,
            "year": years[0] if len(years) == 1 else None,
            "years": years,
            "scores": records(self.scores),
        }
        if explain:
            out["measures"] = records(self.measures)
        if self.history is not None:
            out["history"] = records(self.history)
        out.update(cited(self.name, self.as_of, self.sources))
        return out


def describe(row: dict) -> str:
    """One indicator as a driver: its name, value (and the year it is from) and score."""
    year = "" if pd.isna(row["value_year"]) else f" ({int(row['value_year'])})"
    return f"{row['indicator']} {quantity(row['raw'], row['unit'])}{year}: {row['score']:.2f}"


def _default_cap(facts: Facts, cap: Any, country: str, year: int) -> tuple[str, str] | None:
    """The highest grade a sovereign's default record allows in the year, and why: ``max_grade``
    in default at any time in the year; ``after_max_grade`` within ``after_years`` of the end
    of a spell in default."""
    spells = default_spells(facts, country, cap.starts, cap.ends)
    spell = spell_during(spells, year)
    if spell is not None:
        begun, ended = spell
        until = f"to {ended.date}" if ended is not None else "not ended"
        return cap.max_grade, f"in default during {year} (from {begun.date}, {until}): graded at most {cap.max_grade}"
    if not cap.after_years or cap.after_max_grade is None:
        return None
    recent = [s for s in spells if s[1] is not None and year - cap.after_years < s[1].end.year <= year]
    if not recent:
        return None
    begun, ended = recent[-1]
    return cap.after_max_grade, (
        f"out of default since {ended.date} (in default from {begun.date}), less than {cap.after_years} years: "
        f"graded at most {cap.after_max_grade}"
    )


def _confidence(dims: pd.DataFrame, part: Any, keys: list[tuple[str, int]]) -> list[str | None]:
    """high: every dimension scored, each on at least ``high_coverage`` of its weight; low: a
    dimension not scored (its core missing, or too little of it measured); medium otherwise."""
    high = part.confidence.high_coverage if part.confidence is not None else 1.0
    out = {}
    for (country, year), group in dims.groupby(["country", "year"]):
        scored = group["score01"].notna()
        if not scored.all():
            why = [
                f"{d} not scored" + (" (no indicator of its core)" if core else "")
                for d, core in zip(group.loc[~scored, "dimension"], group.loc[~scored, "core_missing"], strict=True)
            ]
            out[(country, year)] = "low: " + "; ".join(why)
        elif (group["coverage"] + 1e-9 >= high).all():
            out[(country, year)] = "high"
        else:
            thin = group.loc[group["coverage"] + 1e-9 < high, "dimension"]
            out[(country, year)] = f"medium: under {high:.0%} of the weight measured in " + ", ".join(thin)
    return [out.get(k) for k in keys]


def compute(facts: Facts, method: Method, years: list[int], countries: list[str] | None = None) -> RiskResult:
    part = method.risk
    chosen = countries or facts.countries
    measures = evaluate(facts, part.dimensions, chosen, years, part.exchange_regime)
    dims = dimension_scores(measures, part.dimensions, part.min_dimension_weight, 1.0)
    weights = {n: d.weight for n, d in part.dimensions.items()}
    comp = composite(dims, weights, part.min_dimensions, 1.0).rename(columns={"composite": "score"})
    wide = dims.pivot(index=["country", "year"], columns="dimension", values="score").reset_index()
    scores = wide.merge(comp, on=["country", "year"], how="left")
    keys = list(zip(scores["country"], scores["year"], strict=True))
    scores["grade"] = [None if pd.isna(s) else part.grade(s) for s in scores["score"]]
    scores["cap"] = ""
    if part.default_cap is not None:
        cap = part.default_cap
        for i, (country, year) in enumerate(keys):
            grade = scores.at[i, "grade"]
            found = _default_cap(facts, cap, country, int(year))
            if found is None or not isinstance(grade, str):
                continue
            limit, why = found
            scores.at[i, "grade"] = part.capped(grade, limit)
            scores.at[i, "cap"] = why + (f" (the score alone gives {grade})" if grade != scores.at[i, "grade"] else "")
    scores["confidence"] = _confidence(dims, part, keys)
    scored = measures[measures["score"].notna()].sort_values(["country", "year", "score", "indicator"])
    scored = scored.assign(driver=[describe(r) for r in scored.to_dict("records")])
    by = scored.groupby(["country", "year"], sort=False)["driver"]
    weak = by.apply(lambda s: "; ".join(s.head(part.drivers))).to_dict()
    strong = by.apply(lambda s: "; ".join(s.iloc[::-1].head(part.drivers))).to_dict()
    missing = (
        measures[measures["status"] == "missing"].groupby(["country", "year"])["indicator"].agg(", ".join).to_dict()
    )
    scores["weaknesses"] = [weak.get(k, "") for k in keys]
    scores["strengths"] = [strong.get(k, "") for k in keys]
    scores["missing"] = [missing.get(k, "") for k in keys]
    scores.insert(1, "name", [facts.names.get(c, c) for c in scores["country"]])
    scores["method_version"] = method.version
    order = ["country", "name", "year", *part.dimensions, "score", "grade", "confidence", "cap"]
    order += ["dimensions_scored", "not_scored"]
    scores = scores[[*order, "weaknesses", "strengths", "missing", "method_version"]]
    scores = scores.sort_values(["year", "score", "country"], ascending=[True, False, True], na_position="last")
    return RiskResult(scores.reset_index(drop=True), measures, dims, method)
