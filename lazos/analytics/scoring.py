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
from typing import Any

import pandas as pd

from lazos.analytics.facts import Facts
from lazos.analytics.measures import CARRIED, MEASURED, measure
from lazos.analytics.method import Dimension

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


def evaluate(facts: Facts, dimensions: dict[str, Dimension], countries: list[str], years: list[int]) -> pd.DataFrame:
    """Every indicator of every dimension, measured and scored, one row per country and year."""
    rows: list[dict[str, Any]] = []
    for country in countries:
        for year in years:
            for dname, dim in dimensions.items():
                total = sum(i.weight for i in dim.measured().values())
                for iname, spec in dim.indicators.items():
                    m = measure(facts, spec, country, year)
                    score = spec.score(m.raw) if m.raw is not None and m.status in (MEASURED, CARRIED) else None
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
                            "weight": spec.weight / total if spec.measured and total else 0.0,
                            "points": None,
                            "goalposts": list(spec.bounds()) if spec.measured else None,
                            "transform": spec.transform,
                            "direction": spec.direction,
                            "note": m.note,
                            "inputs": m.inputs,
                        }
                    )
    out = pd.DataFrame(rows, columns=MEASURE_COLUMNS)
    out["value_year"] = out["value_year"].astype("Int64")
    return out


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
    grouped["score01"] = [
        (ws / w) if w > 0 and w + 1e-9 >= min_weight else math.nan
        for ws, w in zip(grouped["_ws"], grouped["_w"], strict=True)
    ]
    cover = measures.merge(grouped[[*keys, "coverage", "score01"]], on=keys, how="left")
    measures["points"] = [
        (ws / c * scale) if c > 0 and not math.isnan(s01) and sc else None
        for ws, c, s01, sc in zip(cover["_ws"], cover["coverage"], cover["score01"], scored, strict=True)
    ]
    del measures["_ws"], measures["_w"]
    grouped["score"] = grouped["score01"] * scale
    return grouped[[*keys, "score", "score01", "coverage"]]


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
