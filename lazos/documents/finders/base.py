"""What every finder shares: a candidate number and exact decimal products."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

CJK_ANY = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Number:
    start: int  # the number itself
    end: int
    value: float
    kind: str  # digits, zh, words, fraction, multiple
    decimals: int = 0
    is_year_like: bool = False
    word_one: bool = False  # "one", "un", "um": a number only with a unit


def product(*factors: float | Decimal) -> float:
    """A product of decimal numbers as written: 2699.7 × 10^8 is 269970000000.0, not the
    binary 269969999999.99997, and 8,3 GW is 8300000000.0 W."""
    out = Decimal(1)
    for f in factors:
        out *= f if isinstance(f, Decimal) else Decimal(repr(f))
    return float(out)


# Patterns used on every sentence, compiled once.
WS = re.compile(r"\s+")
