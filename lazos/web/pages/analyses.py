"""The index and risk pages: /{lang}/index (the Five Connectivities ranking for a year, with the
method's weights or the reader's), /{lang}/index/{country} (one country's score explained: every
indicator, its value, source, weight and what is missing, as ``lazos index --explain`` gives it),
/{lang}/index/sensitivity (how the ranking moves with the weights), /{lang}/risk (the risk grades
of a year with their drivers) and /{lang}/risk/{country} (one country's grade history, drivers,
missing data and confidence).

Everything comes from the Python API (``connectivity_index``, ``index_sensitivity``, ``risk``);
every table and chart downloads from a dataset registered here. The choropleth helpers
(:func:`value_map`, :func:`measure_values`) are shared with the overview.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from typing import Annotated, Any

import pandas as pd
from fastapi import Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator, Field

from lazos.api import Lazos
from lazos.errors import LazosError
from lazos.results import SourceRef, Table, measure_sources
from lazos.web.pages import maps
from lazos.web.pages.charts import Chart, base_spec
from lazos.web.pages.data import data_url, dataset
from lazos.web.pages.i18n import Formatter
from lazos.web.pages.render import N_, db_of, formatter, gettext_for, render
from lazos.web.pages.routing import check_lang, page

CONNECTIVITY = {
    "policy": N_("Policy coordination"),
    "facilities": N_("Facilities connectivity"),
    "trade": N_("Unimpeded trade"),
    "finance": N_("Financial integration"),
    "people": N_("People-to-people bonds"),
}
RISK = {
    "economic_base": N_("Economic base"),
    "debt_solvency": N_("Debt solvency"),
    "social_resilience": N_("Social resilience"),
    "political_risk": N_("Political risk"),
    "relations_with_china": N_("Relations with China"),
}
STATUS = {
    "measured": N_("measured"),
    "carried": N_("latest earlier value"),
    "missing": N_("missing"),
    "not_measured": N_("not measured yet"),
}
WEIGHT_PARAMS = {f"w_{d}": d for d in CONNECTIVITY}
DEFAULT_DRAWS = 1000


def _blank(value: Any) -> Any:
    """A form's empty field is no value."""
    return None if isinstance(value, str) and not value.strip() else value


# Query parameters as the GET forms send them: an empty field is None; a malformed value is a
# 422 page naming the parameter (FastAPI's validation).
YearParam = Annotated[Annotated[int, Field(ge=1000, le=9999)] | None, BeforeValidator(_blank), Query()]
WeightParam = Annotated[
    Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None, BeforeValidator(_blank), Query()
]


def given_weights(
    w_policy: WeightParam = None,
    w_facilities: WeightParam = None,
    w_trade: WeightParam = None,
    w_finance: WeightParam = None,
    w_people: WeightParam = None,
) -> dict[str, float | None]:
    """The weights a reader gave in the form (w_<dimension>), by dimension; None where not given."""
    return {"policy": w_policy, "facilities": w_facilities, "trade": w_trade, "finance": w_finance, "people": w_people}


GivenWeights = Annotated[dict[str, float | None], Depends(given_weights)]
CountryPath = Annotated[str, Path(max_length=100)]
DrawsParam = Annotated[Annotated[int, Field(ge=10, le=5000)] | None, BeforeValidator(_blank), Query()]


# ---------------------------------------------------------------------------- shared helpers


def celac_states(db: Lazos) -> pd.DataFrame:
    """The 33 CELAC states (iso3, name_en...)."""
    frame = db.countries().frame
    return frame[frame["celac"].fillna(False).astype(bool) & (frame["kind"] == "state")]


def resolve_state(db: Lazos, country: str) -> str:
    """The ISO3 code ``country`` names (the API's error when it names none, suggesting the
    closest; when nothing is close, the nearest CELAC states are still offered)."""
    try:
        return db.resolve_country(country)
    except LazosError as exc:
        if "did you mean" in str(exc):
            raise
        states = celac_states(db)
        by_name = {n.casefold(): iso for n, iso in zip(states["name_en"], states["iso3"], strict=True)}
        known = {**{iso.casefold(): iso for iso in states["iso3"]}, **by_name}
        close = difflib.get_close_matches(country.casefold(), list(known), n=6, cutoff=0)
        near = list(dict.fromkeys(known[c] for c in close))[:3]
        offered = ", ".join(repr(v) for v in near)
        raise LazosError(
            f"unknown country {country!r}: nothing is close to it (did you mean one of the nearest, {offered}?)"
        ) from exc


def method_weights(db: Lazos) -> dict[str, float]:
    """The method's dimension weights (policy: 1, ...)."""
    return dict(db.connectivity_index().weights)


