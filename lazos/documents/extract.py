"""Quantitative claims in English, Spanish, Portuguese and Chinese text, with their exact spans.

A claim is a number with what makes it a quantity: money (with its currency), a percentage,
a physical quantity, a multiple, a duration, a share written as a fraction, or a count of
things. For each one the extractor gives the exact characters it came from, the value
normalised (US$ 237.05 billion → 237050000000.0 USD; 4858 亿美元 → 485800000000.0 USD;
1.4 GW → 1.4e9 W), the thing measured, the period it refers to and the countries it is about.

Numbers that are not claims are left out: years and other parts of dates, ordinals ("6th
Summit", 第六届), footnote and citation markers, list numbering, labels ("Article 5", "Vol.
12"), identifiers ("G20", "5G", "COVID-19") and the numbers of reference lists.

Rules work on the text of each paragraph in its own language (detected per paragraph), so a
side-by-side translation is read half in English, half in Chinese.
"""

from __future__ import annotations

import itertools
import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, TypeVar

from lazos.documents.claim import Claim
from lazos.documents.dating import ClaimIndex, Dating, claims_lag
from lazos.documents.finders import counts, durations, money, multiples, percent, physical
from lazos.documents.finders.base import CJK_ANY, Number, product
from lazos.documents.finders.candidates import find_numbers, has_candidates
from lazos.documents.finders.counts import (
    ZH_MORE,
    ZH_MORE_COUNTED,
)
from lazos.documents.finders.money import (
    inherit_currency,
    inherit_currency_of_money_nouns,
    resolve_pesos_by_document,
    resolved_unit,
)
from lazos.documents.finders.ranges import RANGE_GAP, factor_of, range_claim
from lazos.documents.lexicon import (
    lexicon,
    qualifier_kind,
    vocabulary,
)
from lazos.documents.numbers import (
    decimal_comma_evidence,
)
from lazos.documents.periods import Period, find_periods
from lazos.documents.places import Place, codes_in_order, find_places
from lazos.documents.text import Paragraph, cjk_share, detect_language, pair_translations, paragraphs, sentences
from lazos.documents.traditional import to_simplified
from lazos.documents.what import CLAUSE_SPLIT, LOOK_BACK, ZH_CLAUSE_SPLIT, subject_of, what_of

EXTRACTOR_VERSION = "1.4.0"  # bump whenever claims change: re-ingesting re-reads them

_ZH_PARTIAL = re.compile(r"\s*(?:上半年|下半年|第[一二三四]季度|前\S{1,3}个?月|\d{1,2}\s*[-—至~]\s*\d{1,2}\s*月)")


@dataclass
class Extraction:
    text: str
    paragraphs: list[Paragraph]
    claims: list[Claim]


# ---------------------------------------------------------------------------- entry point


def extract(text: str) -> Extraction:
    """Every claim in a text, in order, with paragraphs (languages, translation pairs).

    Traditional Chinese is read through its simplified form, character for character
    (traditional.py): offsets are the same, and each claim's text is the original's."""
    original = text
    if CJK_ANY.search(text):
        text = _ZH_DIGIT_YEAR.sub(lambda m: m.group().translate(_ZH_DIGITS), to_simplified(text))
    paras = paragraphs(text)
    pair_translations(text, paras)
    evidence = _decimal_comma_evidence(text, paras)
    claims: list[Claim] = []
    in_notes = False
    for p in paras:
        if p.noise:
            continue
        if _is_notes_heading(text[p.start : p.end]):
            in_notes = True  # "Notes", "Referencias", "参考文献": numbered notes follow
            continue
        if in_notes and _NOTE_MARKER.match(text, p.start, p.end):
            continue  # "1 Based on customs data...", "[2] fDi Markets..."
        in_notes = False  # running text again
        if not any(has_candidates(text, p.start, p.end, lang) for lang in _languages_of(p.lang)):
            continue
        if _is_reference(text[p.start : p.end]):
            continue
        previous: list[Period] = []
        previous_frame: Period | None = None
        for s, e in sentences(text, p.start, p.end, p.lang):
            lang = _sentence_language(text, s, e, p.lang)
            opens = find_periods(text, s, e, lang)
            inherited = _carried(text, s, previous, previous_frame, bool(opens), lang)
            frame_at_end = _frames_of(text, s, e, lang, opens)[-1][1] if opens else None
            if has_candidates(text, s, e, lang):
                votes = evidence.get(lang, 0)
                # No evidence in Spanish or Portuguese: "1,300" and "1.300" are thousands (None).
                decimal_comma = True if votes > 0 else False if votes < 0 or lang not in ("es", "pt") else None
                claims.extend(_sentence_claims(text, s, e, p, lang, decimal_comma, opens, inherited))
            previous, previous_frame = opens, frame_at_end
    inherit_currency_of_money_nouns(text, claims)
    resolve_pesos_by_document(text, paras, claims)
    _link_translations(claims, paras)
    if text is not original:
        for c in claims:
            c.text = original[c.start : c.end]
            at = text.find(c.what, c.context_start, c.context_end) if c.what else -1
            if at >= 0:  # what is measured, in the characters it was written in
                c.what = original[at : at + len(c.what)]
    return Extraction(original, paras, claims)


