"""Resolving country names and codes in any of Lazos's four languages to one ISO3 code.

Every interface and every connector goes through :class:`CountryResolver`, so "Perú",
"peru", "PE", "秘鲁", "秘魯" and "Peru" all name the same row. The names come from the
``country`` and ``country_alias`` tables (reviewed data), never from guesses in code.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from lazos.errors import UnknownCountryError

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise(name: str) -> str:
    """Fold case, accents, punctuation and spacing.

    'República  Dominicana' -> 'republica dominicana'; 'The Bahamas' -> 'bahamas'.
    """
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if unicodedata.category(ch) != "Mn")
    text = _NON_WORD.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


class CountryResolver:
    """Maps names and codes to ISO3, reporting unknown and ambiguous names clearly."""

    def __init__(self, names: Iterable[tuple[str, str]]):
        self._index: dict[str, set[str]] = defaultdict(set)
        self._display: dict[str, str] = {}
        for name, iso3 in names:
            if not name:
                continue
            key = normalise(name)
            self._index[key].add(iso3)
            self._display.setdefault(key, name)

    def resolve(self, name: str) -> str:
        """ISO3 for a name or code; raises UnknownCountryError with suggestions."""
        key = normalise(name or "")
        if not key:
            raise UnknownCountryError("no country name given")
        found = self._index.get(key)
        if found and len(found) == 1:
            return next(iter(found))
        if found:
            raise UnknownCountryError(f"country name {name!r} is ambiguous: it names {', '.join(sorted(found))}")
        close = difflib.get_close_matches(key, list(self._index), n=3, cutoff=0.75)
        hint = ""
        if close:
            hint = " (did you mean " + ", ".join(repr(self._display[c]) for c in close) + "?)"
        raise UnknownCountryError(f"unknown country {name!r}{hint}")

    def try_resolve(self, name: str) -> str | None:
        try:
            return self.resolve(name)
        except UnknownCountryError:
            return None