def chosen_weights(db: Lazos, given: dict[str, float | None]) -> dict[str, float] | None:
    """The weights a form gives (w_policy=2...), the method's for those left empty; None when
    they are the method's own."""
    base = method_weights(db)
    weights = {d: (base[d] if given.get(d) is None else float(given[d])) for d in base}  # type: ignore[arg-type]
    if weights == base:
        return None
    if not any(w > 0 for w in weights.values()):
        raise LazosError("invalid weights: at least one dimension needs a weight above 0")
    return weights


def weight_params(weights: dict[str, float] | None) -> dict[str, str]:
    """Weights as the query parameters that carry them (w_policy=2)."""
    if not weights:
        return {}
    return {f"w_{d}": f"{w:g}" for d, w in weights.items()}


def weights_from_params(db: Lazos, params: dict[str, str]) -> dict[str, float] | None:
    given: dict[str, float | None] = {}
    for key, dim in WEIGHT_PARAMS.items():
        text = (params.get(key) or "").strip()
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            raise LazosError(f"invalid weight {text!r} for {dim}: give a number of at least 0") from None
        if not math.isfinite(value) or value < 0:
            raise LazosError(f"invalid weight {text!r} for {dim}: give a number of at least 0")
        given[dim] = value
    return chosen_weights(db, given)


def year_of(db: Lazos, params: dict[str, str]) -> int:
    """The year a download asks for (``year``), else the latest the analyses score."""
    text = (params.get("year") or "").strip()
    if not text:
        return db.latest_analysis_year()
    try:
        return int(text)
    except ValueError:
        raise LazosError(f"invalid year {text!r}: give a year such as 2024") from None


def analysis_years(db: Lazos) -> list[int]:
    """The years the index and the risk rating score, newest first."""
    return sorted({int(y) for y in db.connectivity_index().scores["year"]}, reverse=True)


def scores_frame(result: Any) -> pd.DataFrame:
    """An analysis's scores, each row with the ids of the sources behind it (as the REST API's
    CSV gives them)."""
    measures = result.measures
    behind: dict[tuple[Any, Any], dict[str, None]] = {}
    keys = zip(measures["country"], measures["year"], strict=True)
    for key, ids in zip(keys, measure_sources(measures), strict=True):
        behind.setdefault(key, {}).update(dict.fromkeys(ids))
    rows = zip(result.scores["country"], result.scores["year"], strict=True)
    return result.scores.assign(sources=[list(behind.get(k, {})) for k in rows]).reset_index(drop=True)


def measures_frame(measures: pd.DataFrame) -> pd.DataFrame:
    """An analysis's indicators without their nested inputs, each with its sources' ids."""
    return measures.drop(columns=["inputs"], errors="ignore").assign(sources=measure_sources(measures))


def sources_of(db: Lazos, frame: pd.DataFrame) -> tuple[SourceRef, ...]:
    ids = [s for items in frame.get("sources", []) for s in (items if isinstance(items, list) else [])]
    return db.source_refs(ids)


def format_raw(fmt: Formatter, _: Callable[[str], str], raw: Any, unit: Any) -> str:
    """An indicator's value with its unit, as the page's language writes it."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)) or raw is pd.NA:
        return fmt.missing
    unit = unit if isinstance(unit, str) else ""
    if unit == "USD":
        return fmt.money(raw, "USD")
    if unit in ("percent", "%"):
        return fmt.percent(float(raw) / 100, 1)
    if unit == "% of GDP":
        return _("%(value)s of GDP") % {"value": fmt.percent(float(raw) / 100, 1)}
    if unit in ("level", ""):
        return fmt.number(raw, 2)
    if float(raw).is_integer():  # counts: projects, events, sectors
        return f"{fmt.integer(raw)} {unit}"
    return f"{fmt.number(raw, 2)} {unit}"


def input_sources(inputs: Any) -> list[SourceRef]:
    """The sources an indicator's inputs cite (label and address), each once."""
    out: dict[str, SourceRef] = {}  # by label: vintages of one source are named once
    for item in inputs or []:
        if isinstance(item, dict) and item.get("source_id"):
            label = item.get("source") or item["source_id"]
            out.setdefault(label, SourceRef(item["source_id"], item.get("source"), item.get("source_url")))
    return list(out.values())


def grade_scale(db: Lazos, _: Callable[[str], str], fmt: Formatter) -> maps.Scale:
    """The risk grades, best first, each labelled with the lowest score it takes."""
    grades = db.risk(year=db.latest_analysis_year()).method.risk.grades
    labels = [
        _("%(grade)s (score %(min)s or more)") % {"grade": g.grade, "min": fmt.number(g.min, 2)}
        if g.min > 0
        else _("%(grade)s (score below %(next)s)") % {"grade": g.grade, "next": fmt.number(grades[i - 1].min, 2)}
        for i, g in enumerate(grades)
    ]
    return maps.ordinal([g.grade for g in grades], labels)


def range_label(fmt_value: Callable[[Any], str], _: Callable[[str], str]) -> Callable[[float, float], str]:
    def label(low: float, high: float) -> str:
        if low == high or math.isinf(high):
            return fmt_value(low)
        return _("%(low)s to %(high)s") % {"low": fmt_value(low), "high": fmt_value(high)}

    return label


