"""The web app's languages: gettext catalogs (Babel) and locale formats.

The interface text is English in the templates and the code, marked with ``_()``; its
translations are the catalogs lazos/web/locales/<lang>/LC_MESSAGES/messages.po (extracted and
updated with ``pybabel``; see docs/web.md). The catalogs are compiled in memory when first used,
so there is no build step and no binary file in the repository. Numbers, money, percentages and
dates are formatted by Babel for the language's locale; country names come from the database
(which holds them in the four languages, with their source).
"""

from __future__ import annotations

import functools
import io
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import babel.dates
import babel.numbers
import pandas as pd
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGS = ("en", "es", "pt", "zh")
DEFAULT_LANG = "en"
LANG_NAMES = {"en": "English", "es": "Español", "pt": "Português", "zh": "中文"}
HTML_LANG = {"en": "en", "es": "es", "pt": "pt-BR", "zh": "zh-Hans"}
LOCALES = {"en": "en_US", "es": "es_419", "pt": "pt_BR", "zh": "zh_Hans_CN"}
# Money in international English (US$, not $: most currencies of the region write "$" too).
CURRENCY_LOCALES = {**LOCALES, "en": "en_001"}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"
MISSING = "—"


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@functools.cache
def translations(lang: str) -> NullTranslations:
    """The language's catalog, compiled in memory (English: the text as written)."""
    path = catalog_path(lang)
    if lang == DEFAULT_LANG or not path.exists():
        return NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=LOCALES[lang])
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled)


def negotiate(accept_language: str | None) -> str:
    """The first of our languages an Accept-Language header asks for, else English."""
    best, best_q = DEFAULT_LANG, 0.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if lang in LANGS and q > best_q:
            best, best_q = lang, q
    return best


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


class Formatter:
    """Locale formats for one language; every number, amount, date and country name on a page
    goes through one (``fmt`` in the templates). A missing value prints as an em dash."""

    def __init__(self, lang: str, country_names: dict[str, str] | None = None) -> None:
        self.lang = lang
        self.locale = LOCALES[lang]
        self.currency_locale = CURRENCY_LOCALES[lang]
        self.country_names = country_names or {}
        self.missing = MISSING

    def number(self, value: Any, digits: int | None = None) -> str:
        if _missing(value):
            return MISSING
        if digits is None:
            return babel.numbers.format_decimal(value, locale=self.locale)
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return babel.numbers.format_decimal(value, format=pattern, locale=self.locale)

    def integer(self, value: Any) -> str:
        return self.number(value, 0)

    def percent(self, value: Any, digits: int = 1) -> str:
        """A share (0.25 → 25%)."""
        if _missing(value):
            return MISSING
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
        return babel.numbers.format_percent(value, format=pattern, locale=self.locale)

    def money(self, value: Any, currency: str = "USD", compact: bool = True) -> str:
        """An amount of money; large ones compact (US$1.2B, 12亿美元...) as the locale writes them."""
        if _missing(value):
            return MISSING
        currency = (currency or "USD").upper()
        if compact and abs(float(value)) >= 1_000_000:
            return babel.numbers.format_compact_currency(
                float(value), currency, locale=self.currency_locale, fraction_digits=1
            )
        return babel.numbers.format_currency(value, currency, locale=self.currency_locale, format_type="standard")

    def compact(self, value: Any) -> str:
        if _missing(value):
            return MISSING
        return babel.numbers.format_compact_decimal(float(value), locale=self.locale, fraction_digits=1)

    def date(self, value: Any, format: str = "medium") -> str:
        if _missing(value) or value == "":
            return MISSING
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value[:10])
            except ValueError:
                return value  # a partial date (2019, 2019-05) as the source gives it
        if isinstance(value, datetime):
            value = value.date()
        if hasattr(value, "to_pydatetime"):
            value = value.to_pydatetime().date()
        return babel.dates.format_date(value, format=format, locale=self.locale)

    def year(self, value: Any) -> str:
        return MISSING if _missing(value) else str(int(value))

    def country(self, iso3: Any) -> str:
        """A country's name in the language (from the database), else its code."""
        if _missing(iso3):
            return MISSING
        return self.country_names.get(str(iso3), str(iso3))
