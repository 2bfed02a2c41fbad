"""The facts an analysis reads, gathered once through the Python API.

Everything the index, the risk rating, the alerts and the opportunity view compute comes
from a :class:`Facts`: headline observations of the series the method names, headline
events, and China-linked projects with their milestones and headline amounts, each with its
source. Gathering goes through :class:`lazos.store.reader.Reader`, so ``as_of`` means exactly what it
means everywhere else (what was published, or had happened, by that date).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from lazos.store.reader import MILESTONE_STATUS

if TYPE_CHECKING:
    from lazos.store.reader import Reader

_YEAR = re.compile(r"^\d{4}$")
# The stage a project is in after each milestone, for counting completed and pipeline projects.
STAGE = {m: ("completed" if s in ("completed", "operational") else s) for m, s in MILESTONE_STATUS.items()}
STAGE = {m: ("pipeline" if s in ("planned", "under_construction", "in_progress") else s) for m, s in STAGE.items()}
# Milestones that date a project's commitment when AidData's own commitment date is absent.
COMMITMENT_MILESTONES = ("committed", "agreement_signed", "announced", "construction_started", "implementation_started")


@dataclass(frozen=True)
class Point:
    """One headline value of a series for one year.

    ``indicator`` is the series the value was read from: the one asked for, or an equivalent
    series standing in for it (method.yaml ``equivalents``), its value multiplied by
    ``scale``; ``estimate`` marks a publisher's estimate or projection (IMF WEO values after
    "Estimates Start After")."""

    year: int
    value: float
    source_id: str
    indicator: str = ""
    estimate: bool = False
    scale: float = 1.0


@dataclass(frozen=True)
class Stated:
    """One dated value of a series whose periods are dates (a count stated on a day, a
    month, a year or a range): ``start`` is the first day the period may denote."""

    period: str
    start: date
    value: float
    source_id: str


@dataclass(frozen=True)
class Event:
    event_id: str
    kind: str
    date: str
    end: date  # the last day the date may denote
    source_id: str
    detail: str | None


@dataclass
class Project:
    project_id: str
    name: str
    sector: str
    usd: float | None  # headline amount in US dollars (constant 2021 if known, else nominal)
    basis: str | None  # "constant 2021 US$" or "nominal US$"
    amount_source_id: str | None
    source_id: str
    in_totals: bool | None
    share: float  # 1 / number of countries the project is in
    committed: date | None
    milestones: list[tuple[date, str]] = field(default_factory=list)  # (end of date, milestone), sorted

    def stage(self, end: date) -> str | None:
        """Its stage at ``end``: completed, pipeline, suspended, cancelled, or None (not yet)."""
        stage = None
        for when, milestone in self.milestones:
            if when > end:
                break
            stage = STAGE.get(milestone, stage)
        return stage


@dataclass
class Facts:
    as_of: date | None
    countries: list[str]  # ISO3 of the CELAC states, in name order
    names: dict[str, str]
    series: dict[tuple[str, str | None, str], dict[int, Point]]
    indicator_info: dict[str, tuple[str, str]]  # code -> (name, unit)
    events: dict[str, list[Event]]
    projects: dict[str, list[Project]]
    sources: dict[str, tuple[str, str | None]]  # source_id -> (label, url)
    latest_year: int
    # indicator -> [(equivalent indicator, scale)]: series that stand in when it has no value
    equivalents: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    stated: dict[tuple[str, str], list[Stated]] = field(default_factory=dict)  # (entity, indicator), by start
    # News events (GDELT) of the CAMEO roots the alert rules read, known as of the date, oldest
    # first (columns of Reader.news_events), and the months whose GDELT files were read.
    news: pd.DataFrame = field(default_factory=pd.DataFrame)
    news_months: frozenset[str] = frozenset()

    def point(self, entity: str, indicator: str, year: int, partner: str | None = None) -> Point | None:
        """The year's value of a series, else of the first equivalent series that has one."""
        found = self.series.get((entity, partner, indicator), {}).get(year)
        if found is not None or partner is not None:
            return found
        for other, scale in self.equivalents.get(indicator, ()):
            p = self.series.get((entity, None, other), {}).get(year)
            if p is not None:
                return Point(p.year, p.value * scale, p.source_id, other, p.estimate, scale)
        return None

    def stated_by(self, entity: str, indicator: str, end: date) -> list[Stated]:
        """The dated values of a series whose period starts by ``end``, oldest first."""
        return [s for s in self.stated.get((entity, indicator), []) if s.start <= end]

    def source_label(self, source_id: str | None) -> str:
        if not source_id:
            return ""
        label, _ = self.sources.get(source_id, (source_id, None))
        return label

    def source_url(self, source_id: str | None) -> str | None:
        return self.sources.get(source_id, ("", None))[1] if source_id else None

    def events_by(self, country: str, end: date) -> list[Event]:
        return [e for e in self.events.get(country, []) if e.end <= end]


