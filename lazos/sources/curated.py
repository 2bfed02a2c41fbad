"""Connector: the curated reference facts on China–LAC cooperation.

Raw files: ``curated/{countries,bri_mou,agreements,headline_stats,projects}.csv`` in the
shared data folder (each row cites the page it was read on, with a quote, a confidence and
the curators' notes). The connector

1. **snapshots** the five files (their checksums become the compilation's source row),
2. **reads** them as published, checking their columns,
3. **harmonises** them with Lazos's review (curated_review.yaml): events, projects with
   their milestones and amounts, observations, each with its source and confidence,
4. **publishes** rows for the embedded data package.

Quotes and notes are read only to check facts; they are never copied.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import yaml

from lazos.dates import parse_fuzzy
from lazos.errors import DataError, LazosError, ValidationError
from lazos.sources import reference
from lazos.sources.base import Connector, Context
from lazos.sources.common import (
    Contribution,
    read_csv_rows,
    short_hash,
    slug,
    source_row,
    web_source,
    web_source_id,
)
from lazos.sources.rawfiles import fail
from lazos.store.staging import Staging

NAME = "curated"
TITLE = "Lazos curated reference facts on China–LAC cooperation"
COMPILATION = "lazos-curated-2025"
FILES = {
    "countries.csv": [
        "iso3",
        "iso2",
        "name_en",
        "name_es",
        "name_pt",
        "name_zh",
        "subregion",
        "diplomatic_relations_prc_date",
        "recognises_roc",
        "source_url",
        "quote",
        "note",
    ],
    "bri_mou.csv": ["iso3", "event", "date", "source_url", "quote", "confidence", "note"],
    "agreements.csv": [
        "iso3",
        "kind",
        "date",
        "detail",
        "source_url",
        "quote",
        "confidence",
        "note",
    ],
    "headline_stats.csv": [
        "indicator",
        "geography",
        "period",
        "value",
        "unit",
        "source_url",
        "quote",
        "confidence",
        "note",
    ],
    "projects.csv": [
        "name",
        "iso3",
        "sector",
        "subsector",
        "chinese_entities",
        "value_usd",
        "status",
        "start_year",
        "completion_year",
        "lat",
        "lon",
        "coords_source",
        "source_url",
        "quote",
        "confidence",
        "note",
    ],
}


def load_review() -> dict[str, Any]:
    """The review, with the researched leaders' visits (curated_visits.yaml) as further ``events.add`` entries."""
    package = importlib_resources.files("lazos.sources")
    review = yaml.safe_load(package.joinpath("curated_review.yaml").read_text("utf-8"))
    visits = yaml.safe_load(package.joinpath("curated_visits.yaml").read_text("utf-8")) or {}
    review["events"]["add"] = list(review["events"].get("add") or []) + list(visits.get("events") or [])
    return review


def files_in(raw_dir: Path) -> dict[str, Path]:
    return {name: raw_dir / name for name in FILES}


def read(raw_dir: Path | dict[str, Path]) -> dict[str, list[dict[str, str]]]:
    """The five files as published (meadow): text cells, columns checked, each row with its
    number in its file (``_row``)."""
    files = files_in(raw_dir) if isinstance(raw_dir, Path) else raw_dir
    return {name: read_csv_rows(files[name], cols) for name, cols in FILES.items()}


def _compilation_source(files: dict[str, Path]) -> dict[str, Any]:
    digest = hashlib.sha256()
    for name in sorted(FILES):
        digest.update(name.encode() + b"\0" + files[name].read_bytes())
    return source_row(
        source_id=COMPILATION,
        kind="dataset",
        title="Lazos curated reference facts on China–LAC cooperation (countries, BRI MoUs, "
        "agreements, headline statistics, notable projects)",
        publisher="Lazos",
        licence="ODC-By-1.0",
        published="2025-12",
        content_hash=digest.hexdigest(),
        note="Hand-compiled from public web pages; each fact cites the page it was read on. "
        "Facts that only its notes report are attributed to it, with the outlet named.",
    )


