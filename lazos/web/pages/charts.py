"""Charts on the pages: Vega-Lite specifications with their data inline, each with the table it
draws (downloadable, with its sources) and a description in words (the chart's alt text).

The specifications are plain dictionaries so the same ones can be drawn offline (briefs) as in
the browser (vega-embed, lazos/web/static/js/lazos.js). Colours come from colour-blind-safe
schemes (viridis for magnitudes, Okabe–Ito for categories).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from lazos.jsonable import records
from lazos.results import Table

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
SEQUENTIAL = "viridis"
FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', sans-serif"


@dataclass(frozen=True)
class Chart:
    """One chart: ``id`` unique on its page, a translated ``title`` and ``description`` (what it
    shows, in words: its alt text), the Vega-Lite ``spec`` (data inline), the ``table`` it draws
    and ``csv_url`` where that table downloads (lazos.web.pages.data)."""

    id: str
    title: str
    description: str
    spec: dict[str, Any]
    table: Table
    csv_url: str
    zip_url: str = ""
    columns: list[tuple[str, str]] = field(default_factory=list)  # (column, heading) for the table view

    @property
    def empty(self) -> bool:
        return self.table.frame.empty


def values(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """A frame's rows as JSON-ready records (dates as ISO text, missing values as null)."""
    if columns is not None:
        frame = frame[[c for c in columns if c in frame.columns]]
    return records(frame)


def base_spec(description: str, data: list[dict[str, Any]], **rest: Any) -> dict[str, Any]:
    """A Vega-Lite spec with Lazos's common settings: responsive width, the description for
    screen readers, fonts that render Chinese, and colour-blind-safe default colours."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": description,
        "width": "container",
        "height": rest.pop("height", 220),
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": data},
        "config": {
            "font": FONT,
            "range": {"category": OKABE_ITO},
            "axis": {"labelFontSize": 11, "titleFontSize": 12},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
            "view": {"stroke": None},
        },
        **rest,
    }
