"""A country's profile: /{lang}/countries/{country} (an ISO3 code; a name leads to it).

Everything on it comes from the Python API as of the page's ``as_of``: the country's ties with
China (names, relations since, Belt and Road status, the dated timeline with its sources), its
Five Connectivities scores against the LAC median, its risk grade with the drivers, confidence
and missing data behind it, its alerts, trade with China, Chinese finance by sector and year,
key indicators, its projects (map and table) and the claims documents make about it. Each
chart's and table's rows download (the datasets below, or the REST API's CSV for lists).
"""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import Path, Request
from fastapi.responses import RedirectResponse, Response

from lazos.api import Lazos
from lazos.dates import parse_as_of
from lazos.errors import LazosError
from lazos.results import Table, measure_sources
from lazos.web.pages.charts import Chart, base_spec, values
from lazos.web.pages.data import data_url, dataset
from lazos.web.pages.i18n import Formatter
from lazos.web.pages.projects import (
    DateParam,
    cached_page,
    clean_redirect,
    map_points,
    nearest,
    nothing_close,
    points_figure,
    project_points,
    sector_label,
    status_label,
)
from lazos.web.pages.render import N_, db_of, formatter, gettext_for, query_string
from lazos.web.pages.routing import check_lang, page

PROJECTS_SHOWN = 50  # the country's largest projects in its table; the explorer lists them all
TRADE = {"goods_exports_fob": N_("Exports to China"), "goods_imports_cif": N_("Imports from China")}
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
MEASURE_STATUS = {
    "measured": N_("measured"),
    "carried": N_("latest earlier value"),
    "missing": N_("missing"),
    "not_measured": N_("not measured yet"),
}
SEVERITY = {"severe": N_("Severe"), "warning": N_("Warning"), "info": N_("Information")}
BRI = {"participant": N_("Belt and Road participant"), "withdrawn": N_("Withdrew from the Belt and Road")}
CLAIM_STATUS = {
    "consistent": N_("consistent"),
    "inconsistent": N_("inconsistent"),
    "unverifiable": N_("unverifiable"),
}


def _iso(db: Lazos, params: dict[str, str]) -> str:
    if not params.get("country"):
        raise LazosError("the download needs a country, e.g. ?country=ARG")
    return db.resolve_country(params["country"])


# ---------------------------------------------------------------------------- datasets (charts and tables)


@dataset("country-connectivity")
def connectivity_table(db: Lazos, params: dict[str, str]) -> Table:
    """The country's five dimension scores in every year, with the median of every country scored."""
    iso, day = _iso(db, params), parse_as_of(params.get("as_of"))

    def compute() -> Table:
        result = db.connectivity_index(as_of=day)
        dims = result.dimensions
        median = (
            dims.groupby(["year", "dimension"], sort=False)["score"]
            .agg(lac_median="median", countries_scored="count")
            .reset_index()
        )
        mine = dims[dims["country"] == iso][["country", "year", "dimension", "score", "coverage"]]
        frame = mine.merge(median, on=["year", "dimension"], how="left")
        order = {d: i for i, d in enumerate(result.dimensions["dimension"].drop_duplicates())}
        frame = frame.sort_values(["year", "dimension"], key=lambda s: s.map(order) if s.name == "dimension" else s)
        measures = result.measures[result.measures["country"] == iso]
        return Table(
            name=f"Five Connectivities dimension scores of {iso} and the LAC median",
            frame=frame.reset_index(drop=True),
            as_of=day,
            sources=db.source_refs(s for ids in measure_sources(measures) for s in ids),
            note="score: the country's dimension score (0-20); lac_median: the median score of the countries "
            "scored that year (countries_scored); coverage: the share of the dimension's weight measured. "
            "The sources are those of the country's own scores (the index's page lists every country's).",
        )

    return db.cached("pages.country.connectivity", (iso, day), compute)


@dataset("country-trade")
def trade_table(db: Lazos, params: dict[str, str]) -> Table:
    """Goods exports to and imports from China, as the country reports them, every year."""
    iso = _iso(db, params)
    return db.observations(as_of=params.get("as_of"), entity=iso, partner="CHN", indicator=list(TRADE))


