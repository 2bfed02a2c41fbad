"""How each kind of indicator is measured for a country and a year, with its inputs.

Every function returns a :class:`Measured`: the raw value (or None), whether it was
measured for the year itself, carried from an earlier year, or is missing, and the inputs it
was computed from, each with its source, so that an explanation can name them. A value
missing from the data is never read as zero: the only zeros are counts of things Lazos holds
a complete record of (events of a kind, projects), and those say so in their note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lazos.analytics.facts import Facts, Point, Project
from lazos.analytics.method import Indicator, SeriesRef

MEASURED, CARRIED, MISSING, NOT_MEASURED = "measured", "carried", "missing", "not_measured"
NOT_APPLICABLE = "not_applicable"  # the indicator is for another exchange-rate regime
EVENT_CENSUS = (
    "Lazos's event record is a census of these agreements for the CELAC states: no event means none was made."
)
PROJECT_CENSUS = (
    "Counted from the projects Lazos holds (AidData GCDF 3.0 to 2021 and curated projects); "
    "no project means none is recorded."
)


@dataclass
class Measured:
    raw: float | None
    status: str
    value_year: int | None = None
    inputs: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


def end_of(year: int) -> date:
    return date(year, 12, 31)


def series_input(
    facts: Facts, country: str, indicator: str, point: Point, partner: str | None = None
) -> dict[str, Any]:
    """One series value as an input of a computation, with its source."""
    read = point.indicator or indicator
    name, unit = facts.indicator_info.get(read, (read, ""))
    out = {
        "kind": "series",
        "indicator": read,
        "entity": country,
        "partner": partner,
        "label": name,
        "period": str(point.year),
        "value": point.value,
        "unit": unit,
        "source_id": point.source_id,
        "source": facts.source_label(point.source_id),
        "source_url": facts.source_url(point.source_id),
    }
    # Every input has the same keys (a table of inputs, e.g. a Parquet download, needs one shape).
    out["stands_in_for"] = indicator if read != indicator else None
    out["estimate"] = point.estimate
    if read != indicator and point.scale != 1:
        out["label"] = f"{name} × {point.scale:g}"
    return out


def event_input(facts: Facts, e: Any) -> dict[str, Any]:
    """One event as an input of a computation, with its source."""
    return {
        "kind": "event",
        "event_id": e.event_id,
        "label": e.kind,
        "period": e.date,
        "value": e.detail,
        "source_id": e.source_id,
        "source": facts.source_label(e.source_id),
        "source_url": facts.source_url(e.source_id),
    }


def _project_input(facts: Facts, p: Project, value: float | None = None) -> dict[str, Any]:
    return {
        "kind": "project",
        "project_id": p.project_id,
        "label": p.name,
        "sector": p.sector,
        "period": p.committed.isoformat() if p.committed else None,
        "value": value,
        "unit": p.basis,
        "source_id": p.amount_source_id or p.source_id,
        "source": facts.source_label(p.amount_source_id or p.source_id),
        "source_url": facts.source_url(p.amount_source_id or p.source_id),
    }


def _missing(what: str, year: int, carry: int) -> Measured:
    span = f"{year - carry}–{year}" if carry else str(year)
    return Measured(None, MISSING, note=f"no value of {what} for {span} in Lazos's data")


def _years_back(year: int, carry: int) -> range:
    return range(year, year - carry - 1, -1)


def series(facts: Facts, spec: Indicator, country: str, year: int) -> Measured:
    ref = SeriesRef(indicator=spec.indicator or "", partner=spec.partner)
    if spec.mean_years:
        need = spec.min_years or spec.mean_years
        for end in _years_back(year, spec.carry_forward):
            points = [
                p
                for y in range(end - spec.mean_years + 1, end + 1)
                if (p := facts.point(country, ref.indicator, y, ref.partner)) is not None
            ]
            if len(points) >= need:
                raw = sum(p.value for p in points) / len(points)
                note = f"mean of {len(points)} year(s), {points[0].year}–{points[-1].year}"
                return Measured(
                    raw,
                    MEASURED if end == year else CARRIED,
                    end,
                    [series_input(facts, country, ref.indicator, p, ref.partner) for p in points],
                    note,
                )
        return _missing(f"{ref.label()} (at least {need} of {spec.mean_years} years)", year, spec.carry_forward)
    for y in _years_back(year, spec.carry_forward):
        p = facts.point(country, ref.indicator, y, ref.partner)
        if p is not None:
            raw = p.value if spec.gap_from is None else spec.gap_from - p.value
            note = "" if spec.gap_from is None else f"{spec.gap_from:g} minus the value"
            inputs = [series_input(facts, country, ref.indicator, p, ref.partner)]
            return Measured(raw, MEASURED if y == year else CARRIED, y, inputs, note)
    return _missing(ref.label(), year, spec.carry_forward)


def ratio(facts: Facts, spec: Indicator, country: str, year: int) -> Measured:
    parts = [*spec.numerator, *spec.denominator]
    for y in _years_back(year, spec.carry_forward):
        points = [facts.point(country, r.indicator, y, r.partner) for r in parts]
        if any(p is None for p in points):
            continue
        num = sum(p.value for p in points[: len(spec.numerator)] if p)
        den = sum(p.value for p in points[len(spec.numerator) :] if p)
        inputs = [
            series_input(facts, country, r.indicator, p, r.partner) for r, p in zip(parts, points, strict=True) if p
        ]
        if den == 0:
            return Measured(None, MISSING, y, inputs, "the denominator is zero")
        return Measured(num / den * spec.scale, MEASURED if y == year else CARRIED, y, inputs)
    absent = [
        r.label()
        for r in parts
        if all(facts.point(country, r.indicator, y, r.partner) is None for y in _years_back(year, spec.carry_forward))
    ]
    what = ", ".join(absent) if absent else "all parts in one year"
    return _missing(what, year, spec.carry_forward)


def change(facts: Facts, spec: Indicator, country: str, year: int) -> Measured:
    ref = SeriesRef(indicator=spec.indicator or "", partner=spec.partner)
    for y in _years_back(year, spec.carry_forward):
        cur = facts.point(country, ref.indicator, y, ref.partner)
        prev = facts.point(country, ref.indicator, y - 1, ref.partner)
        if cur is None or prev is None or cur.value == 0 or prev.value == 0:
            continue
        raw = (prev.value / cur.value - 1) * 100 if spec.invert else (cur.value / prev.value - 1) * 100
        note = "change of 1/value (the currency's dollar value)" if spec.invert else "change on the year before"
        inputs = [series_input(facts, country, ref.indicator, p, ref.partner) for p in (prev, cur)]
        return Measured(raw, MEASURED if y == year else CARRIED, y, inputs, note)
    return _missing(f"{ref.label()} in two consecutive years", year, spec.carry_forward)


def _since_reset(facts: Facts, country: str, year: int, resets: list[str]) -> tuple[list[Any], Any]:
    events = facts.events_by(country, end_of(year))
    last_reset = None
    for i, e in enumerate(events):
        if e.kind in resets:
            last_reset = i
    if last_reset is None:
        return events, None
    return events[last_reset + 1 :], events[last_reset]


def event_level(facts: Facts, spec: Indicator, country: str, year: int) -> Measured:
    events, reset = _since_reset(facts, country, year, spec.resets)
    relevant = [e for e in events if e.kind in spec.levels]
    inputs = [event_input(facts, reset)] if reset is not None else []
    if not relevant:
        note = EVENT_CENSUS + (f" Reset by {reset.kind} ({reset.date})." if reset is not None else "")
        return Measured(0.0, MEASURED, year, inputs, note)
    best = max(relevant, key=lambda e: (spec.levels[e.kind], e.end.toordinal()))
    return Measured(spec.levels[best.kind], MEASURED, year, [*inputs, event_input(facts, best)])


def event_years(facts: Facts, spec: Indicator, country: str, year: int) -> Measured:
    events, reset = _since_reset(facts, country, year, spec.resets)
    first = next((e for e in events if e.kind in spec.kinds), None)
    if first is None:
        return Measured(0.0, MEASURED, year, [event_input(facts, reset)] if reset else [], EVENT_CENSUS)
    years = (end_of(year) - first.end).days / 365.25
    return Measured(years, MEASURED, year, [event_input(facts, first)], f"from {first.date} to the end of {year}")


def event_count(facts: Facts, spec: Indicator, country: str, year: int) -> Measured:
    start = date(year - (spec.window or 1) + 1, 1, 1)
    hits = [e for e in facts.events_by(country, end_of(year)) if e.kind in spec.kinds and e.end >= start]
    note = f"events dated {start.year}–{year}. " + EVENT_CENSUS
    return Measured(float(len(hits)), MEASURED, year, [event_input(facts, e) for e in hits], note)


def _in_sectors(p: Project, sectors: list[str]) -> bool:
    return not sectors or p.sector in sectors


def project_value(facts: Facts, spec: Indicator, country: str, year: int) -> Measured:
    effective = year
    if spec.coverage_end is not None and year > spec.coverage_end:
        if year - spec.coverage_end > spec.carry_forward:
            return Measured(None, MISSING, note=f"the project data cover commitments to {spec.coverage_end}")
        effective = spec.coverage_end
    window = spec.window or 1
    first = date(effective - window + 1, 1, 1)
    gdp = next(
        (p for y in _years_back(effective, 1) if (p := facts.point(country, "NY.GDP.MKTP.CD", y)) is not None), None
    )
    chosen, unpriced, excluded = [], 0, 0
    for p in facts.projects.get(country, []):
        if not _in_sectors(p, spec.sectors) or p.committed is None:
            continue
        if not (first <= p.committed <= end_of(effective)):
            continue
        if p.in_totals is False or p.stage(end_of(effective)) == "cancelled":
            excluded += 1
            continue
        if p.usd is None:
            unpriced += 1
            continue
        chosen.append(p)
    total = sum(p.usd * p.share for p in chosen if p.usd is not None)
    inputs = [_project_input(facts, p, p.usd * p.share if p.usd is not None else None) for p in chosen]
    notes = [f"commitments dated {first.year}–{effective}"]
    if any(p.basis and p.basis.startswith("nominal") for p in chosen):
        notes.append("amounts in constant 2021 US$ where known, else nominal")
    if unpriced:
        notes.append(f"{unpriced} project(s) without a US$ amount not summed")
    if excluded:
        notes.append(f"{excluded} cancelled or not-for-totals project(s) left out")
    notes.append(PROJECT_CENSUS)
    status = MEASURED if effective == year else CARRIED
    if effective != year:
        notes.insert(0, f"the project data cover commitments to {spec.coverage_end}; the {effective} value stands")
    if not spec.per_gdp:
        return Measured(total, status, effective, inputs, "; ".join(notes))
    if gdp is None:
        note = f"no GDP for {effective - 1}–{effective}; " + "; ".join(notes)
        return Measured(None, MISSING, effective, inputs, note)
    gdp_input = series_input(facts, country, "NY.GDP.MKTP.CD", gdp)
    return Measured(total / gdp.value * 100, status, effective, [gdp_input, *inputs], "; ".join(notes))


def project_count(facts: Facts, spec: Indicator, country: str, year: int) -> Measured:
    hits = [
        p
        for p in facts.projects.get(country, [])
        if _in_sectors(p, spec.sectors) and p.stage(end_of(year)) in spec.stages
    ]
    return Measured(
        float(len(hits)),
        MEASURED,
        year,
        [_project_input(facts, p, p.usd) for p in hits],
        f"stage at the end of {year}: {', '.join(spec.stages)}. " + PROJECT_CENSUS,
    )


def project_sectors(facts: Facts, spec: Indicator, country: str, year: int) -> Measured:
    seen: dict[str, Project] = {}
    for p in facts.projects.get(country, []):
        stage = p.stage(end_of(year))
        if p.sector in spec.sectors and stage not in (None, "cancelled"):
            seen.setdefault(p.sector, p)
    inputs = [_project_input(facts, p, p.usd) for _, p in sorted(seen.items())]
    return Measured(float(len(seen)), MEASURED, year, inputs, f"sectors: {', '.join(sorted(seen)) or 'none'}")


def stock(facts: Facts, spec: Indicator, country: str, year: int) -> Measured:
    """The latest value of a series stated by the end of the year (a count on a date)."""
    end = end_of(year)
    indicator = spec.indicator or ""
    if not any(key[1] == indicator for key in facts.stated):
        return Measured(None, MISSING, note=f"Lazos holds no {indicator} values (import the dataset that has them)")
    every = facts.stated.get((country, indicator), [])
    stated = [s for s in every if s.start <= end]
    inputs: list[dict[str, Any]] = []
    if stated:
        latest = max(s.start for s in stated)
        same = [s for s in stated if s.start == latest]
        chosen = max(same, key=lambda s: s.value)  # sources disagreeing on one date: the higher count
        value = chosen.value
        note = f"stated for {chosen.period}"
        if len(same) > 1:
            note += f" ({len(same)} sources for that date; the highest count taken)"
        inputs.append(_stated_input(facts, country, indicator, chosen))
    elif spec.census and (not every or min(every, key=lambda s: s.start).value <= 1):
        value = 0.0
        first = min(every, key=lambda s: s.start) if every else None
        note = spec.census + (f" The first is dated {first.period}." if first else "")
    else:
        first = min(every, key=lambda s: s.start)
        return Measured(None, MISSING, note=f"no {indicator} stated by the end of {year} (first: {first.period})")
    if spec.per is None:
        return Measured(value * spec.scale, MEASURED, year, inputs, note)
    for y in _years_back(year, spec.carry_forward):
        p = facts.point(country, spec.per, y)
        if p is not None and p.value > 0:
            inputs.append(series_input(facts, country, spec.per, p))
            return Measured(value / p.value * spec.scale, MEASURED, year, inputs, f"{note}; per {spec.per} of {y}")
    return _missing(spec.per, year, spec.carry_forward)


def _stated_input(facts: Facts, country: str, indicator: str, s: Any) -> dict[str, Any]:
    name, unit = facts.indicator_info.get(indicator, (indicator, ""))
    return {
        "kind": "series",
        "indicator": indicator,
        "entity": country,
        "partner": None,
        "label": name,
        "period": s.period,
        "value": s.value,
        "unit": unit,
        "source_id": s.source_id,
        "source": facts.source_label(s.source_id),
        "source_url": facts.source_url(s.source_id),
        "stands_in_for": None,
        "estimate": False,
    }


def event_balance(facts: Facts, spec: Indicator, country: str, year: int) -> Measured:
    """Events of ``kinds`` minus events of ``resets`` by the end of the year (e.g. routes
    opened less routes suspended: the routes in service), never below zero."""
    events = facts.events_by(country, end_of(year))
    opened = [e for e in events if e.kind in spec.kinds]
    closed = [e for e in events if e.kind in spec.resets]
    value = max(0, len(opened) - len(closed))
    note = f"{len(opened)} opened, {len(closed)} stopped by the end of {year}. " + EVENT_CENSUS
    return Measured(float(value), MEASURED, year, [event_input(facts, e) for e in [*opened, *closed]], note)


def default_spells(facts: Facts, country: str, starts: list[str], ends: list[str]) -> list[tuple[Any, Any]]:
    """The country's spells in default: (the event that began it, the event that ended it or
    None while it goes on), oldest first.

    A spell begins with a missed payment or a default (``starts``) and ends with the first
    exit from default after it; where the record has an agreed restructuring first, with the
    exit that follows that restructuring before any new missed payment or default, else with
    the restructuring itself (an exchange that settles the default). ``ends`` lists the exit
    kind first, then the restructuring kinds.
    """
    exits, restructurings = ends[:1], ends[1:]
    events = facts.events.get(country, [])
    spells: list[tuple[Any, Any]] = []
    i = 0
    while i < len(events):
        if events[i].kind not in starts:
            i += 1
            continue
        begun, ended, j = events[i], None, i + 1
        while j < len(events) and ended is None:
            e = events[j]
            if e.kind in exits:
                ended = e
            elif e.kind in restructurings:
                ended = e
                for later in events[j + 1 :]:
                    if later.kind in starts:
                        break
                    if later.kind in exits:
                        ended = later
                        break
            j += 1
        spells.append((begun, ended))
        if ended is None:
            break
        i = events.index(ended) + 1
    return spells


def spell_during(spells: list[tuple[Any, Any]], year: int) -> tuple[Any, Any] | None:
    """Of ``default_spells``, the one the country was in at some time during the year, if any."""
    first, last = date(year, 1, 1), end_of(year)
    for begun, ended in spells:
        if begun.end <= last and (ended is None or ended.end >= first):
            return begun, ended
    return None


RECORD_START = 2001  # Lazos's record of sovereign defaults (curated/sovereign_events.csv) starts in 2001


def default_years(facts: Facts, spec: Indicator, country: str, year: int) -> Measured:
    """Years from the end of the country's latest spell in default to the end of the year (0
    while in default during the year); with none recorded, the years the record covers."""
    spells = default_spells(facts, country, spec.kinds, spec.resets)
    spell = spell_during(spells, year)
    if spell is not None:
        begun, ended = spell
        until = f"until {ended.date} ({ended.kind})" if ended is not None else "not ended by the end of the year"
        note = f"in default during {year}: from {begun.date} ({begun.kind}), {until}"
        inputs = [event_input(facts, e) for e in spell if e is not None]
        return Measured(0.0, MEASURED, year, inputs, note)
    past = [s for s in spells if s[1] is not None and s[1].end <= end_of(year)]
    if past:
        begun, ended = past[-1]
        years = (end_of(year) - ended.end).days / 365.25
        note = f"last default from {begun.date} to {ended.date} ({ended.kind})"
        return Measured(years, MEASURED, year, [event_input(facts, begun), event_input(facts, ended)], note)
    years = float(year - RECORD_START + 1)
    note = (
        f"no default recorded {RECORD_START}–{year}; Lazos's record of sovereign defaults starts in "
        f"{RECORD_START}, so this counts the years it covers"
    )
    return Measured(years, MEASURED, year, [], note)


def series_sum(facts: Facts, spec: Indicator, country: str, year: int) -> Measured:
    """The sum of the ``numerator`` series in one year, times ``scale`` (every part present)."""
    for y in _years_back(year, spec.carry_forward):
        points = [facts.point(country, r.indicator, y, r.partner) for r in spec.numerator]
        if any(p is None for p in points):
            continue
        inputs = [
            series_input(facts, country, r.indicator, p, r.partner)
            for r, p in zip(spec.numerator, points, strict=True)
            if p
        ]
        total = sum(p.value for p in points if p) * spec.scale
        return Measured(total, MEASURED if y == year else CARRIED, y, inputs)
    return _missing(", ".join(r.label() for r in spec.numerator) + " (all parts in one year)", year, spec.carry_forward)


def not_measured(facts: Facts, spec: Indicator, country: str, year: int) -> Measured:
    return Measured(None, NOT_MEASURED, note=spec.reason or "")


MEASURE_FUNCTIONS = {
    "series": series,
    "ratio": ratio,
    "change": change,
    "event_level": event_level,
    "event_years": event_years,
    "event_count": event_count,
    "project_value": project_value,
    "project_count": project_count,
    "project_sectors": project_sectors,
    "stock": stock,
    "event_balance": event_balance,
    "default_years": default_years,
    "sum": series_sum,
    "not_measured": not_measured,
}


def measure(facts: Facts, spec: Indicator, country: str, year: int) -> Measured:
    return MEASURE_FUNCTIONS[spec.measure](facts, spec, country, year)