class _Harmoniser:
    """Turns the five files plus the review into Lazos rows (one instance per run)."""

    def __init__(self, raw: dict[str, list[dict[str, str]]], review: dict[str, Any], files: dict[str, Path]):
        self.raw = raw
        self.review = review
        self.files = files
        self.out = Contribution()
        self.errors: list[DataError] = []
        self.out.add_source(_compilation_source(files))

    def number(self, name: str, row: dict[str, Any], column: str) -> float:
        """A cell of a raw file as a finite number; anything else stops with its file and row."""
        try:
            value = float(row[column])
        except ValueError:
            value = float("nan")
        if not math.isfinite(value):
            fail("invalid-value", f"{row[column]!r} is not a number", self.files[name], row.get("_row"), column)
        return value

    # -------------------------------------------------------------- sources

    def page(self, url: str) -> str:
        return self.out.add_source(web_source(url.strip()))

    def cited(self, spec: dict[str, Any] | str, context: str) -> str:
        """Source id for a review entry's ``source``: row, compilation or a cited document."""
        if spec == "compilation":
            return COMPILATION
        if not isinstance(spec, dict):
            raise ValueError(f"bad source {spec!r} in the review ({context})")
        if spec.get("url"):
            known = web_source_id(spec["url"])
            if any(row["source_id"] == known for row in self.out.rows.get("sources", [])):
                return known  # a page the files already cite is that same source
            return self.out.add_source(
                web_source(
                    spec["url"],
                    kind=spec.get("kind", "web_page"),
                    title=spec.get("title"),
                    publisher=spec.get("publisher"),
                    cited_in=COMPILATION,
                )
            )
        publisher = spec["publisher"]
        return self.out.add_source(
            source_row(
                source_id=f"cited-{slug(publisher, 30)}-{short_hash(context + publisher)}",
                kind=spec.get("kind", "document"),
                title=spec.get("title") or f"{publisher}, as cited for {context}",
                publisher=publisher,
                cited_in=COMPILATION,
                note="Not read by Lazos: cited in the curated compilation's notes.",
            )
        )

    # -------------------------------------------------------------- events

    def event_kind(self, row: dict[str, Any]) -> str:
        kinds = self.review["events"]["kinds"]
        if row["event"] not in kinds:
            fail(
                "invalid-value",
                f"unknown event {row['event']!r} (the review knows {', '.join(kinds)})",
                self.files["bri_mou.csv"],
                row.get("_row"),
                "event",
            )
        return kinds[row["event"]]

    def events(self) -> None:
        rv_c = self.review["countries"]
        rv_e = self.review["events"]
        medium = set(rv_c["relations_confidence"]["medium"])
        switched = set(rv_c["switched_from_taipei"])
        primaries: list[dict[str, Any]] = []
        alternatives: list[dict[str, Any]] = []

        for r in self.raw["countries.csv"]:
            if not r["diplomatic_relations_prc_date"]:
                continue
            iso = r["iso3"]
            kind = "diplomatic_relations_switched" if iso in switched else "diplomatic_relations_established"
            primaries.append(
                {
                    "country": iso,
                    "kind": kind,
                    "date": r["diplomatic_relations_prc_date"],
                    "detail": None,
                    "confidence": "medium" if iso in medium else rv_c["relations_confidence"]["default"],
                    "source_id": self.page(r["source_url"]),
                    "note": rv_c["notes"].get(iso),
                }
            )
        for e in rv_c["earlier_relations"]:
            src = self.cited({"publisher": e["publisher"]}, f"earlier relations of {e['country']}")
            for kind, date in (
                (
                    "diplomatic_relations_switched"
                    if e.get("switched_from_taipei")
                    else "diplomatic_relations_established",
                    e["established"],
                ),
                ("diplomatic_relations_broken", e["broken"]),
            ):
                primaries.append(
                    {
                        "country": e["country"],
                        "kind": kind,
                        "date": date,
                        "detail": "Earlier period of relations",
                        "confidence": e["confidence"],
                        "source_id": src,
                        "note": None,
                    }
                )
        for a in rv_c["alternative_dates"]:
            kind = "diplomatic_relations_switched" if a["country"] in switched else "diplomatic_relations_established"
            alternatives.append(
                {
                    "country": a["country"],
                    "kind": kind,
                    "date": a["date"],
                    "detail": None,
                    "confidence": "low",
                    "source_id": self.cited({"publisher": a["publisher"]}, f"relations date of {a['country']}"),
                    "note": "Alternative date reported by another page.",
                }
            )

        for r in self.raw["bri_mou.csv"]:
            primaries.append(
                {
                    "country": r["iso3"],
                    "kind": self.event_kind(r),
                    "date": r["date"],
                    "detail": None,
                    "confidence": r["confidence"],
                    "source_id": self.page(r["source_url"]),
                    "note": None,
                }
            )
        upgrades = set(rv_e["fta_upgrades"])
        for r in self.raw["agreements.csv"]:
            kind = r["kind"]
            if f"{r['iso3']}:{kind}:{r['date']}" in upgrades:
                kind = "fta_upgrade_in_force"
            primaries.append(
                {
                    "country": r["iso3"],
                    "kind": kind,
                    "date": r["date"],
                    "detail": r["detail"] or None,
                    "confidence": r["confidence"],
                    "source_id": self.page(r["source_url"]),
                    "note": None,
                }
            )
        for r in self.raw["headline_stats.csv"]:
            if r["indicator"] != "china_celac_forum_ministerial_meeting":
                continue
            ordinal = int(self.number("headline_stats.csv", r, "value"))
            place = r["geography"]
            host = place.rsplit(",", 1)[-1].strip() if "," in place else None
            suffix = {1: "st", 2: "nd", 3: "rd"}.get(ordinal, "th")
            primaries.append(
                {
                    "country": host,
                    "kind": "forum_ministerial_meeting",
                    "date": r["period"],
                    "detail": f"{ordinal}{suffix} China–CELAC Forum ministerial meeting ({place})",
                    "confidence": r["confidence"],
                    "source_id": self.page(r["source_url"]),
                    "note": None,
                    "key": f"CELAC:forum_ministerial_meeting:{ordinal}",
                }
            )
        for a in rv_e["add"]:
            row = {
                "country": a["country"],
                "kind": a["kind"],
                "date": a["date"],
                "detail": a.get("detail"),
                "confidence": a["confidence"],
                "note": a.get("note"),
                "source_id": self.cited(a["source"], f"{a['country']} {a['kind']} {a['date']}"),
            }
            (alternatives if a.get("alternative") else primaries).append(row)

        # Keys: "<ISO3>:<kind>", plus ":<year>" when a state has several events of a kind, or
        # ":<date>" when it has several in one year (leaders' visits and meetings).
        counts = Counter((p["country"], p["kind"]) for p in primaries if "key" not in p)
        years = Counter((p["country"], p["kind"], (p["date"] or "")[:4]) for p in primaries if "key" not in p)
        for p in primaries:
            if "key" in p:
                continue
            key = f"{p['country']}:{p['kind']}"
            if counts[(p["country"], p["kind"])] > 1:
                year = (p["date"] or "")[:4]
                key += ":" + ((p["date"] if years[(p["country"], p["kind"], year)] > 1 else year) or "undated")
            p["key"] = key
        keys = Counter(p["key"] for p in primaries)
        dup = [k for k, n in keys.items() if n > 1]
        if dup:
            raise ValueError(f"curated events share keys {dup}: give them distinct dates")
        for a in alternatives:
            matches = [p["key"] for p in primaries if (p["country"], p["kind"]) == (a["country"], a["kind"])]
            if len(matches) != 1:
                raise ValueError(f"alternative {a} matches {len(matches)} events; it must match one")
            a["key"] = matches[0]

        notes = rv_e["notes"]
        unknown = set(notes) - set(keys)
        if unknown:
            raise ValueError(f"review notes name unknown events: {sorted(unknown)}")
        ids: Counter[str] = Counter()
        for e in primaries + alternatives:
            base = f"{e['key']}:{e['source_id']}"
            ids[base] += 1
            event_id = base if ids[base] == 1 else f"{base}:{ids[base]}"
            note = e["note"]
            if e in primaries and notes.get(e["key"]):
                note = notes[e["key"]]
            self.out.add(
                "events",
                {
                    "event_id": event_id,
                    "event_key": e["key"],
                    "country": e["country"],
                    "kind": e["kind"],
                    "date": e["date"] or None,
                    "detail": e["detail"],
                    "confidence": e["confidence"],
                    "source_id": e["source_id"],
                    "note": note,
                },
            )

    # -------------------------------------------------------------- countries

    def countries(self) -> None:
        for r in self.raw["countries.csv"]:
            self.out.add(
                "countries",
                {
                    "iso3": r["iso3"],
                    "iso2": r["iso2"],
                    "kind": "state",
                    "celac": True,
                    "sovereign": None,
                    "name_en": r["name_en"],
                    "name_es": r["name_es"],
                    "name_pt": r["name_pt"],
                    "name_zh": r["name_zh"],
                    "subregion": r["subregion"],
                    "source_id": COMPILATION,
                    "note": None,
                },
            )

    # -------------------------------------------------------------- observations

    def observations(self) -> None:
        rv = self.review["observations"]
        qualifier_of = {key: q for q, keys in rv["qualifiers"].items() for key in keys}
        by_key: dict[str, dict[str, Any]] = {}
        seen_keys: set[str] = set()
        for r in self.raw["headline_stats.csv"]:
            if r["indicator"] == "china_celac_forum_ministerial_meeting":
                continue
            key = f"{r['indicator']}|{r['period']}|{r['value']}"
            seen_keys.add(key)
            entity, _, partner = r["geography"].partition("-")
            row = {
                "entity": entity,
                "partner": partner or None,
                "indicator": r["indicator"],
                "period": r["period"],
                "value": self.number("headline_stats.csv", r, "value"),
                "unit": r["unit"],
                "qualifier": qualifier_of.get(key, "exact"),
                "confidence": r["confidence"],
                "published": rv["published"].get(key),
                "source_id": self.page(r["source_url"]),
                "note": rv["notes"].get(key),
            }
            by_key[key] = row
            self.out.add("observations", row)
        referenced = set(qualifier_of) | set(rv["published"]) | {k for k in rv["notes"] if k.count("|") == 2}
        unknown = referenced - seen_keys
        if unknown:
            raise ValueError(f"review names unknown headline rows: {sorted(unknown)}")
        for a in rv["add"]:
            base = by_key[a["source_of"]]
            row = {
                "entity": base["entity"],
                "partner": base["partner"],
                "indicator": a["indicator"],
                "period": a["period"],
                "value": float(a["value"]),
                "unit": a.get("unit", base["unit"]),
                "qualifier": a["qualifier"],
                "confidence": a["confidence"],
                "published": None,
                "source_id": base["source_id"],
                "note": a.get("note"),
            }
            clash = [
                o
                for o in self.out.rows["observations"]
                if all(o[k] == row[k] for k in ("entity", "partner", "indicator", "period", "source_id"))
            ]
            if clash:
                if a.get("skip_if_present"):
                    continue
                raise ValueError(f"added observation {a} duplicates an existing row")
            self.out.add("observations", row)
        roc = rv["recognises_roc"]
        allies = [r for r in self.raw["countries.csv"] if r["recognises_roc"] == "true"]
        if {r["iso3"] for r in allies} != set(roc["countries"]):
            raise ValueError(f"the review lists {sorted(roc['countries'])} as recognising Taipei; the file differs")
        for r in sorted(allies, key=lambda r: r["iso3"]):
            self.out.add(
                "observations",
                {
                    "entity": r["iso3"],
                    "partner": None,
                    "indicator": "recognises_roc",
                    "period": roc["period"],
                    "value": 1.0,
                    "unit": "boolean",
                    "qualifier": "exact",
                    "confidence": "high",
                    "published": roc["period"],
                    "source_id": self.page(r["source_url"]),
                    "note": "Listed among Taipei's diplomatic allies in a Reuters factbox.",
                },
            )

    # -------------------------------------------------------------- projects

    def projects(self) -> None:
        rv = self.review["projects"]
        excluded = rv.get("exclude", {})
        seen: set[str] = set()
        for r in self.raw["projects.csv"]:
            pid = f"{r['iso3'].lower()}-{slug(r['name'])}"
            if pid in seen:
                raise ValueError(f"two curated projects share the id {pid}")
            seen.add(pid)
            if pid in excluded:
                continue
            spec = rv.get(pid, {})
            row_src = self.page(r["source_url"])
            self.out.add(
                "projects",
                {
                    "project_id": pid,
                    "name": r["name"],
                    "sector": r["sector"],
                    "subsector": r["subsector"] or None,
                    "chinese_entities": r["chinese_entities"] or None,
                    "local_entities": None,
                    "status": r["status"] or None,
                    "lat": self.number("projects.csv", r, "lat") if r["lat"] else None,
                    "lon": self.number("projects.csv", r, "lon") if r["lon"] else None,
                    "location_note": r["coords_source"] or None,
                    "confidence": r["confidence"],
                    "source_id": row_src,
                    "note": spec.get("note"),
                },
            )
            self.out.add(
                "project_countries",
                {"project_id": pid, "country": r["iso3"], "role": "host", "source_id": row_src},
            )
            self._milestones(pid, r, spec, row_src)
            self._amounts(pid, r, spec, row_src)
            for ext in spec.get("ids", []):
                self.out.add(
                    "project_ids",
                    {
                        "project_id": pid,
                        "scheme": ext["scheme"],
                        "external_id": ext["id"],
                        "source_id": row_src,
                    },
                )
        unknown = set(rv) - seen - {"exclude"}
        if unknown:
            raise ValueError(f"the review names unknown projects: {sorted(unknown)}")

    def _src(self, spec: dict[str, Any], default: str, row_src: str, context: str) -> str:
        which = spec.get("source", default)
        return row_src if which == "row" else self.cited(which, context)

    def _milestones(self, pid: str, r: dict[str, str], spec: dict[str, Any], row_src: str) -> None:
        items: list[dict[str, Any]] = []
        for column, part, default in (
            ("start_year", "start", "construction_started"),
            ("completion_year", "completion", "operational"),
        ):
            override = spec.get(part, {})
            date = override.get("date") or r[column]
            if not date:
                continue
            if r[column] and not str(date).startswith(r[column]):
                raise ValueError(f"{pid}: the review's {part} date {date} is not in the year {r[column]}")
            items.append({**override, "milestone": override.get("milestone", default), "date": str(date)})
        items += spec.get("milestones", [])
        for m in items:
            source_id = self._src(m, "compilation", row_src, f"{pid} {m['milestone']}")
            confidence = m.get("confidence") or (r["confidence"] if source_id == row_src else "medium")
            self.out.add(
                "project_milestones",
                {
                    "project_id": pid,
                    "milestone": m["milestone"],
                    "date": m["date"],
                    "confidence": confidence,
                    "source_id": source_id,
                    "note": m.get("note"),
                },
            )

    def _amounts(self, pid: str, r: dict[str, str], spec: dict[str, Any], row_src: str) -> None:
        main = spec.get("amount")
        if r["value_usd"] and not main:
            raise ValueError(f"{pid}: the review must say what value_usd {r['value_usd']} measures")
        rows = []
        if main:
            currency = main.get("currency", "USD")
            value = float(main.get("value", r["value_usd"]))
            rows.append(
                {
                    **main,
                    "kind": main["kind"],
                    "value": value,
                    "currency": currency,
                    "usd_nominal": main.get("usd_nominal", value if currency == "USD" else None),
                }
            )
        for a in spec.get("amounts", []):
            rows.append(
                {
                    **a,
                    "usd_nominal": a.get("usd_nominal", a["value"] if a["currency"] == "USD" else None),
                }
            )
        for a in rows:
            source_id = self._src(a, "row", row_src, f"{pid} {a['kind']} {a['value']}")
            confidence = a.get("confidence") or (r["confidence"] if source_id == row_src else "low")
            self.out.add(
                "project_amounts",
                {
                    "project_id": pid,
                    "amount_kind": a["kind"],
                    "value": float(a["value"]),
                    "currency": a["currency"],
                    "usd_nominal": a["usd_nominal"],
                    "usd_constant": None,
                    "usd_constant_year": None,
                    "qualifier": a.get("qualifier", "exact"),
                    "confidence": confidence,
                    "source_id": source_id,
                    "note": a.get("note"),
                },
            )

    def split_observations(self) -> None:
        """Observations keep their value; qualifier, confidence, dates and notes go to details.

        The unit of each row must be its indicator's unit (reference/indicators.csv).
        """
        units = {r["indicator"]: r["unit"] for r in reference.contribution().rows["indicators"]}
        rows, details = [], []
        for o in self.out.rows.pop("observations", []):
            if units.get(o["indicator"]) != o["unit"]:
                raise ValueError(
                    f"{o['indicator']} {o['period']}: unit {o['unit']!r} is not the indicator's "
                    f"{units.get(o['indicator'])!r}"
                )
            key = {k: o[k] for k in ("entity", "partner", "indicator", "period", "source_id")}
            rows.append({**key, "value": o["value"]})
            if (o["qualifier"], o["confidence"], o["published"], o["note"]) != (
                "exact",
                "high",
                None,
                None,
            ):
                details.append(
                    {
                        **key,
                        "qualifier": o["qualifier"],
                        "confidence": o["confidence"],
                        "published": o["published"],
                        "note": o["note"],
                    }
                )
        self.out.rows["observations"] = rows
        self.out.rows["observation_details"] = details

    def run(self) -> Contribution:
        self.countries()
        self.events()
        self.observations()
        self.split_observations()
        self.projects()
        for name, rows in self.raw.items():
            for r in rows:
                for col in ("date", "period", "diplomatic_relations_prc_date"):
                    if r.get(col):
                        try:
                            parse_fuzzy(r[col])
                        except ValueError as exc:
                            self.errors.append(DataError("invalid-date", str(exc), name, r["_row"], col))
        if self.errors:
            raise ValidationError(self.errors)
        return self.out


