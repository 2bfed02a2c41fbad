"""The period of each claim: the cheapest of its sentence's periods (``Dating.period_for``)."""

from __future__ import annotations

import itertools
import math
import re
from bisect import bisect_left, bisect_right

from lazos.documents.claim import Claim
from lazos.documents.periods import Period


def claims_lag(claims: list[Claim]) -> int:
    """How far a claim starts before the previous one ends, at most (a currency sign or
    "multiplied by" read before a number can reach back over the claim before it)."""
    return max([0, *(a.end - b.start for a, b in itertools.pairwise(claims))])


_HARD_STOP = re.compile(r"[;；。]")


_STOP_COST = 40  # a period across a semicolon dates the claim only when nothing nearer does


_SINCE_BEFORE = re.compile(r"(?:\bsince|\bdesde|\bdepuis|\bdes\s+de|自|从)\s*$", re.IGNORECASE)


COMPARED = re.compile(r"[\s,]*(?:of|de|do|da|than|que)\b", re.IGNORECASE)


_WINDOW_BEFORE = 200  # a period further before a claim costs more than any chosen period may


_WINDOW_AFTER = 220  # ... and further after it (the cost of a period right after can be 20 below its distance)


_ZH_NEAR = 30  # in Chinese, a period at least this far before costs 30 plus the claims between


class Dating:
    """Chooses each claim's period among the periods of its sentence (``period_for``)."""

    def __init__(self, text: str, s: int, e: int, lang: str, periods: list[Period], claims: ClaimIndex) -> None:
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
            if lang != "zh" and ATTACHED.fullmatch(gap) and not (c.kind == "multiple" and COMPARED.match(gap)):
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


class ClaimIndex:
    """The claims of a sentence, to count the claims between two positions in log time.

    Claims come in the order of their numbers, and a number is read only after the claim before
    it ends, so their ends strictly increase; a claim starts at most ``lag`` characters before
    the one before it ends (a currency sign or "multiplied by" before its number)."""

    def __init__(self, text: str, claims: list[Claim], resolved: list[str]) -> None:
        self.claims = claims
        self.ends = [c.end for c in claims]
        self.lag = claims_lag(claims)
        # Claims in brackets after another ("RMB 10 billion (about 1.5 billion dollars)") never count.
        self.counts = [not parenthetical(text, c) for c in claims]
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


ATTACHED = re.compile(
    r"[\s,]*(?:year-on-year\s+)?(?:in|en|em|during|durante|for|para|of|de|do|del|da|by|at\s+the\s+end\s+of|a\s+finales\s+de|"
    r"no\s+final\s+de|as\s+of|hasta|até|since|desde)\s+(?:the\s+(?:year\s+|end\s+of\s+)?|el\s+año\s+|o\s+ano\s+(?:de\s+)?)?",
    re.IGNORECASE,
)


def parenthetical(text: str, c: Claim) -> bool:
    """A claim in brackets right after another one: "RMB 10 billion (about 1.5 billion dollars)"."""
    return "(" in text[max(0, c.start - 10) : c.start] and ")" in text[c.end : c.end + 3]
