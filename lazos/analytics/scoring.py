"""From measured indicators to dimension scores and a composite, the same way for every analysis.

* An indicator's score is its raw value on the 0..1 scale of its goalposts (method.py).
* A dimension's score is the weighted mean of its indicators' scores over those measured
  for the country and year; it is published only when the measured indicators hold at least
  ``min_dimension_weight`` of the dimension's weight (its *coverage*), otherwise it is
  missing, never zero.
* The composite is the weighted mean of the scored dimensions, published when at least
  ``min_dimensions`` are scored; a missing dimension's weight goes to the others, and the
  result says which dimensions it rests on.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

import pandas as pd

from lazos.analytics.facts import Facts
from lazos.analytics.measures import CARRIED, MEASURED, NOT_APPLICABLE, Measured, measure
from lazos.analytics.method import Dimension, ExchangeRegime

MEASURE_COLUMNS = [
    "country",
    "year",
    "dimension",
    "indicator",
    "label",
    "measure",
    "status",
    "raw",
    "unit",
    "value_year",
    "score",
    "weight",
    "points",
    "goalposts",
    "transform",
    "direction",
    "note",
    "inputs",
]


def evaluate(
    facts: Facts,
    dimensions: dict[str, Dimension],
    countries: list[str],
    years: list[int],
    regime: ExchangeRegime | None = None,
) -> pd.DataFrame:
    """Every indicator of every dimension, measured and scored, one row per country and year.

    An indicator meant for one exchange-rate regime (``regime: fixed`` or ``floating``) is
    ``not_applicable`` to countries of the other; it then carries no weight, as if the
    dimension did not have it.
    """
    rows: list[dict[str, Any]] = []
    for country in countries:
        for year in years:
            fixed = exchange_regime(facts, regime, country, year) if regime is not None else None
            for dname, dim in dimensions.items():
                found: list[tuple[str, Any, Measured]] = []
                for iname, spec in dim.indicators.items():
                    if spec.regime is not None and fixed is not None and (spec.regime == "fixed") != fixed[0]:
                        m = Measured(None, NOT_APPLICABLE, note=f"for {spec.regime} exchange rates; {fixed[1]}")
                    elif spec.regime is not None and fixed is None:  # one of the pair stands for both
                        m = (
                            Measured(None, "missing", note="the exchange-rate regime is unknown (no official rate)")
                            if spec.regime == "floating"
                            else Measured(None, NOT_APPLICABLE, note="the exchange-rate regime is unknown")
                        )
                    else:
                        m = measure(facts, spec, country, year)
                    found.append((iname, spec, m))
                total = sum(spec.weight for _, spec, m in found if spec.measured and m.status != NOT_APPLICABLE)
                for iname, spec, m in found:
                    score = spec.score(m.raw) if m.raw is not None and m.status in (MEASURED, CARRIED) else None
                    applies = spec.measured and m.status != NOT_APPLICABLE
                    rows.append(
                        {
                            "country": country,
                            "year": year,
                            "dimension": dname,
                            "indicator": iname,
                            "label": spec.label,
                            "measure": spec.measure,
                            "status": m.status,
                            "raw": m.raw,
                            "unit": spec.unit or _unit_of(facts, spec),
                            "value_year": m.value_year,
                            "score": score,
                            "weight": spec.weight / total if applies and total else 0.0,
                            "points": None,
                            "goalposts": list(spec.bounds()) if spec.measured else None,
                            "transform": spec.transform,
                            "direction": spec.direction,
                            "note": _noted(m),
                            "inputs": m.inputs,
                        }
                    )
    out = pd.DataFrame(rows, columns=MEASURE_COLUMNS)
    out["value_year"] = out["value_year"].astype("Int64")
    return out


def _noted(m: Measured) -> str:
    """The measurement's note, saying which inputs are estimates or stand-ins for another series."""
    extra = []
    stand_ins = sorted({f"{i['indicator']} for {i['stands_in_for']}" for i in m.inputs if i.get("stands_in_for")})
    if stand_ins:
        extra.append("read from " + ", ".join(stand_ins) + " (the series asked for has no value)")
    estimates = sorted({f"{i['indicator']} {i['period']}" for i in m.inputs if i.get("estimate")})
    if estimates:
        extra.append("publisher's estimate: " + ", ".join(estimates))
    return "; ".join([m.note, *extra] if m.note else extra)


