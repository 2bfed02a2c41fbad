"""Early-warning signals: the rules of alerts.yaml run over the data, as dated alerts.

Each alert names its country, the period its figures describe, its severity, the figures
and their sources, and a plain sentence built from them. An alert is dated by the end of
the period it describes (an event: by the end of its date), so ``since`` selects what
happened from a date on.
"""

from __future__ import annotations

import calendar
import itertools
import math
from datetime import date
from typing import Any

import pandas as pd

from lazos.analytics.facts import Facts
from lazos.analytics.measures import end_of, event_input, series_input
from lazos.analytics.method import AlertRule, Alerts, Thresholds
from lazos.analytics.news import finite, median, month_of, months_before, plural
from lazos.dates import parse_fuzzy
from lazos.errors import InvalidDateError
from lazos.formatting import number, quantity

SEVERITY_ORDER = {"severe": 0, "warning": 1, "info": 2}
COLUMNS = [
    "alert_id",
    "date",
    "country",
    "name",
    "severity",
    "rule",
    "label",
    "period",
    "value",
    "threshold",
    "unit",
    "message",
    "sources",
    "inputs",
    "rules_version",
]


def parse_since(text: str | date | None) -> date | None:
    """The first day a ``since`` value covers: a year means its 1 January, a month its 1st,
    a full date (YYYY-MM-DD) itself. Blank means no limit; anything else is an error.

    (Unlike ``as_of``, which reads a year as its last day: "since 2025" must keep what
    happened in February 2025.)
    """
    if text is None or isinstance(text, date):
        return text
    try:
        fuzzy = parse_fuzzy(str(text))
    except InvalidDateError as exc:
        raise InvalidDateError(
            f"invalid since date {str(text)!r}: expected YYYY (from 1 January), YYYY-MM (from the 1st) "
            f"or YYYY-MM-DD ({exc})"
        ) from None
    if fuzzy.precision == "range":
        raise InvalidDateError(f"invalid since date {text!r}: give one date (YYYY, YYYY-MM or YYYY-MM-DD), not a range")
    return fuzzy.start


def _crossed(value: float, above: Thresholds | None, below: Thresholds | None) -> tuple[str, float] | None:
    """The worst severity whose threshold the value passes, with that threshold."""
    for severity in ("severe", "warning"):
        if above is not None and (t := getattr(above, severity)) is not None and value > t:
            return severity, t
        if below is not None and (t := getattr(below, severity)) is not None and value < t:
            return severity, t
    return None


def _sources_text(facts: Facts, inputs: list[dict[str, Any]]) -> str:
    labels = []
    for i in inputs:
        label = i.get("source") or i.get("source_id")
        if label and label not in labels:
            labels.append(label)
    return "; ".join(labels)


def _alert(
    facts: Facts,
    rules: Alerts,
    rule_id: str,
    rule: AlertRule,
    country: str,
    period: str,
    when: date,
    severity: str,
    value: float | None,
    threshold: float | None,
    inputs: list[dict[str, Any]],
    **fields: Any,
) -> dict[str, Any]:
    unit = rule.unit
    text = {
        "country": facts.names.get(country, country),
        "period": period,
        "value": quantity(value, unit) if value is not None else "",
        "threshold": quantity(threshold, unit) if threshold is not None else "",
        "unit": unit,
        "source": _sources_text(facts, inputs),
        **fields,
    }
    extra = fields.get("indicator", "")
    return {
        "alert_id": ":".join(p for p in (rule_id, country, period, extra) if p),
        "date": when,
        "country": country,
        "name": facts.names.get(country, country),
        "severity": severity,
        "rule": rule_id,
        "label": rule.label,
        "period": period,
        "value": value,
        "threshold": threshold,
        "unit": unit or None,
        "message": " ".join(rule.explanation.format(**text).split()),
        "sources": sorted({i["source_id"] for i in inputs if i.get("source_id")}),
        "inputs": inputs,
        "rules_version": rules.version,
    }