def contribution(raw_dir: Path | dict[str, Path]) -> Contribution:
    """Snapshot, read and harmonise the curated files in ``raw_dir`` (or the five files named)."""
    files = files_in(raw_dir) if isinstance(raw_dir, Path) else raw_dir
    raw = read(files)
    try:
        return _Harmoniser(raw, load_review(), files).run()
    except LazosError:
        raise
    except (ValueError, KeyError, TypeError) as exc:  # the files and the review of them disagree
        what = f"the review names {exc.args[0]!r}, which the files do not hold" if isinstance(exc, KeyError) else exc
        folder = files["countries.csv"].parent
        raise ValidationError(
            [
                DataError(
                    "review-mismatch",
                    f"the curated files and Lazos's review of them (lazos/sources/curated_review.yaml) disagree: "
                    f"{what}; update the review with the files",
                    str(folder),
                )
            ]
        ) from exc


# ---------------------------------------------------------------------------- lazos import curated


def stage(path: Path, staging: Staging, ctx: Context) -> str:
    """Take one curated file (or their folder) into the run; :func:`finish` reads the five together.

    The facts cross-refer (the review names rows of several files), so they are imported as a
    set: a newer compilation replaces the older one's facts, which stay readable as of before.
    """
    files: dict[str, Path] = ctx.options.setdefault("curated_files", {})
    if path.is_dir():
        found = {name: path / name for name in FILES if (path / name).is_file()}
        if not found:
            fail("missing-file", f"no curated files here (expected {', '.join(FILES)})", path)
        files.update(found)
        return f"{path}: {len(found)} curated file(s)"
    if not path.is_file():
        fail("missing-file", "file not found", path)
    if path.name not in FILES:
        fail(
            "unknown-layout",
            f"not a curated facts file: the curated facts are the files {', '.join(FILES)} (or their folder)",
            path,
        )
    files[path.name] = path
    return f"{path.name}: curated {path.stem.replace('_', ' ')}"


