"""The overview: /{lang}/ — a choropleth of the 33 CELAC states coloured by a chosen measure and
year, the headline figures, a timeline of the agreements signed with China, the latest ties and
the latest alerts.

The measures: the Five Connectivities composite and each of its dimensions, the investment-risk
grade (all from the Python API's analyses), Chinese finance committed (the US$ amounts of the
projects first dated that year) and goods trade with China (exports to plus imports from China
as each state reports them). The picker is a GET form, so the address is the permalink (measure,
year, language). Every figure downloads (the datasets below).
"""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator, Field

from lazos.api import Lazos
from lazos.errors import LazosError
from lazos.jsonable import records
from lazos.results import Table
from lazos.store.reader import choose
from lazos.web.pages.analyses import (
    CONNECTIVITY,
    YearParam,
    _blank,
    celac_states,
    coverage_text,
    scores_frame,
    sources_of,
    value_map,
)
from lazos.web.pages.charts import OKABE_ITO, Chart, base_spec
from lazos.web.pages.data import data_url, dataset
from lazos.web.pages.i18n import Formatter
from lazos.web.pages.render import N_, db_of, formatter, gettext_for, render
from lazos.web.pages.routing import check_lang, page

MEASURES = {
    "connectivity": N_("Five Connectivities index (composite, 0–100)"),
    "policy": N_("Policy coordination (0–20)"),
    "facilities": N_("Facilities connectivity (0–20)"),
    "trade": N_("Unimpeded trade (0–20)"),
    "finance": N_("Financial integration (0–20)"),
    "people": N_("People-to-people bonds (0–20)"),
    "risk": N_("Investment-risk grade (AAA to CCC)"),
    "chinese_finance": N_("Chinese finance committed (US$)"),
    "china_trade": N_("Goods trade with China (US$)"),
}
MEASURE_NOTES = {
    "connectivity": N_("The sum of the five dimension scores (0 to 100) under the method's weights."),
    "risk": N_("A score from 0 to 1 (higher is lower risk), graded from AAA to CCC."),
    "chinese_finance": N_(
        "The US$ amounts of the China-linked projects whose first dated milestone falls in the year, summed by "
        "state (a project in several states shared equally). A state with no such project has no value."
    ),
    "china_trade": N_(
        "Goods exports to China plus goods imports from China as each state reports them; a state has a value "
        "when both flows are known for the year."
    ),
}
DIMENSION_NOTE = N_("One dimension of the Five Connectivities index, scored 0 to 20.")
KIND = {"risk": "grade", "chinese_finance": "money", "china_trade": "money"}  # else "score"
DEFAULT_MEASURE = "connectivity"
TRADE = ("goods_exports_fob", "goods_imports_cif")
# The agreements on the timeline: kind -> group drawn.
AGREEMENTS = {
    "bri_mou_signed": N_("Belt and Road memorandum"),
    "bri_cooperation_plan_signed": N_("Belt and Road cooperation plan"),
    "fta_signed": N_("Free trade agreement"),
    "fta_upgrade_signed": N_("Free trade agreement"),
    "currency_swap": N_("Currency swap"),
    "partnership_strategic": N_("Partnership"),
    "partnership_comprehensive_strategic": N_("Partnership"),
    "partnership_all_weather_strategic": N_("Partnership"),
}
GROUP_ORDER = [
    N_("Belt and Road memorandum"),
    N_("Belt and Road cooperation plan"),
    N_("Free trade agreement"),
    N_("Currency swap"),
    N_("Partnership"),
]
ALERTS_SHOWN = 8
SEVERITY = {"severe": N_("Severe"), "warning": N_("Warning"), "info": N_("Information")}
HEADLINES = (  # (count, what it counts, where the rows are listed: a path in the language, or an anchor)
    ("celac_states", N_("CELAC states covered"), "/index"),
    ("bri_signatories", N_("states in the Belt and Road Initiative"), "#timeline"),
    ("agreements", N_("agreements signed with China"), "#timeline"),
    ("projects", N_("China-linked projects"), "/projects"),
    ("observations", N_("indicator values"), "/sources"),
    ("sources", N_("sources cited"), "/sources"),
)

Text = Annotated[Annotated[str, Field(max_length=100)] | None, BeforeValidator(_blank), Query()]


# ---------------------------------------------------------------------------- the measures' values


def measure_of(name: str | None) -> str:
    """The measure a request names (None: the default), else a LazosError naming the choices."""
    if name is None:
        return DEFAULT_MEASURE
    return choose(name, MEASURES, "measure", f"use one of {', '.join(MEASURES)}")