def value_map(
    frame: pd.DataFrame,
    *,
    kind: str,
    lang: str,
    fmt: Formatter,
    _: Callable[[str], str],
    db: Lazos,
    title: str,
    what: str,
    map_id: str = "map",
    href: Callable[[str], str] | None = None,
) -> maps.MapFigure:
    """A choropleth of ``frame`` (columns ``country`` and ``value``; for grades ``grade`` and
    ``value`` the score). ``kind``: "score" (index, 1 decimal), "money" (US$) or "grade".
    ``what`` names the measure in the map's description ("the composite index in 2025")."""
    if kind == "grade":
        values = {c: g for c, g in zip(frame["country"], frame["grade"], strict=True) if isinstance(g, str)}
        scores = dict(zip(frame["country"], frame["value"], strict=True))

        def text(grade: Any) -> str:
            return grade

        scale = grade_scale(db, _, fmt)
        ordered = sorted(values, key=lambda c: -float(scores.get(c) or 0))
    else:
        values = {c: v for c, v in zip(frame["country"], frame["value"], strict=True) if not pd.isna(v)}

        def text(value: Any) -> str:
            return fmt.money(value, "USD") if kind == "money" else fmt.number(value, 1)

        scale = maps.sequential(values.values(), range_label(text, _))
        ordered = sorted(values, key=lambda c: -float(values[c]))
    n = len(values)
    if ordered:
        best, worst = ordered[0], ordered[-1]
        description = _(
            "Map of the 33 CELAC states coloured by %(what)s. Highest: %(best)s (%(best_value)s); lowest: "
            "%(worst)s (%(worst_value)s). %(n)s of 33 states have data. The smallest Caribbean states are "
            "marked with circles, and an enlarged map of the Caribbean is beside the main map."
        ) % {
            "what": what,
            "best": fmt.country(best),
            "best_value": text(values[best]),
            "worst": fmt.country(worst),
            "worst_value": text(values[worst]),
            "n": n,
        }
    else:
        description = _("Map of the 33 CELAC states: no state has data for %(what)s.") % {"what": what}
    return maps.choropleth(
        values,
        scale,
        lang=lang,
        names=fmt.country_names,
        text=text,
        no_data=_("no data"),
        title=title,
        description=description,
        inset_label=_("Caribbean and Central America (enlarged)"),
        map_id=map_id,
        href=href,
    )


def coverage_text(_: Callable[[str], str], figure: maps.MapFigure) -> str:
    return _("%(n)s of %(total)s states have data.") % {"n": figure.with_value, "total": figure.total}


# ---------------------------------------------------------------------------- datasets


@dataset("index-ranking")
def ranking_table(db: Lazos, params: dict[str, str]) -> Table:
    """The index's scores and ranks for a year (``year``), with the method's weights or those
    given (``w_policy``...), then with each country's default rank and its rank change."""
    year = year_of(db, params)
    weights = weights_from_params(db, params)
    result = db.connectivity_index(year=year, weights=weights)
    frame = scores_frame(result)
    note = (
        "composite 0-100 and dimensions 0-20; a composite needs three scored dimensions; rank among the "
        "countries scored that year."
    )
    if weights:
        note += f" Weights {weight_params(weights)}; Spearman correlation with the method's ranking: "
        note += f"{result.spearman_with_default:.3f}."
    return Table(f"Five Connectivities index {year}", frame, result.as_of, result.sources, note)


@dataset("index-weights")
def weights_table(db: Lazos, params: dict[str, str]) -> Table:
    """The index's dimension weights: the method's, and those given (``w_policy``...)."""
    base = method_weights(db)
    used = weights_from_params(db, params) or base
    frame = pd.DataFrame(
        {"dimension": list(base), "method_weight": list(base.values()), "weight": [used[d] for d in base]}
    )
    method = db.connectivity_index().method
    return Table(f"Five Connectivities index weights (method {method.version})", frame)


@dataset("index-explain")
def explain_table(db: Lazos, params: dict[str, str]) -> Table:
    """Every indicator behind one country's index in a year: value, score, weight, points, status."""
    if not params.get("country"):
        raise LazosError("the download needs a country, e.g. ?country=ARG")
    year = year_of(db, params)
    iso = db.resolve_country(params["country"])
    result = db.connectivity_index(year=year, country=iso)
    frame = measures_frame(result.measures)
    return Table(
        f"Five Connectivities index {year} of {iso}: its indicators",
        frame,
        result.as_of,
        sources_of(db, frame),
        "score: the indicator's score 0-1; weight: its share of its dimension; points: its part of the "
        "dimension's score (0-20); status: measured, carried (the latest earlier value), missing or not_measured.",
    )


