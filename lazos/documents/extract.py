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
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any, Protocol, TypeVar

from lazos.documents.lexicon import (
    alternation,
    currency_of_prefix,
    currency_prefix_re,
    figure_words,
    lexicon,
    qualifier_kind,
    vocabulary,
)
from lazos.documents.numbers import (
    ZH_NUMERAL,
    decimal_comma_evidence,
    decimals_of,
    parse_digits,
    parse_words,
    parse_zh_numeral,
)
from lazos.documents.periods import Period, find_periods
from lazos.documents.places import Place, codes_in_order, find_places
from lazos.documents.text import Paragraph, cjk_share, detect_language, pair_translations, paragraphs, sentences

EXTRACTOR_VERSION = "1.3.0"  # bump whenever claims change: re-ingesting re-reads them

_DIGITS = re.compile(r"(?<![0-9A-Za-z_])\d+(?:[.,]\d+)*(?:[\u00a0\u202f]\d{3})*(?:[.,]\d+)?")
_SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_YEAR_DOT = re.compile(r"((?:19|20)\d\d)\.(\d{1,2})")
_NEW_SENTENCE = re.compile(r"\s+[A-Z“\"(]|\s*$")
_YEAR_LIKE = re.compile(r"(?:1[89]\d\d|20\d\d|2100)")
_BRACKET_CLOSE = re.compile(r"\d*\]")
_LETTERS = re.compile(r"[A-Za-z²]+")
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\b|\.?[ºª°](?!C)")
_DATE_PART_AFTER = re.compile(r"\s*(?:月|日|号|世纪|century|centuries|siglo|século)", re.IGNORECASE)
_CJK_ANY = re.compile(r"[\u3400-\u9fff]")
_ZH_PARTIAL = re.compile(r"\s*(?:上半年|下半年|第[一二三四]季度|前\S{1,3}个?月|\d{1,2}\s*[-—至~]\s*\d{1,2}\s*月)")
_ZH_FRACTION = re.compile(
    r"(?P<den>[一二三四五六七八九十百千]+|\d+)\s*分之\s*(?P<num>[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?|\d+(?:\.\d+)?)"
)
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
_ZH_STOP = "，。；：、,.;:！？!?（）()《》“”\"'「」【】[]\n"
_ZH_COUNT_STOP = set("的在和与及为是了将等由于对从向到至并而或中")
_ZH_VERBS = [
    "同比增长",
    "同比下降",
    "增长至",
    "增加至",
    "增至",
    "增长到",
    "下降至",
    "降至",
    "达到",
    "突破",
    "超过",
    "约为",
    "累计",
    "总额为",
    "为",
    "达",
    "占",
    "增长",
    "增加",
    "下降",
    "减少",
    "实现",
    "约",
    "近",
    "逾",
    "超",
]
_EN_VERBS = (
    r"reached|reaching|exceeded|exceeding|surpassed|topped|totaled|totalled|totaling|totalling|amounted|amounting|"
    r"was|were|is|are|stood|stands|hit|rose|rising|grew|growing|increased|increasing|fell|falling|dropped|declined|"
    r"decreased|climbed|jumped|soared|slumped|accounted|accounting|represented|representing|received|invested|"
    r"provided|attracted|generated|created|signed|worth|valued|cost|costing|raised|lent|loaned|disbursed|"
    r"committed|pledged|announced|estimated|expected|projected|to|by|of|at|with|about|around|nearly|almost"
)
_ES_VERBS = (
    r"alcanzó|alcanzaron|alcanza|superó|superaron|supera|sumó|sumaron|suma|totalizó|ascendió|asciende|"
    r"fue|fueron|es|son|era|llegó|llegaron|llega|creció|crecieron|aumentó|aumentaron|cayó|cayeron|bajó|"
    r"disminuyó|representó|representa|recibió|invirtió|otorgó|prestó|generó|creó|firmó|registró|"
    r"a|de|en|con|por|hasta|unos|unas"
)
_PT_VERBS = (
    r"alcançou|alcançaram|atingiu|atingiram|superou|superaram|somou|somaram|totalizou|foi|foram|é|são|era|"
    r"chegou|chegaram|cresceu|cresceram|aumentou|aumentaram|caiu|caíram|diminuiu|representou|representa|"
    r"recebeu|investiu|concedeu|emprestou|gerou|criou|assinou|registrou|registrou|a|de|em|com|por|até"
)
_SUBJECT_VERB = {
    "en": re.compile(rf"\b(?:{_EN_VERBS})\b", re.IGNORECASE),
    "es": re.compile(rf"\b(?:{_ES_VERBS})\b", re.IGNORECASE),
    "pt": re.compile(rf"\b(?:{_PT_VERBS})\b", re.IGNORECASE),
}
_DETERMINERS = re.compile(
    r"^(?:the|a|an|its|their|his|her|this|that|these|those|el|la|los|las|un|una|su|sus|este|esta|"
    r"o|os|as|um|uma|seu|sua|seus|suas|este|esta)\s+",
    re.IGNORECASE,
)
_COUNT_STOP = {lang: set(words.split()) for lang, words in lexicon()["count_stopwords"].items()}
_COUNT_CONNECT = {"es": {"de", "del"}, "pt": {"de", "do", "da", "dos", "das"}, "en": {"of"}}
_WORD = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)
_DEFINITE = {
    lang: re.compile(rf"\b(?:{words})\s+$", re.IGNORECASE)
    for lang, words in {
        "en": "the|these|those|both",
        "es": "los|las|estos|estas|ambos|ambas",
        "pt": "os|as|estes|estas|ambos|ambas",
    }.items()
}
_OF_YEAR = re.compile(r"\s+(?:of|de|do|del|da)\s+(?:(?:the\s+)?year\b|(?:el\s+|o\s+)?año\b|(?:1[89]|20)\d\d)", re.I)
_PERIOD_WORDS = re.compile(
    r"(?:\b(?:first|last|past|next|previous|following|recent|coming|primeros|primeras|últimos|últimas|"
    r"próximos|próximas|pasados|primeiros|primeiras|próximos|passados|últimos)\s+)$|(?:前|后|近|过去|未来)\s*$",
    re.IGNORECASE,
)