# Years written digit by digit in Chinese numerals (二〇二四年, Taiwan's press): read as 2024年,
# the same length, so that they are dates, not "2024 years".
_ZH_DIGIT_YEAR = re.compile(r"(?<![〇零一二三四五六七八九十百千万亿两])[一二][〇零一二三四五六七八九]{3}(?=\s*年)")
_ZH_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def _languages_of(lang: str) -> tuple[str, ...]:
    """The languages a paragraph's sentences may be read in: its own, and for the Latin-script
    languages the other two (a paragraph that mixes English and Spanish sentences)."""
    return (lang,) if lang == "zh" else (lang, *(other for other in ("en", "es", "pt") if other != lang))


def _sentence_language(text: str, s: int, e: int, lang: str) -> str:
    """The language a sentence is read in: its paragraph's, unless its function words say clearly
    that it is in another of the Latin-script languages ("... US$ 1.5 billion in 2021. Las
    exportaciones sumaron 2 mil millones de dólares.": each sentence with its own scale words,
    currencies, months and country names). A paragraph's language is decided on its beginning."""
    if lang == "zh":
        return lang
    found = detect_language(text[s : min(e, s + 400)], "", model=False)
    return found if found in ("en", "es", "pt") else lang


def _decimal_comma_evidence(text: str, paras: list[Paragraph]) -> dict[str, int]:
    """Votes for the decimal comma per language: a side-by-side English and Spanish document
    writes 485.8 in one and 485,8 in the other."""
    by_lang: dict[str, list[str]] = {}
    for p in paras:
        if not p.noise:
            by_lang.setdefault(p.lang, []).append(text[p.start : p.end])
    return {lang: decimal_comma_evidence("\n".join(chunks)) for lang, chunks in by_lang.items()}


_NOTE_MARKER = re.compile(r"\s*(?:\[\d{1,3}\]|\(\d{1,3}\)|\d{1,3}[.)]?\s|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\*|†)")


def _is_notes_heading(chunk: str) -> bool:
    if len(chunk) > 40:
        return False
    return chunk.strip().strip(":：").strip().lower() in _reference_headings()


@cache
def _reference_headings() -> frozenset[str]:
    return frozenset(h.lower() for h in lexicon()["reference_headings"])


def _is_reference(chunk: str) -> bool:
    low = chunk.lower()
    signals = sum(1 for w in lexicon()["reference_signals"] if w in low)
    return (signals >= 2 and len(chunk) < 600) or (bool(_NOTE_START.match(chunk)) and signals >= 1)


def _link_translations(claims: list[Claim], paras: list[Paragraph]) -> None:
    """Each claim of a paragraph and the first claim of its translation with the same unit and
    value (to 1e-9) that is not linked yet."""
    by_para: dict[int, list[int]] = {}
    for i, c in enumerate(claims):
        by_para.setdefault(c.paragraph, []).append(i)
    for p in paras:
        if p.translation_of is None or p.n > p.translation_of:
            continue
        other = _Unlinked(claims, by_para.get(p.translation_of, []))
        for i in by_para.get(p.n, []):
            a = claims[i]
            j = other.take(a.unit, a.value)
            if j is not None:
                a.translation, claims[j].translation = j, i


