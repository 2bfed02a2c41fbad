"""How much the index's ranking owes to its weights.

Dimension weights are drawn at random (uniformly over all weightings: a flat Dirichlet
distribution over the scored dimensions), the composite and the ranks are recomputed for
each draw, and each draw's ranking is compared with the reference ranking by Spearman's rank
correlation. A median close to 1 means the ranking hardly depends on the weights; a
country's rank range says how far its place could move. Seeded, so a report can be
reproduced exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lazos.analytics.connectivity import IndexResult
from lazos.jsonable import records
from lazos.results import Result


@dataclass
class Sensitivity(Result):
    """How the index's ranks move over random dimension weights."""

    year: int
    draws: int
    seed: int
    dimensions: list[str]
    spearman: pd.Series  # one value per draw
    ranks: pd.DataFrame  # per country: reference rank, median, 5th and 95th percentile, best, worst

    def summary(self) -> dict[str, float | int | str | list[str]]:
        s = self.spearman
        return {
            "year": self.year,
            "draws": self.draws,
            "seed": self.seed,
            "dimensions": self.dimensions,
            "spearman_median": float(s.median()),
            "spearman_p05": float(s.quantile(0.05)),
            "spearman_min": float(s.min()),
            "share_of_draws_above_0_9": float((s > 0.9).mean()),
        }

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "ranks": records(self.ranks)}


def spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman's rank correlation of two score series over their common, non-missing entries."""
    both = pd.concat([a, b], axis=1).dropna()
    if len(both) < 3:
        return float("nan")
    ranks = both.rank()
    return float(np.corrcoef(ranks.iloc[:, 0], ranks.iloc[:, 1])[0, 1])


def composite_with(scores01: pd.DataFrame, weights: pd.Series, min_dimensions: int) -> pd.Series:
    """Weighted mean of each row's available dimension scores (missing ones drop out)."""
    present = scores01.notna()
    w = present.mul(weights, axis=1)
    total = w.sum(axis=1)
    value = (scores01.fillna(0.0) * w).sum(axis=1) / total.where(total > 0)
    return value.where(present.sum(axis=1) >= min_dimensions)


def analyse(result: IndexResult, year: int, draws: int = 1000, seed: int = 0) -> Sensitivity:
    part = result.method.connectivity
    dims = result.dimensions[result.dimensions["year"] == year]
    wide = dims.pivot(index="country", columns="dimension", values="score01")
    used = [d for d in part.dimensions if d in wide and wide[d].notna().any()]
    wide = wide[used]
    reference_weights = pd.Series({d: part.dimensions[d].weight for d in used})
    reference = composite_with(wide, reference_weights, part.min_dimensions)
    reference_rank = reference.rank(ascending=False, method="min")
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(len(used)), size=draws)  # draws x dimensions
    present = wide.notna().to_numpy(dtype=float)
    values = wide.fillna(0.0).to_numpy()
    total = present @ weights.T  # countries x draws
    with np.errstate(invalid="ignore", divide="ignore"):
        drawn = (values * present) @ weights.T / total
    enough = present.sum(axis=1) >= part.min_dimensions
    drawn[~enough, :] = np.nan
    table = pd.DataFrame(drawn, index=wide.index).rank(ascending=False, method="min")
    keep = reference.notna() & enough
    ref_ranks = reference[keep].rank()
    own_ranks = pd.DataFrame(drawn, index=wide.index)[keep].rank()
    correlations = [float(np.corrcoef(ref_ranks, own_ranks[c])[0, 1]) for c in own_ranks.columns]
    table = table.T
    out = pd.DataFrame(
        {
            "reference_rank": reference_rank,
            "median_rank": table.median(),
            "p05_rank": table.quantile(0.05),
            "p95_rank": table.quantile(0.95),
            "best_rank": table.min(),
            "worst_rank": table.max(),
        }
    )
    out = out[out["reference_rank"].notna()].sort_values(["reference_rank", "median_rank"])
    names = dict(zip(result.scores["country"], result.scores["name"], strict=True))
    out.insert(0, "name", [names.get(c, c) for c in out.index])
    out.index.name = "country"
    return Sensitivity(year, draws, seed, used, pd.Series(correlations, name="spearman"), out.reset_index())


@dataclass
class SizeCheck(Result):
    """The index's ranking on size indicators alone, on intensity indicators alone, and on
    both (the method), with Spearman's correlation of each with the method's ranking."""

    year: int
    ranks: pd.DataFrame  # country, name, then composite and rank under each variant
    spearman: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "spearman_with_method": self.spearman, "ranks": records(self.ranks)}


def size_check(result: IndexResult, year: int) -> SizeCheck:
    """Rank the countries with the size indicators left out, then with the intensity ones
    left out (each dimension's other indicators keep their relative weights)."""
    from lazos.analytics.connectivity import reweighed

    method = result.method
    base = result.scores[result.scores["year"] == year][["country", "name", "composite", "rank"]]
    out = base.rename(columns={"composite": "composite_method", "rank": "rank_method"})
    spearmans = {}
    for variant, drop in (("intensity_only", "size"), ("size_only", "intensity")):
        dims = {}
        for dname, dim in method.connectivity.dimensions.items():
            inds = {
                k: (
                    v.model_copy(update={"measure": "not_measured", "weight": 0.0, "reason": f"left out: {drop}"})
                    if v.basis == drop
                    else v
                )
                for k, v in dim.indicators.items()
            }
            dims[dname] = dim.model_copy(update={"indicators": inds})
        variant_method = method.model_copy(
            update={"connectivity": method.connectivity.model_copy(update={"dimensions": dims})}
        )
        other = reweighed(result, variant_method).scores
        other = other[other["year"] == year][["country", "composite", "rank"]]
        other = other.rename(columns={"composite": f"composite_{variant}", "rank": f"rank_{variant}"})
        out = out.merge(other, on="country", how="left")
        a = out.set_index("country")["composite_method"]
        b = out.set_index("country")[f"composite_{variant}"]
        spearmans[variant] = spearman(a, b)
    return SizeCheck(year, out.sort_values("rank_method").reset_index(drop=True), spearmans)