@dataclass
class Claim:
    start: int
    end: int
    text: str
    value: float
    unit: str
    what: str
    period: str | None
    countries: list[str]
    lang: str
    qualifier: str = "exact"
    kind: str = ""
    paragraph: int = 0
    decimals: int = 0
    context_start: int = 0  # the sentence the claim is in
    context_end: int = 0
    partial_period: bool = False  # the figure covers part of its period ("January to May 2021")
    translation: int | None = None  # index of the same claim in the paired translation
    _scaled: bool = field(default=False, repr=False)  # had a scale word ("12 billion")
    _counted: bool = field(default=False, repr=False)  # named the thing counted ("12 projects")

    def record(self, doc: str) -> dict[str, Any]:
        """The claim in the `lazos extract --format jsonl` shape."""
        return {
            "doc": doc,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "value": self.value,
            "unit": self.unit,
            "what": self.what,
            "period": self.period,
            "countries": self.countries,
            "lang": self.lang,
        }

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("_scaled", None)
        out.pop("_counted", None)
        return out


@dataclass
class Extraction:
    text: str
    paragraphs: list[Paragraph]
    claims: list[Claim]


# ---------------------------------------------------------------------------- entry point


def extract(text: str) -> Extraction:
    """Every claim in a text, in order, with paragraphs (languages, translation pairs)."""
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
        if not any(_has_candidates(text, p.start, p.end, lang) for lang in _languages_of(p.lang)):
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
            if _has_candidates(text, s, e, lang):
                votes = evidence.get(lang, 0)
                decimal_comma = votes > 0 or (votes == 0 and lang in ("es", "pt"))
                claims.extend(_sentence_claims(text, s, e, p, lang, decimal_comma, opens, inherited))
            previous, previous_frame = opens, frame_at_end
    _resolve_pesos_by_document(text, paras, claims)
    _link_translations(claims, paras)
    return Extraction(text, paras, claims)


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


def _resolve_pesos_by_document(text: str, paras: list[Paragraph], claims: list[Claim]) -> None:
    """Pesos in a sentence that names no country: the country the document names most among
    those that use pesos (an article about Argentina), else Mexico's."""
    if not any(c.unit == "PESO" for c in claims):
        return
    by_country = lexicon()["peso_by_country"]
    named = [
        code
        for p in paras
        if not p.noise
        for place in find_places(text, p.start, p.end, p.lang)
        for code in place.codes
        if code in by_country
    ]
    fallback = by_country[max(set(named), key=named.count)] if named else "MXN"
    for c in claims:
        if c.unit == "PESO":
            c.unit = fallback


def _decimal_comma_evidence(text: str, paras: list[Paragraph]) -> dict[str, int]:
    """Votes for the decimal comma per language: a side-by-side English and Spanish document
    writes 485.8 in one and 485,8 in the other."""
    by_lang: dict[str, list[str]] = {}
    for p in paras:
        if not p.noise:
            by_lang.setdefault(p.lang, []).append(text[p.start : p.end])
    return {lang: decimal_comma_evidence("\n".join(chunks)) for lang, chunks in by_lang.items()}


_DIGIT_OR_ZH = re.compile(r"[0-9零〇一二两三四五六七八九十百千万亿半倍番]")
_LATIN_TOKEN = re.compile(r"[^\W\d_]+")


@cache
def _trigger_words(lang: str) -> frozenset[str]:
    """First words of number words, fractions and multiples: a sentence without any (and
    without digits) cannot hold a claim, and is skipped cheaply."""
    return frozenset(re.split(r"[\s\-]+", w)[0] for w in figure_words(lang))


@cache
def _trigger_re(lang: str) -> re.Pattern[str]:
    return re.compile(alternation(list(_trigger_words(lang)), latin=True), re.IGNORECASE)


def _has_candidates(text: str, s: int, e: int, lang: str) -> bool:
    if _DIGIT_OR_ZH.search(text, s, e):
        return True
    if lang == "zh":
        return False
    return _trigger_re(lang).search(text, s, e) is not None


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


@dataclass
class _Number:
    start: int  # the number itself
    end: int
    value: float
    kind: str  # digits, zh, words, fraction, multiple
    decimals: int = 0
    is_year_like: bool = False
    word_one: bool = False  # "one", "un", "um": a number only with a unit


class _HasSpan(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


_Span = TypeVar("_Span", bound=_HasSpan)

# How far back a figure's subject is read at most: its clause usually starts much nearer; this
# keeps a sentence of thousands of figures without a comma linear.
_LOOK_BACK = 500


@dataclass
class _Sentence:
    """A sentence in its language, with the positions its figures look back to, found once."""

    text: str
    s: int
    e: int
    lang: str
    periods: list[Period]  # sorted, not overlapping
    period_starts: list[int]
    breaks: list[int]  # where a clause may start (``_subject``'s clause breaks end)
    citations: list[re.Match[str]]
    citation_starts: list[int]

    @classmethod
    def of(cls, text: str, s: int, e: int, lang: str, periods: list[Period]) -> _Sentence:
        if lang == "zh":
            breaks = [m.end() for m in _ZH_CLAUSE_SPLIT.finditer(text, s, e)]
        else:  # read in the sentence alone, as _subject reads the text before a figure
            breaks = [s + m.end() for m in _CLAUSE_SPLIT.finditer(text[s:e])]
        citations = list(_CITATION.finditer(text, s, e))
        starts = [m.start() for m in citations]
        return cls(text, s, e, lang, periods, [p.start for p in periods], breaks, citations, starts)

    def clause_floor(self, start: int) -> int:
        """Where the text before ``start`` can be cut without changing the clause _subject finds
        in it: the end of the last clause break before ``start`` (a break that ends right at it is
        left to _subject, which reads it with nothing after it), and at most _LOOK_BACK back."""
        i = (bisect_right if self.lang == "zh" else bisect_left)(self.breaks, start) - 1
        return max(self.breaks[i] if i >= 0 else self.s, start - _LOOK_BACK, self.s)

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
    decimal_comma: bool,
    periods: list[Period],
    inherited: Period | None,
) -> list[Claim]:
    if lang != "zh" and _CJK_ANY.search(text, s, e) and cjk_share(text[s:e]) > 0.3:
        lang = "zh"
        periods = find_periods(text, s, e, lang)
    numbers = _numbers(text, s, e, lang, decimal_comma, para)
    if not numbers:
        return []
    places = find_places(text, s, e, lang)
    sentence = _Sentence.of(text, s, e, lang, periods)
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
                claim = _range_claim(text, num, partner, nxt, lang)
        elif claim is not None and claim.kind == "money" and not claim._scaled and i + 1 < len(numbers):
            # "US$10 and 15 billion", "US$1.5-2 billion": the first amount takes the second's scale
            nxt = numbers[i + 1]
            gap = text[claim.end : nxt.start]
            partner = claim_at(i + 1) if _RANGE_GAP.fullmatch(gap) else None
            if (
                partner is not None
                and partner._scaled
                and (partner.unit == claim.unit or (partner.unit == "count" and not partner._counted))
                and nxt.value
            ):
                claim.value = _product(num.value, _factor_of(partner, nxt))
        if claim is None:
            continue
        claim.paragraph = para.n
        claims.append(claim)
        consumed_until = claim.end
    _date_and_place(sentence, claims, places, inherited)
    return claims