class _Unlinked:
    """The claims of a paragraph not linked yet, by unit and value: ``take`` finds the first one
    close to a value in log time (a tree of the smallest claim index over sorted values), so
    linking two paragraphs of n figures each costs n log n, not n²."""

    def __init__(self, claims: list[Claim], indices: list[int]) -> None:
        self.values: dict[str, list[float]] = {}  # per unit, distinct values, sorted
        queues: dict[tuple[str, float], list[int]] = {}  # claims of each value, first last (to pop)
        for j in indices:
            c = claims[j]
            if c.translation is None and not math.isnan(c.value):
                queues.setdefault((c.unit, c.value), []).append(j)
        for unit, value in queues:
            self.values.setdefault(unit, []).append(value)
        self.queues = {key: list(reversed(js)) for key, js in queues.items()}
        self.trees: dict[str, list[float]] = {}
        for unit, values in self.values.items():
            values.sort()
            size = 1 << max(0, (len(values) - 1).bit_length())
            tree = [math.inf] * (2 * size)
            for n, v in enumerate(values):
                tree[size + n] = self.queues[unit, v][-1]
            for n in range(size - 1, 0, -1):
                tree[n] = min(tree[2 * n], tree[2 * n + 1])
            self.trees[unit] = tree

    def take(self, unit: str, value: float) -> int | None:
        values = self.values.get(unit)
        if not values or math.isnan(value):
            return None
        # The values close to ``value`` are a run of the sorted ones around it.
        at = bisect_left(values, value)
        lo = _first_true(0, at, lambda n: math.isclose(value, values[n], rel_tol=1e-9))
        hi = _first_true(at, len(values), lambda n: not math.isclose(value, values[n], rel_tol=1e-9))
        if lo >= hi:
            return None
        tree = self.trees[unit]
        size = len(tree) // 2
        j, leaf = _range_min(tree, size, lo, hi)
        if j == math.inf:
            return None
        queue = self.queues[unit, values[leaf - size]]
        queue.pop()
        tree[leaf] = queue[-1] if queue else math.inf
        n = leaf // 2
        while n:
            tree[n] = min(tree[2 * n], tree[2 * n + 1])
            n //= 2
        return int(j)


def _range_min(tree: list[float], size: int, lo: int, hi: int) -> tuple[float, int]:
    """The smallest leaf of a min-tree over leaves [lo, hi), and its node."""
    best, node = math.inf, 0
    lo, hi = lo + size, hi + size
    while lo < hi:
        if lo & 1:
            if tree[lo] < best:
                best, node = tree[lo], lo
            lo += 1
        if hi & 1:
            hi -= 1
            if tree[hi] < best:
                best, node = tree[hi], hi
        lo, hi = lo // 2, hi // 2
    while node and node < size:  # down to the leaf that holds it
        node = 2 * node if tree[2 * node] == best else 2 * node + 1
    return best, node