def counted_projects(frame: pd.DataFrame) -> pd.DataFrame:
    """The projects whose amounts Chinese finance totals count, each with the ``year`` of its
    first dated milestone: not cancelled, not marked out of totals, with an amount in US$ and a date."""
    year = frame["first_date"].dt.year
    left_out = frame["in_totals"].eq(False).fillna(False).astype(bool) | frame["status"].eq("cancelled")
    kept = ~left_out.to_numpy(dtype=bool)
    return frame[kept & frame["amount_usd"].notna() & year.notna()].assign(year=year.astype("Int64"))


def finance_by_sector(counted: pd.DataFrame) -> pd.DataFrame:
    """The counted projects' US$ amounts and number by year and sector."""
    return (
        counted.groupby(["year", "sector"], dropna=False)
        .agg(amount_usd=("amount_usd", "sum"), projects=("project_id", "count"))
        .reset_index()
    )


@dataset("country-finance")
def finance_table(db: Lazos, params: dict[str, str]) -> Table:
    """Chinese finance by sector and year: the headline amounts in US dollars of the country's
    projects, by the year of their first dated milestone."""
    iso, day = _iso(db, params), parse_as_of(params.get("as_of"))

    def compute() -> Table:
        projects = db.country(iso, as_of=day).projects
        frame = projects.frame
        counted = counted_projects(frame)
        out = finance_by_sector(counted)
        out.insert(0, "country", iso)
        sources = projects.with_frame(counted).sources
        left = len(frame) - len(counted)
        out["amount_usd"] = out["amount_usd"].round(0)
        return Table(
            name=f"Chinese finance in {iso} by sector and year",
            frame=out,
            as_of=day,
            sources=sources,
            note=f"Sums of the headline amounts of the country's projects as listed (records of the same "
            f"finance from different sources are not merged). {left} of its {len(frame)} projects are not "
            "counted: cancelled, marked not for totals, or with no amount in US dollars or no dated milestone.",
        )

    return db.cached("pages.country.finance", (iso, day), compute)


@dataset("country-indicators")
def indicators_table(db: Lazos, params: dict[str, str]) -> Table:
    """The latest value of every indicator Lazos holds for the country."""
    return db.country(_iso(db, params), as_of=params.get("as_of")).indicators


def _risk_tables(db: Lazos, iso: str, day: Any) -> tuple[Any, Table, Table]:
    """The risk rating of the country (every year), the indicators behind its latest grade and
    its score and grade in every year."""
    result = db.risk(country=iso, as_of=day)
    return result, _risk_measures(db, iso, day, result), _risk_history(iso, day, result)


@dataset("country-risk")
def risk_table(db: Lazos, params: dict[str, str]) -> Table:
    """Every indicator behind the country's risk grade in its latest year: value, score, weight."""
    iso, day = _iso(db, params), parse_as_of(params.get("as_of"))
    return _risk_measures(db, iso, day, db.risk(country=iso, as_of=day))


def _risk_measures(db: Lazos, iso: str, day: Any, result: Any) -> Table:
    latest = int(result.scores["year"].max())
    measures = result.measures[(result.measures["country"] == iso) & (result.measures["year"] == latest)]
    frame = measures.drop(columns=["inputs"]).reset_index(drop=True)
    frame["sources"] = measure_sources(measures)
    return Table(
        name=f"Risk rating of {iso} in {latest}: its indicators",
        frame=frame,
        as_of=day,
        sources=db.source_refs(s for ids in frame["sources"] for s in ids),
        note="score: the indicator's score 0-1 (higher is lower risk); points: its weighted part of the "
        "dimension's score; status: measured, carried (the latest earlier value), missing or not_measured.",
    )


@dataset("country-risk-history")
def risk_history_table(db: Lazos, params: dict[str, str]) -> Table:
    """The country's risk score and grade in every year."""
    iso, day = _iso(db, params), parse_as_of(params.get("as_of"))
    return _risk_history(iso, day, db.risk(country=iso, as_of=day))


