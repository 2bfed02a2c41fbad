"""What a figure measures: the "of" phrase of a percentage, the counted noun, or the subject
before the figure ("China–Latin America trade")."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from lazos.documents.finders.base import WS
from lazos.documents.finders.candidates import ANY_DIGIT
from lazos.documents.finders.counts import counted_noun

if TYPE_CHECKING:
    from lazos.documents.extract import Sentence

# How far back a figure's subject is read at most: its clause usually starts much nearer; this
# keeps a sentence of thousands of figures without a comma linear.
LOOK_BACK = 500

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


def what_of(sentence: Sentence, start: int, end: int, kind: str) -> str:
    text, s, e, lang = sentence.text, sentence.s, sentence.e, sentence.lang
    after = text[end : min(e, end + 120)]
    if kind == "percent":
        if lang == "zh":
            before = text[max(s, start - LOOK_BACK) : start]
            m = _ZH_SHARE_OF.search(before)
            if m:
                return m.group(1).strip()
        else:
            m = _PERCENT_OF.match(after)
            if m:
                return trim_words(m.group(1), 6, lang, keep="first")
            noun = counted_noun(text, end, min(e, end + 60), lang) if lang != "zh" else None
            if noun and noun.lower() not in ("year-on-year", "year", "annually"):
                return noun
    return subject_of(text, sentence.clause_floor(start), start, lang)


CLAUSE_SPLIT = re.compile(
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


def subject_of(text: str, floor: int, start: int, lang: str) -> str:
    """What a figure measures, from the words before it: 'China–Latin America trade exceeded'.

    ``floor`` is where its clause may start at the earliest (``Sentence.clause_floor``)."""
    before = text[floor:start]
    if lang == "zh":
        clause = ZH_CLAUSE_SPLIT.split(before)[-1]
        clause = _ZH_YEAR_PHRASE.sub("", clause)
        clause = _ZH_NUMBER_START.split(clause, maxsplit=1)[0] if ANY_DIGIT.search(clause) else clause
        changed = True
        while changed:
            changed = False
            for verb in _ZH_VERBS:
                if clause.rstrip().endswith(verb):
                    clause = clause.rstrip()[: -len(verb)]
                    changed = True
        return clause.strip()[-12:]
    clause = CLAUSE_SPLIT.split(before)[-1]
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
    return trim_words(words, 8, lang)


YEARS_ZH = r"(?:1[89]\d\d|20\d\d)\s*年(?:\s*\d{1,2}\s*月)?(?:底|末|初|以来|上半年|下半年|前)?|(?:1[89]\d\d|20\d\d)"


_ZH_SHARE_OF = re.compile(r"占([^，。；、]{1,20}?)的?\s*(?:比重|比例|份额)?\s*(?:为|达|约)?\s*$")


_PERCENT_OF = re.compile(r"\s+(?:of|de|del|do|da|dos|das)\s+([^,.;:()]{3,80})", re.IGNORECASE)


ZH_CLAUSE_SPLIT = re.compile(r"[，。；、,;:：]")


_ZH_YEAR_PHRASE = re.compile(rf"(?:截至|截止|自|从|在|于)?\s*(?:{YEARS_ZH})")


_ZH_NUMBER_START = re.compile(r"[\d.%]")


_NUMBER_START = re.compile(r"\d|US\$|U\.S\.\s?\$|R\$|€|\$")


@cache
def _trailing_verb_re(lang: str) -> re.Pattern[str]:
    return re.compile(_SUBJECT_VERB[lang].pattern + r"\s*$", re.IGNORECASE)


def trim_words(phrase: str, limit: int, lang: str, keep: str = "last") -> str:
    phrase = WS.sub(" ", phrase).strip(" ,.;:\"“”'’")
    while True:
        new = _DETERMINERS.sub("", phrase)
        if new == phrase:
            break
        phrase = new
    words = phrase.split(" ")
    if len(words) <= limit:
        return phrase
    return " ".join(words[:limit] if keep == "first" else words[-limit:])
