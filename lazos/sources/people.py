"""Connector: people-to-people ties, the fifth of the Five Connectivities, country by country.

Raw file: ``curated/people_to_people.csv`` in the shared data folder. Columns: ``iso3,
indicator, value, unit, period, detail, source_url, source_title, source_publisher, quote``;
one row per fact per source (sources that disagree keep a row each); ``LAC`` marks a
regional row.

* **Counts** become observations of the indicator of the same name (Confucius Institutes and
  Classrooms, scholarships and their recipients, sister cities, tourists from China; the
  row ``direct_flights`` in ``flights_per_month`` becomes ``direct_flights_per_month``),
  with the period as the file gives it. ``LOWER BOUND`` rows are lower bounds, "about"
  figures approximate. A count the source gives **no date** for cannot be an observation
  (every observation has a period, and none is invented): it is left out and reported in
  the import's summary of skipped rows.
* **Flags** and **routes** become events: ``visa_exemption`` (``MUTUAL`` or ``UNILATERAL``
  in the detail), ``visa_exemption_diplomatic_service``, ``visa_free_transit``, and one
  ``direct_flight_started`` per route (with ``direct_flight_suspended`` at the end of a
  ``start/end`` period). What a row's detail states beyond its columns (a suspension, a
  planned start, the end of China's 2025 trial, a row that dates another row's event
  differently) is encoded in the reviewed file people_review.yaml.
"""

from __future__ import annotations

from collections import Counter
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import yaml

from lazos.errors import DataError, ValidationError
from lazos.sources.base import Connector, Context
from lazos.sources.curated_extra import (
    INFERRED,
    check_country,
    check_date,
    claim_sources,
    compilation_source,
    confidence,
    number,
    page_source,
    qualifier,
    read_rows,
    stage_code_lists,
)
from lazos.store.staging import Staging

NAME = "people"
TITLE = "Lazos curated people-to-people ties between China and LAC states"
FILE = "people_to_people.csv"
COLUMNS = [
    "iso3",
    "indicator",
    "value",
    "unit",
    "period",
    "detail",
    "source_url",
    "source_title",
    "source_publisher",
    "quote",
]
COMPILATION = "lazos-curated-people-to-people"
REVIEW = "people_review.yaml"
# The file's count indicators: (file indicator, file unit) -> Lazos indicator.
COUNTS = {
    ("confucius_institutes", "count"): "confucius_institutes",
    ("confucius_classrooms", "count"): "confucius_classrooms",
    ("chinese_government_scholarships", "scholarships"): "chinese_government_scholarships",
    ("chinese_government_scholarship_recipients", "persons"): "chinese_government_scholarship_recipients",
    ("sister_cities", "pairs"): "sister_cities",
    ("tourists_from_china", "arrivals"): "tourists_from_china",
    ("tourists_from_china", "arrivals_per_year"): "tourists_from_china",
    ("direct_flights", "flights_per_month"): "direct_flights_per_month",
}
# The file's flags (value 1, in force from `period`) and routes: (indicator, unit).
FLAGS = {
    ("visa_exemption", "flag"),
    ("visa_exemption_diplomatic_service", "flag"),
    ("visa_free_transit", "flag"),
    ("direct_flights", "routes"),
}
EVENT_KINDS = (
    "visa_exemption_mutual",
    "visa_exemption_unilateral",
    "visa_exemption_diplomatic",
    "visa_free_transit",
    "direct_flight_started",
    "direct_flight_suspended",
)
INDICATORS = tuple(sorted(set(COUNTS.values())))
DETAILS = {
    "visa_exemption_mutual": "Mutual visa exemption for ordinary passports in force",
    "visa_exemption_unilateral": "China's unilateral visa-free trial for ordinary passports in force; "
    "scheduled to end on {end} (no extension found)",
    "visa_exemption_diplomatic": "Visa exemption for diplomatic and service passports only",
    "visa_free_transit": "Eligible for China's visa-free transit (onward ticket required); not a visa exemption",
    "direct_flight_started": "Direct passenger route opened: {route}",
    "direct_flight_suspended": "Direct passenger route suspended: {route}",
}


