"""Typed results: what every call of the Python API returns, and every interface renders.

A result is a frozen dataclass. ``to_dict()`` gives JSON-ready values (ISO dates, no NaN,
None for unknown; see lazos.jsonable); a table of rows is a :class:`Table`, whose ``frame``
is a pandas DataFrame and ``arrow`` a pyarrow Table, and which names the sources its rows
cite. The command line's ``--format json``, the REST API and briefs all write ``to_dict()``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from lazos.jsonable import dumps, plain, records


class Result:
    """What every result shares: ``to_dict()`` and ``to_json()``.

    ``to_dict()`` takes the dataclass's fields in order; a field that is itself a result (a
    :class:`Table`) writes its own ``to_dict()``; a DataFrame its rows.

    ``coverage`` holds the :class:`Coverage` notes of the partial datasets the result's figures
    rest on (empty when none): a field of the results that sum projects, and on the analyses
    (lazos.analytics) an attribute the Python API sets, which ``to_dict()`` writes too.
    """

    coverage: tuple[Coverage, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: jsonable(getattr(self, f.name)) for f in dataclasses.fields(self) if f.repr}  # type: ignore[arg-type]
        if self.coverage and "coverage" not in out:
            out["coverage"] = jsonable(self.coverage)
        return out

    def to_json(self, indent: int | None = 1) -> str:
        return dumps(self.to_dict(), indent=indent)


def jsonable(value: Any) -> Any:
    """A value of a result as JSON-ready Python: results by their ``to_dict()``."""
    if isinstance(value, Result):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple) and any(isinstance(v, Result) for v in value):
        return [jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return plain(value)


@dataclass(frozen=True)
class SourceRef(Result):
    """A source a result cites: its id, how listings name it, its address and licence."""

    source_id: str
    label: str | None = None
    url: str | None = None
    licence: str | None = None


@dataclass(frozen=True)
class Coverage(Result):
    """Figures that rest on part of a dataset say so: which dataset, what the database holds of
    it, which figures rest on it, and how to complete it (see ``Lazos.coverage``).

    ``records`` counts the dataset's records the database holds (for its countries),
    ``release_records`` the records of the whole release (every region), when known.
    """

    dataset: str
    title: str
    held: tuple[str, ...]  # what the database holds of it: one phrase per partial source
    sources: tuple[str, ...]  # the ids of those sources
    records: int | None
    release_records: int | None
    complete_with: str  # the command that completes it
    figures: tuple[str, ...] = ()  # which figures of the result rest on it
    note: str = ""  # the same, in one English sentence


# Columns that name the source of a row's figure (a project's amount has its own).
def source_columns(columns: Iterable[Any]) -> list[str]:
    return [str(c) for c in columns if str(c) == "source_id" or str(c).endswith("_source_id")]


@dataclass(frozen=True, eq=False)
class Table(Result):
    """Rows of one kind (events, projects, observations...), as of a date, with their sources.

    ``frame`` holds the rows (one column per field); ``sources`` every source a row cites, in
    the order first cited; ``note`` says what a reader must know beside the figures (partial
    coverage, rows left out).
    """

    name: str
    frame: pd.DataFrame = field(repr=False)
    as_of: date | None = None
    sources: tuple[SourceRef, ...] = ()
    note: str | None = None
    coverage: tuple[Coverage, ...] = ()

    def __len__(self) -> int:
        return len(self.frame)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """The rows as JSON-ready dicts."""
        return iter(self.rows)

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    @property
    def empty(self) -> bool:
        return self.frame.empty

    @cached_property
    def rows(self) -> list[dict[str, Any]]:
        return records(self.frame)

    @cached_property
    def arrow(self) -> pa.Table:
        return arrow_table(self.frame)

    def citation(self) -> str:
        """One line naming the data and its sources, for a download's header or README."""
        return citation(self.name, self.as_of, self.sources)

    def with_frame(self, frame: pd.DataFrame, sources: tuple[SourceRef, ...] | None = None) -> Table:
        """The same table with other rows (a page, a filter): its sources those the rows cite."""
        if sources is None:
            cited = cited_ids(frame)
            sources = tuple(s for s in self.sources if s.source_id in cited)
        return dataclasses.replace(self, frame=frame.reset_index(drop=True), sources=sources)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "as_of": plain(self.as_of),
            "count": len(self.frame),
            "columns": self.columns,
            "rows": self.rows,
            "sources": [s.to_dict() for s in self.sources],
            "note": self.note,
            "coverage": jsonable(self.coverage),
            "citation": self.citation(),
        }


