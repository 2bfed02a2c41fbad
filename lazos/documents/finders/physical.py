"""Physical quantities: power (W), energy (Wh), length (m), area (m2), mass (t).

Symbols ("MW", "km²", "ha") and words ("megawatts", "toneladas", "兆瓦", "公里") with their
factor to the base unit are in lexicon.yaml (``units``)."""

from __future__ import annotations

import re

from lazos.documents.finders.base import WS, Number
from lazos.documents.lexicon import Vocabulary, lexicon


def unit_ok(m: re.Match[str], num: Number, text: str, limit: int) -> bool:
    sym = m.group("sym")
    if sym in ("t", "m", "W", "ha") and m.group().startswith(" "):
        nxt = text[m.end() : m.end() + 1]
        return not nxt.isalpha()  # "5 t" yes, "5 tons" (word) handled, "5 the" no
    return True


def unit_of(m: re.Match[str], vocab: Vocabulary) -> tuple[str, float]:
    symbols = lexicon()["units"]["symbols"]
    if m.group("sym"):
        u, f = symbols[m.group("sym")]
        return u, float(f)
    key = WS.sub(" ", m.group("word").strip().lower()) if vocab.lang != "zh" else m.group("word").strip()
    u, f = vocab.unit_words[key]
    return u, float(f)


_OF_LINK = re.compile(r"\s+(?:de|of)(?=\s)", re.IGNORECASE)


def linked(vocab: Vocabulary, text: str, pos: int, limit: int) -> int:
    """Past "de"/"of" when a unit word follows it: "2,3 millones de toneladas"."""
    link = _OF_LINK.match(text, pos, limit)
    word = vocab.unit_re.match(text, link.end(), limit) if link else None
    return link.end() if word and word.group("word") else pos


def after(
    vocab: Vocabulary, text: str, pos: int, limit: int, num: Number, scaled: bool
) -> tuple[str, float, int] | None:
    """(unit, factor, end) of a unit right after the number; ``("", 0, end)`` for "5m" with no
    currency (million or metres: not read); None when there is none."""
    m = vocab.unit_re.match(text, fused(text, pos, num), limit)
    if m is None or not unit_ok(m, num, text, limit):
        return None
    unit, factor = unit_of(m, vocab)
    if unit == "m" and m.group("sym") == "m" and (scaled or not text[pos : pos + 1].isspace()):
        return "", 0.0, m.end()
    return unit, factor, m.end()


def fused(text: str, pos: int, num: Number) -> int:
    """Past the hyphen of a quantity fused to its unit: "a 1,100-ha site", "a 70-metre dam"."""
    if num.kind == "digits" and text[pos : pos + 1] == "-" and text[pos + 1 : pos + 2].isalpha():
        return pos + 1
    return pos
