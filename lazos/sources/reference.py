"""Lazos's own reference data: code lists, entities beyond the CELAC states, name variants.

The code lists live in sources/reference/ as reviewed CSV files. Country names in the five
scripts Lazos resolves (English, Spanish, Portuguese, simplified and traditional Chinese)
are added from the Unicode CLDR, through Babel, for every country in the package.
"""

from __future__ import annotations

import csv
from importlib import resources as importlib_resources

from babel import Locale

from lazos.countries import normalise
from lazos.sources.common import Contribution, Rows, source_row

CODELISTS = "lazos-codelists"
CLDR = "unicode-cldr"
CLDR_LOCALES = {"en": "en", "es": "es", "pt": "pt", "zh": "zh", "zh_Hant": "zh-Hant"}


def _read(name: str) -> list[dict[str, str]]:
    text = importlib_resources.files("lazos.sources").joinpath(f"reference/{name}").read_text("utf-8")
    return [{k: (v if v != "" else None) for k, v in r.items()} for r in csv.DictReader(text.splitlines())]


def contribution() -> Contribution:
    """Sources, event kinds, indicators and non-CELAC entities of the reference files."""
    out = Contribution()
    for r in _read("sources.csv"):
        out.add_source(source_row(**r))
    out.add_source(
        source_row(
            source_id=CLDR,
            kind="reference",
            # No library or CLDR version here: the committed snapshot must not change with the
            # installed Babel (the version in use is the one requirements.lock pins).
            title="Unicode CLDR territory names (via Babel)",
            publisher="Unicode Consortium",
            url="https://cldr.unicode.org/",
            licence="Unicode-3.0",
            note="Names of countries in English, Spanish, Portuguese and Chinese, used as aliases.",
        )
    )
    for r in _read("event_kinds.csv"):
        out.add("event_kinds", {**r, "source_id": CODELISTS})
    for r in _read("indicators.csv"):
        out.add("indicators", {**r, "source_id": CODELISTS})
    for r in _read("entities.csv"):
        out.add("countries", {**r, "celac": r["celac"] == "true"})
    return out


def aliases(countries: Rows) -> Rows:
    """Name variants for ``countries``: reviewed spellings, then CLDR names.

    An alias identical (once folded) to one already listed for the same country is skipped.
    """
    seen: set[tuple[str, str]] = set()
    for c in countries:
        for col in ("iso3", "iso2", "name_en", "name_es", "name_pt", "name_zh"):
            if c.get(col):
                seen.add((normalise(c[col]), c["iso3"]))
    out: Rows = []

    def add(alias: str, iso3: str, lang: str, source_id: str) -> None:
        key = (normalise(alias), iso3)
        if key[0] and key not in seen:
            seen.add(key)
            out.append({"alias": alias, "iso3": iso3, "lang": lang, "source_id": source_id})

    for r in _read("aliases.csv"):
        add(r["alias"], r["iso3"], r["lang"], CODELISTS)
    locales = {code: Locale.parse(code) for code in CLDR_LOCALES}
    for c in countries:
        if not c.get("iso2"):
            continue
        for code, lang in CLDR_LOCALES.items():
            name = locales[code].territories.get(c["iso2"])
            if name:
                add(name, c["iso3"], lang, CLDR)
    return out