def citation(name: str, as_of: date | None, sources: Iterable[SourceRef]) -> str:
    """One line naming a result, the date it answers for and its sources."""
    when = f" as of {as_of.isoformat()}" if as_of else ""
    names = "; ".join(dict.fromkeys(s.label or s.source_id for s in sources))
    return f"Lazos, {name}{when}." + (f" Sources: {names}." if names else "")


def cited(name: str, as_of: date | None, sources: Iterable[SourceRef]) -> dict[str, Any]:
    """What every analysis's JSON says of where it stands: its date, its sources, its citation."""
    sources = tuple(sources)
    return {
        "as_of": plain(as_of),
        "sources": [s.to_dict() for s in sources],
        "citation": citation(name, as_of, sources),
    }


def measure_sources(measures: pd.DataFrame) -> list[list[str]]:
    """The source ids behind each measure of an analysis (its inputs'), each once."""
    out = []
    for items in measures["inputs"] if "inputs" in measures.columns else [[]] * len(measures):
        ids = [i.get("source_id") for i in items or [] if isinstance(i, dict)]
        out.append(list(dict.fromkeys(s for s in ids if isinstance(s, str) and s)))
    return out


def cited_ids(frame: pd.DataFrame) -> dict[str, None]:
    """The source ids a frame's rows cite, in the order first cited."""
    out: dict[str, None] = {}
    for column in source_columns(frame.columns):
        for value in frame[column]:
            if isinstance(value, str) and value:
                out[value] = None
    if "sources" in frame.columns:  # a list of source ids per row (alerts)
        for value in frame["sources"]:
            if isinstance(value, list | tuple):
                out.update(dict.fromkeys(v for v in value if isinstance(v, str) and v))
    return out


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """A DataFrame as an Arrow table; columns Arrow cannot type from pandas (lists of mixed
    values, dicts) go through their JSON-ready form."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        columns = {}
        for name in frame.columns:
            try:
                columns[str(name)] = pa.array(frame[name], from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                columns[str(name)] = pa.array([dumps(plain(v), indent=None) for v in frame[name]], pa.string())
        return pa.table(columns)


@dataclass(frozen=True, eq=False)
class Overview(Result):
    """Headline counts and the most recent events, as of a date."""

    as_of: date | None
    counts: dict[str, int]
    undated: dict[str, int]
    recent_events: Table
    coverage: tuple[Coverage, ...] = ()  # of the figures that sum projects (the projects count)


@dataclass(frozen=True, eq=False)
class CountryProfile(Result):
    """Everything Lazos holds on one country, as of a date."""

    iso3: str
    info: dict[str, Any]
    events: Table
    projects: Table
    indicators: Table
    as_of: date | None = None
    coverage: tuple[Coverage, ...] = ()  # of the figures that sum its projects


@dataclass(frozen=True, eq=False)
class ProjectDetail(Result):
    """One project: its row, milestones, every sourced amount, external ids and locations."""

    project: dict[str, Any]
    milestones: Table
    amounts: Table
    external_ids: Table
    locations: Table
    geometry: dict[str, Any] | None = None  # a GeoJSON Feature, when the project has a location
    as_of: date | None = None


@dataclass(frozen=True)
class DocumentText(Result):
    """The text of an ingested document."""

    doc_id: str
    name: str
    text: str


@dataclass(frozen=True)
class ExportReport(Result):
    """Where ``export`` wrote a data package (a folder, or a zip for the datapackage format)."""

    path: Path
    format: str