def _date_and_place(sentence: _Sentence, claims: list[Claim], places: list[Place], inherited: Period | None) -> None:
    """Each claim's period and countries, from the periods and places of its sentence.

    Everything a claim looks up here is indexed once per sentence (claims, periods, places and
    clauses by position), so that a sentence of n figures costs about n log n, not n²."""
    text, s, e, lang = sentence.text, sentence.s, sentence.e, sentence.lang
    free_periods = [p for p in _outside(sentence.periods, claims) if not sentence.in_citation(p)]
    places = _outside(places, claims)
    clauses = _clauses(text, s, e, lang)
    frames = _frames_of(text, s, e, lang, free_periods, clauses)
    _inherit_currency(claims)
    clause_starts = [cs for cs, _ in clauses]
    clause_of = [_clause_index(clauses, clause_starts, c.start) for c in claims]
    named = _Named(text, places, clauses)
    countries = [named.countries_for(index) for index in clause_of]
    # Pesos and ¥ are resolved by the countries; the period of a claim is chosen seeing the claims
    # before it resolved and those after it not yet (as when this was done claim by claim).
    resolved = [_resolved_unit(c, codes) for c, codes in zip(claims, countries, strict=True)]
    dating = _Dating(text, s, e, lang, free_periods, _ClaimIndex(text, claims, resolved))
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

    Claims end in increasing order and each starts at most ``_lag(claims)`` before the one
    before it ends, so only a few claims around a span need looking at."""
    ends = [c.end for c in claims]
    lag = _lag(claims)
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


def _lag(claims: list[Claim]) -> int:
    """How far a claim starts before the previous one ends, at most (a currency sign or
    "multiplied by" read before a number can reach back over the claim before it)."""
    return max([0, *(a.end - b.start for a, b in itertools.pairwise(claims))])


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


def _inherit_currency(claims: list[Claim]) -> None:
    """'US$485.8 billion in 2022, up from 12 billion in 2000': the second amount is in dollars too."""
    last_currency = None
    for c in claims:
        if c.kind == "money":
            last_currency = c.unit
        elif c.unit == "count" and last_currency and c._scaled and not c._counted:
            c.unit, c.kind = last_currency, "money"


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


def _resolved_unit(c: Claim, codes: list[str]) -> str:
    """Currencies named by a sign or word several countries use: pesos, ¥ (yuan or yen)."""
    if c.unit == "CNY" and ("¥" in c.text or "￥" in c.text) and "JPN" in codes and "CHN" not in codes:
        return "JPY"
    if c.unit == "PESO":
        by_country = lexicon()["peso_by_country"]
        return next((by_country[x] for x in codes if x in by_country), "PESO")  # else by document
    return c.unit


def _numbers(text: str, s: int, e: int, lang: str, decimal_comma: bool, para: Paragraph) -> list[_Number]:
    out: list[_Number] = []
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
        out.append(_Number(start, end, value, "digits", decimals_of(raw, decimal_comma), year_like))
    if lang == "zh":
        for m in _ZH_FRACTION.finditer(text, s, e):
            den = parse_zh_numeral(m.group("den")) if not m.group("den").isdigit() else float(m.group("den"))
            numer = m.group("num")
            top = float(numer) if _DECIMAL.fullmatch(numer) else parse_zh_numeral(numer)
            if den and top is not None:
                out.append(_Number(m.start(), m.end(), top * 100 / den, "fraction"))
        for m in ZH_NUMERAL.finditer(text, s, e):
            surface = m.group()
            if (surface[0] in "万亿" or (surface[0] in "百千" and len(surface) == 1)) or text[
                max(0, m.start() - 1) : m.start()
            ] == "第":
                continue  # 百年 (a century, an idiom), 亿 after a lost number; 第六: an ordinal (百亿 is a number)
            if surface[0] == "十" and len(surface) == 1 and text[m.end() : m.end() + 1] == "分":
                continue  # 十分: "very"
            value = parse_zh_numeral(surface)
            if value is not None:
                out.append(_Number(m.start(), m.end(), value, "zh"))
    if lang != "zh" and vocab.scale_re is not None:
        for m in _scale_alone_re(lang).finditer(text, s, e):
            if vocab.scale_re.match(text, m.end(), e) and not _after_number(text, s, m.start(), lang):
                value = lexicon()["scale_alone"][lang][_WS.sub(" ", m.group().lower())]
                out.append(_Number(m.start(), m.end(), value, "words"))
    has_words = lang == "zh" or _trigger_re(lang).search(text, s, e) is not None
    if vocab.words_re is not None and has_words:
        for m in _word_numbers(vocab.words_re, text, s, e, lang):
            kind = m.lastgroup
            surface = _WS.sub(" ", m.group().lower()) if lang != "zh" else m.group()
            if kind == "frac":
                before = text[max(s, m.start() - 12) : m.start()]
                if vocab.fraction_stop_re is not None and vocab.fraction_stop_re.search(before):
                    continue
                if lang == "en" and _OF_THE_YEAR.match(text, m.end(), m.end() + 20):
                    continue
                out.append(_Number(m.start(), m.end(), vocab.fraction_words[surface], "fraction"))
            elif kind == "mult":
                out.append(_Number(m.start(), m.end(), vocab.multiple_words[surface], "multiple"))
            elif kind == "num" and lang != "zh":
                words = [w for w in _WORD_SPLIT.split(surface) if w not in ("and", "y", "e")]
                value = parse_words(words, vocab.number_units, vocab.number_tens, vocab.number_hundred)
                if value is not None:
                    one = len(words) == 1 and words[0] in vocab.article_one
                    out.append(_Number(m.start(), m.end(), value, "words", word_one=one))
    out.sort(key=lambda n: (n.start, -(n.end - n.start)))
    return out


def _word_numbers(words_re: re.Pattern[str], text: str, s: int, e: int, lang: str) -> Iterator[re.Match[str]]:
    """Matches of a language's number-word pattern, like ``words_re.finditer``.

    In the Latin-script languages every match starts with a word from ``_trigger_words``,
    so the pattern is tried only where such a word starts: much faster than letting the
    regex engine try its large alternation at every character.
    """
    if lang == "zh":
        yield from words_re.finditer(text, s, e)
        return
    triggers = _trigger_words(lang)
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
    return not _ANY_DIGIT.search(before.rstrip()[-1:] or " ") and not before.rstrip().endswith("%")


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
    if prev == "[" and _BRACKET_CLOSE.match(text, end, end + 4):
        return True  # [12]
    if nxt in _SUPERSCRIPTS or prev in _SUPERSCRIPTS:
        return True
    if prev in "+×*=/" or nxt in "+×*=" or (nxt == "/" and text[end + 1 : end + 2].isdigit()):
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
    # A label: Article 5, Table 2, No. 3, pp. 45, Vol. 12.
    if _labels().search(before):
        return True
    return bool(_URL_BEFORE.search(before) or (prev == "/" and _SLASH_AFTER.match(text, end, end + 4)))


# ---------------------------------------------------------------------------- building a claim


def _claim(sentence: _Sentence, num: _Number) -> Claim | None:
    text, s, e, lang = sentence.text, sentence.s, sentence.e, sentence.lang
    vocab = vocabulary(lang)
    value, decimals = num.value, num.decimals
    start, pos = num.start, num.end
    qualifier = "exact"
    currency: str | None = None
    scale = 1.0
    kind = ""
    unit = ""

    if num.kind == "fraction":
        return _finish(sentence, num, num.start, num.end, value, "percent", "fraction", lang, qualifier)
    if num.kind == "multiple":
        return _finish(sentence, num, num.start, num.end, value, "times", "multiple", lang, qualifier)

    if vocab.multiple_before_re is not None:
        mb = vocab.multiple_before_re.search(text[max(s, start - 40) : start])
        if mb:
            first = max(s, start - 40) + mb.start("m")
            return _finish(sentence, num, first, num.end, value, "times", "multiple", lang, qualifier)
    # Left: a currency before the number (US$, R$, €, RMB), a qualifier, a percent prefix.
    left = text[max(s, start - 12) : start]
    cm = currency_prefix_re().search(left)
    if cm and num.kind == "digits":
        currency = currency_of_prefix(cm.group("cur"))
        start = start - (len(left) - cm.start("cur"))

    right_limit = min(e, pos + 80)
    if lang == "zh" and _ZH_TENTHS.match(text, pos, right_limit) and 0 < value < 10 and num.kind in ("zh", "digits"):
        # 三成, 近五成: tenths (成为 "become" and the like are excluded by the pattern)
        claim = _finish(sentence, num, start, pos + 1, value * 10, "percent", "percent", lang, qualifier)
        if claim is not None:
            claim.qualifier = _qualifier_before(text, s, start, lang) or "exact"
        return claim
    # Chinese: 多/余 after the number, then a scale (亿, 万), then 多/余 again.
    if lang == "zh":
        m = _ZH_MORE.match(text, pos, right_limit)
        if m:
            pos = m.end()
            qualifier = "lower_bound"
    # A scale word: billion, millones, mil millones, 亿.
    if vocab.any_scale_re is not None:
        m = vocab.any_scale_re.match(text, pos, right_limit)
        unit_here = vocab.unit_re.match(text, pos, right_limit) if m and lang == "zh" else None
        if unit_here is not None and unit_here.end() > m.end():
            m = None  # 兆瓦, 千瓦, 千米: a unit whose first character is also a scale word
        if m and not (lang == "zh" and num.kind == "zh" and text[num.end - 1] in "万亿"):
            word = _WS.sub(" ", m.group().strip().lower())
            scale = vocab.any_scales[word]
            pos = m.end()
            kind = "scaled"
    if scale == 1.0 and vocab.scale_abbr_re is not None and (currency or lang == "en"):
        m = vocab.scale_abbr_re.match(text, pos, right_limit)
        if (
            m
            and (currency or m.group().strip().lower() in ("bn", "mn", "tn"))
            and not text[m.end() : m.end() + 1].isalpha()
        ):
            scale = vocab.scale_abbr[m.group().strip().lower()]
            pos = m.end()
            kind = "scaled"
    if lang == "zh":
        m = _ZH_MORE.match(text, pos, right_limit)
        if (m and not _ZH_MORE_COUNTED.match(text, pos, right_limit)) or (m and kind == "scaled"):
            pos = m.end()
            qualifier = "lower_bound"
    # What the number measures.
    cur = vocab.currency_word_re.match(text, pos, right_limit)
    if cur and (lang == "zh" or not text[cur.end() : cur.end() + 1].isalpha()):
        currency = vocab.currency_words.get(_currency_key(cur.group(), lang)) or currency
        pos = cur.end()
    if currency:
        unit, kind = currency, "money"
        value = _product(value, scale)
    else:
        if kind == "scaled" and lang != "zh":
            link = _OF_LINK.match(text, pos, right_limit)
            linked = vocab.unit_re.match(text, link.end(), right_limit) if link else None
            if linked and linked.group("word"):
                pos = link.end()  # "2,3 millones de toneladas"
        pm = vocab.percent_re.match(text, pos, right_limit)
        um = vocab.unit_re.match(text, pos, right_limit) if not pm else None
        dm = vocab.duration_re.match(text, pos, right_limit) if not (pm or um) else None
        mm = vocab.multiple_after_re.match(text, pos, right_limit) if not (pm or um or dm) else None
        if pm:
            unit, kind, pos = "percent", "percent", pm.end()
            value = _product(value, scale)
        elif um and _unit_ok(um, num, text, right_limit):
            u, factor = _unit_of(um, vocab)
            if u == "m" and um.group("sym") == "m" and (kind == "scaled" or not text[pos : pos + 1].isspace()):
                return None  # "5m" without currency: an abbreviation we cannot read safely
            unit, kind, pos = u, "physical", um.end()
            value = _product(value, scale, factor)
        elif dm and not (num.is_year_like and lang == "zh"):
            word = _WS.sub(" ", dm.group().strip().lower())
            u, factor = vocab.duration_words[word]
            calendar = _PERIOD_WORDS.search(text[max(s, num.start - 14) : num.start]) and _OF_YEAR.match(
                text[dm.end() : dm.end() + 16]
            )
            if num.is_year_like or calendar:
                return None  # "the first eleven months of 2019": a period, not a quantity
            unit, kind, pos = u, "duration", dm.end()
            value = _product(value, scale, factor)
        elif mm:
            unit, kind, pos = "times", "multiple", mm.end()
            value = _product(value, scale)
            if lang == "zh" and _ZH_GREW_BY.search(text, max(s, start - 5), start):
                value += 1  # 增长两倍: grew by two times, to three times the start
        else:
            unit, kind = "count", "count" if kind != "scaled" else "scaled"
            value = _product(value, scale)
    if num.is_year_like and kind in ("count",):
        return None  # a year used as a date
    around = sentence.period_around(num.start, num.end)
    if around is not None and around.kind != "year":
        return None  # part of a date, a month or a range of years
    if num.is_year_like and kind == "money" and scale == 1.0 and not cm:
        return None  # "2022 美元兑...": a year before a currency name, not an amount
    if num.is_year_like and around is not None and kind in ("count", "scaled", "duration"):
        return None
    if num.word_one and kind in ("count",):
        return None  # "one of the largest", "un acuerdo"
    definite = _DEFINITE.get(lang)
    before = text[max(s, num.start - 6) : num.start]
    if num.kind == "words" and kind == "count" and definite is not None and definite.search(before):
        return None  # "the two sides", "los dos países": a reference, not a quantity
    if num.kind == "words" and kind == "count":
        surface = text[num.start : num.end]
        following = _FOLLOWING_WORD.match(text, num.end, num.end + 30)
        if surface[0].isupper() and num.start > s + 2 and following and following.group(1)[0].isupper():
            return None  # a name: "the Five Connectivities"
        if text[max(s, num.start - 1) : num.start] in ("“", '"', "‘", "«"):
            return None  # a quoted name: the “three tough battles”
        if surface.lower() in ("zero", "cero") or (following and following.group(1).lower() == "sum"):
            return None  # "zero-sum"
    if lang == "zh" and kind == "count" and not _zh_counted(text, pos, right_limit, num):
        reached = _REACHED.search(text[max(s, start - 6) : start]) and not _SPACE_DIGIT.match(text, pos, pos + 3)
        if not (num.kind == "digits" and not num.is_year_like and reached):
            return None
    end = pos
    what = ""
    counted = False
    if kind in ("count", "scaled"):
        noun = _counted_noun(text, pos, right_limit, lang)
        counted = noun is not None
        if noun is None:
            reached = _REACHED.search(text[max(s, start - 16) : start]) or _PART_OF.match(text, pos, right_limit)
            if kind == "count" and not (reached and not num.is_year_like):
                return None  # a bare number: a label, a score, a code
            what = _subject(text, sentence.clause_floor(start), start, lang)
        else:
            what = noun
        kind = "count"
        unit = "count"
    claim = _finish(sentence, num, start, end, value, unit, kind, lang, qualifier, decimals=decimals, what=what)
    if claim is not None:
        claim._scaled = scale != 1.0
        claim._counted = counted
    if claim is not None and claim.qualifier == "exact":
        claim.qualifier = _qualifier_before(text, s, start, lang) or _qualifier_after(text, end, e, lang) or "exact"
    return claim


def _product(*factors: float | Decimal) -> float:
    """A product of decimal numbers as written: 2699.7 × 10^8 is 269970000000.0, not the
    binary 269969999999.99997, and 8,3 GW is 8300000000.0 W."""
    out = Decimal(1)
    for f in factors:
        out *= f if isinstance(f, Decimal) else Decimal(repr(f))
    return float(out)


def _currency_key(surface: str, lang: str) -> str:
    return _LEADING_OF.sub("", _WS.sub(" ", surface.strip().lower()))


def _unit_ok(m: re.Match[str], num: _Number, text: str, limit: int) -> bool:
    sym = m.group("sym")
    if sym in ("t", "m", "W", "ha") and m.group().startswith(" "):
        nxt = text[m.end() : m.end() + 1]
        return not nxt.isalpha()  # "5 t" yes, "5 tons" (word) handled, "5 the" no
    return True


def _unit_of(m: re.Match[str], vocab: Any) -> tuple[str, float]:
    symbols = lexicon()["units"]["symbols"]
    if m.group("sym"):
        u, f = symbols[m.group("sym")]
        return u, float(f)
    key = _WS.sub(" ", m.group("word").strip().lower()) if vocab.lang != "zh" else m.group("word").strip()
    u, f = vocab.unit_words[key]
    return u, float(f)


def _zh_counted(text: str, pos: int, limit: int, num: _Number) -> bool:
    """A Chinese numeral counts something only with a classifier after it (三个国家, 十一项)."""
    classifiers = _classifiers()
    if num.kind == "zh":
        classifiers = classifiers - {"国"}  # 两国: "the two countries"
    nxt = _ZH_NEXT_CHAR.match(text, pos, limit)
    if num.value == 1 and text[num.start : num.end] == "一":
        return False  # 一个 is usually an article
    return bool(nxt) and nxt.group(1) in classifiers


def _counted_noun(text: str, pos: int, limit: int, lang: str) -> str | None:
    """The thing counted after a number: '192 infrastructure projects', '11 个国家'."""
    rest = text[pos:limit]
    if lang == "zh":
        m = _zh_classifier_re().match(rest)
        tail = rest[m.end() :] if m else rest
        if not (m and m.group(2)) and not _CJK_ANY.match(tail):
            return None
        noun = []
        for ch in tail:
            if ch in _ZH_STOP or ch.isdigit() or ch.isspace() or ch in _ZH_COUNT_STOP:
                break
            noun.append(ch)
            if len(noun) >= 8:
                break
        word = "".join(noun)
        if m and m.group(2) and not word:
            return m.group(2)
        return word or None
    words: list[str] = []
    stop = _COUNT_STOP.get(lang, set())
    connect = _COUNT_CONNECT.get(lang, set())
    last_end = 0
    plural_at = None
    for m in _WORD.finditer(rest):
        gap = rest[last_end : m.start()]
        if gap.strip() and gap.strip() not in ("-",):
            break
        w = m.group()
        lw = w.lower()
        coordinated = lw in ("and", "y", "e") and plural_at is None and words and words[-1][0].isupper()
        if lw in stop and not (lw in connect and plural_at is not None and len(words) < 4) and not coordinated:
            break  # but "Latin American and Caribbean countries" goes on to its noun
        if plural_at is not None and lw not in connect and words[-1].lower() not in connect:
            break  # the noun phrase ended at its plural head ("countries agreed")
        words.append(w)
        last_end = m.end()
        if plural_at is None and _plural(lw, lang):
            plural_at = len(words)
        if len(words) >= 6:
            break
    if (
        plural_at is not None
        and len(words) > plural_at
        and words[plural_at].lower() in connect
        and len(words) == plural_at + 2
    ):
        pass  # "proyectos de infraestructura": keep the complement
    elif plural_at is not None:
        words = words[:plural_at]
    else:
        words = words[:1]
    while words and words[-1].lower() in connect:
        words.pop()
    if not words:
        return None
    if words[0].lower() in _month_words(lang):
        return None
    return " ".join(words)


def _plural(word: str, lang: str) -> bool:
    if lang == "en":
        return (word.endswith("s") and not word.endswith(("ss", "us", "is"))) or word in (
            "people",
            "children",
            "staff",
            "personnel",
        )
    return word.endswith("s") and len(word) > 3


def _month_words(lang: str) -> set[str]:
    from lazos.documents.periods import _months

    return set(_months(lang)) if lang != "zh" else set()


def _finish(
    sentence: _Sentence,
    num: _Number,
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
        what = _what(sentence, start, end, kind)
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


def _what(sentence: _Sentence, start: int, end: int, kind: str) -> str:
    text, s, e, lang = sentence.text, sentence.s, sentence.e, sentence.lang
    after = text[end : min(e, end + 120)]
    if kind == "percent":
        if lang == "zh":
            before = text[max(s, start - _LOOK_BACK) : start]
            m = _ZH_SHARE_OF.search(before)
            if m:
                return m.group(1).strip()
        else:
            m = _PERCENT_OF.match(after)
            if m:
                return _trim_words(m.group(1), 6, lang, keep="first")
            noun = _counted_noun(text, end, min(e, end + 60), lang) if lang != "zh" else None
            if noun and noun.lower() not in ("year-on-year", "year", "annually"):
                return noun
    return _subject(text, sentence.clause_floor(start), start, lang)


_CLAUSE_SPLIT = re.compile(
    r"[;:()]|,\s+(?=\D)|—|–\s|\b(?:while|whereas|but|mientras|pero|enquanto|mas)\b", re.IGNORECASE
)
_FRAME = re.compile(
    r"^\s*(?:(?:specifically|in\s+addition|moreover|furthermore|meanwhile|at\s+the\s+same\s+time|"
    r"in|by|as\s+of|since|during|from|until|en|em|a|al|desde|hasta|até|durante|además|ademais|asimismo)\b[^,]{0,40},\s*)+",
    re.IGNORECASE,
)
_ACTION_VERBS = re.compile(
    r"\b(?:invested|lent|loaned|exported|imported|provided|received|attracted|disbursed|pledged|committed|donated|"
    r"invirtió|prestó|exportó|importó|otorgó|recibió|donó|investiu|emprestou|exportou|importou|concedeu|recebeu|doou)\b",
    re.IGNORECASE,
)


def _subject(text: str, floor: int, start: int, lang: str) -> str:
    """What a figure measures, from the words before it: 'China–Latin America trade exceeded'.

    ``floor`` is where its clause may start at the earliest (``_Sentence.clause_floor``)."""
    before = text[floor:start]
    if lang == "zh":
        clause = _ZH_CLAUSE_SPLIT.split(before)[-1]
        clause = _ZH_YEAR_PHRASE.sub("", clause)
        clause = _ZH_NUMBER_START.split(clause, maxsplit=1)[0] if _ANY_DIGIT.search(clause) else clause
        changed = True
        while changed:
            changed = False
            for verb in _ZH_VERBS:
                if clause.rstrip().endswith(verb):
                    clause = clause.rstrip()[: -len(verb)]
                    changed = True
        return clause.strip()[-12:]
    clause = _CLAUSE_SPLIT.split(before)[-1]
    clause = _NUMBER_START.split(clause, maxsplit=1)[0]
    clause = _FRAME.sub("", clause)
    verb = _SUBJECT_VERB.get(lang)
    words = clause.strip()
    if verb is not None:
        action = _ACTION_VERBS.search(words)
        parts = list(verb.finditer(words))
        if action is not None:
            words = words[: action.end()]
        elif parts:
            first = parts[0]
            head = words[: first.start()].strip() if first.start() > 0 else ""
            words = head or _trailing_verb_re(lang).sub("", words).strip()
    return _trim_words(words, 8, lang)


_YEARS_ZH = r"(?:1[89]\d\d|20\d\d)\s*年(?:\s*\d{1,2}\s*月)?(?:底|末|初|以来|上半年|下半年|前)?|(?:1[89]\d\d|20\d\d)"

# Patterns used on every sentence, compiled once.
_WS = re.compile(r"\s+")
_ANY_DIGIT = re.compile(r"\d")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_WORD_SPLIT = re.compile(r"[\s\-]+")
_NOTE_START = re.compile(r"^\s*\[\d+\]\s")
_OF_THE_YEAR = re.compile(r"\s+(?:of\s+)?(?:the\s+|a\s+)?(?:year|century|decade)", re.IGNORECASE)
_URL_BEFORE = re.compile(r"(?:https?://|www\.|@)\S*$")
_SLASH_AFTER = re.compile(r"\S*/\S")
_ZH_MORE = re.compile(r"\s*(多|余)")
_ZH_MORE_COUNTED = re.compile(r"\s*(多|余)(?:个|项|家|名|位|次|座|条|份|种)")
_ZH_NEXT_CHAR = re.compile(r"\s*(?:多|余)?\s*(.)")
_OF_LINK = re.compile(r"\s+(?:de|of)(?=\s)", re.IGNORECASE)
_FOLLOWING_WORD = re.compile(r"[\s-]+(\w+)")
_SPACE_DIGIT = re.compile(r"\s*\d")
_LEADING_OF = re.compile(r"^(?:de|of)\s+")
_ZH_SHARE_OF = re.compile(r"占([^，。；、]{1,20}?)的?\s*(?:比重|比例|份额)?\s*(?:为|达|约)?\s*$")
_PERCENT_OF = re.compile(r"\s+(?:of|de|del|do|da|dos|das)\s+([^,.;:()]{3,80})", re.IGNORECASE)
_ZH_CLAUSE_SPLIT = re.compile(r"[，。；、,;:：]")
_ZH_YEAR_PHRASE = re.compile(rf"(?:截至|截止|自|从|在|于)?\s*(?:{_YEARS_ZH})")
_ZH_NUMBER_START = re.compile(r"[\d.%]")
_NUMBER_START = re.compile(r"\d|US\$|U\.S\.\s?\$|R\$|€|\$")
_HARD_STOP = re.compile(r"[;；。]")
_STOP_COST = 40  # a period across a semicolon dates the claim only when nothing nearer does
_SINCE_BEFORE = re.compile(r"(?:\bsince|\bdesde|\bdepuis|\bdes\s+de|自|从)\s*$", re.IGNORECASE)
_ZH_GREW_BY = re.compile(r"(?:增长|增加|提高|提升|扩大|上升|上涨)了?\s*$")
# A count whose noun is elsewhere: "22 of the 33 countries", "thirteen of them", "quinze são de frango".
_PART_OF = re.compile(
    r"\s+(?:of\s+(?:them|these|those|which|the\s+\d[\d,.]*)\b|de\s+(?:ellos|ellas|estos|estas|los\s+cuales|las\s+cuales)\b|"
    r"de\s+(?:los|las)\s+\d[\d.,]*|deles\b|delas\b|d[oa]s\s+quais\b|d[oa]s\s+\d[\d.,]*|(?:são|eram|son|eran)\s+de\b)",
    re.IGNORECASE,
)
_ZH_TENTHS = re.compile(r"成(?![为立功本员果交都长绩熟就品分型效形])")
_COMPARED = re.compile(r"[\s,]*(?:of|de|do|da|than|que)\b", re.IGNORECASE)


_DIGITS_BEFORE = re.compile(r"\d[\d.,]*\s*$")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\s+$")


def _after_number(text: str, s: int, start: int, lang: str) -> bool:
    """Whether a number (digits or a number word) comes right before ``start``: "dos mil"."""
    before = text[max(s, start - 16) : start]
    if _DIGITS_BEFORE.search(before):
        return True
    word = _WORD_BEFORE.search(before)
    return bool(word) and word.group(1).lower() in _trigger_words(lang)


@cache
def _scale_alone_re(lang: str) -> re.Pattern[str]:
    return re.compile(alternation(list(lexicon()["scale_alone"].get(lang, {})), latin=True), re.IGNORECASE)


@cache
def _classifiers() -> frozenset[str]:
    return frozenset(lexicon()["classifiers"])


@cache
def _zh_classifier_re() -> re.Pattern[str]:
    return re.compile(r"\s*(多|余)?\s*([" + "".join(lexicon()["classifiers"]) + r"])?")


@cache
def _trailing_verb_re(lang: str) -> re.Pattern[str]:
    return re.compile(_SUBJECT_VERB[lang].pattern + r"\s*$", re.IGNORECASE)


def _trim_words(phrase: str, limit: int, lang: str, keep: str = "last") -> str:
    phrase = _WS.sub(" ", phrase).strip(" ,.;:\"“”'’")
    while True:
        new = _DETERMINERS.sub("", phrase)
        if new == phrase:
            break
        phrase = new
    words = phrase.split(" ")
    if len(words) <= limit:
        return phrase
    return " ".join(words[:limit] if keep == "first" else words[-limit:])


_WINDOW_BEFORE = 200  # a period further before a claim costs more than any chosen period may
_WINDOW_AFTER = 220  # ... and further after it (the cost of a period right after can be 20 below its distance)
_ZH_NEAR = 30  # in Chinese, a period at least this far before costs 30 plus the claims between


class _Dating:
    """Chooses each claim's period among the periods of its sentence (``period_for``)."""

    def __init__(self, text: str, s: int, e: int, lang: str, periods: list[Period], claims: _ClaimIndex) -> None:
        self.text, self.lang, self.periods, self.claims = text, lang, periods, claims
        self.starts = [p.start for p in periods]
        self.ends = [p.end for p in periods]  # periods do not overlap: sorted too
        self.stops = [m.start() for m in _HARD_STOP.finditer(text, s, e)]
        self.weight = 40 if lang == "zh" else 60

    def period_for(self, k: int, frame: Period | None, clause: tuple[int, int]) -> Period | None:
        """The period nearest to claim ``k`` in its sentence, not claimed by a nearer claim.

        Chinese puts the time before what it dates; the other languages put it before or
        right after ("reached US$ 485.8 billion in 2022"). Each period has a cost (its distance,
        the claims of other units in between, a clause or a semicolon between...) and the first
        of the cheapest wins, if it costs at most 200. Only the periods that can win are looked
        at (those near the claim, the frame, and in Chinese the cheapest of those further before),
        and costed from the one that may cost least until the rest cannot beat the best so far.
        """
        ranked = sorted(
            (self._least_cost(k, self.periods[i], frame, clause), i) for i in self._candidates(k, frame, clause)
        )
        best, best_cost = -1, math.inf
        for least, i in ranked:
            if least > min(best_cost, 200):
                break  # this one and the rest cost more than the best so far
            cost = self._cost(k, self.periods[i], frame, clause)
            if cost < best_cost or (cost == best_cost and i < best):
                best, best_cost = i, cost
        if best < 0 or best_cost > 200:
            return None
        return self.periods[best]

    def _least_cost(self, k: int, p: Period, frame: Period | None, clause: tuple[int, int]) -> float:
        """What ``_cost`` gives at least, from the distance alone."""
        c = self.claims.claims[k]
        if p is frame and p.end <= c.start:
            return 25.0
        if p.end <= c.start:
            least = min(c.start - p.end, _ZH_NEAR) if self.lang == "zh" else c.start - p.end
        else:
            least = p.start - c.end + (100 if self.lang == "zh" else -20)
        if p is not frame and not (clause[0] <= p.start < clause[1]):
            least += 120
        return least

    def _cost(self, k: int, p: Period, frame: Period | None, clause: tuple[int, int]) -> float:
        c, text, lang = self.claims.claims[k], self.text, self.lang
        if p is frame and p.end <= c.start:
            cost = 25.0
        elif p.end <= c.start:
            distance = c.start - p.end
            between = self.weight * self.claims.others_between(p.end, c.start, k)
            if lang == "zh" and distance >= _ZH_NEAR:
                cost = 30 + between  # what the min() below gives: the other term is at least this
            else:
                cost = distance + between
                if self._stop_between(p.end, c.start):
                    cost += _STOP_COST
                if _SINCE_BEFORE.search(text, max(0, p.start - 12), p.start):
                    cost += 60  # "desde 1992, produjo ... en 2023": a starting point dates nothing
                if lang == "zh":
                    cost = min(cost, 30 + between)  # Chinese puts the time first
        else:
            distance = p.start - c.end
            between = self.weight * self.claims.others_between(c.end, p.start, k)
            gap = text[c.end : p.start]
            cost = distance + between + (100 if lang == "zh" else 40)
            if lang != "zh" and _ATTACHED.fullmatch(gap) and not (c.kind == "multiple" and _COMPARED.match(gap)):
                cost = distance - 20 + between
            if self._stop_between(c.end, p.start):
                cost += _STOP_COST
        if p is not frame and not (clause[0] <= p.start < clause[1]):
            cost += 120  # a period in another clause
        return cost

    def _stop_between(self, a: int, b: int) -> bool:
        i = bisect_left(self.stops, a)
        return i < len(self.stops) and self.stops[i] < b

    def _candidates(self, k: int, frame: Period | None, clause: tuple[int, int]) -> set[int]:
        """Indices of periods that include the cheapest one (the rest cost more, or over 200).

        A period costs at least its distance to the claim (less 20 right after it), except the
        frame and, in Chinese, a period before the claim (30 plus the claims of other units in
        between, plus 120 outside the claim's clause: the nearer, the cheaper)."""
        c = self.claims.claims[k]
        found = set(
            range(bisect_left(self.ends, c.start - _WINDOW_BEFORE), bisect_right(self.starts, c.end + _WINDOW_AFTER))
        )
        if frame is not None:
            i = bisect_left(self.starts, frame.start)
            if i < len(self.periods) and self.periods[i] is frame:
                found.add(i)
        if self.lang == "zh":
            last = bisect_right(self.ends, c.start - _ZH_NEAR) - 1  # the nearest of those further before
            if last >= 0 and self.periods[last] is frame:
                last -= 1
            if last >= 0:
                first = self._first_as_cheap(k, last, clause)
                found.update(i for i in (first, first + 1) if i <= last)  # the next one if the first is the frame
        return found

    def _first_as_cheap(self, k: int, last: int, clause: tuple[int, int]) -> int:
        """The first period before ``last`` that costs (as a period further before) what ``last``
        costs: the cost only grows with the distance, so a bisection finds it."""
        c = self.claims.claims[k]

        def cost(i: int) -> int:
            p = self.periods[i]
            outside = 0 if clause[0] <= p.start < clause[1] else 120
            return self.weight * self.claims.others_between(p.end, c.start, k) + outside

        target = cost(last)
        lo, hi = 0, last
        while lo < hi:
            mid = (lo + hi) // 2
            if cost(mid) == target:
                hi = mid
            else:
                lo = mid + 1
        return lo