def _day(value: Any) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _text(value: Any) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def gather(
    db: Reader,
    *,
    as_of: date | None,
    indicators: set[str],
    latest_indicator: str,
    min_share: float,
    equivalents: dict[str, list[tuple[str, float]]] | None = None,
    stated: set[str] | None = None,
    news_roots: set[str] | None = None,
) -> Facts:
    """Read what an analysis needs, as of a date, for the 33 CELAC states.

    ``equivalents`` are series that stand in for others (their indicators are read too);
    ``stated`` the indicators read with every period, not only years (counts stated on a date);
    ``news_roots`` the CAMEO root codes of the news events read (none: no news events).
    """
    equivalents = equivalents or {}
    stated = stated or set()
    indicators = set(indicators) | {o for alts in equivalents.values() for o, _ in alts} | stated
    states = db.countries(as_of=as_of)
    states = states[(states["kind"] == "state") & states["celac"]]
    countries = list(states["iso3"])
    names = dict(zip(states["iso3"], states["name_en"], strict=True))
    wanted = set(countries)
    sources = {r.source_id: (r.source_label, _text(r.source_url)) for r in db.source_labels().itertuples(index=False)}

    held = sorted(indicators & set(db.indicators()["indicator"]))  # a series not imported has no values
    every = db.observations(as_of=as_of, indicator=held) if held else db.observations(as_of=as_of).iloc[0:0]
    every = every[every["entity"].isin(wanted)]
    dated: dict[tuple[str, str], list[Stated]] = defaultdict(list)
    some = every[every["indicator"].isin(stated) & every["partner"].isna() & every["period_start"].notna()]
    for row in some.itertuples(index=False):
        start = _day(row.period_start)
        assert start is not None
        dated[(row.entity, row.indicator)].append(Stated(row.period, start, float(row.value), row.source_id))
    for values in dated.values():
        values.sort(key=lambda s: (s.start, s.period))
    obs = every[every["period"].str.match(_YEAR)]
    obs = obs[obs["partner"].isna() | (obs["partner"] == "CHN")]
    series: dict[tuple[str, str | None, str], dict[int, Point]] = defaultdict(dict)
    columns = [obs[c].tolist() for c in ("entity", "partner", "indicator", "period", "value", "source_id", "qualifier")]
    for entity, partner, code, period, value, source_id, qualifier in zip(*columns, strict=True):
        year = int(period)
        partner = None if partner is None or partner != partner else partner  # NaN is missing
        series[(entity, partner, code)][year] = Point(year, float(value), source_id, code, qualifier == "estimate")
    info = {
        r.indicator: (r.indicator_name, r.unit)
        for r in obs[["indicator", "indicator_name", "unit"]].drop_duplicates("indicator").itertuples(index=False)
    }

    ev = db.events(as_of=as_of)
    ev = ev[ev["country"].isin(wanted) & ev["date_end"].notna()].sort_values(["date_end", "event_id"])
    events: dict[str, list[Event]] = defaultdict(list)
    for row in ev.itertuples(index=False):
        end = _day(row.date_end)
        assert end is not None
        events[row.country].append(Event(row.event_id, row.kind, row.date, end, row.source_id, _text(row.detail)))

    projects = _projects(db, as_of, wanted)
    gdp_years: dict[int, int] = defaultdict(int)
    for (_entity, partner, code), points in series.items():
        if code == latest_indicator and partner is None:
            for year in points:
                gdp_years[year] += 1
    enough = [y for y, n in gdp_years.items() if n >= min_share * len(countries)]
    latest = max(enough) if enough else (as_of.year if as_of else date.today().year) - 1
    news, months = pd.DataFrame(), frozenset[str]()
    if news_roots:
        news = db.news_events(as_of=as_of, roots=sorted(news_roots))
        news = news[news["country"].isin(wanted)].reset_index(drop=True)
        months = frozenset(db.news_months(as_of=as_of))
    return Facts(
        as_of,
        countries,
        names,
        dict(series),
        info,
        dict(events),
        projects,
        sources,
        latest,
        equivalents,
        dict(dated),
        news,
        months,
    )


def _projects(db: Reader, as_of: date | None, wanted: set[str]) -> dict[str, list[Project]]:
    listed = db.projects(as_of=as_of)
    milestones = db.project_milestones(as_of=as_of)
    by_project: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for row in milestones.itertuples(index=False):
        end = _day(row.date_end)
        if end is not None:
            by_project[row.project_id].append((end, row.milestone))
    out: dict[str, list[Project]] = defaultdict(list)
    for row in listed.itertuples(index=False):
        countries = [c for c in (_text(row.countries) or "").split(";") if c]
        steps = sorted(by_project.get(row.project_id, []))
        if not steps:
            continue  # no dated milestone: the project cannot be placed in time
        committed = next((d for d, m in steps if m == "committed"), None)
        if committed is None:
            committed = next((d for d, m in steps if m in COMMITMENT_MILESTONES), steps[0][0])
        constant = None if pd.isna(row.usd_constant) else float(row.usd_constant)
        nominal = None if pd.isna(row.usd_nominal) else float(row.usd_nominal)
        usd, basis = (
            (constant, f"constant {int(row.usd_constant_year)} US$")
            if constant is not None
            else (nominal, "nominal US$")
            if nominal is not None
            else (None, None)
        )
        in_totals = None if pd.isna(row.in_totals) else bool(row.in_totals)
        for country in countries:
            if country in wanted:
                out[country].append(
                    Project(
                        row.project_id,
                        row.name,
                        row.sector,
                        usd,
                        basis,
                        _text(row.amount_source_id),
                        row.source_id,
                        in_totals,
                        1 / len(countries),
                        committed,
                        steps,
                    )
                )
    return dict(out)