def _risk_history(iso: str, day: Any, result: Any) -> Table:
    columns = ["country", "year", "score", "grade", "dimensions_scored", "missing", *RISK]
    return Table(
        name=f"Risk rating of {iso}, every year",
        frame=result.scores[[c for c in columns if c in result.scores.columns]].reset_index(drop=True),
        as_of=day,
        sources=result.sources,
    )


# ---------------------------------------------------------------------------- charts


def _shown(table: Table, **texts: list[str]) -> Table:
    """The table a chart draws with columns of its values as the page's language writes them,
    for the chart's data table (the download is the dataset's own rows)."""
    return table.with_frame(table.frame.assign(**texts), table.sources)


def _connectivity_chart(table: Table, iso: str, lang: str, fmt: Formatter, _: Any, query: dict) -> Chart:
    frame = table.frame
    name = fmt.country(iso)
    median = _("LAC median")
    long = []
    for row in table.rows:
        label = _(CONNECTIVITY.get(row["dimension"], row["dimension"]))
        for series, score in ((name, row["score"]), (median, row["lac_median"])):
            if score is not None:  # a dimension never scored has no panel (the description says so)
                long.append({"year": row["year"], "dimension": label, "series": series, "score": score})
    if frame.empty:
        description = _("No connectivity scores for %(country)s.") % {"country": name}
    else:
        last = int(frame["year"].max())
        latest = frame[frame["year"] == last]
        parts = [
            _("%(dimension)s %(score)s (median %(median)s)")
            % {
                "dimension": _(CONNECTIVITY.get(r.dimension, r.dimension)),
                "score": fmt.number(r.score, 1),
                "median": fmt.number(r.lac_median, 1),
            }
            for r in latest.itertuples()
        ]
        description = _(
            "%(country)s's five connectivity dimension scores (0 to 20) from %(first)s to %(last)s, each against "
            "the median of the countries scored. In %(last)s: %(scores)s."
        ) % {"country": name, "first": int(frame["year"].min()), "last": last, "scores": "; ".join(parts)}
    spec = base_spec(description, long)
    for key in ("width", "height", "autosize"):
        spec.pop(key, None)
    spec.update(
        facet={"field": "dimension", "type": "nominal", "title": None, "sort": [_(v) for v in CONNECTIVITY.values()]},
        columns=3,
        spec={
            "width": 200,
            "height": 130,
            "mark": {"type": "line", "point": {"size": 18}},
            "encoding": {
                "x": {"field": "year", "type": "quantitative", "title": None, "axis": {"format": "d", "tickCount": 4}},
                "y": {
                    "field": "score",
                    "type": "quantitative",
                    "title": _("Score (0–20)"),
                    "scale": {"domain": [0, 20]},
                },
                "color": {"field": "series", "type": "nominal", "title": None, "sort": [name, median]},
                "strokeDash": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "sort": [name, median],
                    "legend": None,
                },
                "tooltip": [
                    {"field": "dimension", "type": "nominal", "title": _("Dimension")},
                    {"field": "series", "type": "nominal", "title": _("Series")},
                    {"field": "year", "type": "quantitative", "title": _("Year")},
                    {"field": "score", "type": "quantitative", "title": _("Score"), "format": ".1f"},
                ],
            },
        },
    )
    return Chart(
        id="connectivity",
        title=_("Five Connectivities: %(country)s against the LAC median") % {"country": name},
        description=description,
        spec=spec,
        csv_url=data_url(lang, "country-connectivity", query),
        zip_url=data_url(lang, "country-connectivity", query, "zip"),
        table=_shown(
            table,
            dimension_text=[_(CONNECTIVITY.get(d, d)) for d in frame["dimension"]],
            score_text=[fmt.number(v, 2) for v in frame["score"]],
            median_text=[fmt.number(v, 2) for v in frame["lac_median"]],
            coverage_text=[fmt.percent(v, 0) for v in frame["coverage"]],
        ),
        columns=[
            ("year", _("Year")),
            ("dimension_text", _("Dimension")),
            ("score_text", name),
            ("median_text", median),
            ("coverage_text", _("Coverage")),
        ],
    )