def _finance(db: Lazos) -> pd.DataFrame:
    frame = db.projects().frame
    year = frame["first_date"].dt.year
    kept = frame[frame["amount_usd"].notna() & year.notna()].assign(year=year.astype("Int64"))
    codes = kept["countries"].fillna("").str.split(";")
    kept = kept.assign(country=codes, share=[1 / max(len(c), 1) for c in codes]).explode("country")
    kept = kept[kept["country"].astype(bool)]
    kept = kept.assign(value=kept["amount_usd"] * kept["share"])
    grouped = kept.groupby(["country", "year"], sort=True)
    out = grouped.agg(value=("value", "sum"), projects=("project_id", "count")).reset_index()
    ids = grouped.apply(
        lambda g: list(dict.fromkeys(s for s in [*g["source_id"], *g["amount_source_id"]] if isinstance(s, str) and s)),
        include_groups=False,
    )
    return out.assign(sources=list(ids), unit="USD")


def _trade(db: Lazos) -> pd.DataFrame:
    obs = db.observations(indicator=list(TRADE), partner="CHN").frame
    obs = obs[obs["period"].astype(str).str.fullmatch(r"\d{4}")]
    obs = obs.assign(year=obs["period"].astype(int))
    rows = []
    for (country, year), g in obs.groupby(["entity", "year"], sort=True):
        flows = dict(zip(g["indicator"], g["value"], strict=True))
        if all(k in flows and not pd.isna(flows[k]) for k in TRADE):
            rows.append(
                {
                    "country": country,
                    "year": int(year),
                    "value": float(sum(flows[k] for k in TRADE)),
                    "exports_to_china": float(flows["goods_exports_fob"]),
                    "imports_from_china": float(flows["goods_imports_cif"]),
                    "sources": list(dict.fromkeys(g["source_id"])),
                    "unit": "USD",
                }
            )
    return pd.DataFrame(
        rows, columns=["country", "year", "value", "exports_to_china", "imports_from_china", "sources", "unit"]
    )


def measure_frame(db: Lazos, measure: str) -> pd.DataFrame:
    """Every state's value of a measure in every year it has one: country, year, value (for the
    risk grade the score, with ``grade``), sources (ids), and what else the measure gives."""

    def compute() -> pd.DataFrame:
        if measure in ("connectivity", *CONNECTIVITY):
            frame = scores_frame(db.connectivity_index())
            column = "composite" if measure == "connectivity" else measure
            out = frame[["country", "year", column, "rank", "dimensions_scored", "sources"]].rename(
                columns={column: "value"}
            )
            return out.assign(unit="score 0-100" if measure == "connectivity" else "score 0-20")
        if measure == "risk":
            frame = scores_frame(db.risk())
            out = frame[["country", "year", "score", "grade", "dimensions_scored", "sources"]]
            return out.rename(columns={"score": "value"}).assign(unit="score 0-1")
        if measure == "chinese_finance":
            return _finance(db)
        return _trade(db)

    frame = db.cached("pages.overview.measure", (measure,), compute)
    return frame[frame["country"].isin(set(celac_states(db)["iso3"]))]


def year_counts(frame: pd.DataFrame) -> dict[int, int]:
    """How many states have a value in each year (newest first)."""
    with_value = frame[frame["value"].notna()]
    counts = with_value.groupby("year")["country"].nunique()
    return {int(y): int(n) for y, n in sorted(counts.items(), reverse=True)}


def default_year(counts: dict[int, int]) -> int:
    """The latest year in which at least half as many states have a value as in the best year
    (the latest year often holds a few early reports only)."""
    best = max(counts.values())
    return max(y for y, n in counts.items() if n * 2 >= best)


def shown_year(counts: dict[int, int], asked: int | None, fallback: int) -> int:
    """The year the map shows: the one asked for when the measure has values then, else the
    nearest year that has (``fallback`` when the measure has none in any year)."""
    if not counts:
        return asked if asked is not None else fallback
    if asked is None:
        return default_year(counts)
    if asked in counts:
        return asked
    return min(counts, key=lambda y: (abs(y - asked), -y))


