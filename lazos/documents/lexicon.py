"""The extractor's vocabulary (lexicon.yaml), loaded once, with the patterns built from it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources as importlib_resources
from typing import Any

import yaml

LANGS = ("en", "es", "pt", "zh")


@cache
def lexicon() -> dict[str, Any]:
    text = importlib_resources.files("lazos.documents").joinpath("lexicon.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def trie(words: list[str] | set[str]) -> str:
    """A regex matching any of ``words`` (longest first), built as a trie: "(?:ab(?:c|d)|x)".

    The regex engine then rejects most positions on the first character, which makes large
    vocabularies (country names, units) much faster to scan than a flat alternation.
    """
    root: dict[str, Any] = {}
    for word in {w for w in words if w}:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [(r"\s+" if ch == " " else re.escape(ch)) + build(node[ch]) for ch in sorted(c for c in node if c)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return "(?:" + build(root) + ")"


def alternation(words: list[str] | set[str], *, latin: bool = True) -> str:
    """Any of ``words``, longest first; Latin words get word boundaries (not after/before letters)."""
    body = trie(words)
    if not latin:
        return body
    return rf"(?<![^\W\d_]){body}(?![^\W\d_])"


@dataclass(frozen=True)
class Vocabulary:
    """Compiled patterns and tables for one language."""

    lang: str
    scales: dict[str, float]  # the language's own
    scale_re: re.Pattern[str] | None
    any_scales: dict[str, float]  # read after a number: its own and those of any language (scales_in_any_language)
    any_scale_re: re.Pattern[str] | None
    scale_abbr: dict[str, float]
    scale_abbr_re: re.Pattern[str] | None
    currency_words: dict[str, str]
    currency_word_re: re.Pattern[str]
    percent_re: re.Pattern[str]
    unit_words: dict[str, tuple[str, float]]
    unit_re: re.Pattern[str]
    duration_words: dict[str, tuple[str, float]]
    duration_re: re.Pattern[str]
    multiple_words: dict[str, float]
    multiple_word_re: re.Pattern[str] | None
    multiple_after_re: re.Pattern[str]
    multiple_before_re: re.Pattern[str] | None
    fraction_words: dict[str, float]
    fraction_re: re.Pattern[str] | None
    fraction_stop_re: re.Pattern[str] | None
    number_units: dict[str, float]
    number_tens: dict[str, float]
    number_hundred: list[str]
    number_word_re: re.Pattern[str] | None
    words_re: re.Pattern[str] | None  # number words, fractions and multiples in one scan
    article_one: set[str]
    qualifiers: dict[str, list[str]]
    qualifier_before_re: re.Pattern[str] | None
    label_re: re.Pattern[str] | None


def _ratio(value: float | str) -> float:
    """A number, or an exact ratio written "100/3" (a third, in percent)."""
    if isinstance(value, str) and "/" in value:
        top, bottom = value.split("/")
        return float(top) / float(bottom)
    return float(value)


def _fold(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k.lower(): v for k, v in mapping.items()}


@cache
def vocabulary(lang: str) -> Vocabulary:
    lx = lexicon()
    latin = lang != "zh"
    flags = re.IGNORECASE if latin else 0
    scales = _fold(lx["scales"].get(lang, {}))
    any_scales = {**_scales_in_any_language(lang), **scales} if latin else scales
    abbr = _fold(lx["scale_abbreviations"].get(lang, {}))
    cur_words = _fold(lx["currency_words"].get(lang, {}))
    if latin:  # "500 millones de dólares" quoted in English: currency words mean the same in the three
        cur_words = {**_in_other_languages("currency_words", lang), **cur_words}
    percent_words = lx["percent"].get(lang, [])
    units = {**lx["units"]["symbols"]}
    unit_words = _fold(lx["units"]["words"].get(lang, {}))
    durations = {k: (u, _ratio(f)) for k, (u, f) in _fold(lx["durations"].get(lang, {})).items()}
    mult_words = _fold(lx["multiples"]["words"].get(lang, {}))
    mult_after = lx["multiples"]["after"].get(lang, [])
    mult_before = lx["multiples"].get("before", {}).get(lang, [])
    fractions = {k: _ratio(v) for k, v in _fold(lx["fractions"].get(lang, {})).items()}
    stops = lx["fraction_stops"].get(lang, [])
    nw = lx["number_words"].get(lang, {})
    n_units = _fold(nw.get("units", {}))
    n_tens = _fold(nw.get("tens", {}))
    n_hundred = [w.lower() for w in nw.get("hundred", [])]
    joiner = nw.get("joiner", "and")
    quals = {k: v.get(lang, []) for k, v in lx["qualifiers"].items()}
    labels = lx["label_words"].get(lang, [])
    # Unit symbols are case-sensitive (MW is not mW); unit words follow the language's case rule.
    symbol_alt = "|".join(re.escape(u) for u in sorted(units, key=lambda u: (-len(u), u)))
    word_part = ""
    if unit_words:
        words = alternation(list(unit_words), latin=latin)
        word_part = rf"|(?P<word>(?i:{words}))" if latin else rf"|(?P<word>{words})"
    unit_re = re.compile(rf"\s?(?:(?P<sym>{symbol_alt})(?![A-Za-z0-9²]){word_part})")
    number_word_re = None
    parts = []
    if fractions:
        parts.append(f"(?P<frac>{alternation(list(fractions), latin=latin)})")
    if mult_words:
        parts.append(f"(?P<mult>{alternation(list(mult_words), latin=latin)})")
    if n_units or n_tens:
        word = alternation([*n_units, *n_tens, *n_hundred], latin=True)
        glue = rf"(?:\s+(?:{re.escape(joiner)}\s+)?|-)"
        number_word_re = re.compile(rf"{word}(?:{glue}{word})*", re.IGNORECASE)
        parts.append(f"(?P<num>{number_word_re.pattern})")
    words_re = re.compile("|".join(parts), flags) if parts else None
    percent_alt = [*lx["percent"]["symbols"], *percent_words]
    return Vocabulary(
        lang=lang,
        scales=scales,
        scale_re=re.compile(r"\s?" + alternation(list(scales), latin=latin), flags) if scales else None,
        any_scales=any_scales,
        any_scale_re=re.compile(r"\s?" + alternation(list(any_scales), latin=latin), flags) if any_scales else None,
        scale_abbr=dict(abbr),
        scale_abbr_re=re.compile(r"\s?" + alternation(list(abbr), latin=True), re.IGNORECASE) if abbr else None,
        currency_words=cur_words,
        currency_word_re=re.compile(
            (r"\s?(?:(?:de|of)\s+)?" + alternation(list(cur_words), latin=True))
            if latin
            else r"\s?" + alternation(list(cur_words), latin=False),
            flags,
        ),
        percent_re=re.compile(r"\s?" + alternation(percent_alt, latin=False), flags),
        unit_words=unit_words,
        unit_re=unit_re,
        duration_words=durations,
        duration_re=re.compile(r"\s?" + alternation(list(durations), latin=latin), flags),
        multiple_words=mult_words,
        multiple_word_re=re.compile(alternation(list(mult_words), latin=latin), flags) if mult_words else None,
        multiple_after_re=re.compile(r"\s?" + alternation(mult_after, latin=latin), flags),
        multiple_before_re=(
            re.compile("(?P<m>" + alternation(mult_before, latin=True) + r")\s+$", flags) if mult_before else None
        ),
        fraction_words=fractions,
        fraction_re=re.compile(alternation(list(fractions), latin=latin), flags) if fractions else None,
        fraction_stop_re=re.compile(alternation(stops, latin=True) + r"\s*$", re.IGNORECASE) if stops else None,
        number_units=n_units,
        number_tens=n_tens,
        number_hundred=n_hundred,
        number_word_re=number_word_re,
        words_re=words_re,
        article_one={w.lower() for w in nw.get("article_one", [])},
        qualifiers=quals,
        qualifier_before_re=(
            re.compile(
                "(?P<q>" + alternation([w for ws in quals.values() for w in ws], latin=latin) + r")\s*(?:US\$|\$)?\s*$",
                flags,
            )
            if any(quals.values())
            else None
        ),
        label_re=re.compile("(?:" + alternation(labels, latin=latin) + r")\s*$", flags) if labels else None,
    )


def _scales_in_any_language(lang: str) -> dict[str, float]:
    """The scale words of the other Latin-script languages read in ``lang`` too, with their value."""
    lx = lexicon()
    out: dict[str, float] = {}
    for other, words in lx["scales_in_any_language"].items():
        if other != lang:
            own = _fold(lx["scales"][other])
            out.update({w.lower(): own[w.lower()] for w in words})
    return out


def _in_other_languages(table: str, lang: str) -> dict[str, Any]:
    """A table's words in the other Latin-script languages (lexicon.yaml keeps their meanings equal)."""
    out: dict[str, Any] = {}
    for other in ("en", "es", "pt"):
        if other != lang:
            out.update(_fold(lexicon()[table].get(other, {})))
    return out


