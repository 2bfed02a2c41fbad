"""The shapes of the API's JSON, for its OpenAPI description (responses are written by
lazos.jsonable from the Python API's typed results; these models document them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class Source(Shape):
    """A source the rows cite."""

    source_id: str
    label: str | None
    url: str | None
    licence: str | None


class TableShape(Shape):
    """Rows of one kind, as of a date, with the sources they cite (lazos.results.Table.to_dict)."""

    name: str
    as_of: date | None = Field(description="The date the rows answer for (null: the current view).")
    count: int = Field(description="Rows in this response.")
    columns: list[str]
    rows: list[dict[str, Any]] = Field(description="One object per row, keyed by column.")
    sources: list[Source] = Field(description="Every source these rows cite, with its licence.")
    note: str | None
    citation: str = Field(description="One line naming the data and its sources.")


class TablePage(TableShape):
    """A page of a list: the Table's JSON, and where the next page is."""

    total: int = Field(description="Rows the query matches, on every page.")
    offset: int = Field(description="Position of this page's first row among them.")
    limit: int = Field(description="Page size.")
    next: str | None = Field(description="Cursor of the next page (null on the last page).")
    next_url: str | None = Field(description="URL of the next page (null on the last page).")


class CountryProfileShape(Shape):
    """Everything Lazos holds on one country, as of a date."""

    iso3: str
    info: dict[str, Any]
    events: TableShape
    projects: TableShape
    indicators: TableShape
    as_of: date | None


class ProjectDetailShape(Shape):
    """One project: its row, milestones, every sourced amount, external ids and locations."""

    project: dict[str, Any]
    milestones: TableShape
    amounts: TableShape
    external_ids: TableShape
    locations: TableShape
    geometry: dict[str, Any] | None = Field(description="A GeoJSON Feature (Point), when the project has one.")
    as_of: date | None


class FeatureCollection(Shape):
    """A GeoJSON FeatureCollection (RFC 7946)."""

    type: str = Field(description='Always "FeatureCollection".')
    features: list[dict[str, Any]]


class AnalysisShape(Shape):
    """Scores of an analysis (index, risk rating, opportunities), with the sources behind them."""

    method_version: str
    year: int | None
    scores: list[dict[str, Any]]
    measures: list[dict[str, Any]] | None = Field(
        None, description="With explain=true: every indicator behind each score, its inputs and their sources."
    )
    as_of: date | None
    sources: list[Source]
    citation: str


class IndexShape(AnalysisShape):
    years: list[int]
    weights: dict[str, float]
    spearman_with_default: float | None = Field(
        None, description="With weights: rank correlation of the composite with the method's own weights."
    )


class RiskShape(AnalysisShape):
    years: list[int]


class OpportunitiesShape(AnalysisShape):
    risk_measures: list[dict[str, Any]] | None = None


class OverviewShape(Shape):
    as_of: date | None
    counts: dict[str, int]
    undated: dict[str, int]
    recent_events: TableShape


class DocumentShape(Shape):
    """One ingested document, with links to its text and claims."""

    document: dict[str, Any]
    sources: list[Source]
    citation: str
    links: dict[str, str]


class MethodShape(Shape):
    """The analytics method (method.yaml) and alert rules (alerts.yaml) as JSON."""

    method: dict[str, Any]
    alerts: dict[str, Any]


class SqlShape(TableShape):
    """The rows of a read-only SQL query."""

    truncated: bool = Field(description="True when the result had more rows than the row cap.")
    row_cap: int
    time_limit_s: float