def _first_true(lo: int, hi: int, test: Any) -> int:
    """The first n in [lo, hi) for which ``test`` holds, when it holds from some n on (else hi)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if test(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


# ---------------------------------------------------------------------------- one sentence


class _HasSpan(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


_Span = TypeVar("_Span", bound=_HasSpan)


@dataclass
class Sentence:
    """A sentence in its language, with the positions its figures look back to, found once."""

    text: str
    s: int
    e: int
    lang: str
    periods: list[Period]  # sorted, not overlapping
    period_starts: list[int]
    breaks: list[int]  # where a clause may start (``subject``'s clause breaks end)
    citations: list[re.Match[str]]
    citation_starts: list[int]

    @classmethod
    def of(cls, text: str, s: int, e: int, lang: str, periods: list[Period]) -> Sentence:
        if lang == "zh":
            breaks = [m.end() for m in ZH_CLAUSE_SPLIT.finditer(text, s, e)]
        else:  # read in the sentence alone, as subject reads the text before a figure
            breaks = [s + m.end() for m in CLAUSE_SPLIT.finditer(text[s:e])]
        citations = list(_CITATION.finditer(text, s, e))
        starts = [m.start() for m in citations]
        return cls(text, s, e, lang, periods, [p.start for p in periods], breaks, citations, starts)

    def clause_floor(self, start: int) -> int:
        """Where the text before ``start`` can be cut without changing the clause subject finds
        in it: the end of the last clause break before ``start`` (a break that ends right at it is
        left to subject, which reads it with nothing after it), and at most LOOK_BACK back."""
        i = (bisect_right if self.lang == "zh" else bisect_left)(self.breaks, start) - 1
        return max(self.breaks[i] if i >= 0 else self.s, start - LOOK_BACK, self.s)

    def period_around(self, start: int, end: int) -> Period | None:
        """The period that contains [start, end), if any."""
        i = bisect_right(self.period_starts, start) - 1
        return self.periods[i] if i >= 0 and end <= self.periods[i].end else None

    def in_citation(self, p: Period) -> bool:
        """A year inside a citation, "(Ministerio de Comercio, 2023, p. 12)", dates no claim."""
        i = bisect_left(self.citation_starts, p.start) - 1  # the last citation starting before it
        if i >= 0 and p.start < self.citations[i].end():
            return bool(_CITED.search(self.citations[i].group()))
        return False


def _sentence_claims(
    text: str,
    s: int,
    e: int,
    para: Paragraph,
    lang: str,
    decimal_comma: bool | None,
    periods: list[Period],
    inherited: Period | None,
) -> list[Claim]:
    if lang != "zh" and CJK_ANY.search(text, s, e) and cjk_share(text[s:e]) > 0.3:
        lang = "zh"
        periods = find_periods(text, s, e, lang)
    numbers = find_numbers(text, s, e, lang, decimal_comma, para)
    if not numbers:
        return []
    places = find_places(text, s, e, lang)
    sentence = Sentence.of(text, s, e, lang, periods)
    claims: list[Claim] = []
    consumed_until = s
    made: dict[int, Claim | None] = {}  # a number's claim, read once (ranges look one ahead)

    def claim_at(j: int) -> Claim | None:
        if j not in made:
            made[j] = _claim(sentence, numbers[j])
        return made[j]

    for i, num in enumerate(numbers):
        if num.start < consumed_until:
            continue
        claim = claim_at(i)
        if claim is None and i + 1 < len(numbers) and not num.is_year_like:
            nxt = numbers[i + 1]
            partner = claim_at(i + 1)
            if partner is not None:
                claim = range_claim(text, num, partner, nxt, lang)
        elif claim is not None and claim.kind == "money" and not claim._scaled and i + 1 < len(numbers):
            # "US$10 and 15 billion", "US$1.5-2 billion": the first amount takes the second's scale
            nxt = numbers[i + 1]
            gap = text[claim.end : nxt.start]
            partner = claim_at(i + 1) if RANGE_GAP.fullmatch(gap) else None
            if (
                partner is not None
                and partner._scaled
                and (partner.unit == claim.unit or (partner.unit == "count" and not partner._counted))
                and nxt.value
            ):
                claim.value = product(num.value, factor_of(partner, nxt))
        if claim is None:
            continue
        claim.paragraph = para.n
        claims.append(claim)
        consumed_until = claim.end
    _date_and_place(sentence, claims, places, inherited)
    return claims


def _date_and_place(sentence: Sentence, claims: list[Claim], places: list[Place], inherited: Period | None) -> None:
    """Each claim's period and countries, from the periods and places of its sentence.

    Everything a claim looks up here is indexed once per sentence (claims, periods, places and
    clauses by position), so that a sentence of n figures costs about n log n, not n²."""
    text, s, e, lang = sentence.text, sentence.s, sentence.e, sentence.lang
    free_periods = [p for p in _outside(sentence.periods, claims) if not sentence.in_citation(p)]
    places = _outside(places, claims)
    clauses = _clauses(text, s, e, lang)
    frames = _frames_of(text, s, e, lang, free_periods, clauses)
    inherit_currency(claims)
    clause_starts = [cs for cs, _ in clauses]
    clause_of = [_clause_index(clauses, clause_starts, c.start) for c in claims]
    named = _Named(text, places, clauses)
    countries = [named.countries_for(index) for index in clause_of]
    # Pesos and ¥ are resolved by the countries; the period of a claim is chosen seeing the claims
    # before it resolved and those after it not yet (as when this was done claim by claim).
    resolved = [resolved_unit(c, codes) for c, codes in zip(claims, countries, strict=True)]
    dating = Dating(text, s, e, lang, free_periods, ClaimIndex(text, claims, resolved))
    for k, c in enumerate(claims):
        index = clause_of[k]
        clause = clauses[index] if clauses else (s, e)
        frame = frames[index][1] if frames else None
        if frame is None and inherited is not None:
            chosen = dating.period_for(k, None, clause) or inherited
        else:
            chosen = dating.period_for(k, frame, clause)
        c.period = chosen.value if chosen is not None else None
        c.partial_period = bool(
            chosen is not None and (chosen.partial or _ZH_PARTIAL.match(text[chosen.end : chosen.end + 8]))
        )
        c.context_start, c.context_end = s, e
        c.unit = resolved[k]
        c.countries = list(countries[k])
    _countries_of_a_list(text, claims, places, clauses, clause_of)


def _clause_index(clauses: list[tuple[int, int]], starts: list[int], pos: int) -> int:
    """The clause ``pos`` is in (the first when none is)."""
    i = bisect_right(starts, pos) - 1
    return i if i >= 0 and clauses[i][0] <= pos < clauses[i][1] else 0


def _outside(spans: list[_Span], claims: list[Claim]) -> list[_Span]:
    """The spans (sorted, not overlapping each other) that overlap no claim.

    Claims end in increasing order and each starts at most ``lag(claims)`` before the one
    before it ends, so only a few claims around a span need looking at."""
    ends = [c.end for c in claims]
    lag = claims_lag(claims)
    out = []
    for x in spans:
        k = bisect_right(ends, x.start)  # the first claim ending after the span starts
        overlaps = False
        while k < len(claims):
            if claims[k].start < x.end:
                overlaps = True
                break
            if claims[k].end - lag >= x.end:
                break  # the claims after this one start after the span ends
            k += 1
        if not overlaps:
            out.append(x)
    return out


def _countries_of_a_list(
    text: str, claims: list[Claim], places: list[Place], clauses: list[tuple[int, int]], clause_of: list[int]
) -> None:
    """ "Brazil supplied 75%, Argentina 3% and Uruguay 2%": in a clause where each of several
    figures of one unit has its own country just before it, each figure is that country's."""
    by_clause: dict[int, list[Claim]] = {}
    for c, index in zip(claims, clause_of, strict=True):
        by_clause.setdefault(index, []).append(c)
    starts = [pl.start for pl in places]
    for index, inside in by_clause.items():
        if len(inside) < 2 or len({c.unit for c in inside}) != 1:
            continue
        segments = []
        previous_end = clauses[index][0]
        elliptic = True  # every figure after the first comes right after its country: "Argentina 3%"
        for n, c in enumerate(inside):
            here = places[bisect_left(starts, previous_end) : bisect_left(starts, c.start)]
            named = codes_in_order(here)
            segments.append([code for code in named if code not in ("CHN", "LAC")] or named)
            if n and not (here and text[here[-1].end : c.start].strip(" ,:") == ""):
                elliptic = False
            previous_end = c.end
        distinct = len({seg[0] for seg in segments if seg}) == len(segments)
        if elliptic and all(len(seg) == 1 for seg in segments) and distinct:
            for c, seg in zip(inside, segments, strict=True):
                c.countries = seg
                if c.period is None:  # the list shares its first figure's period
                    c.period, c.partial_period = inside[0].period, inside[0].partial_period