@cache
def figure_words(lang: str) -> tuple[str, ...]:
    """Words and phrases that give a number without digits in a Latin-script language: number
    words, scale words, fractions and multiples ("nine", "mil millones", "la mitad", "o triplo")."""
    v = vocabulary(lang)
    return tuple(
        sorted({*v.number_units, *v.number_tens, *v.number_hundred, *v.fraction_words, *v.multiple_words, *v.scales})
    )


@cache
def currency_prefix_re() -> re.Pattern[str]:
    prefixes = lexicon()["currency_prefixes"]
    alt = "|".join(re.escape(p).replace(r"\ ", r"\s?") for p in sorted(prefixes, key=lambda p: (-len(p), p)))
    return re.compile(rf"(?:(?<![A-Za-z])(?P<cur>{alt}))\s?$")


def currency_of_prefix(text: str) -> str | None:
    prefixes = lexicon()["currency_prefixes"]
    key = re.sub(r"\s+", " ", text.strip())
    for p, code in prefixes.items():
        if re.sub(r"\s+", " ", p) == key or p.replace(" ", "") == key.replace(" ", ""):
            return code
    return None


def qualifier_kind(lang: str, word: str) -> str | None:
    w = re.sub(r"\s+", " ", word.strip().lower())
    for kind, words in vocabulary(lang).qualifiers.items():
        if w in {x.lower() for x in words}:
            return kind
    return None
