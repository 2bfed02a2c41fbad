"""Scoring extracted claims against labelled ones: precision, recall, F1, value accuracy.

A labelled set is a text file and a ``.expected.jsonl`` beside it, one claim per line:
``{"text": "US$485.8 billion", "value": 485800000000.0, "unit": "USD", "period": "2022",
"countries": ["CHN", "LAC"]}`` (``nth`` picks a later occurrence of the same text; ``start``
may be given instead). A predicted claim matches a labelled one when their spans overlap;
each is matched at most once. Of matched pairs we report how often the value (same unit,
relative difference under 1e-6), the period and the countries are exactly right.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Labelled:
    start: int
    end: int
    value: float
    unit: str
    period: str | None
    countries: list[str]
    lang: str
    what: str | None = None


@dataclass
class Tally:
    predicted: int = 0
    expected: int = 0
    matched: int = 0
    value_ok: int = 0
    period_ok: int = 0
    countries_ok: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong_values: list[str] = field(default_factory=list)
    wrong_attributions: list[str] = field(default_factory=list)  # period or countries not as labelled

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Tally) -> None:
        for name in ("predicted", "expected", "matched", "value_ok", "period_ok", "countries_ok"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses
        self.extras += other.extras
        self.wrong_attributions += other.wrong_attributions
        self.wrong_values += other.wrong_values

    def summary(self) -> dict[str, Any]:
        m = self.matched or 1
        return {
            "expected": self.expected,
            "predicted": self.predicted,
            "matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "value_exact": round(self.value_ok / m, 4),
            "period_exact": round(self.period_ok / m, 4),
            "countries_exact": round(self.countries_ok / m, 4),
        }


_ZH_NUMERALS = set("零〇一二两三四五六七八九十百千万亿")


def _locate(text: str, needle: str, nth: int) -> int:
    """The nth occurrence of ``needle`` that is not inside a longer number or word."""
    count = 0
    for m in re.finditer(re.escape(needle), text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if needle[0].isdigit() and (before.isdigit() or before in ".,"):
            continue
        if needle[-1].isdigit() and (
            after.isdigit() or (after in ".," and m.end() + 1 < len(text) and text[m.end() + 1].isdigit())
        ):
            continue
        if needle[-1].isdigit() and after in "万亿千百":
            continue  # "40" inside "40万"
        if needle[-1] in _ZH_NUMERALS and after in _ZH_NUMERALS:
            continue  # "百分之十" inside "百分之十二"
        if needle[0].isalpha() and needle.isascii() and before.isalpha():
            continue
        if needle[-1].isalpha() and needle.isascii() and after.isalpha():
            continue
        if count == nth:
            return m.start()
        count += 1
    raise ValueError(f"{needle!r} (occurrence {nth}) not found")


def load_labels(text: str, path: Path, lang: str | None = None) -> list[Labelled]:
    out = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        try:
            start = row["start"] if "start" in row else _locate(text, row["text"], row.get("nth", 0))
        except ValueError as exc:
            raise ValueError(f"{path}:{n}: {exc}") from exc
        end = start + len(row["text"])
        if text[start:end] != row["text"]:
            raise ValueError(f"{path}:{n}: text at {start} is {text[start:end]!r}, not {row['text']!r}")
        out.append(
            Labelled(
                start,
                end,
                float(row["value"]),
                row["unit"],
                row.get("period"),
                list(row.get("countries", [])),
                row.get("lang") or lang or ("zh" if re.search(r"[\u3400-\u9fff]", row["text"]) else "en"),
                row.get("what"),
            )
        )
    return out


def value_matches(a: float, unit_a: str, b: float, unit_b: str) -> bool:
    return unit_a == unit_b and math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def score(text: str, predicted: list[Any], labels: list[Labelled], name: str = "") -> dict[str, Tally]:
    """Tallies per language (the labelled claim's language for recall, the prediction's for precision)."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    used: set[int] = set()
    for lab in labels:
        tallies[lab.lang].expected += 1
    for p in predicted:
        tallies[p.lang].predicted += 1
    for lab in labels:
        best, best_overlap = None, 0
        for i, p in enumerate(predicted):
            if i in used:
                continue
            overlap = min(lab.end, p.end) - max(lab.start, p.start)
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        t = tallies[lab.lang]
        if best is None:
            t.misses.append(f"{name}@{lab.start} {text[lab.start : lab.end]!r}")
            continue
        used.add(best)
        p = predicted[best]
        t.matched += 1
        if value_matches(p.value, p.unit, lab.value, lab.unit):
            t.value_ok += 1
        else:
            t.wrong_values.append(
                f"{name}@{lab.start} {text[lab.start : lab.end]!r}: {p.value:g} {p.unit} != {lab.value:g} {lab.unit}"
            )
        t.period_ok += int(p.period == lab.period)
        t.countries_ok += int(sorted(p.countries) == sorted(lab.countries))
        if p.period != lab.period or sorted(p.countries) != sorted(lab.countries):
            t.wrong_attributions.append(
                f"{name}@{lab.start} {text[lab.start : lab.end]!r}: {p.period} {sorted(p.countries)} "
                f"!= {lab.period} {sorted(lab.countries)}"
            )
    for i, p in enumerate(predicted):
        if i not in used:
            tallies[p.lang].extras.append(f"{name}@{p.start} {p.text!r} {p.value:g} {p.unit}")
    return tallies
