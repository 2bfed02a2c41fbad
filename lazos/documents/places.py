"""Countries and regions named in text, in four languages, as ISO3 codes (LAC for the region).

Names come from the Unicode CLDR (through Babel: every country's name in English, Spanish,
Portuguese and Chinese), plus reviewed demonyms, short forms and Chinese two-country
abbreviations (中拉 = China and Latin America) from lexicon.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry
from babel import Locale

from lazos.documents.lexicon import lexicon, trie
from lazos.documents.traditional import to_simplified

# Names that are also common words or other things in running text.
_AMBIGUOUS = {
    "en": {"chad", "jordan", "georgia", "turkey", "guinea", "niger", "reunion", "réunion"},
    "es": {"chad", "jordania", "georgia", "china", "reunión"},  # "china" is handled as the country below
    "pt": {"chade", "jordânia", "geórgia", "china", "reunião"},
    "zh": set(),
}


@dataclass(frozen=True)
class Place:
    start: int
    end: int
    codes: tuple[str, ...]


@cache
def _names(lang: str) -> dict[str, tuple[str, ...]]:
    """Surface form (lowercase for Latin scripts) -> ISO3 codes."""
    out: dict[str, tuple[str, ...]] = {}
    locale = Locale.parse({"en": "en", "es": "es", "pt": "pt", "zh": "zh_Hans"}[lang])
    for alpha2, name in locale.territories.items():
        if not (len(alpha2) == 2 and alpha2.isalpha()):
            continue
        country = pycountry.countries.get(alpha_2=alpha2)
        if country is None:
            continue
        variants = {name}
        if lang != "zh":
            joiner = {"en": "and", "es": "y", "pt": "e"}[lang]
            variants |= {v.replace("&", joiner) for v in variants}
            if lang == "en":
                variants |= {v.replace("St. ", "Saint ") for v in variants}
                variants |= {getattr(country, a) for a in ("name", "common_name") if hasattr(country, a)}
                variants |= {"Saint Vincent and the Grenadines"} if alpha2 == "VC" else set()
        for variant in variants:
            key = variant if lang == "zh" else variant.lower()
            if key not in _AMBIGUOUS[lang] or key == "china":
                out[key] = (country.alpha_3,)
    lx = lexicon()
    for code, by_lang in lx["demonyms"].items():
        for word in by_lang.get(lang, []):
            out[word if lang == "zh" else word.lower()] = (code,)
    for code, by_lang in lx["regions"].items():
        for word in by_lang.get(lang, []):
            out[word if lang == "zh" else word.lower()] = (code,)
    if lang == "zh":  # Taiwan's names (宏都拉斯, 瓜地馬拉), read as the extractor reads them: simplified
        for alpha2, name in Locale.parse("zh_Hant").territories.items():
            country = pycountry.countries.get(alpha_2=alpha2) if len(alpha2) == 2 and alpha2.isalpha() else None
            if country is not None:
                out.setdefault(to_simplified(name), (country.alpha_3,))
        for pair, codes in lx["zh_pairs"].items():
            out[pair] = tuple(codes)
        for stop in lx["zh_name_stops"]:
            out.pop(stop, None)
    extra = {
        "en": {"the united states": ("USA",), "united states": ("USA",), "britain": ("GBR",)},
        "es": {"estados unidos": ("USA",), "méxico": ("MEX",), "mexico": ("MEX",), "perú": ("PER",)},
        "pt": {"estados unidos": ("USA",), "méxico": ("MEX",)},
        "zh": {"中国": ("CHN",), "美国": ("USA",)},
    }[lang]
    out.update(extra)
    return out


_TOKEN = re.compile(r"[^\W\d_]+(?:[.'’][^\W\d_]+)*\.?")


_POSSESSIVE = re.compile(r"['’]s(?![^\W\d_])")
_COMPOUND_PREFIX = re.compile(r"(?i)(?:inter|pan|sino|afro|euro|ibero|anglo|trans)-$")


def _without_possessive(token: str) -> str:
    return token[:-2] if token.endswith(("'s", "’s")) else token


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


@cache
def _token_index(lang: str) -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
    """Names as token tuples (Latin scripts), by first token, longest first."""
    index: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for name, codes in _names(lang).items():
        key = tuple(_tokens(name))
        keys = [key] + ([(*key[:-1], key[-1].rstrip("."))] if key and key[-1].endswith(".") else [])
        for k in keys:  # "U.S." is also written "U.S"
            if k:
                index.setdefault(k[0], []).append((k, codes))
    for entries in index.values():
        entries.sort(key=lambda kc: -len(kc[0]))
    return index


@cache
def _zh_pattern() -> re.Pattern[str]:
    return re.compile(trie(list(_names("zh"))))


def find_places(text: str, start: int, end: int, lang: str) -> list[Place]:
    """Every country or region named in ``text[start:end]``, in order."""
    if lang == "zh":
        names = _names("zh")
        return [
            Place(m.start(), m.end(), names[m.group()])
            for m in _zh_pattern().finditer(text, start, end)
            if text[m.end() : m.end() + 1] not in ("语", "文")  # 西班牙语: the language, not the country
        ]
    index = _token_index(lang)
    tokens = list(_TOKEN.finditer(text, start, end))
    lowered = _TOKEN.findall(_POSSESSIVE.sub("", text[start:end].lower()))  # Argentina's
    if len(lowered) != len(tokens):  # lowercasing changed the tokens (rare letters): one by one
        lowered = [_without_possessive(m.group().lower()) for m in tokens]
    out: list[Place] = []
    triggers = _first_tokens(lang)
    taken_until = 0
    for i in [i for i, t in enumerate(lowered) if t in triggers]:
        if i < taken_until:
            continue
        found = None
        first = lowered[i]
        candidates = index.get(first) or (index.get(first.rstrip(".")) if first.endswith(".") else None) or []
        if not candidates and lang == "en" and first.endswith("s") and tokens[i].group()[0].isupper():
            # "Chinas exports": a possessive that lost its apostrophe
            candidates = [(k, c) for k, c in index.get(first[:-1], []) if len(k) == 1]
            if candidates:
                lowered[i] = first[:-1]
        for key, codes in candidates:
            n = len(key)
            if n > 1:  # a one-token key was found by its token
                window = lowered[i : i + n]
                if len(window) < n or any(k != t and k != t.rstrip(".") for k, t in zip(key, window, strict=True)):
                    continue
                gaps = [text[tokens[j].end() : tokens[j + 1].start()] for j in range(i, i + n - 1)]
                if any(g.strip() not in ("", "-", "&") for g in gaps):
                    continue
            surface = text[tokens[i].start() : tokens[i + n - 1].end()]
            if text[tokens[i].start() - 1 : tokens[i].start()] == "-" and _COMPOUND_PREFIX.search(
                text, max(0, tokens[i].start() - 7), tokens[i].start()
            ):
                continue  # Inter-American, Sino-American: not the country
            if lang == "en" and lowered[i] in ("us", "u.s", "u.s.") and not surface.startswith("U"):
                continue  # "us" the pronoun
            found = Place(tokens[i].start(), tokens[i + n - 1].end(), codes)
            taken_until = i + n
            break
        if found is not None:
            out.append(found)
    return out


@cache
def _first_tokens(lang: str) -> frozenset[str]:
    """Every token that can start a name: the index's keys, with a final dot, and (English)
    with an "s" for a possessive that lost its apostrophe ("Chinas exports")."""
    keys = set(_token_index(lang))
    out = keys | {k + "." for k in keys}
    if lang == "en":
        out |= {k + "s" for k, entries in _token_index(lang).items() if any(len(e[0]) == 1 for e in entries)}
    return frozenset(out)


def codes_in_order(places: list[Place]) -> list[str]:
    """Each code once, in the order first named."""
    return list(dict.fromkeys(c for p in places for c in p.codes))