def trade_spec(description: str, long: list[dict[str, Any]], _: Any) -> dict[str, Any]:
    """Exports to and imports from China by year (rows: year, flow, usd_bn), one line each."""
    return base_spec(
        description,
        long,
        mark={"type": "line", "point": True},
        encoding={
            "x": {"field": "year", "type": "temporal", "timeUnit": "year", "title": None},
            "y": {"field": "usd_bn", "type": "quantitative", "title": _("US$ billions")},
            "color": {"field": "flow", "type": "nominal", "title": None},
            "strokeDash": {"field": "flow", "type": "nominal", "title": None, "legend": None},
            "tooltip": [
                {"field": "flow", "type": "nominal", "title": _("Flow")},
                {"field": "year", "type": "temporal", "timeUnit": "year", "title": _("Year")},
                {"field": "usd_bn", "type": "quantitative", "title": _("US$ billions"), "format": ".2f"},
            ],
        },
    )


def _trade_chart(table: Table, iso: str, lang: str, fmt: Formatter, _: Any, query: dict) -> Chart:
    name = fmt.country(iso)
    frame = table.frame
    long = [
        {
            "year": str(row["period"])[:4],
            "flow": _(TRADE.get(row["indicator"], row["indicator"])),
            "usd_bn": row["value"] / 1e9 if row["value"] is not None else None,
        }
        for row in table.rows
    ]
    if frame.empty:
        description = _("No trade figures with China for %(country)s.") % {"country": name}
    else:
        last = frame.sort_values("period_end").groupby("indicator").tail(1)
        parts = [
            _("%(flow)s: %(value)s in %(year)s")
            % {
                "flow": _(TRADE.get(r.indicator, r.indicator)),
                "value": fmt.money(r.value, "USD"),
                "year": str(r.period)[:4],
            }
            for r in last.itertuples()
        ]
        description = _("%(country)s's goods trade with China as the country reports it, by year. %(latest)s.") % {
            "country": name,
            "latest": "; ".join(parts),
        }
    spec = trade_spec(description, long, _)
    return Chart(
        id="trade",
        title=_("Trade in goods with China"),
        description=description,
        spec=spec,
        table=_shown(
            table,
            flow_text=[_(TRADE.get(i, i)) for i in frame["indicator"]],
            value_text=[fmt.money(v, "USD") for v in frame["value"]],
        ),
        csv_url=data_url(lang, "country-trade", query),
        zip_url=data_url(lang, "country-trade", query, "zip"),
        columns=[("flow_text", _("Flow")), ("period", _("Year")), ("value_text", _("Value"))],
    )


def finance_spec(description: str, long: list[dict[str, Any]], field: str, title: str, _: Any) -> dict[str, Any]:
    """Amounts by year stacked by sector (rows: year, sector, ``field``, projects)."""
    return base_spec(
        description,
        long,
        mark={"type": "bar"},
        encoding={
            "x": {"field": "year", "type": "ordinal", "title": None},
            "y": {"field": field, "type": "quantitative", "title": title, "stack": "zero"},
            "color": {"field": "sector", "type": "nominal", "title": _("Sector"), "legend": {"columns": 4}},
            "tooltip": [
                {"field": "year", "type": "ordinal", "title": _("Year")},
                {"field": "sector", "type": "nominal", "title": _("Sector")},
                {"field": field, "type": "quantitative", "title": title, "format": ",.1f"},
                {"field": "projects", "type": "quantitative", "title": _("Projects")},
            ],
        },
    )