def _sensitivity(db: Lazos, year: int, draws: int, weights: dict[str, float] | None) -> Any:
    key = (year, draws, tuple(sorted((weights or {}).items())))
    return db.cached(
        "pages.index.sensitivity", key, lambda: db.index_sensitivity(year=year, draws=draws, weights=weights)
    )


@dataset("index-sensitivity")
def sensitivity_table(db: Lazos, params: dict[str, str]) -> Table:
    """Each country's rank under the reference weights and its range over random weights."""
    year = year_of(db, params)
    draws = int(params.get("draws") or DEFAULT_DRAWS)
    if not 10 <= draws <= 5000:
        raise LazosError(f"invalid draws {draws}: give a number from 10 to 5000")
    weights = weights_from_params(db, params)
    result = _sensitivity(db, year, draws, weights)
    summary = result.summary()
    return Table(
        f"Sensitivity of the Five Connectivities ranking to its weights, {year}",
        result.ranks,
        None,
        db.connectivity_index(year=year).sources,
        f"{draws} random weightings (flat Dirichlet, seed {result.seed}); Spearman correlation with the "
        f"reference ranking: median {summary['spearman_median']:.3f}, 5th percentile {summary['spearman_p05']:.3f}, "
        f"lowest {summary['spearman_min']:.3f}.",
    )


@dataset("risk-grades")
def risk_grades_table(db: Lazos, params: dict[str, str]) -> Table:
    """Every country's risk score, grade, dimensions and drivers in a year."""
    year = year_of(db, params)
    result = db.risk(year=year)
    return Table(
        f"Risk rating {year}",
        scores_frame(result),
        result.as_of,
        result.sources,
        "score 0-1 (higher is lower risk); grades AAA to CCC; weaknesses and strengths: the indicators that "
        "score lowest and highest; missing: indicators with no value.",
    )


@dataset("risk-explain")
def risk_explain_table(db: Lazos, params: dict[str, str]) -> Table:
    """Every indicator behind one country's risk grade in a year."""
    if not params.get("country"):
        raise LazosError("the download needs a country, e.g. ?country=ARG")
    year = year_of(db, params)
    iso = db.resolve_country(params["country"])
    result = db.risk(iso, year=year)
    frame = measures_frame(result.measures)
    return Table(
        f"Risk rating {year} of {iso}: its indicators",
        frame,
        result.as_of,
        sources_of(db, frame),
        "score: the indicator's score 0-1 (higher is lower risk); weight: its share of its dimension; status: "
        "measured, carried (the latest earlier value), missing or not_measured.",
    )


@dataset("risk-history")
def risk_history_table(db: Lazos, params: dict[str, str]) -> Table:
    """One country's risk score and grade in every year."""
    if not params.get("country"):
        raise LazosError("the download needs a country, e.g. ?country=ARG")
    iso = db.resolve_country(params["country"])
    result = db.risk(iso)
    columns = ["country", "year", "score", "grade", "dimensions_scored", "not_scored", *RISK, "missing"]
    frame = result.scores[[c for c in columns if c in result.scores.columns]].reset_index(drop=True)
    return Table(f"Risk rating of {iso}, every year", frame, result.as_of, result.sources)


# ---------------------------------------------------------------------------- charts


def _dimension_chart(db: Lazos, iso: str, year: int, lang: str, fmt: Formatter, _: Any) -> Chart:
    """The country's five dimension scores in a year against the median of the countries scored."""
    result = db.connectivity_index(year=year)
    dims = result.dimensions[result.dimensions["year"] == year]
    median = dims.groupby("dimension", sort=False)["score"].median()
    mine = dims[dims["country"] == iso].set_index("dimension")["score"]
    name, med = fmt.country(iso), _("LAC median")
    rows, parts = [], []
    for dim in CONNECTIVITY:
        label = _(CONNECTIVITY[dim])
        score = mine.get(dim)
        m = median.get(dim)
        score = None if score is None or pd.isna(score) else float(score)
        m = None if m is None or pd.isna(m) else float(m)
        rows.append({"dimension": label, "series": name, "score": score})
        rows.append({"dimension": label, "series": med, "score": m})
        parts.append(
            _("%(dimension)s %(score)s (median %(median)s)")
            % {"dimension": label, "score": fmt.number(score, 1), "median": fmt.number(m, 1)}
        )
    description = _("%(country)s's five dimension scores (0 to 20) in %(year)s against the LAC median: %(parts)s.") % {
        "country": name,
        "year": year,
        "parts": "; ".join(parts),
    }
    spec = base_spec(
        description,
        rows,
        height=200,
        mark={"type": "bar"},
        encoding={
            "y": {
                "field": "dimension",
                "type": "nominal",
                "title": None,
                "sort": [_(v) for v in CONNECTIVITY.values()],
            },
            "yOffset": {"field": "series", "sort": [name, med]},
            "x": {"field": "score", "type": "quantitative", "title": _("Score (0–20)"), "scale": {"domain": [0, 20]}},
            "color": {"field": "series", "type": "nominal", "title": None, "sort": [name, med]},
            "tooltip": [
                {"field": "dimension", "type": "nominal", "title": _("Dimension")},
                {"field": "series", "type": "nominal", "title": _("Series")},
                {"field": "score", "type": "quantitative", "title": _("Score"), "format": ".1f"},
            ],
        },
    )
    query = {"year": year}
    table = Table(
        f"Five Connectivities dimension scores {year}",
        dims.merge(median.rename("lac_median"), left_on="dimension", right_index=True)[
            lambda f: f["country"] == iso
        ].reset_index(drop=True),
        result.as_of,
        db.connectivity_index(year=year, country=iso).sources,
    )
    shown = table.with_frame(
        table.frame.assign(
            dimension_text=[_(CONNECTIVITY.get(d, d)) for d in table.frame["dimension"]],
            score_text=[fmt.number(v, 1) for v in table.frame["score"]],
            median_text=[fmt.number(v, 1) for v in table.frame["lac_median"]],
        ),
        table.sources,
    )
    return Chart(
        id="dimensions",
        title=_("%(country)s's dimensions in %(year)s against the LAC median") % {"country": name, "year": year},
        description=description,
        spec=spec,
        table=shown,
        csv_url=data_url(lang, "index-ranking", query),
        zip_url=data_url(lang, "index-ranking", query, "zip"),
        columns=[("dimension_text", _("Dimension")), ("score_text", name), ("median_text", med)],
    )


