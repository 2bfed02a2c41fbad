"""TODO"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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