def _finance_chart(table: Table, iso: str, lang: str, fmt: Formatter, _: Any, query: dict) -> Chart:
    name = fmt.country(iso)
    frame = table.frame
    long = [
        {
            "year": row["year"],
            "sector": sector_label(_, row["sector"]) or _("Unknown sector"),
            "usd_m": row["amount_usd"] / 1e6,
            "projects": row["projects"],
        }
        for row in table.rows
    ]
    if frame.empty:
        description = _("No Chinese-financed project in %(country)s has an amount and a date.") % {"country": name}
    else:
        by_sector = frame.groupby("sector", dropna=False)["amount_usd"].sum().sort_values(ascending=False)
        top = by_sector.index[0]
        description = _(
            "Chinese finance in %(country)s by sector and year, %(total)s in all from %(first)s to %(last)s; "
            "the largest sector is %(sector)s with %(amount)s."
        ) % {
            "country": name,
            "total": fmt.money(frame["amount_usd"].sum()),
            "first": int(frame["year"].min()),
            "last": int(frame["year"].max()),
            "sector": sector_label(_, top) or _("Unknown sector"),
            "amount": fmt.money(by_sector.iloc[0]),
        }
    spec = finance_spec(description, long, "usd_m", _("US$ millions"), _)
    return Chart(
        id="finance",
        title=_("Chinese finance by sector and year"),
        description=description,
        spec=spec,
        table=_shown(
            table,
            sector_text=[sector_label(_, v) or _("Unknown sector") for v in frame["sector"]],
            amount_text=[fmt.money(v, "USD") for v in frame["amount_usd"]],
        ),
        csv_url=data_url(lang, "country-finance", query),
        zip_url=data_url(lang, "country-finance", query, "zip"),
        columns=[
            ("year", _("Year")),
            ("sector_text", _("Sector")),
            ("amount_text", _("Amount (US$)")),
            ("projects", _("Projects")),
        ],
    )


def _risk_chart(table: Table, lang: str, fmt: Formatter, _: Any, query: dict, name: str) -> Chart:
    frame = table.frame
    long = values(frame, ["year", "score", "grade"])
    if frame.empty:
        description = _("No risk rating for %(country)s.") % {"country": name}
    else:
        first, last = frame.iloc[0], frame.iloc[-1]
        description = _(
            "%(country)s's risk score (0 to 1, higher is lower risk) from %(first)s to %(last)s: "
            "%(first_score)s (%(first_grade)s) in %(first)s, %(last_score)s (%(last_grade)s) in %(last)s."
        ) % {
            "country": name,
            "first": int(first["year"]),
            "last": int(last["year"]),
            "first_score": fmt.number(first["score"], 2),
            "first_grade": first["grade"],
            "last_score": fmt.number(last["score"], 2),
            "last_grade": last["grade"],
        }
    spec = base_spec(
        description,
        long,
        height=160,
        mark={"type": "line", "point": True},
        encoding={
            "x": {
                "field": "year",
                "type": "quantitative",
                "title": None,
                "scale": {"nice": False},
                "axis": {"format": "d", "tickMinStep": 1, "tickCount": 8},
            },
            "y": {"field": "score", "type": "quantitative", "title": _("Score (0–1)"), "scale": {"zero": False}},
            "tooltip": [
                {"field": "year", "type": "quantitative", "title": _("Year")},
                {"field": "score", "type": "quantitative", "title": _("Score"), "format": ".3f"},
                {"field": "grade", "type": "nominal", "title": _("Grade")},
            ],
        },
    )
    return Chart(
        id="risk-history",
        title=_("Risk score and grade over time"),
        description=description,
        spec=spec,
        table=_shown(table, score_text=[fmt.number(v, 3) for v in frame["score"]]),
        csv_url=data_url(lang, "country-risk-history", query),
        zip_url=data_url(lang, "country-risk-history", query, "zip"),
        columns=[("year", _("Year")), ("score_text", _("Score")), ("grade", _("Grade"))],
    )


# ---------------------------------------------------------------------------- the page


def analysis_or_reason(compute: Any) -> tuple[Any, str | None]:
    """An analysis's result, or the reason it has none as of the page's date (a date before the
    method's first year: the API says so); shown in the section instead of the figures."""
    try:
        return compute(), None
    except LazosError as exc:
        if not str(exc).startswith("no analysis as of"):
            raise
        return None, str(exc)


