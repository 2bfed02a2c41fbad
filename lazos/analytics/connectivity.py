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
    scores["method_version"] = method.version
    order = ["country", "name", "year", *part.dimensions, "composite", "rank", "dimensions_scored", "not_scored"]
    scores = scores[[*order, "method_version"]].sort_values(["year", "rank", "country"], na_position="last")
    return IndexResult(scores.reset_index(drop=True), measures, dims, method)
