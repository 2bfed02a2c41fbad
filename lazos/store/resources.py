"""The resources of a Lazos data package, read from resources.yaml.

One description of every file and column serves validation, the database load, the
datapackage.json Table Schemas and the documentation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources as importlib_resources
from typing import Any

import yaml

FIELD_TYPES = ("string", "integer", "number", "boolean", "fuzzy_date", "date", "datetime")
FUZZY_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$"


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    name: str  # file stem, e.g. "events"
    table: str  # database table, e.g. "event"
    title: str
    description: str
    primary_key: tuple[str, ...]
    fields: tuple[Field, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default=())
    reference: bool = False
    view: str | None = None  # what queries read, when the stored table differs
    source_key: bool = False  # stored with source.source_key instead of source_id
    term_keys: tuple[str, ...] = ()  # fields stored as keys into observation_term (lazos.store.terms)
    history: bool = False  # a history resource: loads, row versions, saved analyses (see history_resources)
    versions_of: str | None = None  # for <name>_history: the resource whose stored versions it holds

    @property
    def read_table(self) -> str:
        """The table or view to read current rows from (with the resource's fields)."""
        return self.view or self.table

    def encoded_column(self, name: str) -> str:
        """A field's column with its terms as keys (``entity`` -> ``entity_key``)."""
        return f"{name}_key" if name in self.term_keys else name

    def encoded_columns(self) -> list[str]:
        """The resource's columns with terms as keys and the source as its id (what
        connectors stage as SQL relations)."""
        return [self.encoded_column(c) for c in self.db_columns()]

    def stored_column(self, name: str) -> str:
        """A field's column in the stored table."""
        return "source_key" if self.source_key and name == "source_id" else self.encoded_column(name)

    def stored_columns(self) -> list[str]:
        """Columns of the stored table that the resource fills."""
        return [self.stored_column(c) for c in self.db_columns()]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def db_columns(self) -> list[str]:
        """Columns this resource fills in its table (its fields, in order)."""
        return self.field_names


def _field(spec: dict[str, Any]) -> Field:
    if spec["type"] not in FIELD_TYPES:
        raise ValueError(f"unknown field type {spec['type']!r} for {spec['name']!r}")
    return Field(
        name=spec["name"],
        type=spec["type"],
        required=bool(spec.get("required", False)),
        enum=tuple(spec["enum"]) if "enum" in spec else None,
        pattern=spec.get("pattern"),
        minimum=spec.get("minimum"),
        maximum=spec.get("maximum"),
        description=" ".join(str(spec.get("description", "")).split()),
    )


@cache
def _declared() -> tuple[Resource, ...]:
    text = importlib_resources.files("lazos.store").joinpath("resources.yaml").read_text("utf-8")
    spec = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    out = []
    for name, r in spec.items():
        out.append(
            Resource(
                name=name,
                table=r["table"],
                title=r["title"],
                description=" ".join(str(r["description"]).split()),
                primary_key=tuple(r["primary_key"]),
                fields=tuple(_field(f) for f in r["fields"]),
                foreign_keys=tuple(
                    ForeignKey(tuple(fk["fields"]), fk["resource"], tuple(fk["reference"]))
                    for fk in r.get("foreign_keys", [])
                ),
                reference=bool(r.get("reference", False)),
                view=r.get("view"),
                source_key=bool(r.get("source_key", False)),
                term_keys=tuple(r.get("term_keys", ())),
                history=bool(r.get("history", False)),
            )
        )
    return tuple(out)


@cache
def all_resources() -> tuple[Resource, ...]:
    """Every data resource, in load order (referenced resources come first)."""
    return tuple(r for r in _declared() if not r.history)


LOAD_ID = Field("load_id", "integer", required=True, minimum=1, description="The load that recorded this version.")
RETIRED_AT = Field(
    "retired_at", "datetime", description="When this version was replaced or withdrawn (UTC); blank while current."
)


def versions_resource(res: Resource) -> Resource:
    """``<name>_history``: every stored version of a resource's rows, with its load and retirement.

    Its rows may refer to versions that are retired by now, so only the load is checked as a
    reference.
    """
    return Resource(
        name=f"{res.name}_history",
        table=res.table,
        title=f"{res.title}: stored versions",
        description=(
            f"Every stored version of {res.name} except the current rows of the first build load "
            "(which are the main file's rows), with the load that recorded it and when it was retired."
        ),
        primary_key=(*res.primary_key, "load_id"),
        fields=(*res.fields, LOAD_ID, RETIRED_AT),
        foreign_keys=(ForeignKey(("load_id",), "load_runs", ("load_id",)),),
        reference=res.reference,
        view=res.view,
        source_key=res.source_key,
        term_keys=res.term_keys,
        history=True,
        versions_of=res.name,
    )


@cache
def history_resources() -> tuple[Resource, ...]:
    """The resources of a complete export beyond the data: loads, row versions, saved analyses."""
    declared = [r for r in _declared() if r.history]
    loads = [r for r in declared if r.name == "load_runs"]  # referenced by every other one: first
    analyses = [r for r in declared if r.name != "load_runs"]
    return (*loads, *(versions_resource(r) for r in all_resources()), *analyses)


def resource(name: str) -> Resource:
    for r in (*all_resources(), *history_resources()):
        if r.name == name or r.table == name:
            return r
    raise KeyError(name)


def table_schema(res: Resource) -> dict[str, Any]:
    """The Frictionless Table Schema of a resource."""
    fields = []
    for f in res.fields:
        out: dict[str, Any] = {"name": f.name}
        constraints: dict[str, Any] = {}
        if f.type == "fuzzy_date":
            out["type"] = "string"
            out["lazos:type"] = "fuzzy_date"
            constraints["pattern"] = FUZZY_DATE_PATTERN
        elif f.type == "datetime":
            out["type"] = "datetime"  # ISO 8601 with microseconds, UTC without an offset
        else:
            out["type"] = f.type
        if f.type == "boolean":
            out["trueValues"] = ["true"]
            out["falseValues"] = ["false"]
        if f.description:
            out["description"] = f.description
        if f.required:
            constraints["required"] = True
        if f.enum:
            constraints["enum"] = list(f.enum)
        if f.pattern:
            constraints["pattern"] = f.pattern
        if f.minimum is not None:
            constraints["minimum"] = f.minimum
        if f.maximum is not None:
            constraints["maximum"] = f.maximum
        if constraints:
            out["constraints"] = constraints
        fields.append(out)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    # Frictionless requires primary-key fields to be non-null; ours may include an optional
    # partner (observations), so uniqueness is declared only when every key field is required.
    if res.primary_key and all(res.field(k).required for k in res.primary_key):
        schema["primaryKey"] = list(res.primary_key)
    fks = []
    for fk in res.foreign_keys:
        fks.append(
            {
                "fields": list(fk.fields),
                "reference": {
                    "resource": "" if fk.resource == res.name else fk.resource,
                    "fields": list(fk.reference),
                },
            }
        )
    if fks:
        schema["foreignKeys"] = fks
    return schema


def row_problems(resource_name: str, record: dict[str, Any]) -> list[tuple[str, str]]:
    """Checks across the fields of one row, as (field, message) pairs."""
    problems = []
    if resource_name == "project_amounts":
        if all(record.get(f) is None for f in ("value", "usd_nominal", "usd_constant")):
            problems.append(("value", "an amount needs a value, US dollars nominal or constant"))
        if (record.get("value") is None) != (record.get("currency") is None):
            problems.append(("currency", "value and currency go together"))
        if (record.get("usd_constant") is None) != (record.get("usd_constant_year") is None):
            problems.append(("usd_constant_year", "constant dollars need their base year"))
    return problems