def _newly_crossed(
    value: float, previous: float, above: Thresholds | None, below: Thresholds | None
) -> tuple[str, float] | None:
    """The worst severity whose threshold the value passes and the previous year's value did not."""
    for severity in ("severe", "warning"):
        if above is not None and (t := getattr(above, severity)) is not None and value > t >= previous:
            return severity, t
        if below is not None and (t := getattr(below, severity)) is not None and value < t <= previous:
            return severity, t
    return None


def _estimates(points: list[Any]) -> str:
    """Which of the figures are a publisher's estimates or projections, as the explanation says it."""
    years = [str(p.year) for p in points if getattr(p, "estimate", False)]
    if not years:
        return ""
    return f"; {' and '.join(years)}: {'an estimate' if len(years) == 1 else 'estimates'}, not yet an outturn"


def _level(facts: Facts, rules: Alerts, rid: str, rule: AlertRule, country: str) -> list[dict[str, Any]]:
    """A value beyond a threshold: every year it is (``crossing: false``), or only the year it
    passes it, the year before being on the other side (``crossing: true``). A year that has not
    ended by the as-of date (today, by default) raises nothing: its figure is a projection."""
    points = facts.series.get((country, None, rule.indicator or ""), {})
    today = facts.as_of or date.today()
    last = today.year if today >= end_of(today.year) else today.year - 1
    _, unit = facts.indicator_info.get(rule.indicator or "", ("", ""))
    out = []
    for year, p in sorted(points.items()):
        if year < rules.first_year or year > last:
            continue
        prev = points.get(year - 1)
        if rule.crossing:
            hit = _newly_crossed(p.value, prev.value, rule.above, rule.below) if prev is not None else None
            shown = [prev, p] if prev is not None else [p]
        else:
            hit = _crossed(p.value, rule.above, rule.below)
            shown = [p]
        if hit:
            inputs = [series_input(facts, country, rule.indicator or "", q) for q in shown]  # estimates marked
            fields: dict[str, Any] = {"estimate": _estimates(shown)}
            if prev is not None:
                fields |= {"previous": quantity(prev.value, unit), "previous_period": str(year - 1)}
            out.append(
                _alert(
                    facts, rules, rid, rule, country, str(year), end_of(year), hit[0], p.value, hit[1], inputs, **fields
                )
            )
    return out


def _change(facts: Facts, rules: Alerts, rid: str, rule: AlertRule, country: str) -> list[dict[str, Any]]:
    points = facts.series.get((country, None, rule.indicator or ""), {})
    out = []
    for year, cur in sorted(points.items()):
        prev = points.get(year - 1)
        if year < rules.first_year or prev is None or cur.value == 0 or prev.value == 0:
            continue
        value = (prev.value / cur.value - 1) * 100 if rule.invert else (cur.value / prev.value - 1) * 100
        hit = _crossed(value, rule.above, rule.below)
        if hit:
            _, unit = facts.indicator_info.get(rule.indicator or "", ("", ""))
            inputs = [series_input(facts, country, rule.indicator or "", p) for p in (prev, cur)]
            out.append(
                _alert(
                    facts,
                    rules,
                    rid,
                    rule,
                    country,
                    str(year),
                    end_of(year),
                    hit[0],
                    value,
                    hit[1],
                    inputs,
                    previous=quantity(prev.value, unit),
                    previous_period=str(year - 1),
                    current=quantity(cur.value, unit),
                )
            )
    return out


