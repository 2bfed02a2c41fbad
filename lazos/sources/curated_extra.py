"""What the connectors of the curated files added in 2026 share (sovereign, people, fdi).

Those files (``curated/sovereign_events.csv``, ``people_to_people.csv``,
``fdi_by_country.csv``) have one row per fact per source: the fact's columns, a ``detail``
written by the curators, and the page the fact was read on (``source_url``,
``source_title``, ``source_publisher``, ``quote``). Each connector reads its file with
:func:`read_rows` (exact columns, UTF-8, every row's cells), cites each row's page with
:func:`page_source`, grades it with :func:`confidence`, and records the file itself in a
compilation source row with its checksum (:func:`compilation_source`).

Details, quotes and the curators' notes are read to classify and check a fact; they are
never copied into the store.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lazos.dates import parse_fuzzy
from lazos.errors import DataError, InvalidDateError, ValidationError
from lazos.sources.base import Context
from lazos.sources.common import file_sha256, publisher_for, source_row, web_source
from lazos.sources.rawfiles import fail, head_lines, parse_csv_line, read_csv_text, read_text
from lazos.store.resources import all_resources
from lazos.store.staging import Staging

ISO3 = re.compile(r"^[A-Z]{3}$")


def read_rows(path: Path, columns: list[str], what: str, ctx: Context) -> list[dict[str, Any]]:
    """The file's rows as text cells, each with its row number (``_row``, header = 1).

    The header must be exactly ``columns`` (in any order): a missing or an unexpected
    column stops the import, and a header that differs in several columns each way is
    another file's.
    """
    if not path.is_file():
        fail("missing-file", "file not found", path)
    header = [h.strip() for h in parse_csv_line(head_lines(path, 1, ctx.encoding)[0])]
    missing, unexpected = set(columns) - set(header), set(header) - set(columns)
    if not set(columns) & set(header) or (len(missing) >= 3 and len(unexpected) >= 3):  # another file's header
        fail(
            "unknown-layout",
            f"not {what}: expected the columns {', '.join(columns)}, found {', '.join(header)}",
            path,
            1,
        )
    errors = [DataError("missing-column", "the column is missing", str(path), 1, c) for c in columns if c not in header]
    errors += [
        DataError("unexpected-column", f"the column is not one of {what}'s", str(path), 1, c)
        for c in header
        if c not in columns
    ]
    if errors:
        raise ValidationError(errors)
    header, records = read_csv_text(read_text(path, ctx.encoding), path)
    header = [h.strip() for h in header]
    return [{**{h: c.strip() for h, c in zip(header, cells, strict=True)}, "_row": n} for n, cells in records]


def check_country(
    row: dict[str, Any], column: str, path: Path, ctx: Context, errors: list[DataError], *, region: bool
) -> str | None:
    """The row's ISO3 code if Lazos knows it as written (``LAC`` only where ``region``), else
    None with an error naming the row: a code is never guessed from a name."""
    value = row[column]
    if value == "LAC" and not region:
        errors.append(DataError("invalid-value", "a regional row (LAC) is not a state", str(path), row["_row"], column))
        return None
    if not ISO3.match(value) or ctx.resolver.classify(value).iso3 != value:
        errors.append(DataError("unknown-country", f"unknown country code {value!r}", str(path), row["_row"], column))
        return None
    return value


def check_date(row: dict[str, Any], column: str, path: Path, errors: list[DataError], *, required: bool) -> bool:
    """Whether the row's date is a valid fuzzy date (blank allowed unless ``required``)."""
    value = row[column]
    if not value:
        if required:
            errors.append(DataError("invalid-date", "the date is missing", str(path), row["_row"], column))
        return not required
    try:
        parse_fuzzy(value)
    except InvalidDateError as exc:
        errors.append(DataError("invalid-date", str(exc), str(path), row["_row"], column))
        return False
    return True


def number(row: dict[str, Any], column: str, path: Path, errors: list[DataError]) -> float | None:
    try:
        value = float(row[column])
    except ValueError:
        value = float("nan")
    if value != value or value in (float("inf"), float("-inf")):
        errors.append(DataError("invalid-value", f"{row[column]!r} is not a number", str(path), row["_row"], column))
        return None
    return value


# ---------------------------------------------------------------------------- sources

_DESCRIPTIVE_TITLE = re.compile(r"^\[|\(title (?:not captured|taken from)", re.I)


def page_source(row: dict[str, Any]) -> dict[str, Any]:
    """The source row of the page a curated row cites: its address, its title as published
    (a descriptive ``[title]`` or one taken from the address is not a title and is left
    blank), and the publisher the row names (the original outlet of a repost), else the
    reviewed publisher of its domain."""
    url = row["source_url"]
    title = row["source_title"] or None
    if title and _DESCRIPTIVE_TITLE.search(title):
        title = None
    return web_source(url, title=title, publisher=row["source_publisher"] or publisher_for(url))


def compilation_source(source_id: str, title: str, path: Path, published: str) -> dict[str, Any]:
    """The curated file as a dataset: its checksum identifies the version imported."""
    return source_row(
        source_id=source_id,
        kind="dataset",
        title=title,
        publisher="Lazos",
        licence="ODC-By-1.0",
        published=published,
        content_hash=file_sha256(path),
        note="Hand-compiled from public web pages; each row cites the page it was read on, with a quote.",
    )