@dataset("overview-map")
def map_table(db: Lazos, params: dict[str, str]) -> Table:
    """The values the overview's map draws: one row per state for a measure and year."""
    measure = measure_of(params.get("measure") or None)
    frame = measure_frame(db, measure)
    counts = year_counts(frame)
    text = (params.get("year") or "").strip()
    try:
        asked = int(text) if text else None
    except ValueError:
        raise LazosError(f"invalid year {text!r}: give a year such as 2024") from None
    year = shown_year(counts, asked, db.latest_analysis_year())
    rows = frame[frame["year"] == year]
    states = celac_states(db)[["iso3", "name_en"]]
    out = states.rename(columns={"iso3": "country", "name_en": "name"}).merge(rows, on="country", how="left")
    out = out.assign(year=year, measure=measure).sort_values("country").reset_index(drop=True)
    out["sources"] = [s if isinstance(s, list) else [] for s in out["sources"]]
    if "unit" in out.columns:
        out["unit"] = out["unit"].ffill().bfill()
    first = ["country", "name", "measure", "year", "value"]
    out = out[[*first, *[c for c in out.columns if c not in first]]]
    return Table(
        f"Overview map: {measure} {year}",
        out,
        None,
        sources_of(db, out),
        f"{MEASURES[measure]}; one row per CELAC state, an empty value where Lazos holds none for {year}.",
    )


# ---------------------------------------------------------------------------- the timeline and lists


@dataset("overview-agreements")
def agreements_table(db: Lazos, params: dict[str, str]) -> Table:
    """The agreements on the overview's timeline (Belt and Road memoranda and cooperation plans,
    free trade agreements, currency swaps, partnerships), oldest first."""
    table = db.events(kind=list(AGREEMENTS))
    return table.with_frame(table.frame.assign(group=[AGREEMENTS[k] for k in table.frame["kind"]]))


@dataset("overview-alerts")
def alerts_table(db: Lazos, params: dict[str, str]) -> Table:
    """Every early-warning alert, newest first (the overview shows the latest)."""
    return db.alerts()


@dataset("overview-recent")
def recent_table(db: Lazos, params: dict[str, str]) -> Table:
    """The most recent ties with China (the overview's list)."""
    return db.overview().recent_events


def _timeline_chart(table: Table, lang: str, fmt: Formatter, _: Any) -> Chart:
    frame = table.frame
    rows = [
        {
            "date": str(r["date_start"])[:10] if r["date_start"] is not None else None,
            "when": fmt.date(r["date"]),
            "country": fmt.country(r["country"]),
            "group": _(r["group"]),
            "label": r["label"],
        }
        for r in table.rows
    ]
    groups = [_(g) for g in GROUP_ORDER]
    if frame.empty:
        description = _("No agreements are recorded.")
    else:
        counts = frame["group"].value_counts()
        parts = [
            _("%(group)s: %(n)s") % {"group": _(g), "n": fmt.integer(counts.get(g, 0))}
            for g in GROUP_ORDER
            if counts.get(g, 0)
        ]
        years = pd.to_datetime(frame["date_start"]).dt.year
        busiest = int(years.value_counts().idxmax())
        description = _(
            "Agreements signed between China and CELAC states from %(first)s to %(last)s, one dot each, by kind "
            "(%(parts)s). The busiest year was %(busiest)s."
        ) % {"first": int(years.min()), "last": int(years.max()), "parts": "; ".join(parts), "busiest": busiest}
    tooltip = [
        {"field": "when", "type": "nominal", "title": _("Date")},
        {"field": "country", "type": "nominal", "title": _("Country")},
        {"field": "label", "type": "nominal", "title": _("Agreement")},
    ]
    spec = base_spec(
        description,
        rows,
        height=190,
        mark={"type": "point", "filled": True, "size": 70, "opacity": 0.75},
        encoding={
            "x": {"field": "date", "type": "temporal", "title": None},
            "y": {"field": "group", "type": "nominal", "title": None, "sort": groups},
            "color": {
                "field": "group",
                "type": "nominal",
                "legend": None,
                "scale": {"domain": groups, "range": OKABE_ITO[: len(groups)]},
            },
            "shape": {"field": "group", "type": "nominal", "legend": None, "sort": groups},
            "tooltip": tooltip,
        },
    )
    shown = table.with_frame(
        frame.assign(
            when_text=[fmt.date(d) for d in frame["date"]],
            country_text=[fmt.country(c) for c in frame["country"]],
            group_text=[_(g) for g in frame["group"]],
        ),
        table.sources,
    )
    return Chart(
        id="agreements",
        title=_("Agreements with China over time"),
        description=description,
        spec=spec,
        table=shown,
        csv_url=data_url(lang, "overview-agreements", {}),
        zip_url=data_url(lang, "overview-agreements", {}, "zip"),
        columns=[
            ("when_text", _("Date")),
            ("country_text", _("Country")),
            ("group_text", _("Kind")),
            ("label", _("Agreement")),
        ],
    )


