"""Money: a currency before or after a number, and the scale words that multiply it.

"US$ 237.05 billion", "4858 亿美元", "RMB 10 billion", "485.800 millones de dólares", "R$ 7
bilhões", "US$ 2 bi", "5 mil millones". Currency signs, codes and words, scale words and their
abbreviations are in lexicon.yaml (``currencies``, ``scales``); pesos and ¥ are resolved by the
countries the sentence, or else the document, names."""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache

from lazos.documents.claim import Claim
from lazos.documents.finders import physical
from lazos.documents.finders.base import WS, Number
from lazos.documents.lexicon import Vocabulary, alternation, currency_of_prefix, currency_prefix_re, lexicon
from lazos.documents.places import find_places
from lazos.documents.text import Paragraph


def resolve_pesos_by_document(text: str, paras: list[Paragraph], claims: list[Claim]) -> None:
    """Pesos in a sentence that names no country: the country the document names most among
    those that use pesos (an article about Argentina), else Mexico's."""
    if not any(c.unit == "PESO" for c in claims):
        return
    by_country = lexicon()["peso_by_country"]
    named = [
        code
        for p in paras
        if not p.noise
        for place in find_places(text, p.start, p.end, p.lang)
        for code in place.codes
        if code in by_country
    ]
    fallback = by_country[max(set(named), key=named.count)] if named else "MXN"
    for c in claims:
        if c.unit == "PESO":
            c.unit = fallback


def inherit_currency(claims: list[Claim]) -> None:
    """'US$485.8 billion in 2022, up from 12 billion in 2000': the second amount is in dollars too."""
    last_currency = None
    for c in claims:
        if c.kind == "money":
            last_currency = c.unit
        elif c.unit == "count" and last_currency and c._scaled and not c._counted:
            c.unit, c.kind = last_currency, "money"


@cache
def _money_noun_re(lang: str) -> re.Pattern[str] | None:
    spec = lexicon()["money_nouns"].get(lang)
    if spec is None:
        return None
    latin = lang != "zh"
    nouns, joiners = alternation(spec["nouns"], latin=latin), alternation(spec["joiners"], latin=latin)
    if lang == "zh":
        return re.compile(rf"(?:{nouns})(?:{joiners})?\s*$")
    return re.compile(rf"\b(?:{nouns})\s+(?:\w+\s+){{0,2}}?(?:{joiners})\s+$", re.IGNORECASE)


def inherit_currency_of_money_nouns(text: str, claims: list[Claim]) -> None:
    """'negociaciones para créditos adicionales por 600 millones', '中在委投資4198億': an amount with
    a scale but no currency, right after a word for a loan, credit or investment, is in the
    currency of the document's last amount before it (else its first after it)."""
    amounts = sorted((c for c in claims if c.kind == "money"), key=lambda c: c.start)
    if not amounts:
        return
    starts = [a.start for a in amounts]
    for c in claims:
        if c.unit != "count" or not c._scaled or c._counted:
            continue
        noun = _money_noun_re(c.lang)
        if noun is None or not noun.search(text, max(0, c.start - 40), c.start):
            continue
        i = bisect_left(starts, c.start)  # amounts before it: amounts[:i]
        c.unit, c.kind = (amounts[i - 1] if i else amounts[0]).unit, "money"


def resolved_unit(c: Claim, codes: list[str]) -> str:
    """Currencies named by a sign or word several countries use: pesos, ¥ (yuan or yen)."""
    if c.unit == "CNY" and ("¥" in c.text or "￥" in c.text) and "JPN" in codes and "CHN" not in codes:
        return "JPY"
    if c.unit == "PESO":
        by_country = lexicon()["peso_by_country"]
        return next((by_country[x] for x in codes if x in by_country), "PESO")  # else by document
    return c.unit


def currency_key(surface: str, lang: str) -> str:
    return _LEADING_OF.sub("", WS.sub(" ", surface.strip().lower()))


