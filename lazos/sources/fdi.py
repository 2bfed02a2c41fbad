"""Connector: China's direct investment by LAC destination, on each row's statistical basis.

Raw file: ``curated/fdi_by_country.csv`` in the shared data folder. Columns: ``iso3,
indicator, value, currency, period, detail, source_url, source_title, source_publisher,
quote``. Rows are ``chn_fdi_stock`` (position at the end of the period) or ``chn_fdi_flow``
(flow during it; a ``start/end`` range is an annual average) in US dollars, for a CELAC
state, an offshore centre (``CYM``, ``VGB``: territories) or the region (``LAC``).

The statistical basis differs from row to row (MOFCOM/NBS/SAFE bulletin, host-country data,
CEBC project tracking, official statements of cumulative "investment"): it is classified
from the detail by :data:`BASES` into a short note beside the value, and a detail that
matches no rule stops the import. Values on different bases are never added up. ``LOWER
BOUND`` rows are lower bounds, "about" figures approximate.

When one page gives two values of one series (a MOFCOM and a host-country figure quoted
side by side), each value cites the figure's publisher as quoted on that page (a source
row ``cited_in`` the page), so both are kept as alternative assertions.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from lazos.errors import DataError, ValidationError
from lazos.sources.base import Connector, Context
from lazos.sources.common import slug, source_row
from lazos.sources.curated_extra import (
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

NAME = "fdi"
TITLE = "Lazos curated Chinese direct investment by LAC destination"
FILE = "fdi_by_country.csv"
COLUMNS = [
    "iso3",
    "indicator",
    "value",
    "currency",
    "period",
    "detail",
    "source_url",
    "source_title",
    "source_publisher",
    "quote",
]
COMPILATION = "lazos-curated-fdi-by-country"
INDICATORS = ("chn_fdi_stock", "chn_fdi_flow")
# The statistical basis of a row, from its detail: the first rule that matches gives the
# note and the publisher of the figure. Order matters (a lower-bound statement by MOFCOM's
# spokesman is a statement, not bulletin data).
BASES: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"\bLOWER BOUND\b"), "basis: official statement (lower bound)", "official statement"),
    (
        re.compile(r"HOST-COUNTRY data \(Central Bank of Brazil\)"),
        "basis: host-country data (Banco Central do Brasil)",
        "Banco Central do Brasil",
    ),
    (
        re.compile(r"HOST-COUNTRY data \(Secretaría de Economía\)"),
        "basis: host-country data (Secretaría de Economía, Mexico)",
        "Secretaría de Economía (Mexico)",
    ),
    (
        re.compile(r"ESTIMATE by the Brazil-China Business Council"),
        "basis: CEBC estimate (ultimate-investor basis)",
        "Brazil-China Business Council (CEBC)",
    ),
    (re.compile(r"\bCEBC\b"), "basis: CEBC project tracking", "Brazil-China Business Council (CEBC)"),
    (re.compile(r"MOFCOM data cited at"), "basis: MOFCOM data as cited (measure unclear)", "MOFCOM"),
    (
        re.compile(r"Statistical Bulletin|MOFCOM-basis|MOFCOM-published|MOFCOM data|Official Chinese OFDI statistics"),
        "basis: MOFCOM/NBS/SAFE statistical bulletin",
        "MOFCOM",
    ),
    (re.compile(r"ECLAC data"), "basis: ECLAC data (press report)", "ECLAC"),
    (
        re.compile(r"cited by CCPIT"),
        "basis: official statement (cumulative investment, basis unclear)",
        "CCPIT",
    ),
    (re.compile(r"basis not stated"), "basis: not stated (press report)", "press report"),
]
OFFSHORE = re.compile(r"includes the Cayman Islands|includes offshore centres")


def basis(detail: str) -> tuple[str, str] | None:
    """(note, publisher of the figure) for a row's detail, or None when no rule matches."""
    for pattern, note, publisher in BASES:
        if pattern.search(detail):
            return note, publisher
    return None