def exchange_regime(facts: Facts, spec: ExchangeRegime, country: str, year: int) -> tuple[bool, str] | None:
    """(fixed?, why) for the country's currency in the year, from its official dollar rate:
    fixed when it moved less than ``tolerance`` % in each of the ``years`` years to the year
    (the latest year with a rate, up to two years back); None without a rate."""
    for end in range(year, year - 3, -1):
        points = [facts.point(country, spec.indicator, y) for y in range(end - spec.years, end + 1)]
        if all(p is not None and p.value > 0 for p in points):
            moves = [abs(b.value / a.value - 1) * 100 for a, b in pairwise(points)]  # type: ignore[union-attr]
            rates = ", ".join(f"{p.year}: {p.value:g}" for p in points if p is not None)
            if max(moves) < spec.tolerance:
                return True, f"de facto fixed: the official rate moved less than {spec.tolerance:g}% a year ({rates})"
            return False, f"floating: the official rate moved up to {max(moves):.1f}% a year ({rates})"
    return None


def _unit_of(facts: Facts, spec: Any) -> str | None:
    if spec.measure in ("series", "change") and spec.indicator:
        unit = facts.indicator_info.get(spec.indicator, ("", None))[1]
        return "%" if spec.measure == "change" else unit
    if spec.measure == "event_level":
        return "level"
    return None


def dimension_scores(
    measures: pd.DataFrame, dimensions: dict[str, Dimension], min_weight: float, scale: float
) -> pd.DataFrame:
    """Dimension scores (0..scale) per country and year, with coverage; fills ``points`` in place.

    ``points`` is each indicator's share of its dimension's score, on the dimension's scale.
    """
    scored = measures["score"].notna()
    weighted = measures["weight"].where(scored, 0.0)
    measures["_ws"] = weighted * measures["score"].fillna(0.0)
    measures["_w"] = weighted
    keys = ["country", "year", "dimension"]
    grouped = measures.groupby(keys, sort=False)[["_ws", "_w"]].sum().reset_index()
    grouped["coverage"] = grouped["_w"]
    core = {(d, i) for d, dim in dimensions.items() for i in dim.core}
    has_core = {
        (c, y, d)
        for c, y, d, i, sc in zip(
            measures["country"], measures["year"], measures["dimension"], measures["indicator"], scored, strict=True
        )
        if sc and (d, i) in core
    }
    grouped["core_missing"] = [
        bool(dimensions[d].core) and (c, y, d) not in has_core
        for c, y, d in zip(grouped["country"], grouped["year"], grouped["dimension"], strict=True)
    ]
    grouped["score01"] = [
        (ws / w) if w > 0 and w + 1e-9 >= min_weight and not no_core else math.nan
        for ws, w, no_core in zip(grouped["_ws"], grouped["_w"], grouped["core_missing"], strict=True)
    ]
    cover = measures.merge(grouped[[*keys, "coverage", "score01"]], on=keys, how="left")
    measures["points"] = [
        (ws / c * scale) if c > 0 and not math.isnan(s01) and sc else None
        for ws, c, s01, sc in zip(cover["_ws"], cover["coverage"], cover["score01"], scored, strict=True)
    ]
    del measures["_ws"], measures["_w"]
    grouped["score"] = grouped["score01"] * scale
    return grouped[[*keys, "score", "score01", "coverage", "core_missing"]]


def composite(dims: pd.DataFrame, weights: dict[str, float], min_dimensions: int, scale: float) -> pd.DataFrame:
    """Weighted mean of the scored dimensions' 0..1 scores, on 0..scale, per country and year."""
    wide = dims.pivot(index=["country", "year"], columns="dimension", values="score01")
    out = []
    for (country, year), row in wide.iterrows():
        used = [d for d in weights if weights[d] > 0 and d in row and not pd.isna(row[d])]
        dropped = [d for d in weights if weights[d] > 0 and d not in used]
        total = sum(weights[d] for d in used)
        value = None
        if len(used) >= min_dimensions and total > 0:
            value = sum(weights[d] * row[d] for d in used) / total
        out.append(
            {
                "country": country,
                "year": year,
                "composite01": value,
                "dimensions_scored": len(used),
                "not_scored": ", ".join(dropped),
            }
        )
    frame = pd.DataFrame(out)
    frame["composite"] = frame["composite01"] * scale
    return frame.drop(columns=["composite01"])