def load_review() -> dict[str, Any]:
    return yaml.safe_load(importlib_resources.files("lazos.sources").joinpath(REVIEW).read_text("utf-8"))


def row_name(r: dict[str, Any]) -> str:
    return f"{r['iso3']}|{r['indicator']}|{r['period']}"


class _Reader:
    """One run over the file: rows checked, then observations and events built."""

    def __init__(self, path: Path, ctx: Context, review: dict[str, Any]):
        self.path = path
        self.review = review
        self.errors: list[DataError] = []
        self.rows = read_rows(path, COLUMNS, "the curated people-to-people file (people_to_people.csv)", ctx)
        self.sources: dict[str, dict[str, Any]] = {}
        self.observations: list[dict[str, Any]] = []
        self.details: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.undated: list[int] = []
        self.shared: set[str] = set()  # event keys that reviewed alternatives share
        self.good: dict[str, dict[str, Any]] = {}  # row name -> checked row
        names = Counter(row_name(r) for r in self.rows)
        for r in self.rows:
            self.check(r, ctx, names)

    def error(self, kind: str, message: str, row: dict[str, Any] | None = None, column: str | None = None) -> None:
        self.errors.append(DataError(kind, message, str(self.path), row["_row"] if row else None, column))

    def check(self, r: dict[str, Any], ctx: Context, names: Counter[str]) -> None:
        iso = check_country(r, "iso3", self.path, ctx, self.errors, region=True)
        dated = check_date(r, "period", self.path, self.errors, required=False)
        value = number(r, "value", self.path, self.errors)
        pair = (r["indicator"], r["unit"])
        if pair not in COUNTS and pair not in FLAGS:
            known = sorted({f"{i} ({u})" for i, u in [*COUNTS, *FLAGS]})
            self.error(
                "invalid-value",
                f"unknown indicator and unit {pair} (expected one of {', '.join(known)})",
                r,
                "indicator",
            )
            return
        if pair in FLAGS and value is not None and value != 1:
            self.error("invalid-value", f"a flag or route row has value 1, not {r['value']!r}", r, "value")
            return
        if value is not None and value < 0:
            self.error("invalid-value", f"a count cannot be negative ({r['value']!r})", r, "value")
            return
        if not r["source_url"]:
            self.error("missing-source", "the row cites no page", r, "source_url")
            return
        if iso is None or not dated or value is None:
            return
        page = page_source(r)
        if self.sources.setdefault(page["source_id"], page) != page:
            self.error(
                "conflicting-source",
                "the page is described with another title or publisher in an earlier row",
                r,
                "source_url",
            )
            return
        if names[row_name(r)] == 1:
            self.good[row_name(r)] = r
        r["_value"], r["_source"] = value, page["source_id"]

    def reviewed(self, name: str, evidence: str) -> dict[str, Any] | None:
        """The row a review entry names, if its detail still has the entry's evidence."""
        r = self.good.get(name)
        if r is None or evidence not in r["detail"]:
            self.error(
                "review-mismatch",
                f"Lazos's review ({REVIEW}) names the row {name} with the words "
                f"{evidence!r}; the file has no such row: update the review with the file",
            )
            return None
        return r

    # ------------------------------------------------------------------ observations

    def observe(self, r: dict[str, Any]) -> None:
        indicator = COUNTS[(r["indicator"], r["unit"])]
        if not r["period"]:
            self.undated.append(r["_row"])
            return
        key = {
            "entity": r["iso3"],
            "partner": None,
            "indicator": indicator,
            "period": r["period"],
            "source_id": r["_source"],
        }
        self.observations.append({**key, "value": r["_value"], "_row": r["_row"]})
        notes = []
        if r["iso3"] == "LAC":
            notes.append("Regional total for Latin America and the Caribbean, as the source counts it.")
        if "CONFLICT" in r["detail"]:
            notes.append("Sources disagree on this figure or its date; each keeps its row.")
        if INFERRED.search(r["detail"]):
            notes.append("The date was worked out from the source's context.")
        detail = {
            "qualifier": qualifier(r),
            "confidence": confidence(r),
            "published": None,
            "note": " ".join(notes) or None,
        }
        if (detail["qualifier"], detail["confidence"], detail["note"]) != ("exact", "high", None):
            self.details.append({**key, **detail, "_row": r["_row"]})

    # ------------------------------------------------------------------ events

    def event(self, r: dict[str, Any], kind: str, date: str | None, detail: str, **values: Any) -> None:
        key = f"{r['iso3']}:{kind}:{date or 'undated'}"
        source = values.pop("source_id", r["_source"])
        self.events.append(
            {
                "event_id": f"{key}:{source}",
                "event_key": values.pop("event_key", key),
                "country": r["iso3"],
                "kind": kind,
                "date": date or None,
                "detail": detail,
                "confidence": values.pop("confidence", confidence(r)),
                "source_id": source,
                "note": values.pop("note", None),
                "_row": r["_row"],
            }
        )

    def flag_events(self, flags: list[dict[str, Any]]) -> None:
        rv = self.review
        alternatives = {a["row"]: a for a in rv["alternatives"]}
        trial = rv["visa_trial"]
        trial_rows = set(trial["rows"])
        flights = {f["row"]: f for f in rv["flights"]}
        kinds: dict[str, str] = {}  # row name -> event kind, for alternatives
        for a in rv["alternatives"]:
            self.reviewed(a["row"], a["evidence"])
        for name in trial_rows:
            self.reviewed(name, trial["evidence"])
        for name, f in flights.items():
            if f.get("planned"):
                self.reviewed(name, f["evidence"])
            for e in f.get("events", []):
                self.reviewed(name, e["evidence"])
        routes = {row_name(r) for r in flags if r["indicator"] == "direct_flights"}
        for name in sorted(routes - set(flights)):
            self.error("review-mismatch", f"the route row {name} is not in Lazos's review ({REVIEW}): add it")
        later = []
        for r in flags:
            name, indicator, date = row_name(r), r["indicator"], r["period"]
            if name in alternatives:
                later.append(r)
                continue
            if indicator == "visa_exemption":
                mutual, unilateral = "MUTUAL" in r["detail"], "UNILATERAL" in r["detail"]
                if mutual == unilateral:
                    self.error(
                        "invalid-value",
                        "the detail must say whether the exemption is MUTUAL or "
                        "UNILATERAL (or the review must name the row it restates)",
                        r,
                        "detail",
                    )
                    continue
                kind = "visa_exemption_mutual" if mutual else "visa_exemption_unilateral"
                if unilateral and name not in trial_rows:
                    self.error(
                        "review-mismatch",
                        f"a unilateral exemption not in Lazos's review ({REVIEW}): add its end date",
                        r,
                        "detail",
                    )
                    continue
                kinds[name] = kind
                self.event(r, kind, date, DETAILS[kind].format(end=trial["end"]))
            elif indicator == "visa_exemption_diplomatic_service":
                kinds[name] = "visa_exemption_diplomatic"
                self.event(r, "visa_exemption_diplomatic", date, DETAILS["visa_exemption_diplomatic"])
            elif indicator == "visa_free_transit":
                kinds[name] = "visa_free_transit"
                self.event(r, "visa_free_transit", date, DETAILS["visa_free_transit"])
            else:
                self.route_events(r, flights.get(name))
        same = "Another source dates this event differently; the rows share one event key."
        for r in later:
            target = alternatives[row_name(r)]["same_as"]
            if target not in kinds:
                self.error(
                    "review-mismatch",
                    f"the review names {target} as the event of this row; it is not an event row of the file",
                    r,
                )
                continue
            kind = kinds[target]
            key = f"{target.split('|')[0]}:{kind}:{target.rsplit('|', 1)[1]}"
            self.event(r, kind, r["period"], DETAILS[kind], event_key=key, note=same)
            for e in self.events:
                if e["event_key"] == key:
                    e["note"] = same
            self.shared.add(key)

    def route_events(self, r: dict[str, Any], spec: dict[str, Any] | None) -> None:
        if spec is None:
            return  # (reported above)
        start, _, end = r["period"].partition("/")
        route = spec["route"]
        if spec.get("planned"):
            self.event(
                r,
                "direct_flight_started",
                start,
                f"Planned start of the route {route}; the first flight is not verified",
                confidence="low",
            )
        elif spec.get("resumed"):
            self.event(r, "direct_flight_started", start, f"Direct passenger route resumed: {route}")
        else:
            self.event(r, "direct_flight_started", start, DETAILS["direct_flight_started"].format(route=route))
        if end:
            self.event(r, "direct_flight_suspended", end, DETAILS["direct_flight_suspended"].format(route=route))
        for e in spec.get("events", []):
            source = r["_source"] if e["source"] == "row" else COMPILATION
            self.event(
                r,
                e["kind"],
                str(e["date"]),
                DETAILS[e["kind"]].format(route=route),
                source_id=source,
                confidence=e["confidence"],
                note="From the curated row's detail.",
            )

    def run(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
        flags = []
        for r in self.rows:
            pair = (r["indicator"], r["unit"])
            if pair in COUNTS:
                self.observe(r)
            else:
                flags.append(r)
        self.flag_events(flags)
        keys = Counter((o["entity"], o["indicator"], o["period"], o["source_id"]) for o in self.observations)
        for o in self.observations:
            if keys[(o["entity"], o["indicator"], o["period"], o["source_id"])] > 1:
                self.error(
                    "duplicate-key",
                    f"the same page gives two values of {o['indicator']} for {o['entity']} in {o['period']}",
                    o,
                )
        ids = Counter(e["event_id"] for e in self.events)
        event_keys = Counter(e["event_key"] for e in self.events)
        for e in self.events:
            if ids[e["event_id"]] > 1 or (event_keys[e["event_key"]] > 1 and e["event_key"] not in self.shared):
                self.error(
                    "duplicate-key",
                    f"two rows give the event {e['event_key']}: review them as alternatives or correct one",
                    e,
                )
        if self.errors:
            raise ValidationError(self.errors)


def stage(path: Path, staging: Staging, ctx: Context) -> str:
    """Stage the curated people-to-people file: counts as observations, flags and routes as events."""
    reader = _Reader(path, ctx, load_review())
    reader.run()
    claim_sources(staging, ctx, kinds=EVENT_KINDS, indicators=INDICATORS)
    label = str(path)
    stage_code_lists(staging, ctx, label, kinds=EVENT_KINDS, indicators=INDICATORS)
    compilation = compilation_source(COMPILATION, "Lazos curated people-to-people ties (China–LAC)", path, "2026-12")
    staging.add_rows("sources", [compilation, *reader.sources.values()], label)
    staging.add_rows("observations", reader.observations, label)
    staging.add_rows("observation_details", reader.details, label)
    staging.add_rows("events", reader.events, label)
    if reader.undated:
        staging.skip(f"{path.name}: counts with no date (no period to store them under)", len(reader.undated))
    undated = f"; {len(reader.undated)} undated counts left out (rows {', '.join(map(str, reader.undated))})"
    return f"{path.name}: {len(reader.observations)} observations, {len(reader.events)} events" + (
        undated if reader.undated else ""
    )


def snapshot(raw_dir: Path, staging: Staging, ctx: Context) -> list[str]:
    """``raw_dir/curated/people_to_people.csv`` into the embedded dataset."""
    return [stage(raw_dir / "curated" / FILE, staging, ctx)]


CONNECTOR = Connector(
    name=NAME,
    title=TITLE,
    description="Lazos's curated people-to-people ties: Confucius Institutes, visas, flights, scholarships",
    layouts=(FILE,),
    stage=stage,
    snapshot=snapshot,
)