# ---------------------------------------------------------------------------- confidence

# The page is not the original publisher's: a repost, mirror, blog, digest or abstract, or a
# page that cites or relays another outlet (the publisher column says so), or an encyclopedia.
SECOND_HAND = re.compile(
    r"\b(?:copy|copies|repost|reposted|mirror|blog|digest|aggregator|abstract|preview|quoting|citing|relaying|"
    r"reproducing|wikipedia)\b",
    re.I,
)
# The detail says the date was worked out (from a weekday, the page address, "last year"...).
INFERRED = re.compile(
    r"inferred|worked out|from context|comes from context|article's context|from the page address|"
    r"'(?:next |last |on )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"este (?:lunes|martes|miércoles|jueves|viernes)|last year'|year approximate|'over the last|"
    r"'after ten years|verify against",
    re.I,
)
# The detail says the source is weak or its basis unclear.
WEAK = re.compile(r"low-quality|basis not stated|basis unclear", re.I)


def confidence(row: dict[str, Any]) -> str:
    """``high``, ``medium`` or ``low`` for a curated row, by the rule of docs/data-sources.md:
    low when its detail calls the source weak or its basis unclear; medium when the page is
    second-hand (the publisher column names a repost, mirror, blog or a page citing another
    outlet) or the detail says the date was worked out; high otherwise (the original
    publisher's page states the fact and its date)."""
    if WEAK.search(row["detail"]):
        return "low"
    if SECOND_HAND.search(row["source_publisher"]) or INFERRED.search(row["detail"]):
        return "medium"
    return "high"


# ---------------------------------------------------------------------------- history


def claim_sources(staging: Staging, ctx: Context, *, kinds: tuple[str, ...] = (), indicators: tuple[str, ...] = ()):
    """Put in the import's scope the pages this connector's earlier imports cited, so that a
    row deleted from the file is retired (readable as of before), not left current.

    A page counts as this connector's when the current rows citing it are all events of
    ``kinds`` or observations of ``indicators``: a page another dataset also cites is left
    alone (its rows stay current; at worst a deleted row of this file stays too).
    """

    def listed(values: tuple[str, ...]) -> str:
        return ", ".join("'" + v.replace("'", "''") + "'" for v in values) or "NULL"

    mine = f"""
        SELECT source_id FROM event WHERE retired_at IS NULL AND kind IN ({listed(kinds)})
        UNION SELECT source_id FROM observation WHERE retired_at IS NULL AND indicator IN ({listed(indicators)})"""
    others = []
    for res in all_resources():
        if res.reference or "source_id" not in res.field_names:
            continue
        where = "retired_at IS NULL"
        if res.name == "events":
            where += f" AND kind NOT IN ({listed(kinds)})"
        elif "indicator" in res.field_names:  # observations and their details
            where += f" AND indicator NOT IN ({listed(indicators)})"
        others.append(f"SELECT source_id FROM {res.read_table} WHERE {where}")
    ids = [r[0] for r in ctx.con.execute(f"{mine} EXCEPT ({' UNION '.join(others)})").fetchall()]
    if ids:
        staging.add_relation("events", "SELECT * FROM staged_events WHERE false", ids)


# ---------------------------------------------------------------------------- qualifiers

# "More than" figures: the curators begin the detail with the flag LOWER BOUND.
LOWER_BOUND = re.compile(r"\bLOWER BOUND\b")
# Rounded figures the source gives as "about" ("unos", "约", "大约", "in the estimated order of");
# "year approximate" qualifies the date, not the value.
APPROXIMATE = re.compile(r"(?<!year )\bapproximate\b|'unos'|约|'about'|estimated order", re.I)


def qualifier(row: dict[str, Any]) -> str:
    """``lower_bound``, ``approximate`` or ``exact``, from the flags and words of the detail."""
    if LOWER_BOUND.search(row["detail"]):
        return "lower_bound"
    if APPROXIMATE.search(row["detail"]):
        return "approximate"
    return "exact"


# ---------------------------------------------------------------------------- code lists


def stage_code_lists(
    staging: Staging, ctx: Context, label: str, *, kinds: tuple[str, ...] = (), indicators: tuple[str, ...] = ()
) -> None:
    """Stage the event kinds and indicators the file's rows need (Lazos's own code lists,
    sources/reference/) where the database and the run do not hold them yet: a database
    built before these kinds existed can still import the file."""
    from lazos.sources import reference

    lists = reference.contribution().rows
    for resource, table, column, wanted in (
        ("event_kinds", "event_kind", "kind", kinds),
        ("indicators", "indicator", "indicator", indicators),
    ):
        held = ctx.stored(table, column) | {r[column] for r in staging.rows(resource)}
        missing = [r for r in lists[resource] if r[column] in wanted and r[column] not in held]
        if set(wanted) - held - {r[column] for r in missing}:
            raise ValidationError(
                [DataError("unknown-reference", f"Lazos's code lists lack {sorted(set(wanted) - held)}", label)]
            )
        staging.add_rows(resource, missing, label)