_FIGURES: dict[tuple[str, str, str, int], Any] = {}  # the maps drawn, by database version, language, measure, year
_TIMELINES: dict[tuple[str, str], tuple[Chart, list[dict[str, Any]]]] = {}


def _timeline(db: Lazos, lang: str, fmt: Formatter) -> tuple[Chart, list[dict[str, Any]]]:
    """The agreements chart and list in a language, made once per database version."""
    key = (db.version, lang)
    if key not in _TIMELINES:
        table = agreements_table(db, {})
        if len(_TIMELINES) >= 16:
            _TIMELINES.clear()
        _TIMELINES[key] = (_timeline_chart(table, lang, fmt, gettext_for(lang)), list(reversed(table.rows)))
    return _TIMELINES[key]


# ---------------------------------------------------------------------------- the page


@page("/")
def overview_page(request: Request, lang: str, measure: Text = None, year: YearParam = None) -> Response:
    """The map of a measure for a year, headline figures, the agreements timeline, latest ties and alerts."""
    check_lang(lang)
    db, _, fmt = db_of(request), gettext_for(lang), formatter(request, lang)
    chosen = measure_of(measure)
    frame = measure_frame(db, chosen)
    counts = year_counts(frame)
    shown = shown_year(counts, year, db.latest_analysis_year())
    rows = frame[frame["year"] == shown]
    label = _(MEASURES[chosen])
    key = (db.version, lang, chosen, shown)
    figure = _FIGURES.get(key)
    if figure is None:
        figure = value_map(
            rows,
            kind=KIND.get(chosen, "score"),
            lang=lang,
            fmt=fmt,
            _=_,
            db=db,
            title=_("%(measure)s, %(year)s") % {"measure": label, "year": shown},
            what=_("%(measure)s in %(year)s") % {"measure": label, "year": shown},
            map_id="overview-map",
        )
        if len(_FIGURES) >= 256:
            _FIGURES.clear()
        _FIGURES[key] = figure
    query = {"measure": chosen, "year": shown}
    by_country = {r["country"]: r for r in rows.to_dict("records")}
    kind = KIND.get(chosen, "score")

    def value_text(iso: str) -> str:
        r = by_country.get(iso)
        if r is None or r["value"] is None or pd.isna(r["value"]):
            return fmt.missing
        if kind == "grade":
            return f"{r['grade']} ({fmt.number(r['value'], 2)})"
        return fmt.money(r["value"], "USD") if kind == "money" else fmt.number(r["value"], 1)

    order = sorted(
        (a.iso3 for a in figure.areas),
        key=lambda iso: (
            by_country.get(iso) is None or pd.isna(by_country[iso]["value"]),
            -(by_country[iso]["value"] if iso in by_country and not pd.isna(by_country[iso]["value"]) else 0),
            fmt.country(iso),
        ),
    )
    overview = db.overview()
    timeline, agreements = _timeline(db, lang, fmt)
    alerts = db.alerts()
    return render(
        request,
        lang,
        "overview.html",
        title=_("China and Latin America and the Caribbean: overview"),
        measures=[(k, _(v)) for k, v in MEASURES.items()],
        measure=chosen,
        measure_label=label,
        measure_note=_(MEASURE_NOTES.get(chosen, DIMENSION_NOTE)),
        years=counts,
        year=shown,
        asked=year,
        figure=figure,
        coverage=coverage_text(_, figure),
        values=[(iso, value_text(iso)) for iso in order],
        map_csv=data_url(lang, "overview-map", query),
        map_zip=data_url(lang, "overview-map", query, "zip"),
        map_sources=sources_of(db, rows)[:12],
        map_source_count=len(sources_of(db, rows)),
        counts=overview.counts,
        undated=overview.undated,
        partial=overview.coverage,  # the projects and finance figures rest on part of AidData's release
        headlines=[(overview.counts[k], _(what), link) for k, what, link in HEADLINES],
        timeline=timeline,
        agreements=agreements,
        recent=overview.recent_events.rows,
        recent_csv=data_url(lang, "overview-recent", {}),
        alerts=records(alerts.frame.head(ALERTS_SHOWN)),
        alerts_total=len(alerts),
        alerts_csv=data_url(lang, "overview-alerts", {}),
        alerts_zip=data_url(lang, "overview-alerts", {}, "zip"),
        severity={k: _(v) for k, v in SEVERITY.items()},
        group_label=lambda g: _(g),
    )