def _sensitivity_chart(table: Table, lang: str, fmt: Formatter, _: Any, query: dict) -> Chart:
    rows = []
    for r in table.rows:
        rows.append(
            {
                "country": fmt.country(r["country"]),
                "reference": r["reference_rank"],
                "median": r["median_rank"],
                "p05": r["p05_rank"],
                "p95": r["p95_rank"],
            }
        )
    order = [row["country"] for row in rows]
    widest = max(table.rows, key=lambda r: (r["p95_rank"] or 0) - (r["p05_rank"] or 0), default=None)
    description = (
        _(
            "Each country's rank under the method's weights (dot) and the range of ranks it takes in 90%% of random "
            "weightings (bar), best ranked first."
        )
        % {}
    )
    if widest:
        description += " " + _("The widest range: %(country)s, from %(best)s to %(worst)s.") % {
            "country": fmt.country(widest["country"]),
            "best": fmt.integer(widest["p05_rank"]),
            "worst": fmt.integer(widest["p95_rank"]),
        }
    tooltip = [
        {"field": "country", "type": "nominal", "title": _("Country")},
        {"field": "reference", "type": "quantitative", "title": _("Rank")},
        {"field": "p05", "type": "quantitative", "title": _("Best rank (5th percentile)")},
        {"field": "p95", "type": "quantitative", "title": _("Worst rank (95th percentile)")},
    ]
    y = {"field": "country", "type": "nominal", "title": None, "sort": order}
    spec = base_spec(
        description,
        rows,
        height=max(200, 14 * len(rows)),
        layer=[
            {
                "mark": {"type": "rule", "strokeWidth": 4, "opacity": 0.6},
                "encoding": {
                    "y": y,
                    "x": {"field": "p05", "type": "quantitative", "title": _("Rank"), "scale": {"reverse": True}},
                    "x2": {"field": "p95"},
                    "tooltip": tooltip,
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 50, "color": "#D55E00"},
                "encoding": {"y": y, "x": {"field": "reference", "type": "quantitative"}, "tooltip": tooltip},
            },
        ],
    )
    shown = table.with_frame(
        table.frame.assign(
            country_text=[fmt.country(c) for c in table.frame["country"]],
            reference_text=[fmt.integer(v) for v in table.frame["reference_rank"]],
            range_text=[
                _("%(low)s to %(high)s") % {"low": fmt.integer(a), "high": fmt.integer(b)}
                for a, b in zip(table.frame["p05_rank"], table.frame["p95_rank"], strict=True)
            ],
        ),
        table.sources,
    )
    return Chart(
        id="sensitivity",
        title=_("How far each country's rank moves with the weights"),
        description=description,
        spec=spec,
        table=shown,
        csv_url=data_url(lang, "index-sensitivity", query),
        zip_url=data_url(lang, "index-sensitivity", query, "zip"),
        columns=[
            ("country_text", _("Country")),
            ("reference_text", _("Rank")),
            ("range_text", _("Ranks in 90% of weightings")),
        ],
    )


