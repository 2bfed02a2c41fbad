"""What a brief says: the values its templates draw, in one language, as of one date.

A country's brief takes the values of its web profile (lazos.web.pages.country.profile_values:
the same Python API calls, the same Vega-Lite chart specifications, the same translated labels)
and keeps what fits on 2–4 pages: the headline ties, the latest scores, the current alerts, the
largest projects. The region's brief gathers the same figures for the 33 CELAC states. Both
carry a :class:`~lazos.briefs.notes.Notes` the templates cite sources through.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lazos import __version__
from lazos.analytics.method import default_alerts, default_method
from lazos.api import Lazos
from lazos.dates import parse_as_of
from lazos.errors import LazosError
from lazos.jsonable import records
from lazos.results import Table
from lazos.web.pages.analyses import celac_states, scores_frame, sources_of, value_map
from lazos.web.pages.charts import Chart
from lazos.web.pages.country import (
    CONNECTIVITY,
    SEVERITY,
    analysis_or_reason,
    counted_projects,
    finance_by_sector,
    finance_spec,
    format_value,
    profile_values,
    trade_spec,
)
from lazos.web.pages.country import TRADE as TRADE_FLOWS
from lazos.web.pages.i18n import Formatter, translations
from lazos.web.pages.projects import sector_label
from lazos.web.pages.render import N_, formatter_for, gettext_for

from .notes import Notes, by_dataset, by_source

EVENTS_SHOWN = 12  # the headline ties on the timeline, latest first
ALERTS_SHOWN = 6
PROJECTS_SHOWN = 10
CLAIMS_SHOWN = 8
REGION_ALERTS_SHOWN = 10
SEVERITY_ORDER = {"severe": 0, "warning": 1, "info": 2}
UNITLESS = ("level", "score", "index")  # units that read as a bare number (a level 0-1, a score)
CONFIDENCE = (N_("high"), N_("medium"), N_("low"))  # a rating's confidence, shown with label()
TITLE = {"country": N_("China–%(country)s: country brief"), "region": N_("China–Latin America and the Caribbean")}


def _common(db: Lazos, lang: str, as_of: str | None, group: Any = by_source) -> dict[str, Any]:
    """What every brief prints about itself: the date of its data, the methods' versions, Lazos's version."""
    day = parse_as_of(as_of)
    # the analyses are computed with the packaged method and alert rules (lazos/analytics/*.yaml)
    methods = {"index": default_method().version, "risk": default_method().version, "alerts": default_alerts().version}
    sources = db.sources(as_of=day).frame  # the sources known on the date: the data's vintage
    # every source described (a fact known on the date may cite a source recorded later)
    rows = {r["source_id"]: r for r in records(db.sources().frame)}
    fmt = formatter_for(db, lang)
    return dict(
        lang=lang,
        fmt=fmt,
        stop="。" if lang == "zh" else ". ",  # between a caption's title and its text
        label=translations(lang).gettext,  # a label of the data's or methods' vocabularies (web.pages.vocabulary)
        value_text=lambda value, unit: format_value(fmt, value, "" if unit in UNITLESS else unit),
        as_of=as_of,
        as_of_day=day,
        made=date.today(),
        version=__version__,
        methods=methods,
        retrieved=max(sources["retrieved"].dropna().astype(str), default=None),
        notes=Notes(rows=rows, group=group),
    )


def current_alerts(alerts: Table | None, since: int) -> list[dict[str, Any]]:
    """The alerts of the year ``since`` (the analyses' latest year) and after, severe first."""
    if alerts is None or alerts.frame.empty:
        return []
    frame = alerts.frame
    now = frame[frame["period"].astype(str).str[:4] >= str(since)]
    order = now["severity"].map(SEVERITY_ORDER).fillna(9)
    now = now.assign(order=order).sort_values(
        ["order", "period", "country", "rule"], ascending=[True, False, True, True]
    )
    return records(now.drop(columns=["order", "inputs"], errors="ignore"))


def country_content(db: Lazos, country: str, lang: str, as_of: str | None = None) -> dict[str, Any]:
    """The values of a country's brief (see the module's docstring)."""
    iso = db.resolve_country(country)
    base = _common(db, lang, as_of)
    fmt, _ = base["fmt"], gettext_for(lang)
    values = profile_values(db, iso, as_of, lang, fmt)
    info = values["info"]
    if not info.get("celac"):
        raise LazosError(f"briefs cover the 33 CELAC states and the region; {iso} is not one of them")
    events = values["events"].frame
    headline = events[events["is_headline"].fillna(False).astype(bool)] if "is_headline" in events else events
    timeline = records(headline.sort_values("date_start").tail(EVENTS_SHOWN))
    scores = _index_scores(db, iso, base["as_of_day"])
    risk, risk_missing = values["risk"], values["risk_missing"]
    if risk is not None:
        latest = risk["latest"]
        risk = {**risk, "confidence": str(latest.get("confidence") or "").split(":")[0].strip()}
        if latest.get("grade") is None:
            risk_missing = _(
                "Not rated in %(year)s: fewer than four of the five dimensions could be scored with the data "
                "known as of this date."
            ) % {"year": latest["year"]}
            risk = None
    try:
        since: int | None = db.latest_analysis_year(as_of=base["as_of_day"])
    except LazosError:  # a date before the analyses' first year: no analysis, so no alert (the sections say why)
        since = None
    alerts = current_alerts(values["alerts"], since) if since is not None else []
    trade = values["trade"].table.frame
    latest_trade = trade.sort_values("period_end").groupby("indicator").tail(1) if len(trade) else trade
    claims = values["claims"]
    claim_rows = records(claims.frame.head(CLAIMS_SHOWN)) if claims is not None else []
    finance = values["finance"].table.frame
    return dict(
        base,
        kind="country",
        iso=iso,
        title=_(TITLE["country"]) % {"country": values["name"]},
        name=values["name"],
        info=info,
        bri_label=values["bri_label"],
        timeline=timeline,
        events_total=len(events),
        index=scores,
        connectivity=values["connectivity"],
        connectivity_missing=values["connectivity_missing"],
        connectivity_latest=_latest(values["connectivity"]),
        dimension_label=lambda code: _(CONNECTIVITY.get(code, code)),
        risk=risk,
        risk_missing=risk_missing,
        alerts=alerts[:ALERTS_SHOWN],
        alerts_current=len(alerts),
        alerts_since=since,
        severity_label=values["severity_label"],
        trade=values["trade"],
        latest_trade=records(latest_trade),
        flow_label=lambda code: _(TRADE_FLOWS.get(code, code)),
        finance=values["finance"],
        finance_total=float(finance["amount_usd"].sum()) if len(finance) else None,
        finance_projects=int(finance["projects"].sum()) if len(finance) else 0,
        finance_left=values["finance_left"],
        projects=values["projects"],
        project_rows=values["project_rows"][:PROJECTS_SHOWN],
        sector_label=values["sector_label"],
        status_label=values["status_label"],
        has_documents=values["has_documents"],
        claims=claim_rows,
        claims_total=len(claims.frame) if claims is not None else 0,
        claim_status=values["claim_status"],
    )


def _index_scores(db: Lazos, iso: str, day: date | None) -> dict[str, Any] | None:
    """The country's composite index and rank in the latest year scored (None before the method's years)."""
    result, _ = analysis_or_reason(lambda: db.connectivity_index(as_of=day))
    if result is None:
        return None
    mine = result.scores[result.scores["country"] == iso]
    if mine.empty:
        return None
    row = records(mine.sort_values("year").tail(1))[0]
    row["ranked"] = int(result.scores[result.scores["year"] == row["year"]]["rank"].notna().sum())
    return row


def _latest(chart: Chart | None) -> list[dict[str, Any]]:
    """The latest year's rows of the connectivity chart's table (dimension, score, median, coverage)."""
    if chart is None or chart.table.frame.empty:
        return []
    frame = chart.table.frame
    return records(frame[frame["year"] == frame["year"].max()])


# ---------------------------------------------------------------------------- the region


def region_content(db: Lazos, lang: str, as_of: str | None = None) -> dict[str, Any]:
    """The values of the region's brief: a map and ranking of the index, the risk grades, regional
    trade and finance, and the current alerts of the 33 CELAC states."""
    base = _common(db, lang, as_of, by_dataset)
    fmt, _ = base["fmt"], gettext_for(lang)
    day = base["as_of_day"]
    states = celac_states(db)
    index = db.connectivity_index(as_of=day)
    year = int(index.scores["year"].max())
    index_rows = scores_frame(index)
    index_rows = index_rows[(index_rows["year"] == year) & index_rows["country"].isin(states["iso3"])]
    risk = db.risk(as_of=day)
    risk_rows = scores_frame(risk)
    risk_rows = risk_rows[risk_rows["year"] == risk_rows["year"].max()][["country", "score", "grade", "sources"]]
    figure = value_map(
        index_rows.rename(columns={"composite": "value"}),
        kind="score",
        lang=lang,
        fmt=fmt,
        _=_,
        db=db,
        title=_("Five Connectivities index, %(year)s") % {"year": year},
        what=_("the composite index in %(year)s") % {"year": year},
        map_id="region-map",
        href=lambda iso: "",
    )
    ranking = index_rows[["country", "composite", "rank", "comparable", "dimensions_scored", *CONNECTIVITY]].merge(
        risk_rows.rename(columns={"score": "risk_score", "sources": "risk_sources"}), on="country", how="outer"
    )
    ranking = ranking.sort_values(["rank", "country"], na_position="last")
    trade_chart, trade_table = _region_trade(db, day, _)
    finance_chart, finance_table = _region_finance(db, day, fmt, _)
    alerts = db.alerts(as_of=day)
    since = db.latest_analysis_year(as_of=day)
    shown_alerts = current_alerts(alerts, since)
    overview = db.overview(as_of=day)
    bri = db.bri_participants(as_of=day)
    return dict(
        base,
        kind="region",
        title=_(TITLE["region"]),
        name=_("Latin America and the Caribbean"),
        year=year,
        counts=overview.counts,
        coverage=overview.coverage,
        bri=records(bri.frame),
        map=figure,
        index_sources=sources_of(db, index_rows),
        ranking=records(ranking),
        risk_sources=sources_of(db, risk_rows),
        risk_year=int(risk.scores["year"].max()),
        dimension_label=lambda code: _(CONNECTIVITY.get(code, code)),
        trade=trade_chart,
        trade_table=trade_table,
        finance=finance_chart,
        finance_table=finance_table,
        alerts=shown_alerts[:REGION_ALERTS_SHOWN],
        alerts_current=len(shown_alerts),
        alerts_since=since,
        alerts_total=len(alerts.frame),
        severity_label=lambda code: _(SEVERITY.get(code, code)),
    )


def _region_trade(db: Lazos, day: date | None, _: Any) -> tuple[Chart, Table]:
    """The CELAC states' goods trade with China by year, as they report it, with how many reported."""
    states = set(celac_states(db)["iso3"])
    obs = db.observations(as_of=day, partner="CHN", indicator=list(TRADE_FLOWS))
    frame = obs.frame[obs.frame["entity"].isin(states) & obs.frame["period"].astype(str).str.fullmatch(r"\d{4}")]
    grouped = (
        frame.assign(year=frame["period"].astype(int))
        .groupby(["year", "indicator"])
        .agg(value=("value", "sum"), reporters=("entity", "nunique"))
        .reset_index()
    )
    long = [
        {"year": str(r["year"]), "flow": _(TRADE_FLOWS[r["indicator"]]), "usd_bn": r["value"] / 1e9}
        for r in records(grouped)
    ]
    description = _("Goods trade of the CELAC states with China as they report it, summed by year.")
    spec = trade_spec(description, long, _)
    table = Table("CELAC goods trade with China by year", grouped, day, obs.with_frame(frame).sources)
    return Chart("region-trade", _("Trade in goods with China"), description, spec, table, ""), table


def _region_finance(db: Lazos, day: date | None, fmt: Formatter, _: Any) -> tuple[Chart, Table]:
    """Chinese finance in the CELAC states by sector and year (headline US$ amounts of the projects
    counted, by the year of their first dated milestone), as each country's profile counts it."""
    projects = db.projects(as_of=day)
    frame = projects.frame
    counted = counted_projects(frame)
    grouped = finance_by_sector(counted)
    long = [
        {
            "year": r["year"],
            "sector": sector_label(_, r["sector"]) or _("Unknown sector"),
            "usd_bn": r["amount_usd"] / 1e9,
            "projects": r["projects"],
        }
        for r in records(grouped)
    ]
    description = _("Chinese finance in the CELAC states by sector and year, %(total)s in all.") % {
        "total": fmt.money(counted["amount_usd"].sum())
    }
    spec = finance_spec(description, long, "usd_bn", _("US$ billions"), _)
    table = Table(
        "Chinese finance in the CELAC states by sector and year",
        grouped,
        day,
        projects.with_frame(counted).sources,
        note=f"{len(frame) - len(counted)} of {len(frame)} projects are not counted.",
    )
    chart = Chart("region-finance", _("Chinese finance by sector and year"), description, spec, table, "")
    return chart, table


def content(db: Lazos, target: str | None, lang: str, as_of: str | None = None) -> dict[str, Any]:
    """A country's brief (``target`` names it) or the region's (``target`` None)."""
    if target is None:
        return region_content(db, lang, as_of)
    return country_content(db, target, lang, as_of)
