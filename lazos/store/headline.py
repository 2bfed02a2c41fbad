"""The one rule that picks a headline among sourced values that disagree.

Every sourced value is kept. Where several rows assert the same fact (the same event, the
same project amount, the same indicator for the same entity and period), the headline is
the first after ordering by:

1. confidence: high, then medium, then low;
2. exactness: for values, an exact figure before an approximate one before a bound;
   for dates, a day before a month before a year before a range before no date;
3. recency: the most recently published source first (unknown publication dates last);
4. the source id, so that the choice is stable.

Values read only second-hand (cited in another source's notes) are recorded with low
confidence, so a checked value wins over a merely reported one. docs/data-model.md
explains the rule with examples.
"""

from __future__ import annotations

CONFIDENCE_RANK = "CASE {a}.confidence WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END"
QUALIFIER_RANK = "CASE {a}.qualifier WHEN 'exact' THEN 0 WHEN 'approximate' THEN 1 ELSE 2 END"
PRECISION_RANK = (
    "CASE date_precision({a}.date) WHEN 'day' THEN 0 WHEN 'month' THEN 1 "
    "WHEN 'year' THEN 2 WHEN 'range' THEN 3 ELSE 4 END"
)


def order(alias: str, exactness: str, published: str) -> str:
    """ORDER BY terms (without the keywords) ranking rows of ``alias`` for the headline.

    ``exactness`` is ``"value"`` for figures and ``"date"`` for events; ``published`` is the
    SQL expression of the publication date used for recency.
    """
    rank = QUALIFIER_RANK if exactness == "value" else PRECISION_RANK
    return ", ".join(
        [
            CONFIDENCE_RANK.format(a=alias),
            rank.format(a=alias),
            f"{published} DESC NULLS LAST",
            f"{alias}.source_id",
        ]
    )
