"""The Python API: the one seam every interface (command line, REST API, web app, briefs) reads
and writes Lazos through.

    >>> import lazos
    >>> db = lazos.open()                      # the default database, or lazos.open("x.duckdb")
    >>> db.events(country="ARG", as_of="2022-03-01").frame      # a pandas DataFrame
    >>> db.overview(as_of="2020-01-01").counts["bri_signatories"]
    19

Every call returns a typed result (lazos.results): a :class:`~lazos.results.Table` of rows
(``.frame``, ``.arrow``, ``.sources``, ``to_dict()``) or a dataclass of its own, each with
``to_dict()`` giving JSON-ready values. ``as_of`` (a date, or "YYYY", "YYYY-MM",
"YYYY-MM-DD") answers from the state of the world at that date; see lazos.store.history for
the rules. By default only headline values are returned; ``include_alternatives=True``
returns every sourced value with an ``is_headline`` flag.

Writes go through this module too: :func:`build`, :func:`import_file`, :func:`fetch`,
:func:`ingest` and :func:`save_analyses` each return a typed report; ``Lazos.export`` writes
a data package.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lazos.countries import CountryResolver
from lazos.dates import parse_as_of
from lazos.errors import LazosError
from lazos.filters import check_range, text_matches, usd_amount
from lazos.paths import default_db_path
from lazos.results import (
    CountryProfile,
    Coverage,
    DocumentText,
    ExportReport,
    Overview,
    ProjectDetail,
    SourceRef,
    Table,
    cited_ids,
    measure_sources,
)
from lazos.store.cache import LRUCache, fresh
from lazos.store.reader import HOLD_AFTER, AsOf, Reader, _missing, choose
from lazos.store.reader import SOURCE_LABEL as SOURCE_LABEL_SQL
from lazos.store.reader import frame as frame_of

__all__ = [
    "Lazos",
    "Table",
    "build",
    "choose",
    "fetch",
    "import_file",
    "ingest",
    "open",
    "save_analyses",
]


def _cited(method: Callable[..., Any]) -> Callable[..., Any]:
    """An analysis that answers with the date it answers for and the sources of its inputs."""

    @functools.wraps(method)
    def answer(self: Lazos, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)

        def sources() -> tuple[SourceRef, ...]:
            frames = [result.measures] + ([result.risk.measures] if hasattr(result, "risk") else [])
            return self.source_refs(s for f in frames for per_measure in measure_sources(f) for s in per_measure)

        try:  # the same question has the same sources: found once per database version
            key = _hashable((args, sorted(kwargs.items())))
        except TypeError:  # weights or a method given as objects: found anew
            found = sources()
        else:
            found = self.reader.memo(f"api.sources_of.{method.__name__}", key, sources)
        result = replace(result, as_of=parse_as_of(kwargs.get("as_of")), sources=found)
        result.coverage = self.analysis_coverage(result)  # an attribute: the analyses' results are the lead's
        return result

    return answer


def _hashable(value: Any) -> Any:
    """``value`` with its lists as tuples and its dicts as sorted items (a cache key); TypeError
    if it holds what cannot be one."""
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), _hashable(v)) for k, v in value.items())))
    hash(value)
    return value


class Lazos:
    """A read-only handle on a Lazos database: every call answers with a typed result.

    One handle serves many threads at once (each reads through a cursor of its own on one
    DuckDB connection). While it is open the database cannot change (the handle holds
    DuckDB's lock on the file), so what a call computes is kept in a bounded LRU cache under
    (the database's version, the call, its arguments): the rows each query reads once per
    ``as_of`` (see lazos.store.reader), the overview, country profiles, and the analyses
    (computed once per version and ``as_of`` for every country and year, then selected
    from). Every call hands out its own copy of what is cached (lazos.store.cache.fresh), so a
    caller may change the frames it is given. ``warm()`` computes ahead what the pages of
    the current data need (a server calls it at start).

    ``cache_size`` bounds the number of entries, ``cache_bytes`` their estimated memory.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        recorded_as_of: datetime | None = None,
        cache_size: int = 256,
        cache_bytes: int = 1 << 30,
    ):
        self._cache = LRUCache(cache_size, cache_bytes)
        self.reader = Reader(path, recorded_as_of=recorded_as_of, cache=self._cache)

    # ------------------------------------------------------------------ plumbing

    @property
    def path(self) -> Path:
        return self.reader.path

    @property
    def recorded_as_of(self) -> datetime | None:
        return self.reader.recorded_as_of

    @property
    def con(self) -> Any:
        """This thread's DuckDB cursor on the database (read-only)."""
        return self.reader.con

    def close(self) -> None:
        self.reader.close()

    def __enter__(self) -> Lazos:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> str:
        """The database's version: it changes with every build, import, ingest or saved analysis
        (and with the time a handle reads it as of). Caches and HTTP ETags are keyed by it."""
        return self.reader.version

    def visible(self, alias: str) -> str:
        """SQL predicate selecting the row versions this handle sees (see store.history)."""
        return self.reader.visible(alias)

    @property
    def resolver(self) -> CountryResolver:
        return self.reader.resolver

    def resolve_country(self, name: str) -> str:
        """ISO3 code for a country name or code in English, Spanish, Portuguese or Chinese."""
        return self.reader.resolve_country(name)

    @cached_property
    def _source_refs(self) -> dict[str, SourceRef]:
        rows = self.reader.con.execute(
            f"SELECT s.source_id, {SOURCE_LABEL_SQL} AS label, s.url, s.licence FROM source s "
            f"WHERE {self.reader.visible('s')}"
        ).fetchall()
        return {r[0]: SourceRef(r[0], r[1], r[2], r[3]) for r in rows}

    def _table(self, name: str, frame: pd.DataFrame, as_of: date | None = None, note: str | None = None) -> Table:
        """Rows as a Table naming the sources they cite."""
        refs = self._source_refs
        sources = tuple(refs.get(s) or SourceRef(s) for s in cited_ids(frame))
        return Table(name=name, frame=frame, as_of=as_of, sources=sources, note=note)

    def cached(self, call: str, args: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """``compute()``'s result, kept in the handle's bounded cache under (version, call, args)
        and computed once however many threads ask; each caller gets its own copy (``fresh``)."""
        return fresh(self.reader.memo(call, args, compute))

    def warm(self) -> None:
        """Compute ahead, for the current data, what the pages read, so that their first
        requests answer as fast as the next ones. A server calls it once at start (``lazos
        serve`` does); it takes a few seconds, and what it computes stays cached while the
        handle is open (the database cannot change under it).

        It reads the rows every question selects from (every event, project, milestone and
        amount, and every newest-vintage observation when they fit in memory), and computes
        the overview, the countries, the sources, the indicators, the index, the risk rating
        and the opportunities for every country and year, the alerts and the claims with their
        verdicts. A question with its own arguments (one country's profile, a filtered list)
        then selects from those in a few milliseconds.
        """
        self.reader.hold()
        self.overview()
        self.countries()
        self.countries(include_aggregates=True)
        self.sources()
        self.indicators()
        self.bri_participants()
        self.project_locations()
        self.analysis_runs()
        try:
            self.connectivity_index()
            self.risk()
            self.opportunities()
        except LazosError:
            pass  # no year to score (an empty or very old database): those calls say so themselves
        self.alerts()
        self.claims()

    # ------------------------------------------------------------------ events and countries

    def events(
        self,
        *,
        as_of: AsOf = None,
        country: str | None = None,
        kind: str | list[str] | tuple[str, ...] | None = None,
        category: str | None = None,
        include_alternatives: bool = False,
    ) -> Table:
        """Dated ties with China, oldest first; one headline row per real-world event."""
        frame = self.reader.events(
            as_of=as_of, country=country, kind=kind, category=category, include_alternatives=include_alternatives
        )
        return self._table("events", frame, parse_as_of(as_of))

    def agreements(
        self,
        *,
        as_of: AsOf = None,
        country: str | None = None,
        kind: str | list[str] | tuple[str, ...] | None = None,
        include_alternatives: bool = False,
    ) -> Table:
        """Agreements signed with China (the events of category "agreement"), oldest first."""
        frame = self.reader.events(
            as_of=as_of, country=country, kind=kind, category="agreement", include_alternatives=include_alternatives
        )
        return self._table("agreements", frame, parse_as_of(as_of))

    def bri_participants(self, *, as_of: AsOf = None) -> Table:
        """States that have joined the Belt and Road Initiative, with whether they still take part."""
        day = parse_as_of(as_of)
        return self.cached(
            "api.bri_participants",
            (day,),
            lambda: self._table("BRI participants", self.reader.bri_participants(as_of=day), day),
        )

    def countries(self, *, as_of: AsOf = None, include_aggregates: bool = False) -> Table:
        """The CELAC states, China and territories, with ties to China as of a date."""
        day = parse_as_of(as_of)
        return self.cached(
            "api.countries",
            (day, include_aggregates),
            lambda: self._table(
                "countries", self.reader.countries(as_of=day, include_aggregates=include_aggregates), day
            ),
        )

    # ------------------------------------------------------------------ projects

    def projects(
        self,
        *,
        as_of: AsOf = None,
        country: str | None = None,
        sector: str | None = None,
        status: str | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
        amount_min: float | None = None,
        amount_max: float | None = None,
        q: str | None = None,
        sort: str | None = None,
    ) -> Table:
        """China-linked projects with their headline amount and status (as of a date).

        ``amount_usd`` is the headline amount in US dollars (nominal, else at constant prices,
        else the amount itself when it is in dollars), which ``amount_min`` and ``amount_max``
        bound. ``year_from`` and ``year_to`` keep the projects whose dated milestones (from
        ``first_date`` to ``last_date``) reach into those years; ``q`` those whose name,
        description or Chinese or local entities hold every word given (case and accents
        ignored); ``sort`` orders by a column (``-name`` descending, see lazos.ordering).
        """
        from lazos.ordering import sort_column, sort_rows

        check_range("year_from", year_from, "year_to", year_to)
        check_range("amount_min", amount_min, "amount_max", amount_max)
        frame = self.reader.projects(as_of=as_of, country=country, sector=sector, status=status)
        frame.insert(frame.columns.get_loc("usd_constant_year") + 1, "amount_usd", usd_amount(frame))
        if sort:
            sort_column(frame, sort)  # an unknown column is an error before any filtering
        keep = pd.Series(True, index=frame.index)
        if year_from is not None:
            keep &= frame["last_date"].notna() & (frame["last_date"].dt.year >= year_from)
        if year_to is not None:
            keep &= frame["first_date"].notna() & (frame["first_date"].dt.year <= year_to)
        if amount_min is not None:
            keep &= frame["amount_usd"].notna() & (frame["amount_usd"] >= amount_min)
        if amount_max is not None:
            keep &= frame["amount_usd"].notna() & (frame["amount_usd"] <= amount_max)
        if q is not None:
            keep &= text_matches(frame, q, ("name", "description", "chinese_entities", "local_entities"))
        frame = sort_rows(frame[keep].reset_index(drop=True), sort)
        return replace(self._table("projects", frame, parse_as_of(as_of)), coverage=self.coverage(("projects",)))

    def project(self, name: str, *, as_of: AsOf = None) -> ProjectDetail:
        """One project by id or by (part of) its name: its row, milestones, every amount, its
        external ids and locations (administrative units and mapped features)."""
        found = self.reader.project(name, as_of=as_of)
        day = parse_as_of(as_of)
        row = found["project"]
        geometry = None
        if row.get("lat") is not None and row.get("lon") is not None:
            geometry = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]},
                "properties": {"project_id": row["project_id"], "name": row["name"], "note": row.get("location_note")},
            }
        return ProjectDetail(
            project=row,
            milestones=self._table("milestones", found["milestones"], day),
            amounts=self._table("amounts", found["amounts"], day),
            external_ids=self._table("external ids", found["external_ids"], day),
            locations=self.project_locations(row["project_id"]),
            geometry=geometry,
            as_of=day,
        )

    def project_locations(self, project_id: str | None = None) -> Table:
        """Where a project is (or every project, when ``project_id`` is None: one query, kept for
        the database's version), at the precision its sources give: administrative units (ADM1,
        ADM2) with the project's share, and mapped features with their centroid."""
        if project_id is None:
            return self.cached("api.project_locations", (), lambda: self._project_locations(None))
        return self._project_locations(project_id)

    def _project_locations(self, project_id: str | None) -> Table:
        where = "x.project_id = ? AND " if project_id is not None else ""
        frame = frame_of(
            self.reader.con.execute(
                f"""
                SELECT x.project_id, x.level, x.place_id, x.country, x.name, x.lat, x.lon, x.share,
                    x.precision, x.source_id, {SOURCE_LABEL_SQL} AS source_label, s.url AS source_url
                FROM project_location x JOIN source s ON s.source_id = x.source_id AND {self.visible("s")}
                WHERE {where}{self.visible("x")}
                ORDER BY x.project_id, CASE x.level WHEN 'ADM1' THEN 0 WHEN 'ADM2' THEN 1 ELSE 2 END,
                    x.name, x.place_id
                """,
                [project_id] if project_id is not None else [],
            )
        )
        return self._table("project locations", frame)

    def project_geojson(self, name: str, *, as_of: AsOf = None) -> dict[str, Any]:
        """A project's places as a GeoJSON FeatureCollection (empty when it has none): its mapped
        shapes, the administrative units and features it is located in (centroids), and its
        own point; each feature's properties name its kind and source."""
        detail = self.project(name, as_of=as_of)
        pid = detail.project["project_id"]
        features: list[dict[str, Any]] = []
        shapes = self.reader.con.execute(
            f"SELECT g.geojson, g.source_id, g.licence FROM project_geometry g "
            f"WHERE g.project_id = ? AND {self.visible('g')} ORDER BY g.source_id",
            [pid],
        ).fetchall()
        for text, source_id, licence in shapes:
            found = json.loads(text)
            for feature in found.get("features", []) if found.get("type") == "FeatureCollection" else [found]:
                properties = dict(feature.get("properties") or {})
                properties.update(project_id=pid, kind="shape", source_id=source_id, licence=licence)
                features.append({**feature, "properties": properties})
        for row in self.project_locations(pid).rows:
            if row["lat"] is None or row["lon"] is None:
                continue
            properties = {k: v for k, v in row.items() if k not in ("lat", "lon")}
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                    "properties": {**properties, "kind": "location"},
                }
            )
        if detail.geometry is not None:
            point = detail.geometry
            properties = {**point["properties"], "kind": "project", "source_id": detail.project.get("source_id")}
            features.append({**point, "properties": properties})
        return {"type": "FeatureCollection", "features": features}

    def project_amounts(self, project_id: str | None = None) -> Table:
        """Every sourced amount of a project (or of all projects), headline first."""
        return self._table("project amounts", self.reader.project_amounts(project_id))

    def project_milestones(self, project_id: str | None = None, *, as_of: AsOf = None) -> Table:
        """Dated milestones of a project (or of all projects), as of a date."""
        frame = self.reader.project_milestones(project_id, as_of=as_of)
        return self._table("project milestones", frame, parse_as_of(as_of))

    # ------------------------------------------------------------------ observations, indicators, sources

    def observations(
        self,
        *,
        as_of: AsOf = None,
        indicator: str | list[str] | None = None,
        entity: str | None = None,
        partner: str | None = None,
        include_alternatives: bool = False,
        year_from: int | None = None,
        year_to: int | None = None,
    ) -> Table:
        """Indicator values; one headline per entity, partner, indicator and period (see
        lazos.store.reader.Reader.observations for which vintage counts as of a date).
        ``year_from`` and ``year_to`` keep the values whose period reaches into those years."""
        check_range("year_from", year_from, "year_to", year_to)
        frame = self.reader.observations(
            as_of=as_of,
            indicator=indicator,
            entity=entity,
            partner=partner,
            include_alternatives=include_alternatives,
        )
        if year_from is not None or year_to is not None:
            # A value counts for the years its period reaches into (a year, a month, a range).
            keep = pd.Series(True, index=frame.index)
            if year_from is not None:
                keep &= frame["period_end"].notna() & (pd.to_datetime(frame["period_end"]).dt.year >= year_from)
            if year_to is not None:
                keep &= frame["period_start"].notna() & (pd.to_datetime(frame["period_start"]).dt.year <= year_to)
            frame = frame[keep].reset_index(drop=True)
        return self._table("observations", frame, parse_as_of(as_of))

    def observation_count(self, *, as_of: AsOf = None) -> int:
        """How many headline values observations(as_of=...) lists, counted in SQL."""
        return self.reader.observation_count(as_of=as_of)

    def indicators(self) -> Table:
        """Every indicator with its unit, topic and how many values it has."""
        return self.cached("api.indicators", (), lambda: self._table("indicators", self.reader.indicators()))

    def source_refs(self, source_ids: Any) -> tuple[SourceRef, ...]:
        """The sources with these ids (label, address, licence), in the order given, each once."""
        refs = self._source_refs
        return tuple(refs.get(s) or SourceRef(s) for s in dict.fromkeys(source_ids) if isinstance(s, str) and s)

    def sources(self, *, as_of: AsOf = None) -> Table:
        """What the data rest on, with licences and how many facts cite each source."""
        day = parse_as_of(as_of)
        return self.cached("api.sources", (day,), lambda: self._table("sources", self.reader.sources(as_of=day), day))

    def source_labels(self) -> Table:
        """Every source's id with the label and address listings show for it."""
        return self.cached("api.source_labels", (), lambda: self._table("source labels", self.reader.source_labels()))

    def undated(self) -> dict[str, int]:
        """Facts with no date, which the current view counts and no as-of question can."""
        return self.reader.undated()

    # ------------------------------------------------------------------ analytics

    def _facts(self, as_of: date | None, method: Any, rules: Any) -> Any:
        """The facts the analyses read as of a date, gathered once per database version and date
        (shared, not copied: the analyses only read them)."""
        from lazos.analytics.facts import gather

        series = frozenset(method.series_used() | rules.series_used())
        stand_ins = method.stand_ins()
        stated = frozenset(method.stated_used())
        roots = frozenset(rules.news_roots())
        key = tuple(sorted((k, tuple(v)) for k, v in stand_ins.items()))
        return self.reader.memo(
            "api.facts",
            (as_of, series, method.latest_year.indicator, method.latest_year.min_share, key, stated, roots),
            lambda: gather(
                self.reader,
                as_of=as_of,
                indicators=set(series),
                latest_indicator=method.latest_year.indicator,
                min_share=method.latest_year.min_share,
                equivalents=stand_ins,
                stated=set(stated),
                news_roots=set(roots),
            ),
        )

    def _computed(self, analysis: str, as_of: AsOf, *args: Any) -> Any:
        """An analysis computed with the packaged method for every country as of a date, once
        per database version, date and (but for alerts, which have none) year (the cached
        result itself: callers select from it or hand out ``fresh`` copies).

        ``args``: for "index" and "risk" the year; for "opportunities" the year of the view.
        """
        from lazos.analytics import alerts, connectivity, opportunities, risk
        from lazos.analytics.method import default_alerts, default_method

        day = parse_as_of(as_of)

        def compute() -> Any:
            method = default_method()
            if analysis == "alerts":
                facts = self._analysis_inputs(day, method, None, None, scored=False)[0]
                return alerts.compute(facts, default_alerts(), None)
            facts, _, years = self._analysis_inputs(day, method, None, list(args))
            if analysis == "index":
                return connectivity.compute(facts, method, years)
            if analysis == "risk":
                return risk.compute(facts, method, years, None)
            return opportunities.compute(facts, method, years[-1], None)

        return self.reader.memo(f"api.{analysis}", (day, *args), compute)

    def _years(self, analysis: str, as_of: AsOf, years: list[int]) -> Any:
        """The index or the risk rating of every country for ``years`` (distinct), as computing
        it for those years gives it, joined from each year's (each country and year is
        measured on its own; ranks are among the countries of a year)."""
        day = parse_as_of(as_of)
        if len(years) == 1:
            return self._computed(analysis, day, years[0])

        def join() -> Any:
            parts = {y: self._computed(analysis, day, y) for y in years}
            order = (None, years)  # compute() gives measures by country (in its order), then year
            return replace(
                parts[years[0]],
                scores=pd.concat([parts[y].scores for y in sorted(years)], ignore_index=True),  # sorted by year first
                measures=_rows(pd.concat([parts[y].measures for y in years]), None, None, order=order),
                dimensions=_rows(pd.concat([parts[y].dimensions for y in years]), None, None, order=order),
            )

        return self.reader.memo(f"api.{analysis}.years", (day, tuple(years)), join)

    def _whole(self, analysis: str, day: date | None, *keys: tuple[Any, ...]) -> bool:
        """Whether to answer a question about some countries from ``analysis`` computed for
        every country: when that is computed already (for each of ``keys``: a year, or none),
        or when the analysis is asked about on that date for the second time (a one-off
        question is quicker computed for its countries alone)."""
        if all(self.reader.cached(f"api.{analysis}", (day, *key)) is not None for key in keys):
            return True
        return self.reader.asked((analysis, day)) >= HOLD_AFTER

    def _analysis_inputs(
        self,
        as_of: AsOf,
        method: Any,
        country: str | list[str] | None,
        year: int | list[int] | None,
        scored: bool = True,
    ) -> tuple[Any, list[str] | None, list[int]]:
        from lazos.analytics.method import default_alerts, default_method

        method = method or default_method()
        facts = self._facts(parse_as_of(as_of), method, default_alerts())
        if scored and facts.latest_year < method.first_year:  # nothing to score: the data known then end earlier
            raise LazosError(
                f"no analysis as of {parse_as_of(as_of)}: the data known then end before {method.first_year}, "
                "the method's first year"
            )
        countries = None
        if country:
            names = [country] if isinstance(country, str) else list(country)
            countries = []
            for name in names:
                iso = self.resolve_country(name)
                if iso not in facts.countries:
                    raise LazosError(f"{name!r} ({iso}) is not one of the 33 CELAC states the analyses cover")
                countries.append(iso)
        if year is None:
            years = list(range(method.first_year, facts.latest_year + 1))
        else:
            years = [year] if isinstance(year, int) else list(year)
            for y in years:
                if not method.first_year <= y <= facts.latest_year:
                    raise LazosError(
                        f"no analysis for {y}: the method covers {method.first_year} to {facts.latest_year}, "
                        "the latest year with data" + (f" as of {parse_as_of(as_of)}" if as_of else "")
                    )
        return facts, countries, years

    def latest_analysis_year(self, *, as_of: AsOf = None) -> int:
        """The latest year the analyses score: the last year with GDP for most countries."""
        from lazos.analytics.method import default_method

        return self._analysis_inputs(as_of, default_method(), None, None)[0].latest_year

    @_cited
    def connectivity_index(
        self,
        *,
        year: int | list[int] | None = None,
        country: str | list[str] | None = None,
        as_of: AsOf = None,
        weights: Any = None,
        method: Any = None,
    ) -> Any:
        """The Five Connectivities index (lazos.analytics.connectivity.IndexResult).

        ``year`` is one year or several (default: every year from the method's first to the
        latest with data); ``weights`` is a :class:`lazos.analytics.method.WeightsFile`, a
        path to one, or a mapping of dimension to weight; with weights, the result also
        compares each country's rank with its rank under the method's weights
        (lazos.analytics.connectivity.compare). ``method`` a
        :class:`lazos.analytics.method.Method` (default: the packaged method.yaml).
        """
        from lazos.analytics import connectivity
        from lazos.analytics.method import default_method, read_weights, weights_from, with_weights

        base = method or default_method()
        if isinstance(weights, dict):
            weights = weights_from(weights)
        elif weights is not None and not hasattr(weights, "dimensions"):
            weights = read_weights(weights)
        chosen = with_weights(base, weights)
        facts, countries, years = self._analysis_inputs(as_of, base, country, year)
        if chosen is default_method() and _distinct(years):
            # Ranks are among all countries: the index of every country for the years asked
            # holds the scores of the countries asked (compute() is given every country).
            full = self._years("index", as_of, years)
            if not countries:
                return fresh(full)
            return replace(
                full,
                scores=_rows(full.scores, countries, None),
                measures=_rows(full.measures, countries, None),
                dimensions=full.dimensions.copy(deep=False),
                peers=full.scores,
            )
        if base is default_method() and _distinct(years):  # other weights: measured alike, scored anew
            day = parse_as_of(as_of)
            result = self.cached(
                "api.index.weighted",
                (day, tuple(years), weights.model_dump_json()),
                lambda: connectivity.reweighed(self._years("index", day, years), chosen),
            )
        else:
            result = connectivity.compute(facts, chosen, years)  # ranks are among all countries
        if countries:
            result.peers = result.scores
            result.scores = result.scores[result.scores["country"].isin(countries)].reset_index(drop=True)
            result.measures = result.measures[result.measures["country"].isin(countries)].reset_index(drop=True)
        if weights is not None:
            result = connectivity.compare(result, self.connectivity_index(year=year, country=country, as_of=as_of))
        return result

    def dimension(self, name: str, *, analysis: str = "connectivity") -> str:
        """The dimension of the index (or of the risk rating) that ``name`` names, else a
        LazosError listing them."""
        from lazos.analytics.method import default_method

        part = getattr(default_method(), analysis)
        return choose(name, list(part.dimensions), "dimension", f"use one of {', '.join(part.dimensions)}")

    def index_sensitivity(
        self,
        *,
        year: int | None = None,
        draws: int = 1000,
        seed: int = 0,
        as_of: AsOf = None,
        weights: Any = None,
    ) -> Any:
        """How the index's ranks move when dimension weights vary (lazos.analytics.sensitivity)."""
        from lazos.analytics import sensitivity

        result = self.connectivity_index(year=year, as_of=as_of, weights=weights)
        chosen = year if year is not None else int(result.scores["year"].max())
        if draws < 1:
            raise LazosError("the number of weight draws must be at least 1")
        return sensitivity.analyse(result, chosen, draws, seed)

    def index_size_check(self, *, year: int | None = None, as_of: AsOf = None) -> Any:
        """The index ranked on size indicators alone and on intensity indicators alone, beside
        the method's ranking (lazos.analytics.sensitivity.size_check)."""
        from lazos.analytics import sensitivity

        result = self.connectivity_index(year=year, as_of=as_of)
        chosen = year if year is not None else int(result.scores["year"].max())
        return sensitivity.size_check(result, chosen)

    @_cited
    def risk(
        self,
        country: str | list[str] | None = None,
        *,
        year: int | list[int] | None = None,
        as_of: AsOf = None,
        method: Any = None,
    ) -> Any:
        """The investment-risk rating (lazos.analytics.risk.RiskResult), by country and year.

        For one country and one year, ``history`` holds its score and grade in every year.
        """
        result = self._risk(country, year=year, as_of=as_of, method=method)
        if isinstance(country, str) and (isinstance(year, int) or (year is not None and len(year) == 1)):
            every_year = self._risk(country, year=None, as_of=as_of, method=method)
            result = replace(result, history=every_year.scores[["year", "score", "grade"]].reset_index(drop=True))
        return result

    def _risk(
        self,
        country: str | list[str] | None = None,
        *,
        year: int | list[int] | None = None,
        as_of: AsOf = None,
        method: Any = None,
    ) -> Any:
        from lazos.analytics import risk
        from lazos.analytics.method import default_method

        facts, countries, years = self._analysis_inputs(as_of, method, country, year)
        if (method is None or method is default_method()) and _distinct(years) and _distinct(countries or []):
            day = parse_as_of(as_of)
            if not countries or self._whole("risk", day, *[(y,) for y in years]):
                full = self._years("risk", day, years)  # each country and year is rated on its own
                return fresh(full) if not countries else _risk_rows(full, countries, None)
            return self.cached(
                "api.risk.some",
                (day, tuple(countries), tuple(years)),
                lambda: risk.compute(facts, method or default_method(), years, countries),
            )
        return risk.compute(facts, method or default_method(), years, countries)

    def alerts(
        self,
        *,
        since: AsOf = None,
        country: str | list[str] | None = None,
        severity: str | None = None,
        as_of: AsOf = None,
        rules: Any = None,
    ) -> Table:
        """Early-warning alerts, newest first; ``since`` keeps those dated on or after a date
        (YYYY: from its 1 January, YYYY-MM: from the 1st, YYYY-MM-DD: from that day)."""
        from lazos.analytics import alerts
        from lazos.analytics.method import default_alerts, default_method

        if severity:
            severity = choose(
                severity, alerts.SEVERITY_ORDER, "severity", f"use one of {', '.join(alerts.SEVERITY_ORDER)}"
            )
        start = alerts.parse_since(since)  # a year or month means its first day, checked before any work
        rules = rules or default_alerts()
        facts, countries, _ = self._analysis_inputs(as_of, default_method(), country, None, scored=False)
        if rules is default_alerts() and (not countries or self._whole("alerts", parse_as_of(as_of), ())):
            out = self._computed("alerts", as_of)  # each country's alerts are raised on its own, then ordered
            out = _rows(out, countries, None) if countries else out.copy(deep=False)
            if out.empty:  # as alerts.compute has it when no alert is raised
                out = pd.DataFrame([], columns=list(out.columns))
        else:
            out = alerts.compute(facts, rules, countries)
        if start is not None:
            out = out[[d >= start for d in out["date"]]]
        if severity:
            out = out[out["severity"] == severity]
        return self._table("alerts", out.reset_index(drop=True), parse_as_of(as_of))

    # ------------------------------------------------------------------ news events (GDELT)

    def _news_part(self, method: Any, family: str | None) -> tuple[Any, str | None, tuple[str, str]]:
        """The method's news_events section, the family named (checked) and the method's key."""
        from lazos.analytics.method import default_method

        method = method or default_method()
        part = method.news_events
        if part is None:
            raise LazosError(f"method {method.version} has no news_events section: it defines no news indicators")
        if family:
            family = choose(family, {k: f.label for k, f in part.families.items()}, "family")
        return part, family, (method.version, method.sha256)

    def _news_countries(self, country: str | list[str] | None, day: date | None) -> list[str] | None:
        if not country:
            return None
        states = self.reader.countries(as_of=day)
        celac = set(states[(states["kind"] == "state") & states["celac"]]["iso3"])
        out = []
        for name in [country] if isinstance(country, str) else list(country):
            iso = self.resolve_country(name)
            if iso not in celac:
                raise LazosError(f"{name!r} ({iso}) is not one of the 33 CELAC states the news events cover")
            out.append(iso)
        return out

    def news_indicators(
        self,
        country: str | list[str] | None = None,
        *,
        as_of: AsOf = None,
        family: str | None = None,
        method: Any = None,
    ) -> Table:
        """China–LAC events in the news (GDELT 2.0) per country, month and family (method.yaml
        ``news_events``: cooperation CAMEO 03-06, conflict 11-14): ``events``, ``articles``,
        article-weighted ``tone`` and the GDELT files read (``sources``). An event counts once its
        day and the day GDELT added it are on or before ``as_of``. Counts measure news coverage,
        not events: the table's note says how to read them."""
        from lazos.analytics import news

        part, family, version = self._news_part(method, family)
        day = parse_as_of(as_of)
        countries = self._news_countries(country, day)

        def compute() -> Table:
            roots = [r for name, f in part.families.items() if family in (None, name) for r in f.roots]
            events = self.reader.news_events(as_of=day, roots=roots)
            if countries is not None:
                events = events[events["country"].isin(countries)]
            states = self.reader.countries(as_of=day)
            names = dict(zip(states["iso3"], states["name_en"], strict=True))
            return self._table("news indicators", news.indicators(events, part, names), day, note=part.note)

        key = (day, tuple(countries or ()), family, version)
        return self.cached("api.news_indicators", key, compute)

    def news_events(
        self,
        country: str | list[str] | None = None,
        *,
        as_of: AsOf = None,
        family: str | None = None,
        month: str | None = None,
        method: Any = None,
    ) -> Table:
        """The China–LAC events in the news (GDELT 2.0) themselves, oldest first, each with its
        family (None outside the method's families), CAMEO code, actors, article (``source_url``)
        and GDELT file (``source_id``): the evidence behind news_indicators and news alerts.
        ``month`` (YYYY-MM) keeps the events of that month."""
        from lazos.analytics import news

        part, family, _ = self._news_part(method, family)
        day = parse_as_of(as_of)
        countries = self._news_countries(country, day)
        if month is not None and not (len(month) == 7 and month[4] == "-" and month.replace("-", "").isdigit()):
            raise LazosError(f"invalid month {month!r}: expected YYYY-MM")
        roots = None if family is None else list(part.families[family].roots)
        events = self.reader.news_events(as_of=day, roots=roots)
        if countries is not None:
            events = events[events["country"].isin(countries)]
        if month is not None:
            events = events[events["day"].str.startswith(month)]
        return self._table("news events", news.event_rows(events, part), day, note=part.note)

    @_cited
    def opportunities(
        self,
        *,
        year: int | None = None,
        country: str | list[str] | None = None,
        as_of: AsOf = None,
        method: Any = None,
    ) -> Any:
        """Infrastructure needs against risk (lazos.analytics.opportunities.OpportunityResult)."""
        from lazos.analytics import opportunities
        from lazos.analytics.method import default_method

        facts, countries, years = self._analysis_inputs(as_of, method, country, year)
        day = parse_as_of(as_of)
        if (
            (method is None or method is default_method())
            and _distinct(countries or [])
            and (not countries or self._whole("opportunities", day, (years[-1],)))
        ):
            full = self._computed("opportunities", day, years[-1])  # each country is assessed on its own
            if not countries:
                return fresh(full)
            return replace(
                full,
                scores=_rows(full.scores, countries, None),
                measures=_rows(full.measures, countries, None, order=(countries, None)),
                risk=_risk_rows(full.risk, countries, None),
            )
        return opportunities.compute(facts, method or default_method(), years[-1], countries)

    def overview(self, *, as_of: AsOf = None, recent: int = 10) -> Overview:
        """Headline counts and the most recent events, as of a date.

        ``undated`` counts the facts with no date (see undated()): as of a date they are left
        out of the counts, which then differ from the current view's by that much and more.
        """
        day = parse_as_of(as_of)
        return self.cached("api.overview", (day, recent), lambda: self._overview(day, recent))

    def _overview(self, day: date | None, recent: int) -> Overview:
        r = self.reader
        countries = r.countries(as_of=day)
        bri = r.bri_participants(as_of=day)
        events = r.events(as_of=day)
        agreements = events[events["category"] == "agreement"]
        projects = r.projects(as_of=day)
        sources = r.sources(as_of=day)
        latest = events[events["date_end"].notna()].sort_values(["date_end", "event_id"], ascending=[False, True])
        recent_events = latest.head(recent)[
            ["date", "country", "kind", "label", "detail", "source_id", "source_label", "source_url"]
        ].reset_index(drop=True)
        return Overview(
            as_of=day,
            counts={
                "countries": int((countries["kind"] == "state").sum()),
                "celac_states": int(countries["celac"].sum()),
                "territories": int((countries["kind"] == "territory").sum()),
                "bri_signatories": int((bri["status"] == "participant").sum()),
                "bri_ever_joined": len(bri),
                "agreements": len(agreements),
                "events": len(events),
                "projects": len(projects),
                "observations": r.observation_count(as_of=day),
                "sources": len(sources),
            },
            undated=r.undated(),
            recent_events=self._table("recent events", recent_events, day),
            coverage=self.coverage(("projects",)),
        )

    # ------------------------------------------------------------------ one country

    def country(self, name: str, *, as_of: AsOf = None) -> CountryProfile:
        """The ties timeline, projects (largest first, by their amount in US dollars) and latest
        indicators of one country."""
        iso = self.resolve_country(name)
        day = parse_as_of(as_of)
        return self.cached("api.country", (iso, day), lambda: self._country(iso, day))

    def _country(self, iso: str, day: date | None) -> CountryProfile:
        r = self.reader
        countries = r.countries(as_of=day, include_aggregates=True)
        info = {k: (None if _missing(v) else v) for k, v in countries[countries["iso3"] == iso].iloc[0].items()}
        events = r.events(as_of=day, country=iso)
        projects = self.projects(as_of=day, country=iso, sort="-amount_usd").frame  # largest first
        obs = r.observations(as_of=day, entity=iso)
        if not obs.empty:
            obs = (
                obs.sort_values(["indicator", "partner", "period_end"])
                .groupby(["indicator", "partner"], dropna=False)
                .tail(1)
                .reset_index(drop=True)
            )
        return CountryProfile(
            iso3=iso,
            info=info,
            events=self._table("events", events, day),
            projects=replace(self._table("projects", projects, day), coverage=self.coverage(("projects",))),
            indicators=self._table("indicators", obs, day),
            as_of=day,
            coverage=self.coverage(("projects", "finance")),
        )

    # ------------------------------------------------------------------ coverage (partial datasets)

    def coverage(self, figures: tuple[str, ...] = ()) -> tuple[Coverage, ...]:
        """The notes that figures summing AidData's projects carry (``figures`` names them): one
        :class:`Coverage` while the database holds only part of GCDF 3.0, none once it holds
        the whole release.

        A source says it is partial in its note (lazos.sources.gcdf.coverage_note: the geocoded
        table, third-party subsets, extracts of the release); the note stays until a source of
        project records that is not partial (the release file itself) is imported.
        """
        found = self.cached("api.coverage", (), self._aiddata_coverage)
        return () if found is None else (replace(found, figures=tuple(figures)),)

    def analysis_coverage(self, result: Any) -> tuple[Coverage, ...]:
        """The coverage notes of an analysis: for the indicators whose inputs cite AidData's
        sources (Chinese finance in the index, investment dependence in the risk rating)."""
        found = self.cached("api.coverage", (), self._aiddata_coverage)
        if found is None:
            return ()
        aid = set(found.sources)
        frames = [result.measures] + ([result.risk.measures] if hasattr(result, "risk") else [])
        figures = {
            name
            for f in frames
            if "indicator" in f.columns
            for name, ids in zip(f["indicator"], measure_sources(f), strict=True)
            if aid & set(ids)
        }
        return (replace(found, figures=tuple(sorted(figures))),) if figures else ()

    def _aiddata_coverage(self) -> Coverage | None:
        from lazos.sources.gcdf import DATASET, PARTIAL, RELEASE_RECORDS, TITLE

        rows = self.reader.con.execute(
            f"""
            SELECT s.source_id, s.note FROM source s
            WHERE s.dataset = ? AND {self.visible("s")} AND (
                EXISTS (SELECT 1 FROM project_amount a WHERE a.source_id = s.source_id AND {self.visible("a")})
                OR EXISTS (SELECT 1 FROM project p WHERE p.source_id = s.source_id AND {self.visible("p")}))
            ORDER BY s.source_id
            """,
            [DATASET],
        ).fetchall()
        partial = [(sid, note[len(PARTIAL) :].strip()) for sid, note in rows if (note or "").startswith(PARTIAL)]
        partial.sort(key=lambda p: ("-geocoded-" not in p[0], "-subset-" not in p[0], p[0]))  # the largest first
        if not partial or len(partial) < len(rows):  # no AidData records, or the whole release is held
            return None
        records = self.reader.con.execute(
            f"SELECT count(DISTINCT x.external_id) FROM project_external_id x "
            f"WHERE x.scheme = 'aiddata' AND {self.visible('x')}"
        ).fetchone()[0]
        held = tuple(dict.fromkeys(what.split(";")[0].split(" (")[0].split(":")[0] for _, what in partial))
        command = "lazos import gcdf AidDatasGlobalChineseDevelopmentFinanceDataset_v3.0.xlsx"
        return Coverage(
            dataset=DATASET,
            title=TITLE,
            held=held,
            sources=tuple(sid for sid, _ in partial),
            records=int(records),
            release_records=RELEASE_RECORDS,
            complete_with=command,
            note=(
                f"Partial data: these figures sum the {records:,} AidData records this database holds ("
                + "; ".join(held)
                + f"), part of GCDF 3.0's {RELEASE_RECORDS:,} (all regions); the full release holds more for "
                f"these countries. To complete them, import it: {command}"
            ),
        )

    # ------------------------------------------------------------------ documents and claims

    def documents(self) -> Table:
        """Documents read by `lazos ingest`, with how many claims each holds."""
        return self._table("documents", self.reader.documents())

    def document(self, doc_id: str) -> Table:
        """One ingested document's row (as documents() lists it), by id; an unknown id is a
        LazosError suggesting the closest ids."""
        docs = self.reader.documents()
        found = docs[docs["doc_id"] == doc_id]
        if found.empty:
            doc_id = choose(doc_id, list(docs["doc_id"]), "document", "`lazos documents` lists them")
            found = docs[docs["doc_id"] == doc_id]
        return self._table("document", found.reset_index(drop=True))

    def document_text(self, doc_id: str) -> DocumentText:
        """The text of one ingested document (by id)."""
        text = self.reader.document_text(doc_id)
        names = self.reader.documents()
        name = names.loc[names["doc_id"] == doc_id, "name"]
        return DocumentText(doc_id=doc_id, name=str(name.iloc[0]) if len(name) else doc_id, text=text)

    def claims(
        self, *, doc: str | None = None, status: str | None = None, check: bool = True, country: str | None = None
    ) -> Table:
        """Claims read from documents, each checked against Lazos's data (unless ``check=False``).

        Columns: the claim (span, normalised value, unit, what, period, countries, language,
        the sentence it is in, its translation), and the verdict: ``status`` (consistent,
        inconsistent, unverifiable), ``reason``, ``lazos_value``, ``difference`` and
        ``evidence`` (the figures compared, with their sources). ``country`` keeps the claims
        that name that country.
        """
        from lazos.documents.check import CONSISTENT, INCONSISTENT, UNVERIFIABLE
        from lazos.documents.check import check as check_claim

        if status:
            statuses = (CONSISTENT, INCONSISTENT, UNVERIFIABLE)
            status = choose(status, statuses, "status", "use consistent, inconsistent or unverifiable")

        def checked() -> pd.DataFrame:  # each claim's verdict rests on the claim alone: once per version
            df = self.reader.claim_rows(doc=doc)
            if check:
                states = set(self.reader.countries()["iso3"])
                verdicts = [check_claim(self.reader, row, row["context"], states) for row in df.to_dict("records")]
                df["status"] = [v.status for v in verdicts]
                df["reason"] = [v.reason for v in verdicts]
                df["rule"] = [v.rule for v in verdicts]
                df["lazos_value"] = [v.lazos_value for v in verdicts]
                df["difference"] = [v.difference for v in verdicts]
                df["relative_difference"] = [v.relative_difference for v in verdicts]
                df["evidence"] = [v.evidence for v in verdicts]
            return df

        df = self.cached("api.claims", (doc, check), checked)
        if country:  # the claims that name this country
            iso = self.resolve_country(country)
            df = df[[iso in found for found in df["countries"]]].reset_index(drop=True)
        if check and status:
            df = df[df["status"] == status].reset_index(drop=True)
        return self._table("claims", df)

    # ------------------------------------------------------------------ saved analyses, export, SQL

    def last_load_id(self) -> int:
        """The id of the latest build or import this handle sees."""
        return self.reader.last_load_id()

    def analysis_runs(self) -> Table:
        """Saved analysis runs (`lazos analyses save`), newest first, with whether the data moved on."""
        return self._table("analysis runs", self.reader.analysis_runs())

    def export(self, outdir: str | Path, fmt: str = "csv") -> ExportReport:
        """Write the database as a complete data package: the current rows, and in history/ the
        loads, retired row versions and saved analyses (as this handle sees them, at its
        recorded time if it has one). `lazos build --from` restores an equal database."""
        from lazos.store.export import export

        return ExportReport(path=export(self.reader, outdir, fmt), format=fmt)

    def query(self, sql: str, *, timeout: float | None = None, memory_limit: str | None = None) -> Table:
        """Run one read-only SELECT statement; anything that would write is refused.

        Ctrl-C stops it (KeyboardInterrupt), and so does ``timeout`` (seconds: a
        TimeLimitError). With ``memory_limit`` (e.g. "2GB") it runs on a connection of its
        own whose DuckDB may use that much memory, and its result may take as much again.
        """
        return self._table("query", self.reader.query(sql, timeout=timeout, memory_limit=memory_limit))