def finish(staging: Staging, ctx: Context) -> None:
    """Harmonise the run's curated files and stage their rows."""
    files: dict[str, Path] | None = ctx.options.pop("curated_files", None)
    if files is None:
        return
    missing = [name for name in FILES if name not in files]
    if missing:
        raise ValidationError(
            [
                DataError(
                    "missing-file",
                    f"the curated facts are imported together: give their folder or all five files "
                    f"({', '.join(FILES)}); missing: {', '.join(missing)}",
                    str(next(iter(files.values())).parent),
                )
            ]
        )
    label = str(files["countries.csv"].parent)
    for name, rows in contribution(files).rows.items():
        staging.add_rows(name, rows, f"{label} ({name})")


def snapshot(raw_dir: Path, staging: Staging, ctx: Context) -> list[str]:
    """The five files of ``raw_dir/curated``: the embedded dataset's countries and curated facts."""
    for name, rows in contribution(raw_dir / "curated").rows.items():
        staging.add_rows(name, rows, name)
    return [f"{raw_dir / 'curated'}: curated facts"]


CONNECTOR = Connector(
    name=NAME,
    title=TITLE,
    description="Lazos's curated China–LAC facts: countries, BRI MoUs, agreements, statistics, projects",
    layouts=(f"all five of {', '.join(FILES)}, or their folder",),
    stage=stage,
    snapshot=snapshot,
    finish=finish,
)
