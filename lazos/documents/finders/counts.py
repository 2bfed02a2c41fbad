"""Counts: "nine data centers", "dos acuerdos", "três acordos", "十一个国家", "192 projects".

A number is a count only with the thing it counts after it (a noun, a Chinese classifier), or
after a verb that makes the sentence's subject the thing counted ("bringing the number to 21",
"22 of the 33 countries"). Words before a number in words can make it a reference, not a
figure ("the two sides", "los dos países"), or a name ("the Five Connectivities")."""

from __future__ import annotations

import re
from functools import cache

from lazos.documents.finders.base import CJK_ANY, Number
from lazos.documents.lexicon import alternation, lexicon, vocabulary

ZH_STOP = "，。；：、,.;:！？!?（）()《》“”\"'「」【】[]\n"


_ZH_COUNT_STOP = set("的在和与及为是了将等由于对从向到至并而或中")


_COUNT_STOP = {lang: set(words.split()) for lang, words in lexicon()["count_stopwords"].items()}


_COUNT_CONNECT = {"es": {"de", "del"}, "pt": {"de", "do", "da", "dos", "das"}, "en": {"of"}}


_WORD = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)


DEFINITE = {
    lang: re.compile(rf"\b(?:{words})\s+$", re.IGNORECASE)
    for lang, words in {
        "en": "the|these|those|both",
        "es": "los|las|estos|estas|ambos|ambas",
        "pt": "os|as|estes|estas|ambos|ambas",
    }.items()
}


def zh_counted(text: str, pos: int, limit: int, num: Number) -> bool:
    """A Chinese numeral counts something only with a classifier after it (三个国家, 十一项)."""
    classifiers = zh_classifiers()
    if num.kind == "zh" and text[num.start - 1 : num.start] != "等":
        classifiers = classifiers - {"国"}  # 两国: "the two countries" (but 等五国: "five countries, among them")
    if num.value == 1 and text[num.start : num.end] == "一":
        return False  # 一个 is usually an article
    m = _zh_classifier_re().match(text, pos, limit)
    return bool(m and m.group(2)) and m.group(2) in classifiers


def counted_noun(text: str, pos: int, limit: int, lang: str) -> str | None:
    """The thing counted after a number: '192 infrastructure projects', '11 个国家'."""
    rest = text[pos:limit]
    if lang == "zh":
        m = _zh_classifier_re().match(rest)
        tail = rest[m.end() :] if m else rest
        if not (m and m.group(2)) and not CJK_ANY.match(tail):
            return None
        noun = []
        for ch in tail:
            if ch in ZH_STOP or ch.isdigit() or ch.isspace() or ch in _ZH_COUNT_STOP:
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
    if words[0].lower() in month_words(lang):
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


def month_words(lang: str) -> set[str]:
    from lazos.documents.periods import _months

    return set(_months(lang)) if lang != "zh" else set()


ZH_MORE = re.compile(r"\s*(多|余)")


ZH_MORE_COUNTED = re.compile(r"\s*(多|余)(?:个|项|家|名|位|次|座|条|份|种)")


FOLLOWING_WORD = re.compile(r"[\s-]+(\w+)")


SPACE_DIGIT = re.compile(r"\s*\d")


# A count whose noun is elsewhere: "22 of the 33 countries", "thirteen of them", "quinze são de frango".
_SMALL_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|"
    r"dois|duas|três|quatro|sete|oito|nove|dez"
)
PART_OF = re.compile(
    r"\s+(?:of\s+(?:them|these|those|which|the\s+(?:\d[\d,.]*|" + _SMALL_WORDS + r"))\b|"
    r"de\s+(?:ellos|ellas|estos|estas|los\s+cuales|las\s+cuales)\b|"
    r"de\s+(?:los|las)\s+(?:\d[\d.,]*|" + _SMALL_WORDS + r")\b|deles\b|delas\b|d[oa]s\s+quais\b|"
    r"d[oa]s\s+(?:\d[\d.,]*|" + _SMALL_WORDS + r")\b|(?:são|eram|son|eran)\s+de\b|"
    # "Seven more are under construction"
    r"more\s+(?:are|were|is|will|have|had)\b|más\s+(?:están|estaban|serán|fueron)\b)",
    re.IGNORECASE,
)


@cache
def zh_classifiers() -> frozenset[str]:
    return frozenset(lexicon()["classifiers"])


@cache
def _zh_classifier_re() -> re.Pattern[str]:
    # longest first, so that 航次 ("voyages") is one classifier, not 航
    words = sorted(set(lexicon()["classifiers"]), key=len, reverse=True)
    return re.compile(r"\s*(多|余)?\s*(" + "|".join(map(re.escape, words)) + r")?")