def _measured_share(rows: list[dict[str, Any]]) -> float | None:
    """The share of the rating's weights whose indicators have a value: its confidence."""
    weighted = [r for r in rows if r["weight"]]
    total = sum(r["weight"] for r in weighted)
    return sum(r["weight"] for r in weighted if r["score"] is not None) / total if total else None


def _risk(db: Lazos, iso: str, as_of: str | None, lang: str, fmt: Formatter, _: Any, query: dict) -> dict | None:
    result, measures, history = _risk_tables(db, iso, parse_as_of(as_of))
    scores = result.scores[result.scores["country"] == iso]
    if scores.empty:
        return None
    latest = Table("risk", scores.tail(1)).rows[0]
    rows = measures.rows
    scored = [r for r in rows if r["score"] is not None and r["weight"]]
    weakest = sorted(scored, key=lambda r: r["score"])[:3]
    strongest = sorted(scored, key=lambda r: -r["score"])[:3]
    dims = result.dimensions
    dims = dims[(dims["country"] == iso) & (dims["year"] == latest["year"])]
    coverage = {r["dimension"]: r for r in Table("dims", dims).rows}
    return {
        "latest": latest,
        "dimensions": [
            {
                "code": code,
                "label": _(label),
                "score": latest.get(code),
                "coverage": coverage.get(code, {}).get("coverage"),
            }
            for code, label in RISK.items()
        ],
        "weakest": weakest,
        "strongest": strongest,
        "missing": [r for r in rows if r["status"] == "missing"],
        "not_measured": [r for r in rows if r["status"] == "not_measured"],
        "carried": [r for r in rows if r["status"] == "carried"],
        "measured_share": _measured_share(rows),
        "table": measures,
        "csv_url": data_url(lang, "country-risk", query),
        "zip_url": data_url(lang, "country-risk", query, "zip"),
        "chart": _risk_chart(history, lang, fmt, _, query, fmt.country(iso)),
        "sources": result.sources,
    }


@page("/countries/{country}")
def country_page(
    request: Request,
    lang: str,
    country: Annotated[str, Path(max_length=100)],
    as_of: DateParam = None,
) -> Response:
    """One country's profile (see the module's docstring)."""
    check_lang(lang)
    redirect = clean_redirect(request)
    if redirect:
        return redirect
    db = db_of(request)
    iso = _resolve(db, country)  # an unknown one: a 404 page suggesting the closest
    if iso != country:  # a name or a lower-case code: the canonical address is the ISO3 code's
        query = query_string(dict(request.query_params))
        return RedirectResponse(f"/{lang}/countries/{iso}" + (f"?{query}" if query else ""), status_code=301)
    fmt = formatter(request, lang)
    key = ("country", iso, as_of, lang)
    return cached_page(request, lang, "country.html", key, lambda: profile_values(db, iso, as_of, lang, fmt))


