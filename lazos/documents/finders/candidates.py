"""The candidate numbers of a sentence: digits, Chinese numerals, number words, fractions and
multiple words, with the numbers that are not figures left out (footnote markers, list
numbering, ordinals, labels, identifiers, times, days of months, URLs)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from lazos.documents.finders import percent
from lazos.documents.finders.base import CJK_ANY, WS, Number
from lazos.documents.finders.percent import ZH_FRACTION
from lazos.documents.lexicon import alternation, figure_words, lexicon, vocabulary
from lazos.documents.numbers import ZH_NUMERAL, decimals_of, parse_digits, parse_words, parse_zh_numeral
from lazos.documents.text import Paragraph

_DIGITS = re.compile(r"(?<![0-9A-Za-z_])\d+(?:[.,]\d+)*(?:[\u00a0\u202f]\d{3})*(?:[.,]\d+)?")


_SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"


_YEAR_DOT = re.compile(r"((?:19|20)\d\d)\.(\d{1,2})")


_NEW_SENTENCE = re.compile(r"\s+[A-Z“\"(]|\s*$")


_YEAR_LIKE = re.compile(r"(?:1[89]\d\d|20\d\d|2100)")


_BRACKET_CLOSE = re.compile(r"\d*\]")


_LETTERS = re.compile(r"[A-Za-z²]+")


_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\b|\.?[ºª°](?!C)")


_DATE_PART_AFTER = re.compile(r"\s*(?:月|日|号|世纪|century|centuries|siglo|século)", re.IGNORECASE)


_LIST_MARKER = re.compile(r"^\s*(?:[(（]\s*\d{1,2}\s*[)）]|\d{1,2}[.)](?=\s)|[IVXLC]{1,5}[.)](?=\s)|[a-z][.)](?=\s))")


_TIME = re.compile(r"^\d{1,2}:\d{2}")


_MONTHS_ALL = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    r"septiembre|setiembre|octubre|noviembre|diciembre|janeiro|fevereiro|março|maio|junho|julho|setembro|"
    r"outubro|novembro|dezembro"
)


_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS_ALL})\.?\s+(?:\d{{1,2}}\s*(?:-|–|to|and|y|e|al|a)\s*)?$", re.IGNORECASE)


_MONTH_AFTER = re.compile(
    rf"(?:\s*(?:-|–|to|and|y|e|al|a)\s*\d{{1,2}})?\s+(?:de\s+)?(?:{_MONTHS_ALL})\b", re.IGNORECASE
)


_DIGIT_OR_ZH = re.compile(r"[0-9零〇一二两三四五六七八九十百千万亿半倍番]")


_LATIN_TOKEN = re.compile(r"[^\W\d_]+")


@cache
def trigger_words(lang: str) -> frozenset[str]:
    """First words of number words, fractions and multiples: a sentence without any (and
    without digits) cannot hold a claim, and is skipped cheaply."""
    return frozenset(re.split(r"[\s\-]+", w)[0] for w in figure_words(lang))


@cache
def trigger_re(lang: str) -> re.Pattern[str]:
    return re.compile(alternation(list(trigger_words(lang)), latin=True), re.IGNORECASE)


def has_candidates(text: str, s: int, e: int, lang: str) -> bool:
    if _DIGIT_OR_ZH.search(text, s, e):
        return True
    if lang == "zh":
        return False
    return trigger_re(lang).search(text, s, e) is not None


def find_numbers(text: str, s: int, e: int, lang: str, decimal_comma: bool | None, para: Paragraph) -> list[Number]:
    out: list[Number] = []
    vocab = vocabulary(lang)
    for m in _DIGITS.finditer(text, s, e):
        raw = m.group()
        start, end = m.span()
        # "2022.3 In": a year and a footnote marker; "0.1%.1 In": a marker after a percent sign.
        fm = _YEAR_DOT.fullmatch(raw)
        if fm and _NEW_SENTENCE.match(text, end, end + 3):
            raw, end = fm.group(1), start + 4
        if _is_marker(text, start, end, para):
            continue
        value = parse_digits(raw, decimal_comma)
        if value is None:
            continue
        year_like = bool(_YEAR_LIKE.fullmatch(raw))
        if _negative_sign(text, s, start):
            start, value, year_like = start - 1, -value, False  # "fell to -0.5%", "−2.1%"
        out.append(Number(start, end, value, "digits", decimals_of(raw, decimal_comma), year_like))
    if lang in ("es", "pt"):
        out.extend(_compounds(text, s, e))
    if lang != "zh":
        out.extend(percent.proportions(text, s, e, lang))
    if lang == "zh":
        for m in ZH_FRACTION.finditer(text, s, e):
            den = parse_zh_numeral(m.group("den")) if not m.group("den").isdigit() else float(m.group("den"))
            numer = m.group("num")
            top = float(numer) if DECIMAL.fullmatch(numer) else parse_zh_numeral(numer)
            if den and top is not None:
                out.append(Number(m.start(), m.end(), top * 100 / den, "fraction"))
        for m in ZH_NUMERAL.finditer(text, s, e):
            surface = m.group()
            if (surface[0] in "万亿" or (surface[0] in "百千" and len(surface) == 1)) or text[
                max(0, m.start() - 1) : m.start()
            ] == "第":
                continue  # 百年 (a century, an idiom), 亿 after a lost number; 第六: an ordinal (百亿 is a number)
            if surface[0] == "十" and len(surface) == 1 and text[m.end() : m.end() + 1] == "分":
                continue  # 十分: "very"
            if _DATE_PART_AFTER.match(text, m.end(), m.end() + 4) or _short_year(text, m.start(), m.end()):
                continue  # 十一日, 十二月: parts of a date; 二五年十二月: the year 2025 written short
            value = parse_zh_numeral(surface)
            if value is not None:
                out.append(Number(m.start(), m.end(), value, "zh"))
    if lang != "zh" and vocab.scale_re is not None:
        for m in _scale_alone_re(lang).finditer(text, s, e):
            follows = vocab.scale_re.match(text, m.end(), e) or (
                m.group().lower() == "mil" and vocab.percent_re.match(text, m.end(), e)  # "mil por ciento"
            )
            if follows and not _after_number(text, s, m.start(), lang):
                value = lexicon()["scale_alone"][lang][WS.sub(" ", m.group().lower())]
                out.append(Number(m.start(), m.end(), value, "words"))
    has_words = lang == "zh" or trigger_re(lang).search(text, s, e) is not None
    if vocab.words_re is not None and has_words:
        for m in _word_numbers(vocab.words_re, text, s, e, lang):
            kind = m.lastgroup
            surface = WS.sub(" ", m.group().lower()) if lang != "zh" else m.group()
            if kind == "frac":
                before = text[max(s, m.start() - 12) : m.start()]
                if vocab.fraction_stop_re is not None and vocab.fraction_stop_re.search(before):
                    continue
                if lang == "en" and OF_THE_YEAR.match(text, m.end(), m.end() + 20):
                    continue
                out.append(Number(m.start(), m.end(), vocab.fraction_words[surface], "fraction"))
            elif kind == "mult":
                out.append(Number(m.start(), m.end(), vocab.multiple_words[surface], "multiple"))
            elif kind == "num" and lang != "zh":
                words = [w for w in WORD_SPLIT.split(surface) if w not in ("and", "y", "e")]
                value = parse_words(words, vocab.number_units, vocab.number_tens, vocab.number_hundred)
                if value is not None:
                    one = len(words) == 1 and words[0] in vocab.article_one
                    out.append(Number(m.start(), m.end(), value, "words", word_one=one))
    out.sort(key=lambda n: (n.start, -(n.end - n.start)))
    return out


def _word_numbers(words_re: re.Pattern[str], text: str, s: int, e: int, lang: str) -> Iterator[re.Match[str]]:
    """Matches of a language's number-word pattern, like ``words_re.finditer``.

    In the Latin-script languages every match starts with a word from ``trigger_words``,
    so the pattern is tried only where such a word starts: much faster than letting the
    regex engine try its large alternation at every character.
    """
    if lang == "zh":
        yield from words_re.finditer(text, s, e)
        return
    triggers = trigger_words(lang)
    done = s
    for token in _LATIN_TOKEN.finditer(text, s, e):
        if token.start() < done or token.group().lower() not in triggers:
            continue
        m = words_re.match(text, token.start(), e)
        if m:
            done = m.end()
            yield m


@cache
def _labels() -> re.Pattern[str]:
    """Words after which a number is a label, in any of the Latin-script languages."""
    words = [w for lang in ("en", "es", "pt") for w in lexicon()["label_words"].get(lang, [])]
    return re.compile("(?:" + alternation(words, latin=True) + r")\s*$", re.IGNORECASE)


def _negative_sign(text: str, s: int, start: int) -> bool:
    """A minus sign glued to a number, after a space or a bracket, and not between two
    numbers ("3 -4%" is read as a range, "COVID-19" never reaches here)."""
    if start - 1 < s or text[start - 1] not in "-−":
        return False
    before = text[max(s, start - 3) : start - 1]
    if before and before[-1] not in " (\t\n":
        return False
    return not ANY_DIGIT.search(before.rstrip()[-1:] or " ") and not before.rstrip().endswith("%")


def _is_marker(text: str, start: int, end: int, para: Paragraph) -> bool:
    """Footnote markers, list numbering, labels, ordinals, identifiers, times and superscripts."""
    before = text[max(0, start - 12) : start]
    after = text[end : end + 6]
    prev = text[start - 1] if start > 0 else " "
    nxt = text[end] if end < len(text) else " "
    # Footnote marker glued to a word or a sign, before a space: "stock.4 From", "%.1 In", "text,12".
    if (
        start >= 2
        and prev in ".,;:"
        and (text[start - 2].isalpha() or text[start - 2] in '%)”"’]')
        and (not nxt.isalnum())
    ):
        return True
    if prev == "-" and _YEAR_HYPHEN.search(text, max(0, start - 8), start):
        return True  # the month or day of a date: "2023-03", "2023-03-15"
    if prev == "[" and _BRACKET_CLOSE.match(text, end, end + 4):
        return True  # [12]
    if nxt in _SUPERSCRIPTS or prev in _SUPERSCRIPTS:
        return True
    formula_before = prev in "+×*=/" and not (prev == "/" and CJK_ANY.match(text, start - 2))  # 亿元/4.5万亿比索
    if formula_before or nxt in "+×*=" or (nxt == "/" and text[end + 1 : end + 2].isdigit()):
        return True  # a formula or a label: "1+3+6", "3×3", "24/7"
    # Letters glued on either side: G20, 5G, COVID-19 (but 5GW, 10km and $5bn are quantities).
    if prev == "-" and start >= 2 and text[start - 2].isalpha():
        return True
    if nxt.isalpha() and nxt.isascii():
        tail = _LETTERS.match(text, end, end + 12)
        word = tail.group() if tail else ""
        units = lexicon()["units"]["symbols"]
        if word not in units and word.lower() not in ("bn", "mn", "m", "k", "b", "tn", "st", "nd", "rd", "th", "x"):
            return True
    if _ORDINAL_AFTER.match(after):
        return True  # ordinals: 6th, 6º, 6.ª
    if prev == "第" or text[max(0, start - 2) : start].strip() == "第":
        return True
    if _DATE_PART_AFTER.match(after):
        return True  # a date part (2 月, 6 日) or a century (21 世纪)
    if _MONTH_BEFORE.search(before) or _MONTH_AFTER.match(text[end : end + 16]):
        return True  # a day of a month: "April 12 to 15", "12 de abril"
    if _TIME.match(text[start : end + 3]) or (prev == ":" and start >= 2 and text[start - 2].isdigit()):
        return True
    # List numbering at the start of a paragraph: (1) 1. II.
    if start - para.start < 6 and _LIST_MARKER.match(text[para.start : end + 2]):
        return True
    # A label: Article 5, Table 2, No. 3, pp. 45, Vol. 12 (not "etapa 200 mil hectares": a quantity).
    if _labels().search(before) and not _quantity_follows(text, end, para.lang):
        return True
    return bool(_URL_BEFORE.search(before) or (prev == "/" and _SLASH_AFTER.match(text, end, end + 4)))


ANY_DIGIT = re.compile(r"\d")


DECIMAL = re.compile(r"\d+(?:\.\d+)?")


WORD_SPLIT = re.compile(r"[\s\-]+")


OF_THE_YEAR = re.compile(r"\s+(?:of\s+)?(?:the\s+|a\s+)?(?:year|century|decade)", re.IGNORECASE)


_URL_BEFORE = re.compile(r"(?:https?://|www\.|@)\S*$")


_SLASH_AFTER = re.compile(r"\S*/\S")


_DIGITS_BEFORE = re.compile(r"\d[\d.,]*\s*$")


_WORD_BEFORE = re.compile(r"([^\W\d_]+)\s+$")


def _after_number(text: str, s: int, start: int, lang: str) -> bool:
    """Whether a number (digits or a number word) comes right before ``start``: "dos mil"."""
    before = text[max(s, start - 16) : start]
    if _DIGITS_BEFORE.search(before):
        return True
    word = _WORD_BEFORE.search(before)
    return bool(word) and word.group(1).lower() in trigger_words(lang)


@cache
def _scale_alone_re(lang: str) -> re.Pattern[str]:
    return re.compile(alternation(list(lexicon()["scale_alone"].get(lang, {})), latin=True), re.IGNORECASE)


# Mexico and Central America write thousands of millions in two groups: "171 mil 854 millones"
# (171,854 million) and "413 millones 800 mil" (413.8 million). Read as one number each.
_THOUSANDS_THEN = re.compile(r"(?<![\d.,])(\d{1,3})\s+mil\s+(\d{1,3})(?![\d.,]?\d)(?=\s)", re.IGNORECASE)
_MIL_THEN = re.compile(r"(?<![\w.,])mil\s+(\d{1,3}(?:\.\d{1,2})?)(?![\d.,]?\d)(?=\s)", re.IGNORECASE)
_MILLIONS_THEN = re.compile(
    r"(?<![\d.,])(\d{1,3})\s+(?:millones|millón|milhões|milhão)\s+(\d{1,3})\s+mil\b(?!\s+mil)", re.IGNORECASE
)


def _compounds(text: str, s: int, e: int) -> Iterator[Number]:
    """ "171 mil 854" (then "millones", a currency or a noun) and "413 millones 800 mil"."""
    for m in _THOUSANDS_THEN.finditer(text, s, e):
        yield Number(m.start(), m.end(), float(int(m.group(1)) * 1000 + int(m.group(2))), "digits")
    for m in _MIL_THEN.finditer(text, s, e):  # "mil 800 millones", "mil 682.7 millones", "mil 500 MW"
        if not _after_number(text, s, m.start(), "es"):
            yield Number(m.start(), m.end(), 1000 + float(m.group(1)), "digits")
    for m in _MILLIONS_THEN.finditer(text, s, e):
        yield Number(m.start(), m.end(), float(int(m.group(1)) * 1_000_000 + int(m.group(2)) * 1000), "digits")


_YEAR_HYPHEN = re.compile(r"(?:19|20)\d\d-(?:\d\d-)?$")


def _quantity_follows(text: str, end: int, lang: str) -> bool:
    """A scale word, a unit or a percent sign right after a number: it is a quantity, not a label."""
    vocab = vocabulary(lang if lang in ("en", "es", "pt", "zh") else "en")
    limit = min(len(text), end + 40)
    return any(
        r is not None and r.match(text, end, limit) for r in (vocab.any_scale_re, vocab.unit_re, vocab.percent_re)
    )


# "二五年十二月": a year written as its last two digits, before a month.
_ZH_SHORT_YEAR = re.compile(r"[一二][〇零一二三四五六七八九]年(?=[一二三四五六七八九十]{1,2}月)")


def _short_year(text: str, start: int, end: int) -> bool:
    m = _ZH_SHORT_YEAR.match(text, start)
    return m is not None and m.end() == end + 1