# A bare number after these is a count of what the sentence is about ("... had joined to 21").
REACHED = re.compile(
    r"(?:\b(?:to|reached|reaching|totaled|totalled|numbered|hit|about|around|approximately|nearly|more\s+than|"
    r"over|some|alcanzó|alcanzaron|llegó\s+a|ascendió\s+a|unos|unas|aproximadamente|cerca\s+de|más\s+de|"
    r"atingiu|chegou\s+a|subiu\s+para|mais\s+de|stood\s+at|stands\s+at|standing\s+at|another|mais|outros|outras|"
    r"otros|otras)|达到|增至|增加到|增长到|超过|突破|逾|约)\s*$",
    re.IGNORECASE,
)


# "two of the five turbines", "dos de las tres plantas", "duas das cinco usinas": the total counts.
_OF_THE = {"en": r"of\s+the", "es": r"de\s+(?:los|las)", "pt": r"(?:dos|das)"}


@cache
def _part_of_total_re(lang: str) -> re.Pattern[str]:
    vocab = vocabulary(lang)
    words = alternation([*vocab.number_units, *vocab.number_tens], latin=True)
    return re.compile(rf"(?:\d+|{words})\s+{_OF_THE[lang]}\s+$", re.IGNORECASE)


def word_reference(text: str, s: int, num: Number, lang: str) -> bool:
    """A number in words that refers rather than counts: "the two sides", "los dos países", a
    name ("the Five Connectivities", the “three tough battles”), "zero-sum"."""
    definite = DEFINITE.get(lang)
    if definite is not None and definite.search(text[max(s, num.start - 6) : num.start]):
        return not _part_of_total_re(lang).search(text, max(s, num.start - 30), num.start)
    surface = text[num.start : num.end]
    following = FOLLOWING_WORD.match(text, num.end, num.end + 30)
    if surface[0].isupper() and num.start > s + 2 and following and following.group(1)[0].isupper():
        return True
    if text[max(s, num.start - 1) : num.start] in ("“", '"', "‘", "«"):
        return True
    return surface.lower() in ("zero", "cero") or bool(following and following.group(1).lower() == "sum")


def zh_uncounted(text: str, s: int, start: int, pos: int, limit: int, num: Number) -> bool:
    """A Chinese number with no classifier after it and no "达到"-like verb before it."""
    if zh_counted(text, pos, limit, num):
        return False
    reached = REACHED.search(text[max(s, start - 6) : start]) and not SPACE_DIGIT.match(text, pos, pos + 3)
    return not (num.kind == "digits" and not num.is_year_like and reached)


def bare_count(text: str, s: int, start: int, pos: int, limit: int) -> bool:
    """A number with no noun after it that still counts: "reached 21", "22 of them"."""
    return bool(REACHED.search(text[max(s, start - 16) : start]) or PART_OF.match(text, pos, limit))


_ONE_BEFORE = re.compile(
    r"\b(?:the|this|that|any|no|every|each|which|at|for|on|from|to|by|than|with|another|but)\s+$", re.I
)
_ONE_AFTER = re.compile(
    r"\s+(?:still|more|came|comes|is|was|has|had|will|would|can|could|that|which|who|we|they|it|he|she|\w+ly)\b", re.I
)
_ONE_IDIOMS = frozenset(
    [
        "another",
        "other",
        "hand",
        "side",
        "way",
        "thing",
        "point",
        "time",
        "day",
        "reason",
        "example",
        "sense",
        "place",
        "more",
        "less",
        "such",
        "single",
        "hundred",
        "thousand",
        "million",
        "billion",
        "half",
        "quarter",
        "third",
        "and",
        "or",
        "by",
        # the text or occasion spoken of ("in one report"), not a thing counted
        "report",
        "study",
        "article",
        "statement",
        "interview",
        "occasion",
        "case",
        "instance",
        "respect",
        "word",
    ]
)


def numeral_one(text: str, s: int, num: Number, noun: str | None, lang: str) -> bool:
    """English "one" before the thing it counts is a figure ("one data centre in Argentina"): unlike
    "un", "um" or "a" it is never an article. Not after "the", "at", "no"... nor in idioms ("one
    hand", "one another")."""
    if lang != "en" or text[num.start : num.end].lower() != "one" or not noun:
        return False
    if _ONE_BEFORE.search(text, max(s, num.start - 8), num.start) or _ONE_AFTER.match(text, num.end):
        return False
    return noun.split(" ")[0].lower() not in _ONE_IDIOMS


_ZH_REFERENCE = re.compile(r"(?:这|那|此|该|上述|前述|这些|那些)\s*$")
_ZH_VAGUE = re.compile(r"(?:数|几|若干)$")


def zh_not_a_figure(text: str, s: int, num: Number) -> bool:
    """这三种 ("these three kinds") refers; 数百万, 几十 ("millions", "dozens") are no figure."""
    before = text[max(s, num.start - 3) : num.start]
    return bool(_ZH_REFERENCE.search(before) or _ZH_VAGUE.search(before))
