"""Numbers as written in English, Spanish, Portuguese and Chinese, to floats.

No maintained library reads "485,8 mil millones", "4858 亿", "two hundred and five" and
"一百二十三万" alike, so this module does: digits with either decimal convention, number
words in the three Latin-script languages, and Chinese numerals (with 两, 〇, 点 for the
decimal point). Scale words ("billion", "millones", "亿") are applied by the extractor.
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------------------- digits

_GROUPED_COMMA = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,234,567.8
_GROUPED_DOT = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.234.567,8
_GROUPED_SPACE = re.compile(r"^\d{1,3}([\u00a0\u202f ]\d{3})+([.,]\d+)?$")  # 1 234 567,8
_PLAIN = re.compile(r"^\d+([.,]\d+)?$")


def decimal_comma_evidence(text: str) -> int:
    """Votes for the decimal comma (positive) or the decimal point (negative) in a text.

    Unambiguous uses decide: "3,5" or "1.234,5" means a decimal comma; "3.5" or "1,234.5" a
    decimal point. "1,234" and "1.234" alone prove nothing.
    """
    comma = point = 0
    for m in _NUMBER_TOKEN.finditer(text, 0, 200_000):
        token = m.group()
        if _COMMA_TOKEN.fullmatch(token) or _DOT_THOUSANDS_COMMA.search(token):
            comma += 1
        elif _POINT_TOKEN.fullmatch(token) or _COMMA_THOUSANDS_POINT.search(token):
            point += 1
    return comma - point


_NUMBER_TOKEN = re.compile(r"\d[\d.,]*")
_COMMA_TOKEN = re.compile(r"\d+,\d{1,2}[.,]?")
_POINT_TOKEN = re.compile(r"\d+\.\d{1,2}[.,]?")
_DOT_THOUSANDS_COMMA = re.compile(r"\d\.\d{3},\d")
_COMMA_THOUSANDS_POINT = re.compile(r"\d,\d{3}\.\d")


def parse_digits(token: str, decimal_comma: bool | None) -> float | None:
    """A digit string with grouping and a decimal mark; ``decimal_comma`` settles "1.234"/"1,234":
    True reads 1.234, False 1,234 as decimals; None (a Spanish or Portuguese text that gives no
    evidence either way) reads both as thousands, as nobody writes a decimal to three places
    before "millones" ("1,300 millones" in Mexico and Peru, "1.300 millones" in Argentina).

    Returns None for strings that are not one number ("1.2.3,4,5").
    """
    t = token.strip()
    if _GROUPED_SPACE.match(t) and re.search(r"[\u00a0\u202f ]", t):
        t = re.sub(r"[\u00a0\u202f ]", "", t)
        return float(t.replace(",", ".")) if "," in t else float(t)
    if "," in t and "." in t:
        if _GROUPED_COMMA.match(t):
            return float(t.replace(",", ""))
        if _GROUPED_DOT.match(t):
            return float(t.replace(".", "").replace(",", "."))
        return None
    if _GROUPED_COMMA.match(t):  # only commas, in groups of three
        if t.count(",") == 1 and decimal_comma:
            return float(t.replace(",", "."))  # "1,500" with a decimal comma is 1.5
        return float(t.replace(",", ""))
    if _GROUPED_DOT.match(t):  # only dots, in groups of three
        if t.count(".") == 1 and decimal_comma is False:
            return float(t)  # "4.858" with a decimal point is 4.858
        return float(t.replace(".", ""))
    if _PLAIN.match(t):
        return float(t.replace(",", "."))
    return None


def decimals_of(token: str, decimal_comma: bool | None) -> int:
    """How many decimals a written number gives (its precision): "485.8" has 1."""
    t = token.strip()
    mark = "," if decimal_comma else "."
    if _GROUPED_COMMA.match(t) and not decimal_comma and "." in t:
        return len(t.split(".")[-1])
    if _GROUPED_DOT.match(t) and decimal_comma and "," in t:
        return len(t.split(",")[-1])
    if mark in t and not (_GROUPED_COMMA.match(t) if mark == "," else _GROUPED_DOT.match(t)):
        return len(t.split(mark)[-1])
    if mark == "," and "," in t and t.count(",") == 1 and decimal_comma:
        return len(t.split(",")[-1])
    if mark == "." and "." in t and t.count(".") == 1 and not decimal_comma:
        return len(t.split(".")[-1])
    return 0


# ---------------------------------------------------------------------------- Chinese numerals

ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
ZH_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
ZH_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
ZH_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?")


def parse_zh_numeral(text: str) -> float | None:
    """一百二十三万 → 1230000, 十一 → 11, 两千 → 2000, 三点五 → 3.5, 二〇二二 → 2022."""
    if not text:
        return None
    whole, _, frac = text.partition("点")
    if whole and all(c in ZH_DIGITS for c in whole) and len(whole) > 1:
        value = float("".join(str(ZH_DIGITS[c]) for c in whole))  # 二〇二二: digit by digit
    else:
        value = _zh_integer(whole)
        if value is None:
            return None
    if frac:
        if not all(c in ZH_DIGITS for c in frac):
            return None
        value += float("0." + "".join(str(ZH_DIGITS[c]) for c in frac))
    return value


def _zh_integer(text: str) -> float | None:
    if not text:
        return None
    total, section, digit = 0, 0, None
    for c in text:
        if c in ZH_DIGITS:
            digit = ZH_DIGITS[c]
        elif c in ZH_SMALL_UNITS:
            section += (1 if digit is None else digit) * ZH_SMALL_UNITS[c]
            digit = None
        elif c in ZH_BIG_UNITS:
            section += digit or 0
            if c == "亿":
                total = (total + section or 1) * ZH_BIG_UNITS[c]
            else:
                total += (section or 1) * ZH_BIG_UNITS[c]
            section, digit = 0, None
        else:
            return None
    return float(total + section + (digit or 0))


# ---------------------------------------------------------------------------- number words


def parse_words(words: list[str], units: dict[str, float], tens: dict[str, float], hundred: list[str]) -> float | None:
    """Number words of one language, e.g. ["twenty", "five"], ["two", "hundred", "five"],
    ["doscientos", "cinco"], ["cento", "vinte", "três"]. Joiners ("and", "y", "e") are dropped
    by the caller. Returns None when the words do not form a number."""
    total, seen = 0.0, False
    for w in words:
        if w in units:
            total += units[w]
        elif w in tens:
            total += tens[w]
        elif w in hundred:
            total = (total or 1) * 100
        else:
            return None
        seen = True
    return total if seen else None
