"""Durations: "seven years", "14 anos", "25 meses", "十年", "九个月".

Duration words and their length are in lexicon.yaml (``durations``); a number before them
that is part of a calendar period ("the first eleven months of 2019") is not a duration."""

from __future__ import annotations

import re

from lazos.documents.finders import physical
from lazos.documents.finders.base import WS, Number
from lazos.documents.lexicon import Vocabulary

OF_YEAR = re.compile(r"\s+(?:of|de|do|del|da)\s+(?:(?:the\s+)?year\b|(?:el\s+|o\s+)?año\b|(?:1[89]|20)\d\d)", re.I)


PERIOD_WORDS = re.compile(
    r"(?:\b(?:first|last|past|next|previous|following|recent|coming|primeros|primeras|últimos|últimas|"
    r"próximos|próximas|pasados|primeiros|primeiras|próximos|passados|últimos)\s+)$|(?:前|后|近|过去|未来)\s*$",
    re.IGNORECASE,
)


def after(vocab: Vocabulary, text: str, s: int, pos: int, limit: int, num: Number) -> tuple[str, float, int] | None:
    """(unit, factor, end) of a duration word right after the number; ``("", 0, end)`` when the
    number and the word are a calendar period, not a quantity; None when there is none."""
    m = vocab.duration_re.match(text, physical.fused(text, pos, num), limit)  # "a 25-year concession"
    if m is None or (num.is_year_like and vocab.lang == "zh"):
        return None
    word = WS.sub(" ", m.group().strip().lower())
    unit, factor = vocab.duration_words[word]
    calendar = PERIOD_WORDS.search(text[max(s, num.start - 14) : num.start]) and OF_YEAR.match(
        text[m.end() : m.end() + 16]
    )
    if num.is_year_like or calendar or _RELATIVE_BEFORE.search(text, max(s, num.start - 12), num.start):
        return "", 0.0, m.end()
    if _RELATIVE_AFTER.match(text, m.end(), limit):
        return "", 0.0, m.end()  # "hace diez años", "five years ago", "前一年", "五年前": a time, not a length
    if (
        PERIOD_WORDS.search(text, max(s, num.start - 14), num.start)
        or _WITHIN.search(text, max(s, num.start - 14), num.start)
        or _over_period(text, s, num)
    ):
        return (
            "",
            0.0,
            m.end(),
        )  # "the past five years", "los próximos diez años", "en 21 años": the period a figure covers
    return unit, float(factor), m.end()


_RELATIVE_BEFORE = re.compile(r"(?:\b(?:hace|há|faz)\s+|(?:前|上|去|今|明|次|每|同|这|那|该)\s*)$", re.IGNORECASE)
_RELATIVE_AFTER = re.compile(
    r"\s*(?:ago\b|atrás\b|antes\b|after\b|later\b|before\b|más\s+tarde\b|después\b|depois\b|mais\s+tarde\b|"
    r"seguintes\b|siguientes\b|following\b|前|以前|之前|以来|后)",
    re.IGNORECASE,
)
_IN = re.compile(r"\b(?:in|en|em)\s+$", re.IGNORECASE)
_FIGURE = re.compile(r"(?<!\w)\d[\d.,]*")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")


def _over_period(text: str, s: int, num: Number) -> bool:
    """ "em um ano", "in one year", and "94.5 millones de toneladas ... en 21 años": after "in", a
    duration is the period an earlier figure of its sentence covers, not a length of its own
    ("se terminó en 25 meses", with no figure before it, stays a duration)."""
    if not _IN.search(text, max(s, num.start - 4), num.start):
        return False
    if num.word_one:
        return True
    return any(not _YEAR.fullmatch(m.group().rstrip(".,")) for m in _FIGURE.finditer(text, s, num.start))


# "en un año", "em um ano", "within five years": the period a figure covers ("se terminó en 25 meses" is a length).
_WITHIN = re.compile(
    r"(?:\b(?:in|en|em)\s+(?:un|uno|una|um|uma|a)\s+|\b(?:within|dentro\s+de|nos|nas)\s+(?:(?:un|una|um|uma|a)\s+)?)$",
    re.IGNORECASE,
)
