"""Checking claims against Lazos's data: consistent, inconsistent (by how much) or unverifiable.

A claim is checked when one rule of checks.yaml fits it (unit, countries, words of its
sentence) and Lazos holds a figure for the same thing and period. The verdict shows both
sides: the claim with its span, and the figures with their sources (every sourced
alternative, the headline first). A claim is consistent when the headline figure (or, failing
that, a sourced alternative) is within the tolerance: the claim's own rounding, at least
0.5%; 5% for an approximate figure or a different reporting basis; "more than X" holds when
the data are at least X.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources as importlib_resources
from typing import TYPE_CHECKING, Any

import yaml

from lazos.dates import parse_fuzzy
from lazos.formatting import quantity

if TYPE_CHECKING:
    from lazos.store.reader import Reader

CONSISTENT, INCONSISTENT, UNVERIFIABLE = "consistent", "inconsistent", "unverifiable"
CELAC_REGION = {"LAC": "LCN"}


@cache
def rules() -> dict[str, Any]:
    text = importlib_resources.files("lazos.documents").joinpath("checks.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@dataclass
class Verdict:
    status: str
    reason: str
    rule: str | None = None
    lazos_value: float | None = None
    difference: float | None = None  # claim minus Lazos's headline
    relative_difference: float | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)


def _words(spec: dict[str, Any], key: str, lang: str) -> list[str]:
    return [w.lower() for w in (spec.get(key) or {}).get(lang, [])]


def _contains(text: str, words: list[str]) -> bool:
    return any(w in text for w in words)


def fits(spec: dict[str, Any], claim: dict[str, Any], context: str) -> bool:
    lang = claim["lang"]
    low = context.lower()
    if spec.get("unit") and spec["unit"] != claim["unit"]:
        return False
    if not set(spec.get("countries", [])) <= set(claim["countries"]):
        return False
    if not _contains(low, _words(spec, "words", lang)):
        return False
    if _contains(low, _words(spec, "not_words", lang)):
        return False
    what_words = _words(spec, "what_words", lang)
    return not (what_words and not _contains((claim.get("what") or "").lower() + " " + low, what_words))


def _rounding(claim: dict[str, Any]) -> float:
    """Relative half-unit of the last digit written: "485.8 billion" → 0.05/485.8."""
    m = re.search(r"\d+(?:[.,]\d+)*", claim["text"])
    if not m or not claim["value"]:
        return 0.0
    digits = m.group()
    lang = claim["lang"]
    mark = "," if lang in ("es", "pt") and re.search(r",\d{1,2}$", digits) else "."
    decimals = len(digits.rsplit(mark, 1)[1]) if mark in digits and not re.search(r"[.,]\d{3}$", digits) else 0
    written = float(re.sub(r"[^\d]", "", digits) or 0) / (10**decimals) if digits else 0
    if not written:
        return 0.0
    return 0.5 * 10**-decimals / written


def _entity(spec: dict[str, Any], claim: dict[str, Any], states: set[str], context: str) -> str | None:
    role = spec.get("country_role")
    if not role:
        return None
    named = [c for c in claim["countries"] if c in states and c != "CHN"]
    if len(named) == 1:
        return named[0]
    if role == "one_state_or_region" and not named and "LAC" in claim["countries"]:
        return CELAC_REGION["LAC"]
    region_words = [w.lower() for w in rules().get("region_words", {}).get(claim["lang"], [])]
    if role == "one_state_or_region" and not claim["countries"] and _contains(context.lower(), region_words):
        return CELAC_REGION["LAC"]  # "the region's economy": Latin America, in a text about it
    return ""


def check(db: Reader, claim: dict[str, Any], context: str, states: set[str]) -> Verdict:
    """The verdict on one claim (``claim`` as the claims listing gives it)."""
    claim = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in claim.items()}
    config = rules()
    rel = claim.get("offset_in_context")
    rel = 0 if rel is None else int(rel)
    claim_end = rel + len(claim["text"])
    breaker = _ZH_BREAK if claim["lang"] == "zh" else _LATIN_BREAK
    following = _CLAUSE_END.search(context, claim_end)  # the sentence up to the end of the claim's clause
    sentence = context[: following.start() if following else len(context)]
    clause = breaker.split(context[:rel])[-1] + context[rel:claim_end]
    for text in (clause, sentence):  # what the claim's own clause says first, then its sentence
        for rule_id, spec in config["rules"].items():
            if not fits(spec, claim, text):
                continue
            if claim.get("partial_period"):
                return Verdict(UNVERIFIABLE, "the figure covers part of its period; Lazos holds whole years", rule_id)
            if spec.get("measure") == "bri_participants":
                verdict = _check_bri(db, claim, rule_id)
            else:
                verdict = _check_series(db, claim, text, rule_id, spec, states, config["tolerance"])
            if _FORECAST.search(clause.lower()) and verdict.status != UNVERIFIABLE:
                verdict.reason = f"a forecast, not an outcome: {verdict.reason}"
                verdict.status = UNVERIFIABLE
            return verdict
    return Verdict(UNVERIFIABLE, "Lazos holds no figure it can compare this claim with")


_LATIN_BREAK = re.compile(r"[;:]|,\s+(?=(?:and|but|while|whereas|y|pero|mientras|e|mas|enquanto)\b)", re.I)
_CLAUSE_END = re.compile(r"[;:,，；：。]")
_ZH_BREAK = re.compile(r"[;:，；：,]")
_FORECAST = re.compile(
    r"\b(?:expected|projected|forecast|will\s+reach|is\s+set\s+to|se\s+espera|proyecta|previsto|prevé|"
    r"estimativa|projeta|deve\s+chegar)\b|预计|预期|有望|将达到|将下滑"
)


def _check_series(
    db: Reader,
    claim: dict[str, Any],
    context: str,
    rule_id: str,
    spec: dict[str, Any],
    states: set[str],
    tolerance: dict[str, float],
) -> Verdict:
    series = dict(spec["series"])
    if "{country}" in series.values():
        entity = _entity(spec, claim, states, context)
        if not entity:
            return Verdict(UNVERIFIABLE, "the claim does not name one country Lazos can look up", rule_id)
        series = {k: (entity if v == "{country}" else v) for k, v in series.items()}
    period = claim.get("period")
    if not period or not re.fullmatch(r"\d{4}", period):
        return Verdict(UNVERIFIABLE, "the claim gives no year to compare", rule_id)
    found = db.observations(
        indicator=series["indicator"],
        entity=series.get("entity"),
        partner=series.get("partner"),
        include_alternatives=True,
    )
    found = found[found["period"] == period]
    if series.get("partner") is None:
        found = found[found["partner"].isna()]
    if found.empty:
        return Verdict(UNVERIFIABLE, f"Lazos holds no {series['indicator']} for {period}", rule_id)
    value = float(claim["value"])
    if _contains(context.lower(), _words(spec, "negative_words", claim["lang"])) and value > 0:
        value = -value
    rows = found.sort_values("is_headline", ascending=False).to_dict("records")
    evidence = [
        {
            "indicator": r["indicator"],
            "name": r["indicator_name"],
            "entity": r["entity"],
            "partner": r["partner"] if isinstance(r["partner"], str) else None,
            "period": r["period"],
            "value": float(r["value"]),
            "unit": r["unit"],
            "qualifier": r["qualifier"],
            "is_headline": bool(r["is_headline"]),
            "source_id": r["source_id"],
            "source": r["source_label"],
            "source_url": r["source_url"] if isinstance(r["source_url"], str) else None,
        }
        for r in rows
    ]
    head = evidence[0]
    if claim["unit"] == "percent":
        # Percentages are compared in points: the claim's rounding, at least tolerance.points.
        points = max(tolerance["points"], _rounding(claim) * abs(value))
        verdicts = [abs(value - e["value"]) <= points for e in evidence]
        return _verdict(value, claim, evidence, verdicts, rule_id, spec, period, f"±{points:.2f} points")
    tol = max(tolerance["exact"], _rounding(claim))
    if claim["qualifier"] == "approximate" or head["qualifier"] != "exact":
        tol = max(tol, tolerance["approximate"])
    if spec.get("basis"):
        tol = max(tol, tolerance["different_basis"])
    verdicts = [_agrees(value, claim["qualifier"], e["value"], tol, tolerance["bound_slack"]) for e in evidence]
    return _verdict(value, claim, evidence, verdicts, rule_id, spec, period, f"{tol:.1%}")


def _verdict(
    value: float,
    claim: dict[str, Any],
    evidence: list[dict[str, Any]],
    verdicts: list[bool],
    rule_id: str,
    spec: dict[str, Any],
    period: str,
    within: str,
) -> Verdict:
    head = evidence[0]
    difference = value - head["value"]
    relative = difference / abs(head["value"]) if head["value"] else math.inf
    unit = head["unit"] or claim["unit"]
    shown = f"{quantity(head['value'], unit)} for {period} ({head['source']})"
    basis = f"; Lazos's figure is {spec['basis']}" if spec.get("basis") else ""
    if verdicts[0]:
        reason = f"Lazos has {shown}; within {within}{basis}"
        return Verdict(CONSISTENT, reason, rule_id, head["value"], difference, relative, evidence)
    if any(verdicts[1:]):
        alt = evidence[verdicts.index(True)]
        reason = f"agrees with {quantity(alt['value'], unit)} ({alt['source']}); Lazos's headline is {shown}"
        return Verdict(CONSISTENT, reason, rule_id, head["value"], difference, relative, evidence)
    claimed = quantity(value, unit)
    if claim["qualifier"] == "lower_bound":
        reason = f"the claim says more than {claimed}; Lazos has {shown}"
    elif claim["qualifier"] == "upper_bound":
        reason = f"the claim says less than {claimed}; Lazos has {shown}"
    else:
        if claim["unit"] == "percent":
            gap = f"{difference:+.2f} points"
        elif head["value"] and abs(relative) > 1:
            gap = f"{value / head['value']:.1f} times Lazos's figure"
        else:
            gap = f"{relative:+.1%}"
        reason = f"the claim is {claimed}; Lazos has {shown}: {gap}{basis}"
    return Verdict(INCONSISTENT, reason, rule_id, head["value"], difference, relative, evidence)


def _agrees(value: float, qualifier: str, data: float, tol: float, slack: float) -> bool:
    if qualifier == "lower_bound":
        return data >= value * (1 - slack) if value >= 0 else data >= value * (1 + slack)
    if qualifier == "upper_bound":
        return data <= value * (1 + slack) if value >= 0 else data <= value * (1 - slack)
    if data == 0:
        return value == 0
    return abs(value - data) / abs(data) <= tol


def _check_bri(db: Reader, claim: dict[str, Any], rule_id: str) -> Verdict:
    period = claim.get("period")
    if not period:
        return Verdict(UNVERIFIABLE, "the claim gives no date to count BRI members at", rule_id)
    as_of: date = parse_fuzzy(period).end
    members = db.bri_participants(as_of=as_of)
    joined = members[members["status"] == "participant"]
    count = len(joined)
    evidence = [
        {
            "country": r["country"],
            "joined": r["joined"],
            "joined_by": r["joined_by"],
            "source_id": r["source_id"],
            "source_url": r["source_url"],
        }
        for r in joined.to_dict("records")
    ]
    value = float(claim["value"])
    difference = value - count
    relative = difference / count if count else math.inf
    shown = f"{count} LAC states had joined the BRI by {as_of.isoformat()} (Lazos's events)"
    if _agrees(value, claim["qualifier"], count, 0.0, 0.0):
        return Verdict(CONSISTENT, shown, rule_id, float(count), difference, relative, evidence)
    return Verdict(
        INCONSISTENT, f"the claim is {value:g}; {shown}", rule_id, float(count), difference, relative, evidence
    )