_ANAPHOR = re.compile(
    r"\s*(?:(?:and|but|while|whereas|y|pero|mientras|e|mas|enquanto)\s+)?(?:its|their|su|sus|seu|sua|seus|suas)\b"
    r"|\s*(?:但|而|并|且|其)",
    re.IGNORECASE,
)


_ZH_ELIDED_SUBJECT = re.compile(r"[，,；;]?\s*(?:自|从|向|对|同比)")


class _Named:
    """The places named in each clause of a sentence, indexed once for all its claims."""

    def __init__(self, text: str, places: list[Place], clauses: list[tuple[int, int]]) -> None:
        self.text, self.places, self.clauses = text, places, clauses
        starts = [pl.start for pl in places]
        self.ranges = [(bisect_left(starts, cs), bisect_left(starts, ce)) for cs, ce in clauses]
        # The nearest clause at or before each one that names a place (-1: none).
        self.last_naming: list[int] = []
        for i, (a, b) in enumerate(self.ranges):
            self.last_naming.append(i if b > a else (self.last_naming[-1] if i else -1))
        # Codes in order of first mention: those of places[:j] are first_seen[:seen_before[j]].
        self.first_seen = codes_in_order(places)
        self.seen_before = [0]
        seen: set[str] = set()
        for pl in places:
            seen.update(pl.codes)
            self.seen_before.append(len(seen))
        self._found: dict[int, list[str]] = {}

    def local(self, i: int) -> list[str]:
        a, b = self.ranges[i]
        return codes_in_order(self.places[a:b])

    def countries_for(self, index: int) -> list[str]:
        """Places named in the claim's clause, else in the nearest clause before it that names one."""
        if index not in self._found:
            self._found[index] = self._countries_for(index)
        return self._found[index]

    def _countries_for(self, index: int) -> list[str]:
        if not self.clauses:
            return []
        i = self.last_naming[index]
        if i < 0:
            return []
        local = self.local(i)
        cs, ce = self.clauses[i]
        if i == index and i > 0 and _ZH_ELIDED_SUBJECT.match(self.text, cs, ce):
            # "中国对拉美出口…，自拉美进口…": the second clause's subject is the first's.
            return list(dict.fromkeys(self.local(i - 1) + local))
        if set(local) <= {"CHN", "LAC"} and i == index and _ANAPHOR.match(self.text, cs, ce):
            # "..., but its exports to China reached ...": the subject is named in a clause before.
            before = self.first_seen[: self.seen_before[self.ranges[i][0]]]
            extra = [c for c in before if c not in ("CHN", "LAC")]
            if extra:
                return extra + [c for c in dict.fromkeys(before + local) if c not in extra]
        return local


