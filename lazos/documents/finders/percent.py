"""Percentages and proportions: "18.9%", "15 per cent", "百分之十五", "三成", "三分之一", "one-third".

The words are in lexicon.yaml (``percent``, ``fractions``); a fraction word or 三分之一 is a
candidate number of kind ``fraction`` (see candidates.py) and becomes a share in percent."""

from __future__ import annotations

import re

from lazos.documents.finders.base import Number
from lazos.documents.lexicon import Vocabulary

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
