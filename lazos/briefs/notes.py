"""A brief's footnotes: every figure cites its sources by number, and the numbers resolve to the
numbered list of sources at the end of the brief (label, address, licence).

A source cited twice keeps its first number, so a brief's notes are as short as its sources.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lazos.results import SourceRef


@dataclass
class Notes:
    """The numbered sources of one brief, in the order they are first cited."""

    refs: list[SourceRef] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)

    def cite(self, sources: Iterable[SourceRef | None]) -> list[int]:
        """The note numbers of ``sources`` (numbering the ones not cited before), in order."""
        cited: list[int] = []
        for ref in sources:
            if ref is None or not ref.source_id:
                continue
            number = self.numbers.get(ref.source_id)
            if number is None:
                self.refs.append(ref)
                number = self.numbers[ref.source_id] = len(self.refs)
            if number not in cited:
                cited.append(number)
        return sorted(cited)

    def cite_row(self, row: dict) -> list[int]:
        """The note of a row that names its own source (source_id, source_label, source_url)."""
        if not row.get("source_id"):
            return []
        ref = SourceRef(row["source_id"], row.get("source_label"), row.get("source_url"))
        return self.cite([ref])

    def listed(self) -> list[tuple[int, SourceRef]]:
        return list(enumerate(self.refs, start=1))