def _frames_of(
    text: str, s: int, e: int, lang: str, periods: list[Period], clauses: list[tuple[int, int]] | None = None
) -> list[tuple[tuple[int, int], Period | None]]:
    """For each clause, the period that frames it: one opening the clause ("In 2018, ...",
    "; In 2019, ..."), else the frame of the clause before."""
    clauses = clauses or _clauses(text, s, e, lang)
    out: list[tuple[tuple[int, int], Period | None]] = []
    current = None
    starts = [p.start for p in periods]
    for cs, ce in clauses:
        i = bisect_left(starts, cs)  # the clause's first period
        if i < len(periods) and periods[i].start < ce and _FRAME_LEAD.fullmatch(text[cs : periods[i].start]):
            current = periods[i]
        out.append(((cs, ce), current))
    return out


_CLAUSE_BREAK = {
    "zh": re.compile(r"[，,；;：:]"),
    "latin": re.compile(
        r"[;:]|,\s+(?=(?:and|but|while|whereas|y|pero|mientras|e|mas|enquanto|sin\s+embargo|however)\b)"
        r"|\s(?=(?:while|whereas|mientras|enquanto)\b)",
        re.IGNORECASE,
    ),
}


def _clauses(text: str, s: int, e: int, lang: str) -> list[tuple[int, int]]:
    """Clause spans of a sentence: Chinese commas; elsewhere semicolons and ', and/but/while'."""
    pattern = _CLAUSE_BREAK["zh" if lang == "zh" else "latin"]
    cuts = [m.end() for m in pattern.finditer(text, s, e)]
    bounds = [s, *cuts, e]
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


_CITATION = re.compile(r"\([^()]{0,120}\)")
_CITED = re.compile(r",\s*(?:1[89]|20)\d\d\b|\bp{1,2}\.\s*\d|et al\.|\beds?\.")


_FRAME_LEAD = re.compile(
    r"\s*(?:[\"“(]\s*)?(?:(?:specifically|moreover|meanwhile|además|asimismo|ademais)\s*,\s*)?"
    r"(?:in|by|as\s+of|since|during|at\s+the\s+end\s+of|from|until|through|en|em|hasta|desde|durante|"
    r"a\s+finales\s+de|al\s+cierre\s+de|no\s+final\s+de|até|ao\s+final\s+de|entre|截至|截止|自|从|在|于)?"
    r"(?:\s*(?:early|late|mid-?|principios\s+de|comienzos\s+de|mediados\s+de|finales\s+de|início\s+de|"
    r"meados\s+de|fins\s+de|fim\s+de))?"
    r"(?:\s*the\s+(?:first|last)\s+\w+\s+months\s+of|\s*the\s+end\s+of|\s*los\s+primeros\s+\w+\s+meses\s+de|"
    r"\s*os\s+primeiros\s+\w+\s+meses\s+de)?\s*$",
    re.IGNORECASE,
)


_CONTINUES = re.compile(
    r"\s*(?:specifically|in\s+particular|of\s+(?:this|these|that|which)|among\s+them|in\s+the\s+same\s+(?:year|period)|"
    r"that\s+year|the\s+same\s+year|en\s+particular|espec[ií]ficamente|de\s+ellos|de\s+este\s+total|ese\s+(?:mismo\s+)?año|"
    r"en\s+el\s+mismo\s+(?:año|período)|em\s+particular|especificamente|desse\s+total|naquele\s+ano|no\s+mesmo\s+(?:ano|período)|"
    r"其中|同年|当年|同期)",
    re.IGNORECASE,
)


