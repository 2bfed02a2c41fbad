"""Dates and periods in running text, in four languages: what a claim's period is.

Finds full dates ("February 6, 2022", "6 de febrero de 2022", "2022年2月6日"), months
("July 2021", "julho de 2021", "2021 年 7 月"), year ranges ("between 2018 and 2020",
"2018–2020", "2018 至 2020 年") and years, each with its span, so that the numbers inside them
are not taken for claims and each claim can be given the period nearest to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel.dates import get_month_names

from lazos.documents.lexicon import trie

YEAR = r"(?:1[89]\d\d|20\d\d|2100)"
_YEAR_ANY = re.compile(YEAR)
_PARTIAL_BEFORE = re.compile(
    r"(?:first|last|second)\s+(?:\w+\s+)?(?:months?|half|quarter)\s+of\s*$|(?:primeros|primeras|primeiros|primeiras|"
    r"últimos|últimas)\s+\w+\s+meses\s+de\s*$|(?:primer|segundo)\s+(?:semestre|trimestre)\s+de\s*$|"
    r"(?:primeiro|segundo)\s+(?:semestre|trimestre)\s+de\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Period:
    start: int
    end: int
    value: str  # YYYY, YYYY-MM, YYYY-MM-DD or YYYY/YYYY
    kind: str  # date, month, year, range
    partial: bool = False  # part of the period only: "January to May 2021", "the first half of 2022"


@cache
def _months(lang: str) -> dict[str, int]:
    if lang == "zh":
        return {}
    names: dict[str, int] = {}
    for number, name in get_month_names("wide", locale=lang).items():
        names[name.lower()] = number
    if lang == "es":
        names["setiembre"] = 9
    if lang == "en":
        for number, name in get_month_names("abbreviated", locale="en").items():
            names[name.lower().rstrip(".")] = number
            names[name.lower().rstrip(".") + "."] = number
        names["sept"] = names["sept."] = 9
    return names


@cache
def _patterns(lang: str) -> list[tuple[re.Pattern[str], str]]:
    """(pattern, kind) in priority order; named groups y, y2, m, m2, d."""
    if lang == "zh":
        return [
            (
                re.compile(rf"(?P<y>{YEAR})\s*年\s*(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*日"),
                "date",
            ),
            (re.compile(rf"(?P<y>{YEAR})\s*[-–—~至到]\s*(?P<y2>{YEAR})\s*年"), "range"),
            (re.compile(rf"(?P<y>{YEAR})\s*年\s*(?:[-–—~至到]|以来至)\s*(?P<y2>{YEAR})\s*年"), "range"),
            (re.compile(rf"(?<!\d)(?P<y>{YEAR})(?P<y2>{YEAR})\s*年"), "range"),  # 20182020 年: a lost dash
            (re.compile(rf"(?<![\d.])(?P<y>{YEAR})\s*[/／]\s*(?P<y2>{YEAR}|\d\d)(?![\d%])"), "range"),  # 2023/24产季
            (re.compile(rf"(?P<y>{YEAR})\s*年\s*(?P<m>1[0-2]|0?[1-9])\s*月"), "month"),
            (re.compile(rf"(?P<y>{YEAR})\s*年"), "year"),
            (
                re.compile(
                    rf"(?<![\d.,])(?P<y>{YEAR})(?![\d.,%]|\s*(?:多|余)?\s*[万亿千百个项家名位次座条份种吨美元])"
                ),
                "year",
            ),
        ]
    months = trie(list(_months(lang)))
    M = rf"(?P<mn>{months})"
    M2 = rf"(?P<mn2>{months})"
    of = {"en": r"(?:\s+of)?", "es": r"\s+(?:de|del)", "pt": r"\s+de"}[lang]
    and_ = {"en": r"(?:and|to|through|-|–|—)", "es": r"(?:y|a|al|hasta|-|–|—)", "pt": r"(?:e|a|até|-|–|—)"}[lang]
    between = {"en": r"(?:between|from)", "es": r"(?:entre|de|desde)", "pt": r"(?:entre|de|desde)"}[lang]
    day = r"(?P<d>3[01]|[12]\d|0?[1-9])"
    flags = re.IGNORECASE
    pats = [
        (re.compile(rf"(?<!\d)(?P<y>{YEAR})-(?P<m>1[0-2]|0[1-9])-(?P<d>3[01]|[12]\d|0[1-9])(?!\d)"), "date"),
    ]
    if lang == "en":
        pats += [
            (re.compile(rf"\b{M}\s+{day}(?:st|nd|rd|th)?,?\s+(?P<y>{YEAR})\b", flags), "date"),
            (re.compile(rf"\b{day}(?:st|nd|rd|th)?\s+(?:of\s+)?{M}\s*,?\s+(?P<y>{YEAR})\b", flags), "date"),
            (re.compile(rf"\b(?:from\s+)?{M}\s+(?:to|through|and|-|–)\s+{M2}\s*,?\s+(?P<y>{YEAR})\b", flags), "year"),
        ]
    else:
        pats += [
            (re.compile(rf"\b{day}(?:\.?º)?\s+de\s+{M}{of}\s+(?P<y>{YEAR})\b", flags), "date"),
            (re.compile(rf"\b(?:de|entre)\s+{M}\s+(?:a|y|e|hasta|até)\s+{M2}{of}\s+(?P<y>{YEAR})\b", flags), "year"),
        ]
    pats += [
        (re.compile(rf"\b{M}{of}\s*,?\s+(?P<y>{YEAR})\b", flags), "month"),
        (re.compile(rf"\b{between}\s+(?P<y>{YEAR})\s+{and_}\s+(?P<y2>{YEAR})\b", flags), "range"),
        (re.compile(rf"(?<![\d.,])(?P<y>{YEAR})\s?[-–—/]\s?(?P<y2>{YEAR}|\d\d)(?!\d|[.,]\d)"), "range"),
        (re.compile(rf"(?<![\d.,$€£])(?P<y>{YEAR})(?!\d|,\d|\.\d{{3}}|\s?(?:%|per\s?cent|por\s+cien))"), "year"),
    ]
    return pats


def find_periods(text: str, start: int, end: int, lang: str) -> list[Period]:
    """Every period expression in ``text[start:end]``, longest first where they overlap."""
    if not _YEAR_ANY.search(text, start, end):
        return []
    chunk = text[start:end]
    found: list[Period] = []
    taken: list[tuple[int, int]] = []  # spans of the patterns before this one, sorted and disjoint
    months = _months(lang)
    for pattern, kind in _patterns(lang):
        # One pattern's matches do not overlap and come in order, so one pass over the spans
        # taken by the patterns before it tells which overlap one (linear, not matches x spans).
        accepted: list[tuple[int, int]] = []
        i = 0
        for m in pattern.finditer(chunk):
            s, e = m.span()
            while i < len(taken) and taken[i][1] <= s:
                i += 1
            if i < len(taken) and taken[i][0] < e:
                continue
            groups = m.groupdict()
            y = int(groups["y"])
            if kind == "range":
                y2 = groups["y2"]
                y2n = int(y2) if len(y2) == 4 else (y // 100) * 100 + int(y2)
                if not y < y2n <= y + 60:
                    if len(y2) == 2:
                        continue
                    kind_, value = "year", str(y)
                else:
                    kind_, value = "range", f"{y}/{y2n}"
            elif kind == "date":
                month = groups.get("m") or months.get((groups.get("mn") or "").lower())
                value, kind_ = f"{y}-{int(month):02d}-{int(groups['d']):02d}", "date"
            elif kind == "month":
                month = groups.get("m") or months.get((groups.get("mn") or "").lower())
                if not month:
                    continue
                value, kind_ = f"{y}-{int(month):02d}", "month"
            else:
                value, kind_ = str(y), "year"
            partial = bool(groups.get("mn2")) or bool(_PARTIAL_BEFORE.search(chunk[max(0, s - 40) : s]))
            found.append(Period(start + s, start + e, value, kind_, partial))
            accepted.append((s, e))
        taken = sorted(taken + accepted)
    return sorted(found, key=lambda p: p.start)