def _ratio(facts: Facts, rules: Alerts, rid: str, rule: AlertRule, country: str) -> list[dict[str, Any]]:
    parts = [*rule.numerator, *rule.denominator]
    years = set.intersection(*(set(facts.series.get((country, r.partner, r.indicator), {})) for r in parts))
    out = []
    for year in sorted(y for y in years if y >= rules.first_year):
        points = [facts.series[(country, r.partner, r.indicator)][year] for r in parts]
        den = sum(p.value for p in points[len(rule.numerator) :])
        if den == 0:
            continue
        value = sum(p.value for p in points[: len(rule.numerator)]) / den * rule.scale
        hit = _crossed(value, rule.above, rule.below)
        if hit:
            pairs = zip(parts, points, strict=True)
            inputs = [series_input(facts, country, r.indicator, p, r.partner) for r, p in pairs]
            out.append(_alert(facts, rules, rid, rule, country, str(year), end_of(year), hit[0], value, hit[1], inputs))
    return out


def _governance(facts: Facts, rules: Alerts, rid: str, rule: AlertRule, country: str) -> list[dict[str, Any]]:
    out = []
    assert rule.min_drop is not None
    for code in rule.indicators:
        points = facts.series.get((country, None, code), {})
        errors = facts.series.get((country, None, f"{code[:-4]}.STD.ERR"), {})
        years = sorted(points)
        for prev_year, year in itertools.pairwise(years):
            if year < rules.first_year:
                continue
            prev, cur = points[prev_year], points[year]
            drop = prev.value - cur.value
            se_prev, se_cur = errors.get(prev_year), errors.get(year)
            if se_prev is None or se_cur is None:
                continue  # without standard errors a fall cannot be told from noise
            margin = rule.confidence_z * math.hypot(se_prev.value, se_cur.value)
            severity = next(
                (s for s in ("severe", "warning") if (t := getattr(rule.min_drop, s)) is not None and drop >= t), None
            )
            if severity is None or drop <= margin:
                continue
            inputs = [series_input(facts, country, code, p) for p in (prev, cur)]
            inputs += [series_input(facts, country, f"{code[:-4]}.STD.ERR", p) for p in (se_prev, se_cur)]
            name = facts.indicator_info.get(code, (code, ""))[0].split(":")[0]
            out.append(
                _alert(
                    facts,
                    rules,
                    rid,
                    rule,
                    country,
                    str(year),
                    end_of(year),
                    severity,
                    drop,
                    getattr(rule.min_drop, severity),
                    inputs,
                    indicator=code,
                    indicator_name=name.lower(),
                    previous=number(prev.value),
                    previous_period=str(prev_year),
                    current=number(cur.value),
                    margin=f"±{number(margin)} at {rule.confidence_z:g} standard errors",
                )
            )
    return out


def _events(facts: Facts, rules: Alerts, rid: str, rule: AlertRule, country: str) -> list[dict[str, Any]]:
    out = []
    for e in facts.events.get(country, []):
        if e.kind in rule.kinds and e.end.year >= rules.first_year:
            inputs = [event_input(facts, e)]
            out.append(
                _alert(facts, rules, rid, rule, country, e.date, e.end, rule.severity or "info", None, None, inputs)
            )
    return out


def news_input(facts: Facts, e: Any, linked_by: str) -> dict[str, Any]:
    """One news event as an input of an alert: its article (``source_url``) and the GDELT file
    it was read from (``source_id``, ``file_url``), and what links it to Chinese projects or firms."""
    sides = " → ".join(str(a or b or "?") for a, b in ((e.actor1_name, e.actor1_code), (e.actor2_name, e.actor2_code)))
    return {
        "kind": "news_event",
        "event_id": e.event_id,
        "label": f"CAMEO {e.event_code}: {sides}",
        "period": e.day,
        "value": finite(e.num_articles),
        "unit": "articles",
        "event_code": e.event_code,
        "linked_by": linked_by,
        "source_id": e.source_id,
        "source": facts.source_label(e.source_id),
        "source_url": e.source_url,
        "file_url": e.file_url,
    }