def _distinct(values: list[Any]) -> bool:
    return len(set(values)) == len(values)


def _rows(
    frame: pd.DataFrame,
    countries: list[str] | None,
    years: list[int] | None,
    order: tuple[list[str] | None, list[int] | None] | None = None,
) -> pd.DataFrame:
    """The rows of an analysis's frame (computed for every country and year) for ``countries``
    and ``years`` (None: all), as computing the analysis for just those gives them: in the
    frame's order, or with ``order`` by the countries, then the years, in the order each list
    gives (None: in the frame's), each country's and year's rows in the frame's order."""
    keep = pd.Series(True, index=frame.index)
    if countries is not None:
        keep &= frame["country"].isin(countries)
    if years is not None:
        keep &= frame["year"].isin(years)
    rows = frame[keep]
    if order is not None and len(rows):
        keys = []
        for column, given in zip(("year", "country"), reversed(order), strict=True):
            if given is None:
                keys.append(pd.factorize(rows[column])[0])  # the frame's order of first appearance
            else:
                rank = {v: i for i, v in enumerate(given)}
                keys.append(np.array([rank[v] for v in rows[column]]))
        rows = rows.iloc[np.lexsort(keys)]  # stable: each group's rows keep their order
    return rows.reset_index(drop=True)


def _risk_rows(full: Any, countries: list[str] | None, years: list[int] | None) -> Any:
    """A risk rating computed for every country (and year) narrowed to ``countries`` and ``years``,
    as risk.compute gives it for just those."""
    order = (countries, years)
    return replace(
        full,
        scores=_rows(full.scores, countries, years),
        measures=_rows(full.measures, countries, years, order=order),
        dimensions=_rows(full.dimensions, countries, years, order=order),
    )