def _risk_history_chart(table: Table, iso: str, lang: str, fmt: Formatter, _: Any) -> Chart:
    frame = table.frame
    name = fmt.country(iso)
    rows = [{"year": r["year"], "score": r["score"], "grade": r["grade"]} for r in table.rows]
    scored = frame[frame["score"].notna()]
    if scored.empty:
        description = _("No risk score for %(country)s in any year.") % {"country": name}
    else:
        first, last = scored.iloc[0], scored.iloc[-1]
        description = _(
            "%(country)s's risk score (0 to 1, higher is lower risk) from %(first)s to %(last)s: %(start)s "
            "(%(start_grade)s) in %(first)s, %(end)s (%(end_grade)s) in %(last)s."
        ) % {
            "country": name,
            "first": int(first["year"]),
            "last": int(last["year"]),
            "start": fmt.number(first["score"], 2),
            "start_grade": first["grade"],
            "end": fmt.number(last["score"], 2),
            "end_grade": last["grade"],
        }
    tooltip = [
        {"field": "year", "type": "quantitative", "title": _("Year")},
        {"field": "score", "type": "quantitative", "title": _("Score"), "format": ".2f"},
        {"field": "grade", "type": "nominal", "title": _("Grade")},
    ]
    spec = base_spec(
        description,
        rows,
        layer=[
            {
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": {
                        "field": "year",
                        "type": "quantitative",
                        "title": None,
                        "scale": {"nice": False},
                        "axis": {"format": "d", "tickMinStep": 1, "labelOverlap": True},
                    },
                    "y": {
                        "field": "score",
                        "type": "quantitative",
                        "title": _("Score (0–1)"),
                        "scale": {"zero": False},
                    },
                    "tooltip": tooltip,
                },
            },
            {
                "mark": {"type": "text", "dy": -10, "fontSize": 10},
                "encoding": {
                    "x": {"field": "year", "type": "quantitative"},
                    "y": {"field": "score", "type": "quantitative"},
                    "text": {"field": "grade"},
                },
            },
        ],
    )
    shown = table.with_frame(table.frame.assign(score_text=[fmt.number(v, 3) for v in frame["score"]]), table.sources)
    query = {"country": iso}
    return Chart(
        id="risk-history",
        title=_("Risk grade of %(country)s over the years") % {"country": name},
        description=description,
        spec=spec,
        table=shown,
        csv_url=data_url(lang, "risk-history", query),
        zip_url=data_url(lang, "risk-history", query, "zip"),
        columns=[("year", _("Year")), ("score_text", _("Score")), ("grade", _("Grade"))],
    )


# ---------------------------------------------------------------------------- indicator tables


def indicator_groups(
    measures: pd.DataFrame, dimensions: pd.DataFrame, labels: dict[str, str], fmt: Formatter, _: Any, scale: float
) -> list[dict[str, Any]]:
    """Each dimension with its score and coverage and its indicators as the page prints them."""
    groups = []
    dims = dimensions.set_index("dimension")
    for dim, label in labels.items():
        rows = measures[measures["dimension"] == dim]
        if rows.empty:
            continue
        score = dims["score"].get(dim) if dim in dims.index else None
        coverage = dims["coverage"].get(dim) if dim in dims.index else None
        items = []
        for r in rows.to_dict("records"):
            status = r["status"]
            items.append(
                {
                    "indicator": r["indicator"],
                    "label": r["label"],
                    "value": format_raw(fmt, _, r["raw"], r["unit"]),
                    "value_year": None if pd.isna(r["value_year"]) else int(r["value_year"]),
                    "score": fmt.number(r["score"], 2),
                    "weight": fmt.percent(r["weight"], 0) if status not in ("not_measured",) else fmt.missing,
                    "points": fmt.number(r["points"], 2),
                    "status": status,
                    "status_text": _(STATUS.get(status, status)),
                    "note": r.get("note") or "",
                    "sources": input_sources(r.get("inputs")),
                    "missing": status in ("missing", "not_measured"),
                }
            )
        groups.append(
            {
                "dimension": dim,
                "label": _(label),
                "score": None if score is None or pd.isna(score) else float(score),
                "score_text": fmt.number(score, 2 if scale <= 1 else 1),
                "coverage": fmt.percent(coverage, 0) if coverage is not None and not pd.isna(coverage) else fmt.missing,
                "items": items,
            }
        )
    return groups


def confidence(measures: pd.DataFrame) -> dict[str, int]:
    """How many of the indicators behind a score were measured that year, carried from an
    earlier year, missing, or not measured at all."""
    counts = measures["status"].value_counts().to_dict()
    return {k: int(counts.get(k, 0)) for k in STATUS}


# ---------------------------------------------------------------------------- pages


