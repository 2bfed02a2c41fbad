"""Percentages and proportions: "18.9%", "15 per cent", "百分之十五", "三成", "三分之一", "one-third".

The words are in lexicon.yaml (``percent``, ``fractions``, ``proportions``); a fraction word,
三分之一 or a proportion ("1 de cada 5", "one in five", "um em cada três") is a candidate number
of kind ``fraction`` (see candidates.py) and becomes a share in percent."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from lazos.documents.finders.base import WS, Number, product
from lazos.documents.lexicon import Vocabulary, alternation, lexicon, vocabulary

ZH_FRACTION = re.compile(
    r"(?P<den>[一二三四五六七八九十百千]+|\d+)\s*分之\s*(?P<num>[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?|\d+(?:\.\d+)?)"
)


ZH_TENTHS = re.compile(r"成(?![为立功本员果交都长绩熟就品分型效形])")


def after(vocab: Vocabulary, text: str, pos: int, limit: int) -> int | None:
    """The end of a percent sign or word right after a number ("%", " per cent", " por ciento")."""
    m = vocab.percent_re.match(text, pos, limit)
    return m.end() if m else None


def zh_tenths(text: str, num: Number, limit: int) -> bool:
    """三成, 近五成: tenths (成为 "become" and the like are excluded by the pattern)."""
    return bool(ZH_TENTHS.match(text, num.end, limit)) and 0 < num.value < 10 and num.kind in ("zh", "digits")


@cache
def _proportion_re(lang: str) -> re.Pattern[str] | None:
    links = lexicon()["proportions"].get(lang)
    if not links:
        return None
    vocab = vocabulary(lang)
    words = alternation([*vocab.number_units, *vocab.number_tens], latin=True)
    number = rf"(?:\d{{1,4}}|{words})"
    link = alternation(links, latin=True)
    return re.compile(rf"(?<![\w.,])(?P<a>{number})\s+(?:{link})\s+(?P<b>{number})(?![\w.,]*\d)", re.IGNORECASE)


def _small(word: str, vocab: Vocabulary) -> float | None:
    if word.isdigit():
        return float(word)
    key = WS.sub(" ", word.lower())
    value = vocab.number_units.get(key, vocab.number_tens.get(key))
    return float(value) if value is not None else None


def proportions(text: str, s: int, e: int, lang: str) -> Iterator[Number]:
    """ "1 de cada 5", "one in five", "two out of three", "um em cada três": a share in percent,
    the whole phrase its span. "3 in 5 years" (a duration after it) is not one."""
    pattern = _proportion_re(lang)
    if pattern is None:
        return
    vocab = vocabulary(lang)
    for m in pattern.finditer(text, s, e):
        a, b = _small(m.group("a"), vocab), _small(m.group("b"), vocab)
        if a is None or not b or not 0 < a < b <= 1000:
            continue
        if vocab.duration_re.match(text, m.end(), e) or vocab.unit_re.match(text, m.end(), e):
            continue
        if vocab.percent_re.match(text, m.end(), e):
            continue  # "1 in 10%"
        yield Number(m.start(), m.end(), product(a, 100) / b, "fraction")
