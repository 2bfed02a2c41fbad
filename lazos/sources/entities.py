"""Resolving the country names and codes of every dataset, with reviewed exclusions.

Each name a connector meets is one of three things:

* **known**: it resolves to a country or aggregate in Lazos (through the shared
  :class:`lazos.countries.CountryResolver`: codes, names in four languages, aliases);
* **excluded**: Lazos deliberately leaves it out, with a reason: an ISO 3166 country outside
  the CELAC states and China, a World Bank aggregate, a regional recipient
  (sources/reference/excluded_entities.csv). Connectors skip these and report how many;
* **unknown**: neither. The import stops and names the file, row and value, so a new
  spelling is reviewed rather than dropped.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources as importlib_resources

import pycountry

from lazos.countries import CountryResolver, normalise
from lazos.errors import UnknownCountryError


@cache
def _reviewed_exclusions() -> dict[str, str]:
    text = importlib_resources.files("lazos.sources").joinpath("reference/excluded_entities.csv").read_text("utf-8")
    return {normalise(r["name"]): r["reason"] for r in csv.DictReader(text.splitlines())}


@cache
def _iso_names() -> dict[str, str]:
    """Every ISO 3166 code and English name, folded, mapped to its alpha-3 code."""
    out: dict[str, str] = {}
    for c in pycountry.countries:
        for value in (
            c.alpha_2,
            c.alpha_3,
            c.name,
            getattr(c, "official_name", None),
            getattr(c, "common_name", None),
        ):
            if value:
                out.setdefault(normalise(value), c.alpha_3)
    return out


@dataclass(frozen=True)
class Resolution:
    name: str
    iso3: str | None  # set when known
    excluded: str | None  # the reason, when deliberately left out

    @property
    def unknown(self) -> bool:
        return self.iso3 is None and self.excluded is None


class EntityResolver:
    """Known / excluded / unknown, for the names and codes datasets use."""

    def __init__(self, names: Iterable[tuple[str, str]] | Callable[[], Iterable[tuple[str, str]]]):
        self._names = names
        self._countries: CountryResolver | None = None
        self._cache: dict[str, Resolution] = {}

    @property
    def countries(self) -> CountryResolver:
        """The shared name resolver, built on first use (imports of ISO codes never need it)."""
        if self._countries is None:
            names = self._names() if callable(self._names) else self._names
            self._countries = CountryResolver(names)
        return self._countries

    def classify(self, name: str) -> Resolution:
        if name in self._cache:
            return self._cache[name]
        iso3 = self.countries.try_resolve(name)
        excluded = None
        if iso3 is None:
            key = normalise(name)
            excluded = _reviewed_exclusions().get(key)
            if excluded is None and key in _iso_names():
                excluded = "ISO 3166 countries outside Lazos's scope"
        result = Resolution(name, iso3, excluded)
        self._cache[name] = result
        return result

    def resolve(self, name: str) -> str:
        iso3 = self.countries.try_resolve(name)
        if iso3 is None:
            raise UnknownCountryError(f"unknown country {name!r}")
        return iso3
