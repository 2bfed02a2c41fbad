"""The Five Connectivities index: five dimensions scored 0-20, a composite 0-100.

The convention is Peking University's Five Connectivity Index (policy coordination,
facilities connectivity, unimpeded trade, financial integration, people-to-people bonds,
each 0-20, the composite their sum); the indicators, goalposts and weights are Lazos's own,
from method.yaml, computed on Lazos's sourced data. docs/methodology.md explains them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lazos.analytics.facts import Facts
from lazos.analytics.method import Method
from lazos.analytics.scoring import composite, dimension_scores, evaluate


@dataclass
class IndexResult:
    """Scores per country and year (wide), and every indicator behind them (long)."""

    scores: pd.DataFrame
    measures: pd.DataFrame
    dimensions: pd.DataFrame
    method: Method

    @property
    def weights(self) -> dict[str, float]:
        return {n: d.weight for n, d in self.method.connectivity.dimensions.items()}


def compute(facts: Facts, method: Method, years: list[int], countries: list[str] | None = None) -> IndexResult:
    part = method.connectivity
    chosen = countries or facts.countries
    measures = evaluate(facts, part.dimensions, chosen, years)
    dims = dimension_scores(measures, part.dimensions, part.min_dimension_weight, part.dimension_max)
    weights = {n: d.weight for n, d in part.dimensions.items()}
    comp = composite(dims, weights, part.min_dimensions, part.composite_max)
    wide = dims.pivot(index=["country", "year"], columns="dimension", values="score").reset_index()
    scores = wide.merge(comp, on=["country", "year"], how="left")
    scores.insert(1, "name", [facts.names.get(c, c) for c in scores["country"]])
    scores["rank"] = scores.groupby("year")["composite"].rank(ascending=False, method="min").astype("Int64")
    scores["method_version"] = method.version
    order = ["country", "name", "year", *part.dimensions, "composite", "rank", "dimensions_scored", "not_scored"]
    scores = scores[[*order, "method_version"]].sort_values(["year", "rank", "country"], na_position="last")
    return IndexResult(scores.reset_index(drop=True), measures, dims, method)