def read(path: Path, ctx: Context) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(observations, their details, sources) of the file; every problem in one error."""
    rows = read_rows(path, COLUMNS, "the curated FDI-by-destination file (fdi_by_country.csv)", ctx)
    errors: list[DataError] = []
    sources: dict[str, dict[str, Any]] = {}
    good = []
    for r in rows:
        iso = check_country(r, "iso3", path, ctx, errors, region=True)
        dated = check_date(r, "period", path, errors, required=True)
        value = number(r, "value", path, errors)
        where = (str(path), r["_row"])
        if r["indicator"] not in INDICATORS:
            errors.append(
                DataError(
                    "invalid-value",
                    f"unknown indicator {r['indicator']!r} (expected {' or '.join(INDICATORS)})",
                    *where,
                    "indicator",
                )
            )
        if r["currency"] != "USD":
            errors.append(DataError("invalid-value", f"values are in USD, not {r['currency']!r}", *where, "currency"))
        if value is not None and value < 0 and r["indicator"] == "chn_fdi_stock":
            errors.append(DataError("invalid-value", "a stock cannot be negative", *where, "value"))
        found = basis(r["detail"])
        if found is None:
            errors.append(
                DataError(
                    "unclassified-basis",
                    "the detail names no statistical basis Lazos knows (see lazos/sources/fdi.py BASES)",
                    *where,
                    "detail",
                )
            )
        if not r["source_url"]:
            errors.append(DataError("missing-source", "the row cites no page", *where, "source_url"))
            continue
        if iso is None or not dated or value is None or found is None or r["indicator"] not in INDICATORS:
            continue
        page = page_source(r)
        if sources.setdefault(page["source_id"], page) != page:
            errors.append(
                DataError(
                    "conflicting-source",
                    "the page is described with another title or publisher in an earlier row",
                    *where,
                    "source_url",
                )
            )
            continue
        good.append({**r, "_value": value, "_basis": found, "_page": page["source_id"]})
    if errors:
        raise ValidationError(errors)

    series = Counter((r["iso3"], r["indicator"], r["period"], r["_page"]) for r in good)
    observations, details = [], []
    seen: set[tuple[str, str, str, str]] = set()
    for r in good:
        source_id = r["_page"]
        note, publisher = r["_basis"]
        if series[(r["iso3"], r["indicator"], r["period"], source_id)] > 1:  # two figures on one page
            source_id = f"{r['_page']}-{slug(publisher, 30)}"
            cited = source_row(
                source_id=source_id,
                kind="statement" if "statement" in note else "dataset",
                title=f"{publisher} figure, as quoted on the page",
                publisher=publisher,
                url=r["source_url"],
                cited_in=r["_page"],
                note="Not read by Lazos: quoted on the page it cites.",
            )
            sources[source_id] = cited
            if (r["iso3"], r["indicator"], r["period"], source_id) in seen:
                errors.append(
                    DataError(
                        "duplicate-key", "the page gives two figures of this series on one basis", str(path), r["_row"]
                    )
                )
                continue
        seen.add((r["iso3"], r["indicator"], r["period"], source_id))
        notes = [note]
        if "/" in r["period"] and r["indicator"] == "chn_fdi_flow":
            start, end = r["period"].split("/")
            notes.append(f"annual average over {start[:4]}–{end[:4]}")
        if OFFSHORE.search(r["detail"]):
            notes.append("includes offshore centres (Cayman Islands, British Virgin Islands)")
        if r["iso3"] in ("CYM", "VGB"):
            notes.append("an offshore centre, not a CELAC state")
        key = {
            "entity": r["iso3"],
            "partner": None,
            "indicator": r["indicator"],
            "period": r["period"],
            "source_id": source_id,
        }
        observations.append({**key, "value": r["_value"], "_row": r["_row"]})
        details.append(
            {
                **key,
                "qualifier": qualifier(r),
                "confidence": confidence(r),
                "published": None,
                "note": "; ".join(notes),
                "_row": r["_row"],
            }
        )
    if errors:
        raise ValidationError(errors)
    return observations, details, list(sources.values())


def stage(path: Path, staging: Staging, ctx: Context) -> str:
    """Stage the curated FDI file: one observation per row, its basis in the note."""
    observations, details, pages = read(path, ctx)
    claim_sources(staging, ctx, indicators=INDICATORS)
    label = str(path)
    stage_code_lists(staging, ctx, label, indicators=INDICATORS)
    compilation = compilation_source(
        COMPILATION, "Lazos curated Chinese direct investment by LAC destination", path, "2026-12"
    )
    staging.add_rows("sources", [compilation, *pages], label)
    staging.add_rows("observations", observations, label)
    staging.add_rows("observation_details", details, label)
    bases = Counter(d["note"].split(";")[0] for d in details)
    return f"{path.name}: {len(observations)} observations on {len(bases)} statistical bases (never summed across)"


def snapshot(raw_dir: Path, staging: Staging, ctx: Context) -> list[str]:
    """``raw_dir/curated/fdi_by_country.csv`` into the embedded dataset."""
    return [stage(raw_dir / "curated" / FILE, staging, ctx)]


CONNECTOR = Connector(
    name=NAME,
    title=TITLE,
    description="Lazos's curated Chinese FDI stock and flows by LAC destination, on each row's statistical basis",
    layouts=(FILE,),
    stage=stage,
    snapshot=snapshot,
)