_LEADING_OF = re.compile(r"^(?:de|of)\s+")


def currency_before(text: str, s: int, num: Number) -> tuple[int, str | None] | None:
    """(start, currency) of a sign or code right before a number in digits: "US$", "R$", "€", "RMB"."""
    if num.kind != "digits":
        return None
    left = text[max(s, num.start - 12) : num.start]
    m = currency_prefix_re().search(left)
    if m is None:
        return None
    return num.start - (len(left) - m.start("cur")), currency_of_prefix(m.group("cur"))


def scale_after(
    vocab: Vocabulary, text: str, num: Number, pos: int, limit: int, currency: str | None
) -> tuple[float, int]:
    """(scale, end) of a scale word or abbreviation after the number: "billion", "mil millones",
    "亿", "bn", or fused with a hyphen ("a 130-million-strong country"); (1.0, pos) when there is none."""
    lang = vocab.lang
    if vocab.any_scale_re is not None:
        m = vocab.any_scale_re.match(text, physical.fused(text, pos, num), limit)
        unit_here = vocab.unit_re.match(text, pos, limit) if m and lang == "zh" else None
        if unit_here is not None and unit_here.end() > m.end():
            m = None  # 兆瓦, 千瓦, 千米: a unit whose first character is also a scale word
        if m and not (lang == "zh" and num.kind == "zh" and text[num.end - 1] in "万亿"):
            return vocab.any_scales[WS.sub(" ", m.group().strip().lower())], m.end()
    if vocab.scale_abbr_re is not None and (currency or lang == "en"):
        m = vocab.scale_abbr_re.match(text, pos, limit)
        if (
            m
            and (currency or m.group().strip().lower() in ("bn", "mn", "tn"))
            and not text[m.end() : m.end() + 1].isalpha()
        ):
            return vocab.scale_abbr[m.group().strip().lower()], m.end()
    return 1.0, pos


def currency_after(vocab: Vocabulary, text: str, pos: int, limit: int) -> tuple[str | None, int, str] | None:
    """(currency, end, word) of a currency word after the number (and its scale): "dólares", "美元"."""
    if text[pos : pos + 1] == "-" and text[pos + 1 : pos + 2].isalpha():
        pos += 1  # "a 70-billion-yuan fund"
    m = vocab.currency_word_re.match(text, pos, limit)
    if m is None or (vocab.lang != "zh" and text[m.end() : m.end() + 1].isalpha()):
        return None
    return vocab.currency_words.get(currency_key(m.group(), vocab.lang)), m.end(), m.group()


_BARE_US = re.compile(r"(?<![A-Za-z.])US\s?$")


def bare_us(text: str, s: int, num: Number) -> int | None:
    """Where "US" starts in "US 489 billion" (dollars written without their sign), if it is there."""
    m = _BARE_US.search(text, max(s, num.start - 4), num.start)
    return m.start() if m else None


@cache
def _scale_currency_re(lang: str) -> re.Pattern[str] | None:
    words = lexicon().get("scale_currency", {}).get(lang)
    return re.compile(r"\s?(" + alternation(list(words), latin=True) + ")", re.IGNORECASE) if words else None


def scale_with_currency(vocab: Vocabulary, text: str, pos: int, limit: int) -> tuple[float, str, int] | None:
    """(scale, currency, end) of an abbreviation that is both: "682 mdd", "mil 682 mdd"."""
    pattern = _scale_currency_re(vocab.lang)
    m = pattern.match(text, pos, limit) if pattern is not None else None
    if m is None or text[m.end() : m.end() + 1].isalpha():
        return None
    scale, currency = lexicon()["scale_currency"][vocab.lang][m.group(1).lower()]
    return float(scale), currency, m.end()


def generic(word: str) -> bool:
    """A currency word that yields to a sign or code before the number (元 after 新台幣)."""
    return word.strip() in lexicon().get("generic_currency_words", [])