class _ClaimIndex:
    """The claims of a sentence, to count the claims between two positions in log time.

    Claims come in the order of their numbers, and a number is read only after the claim before
    it ends, so their ends strictly increase; a claim starts at most ``lag`` characters before
    the one before it ends (a currency sign or "multiplied by" before its number)."""

    def __init__(self, text: str, claims: list[Claim], resolved: list[str]) -> None:
        self.claims = claims
        self.ends = [c.end for c in claims]
        self.lag = _lag(claims)
        # Claims in brackets after another ("RMB 10 billion (about 1.5 billion dollars)") never count.
        self.counts = [not _parenthetical(text, c) for c in claims]
        self.total = list(itertools.accumulate(self.counts, initial=0))
        # Units as read, and as resolved (pesos, ¥): claim k sees those before it resolved.
        self.read = [c.unit for c in claims]
        self.resolved = resolved
        self.by_read: dict[str, list[int]] = {}
        self.by_resolved: dict[str, list[int]] = {}
        for j in range(len(claims)):
            if self.counts[j]:
                self.by_read.setdefault(self.read[j], []).append(j)
                self.by_resolved.setdefault(resolved[j], []).append(j)

    def others_between(self, a: int, b: int, k: int) -> int:
        """Claims that lie within [a, b], not in brackets, of another unit than claim ``k``.

        Claims between a claim and a period usually own it, except a coordinated list
        ("86% and 95%", "5,000 scholarships and 3,000 training opportunities")."""
        ends = self.ends
        hi = bisect_right(ends, b)  # claims [0, hi) end by b
        lo = bisect_right(ends, a)  # claims before lo end by a, so start before it
        sure = max(lo, bisect_left(ends, a + self.lag) + 1)  # claims from here on start after a
        n = sum(1 for j in range(lo, min(sure, hi)) if self.claims[j].start >= a and self._counts(j, k))
        if hi > sure:
            n += self._count(sure, hi, k)
        return n

    def _unit(self, j: int, k: int) -> str:
        return self.resolved[j] if j < k else self.read[j]

    def _counts(self, j: int, k: int) -> bool:
        return j != k and self.counts[j] and self._unit(j, k) != self.read[k]

    def _count(self, i: int, h: int, k: int) -> int:
        """``_counts`` over claims [i, h)."""
        unit = self.read[k]
        same = _count_in(self.by_resolved.get(unit, []), i, min(h, k)) + _count_in(
            self.by_read.get(unit, []), max(i, k + 1), h
        )
        itself = 1 if i <= k < h and self.counts[k] else 0
        return self.total[h] - self.total[i] - same - itself


