"""Ranges: "3-4%", "US$1.5-2 billion", "2 a 3 millones", "100 至 200 亿美元".

The first number of a range takes the unit and the scale of the second; a first amount without
a scale word takes the second's ("US$10 and 15 billion")."""

from __future__ import annotations

import re
from decimal import Decimal

from lazos.documents.claim import Claim
from lazos.documents.finders.base import Number, product

RANGE_GAP = re.compile(r"\s*(?:-|–|—|to|a|y|e|and|至|到|~)\s*(?:US\$|\$|R\$)?\s*$", re.IGNORECASE)


def factor_of(claim: Claim, num: Number) -> Decimal:
    """What a claim's scale and unit multiplied its number by ("15 billion": 10^9)."""
    return Decimal(repr(claim.value)) / Decimal(repr(num.value)) if num.value else Decimal(1)


def range_claim(text: str, num: Number, partner: Claim, partner_num: Number, lang: str) -> Claim | None:
    """'10-15%', '2 a 3 millones', '3 至 5 年': a bare first number takes the second's unit and scale."""
    if not RANGE_GAP.fullmatch(text[num.end : partner_num.start]) or (partner.unit == "count" and not partner.what):
        return None
    factor = factor_of(partner, partner_num)
    return Claim(
        start=num.start,
        end=num.end,
        text=text[num.start : num.end],
        value=product(num.value, factor),
        unit=partner.unit,
        what=partner.what,
        period=None,
        countries=[],
        lang=lang,
        qualifier="exact",
        kind=partner.kind,
        decimals=num.decimals,
    )
