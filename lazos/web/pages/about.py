"""Methodology, sources and about: method.yaml and alerts.yaml as readable pages (the packaged
method, as lazos.analytics.method loads and checks it), every source with its licence and how
many facts cite it, and what Lazos is, how to cite it and where its REST API is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any

import pandas as pd
from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from lazos.analytics.method import AlertRule, Alerts, Dimension, Indicator, Method, default_alerts, default_method
from lazos.api import Lazos, choose
from lazos.results import Table
from lazos.web.pages.data import data_url, dataset
from lazos.web.pages.documents import safe_url
from lazos.web.pages.i18n import LANG_NAMES, LANGS
from lazos.web.pages.render import db_of, gettext_for, render
from lazos.web.pages.routing import check_lang, page

SOURCE_KINDS = ("dataset", "reference", "document", "web_page")
SECTIONS = ("connectivity", "risk", "opportunities")


# ---------------------------------------------------------------------------- the method as rows


def _series(ind: Indicator | AlertRule) -> str:
    """The series an indicator or rule reads, as codes."""
    if getattr(ind, "numerator", None) and getattr(ind, "denominator", None):
        top = " + ".join(s.label() for s in ind.numerator)
        bottom = " + ".join(s.label() for s in ind.denominator)
        return f"({top}) / ({bottom})"
    codes = [ind.indicator] if ind.indicator else []
    codes += list(getattr(ind, "indicators", []) or [])
    partner = getattr(ind, "partner", None)
    return ", ".join(codes) + (f" (partner {partner})" if partner else "")


def _events(ind: Indicator) -> str:
    parts = [f"{kind} = {level:g}" for kind, level in ind.levels.items()]
    parts += list(ind.kinds)
    if ind.resets:
        parts.append("reset: " + ", ".join(ind.resets))
    return "; ".join(parts)


def indicator_row(section: str, dimension: str, dim: Dimension | None, key: str, ind: Indicator) -> dict[str, Any]:
    measured = dim.measured() if dim is not None else {}
    total = sum(i.weight for i in measured.values())
    low, high = ind.goalposts if ind.goalposts is not None else (None, None)
    return {
        "section": section,
        "dimension": dimension,
        "dimension_label": dim.label if dim is not None else "",
        "dimension_weight": dim.weight if dim is not None else None,
        "indicator": key,
        "label": ind.label,
        "measure": "project_value_usd" if ind.measure == "project_value" and not ind.per_gdp else ind.measure,
        "series": _series(ind) if ind.measure in ("series", "change", "ratio") else "",
        "events": _events(ind) if ind.measure.startswith("event_") else "",
        "sectors": ", ".join(ind.sectors),
        "stages": ", ".join(ind.stages),
        "window": ind.window,
        "weight": ind.weight,
        "share_of_dimension": (ind.weight / total) if ind.measured and total else None,
        "goalpost_low": low,
        "goalpost_high": high,
        "transform": ind.transform,
        "direction": ind.direction,
        "unit": ind.unit or "",
        "carry_forward": ind.carry_forward,
        "reason": ind.reason or "",
    }


def method_rows(method: Method) -> pd.DataFrame:
    """Every indicator of the index, the risk rating and the opportunity view, one row each."""
    rows = []
    for section in ("connectivity", "risk"):
        part = getattr(method, section)
        for name, dim in part.dimensions.items():
            rows += [indicator_row(section, name, dim, key, ind) for key, ind in dim.indicators.items()]
    needs = Dimension(label=method.opportunities.label, indicators=method.opportunities.needs)
    rows += [indicator_row("opportunities", "needs", needs, k, i) for k, i in method.opportunities.needs.items()]
    return pd.DataFrame(rows)


def alert_rows(alerts: Alerts) -> pd.DataFrame:
    """Every alert rule with its thresholds, one row each."""
    rows = []
    for key, rule in alerts.rules.items():
        bound = rule.above or rule.below or rule.min_drop or rule.min_events
        rows.append(
            {
                "rule": key,
                "label": rule.label,
                "kind": rule.kind,
                "series": _series(rule) if rule.kind not in ("event", "news_surge") else "",
                "events": ", ".join(rule.kinds) or ("CAMEO " + ", ".join(rule.roots) if rule.roots else ""),
                "direction": "above"
                if rule.above
                else "below"
                if rule.below
                else "drop"
                if rule.min_drop
                else "at_least"
                if rule.min_events
                else "",
                "warning": bound.warning if bound else None,
                "severe": bound.severe if bound else None,
                "severity": rule.severity or "",
                "unit": rule.unit,
                "confidence_z": rule.confidence_z if rule.kind == "governance_drop" else None,
                "explanation": rule.explanation,
            }
        )
    return pd.DataFrame(rows)


def _note(method: Method | Alerts) -> str:
    return f"version {method.version}, released {method.released}, SHA-256 {method.sha256}"


@dataset("method-indicators")
def method_indicators(db: Lazos, params: dict[str, str]) -> Table:
    method = default_method()
    return Table("method indicators", method_rows(method), note=f"lazos/analytics/method.yaml, {_note(method)}")


@dataset("alert-rules")
def alert_rules(db: Lazos, params: dict[str, str]) -> Table:
    alerts = default_alerts()
    return Table("alert rules", alert_rows(alerts), note=f"lazos/analytics/alerts.yaml, {_note(alerts)}")


def measure_labels(_: Callable[[str], str]) -> dict[str, str]:
    return {
        "series": _("the year's value of a series"),
        "ratio": _("a ratio of series"),
        "change": _("the change on the year before"),
        "event_level": _("the level of the latest tie in force"),
        "event_years": _("years since a tie began"),
        "event_count": _("events in the years before"),
        "project_value": _("Chinese-financed projects committed, as a share of GDP"),
        "project_count": _("projects at a stage"),
        "project_sectors": _("sectors with projects"),
        "project_value_usd": _("Chinese-financed projects committed, in US dollars"),
        "sum": _("a sum of series"),
        "stock": _("the latest count stated by the end of the year"),
        "event_balance": _("ties opened less ties ended"),
        "default_years": _("years since the last sovereign default"),
        "not_measured": _("not measured yet"),
    }


def alert_kind_labels(_: Callable[[str], str]) -> dict[str, str]:
    return {
        "level": _("level of a series"),
        "change": _("change on the year before"),
        "ratio": _("ratio of series"),
        "governance_drop": _("fall in a governance estimate beyond its margin of error"),
        "event": _("an event"),
        "news_surge": _("a surge of events in the news against the months before"),
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts, a missing number as None (not NaN)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _sections(method: Method) -> list[dict[str, Any]]:
    """The index's and the rating's dimensions, each with its indicators' rows."""
    rows = method_rows(method)
    out = []
    for section in ("connectivity", "risk"):
        part = getattr(method, section)
        dims = []
        for name, dim in part.dimensions.items():
            mine = rows[(rows["section"] == section) & (rows["dimension"] == name)]
            dims.append({"key": name, "label": dim.label, "weight": dim.weight, "rows": _records(mine)})
        out.append({"key": section, "label": part.label, "dimensions": dims})
    return out