def _count_in(indices: list[int], i: int, h: int) -> int:
    """How many of the sorted ``indices`` are in [i, h)."""
    return max(0, bisect_left(indices, h) - bisect_left(indices, i))


# A bare number after these is a count of what the sentence is about ("... had joined to 21").
_REACHED = re.compile(
    r"(?:\b(?:to|reached|reaching|totaled|totalled|numbered|hit|about|around|approximately|nearly|more\s+than|"
    r"over|some|alcanzó|alcanzaron|llegó\s+a|ascendió\s+a|unos|unas|aproximadamente|cerca\s+de|más\s+de|"
    r"atingiu|chegou\s+a|subiu\s+para|mais\s+de)|达到|增至|增加到|增长到|超过|突破|逾|约)\s*$",
    re.IGNORECASE,
)
_ATTACHED = re.compile(
    r"[\s,]*(?:year-on-year\s+)?(?:in|en|em|during|durante|for|para|of|de|do|del|da|by|at\s+the\s+end\s+of|a\s+finales\s+de|"
    r"no\s+final\s+de|as\s+of|hasta|até|since|desde)\s+(?:the\s+(?:year\s+|end\s+of\s+)?|el\s+año\s+|o\s+ano\s+(?:de\s+)?)?",
    re.IGNORECASE,
)
_RANGE_GAP = re.compile(r"\s*(?:-|–|—|to|a|y|e|and|至|到|~)\s*(?:US\$|\$|R\$)?\s*$", re.IGNORECASE)


def _parenthetical(text: str, c: Claim) -> bool:
    """A claim in brackets right after another one: "RMB 10 billion (about 1.5 billion dollars)"."""
    return "(" in text[max(0, c.start - 10) : c.start] and ")" in text[c.end : c.end + 3]


def _factor_of(claim: Claim, num: _Number) -> Decimal:
    """What a claim's scale and unit multiplied its number by ("15 billion": 10^9)."""
    return Decimal(repr(claim.value)) / Decimal(repr(num.value)) if num.value else Decimal(1)


def _range_claim(text: str, num: _Number, partner: Claim, partner_num: _Number, lang: str) -> Claim | None:
    """'10-15%', '2 a 3 millones', '3 至 5 年': a bare first number takes the second's unit and scale."""
    if not _RANGE_GAP.fullmatch(text[num.end : partner_num.start]) or (partner.unit == "count" and not partner.what):
        return None
    factor = _factor_of(partner, partner_num)
    return Claim(
        start=num.start,
        end=num.end,
        text=text[num.start : num.end],
        value=_product(num.value, factor),
        unit=partner.unit,
        what=partner.what,
        period=None,
        countries=[],
        lang=lang,
        qualifier="exact",
        kind=partner.kind,
        decimals=num.decimals,
    )