def open(path: str | Path | None = None, *, recorded_as_of: datetime | None = None) -> Lazos:
    """Open a Lazos database read-only (the default one unless ``path`` is given)."""
    return Lazos(path, recorded_as_of=recorded_as_of)


# ---------------------------------------------------------------------- writes


def _db(path: str | Path | None) -> Path:
    return Path(path).expanduser() if path else default_db_path()


def build(db: str | Path | None = None, package: str | Path | None = None, *, replace: bool = False) -> Any:
    """Build (or refresh in place) a database from a data package, the embedded one by default;
    the user's imports, documents and saved analyses are kept (``replace=True`` discards them).
    Returns a :class:`lazos.store.build.BuildReport` (action, rows, what changed, load id)."""
    from lazos.store.build import build as build_database

    return build_database(_db(db), package, replace=replace)


def import_file(
    source: str, paths: list[str | Path] | str | Path, *, db: str | Path | None = None, **options: Any
) -> Any:
    """Import raw files of a dataset (``source``: a registered connector's name) into a
    database, as one load; returns a :class:`lazos.store.importer.ImportReport`. Options:
    ``vintage``, ``encoding``, ``progress`` (a callable given each step's description)."""
    from lazos.store.importer import import_files

    files = [paths] if isinstance(paths, str | Path) else list(paths)
    return import_files(_db(db), source, files, **options)


