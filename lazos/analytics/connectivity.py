"""The Five Connectivities index: five dimensions scored 0-20, a composite 0-100.

The convention is Peking University's Five Connectivity Index (policy coordination,
facilities connectivity, unimpeded trade, financial integration, people-to-people bonds,
each 0-20, the composite their sum); the indicators, goalposts and weights are Lazos's own,
from method.yaml, computed on Lazos's sourced data. docs/methodology.md explains them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from lazos.analytics.facts import Facts
from lazos.analytics.method import Method
from lazos.analytics.scoring import composite, dimension_scores, evaluate
from lazos.jsonable import plain, records
from lazos.results import Result, SourceRef, cited


@dataclass
class IndexResult(Result):
    """Scores per country and year (wide), and every indicator behind them (long).

    Given weights other than the method's, ``scores`` also holds each country's rank and
    composite under the default weights and its ``rank_change``, and ``spearman_with_default``
    the rank correlation of the two composites.
    """

    scores: pd.DataFrame
    measures: pd.DataFrame
    dimensions: pd.DataFrame
    method: Method
    spearman_with_default: float | None = None
    as_of: date | None = None  # the date the result answers for, and the sources of its inputs
    sources: tuple[SourceRef, ...] = ()
    peers: pd.DataFrame | None = None  # every country's scores, when ``scores`` holds some of them
    name = "connectivity index"

    @property
    def weights(self) -> dict[str, float]:
        return {n: d.weight for n, d in self.method.connectivity.dimensions.items()}

    def to_dict(self, explain: bool = False, dimension: str | None = None) -> dict[str, Any]:
        """Scores (and with ``explain`` every indicator behind them, of one ``dimension`` if
        given, each with its inputs and their sources), the method version and weights."""
        years = sorted({int(y) for y in self.scores["year"]})
        out: dict[str, Any] = {
            "method_version": self.method.version,
            "year": years[0] if len(years) == 1 else None,
            "years": years,
            "weights": self.weights,
        }
        if self.spearman_with_default is not None:
            out["spearman_with_default"] = plain(self.spearman_with_default)
        if explain:
            measures = self.measures if dimension is None else self.measures[self.measures["dimension"] == dimension]
            out["measures"] = records(measures)
            out["explanations"] = [
                {
                    "country": r["country"],
                    "year": int(r["year"]),
                    "lines": explain_rank(self, r["country"], int(r["year"])),
                }
                for r in self.scores.to_dict("records")
            ]
        out["scores"] = records(self.scores)
        out.update(cited(self.name, self.as_of, self.sources))
        return out


def compare(result: IndexResult, reference: IndexResult) -> IndexResult:
    """``result`` (under other weights) with each country's default rank and composite, its
    rank change (positive: it rises) and the Spearman correlation of the two composites."""
    from lazos.analytics.sensitivity import spearman

    ref_keys = list(zip(reference.scores["country"], reference.scores["year"], strict=True))
    ranks = dict(zip(ref_keys, reference.scores["rank"], strict=True))  # (country, year) is unique
    composites = dict(zip(ref_keys, reference.scores["composite"], strict=True))
    keys = list(zip(result.scores["country"], result.scores["year"], strict=True))
    scores = result.scores.assign(
        default_rank=[ranks.get(k) for k in keys],
        default_composite=[composites.get(k) for k in keys],
    )
    scores["rank_change"] = [
        None if pd.isna(a) or pd.isna(b) else int(b) - int(a)
        for a, b in zip(scores["rank"], scores["default_rank"], strict=True)
    ]
    a = result.scores.set_index(["country", "year"])["composite"]
    b = reference.scores.set_index(["country", "year"])["composite"]
    return IndexResult(scores, result.measures, result.dimensions, result.method, spearman(a, b))


def compute(facts: Facts, method: Method, years: list[int], countries: list[str] | None = None) -> IndexResult:
    part = method.connectivity
    chosen = countries or facts.countries
    measures = evaluate(facts, part.dimensions, chosen, years)
    return scored(measures, facts.names, method)


def reweighed(result: IndexResult, method: Method) -> IndexResult:
    """``result`` scored under ``method``, the method it was computed with under other weights
    (lazos.analytics.method.with_weights): what compute() gives under them, without measuring
    again, since weights change no measurement, only each indicator's weight in its
    dimension, the dimension scores and the composite."""
    weight = {}
    for dname, dim in method.connectivity.dimensions.items():
        total = sum(i.weight for i in dim.measured().values())
        for iname, spec in dim.indicators.items():
            weight[(dname, iname)] = spec.weight / total if spec.measured and total else 0.0
    measures = result.measures.copy()
    measures["weight"] = [weight[k] for k in zip(measures["dimension"], measures["indicator"], strict=True)]
    names = dict(zip(result.scores["country"], result.scores["name"], strict=True))
    return scored(measures, names, method)


def scored(measures: pd.DataFrame, names: dict[str, str], method: Method) -> IndexResult:
    """The index from measured indicators (evaluate()'s rows, whose points it fills in)."""
    part = method.connectivity
    dims = dimension_scores(measures, part.dimensions, part.min_dimension_weight, part.dimension_max)
    weights = {n: d.weight for n, d in part.dimensions.items()}
    comp = composite(dims, weights, part.min_dimensions, part.composite_max)
    wide = dims.pivot(index=["country", "year"], columns="dimension", values="score").reset_index()
    scores = wide.merge(comp, on=["country", "year"], how="left")
    scores.insert(1, "name", [names.get(c, c) for c in scores["country"]])
    scores["rank"] = scores.groupby("year")["composite"].rank(ascending=False, method="min").astype("Int64")
    measured = sum(1 for d in part.dimensions.values() if d.measured() and d.weight > 0)
    # A composite on fewer dimensions than the method measures is a mean of fewer things: it is
    # ranked, but marked, with the dimensions it lacks, wherever it is shown.
    scores["comparable"] = [
        None if pd.isna(c) else bool(n >= measured)
        for c, n in zip(scores["composite"], scores["dimensions_scored"], strict=True)
    ]
    scores["method_version"] = method.version
    order = ["country", "name", "year", *part.dimensions, "composite", "rank", "comparable"]
    order += ["dimensions_scored", "not_scored"]
    scores = scores[[*order, "method_version"]].sort_values(["year", "rank", "country"], na_position="last")
    return IndexResult(scores.reset_index(drop=True), measures, dims, method)


def explain_rank(result: IndexResult, country: str, year: int) -> list[str]:
    """Why a country ranks where it does in a year: its place on each dimension among the
    countries scored, and the indicators that cost it most points (weight x (1 - score))."""
    part = result.method.connectivity
    every = result.peers if result.peers is not None else result.scores
    year_scores = every[every["year"] == year]
    row = year_scores[year_scores["country"] == country]
    if row.empty:
        return []
    r = row.iloc[0]
    ranked = year_scores["composite"].notna().sum()
    lines = []
    if pd.isna(r["composite"]):
        lines.append(
            f"No composite in {year}: {r['dimensions_scored']} dimension(s) scored (not scored: {r['not_scored']})."
        )
    else:
        basis = "" if r["comparable"] else f", on {r['dimensions_scored']} dimensions (not scored: {r['not_scored']})"
        lines.append(
            f"Rank {r['rank']} of {ranked} in {year}, composite {r['composite']:.1f} of {part.composite_max:g}{basis}."
        )
    parts = []
    for name in part.dimensions:
        values = year_scores[name].dropna()
        if pd.isna(r[name]):
            parts.append(f"{name} not scored")
            continue
        place = int((values > r[name]).sum()) + 1
        median = float(values.median())
        parts.append(f"{name} {r[name]:.1f} (rank {place} of {len(values)}; median {median:.1f})")
    lines.append("By dimension (0-20): " + "; ".join(parts) + ".")
    m = result.measures[
        (result.measures["country"] == country) & (result.measures["year"] == year) & (result.measures["weight"] > 0)
    ]
    lost = []
    for x in m.to_dict("records"):
        if x["score"] is None or pd.isna(x["score"]):
            continue
        cost = x["weight"] * (1 - x["score"]) * part.dimension_max
        if cost > 0.5:
            lost.append((cost, f"{x['dimension']}.{x['indicator']} (score {x['score']:.2f}: -{cost:.1f} points)"))
    if lost:
        worst = [t for _, t in sorted(lost, reverse=True)[:4]]
        lines.append("Points lost most on: " + "; ".join(worst) + ".")
    return lines