def _carried(
    text: str, s: int, previous: list[Period], previous_frame: Period | None, has_own: bool, lang: str
) -> Period | None:
    """The period a sentence takes from the one before: "In the same year" (同年) takes its last
    period; a sentence with no date of its own, or one that continues ("Specifically, ..."), takes
    the frame that dated the sentence before ("In 2018, ... . Specifically, exports ...")."""
    opener = text[s : s + 40]
    if previous and _SAME_PERIOD.match(opener):
        return previous[-1]
    if previous_frame is None or previous_frame.kind == "range":
        return None  # a range is its sentence's
    if lang == "zh":  # Chinese opens nearly every sentence with its own time, unless it goes on: 其中
        return previous_frame if not has_own and _CONTINUES.match(opener) else None
    if _CONTINUES.match(opener) or (not has_own and _CARRYING_LEAD.fullmatch(_lead_of(text, previous_frame))):
        return previous_frame
    return None


_CARRYING_LEAD = re.compile(
    r"\s*(?:in|en|em|by|as\s+of|at\s+the\s+end\s+of|a\s+finales\s+de|no\s+final\s+de|al\s+cierre\s+de)?"
    r"(?:\s*the\s+(?:first|last)\s+\w+\s+months\s+of|\s*the\s+end\s+of|\s*los\s+primeros\s+\w+\s+meses\s+de|"
    r"\s*os\s+primeiros\s+\w+\s+meses\s+de)?\s*",
    re.IGNORECASE,
)


def _lead_of(text: str, p: Period) -> str:
    """The words before a period in its clause ("In the first eleven months of")."""
    floor = max(0, p.start - 400)  # a clause is shorter; never search the whole text back
    start = max(max(text.rfind(ch, floor, p.start) for ch in ".;:!?\n"), floor - 1)
    return text[start + 1 : p.start].split(",")[-1]


_SAME_PERIOD = re.compile(
    r"\s*(?:in\s+the\s+same\s+(?:year|period)|that\s+year|the\s+same\s+year|ese\s+(?:mismo\s+)?año|"
    r"en\s+el\s+mismo\s+(?:año|período)|naquele\s+ano|no\s+mesmo\s+(?:ano|período)|同年|当年|同期)",
    re.IGNORECASE,
)


# ---------------------------------------------------------------------------- building a claim