def fetch(source: str, request: dict[str, Any], *, db: str | Path | None = None, **options: Any) -> Any:
    """Download from a publisher's API (needs the network) and import the answer."""
    from lazos.store.importer import fetch as fetch_source

    return fetch_source(_db(db), source, request, **options)


def ingest(targets: list[str] | str, *, db: str | Path | None = None, progress: Any = None) -> Any:
    """Read documents (files or URLs), extract their claims and store them; returns an
    :class:`lazos.documents.ingest.IngestReport` (each document read, each one refused)."""
    from lazos.documents.ingest import IngestReport
    from lazos.documents.ingest import ingest as ingest_documents

    targets = [targets] if isinstance(targets, str) else list(targets)
    return IngestReport.of(ingest_documents(_db(db), targets, progress=progress))


def save_analyses(db: str | Path | None = None, *, now: datetime | None = None) -> Any:
    """Compute every analysis with the packaged method and record those whose results changed;
    returns an :class:`lazos.analytics.saved.SaveReport`."""
    from lazos.analytics import saved

    path = _db(db)
    with Lazos(path) as handle:
        load_id = handle.last_load_id()
        results = saved.prepare(
            handle.connectivity_index(), handle.risk(), handle.alerts().frame, handle.opportunities()
        )
    return saved.save(path, load_id, results, now=now)


def monitor(*, db: str | Path | None = None, **options: Any) -> Any:
    """Run the news monitor over GDELT files (``from_dir``, or online) into a database; returns a
    :class:`lazos.monitor.pipeline.MonitorReport`. Options: ``from_dir``, ``since`` (a datetime),
    ``workers``, ``address`` (a Ray cluster), ``lake_dir``, ``articles`` (an article archive),
    ``online``, ``chunk_files``, ``progress`` (a callable given a message, files done and total)."""
    from lazos.monitor.pipeline import monitor as run_monitor

    return run_monitor(_db(db), **options)
