"""Multiples: "doubled", "seven times", "o triplo", "se multiplicó por 25", "两倍", "翻一番".

A multiple word alone is a candidate number of kind ``multiple``; "multiplied by" before a
number and "times"/"veces"/"倍" after one are read here (lexicon.yaml ``multiples``)."""

from __future__ import annotations

import re

from lazos.documents.finders.base import Number
from lazos.documents.lexicon import Vocabulary

ZH_GREW_BY = re.compile(r"(?:增长|增加|提高|提升|扩大|上升|上涨)了?\s*$")


def before(vocab: Vocabulary, text: str, s: int, num: Number) -> int | None:
    """Where "multiplied by", "se multiplicó por" before the number starts, if it is there."""
    if vocab.multiple_before_re is None:
        return None
    floor = max(s, num.start - 40)
    m = vocab.multiple_before_re.search(text[floor : num.start])
    return floor + m.start("m") if m else None


def after(vocab: Vocabulary, text: str, pos: int, limit: int) -> int | None:
    """The end of "times", "veces", "vezes", "倍" right after a number."""
    m = vocab.multiple_after_re.match(text, pos, limit)
    return m.end() if m else None


def zh_grew_by(text: str, s: int, start: int) -> bool:
    """增长两倍: grew by two times, that is to three times the start."""
    return bool(ZH_GREW_BY.search(text, max(s, start - 5), start))