def _claim(sentence: Sentence, num: Number) -> Claim | None:
    """The claim a number makes, if any: each finder reads its kind of quantity in turn."""
    text, s, e, lang = sentence.text, sentence.s, sentence.e, sentence.lang
    vocab = vocabulary(lang)
    value, start, pos = num.value, num.start, num.end
    qualifier = "exact"

    if num.kind == "fraction":
        return _finish(sentence, num, num.start, num.end, value, "percent", "fraction", lang, qualifier)
    if num.kind == "multiple":
        return _finish(sentence, num, num.start, num.end, value, "times", "multiple", lang, qualifier)
    first = multiples.before(vocab, text, s, num)
    if first is not None:
        return _finish(sentence, num, first, num.end, value, "times", "multiple", lang, qualifier)
    prefix = money.currency_before(text, s, num)
    currency = prefix[1] if prefix else None
    if prefix:
        start = prefix[0]
    limit = min(e, pos + 80)
    if lang == "zh" and percent.zh_tenths(text, num, limit):
        claim = _finish(sentence, num, start, pos + 1, value * 10, "percent", "percent", lang, qualifier)
        if claim is not None:
            claim.qualifier = _qualifier_before(text, s, start, lang) or "exact"
        return claim
    if lang == "zh":  # 多/余 after the number, then a scale (亿, 万), then 多/余 again
        m = ZH_MORE.match(text, pos, limit)
        if m:
            pos, qualifier = m.end(), "lower_bound"
    scale, pos = money.scale_after(vocab, text, num, pos, limit, currency)
    if scale == 1.0 and (both := money.scale_with_currency(vocab, text, pos, limit)) is not None:
        scale, currency, pos = both  # "682 mdd": millions of dollars
    scaled = scale != 1.0
    if lang == "zh":
        m = ZH_MORE.match(text, pos, limit)
        if m and (scaled or not ZH_MORE_COUNTED.match(text, pos, limit)):
            pos, qualifier = m.end(), "lower_bound"
    after = money.currency_after(vocab, text, pos, limit)
    if after:  # 元 after 新台幣 stays Taiwan dollars
        currency = currency if (currency and money.generic(after[2])) else after[0] or currency
        pos = after[1]
    if currency is None and scaled and lang == "en" and (us := money.bare_us(text, s, num)) is not None:
        currency, start = "USD", us  # "US 489 billion"

    if currency:
        unit, kind, value = currency, "money", product(value, scale)
    else:
        if scaled and lang != "zh":
            pos = physical.linked(vocab, text, pos, limit)
        found = None
        if (end := percent.after(vocab, text, pos, limit)) is not None:
            unit, kind, pos, value = "percent", "percent", end, product(value, scale)
        elif (found := physical.after(vocab, text, pos, limit, num, scaled)) is not None:
            if not found[0]:
                return None  # "5m" without currency: an abbreviation we cannot read safely
            unit, kind, pos, value = found[0], "physical", found[2], product(value, scale, found[1])
        elif (found := durations.after(vocab, text, s, pos, limit, num)) is not None:
            if not found[0]:
                return None  # "the first eleven months of 2019": a period, not a quantity
            unit, kind, pos, value = found[0], "duration", found[2], product(value, scale, found[1])
        elif (end := multiples.after(vocab, text, pos, limit)) is not None:
            unit, kind, pos, value = "times", "multiple", end, product(value, scale)
            if lang == "zh" and multiples.zh_grew_by(text, s, start):
                value += 1
        else:
            unit, kind, value = "count", "count" if not scaled else "scaled", product(value, scale)
    if num.is_year_like and kind == "count":
        return None  # a year used as a date
    around = sentence.period_around(num.start, num.end)
    if around is not None and around.kind != "year":
        return None  # part of a date, a month or a range of years
    if num.is_year_like and kind == "money" and not scaled and not prefix:
        return None  # "2022 美元兑...": a year before a currency name, not an amount
    if num.is_year_like and around is not None and kind in ("count", "scaled", "duration"):
        return None
    if num.word_one and kind == "count":
        noun = counts.counted_noun(text, pos, limit, lang)
        if not counts.numeral_one(text, s, num, noun, lang):
            return None  # "one of the largest", "un acuerdo"
    if num.kind == "words" and kind == "count" and counts.word_reference(text, s, num, lang):
        return None
    if lang == "zh" and kind == "count" and counts.zh_uncounted(text, s, start, pos, limit, num):
        return None
    if lang == "zh" and counts.zh_not_a_figure(text, s, num) and kind in ("count", "money", "duration", "scaled"):
        return None
    what = ""
    counted = False
    if kind in ("count", "scaled"):
        noun = counts.counted_noun(text, pos, limit, lang)
        counted = noun is not None
        if noun is None:
            if kind == "count" and not (counts.bare_count(text, s, start, pos, limit) and not num.is_year_like):
                return None  # a bare number: a label, a score, a code
            what = subject_of(text, sentence.clause_floor(start), start, lang)
        else:
            what = noun
        kind = unit = "count"
    claim = _finish(sentence, num, start, pos, value, unit, kind, lang, qualifier, decimals=num.decimals, what=what)
    if claim is not None:
        claim._scaled = scaled
        claim._counted = counted
        if claim.qualifier == "exact":
            claim.qualifier = _qualifier_before(text, s, start, lang) or _qualifier_after(text, pos, e, lang) or "exact"
    return claim


def _finish(
    sentence: Sentence,
    num: Number,
    start: int,
    end: int,
    value: float,
    unit: str,
    kind: str,
    lang: str,
    qualifier: str,
    *,
    decimals: int = 0,
    what: str = "",
) -> Claim | None:
    if not what:
        what = what_of(sentence, start, end, kind)
    return Claim(
        start=start,
        end=end,
        text=sentence.text[start:end],
        value=float(value),
        unit=unit,
        what=what,
        period=None,
        countries=[],
        lang=lang,
        qualifier=qualifier,
        kind=kind,
        decimals=decimals,
    )


def _qualifier_before(text: str, s: int, start: int, lang: str) -> str | None:
    vocab = vocabulary(lang)
    if vocab.qualifier_before_re is None:
        return None
    before = text[max(s, start - 30) : start]
    m = vocab.qualifier_before_re.search(before)
    return qualifier_kind(lang, m.group("q")) if m else None


def _qualifier_after(text: str, end: int, e: int, lang: str) -> str | None:
    if lang != "zh":
        return None
    after = text[end : min(e, end + 4)]
    for word in ("左右", "上下"):
        if after.startswith(word):
            return "approximate"
    for word in ("以上",):
        if after.startswith(word):
            return "lower_bound"
    return None


# ---------------------------------------------------------------------------- what, period


_NOTE_START = re.compile(r"^\s*\[\d+\]\s")
