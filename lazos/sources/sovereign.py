"""Connector: sovereign defaults, missed payments, restructurings and exits from default.

Raw file: ``curated/sovereign_events.csv`` in the shared data folder (Lazos's curated record
of LAC sovereign debt events, 2001–2023; no copy of the Bank of Canada–Bank of England or
Cruces–Trebesch databases was available). Columns: ``iso3, event, date, instrument, detail,
source_url, source_title, source_publisher, quote``.

Each row becomes one event citing the page it was read on:

======================  ==========================
``event``               event kind
======================  ==========================
``missed_payment``      ``sovereign_missed_payment``
``default_declared``    ``sovereign_default``
``restructuring_agreed``  ``sovereign_restructuring``
``exit_from_default``   ``sovereign_default_exit``
======================  ==========================

The event's detail is Lazos's own short description, from the kind and the ``instrument``
(bonds, loans, official debt, all public debt); the confidence follows the rule of
:func:`lazos.sources.curated_extra.confidence`. Rows that are the same real event reported
by two sources with different dates (:data:`SAME_EVENT`) share one ``event_key``; every
row keeps its own ``event_id``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lazos.errors import DataError, ValidationError
from lazos.sources.base import Connector, Context
from lazos.sources.curated_extra import (
    check_country,
    check_date,
    claim_sources,
    compilation_source,
    confidence,
    page_source,
    read_rows,
    stage_code_lists,
)
from lazos.store.staging import Staging

NAME = "sovereign"
TITLE = "Lazos curated record of LAC sovereign debt events"
FILE = "sovereign_events.csv"
COLUMNS = ["iso3", "event", "date", "instrument", "detail", "source_url", "source_title", "source_publisher", "quote"]
COMPILATION = "lazos-curated-sovereign-events"
KINDS = {
    "missed_payment": "sovereign_missed_payment",
    "default_declared": "sovereign_default",
    "restructuring_agreed": "sovereign_restructuring",
    "exit_from_default": "sovereign_default_exit",
}
INSTRUMENTS = {
    "bonds": "bonds",
    "loans": "loans",
    "official": "official (government-to-government) debt",
    "all": "all classes of public debt",
}
PHRASES = {
    "sovereign_missed_payment": "Payment missed on {}",
    "sovereign_default": "Default on {}",
    "sovereign_restructuring": "Restructuring of {} agreed",
    "sovereign_default_exit": "Exit from default on {}",
}
# Reviewed: rows that report the same real event as another row, with another date
# ("<ISO3>|<event>|<date>" -> the row whose key they share), and words of the row's detail
# that say so (checked against the file, so that a changed file is reviewed again).
SAME_EVENT = {
    "ARG|default_declared|2001-12-26": ("ARG|default_declared|2001-12-23", "Same episode, different date"),
    "BRB|restructuring_agreed|2018-11": ("BRB|restructuring_agreed|2018-10", "CBC gives October 2018"),
}
PAIRED = set(SAME_EVENT) | {target for target, _ in SAME_EVENT.values()}
# Reviewed: the ends of two spells in default that the file leaves open, each read by Lazos on
# the page cited (found with the same search as the file's rows). Without them Jamaica would
# stay in default from its 2013 debt exchange and Belize from 2006 to its 2013 exchange.
ADDITIONS = [
    {
        "iso3": "JAM",
        "event": "exit_from_default",
        "date": "2013-03-06",
        "instrument": "bonds",
        "detail": "Added by Lazos's review: S&P raised Jamaica out of default to CCC+ after the National Debt "
        "Exchange was completed (the file has the 2013-02-12 default only).",
        "source_url": "http://www.reuters.com/article/jamaica-ratings-sandp-idUSL1N0BYE4020130306",
        "source_title": "UPDATE 1-S&P raises Jamaica sovereign rating out of default",
        "source_publisher": "Reuters",
        "quote": "",
    },
    {
        "iso3": "BLZ",
        "event": "restructuring_agreed",
        "date": "2007-02-20",
        "instrument": "bonds",
        "detail": "Added by Lazos's review: the exchange launched on 18 Dec 2006 concluded on 20 Feb 2007 (S&P, "
        "as reposted); the file's 2006-08 row says a restructuring followed in early 2007.",
        "source_url": "http://ambergriscaye.com/forum/ubbthreads.php/topics/259566/standard-poors-rates-belize-debt-b.html",
        "source_title": 'Standard & Poor\'s Rates Belize Debt "B" with a stable outlook',
        "source_publisher": "Standard & Poor's (forum repost)",
        "quote": "",
    },
]


def _row_name(r: dict[str, Any]) -> str:
    return f"{r['iso3']}|{r['event']}|{r['date']}"


def events(path: Path, ctx: Context) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The file's events and the sources they cite; every problem in one error."""
    rows = read_rows(path, COLUMNS, "the curated sovereign events file (sovereign_events.csv)", ctx)
    present = {_row_name(r) for r in rows}
    rows += [{**a, "_row": None} for a in ADDITIONS if _row_name(a) not in present]  # the file may add them later
    errors: list[DataError] = []
    by_name = {_row_name(r): r for r in rows}
    for name, (target, words) in SAME_EVENT.items():
        if name not in by_name or target not in by_name or words not in by_name[name]["detail"]:
            errors.append(
                DataError(
                    "review-mismatch",
                    f"Lazos's review names {name} as the same event as {target} (detail: {words!r}); "
                    "the file no longer says so: review lazos/sources/sovereign.py SAME_EVENT",
                    str(path),
                )
            )
    sources: dict[str, dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    for r in rows:
        iso = check_country(r, "iso3", path, ctx, errors, region=False)
        dated = check_date(r, "date", path, errors, required=True)
        kind = KINDS.get(r["event"])
        if kind is None:
            errors.append(
                DataError(
                    "invalid-value",
                    f"unknown event {r['event']!r} (expected one of {', '.join(KINDS)})",
                    str(path),
                    r["_row"],
                    "event",
                )
            )
        instrument = INSTRUMENTS.get(r["instrument"])
        if instrument is None:
            errors.append(
                DataError(
                    "invalid-value",
                    f"unknown instrument {r['instrument']!r} (expected one of {', '.join(INSTRUMENTS)})",
                    str(path),
                    r["_row"],
                    "instrument",
                )
            )
        if not r["source_url"]:
            errors.append(DataError("missing-source", "the row cites no page", str(path), r["_row"], "source_url"))
            continue
        if iso is None or not dated or kind is None or instrument is None:
            continue
        page = page_source(r)
        known = sources.setdefault(page["source_id"], page)
        if known != page:
            errors.append(
                DataError(
                    "conflicting-source",
                    "the page is described with another title or publisher in an earlier row",
                    str(path),
                    r["_row"],
                    "source_url",
                )
            )
            continue
        own_key = f"{iso}:{kind}:{r['date']}"
        same = SAME_EVENT.get(_row_name(r))
        key = f"{iso}:{kind}:{same[0].rsplit('|', 1)[1]}" if same else own_key
        out.append(
            {
                "event_id": f"{own_key}:{page['source_id']}",
                "event_key": key,
                "country": iso,
                "kind": kind,
                "date": r["date"],
                "detail": PHRASES[kind].format(instrument),
                "confidence": confidence(r),
                "source_id": page["source_id"],
                "note": "Another source dates this event differently; the rows share one event key."
                if _row_name(r) in PAIRED
                else "Added by Lazos's review of the file (lazos/sources/sovereign.py ADDITIONS)."
                if r["_row"] is None
                else None,
                "_row": r["_row"],
            }
        )
    if errors:
        raise ValidationError(errors)
    return out, list(sources.values())


def stage(path: Path, staging: Staging, ctx: Context) -> str:
    """Stage the curated sovereign events file: one event per row, with its page."""
    rows, pages = events(path, ctx)
    claim_sources(staging, ctx, kinds=tuple(KINDS.values()))
    label = str(path)
    stage_code_lists(staging, ctx, label, kinds=tuple(KINDS.values()))
    staging.add_rows(
        "sources",
        [compilation_source(COMPILATION, "Lazos curated record of LAC sovereign debt events", path, "2026-12"), *pages],
        label,
    )
    staging.add_rows("events", rows, label)
    return f"{path.name}: {len(rows)} sovereign debt events of {len({r['country'] for r in rows})} states"


def snapshot(raw_dir: Path, staging: Staging, ctx: Context) -> list[str]:
    """``raw_dir/curated/sovereign_events.csv`` into the embedded dataset."""
    return [stage(raw_dir / "curated" / FILE, staging, ctx)]


CONNECTOR = Connector(
    name=NAME,
    title=TITLE,
    description="Lazos's curated LAC sovereign defaults, missed payments, restructurings and exits from default",
    layouts=(FILE,),
    stage=stage,
    snapshot=snapshot,
)
