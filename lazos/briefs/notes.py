"""A brief's footnotes: every figure cites its sources by number, and the numbers resolve to the
numbered list of sources at the end of the brief.

A note is one source, or one group of sources: the files of one dataset (the 24 World Bank
series a country's rating reads are one note, "World Bank, wb-wdi: 24 files"), and in the
region's brief also every web page cited for a curated fact (hundreds, each listed with its fact
by ``lazos events`` and ``lazos sources``). A source cited twice keeps its first number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from lazos.results import SourceRef

WEB_PAGES = "web pages"  # the group of web pages in a region's brief


@dataclass
class Note:
    number: int
    key: str
    refs: list[SourceRef] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # the sources table's rows of refs

    SHOWN = 3  # addresses listed for a group of sources

    @property
    def grouped(self) -> bool:
        return self.key.startswith("dataset:") or self.key == WEB_PAGES

    @property
    def web_pages(self) -> bool:
        return self.key == WEB_PAGES

    @property
    def dataset(self) -> str | None:
        """The dataset a group of files belongs to (e.g. wb-wdi)."""
        return self.key.removeprefix("dataset:") if self.key.startswith("dataset:") else None

    @property
    def label(self) -> str:
        """Who published the source (for a dataset's files, the first file's publisher)."""
        first = self.rows[0]
        return first.get("publisher") or self.refs[0].label or self.refs[0].source_id

    @property
    def title(self) -> str | None:
        """A single source's title, when it says more than its publisher."""
        title = self.rows[0].get("title")
        return title if not self.grouped and title and title != self.label else None

    @property
    def published(self) -> str | None:
        return None if self.grouped else self.rows[0].get("published")

    @property
    def licence(self) -> str | None:
        return None if self.web_pages else self.rows[0].get("licence")

    @property
    def retrieved(self) -> tuple[str, str] | None:
        """The first and last retrieval dates of the note's sources."""
        dates = sorted(str(r["retrieved"]) for r in self.rows if r.get("retrieved"))
        return (dates[0], dates[-1]) if dates else None

    @property
    def addresses(self) -> list[str]:
        """The addresses of the first sources (all of a single source's)."""
        urls = (ref.url or row.get("url") for ref, row in zip(self.refs, self.rows, strict=True))
        return [u for u in urls if u][: self.SHOWN]

    @property
    def more(self) -> int:
        """How many sources of a group are not listed by address."""
        return max(len(self.refs) - self.SHOWN, 0)


def by_source(ref: SourceRef, row: dict[str, Any]) -> str:
    """One note per source, the files of a dataset together (a country's brief)."""
    return f"dataset:{row['dataset']}" if row.get("dataset") else ref.source_id


def by_dataset(ref: SourceRef, row: dict[str, Any]) -> str:
    """One note per dataset and one for all web pages (the region's brief)."""
    if row.get("dataset"):
        return f"dataset:{row['dataset']}"
    return WEB_PAGES if row.get("kind") == "web_page" else ref.source_id


@dataclass
class Notes:
    """The numbered notes of one brief, in the order they are first cited. ``rows``: the
    sources table's rows by source id; ``group``: the note a source belongs to."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    group: Callable[[SourceRef, dict[str, Any]], str] = by_source
    notes: dict[str, Note] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)

    def ref(self, source_id: str) -> SourceRef:
        row = self.rows.get(source_id, {})
        return SourceRef(source_id, row.get("publisher") or row.get("title"), row.get("url"), row.get("licence"))

    def cite(self, sources: Iterable[SourceRef | str | None]) -> list[int]:
        """The note numbers of ``sources`` (refs or ids; numbering the ones not cited before)."""
        cited: set[int] = set()
        for item in sources:
            ref = self.ref(item) if isinstance(item, str) else item
            if ref is None or not ref.source_id:
                continue
            row = self.rows.get(ref.source_id) or {"source_id": ref.source_id, "publisher": ref.label, "url": ref.url}
            key = self.group(ref, row)
            note = self.notes.get(key)
            if note is None:
                note = self.notes[key] = Note(len(self.notes) + 1, key)
            if ref.source_id not in self.seen:
                self.seen.add(ref.source_id)
                note.refs.append(ref)
                note.rows.append(row)
            cited.add(note.number)
        return sorted(cited)

    def cite_row(self, row: dict[str, Any]) -> list[int]:
        """The note of a row that names its own source (source_id, source_label, source_url)."""
        if not row.get("source_id"):
            return []
        return self.cite([SourceRef(row["source_id"], row.get("source_label"), row.get("source_url"))])

    def listed(self) -> list[Note]:
        return sorted(self.notes.values(), key=lambda n: n.number)