def linked_events(facts: Facts, rule: AlertRule, country: str) -> pd.DataFrame:
    """The country's news events of the rule's CAMEO roots that are linked to Chinese projects
    or firms (rule ``linked``), each with why (``linked_by``) and its month, oldest first."""
    news = facts.news
    if news.empty or rule.linked is None:
        return news
    mine = news[(news["country"] == country) & news["event_root_code"].isin(list(rule.roots))]
    columns = [mine[c].tolist() for c in ("match", "actor1_code", "actor1_country", "actor2_code", "actor2_country")]
    why = [rule.linked.linked(m, ((a, ac), (b, bc))) for m, a, ac, b, bc in zip(*columns, strict=True)]
    mine = mine.assign(linked_by=why, month=[month_of(d) for d in mine["day"]])
    return mine[mine["linked_by"].notna()]


def _news_surge(facts: Facts, rules: Alerts, rid: str, rule: AlertRule, country: str) -> list[dict[str, Any]]:
    """A month whose count of linked events reaches ``min_events`` and ``ratio`` times the
    median of the covered months before it (or ``without_history`` with too few of them)."""
    events = linked_events(facts, rule, country)
    if events.empty:
        return []
    assert rule.baseline_months and rule.min_history_months
    assert rule.min_events and rule.ratio and rule.without_history
    counts = events.groupby("month").size().to_dict()
    today = facts.as_of or date.today()
    out = []
    for month in sorted(counts):
        year, mon = int(month[:4]), int(month[5:7])
        if year < rules.first_year:
            continue
        count = int(counts[month])
        covered = [m for m in months_before(month, rule.baseline_months) if m in facts.news_months]
        if len(covered) >= rule.min_history_months:
            base = median([int(counts.get(m, 0)) for m in covered])
            needs = {
                s: math.ceil(max(getattr(rule.min_events, s), getattr(rule.ratio, s) * base))
                for s in ("severe", "warning")
            }
            baseline = f"against a median of {base:g} a month in the " + (
                f"{rule.baseline_months} months before it"
                if len(covered) == rule.baseline_months
                else f"{len(covered)} of the {rule.baseline_months} months before it with news read"
            )
        else:
            needs = {s: math.ceil(getattr(rule.without_history, s)) for s in ("severe", "warning")}
            baseline = (
                f"with news read in only {len(covered)} of the {rule.baseline_months} months before it, too few "
                f"for a baseline ({rule.min_history_months} needed), so the higher thresholds without one apply"
            )
        severity = next((s for s in ("severe", "warning") if count >= needs[s]), None)
        if severity is None:
            continue
        shown = events[events["month"] == month]
        by_root = shown["event_root_code"].value_counts()
        kinds = ", ".join(
            plural(int(n), rule.roots[str(r)]) for r, n in sorted(by_root.items(), key=lambda x: (-x[1], x[0]))
        )
        articles = shown["source_url"].dropna().nunique()
        inputs = [news_input(facts, e, e.linked_by) for e in shown.itertuples(index=False)]
        when = min(date(year, mon, calendar.monthrange(year, mon)[1]), today)
        out.append(
            _alert(
                facts,
                rules,
                rid,
                rule,
                country,
                month,
                when,
                severity,
                float(count),
                float(needs[severity]),
                inputs,
                kinds=kinds,
                articles=plural(int(articles), "article"),
                baseline=baseline,
                level=severity,
            )
        )
    return out


KINDS = {
    "level": _level,
    "change": _change,
    "ratio": _ratio,
    "governance_drop": _governance,
    "event": _events,
    "news_surge": _news_surge,
}


def compute(facts: Facts, rules: Alerts, countries: list[str] | None = None) -> pd.DataFrame:
    """Every alert the rules raise on the facts, newest first."""
    rows: list[dict[str, Any]] = []
    for country in countries or facts.countries:
        for rid, rule in rules.rules.items():
            rows += KINDS[rule.kind](facts, rules, rid, rule, country)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    frame["_s"] = frame["severity"].map(SEVERITY_ORDER)
    frame = frame.sort_values(["date", "_s", "country", "rule", "alert_id"], ascending=[False, True, True, True, True])
    return frame.drop(columns="_s").reset_index(drop=True)