@page("/index")
def index_page(
    request: Request,
    lang: str,
    given: GivenWeights,
    year: YearParam = None,
) -> Response:
    """The ranking for a year with each dimension, how many were scored, and the weights used."""
    check_lang(lang)
    db, _, fmt = db_of(request), gettext_for(lang), formatter(request, lang)
    year = year or db.latest_analysis_year()
    weights = chosen_weights(db, given)
    result = db.connectivity_index(year=year, weights=weights)
    scores = result.scores.sort_values(["rank", "country"], na_position="last")
    scores = scores.assign(
        not_scored_text=[
            ", ".join(_(CONNECTIVITY.get(d.strip(), d.strip())) for d in str(v).split(",") if d.strip())
            if isinstance(v, str)
            else ""
            for v in scores["not_scored"]
        ]
    )
    query = {"year": year, **weight_params(weights)}
    frame = pd.DataFrame({"country": scores["country"], "value": scores["composite"]})
    figure = value_map(
        frame,
        kind="score",
        lang=lang,
        fmt=fmt,
        _=_,
        db=db,
        title=_("Five Connectivities index (composite, 0–100), %(year)s") % {"year": year},
        what=_("the Five Connectivities composite in %(year)s") % {"year": year},
        map_id="index-map",
        href=lambda iso: f"/{lang}/index/{iso}?year={year}",
    )
    base = method_weights(db)
    weight_rows = [
        {"dimension": d, "label": _(CONNECTIVITY[d]), "method": base[d], "used": (weights or base)[d]} for d in base
    ]
    return render(
        request,
        lang,
        "index.html",
        title=_("Five Connectivities index, %(year)s") % {"year": year},
        year=year,
        years=analysis_years(db),
        rows=scores.to_dict("records"),
        dimensions=[(d, _(CONNECTIVITY[d])) for d in CONNECTIVITY],
        weights=weights,
        weight_rows=weight_rows,
        weights_csv=data_url(lang, "index-weights", weight_params(weights)),
        spearman=result.spearman_with_default,
        method_version=result.method.version,
        figure=figure,
        coverage=coverage_text(_, figure),
        csv_url=data_url(lang, "index-ranking", query),
        zip_url=data_url(lang, "index-ranking", query, "zip"),
        sources=result.sources,
    )


@page("/index/sensitivity")
def sensitivity_page(
    request: Request,
    lang: str,
    given: GivenWeights,
    year: YearParam = None,
    draws: DrawsParam = None,
) -> Response:
    """How the ranking moves over random weights, and with the weights the reader gives."""
    check_lang(lang)
    db, _, fmt = db_of(request), gettext_for(lang), formatter(request, lang)
    year = year or db.latest_analysis_year()
    draws = draws or DEFAULT_DRAWS
    weights = chosen_weights(db, given)
    query = {"year": year, "draws": draws}
    result = _sensitivity(db, year, draws, None)
    table = sensitivity_table(db, {k: str(v) for k, v in query.items()})
    chart = _sensitivity_chart(table, lang, fmt, _, query)
    reweighted = None
    if weights:
        compared = db.connectivity_index(year=year, weights=weights)
        reweighted = {
            "rows": compared.scores.sort_values(["rank", "country"], na_position="last").to_dict("records"),
            "spearman": compared.spearman_with_default,
            "csv_url": data_url(lang, "index-ranking", {"year": year, **weight_params(weights)}),
            "zip_url": data_url(lang, "index-ranking", {"year": year, **weight_params(weights)}, "zip"),
        }
    base = method_weights(db)
    return render(
        request,
        lang,
        "sensitivity.html",
        title=_("Sensitivity of the index to its weights, %(year)s") % {"year": year},
        year=year,
        years=analysis_years(db),
        draws=draws,
        summary=result.summary(),
        chart=chart,
        reweighted=reweighted,
        weights=weights or base,
        base_weights=base,
        dimensions=[(d, _(CONNECTIVITY[d])) for d in CONNECTIVITY],
    )


@page("/index/{country}")
def explain_page(request: Request, lang: str, country: CountryPath, year: YearParam = None) -> Response:
    """One country's index in a year explained: every indicator, value, source, weight, what is missing."""
    check_lang(lang)
    db, _, fmt = db_of(request), gettext_for(lang), formatter(request, lang)
    iso = resolve_state(db, country)
    year = year or db.latest_analysis_year()
    result = db.connectivity_index(year=year, country=iso)
    explained = result.to_dict(explain=True)
    score = explained["scores"][0] if explained["scores"] else {}
    measures = result.measures
    dims = db.connectivity_index(year=year).dimensions
    dims = dims[(dims["country"] == iso) & (dims["year"] == year)]
    groups = indicator_groups(measures, dims, CONNECTIVITY, fmt, _, 20)
    ranked = db.connectivity_index(year=year).scores
    query = {"country": iso, "year": year}
    return render(
        request,
        lang,
        "index_country.html",
        title=_("%(country)s: Five Connectivities index %(year)s explained")
        % {"country": fmt.country(iso), "year": year},
        iso=iso,
        year=year,
        years=analysis_years(db),
        score=score,
        scored_countries=int(ranked["composite"].notna().sum()),
        weights=[(d, _(CONNECTIVITY[d]), w) for d, w in explained["weights"].items()],
        groups=groups,
        missing=[i | {"dimension_label": g["label"]} for g in groups for i in g["items"] if i["missing"]],
        counts=confidence(measures),
        chart=_dimension_chart(db, iso, year, lang, fmt, _),
        method_version=explained["method_version"],
        sources=result.sources,
        csv_url=data_url(lang, "index-explain", query),
        zip_url=data_url(lang, "index-explain", query, "zip"),
    )