def profile_values(db: Lazos, iso: str, as_of: str | None, lang: str, fmt: Formatter) -> dict[str, Any]:
    """What the country's page shows, in ``lang`` (kept for the database's version: see
    lazos.web.pages.projects.cached_page)."""
    _ = gettext_for(lang)
    day = parse_as_of(as_of)
    query = {"country": iso, "as_of": as_of}
    profile = db.country(iso, as_of=as_of)
    info = profile.info
    name = fmt.country(iso)

    if info.get("celac"):
        connectivity, connectivity_missing = analysis_or_reason(lambda: connectivity_table(db, query))
        risk, risk_missing = analysis_or_reason(lambda: _risk(db, iso, as_of, lang, fmt, _, query))
        alerts = db.alerts(country=iso, as_of=as_of)
    else:  # China, territories, regional aggregates: the analyses cover the CELAC states
        outside = _("The index, the risk rating and the alerts cover the 33 CELAC states; %(country)s is not one.")
        connectivity, connectivity_missing = None, outside % {"country": name}
        risk, risk_missing = None, outside % {"country": name}
        alerts = None
    projects = profile.projects
    points = project_points(db, projects.frame, as_of)
    located = points.frame["project_id"].nunique()
    has_documents = not db.documents().empty
    claims = db.claims(country=iso) if has_documents else None
    rest = query_string({"country": iso, "as_of": as_of})
    finance = _finance_chart(finance_table(db, query), iso, lang, fmt, _, query)
    alerts_shown = alerts.with_frame(alerts.frame.drop(columns=["inputs"]), alerts.sources) if alerts else None
    return dict(
        title=name,
        iso=iso,
        info=info,
        as_of=as_of,
        as_of_day=day,
        name=name,
        bri_label=_(BRI[info["bri_status"]]) if info.get("bri_status") in BRI else None,
        events=profile.events,
        events_csv=f"/api/v1/events.csv?{rest}",
        connectivity=_connectivity_chart(connectivity, iso, lang, fmt, _, query) if connectivity else None,
        connectivity_missing=connectivity_missing,
        risk=risk,
        risk_missing=risk_missing,
        risk_label=lambda code: _(RISK.get(code, code)),
        measure_status=lambda code: _(MEASURE_STATUS.get(code, code)),
        alerts=alerts_shown,
        alerts_csv=f"/api/v1/alerts.csv?{rest}",
        severity_label=lambda code: _(SEVERITY.get(code, code)),
        trade=_trade_chart(trade_table(db, query), iso, lang, fmt, _, query),
        finance=finance,
        finance_left=len(projects.frame) - int(finance.table.frame["projects"].sum()),
        indicators=profile.indicators,
        indicators_csv=data_url(lang, "country-indicators", query),
        indicators_zip=data_url(lang, "country-indicators", query, "zip"),
        projects=projects,
        project_rows=Table("projects", projects.frame.head(PROJECTS_SHOWN)).rows,
        projects_shown=min(PROJECTS_SHOWN, len(projects.frame)),
        projects_csv=f"/api/v1/projects.csv?{query_string({'country': iso, 'as_of': as_of, 'sort': '-amount_usd'})}",
        explorer_url=f"/{lang}/projects?{query_string({'country': iso, 'as_of': as_of, 'sort': '-amount_usd'})}",
        sector_label=lambda s: sector_label(_, s),
        status_label=lambda s: status_label(_, s),
        located=located,
        unlocated=len(projects.frame) - located,
        point_count=len(points.frame),
        points_csv=data_url(lang, "project-points", query),
        points_zip=data_url(lang, "project-points", query, "zip"),
        project_map=points_figure(iso, map_points(points, lang, _), lang, fmt, _),
        has_documents=has_documents,
        claims=claims,
        claims_csv=f"/api/v1/claims.csv?country={iso}",
        claim_status=lambda code: _(CLAIM_STATUS.get(code, code)),
        value_text=lambda value, unit: format_value(fmt, value, unit),
    )


def _resolve(db: Lazos, country: str) -> str:
    """The ISO3 code ``country`` names; an unknown one is the API's error (suggesting the closest
    names), or, when nothing is close, an error offering the nearest codes."""
    try:
        return db.resolve_country(country)
    except LazosError as exc:
        if "did you mean" in str(exc):
            raise
        states = db.countries().frame
        codes = dict(zip(states["name_en"].str.casefold(), states["iso3"], strict=True))
        near = nearest(country, list(states["iso3"]) + list(codes))
        raise nothing_close("country", country, list(dict.fromkeys(codes.get(n, n) for n in near))) from exc


def format_value(fmt: Formatter, value: Any, unit: Any) -> str:
    """An indicator's value as its unit reads: money, a percentage, people, or a number and its unit."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return fmt.missing
    unit = str(unit or "")
    if unit == "USD":
        return fmt.money(value, "USD")
    if unit in ("percent", "%"):
        return fmt.percent(float(value) / 100, 1)
    if unit == "people":
        return fmt.integer(value)
    digits = 0 if abs(float(value)) >= 1000 else 2
    return f"{fmt.number(value, digits)} {unit}".strip()