@functools.cache
def _packaged_tables() -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The packaged method's sections, needs and alert rules as the page shows them (computed
    once: the packaged files do not change while Lazos runs; the template only reads them)."""
    method = default_method()
    rows = method_rows(method)
    connectivity, risk = _sections(method)
    needs = _records(rows[rows["section"] == "opportunities"])
    return connectivity, risk, needs, _records(alert_rows(default_alerts()))


# ---------------------------------------------------------------------------- pages


@page("/methodology")
def methodology_page(request: Request, lang: str) -> HTMLResponse:
    check_lang(lang)
    _ = gettext_for(lang)
    method, alerts = default_method(), default_alerts()
    connectivity, risk, needs, rules = _packaged_tables()
    return render(
        request,
        lang,
        "methodology.html",
        title=_("Methodology"),
        method=method,
        alerts=alerts,
        connectivity=connectivity,
        risk=risk,
        needs=needs,
        rules=rules,
        measures=measure_labels(_),
        alert_kinds=alert_kind_labels(_),
        indicators_csv=data_url(lang, "method-indicators", {}),
        indicators_zip=data_url(lang, "method-indicators", {"from": f"/{lang}/methodology"}, "zip"),
        alerts_csv=data_url(lang, "alert-rules", {}),
        alerts_zip=data_url(lang, "alert-rules", {"from": f"/{lang}/methodology"}, "zip"),
    )


def source_rows(db: Lazos, kind: str | None) -> list[dict[str, Any]]:
    """Every source (or those of one kind) with its label, licence and facts, the most cited
    kinds of source first (datasets, reference lists, documents, web pages), then by facts."""
    frame = db.sources().frame
    labels = db.source_labels().frame.set_index("source_id")["source_label"]
    frame["label"] = frame["source_id"].map(labels).fillna(frame["source_id"])
    if kind:
        frame = frame[frame["kind"] == kind]
    rank = {k: i for i, k in enumerate(SOURCE_KINDS)}
    frame = frame.assign(_rank=frame["kind"].map(rank).fillna(len(rank)))
    frame = frame.sort_values(["_rank", "facts", "label"], ascending=[True, False, True], kind="stable")
    rows = []
    for row in frame.to_dict("records"):
        row["url"] = safe_url(row.get("url"))
        rows.append(row)
    return rows


@page("/sources")
def sources_page(request: Request, lang: str, kind: Annotated[str | None, Query(max_length=50)] = None) -> HTMLResponse:
    check_lang(lang)
    db = db_of(request)
    _ = gettext_for(lang)
    kind = kind.strip() or None if kind else None
    if kind:  # an unknown kind: a 422 page suggesting the closest
        kind = choose(kind, SOURCE_KINDS, "source kind", "use dataset, reference, document or web_page")
    rows = source_rows(db, kind)
    every = db.sources().frame
    counts = every["kind"].value_counts()
    kinds = {
        "dataset": _("Datasets"),
        "reference": _("Reference lists"),
        "document": _("Documents"),
        "web_page": _("Web pages"),
    }
    kind_names = {
        "dataset": _("dataset"),
        "reference": _("reference list"),
        "document": _("document"),
        "web_page": _("web page"),
    }
    return render(
        request,
        lang,
        "sources.html",
        title=_("Sources and licences"),
        sources=rows,
        total=len(every),
        kind=kind,
        kinds=[(k, kinds[k], int(counts.get(k, 0))) for k in SOURCE_KINDS],
        kind_names=kind_names,
        kind_plural=kinds,
        licensed=int(every["licence"].notna().sum()),
        csv_url="/api/v1/sources.csv",
    )


@page("/about")
def about_page(request: Request, lang: str) -> HTMLResponse:
    check_lang(lang)
    db = db_of(request)
    _ = gettext_for(lang)
    overview = db.overview()
    method = default_method()
    return render(
        request,
        lang,
        "about.html",
        title=_("About Lazos"),
        counts=overview.counts,
        method=method,
        alerts=default_alerts(),
        languages=[(code, LANG_NAMES[code]) for code in LANGS],
        last_load=db.last_load_id(),
    )