@page("/risk")
def risk_page(request: Request, lang: str, year: YearParam = None) -> Response:
    """The risk grades of a year, with each country's drivers and missing data."""
    check_lang(lang)
    db, _, fmt = db_of(request), gettext_for(lang), formatter(request, lang)
    year = year or db.latest_analysis_year()
    result = db.risk(year=year)
    scores = result.scores.sort_values(["score", "country"], ascending=[False, True], na_position="last")
    frame = pd.DataFrame({"country": scores["country"], "value": scores["score"], "grade": scores["grade"]})
    figure = value_map(
        frame,
        kind="grade",
        lang=lang,
        fmt=fmt,
        _=_,
        db=db,
        title=_("Investment-risk grade, %(year)s") % {"year": year},
        what=_("the investment-risk grade in %(year)s") % {"year": year},
        map_id="risk-map",
        href=lambda iso: f"/{lang}/risk/{iso}?year={year}",
    )
    grades = result.method.risk.grades
    drivers = result.method.risk.drivers
    measures = result.measures
    scored = measures[measures["score"].notna()].sort_values(["country", "score", "indicator"])
    weak = scored.groupby("country")["label"].apply(lambda s: "; ".join(s.head(drivers))).to_dict()
    strong = scored.groupby("country")["label"].apply(lambda s: "; ".join(s.iloc[::-1].head(drivers))).to_dict()
    lacking = measures[measures["status"] == "missing"].groupby("country")["label"].agg("; ".join).to_dict()
    scores = scores.assign(
        weak_text=[weak.get(c, "") for c in scores["country"]],
        strong_text=[strong.get(c, "") for c in scores["country"]],
        missing_text=[lacking.get(c, "") for c in scores["country"]],
    )
    query = {"year": year}
    return render(
        request,
        lang,
        "risk.html",
        title=_("Investment-risk grades, %(year)s") % {"year": year},
        year=year,
        years=analysis_years(db),
        rows=scores.to_dict("records"),
        dimensions=[(d, _(RISK[d])) for d in RISK],
        grades=grades,
        weights=[(_(RISK.get(n, n)), d.weight) for n, d in result.method.risk.dimensions.items()],
        figure=figure,
        coverage=coverage_text(_, figure),
        method_version=result.method.version,
        sources=result.sources,
        csv_url=data_url(lang, "risk-grades", query),
        zip_url=data_url(lang, "risk-grades", query, "zip"),
    )


@page("/risk/{country}")
def risk_country_page(request: Request, lang: str, country: CountryPath, year: YearParam = None) -> Response:
    """One country's risk grade: its history, drivers, missing data and how much of it was measured."""
    check_lang(lang)
    db, _, fmt = db_of(request), gettext_for(lang), formatter(request, lang)
    iso = resolve_state(db, country)
    year = year or db.latest_analysis_year()
    result = db.risk(iso, year=year)
    score = result.scores.iloc[0].to_dict() if not result.scores.empty else {}
    measures = result.measures
    groups = indicator_groups(measures, result.dimensions, RISK, fmt, _, 1)
    drivers = result.method.risk.drivers
    scored = measures[measures["score"].notna()].sort_values(["score", "indicator"])

    def driver(r: dict) -> dict:
        return {
            "label": r["label"],
            "dimension": _(RISK.get(r["dimension"], r["dimension"])),
            "value": format_raw(fmt, _, r["raw"], r["unit"]),
            "value_year": None if pd.isna(r["value_year"]) else int(r["value_year"]),
            "score": fmt.number(r["score"], 2),
            "sources": input_sources(r.get("inputs")),
        }

    weaknesses = [driver(r) for r in scored.head(drivers).to_dict("records")]
    strengths = [driver(r) for r in scored.iloc[::-1].head(drivers).to_dict("records")]
    history = risk_history_table(db, {"country": iso})
    query = {"country": iso, "year": year}
    return render(
        request,
        lang,
        "risk_country.html",
        title=_("%(country)s: investment-risk grade %(year)s") % {"country": fmt.country(iso), "year": year},
        iso=iso,
        year=year,
        years=analysis_years(db),
        score=score,
        groups=groups,
        weaknesses=weaknesses,
        strengths=strengths,
        missing=[i | {"dimension_label": g["label"]} for g in groups for i in g["items"] if i["missing"]],
        counts=confidence(measures),
        dimensions_total=len(RISK),
        chart=_risk_history_chart(history, iso, lang, fmt, _),
        method_version=result.method.version,
        sources=result.sources,
        csv_url=data_url(lang, "risk-explain", query),
        zip_url=data_url(lang, "risk-explain", query, "zip"),
    )
