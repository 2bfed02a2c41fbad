"""The ``lazos`` command: a thin layer over the Python API (lazos.api)."""

from __future__ import annotations

import dataclasses
import inspect
import sys
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.panel import Panel
from rich.text import Text

from lazos import __version__, api
from lazos.cli import analytics as analytics_cli
from lazos.cli import brief as brief_cli
from lazos.cli import documents as documents_cli
from lazos.cli import monitor as monitor_cli
from lazos.cli import news as news_cli
from lazos.cli import serve as serve_cli
from lazos.cli.common import (
    AsOfOpt,
    DbOpt,
    FormatOpt,
    LimitOpt,
    SortOpt,
    db_defaults,
    db_for_writing,
    errors,
    open_db,
)
from lazos.cli.output import (
    Format,
    amount_text,
    console,
    emit,
    emit_json,
    money,
    paged,
    plain,
    table,
    text,
    value_text,
)
from lazos.errors import LazosError
from lazos.paths import default_db_path
from lazos.sources.base import Connector, FetchOption
from lazos.sources.registry import REGISTRY, fetchable

app = typer.Typer(
    name="lazos",
    help="Lazos: a sourced, historied observatory of China–Latin America & Caribbean "
    "cooperation.\n\n"
    "Every command reads the database built by `lazos build` (default: the user data directory, "
    "or --db / $LAZOS_DB). Commands that take --as-of answer from the state at that date "
    "(YYYY, YYYY-MM or YYYY-MM-DD; a year or month means its last day).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"lazos {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
    db: DbOpt = None,
) -> None:
    """Lazos command line."""
    if db is not None:  # `lazos --db X COMMAND`: X becomes the command's --db default
        ctx.default_map = {**(ctx.default_map or {}), **db_defaults(ctx.command, db)}


# ---------------------------------------------------------------------------- build, snapshot


@app.command()
def build(
    db: DbOpt = None,
    source: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="Data package to build from: a folder or .zip with a datapackage.json "
            "(default: the embedded dataset).",
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Build afresh from the package alone, discarding what the database holds "
            "(imports, ingested documents, saved analyses, history).",
        ),
    ] = False,
) -> None:
    """Build the database from the embedded dataset (or an export), keeping your data.

    A new database replaces the old one only once it is complete: if anything fails, the
    previous database is left exactly as it was. A database built from the same package is
    up to date; over one holding your imports, documents or saved analyses, a different package
    is applied in place, keeping them. An export (`lazos export`) restores its database with its
    history, and refuses to replace data it does not hold unless --replace is given.
    """
    report = api.build(db or default_db_path(), source, replace=replace)
    where = f"[bold]{report.db_path}[/bold]"
    if report.action == "up-to-date":
        console.print(f"{where} is up to date with {report.package_path}: nothing to do.")
        return
    if report.action == "refreshed":
        changed = [
            f"{name.replace('_', ' ')} {c.inserted} added, {c.retired} retired"
            for name, c in report.changes.items()
            if c.inserted or c.retired
        ]
        console.print(
            f"Refreshed {where} from {report.package_path} in place, keeping your imports, documents and "
            f"saved analyses: " + ("; ".join(changed) if changed else "no row changed") + "."
        )
        return
    summary = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in report.rows.items() if n)
    verb = "Restored" if report.action == "restored" else "Built"
    console.print(f"{verb} {where} from {report.package_path}: {summary}.")


@app.command()
def snapshot(
    raw: Annotated[
        Path | None,
        typer.Option("--raw", help="Folder of raw files (default: $LAZOS_RAW or ../shared/data)."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the package (default: data/).")] = None,
) -> None:
    """Regenerate the embedded dataset (data/) from the raw published files.

    Reads each dataset in its published layout, applies the reviewed harmonisation, validates
    the result as `lazos build` will, and only then replaces the files.
    """
    from lazos.sources.snapshot import snapshot as run_snapshot

    counts = run_snapshot(raw, out)
    console.print("Wrote " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items()) + ".")


def _source_help() -> str:
    """The import command's SOURCE help: the registered connectors' names."""
    *others, last = REGISTRY
    return f"Dataset: {', '.join(others)} or {last} (see below)."


def _listing_sources(command: Any) -> Any:
    """Ends the command's help with a paragraph per registered connector (lazos.sources.registry)."""
    sources = "\n\n".join(dataset.help() for dataset in REGISTRY.values())
    command.__doc__ = f"{inspect.cleandoc(command.__doc__ or '')}\n\nSources:\n\n{sources}"
    return command


@app.command("import")
@_listing_sources
def import_(
    source: Annotated[str, typer.Argument(help=_source_help())],
    files: Annotated[list[Path], typer.Argument(help="Raw files, in any layout the publisher uses.")],
    db: DbOpt = None,
    vintage: Annotated[
        str | None,
        typer.Option(help="Publication date of the files when they do not state it (YYYY[-MM[-DD]])."),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Encoding of the files when not UTF-8 (e.g. latin-1, gbk).")
    ] = None,
    indicator: Annotated[str | None, typer.Option(help="Indicator code of a long file that does not name it.")] = None,
) -> None:
    """Import raw files of a dataset into the database, in one transaction, keeping history.

    The layout of each file is recognised from its content. A failure (a bad row, Ctrl-C, a
    killed process) leaves the database exactly as before; importing the same file again
    changes nothing; a newer vintage is added beside the old one, which stays answerable as
    of an earlier date.
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    path = db_for_writing(db)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as bar:
        task = bar.add_task(f"Importing {source}", total=None)
        report = api.import_file(
            source,
            files,
            db=path,
            vintage=vintage,
            encoding=encoding,
            progress=lambda message: bar.update(task, description=f"{source}: {message}"),
            options={"indicator": indicator} if indicator else {},
        )
    _report(report)


fetch_app = typer.Typer(
    help="Download from a publisher's API and import the answer (needs the network).",
    no_args_is_help=True,
)
app.add_typer(fetch_app, name="fetch")


def _report(report: Any) -> None:
    for line in report.read:
        console.print(Text(f"read {line}"))
    changed = {k: v for k, v in report.changes.items() if v.inserted or v.retired}
    if not changed:
        console.print("Nothing changed: the database already holds this content.")
    for name, change in changed.items():
        console.print(Text(f"{name.replace('_', ' ')}: {change.inserted} added, {change.retired} retired"))
    for reason, count in report.skipped.items():
        console.print(Text(f"left out {count} row(s): {reason}", style="dim"))


def _fetch_option(option: FetchOption) -> inspect.Parameter:
    """One option of a generated ``lazos fetch NAME`` command, as typer reads it from a signature."""
    flag = isinstance(option.default, bool)
    required = option.required and not flag
    kind: Any = bool if flag else list[str] if option.multiple else str
    annotation = Annotated[kind if required or flag else kind | None, typer.Option(help=option.help)]
    default = inspect.Parameter.empty if required else option.default
    return inspect.Parameter(option.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)


def _add_fetch_command(dataset: Connector) -> None:
    """``lazos fetch NAME``: a command whose options are the connector's fetch options."""
    download = dataset.fetch
    assert download is not None, dataset.name

    def command(**values: Any) -> None:
        path = db_for_writing(values.pop("db"))
        _report(api.fetch(dataset.name, download.request(values), db=path))

    db = inspect.Parameter("db", inspect.Parameter.KEYWORD_ONLY, annotation=DbOpt, default=None)
    command.__signature__ = inspect.Signature([*map(_fetch_option, download.options), db])  # type: ignore[attr-defined]
    command.__name__ = f"fetch_{dataset.name}"
    fetch_app.command(dataset.name, help=download.help)(command)


for _dataset in fetchable().values():
    _add_fetch_command(_dataset)


@app.command()
def migrate(db: DbOpt = None) -> None:
    """Bring a database's schema up to date (imports and builds do this themselves)."""
    from lazos.store.importer import connect_for_writing
    from lazos.store.migrations import migrate as run_migrations

    path = db or default_db_path()
    con = connect_for_writing(path)
    try:
        applied = run_migrations(con)
    finally:
        con.close()
    console.print(f"Applied migrations {applied}." if applied else "The schema is up to date.")


# ---------------------------------------------------------------------------- overview


@app.command()
@paged
def overview(db: DbOpt = None, as_of: AsOfOpt = None, fmt: FormatOpt = Format.table) -> None:
    """Counts of countries, BRI signatories, agreements, projects and sources; the latest events."""
    with open_db(db) as lz:
        data = lz.overview(as_of=as_of)
    counts = data.counts
    if fmt is Format.json:
        emit_json(data)
        return
    undated = data.undated if data.as_of else {}
    if fmt is Format.csv:
        metrics = counts | {f"undated_{k}_not_counted": n for k, n in undated.items()}
        emit(pd.DataFrame({"metric": list(metrics), "value": list(metrics.values())}), fmt)
        return
    when = f" as of {data.as_of}" if data.as_of else ""
    lines = [
        f"Countries: [bold]{counts['countries']}[/bold] "
        f"({counts['celac_states']} CELAC states and China), "
        f"plus {counts['territories']} territories",
        f"BRI participants: [bold]{counts['bri_signatories']}[/bold] ({counts['bri_ever_joined']} have ever joined)",
        f"Agreements signed: [bold]{counts['agreements']}[/bold]   Events: {counts['events']}",
        f"Projects: [bold]{counts['projects']}[/bold]   Observations: {counts['observations']}",
        f"Sources: [bold]{counts['sources']}[/bold]",
    ]
    console.print(Panel("\n".join(lines), title=f"Lazos{when}", expand=False))
    if undated.get("events") or undated.get("projects"):
        console.print(f"[dim]{_undated_note(undated)}[/dim]")
    emit(
        data.recent_events,
        fmt,
        {
            "date": "Date",
            "country": "Country",
            "label": "Event",
            "detail": "Detail",
            "source_url": "Source",
        },
        title="Most recent events",
    )


def _undated_note(undated: dict[str, int]) -> str:
    """Why counts as of a date miss facts the current view counts: those with no date."""
    parts = []
    if undated["events"]:
        of_which = f", {undated['agreements']} of them agreements" if undated["agreements"] else ""
        parts.append(f"{undated['events']} event{'s' if undated['events'] != 1 else ''}{of_which}")
    if undated["projects"]:
        parts.append(f"{undated['projects']} project{'s' if undated['projects'] != 1 else ''} with no dated milestone")
    total = undated["events"] + undated["projects"]
    return (
        f"{total} undated fact{'s' if total != 1 else ''} not counted as of a date ({'; '.join(parts)}): "
        "the current view (without --as-of) counts them."
    )


# ---------------------------------------------------------------------------- countries


@app.command()
@paged
def countries(
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = None,
    sort: SortOpt = None,
) -> None:
    """The 33 CELAC states, China and territories, with their ties to China."""
    with open_db(db) as lz:
        df = lz.countries(as_of=as_of)
    emit(
        df,
        fmt,
        {
            "iso3": "ISO3",
            "name_en": "Name",
            "name_zh": "中文",
            "subregion": "Subregion",
            "kind": "Kind",
            "prc_relations_since": "Relations with PRC since",
            "bri_status": "BRI",
            "bri_joined": "Joined BRI",
        },
        limit=limit,
        sort=sort,
        default_limit=0,  # the reference list: every country unless --limit
    )


# A country page shows this many rows per section unless --limit says otherwise.
COUNTRY_LIMIT = 15


@app.command()
@paged
def country(
    name: Annotated[str, typer.Argument(help="ISO code or name in English, Spanish, Portuguese or Chinese.")],
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            min=0,
            show_default=False,
            help=f"Rows per section (default: {COUNTRY_LIMIT} in a table, all in CSV and JSON; 0 shows all).",
        ),
    ] = None,
) -> None:
    """One country: its ties timeline with sources, its projects, its latest indicators.

    NAME may be an ISO code or a name in any of the four languages, accents and case
    ignored: `lazos country 阿根廷`, `lazos country peru`, `lazos country "República Dominicana"`.
    With --format csv the timeline is printed; --format json gives everything. Projects
    come largest first (by their US dollar amount).
    """
    with open_db(db) as lz:
        profile = lz.country(name, as_of=as_of)
    if fmt is Format.json:
        if limit:
            profile = dataclasses.replace(
                profile,
                events=profile.events.with_frame(profile.events.frame.head(limit)),
                projects=profile.projects.with_frame(profile.projects.frame.head(limit)),
                indicators=profile.indicators.with_frame(profile.indicators.frame.head(limit)),
            )
        emit_json(profile)
        return
    if fmt is Format.csv:
        emit(profile.events, fmt, limit=limit)
        return
    projects = profile.projects.frame
    section = {"limit": limit, "default_limit": COUNTRY_LIMIT}
    info = {k: plain(v) for k, v in profile.info.items()}
    when = f" — as of {profile.as_of}" if profile.as_of else ""
    relations = info.get("prc_relations_since")
    bri = info.get("bri_status")
    lines = [
        f"{info['name_en']} · {info['name_es']} · {info['name_pt']} · {info['name_zh']}",
        f"{info['iso3']} / {info.get('iso2') or '—'} · {info.get('subregion') or info['kind']}"
        + (" · CELAC member" if info.get("celac") else ""),
        "Diplomatic relations with the PRC: "
        + (f"since {relations}" if relations else "none recorded (recognises Taipei or not yet established)"),
        "Belt and Road Initiative: " + (f"{bri}, joined {info.get('bri_joined')}" if bri else "has not joined"),
    ]
    console.print(Panel("\n".join(lines), title=f"{info['name_en']}{when}", expand=False))
    events = profile.events.frame
    emit(
        profile.events,
        fmt,
        {
            "date": "Date",
            "label": "Event",
            "detail": "Detail",
            "confidence": "Confidence",
            "alt": "Alt.",
            "source_url": "Source",
        },
        title="Ties with China",
        shown={"alt": events["alternatives"].map(lambda n: f"+{n}" if n else "")},
        **section,
    )
    emit(
        profile.projects,
        fmt,
        {
            "name": "Project",
            "subsector": "Type",
            "status": "Status",
            "value": "Amount",
            "amount_kind": "Measures",
            "source_url": "Source",
        },
        title="Projects",
        shown={"value": [amount_text(r) for r in projects.to_dict("records")]},
        **section,
    )
    if profile.indicators.empty:
        console.print("[dim]Indicators: no indicator series for this country yet.[/dim]")
    else:
        indicators = profile.indicators.frame
        emit(
            profile.indicators,
            fmt,
            {
                "indicator_name": "Indicator",
                "partner": "Partner",
                "period": "Period",
                "shown": "Value",
                "unit": "Unit",
                "source_url": "Source",
            },
            title="Latest indicators",
            shown={"shown": [value_text(v, u) for v, u in zip(indicators["value"], indicators["unit"], strict=True)]},
            **section,
        )
    console.print(
        f"[dim]Alt. = other sourced values for the same event: `lazos events --country {profile.iso3} --all`.[/dim]"
    )


# ---------------------------------------------------------------------------- lists


@app.command()
@paged
def events(
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    country: Annotated[str | None, typer.Option("--country", "-c", help="Country name or code.")] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", "-k", help="Event kind (repeatable).")] = None,
    category: Annotated[
        str | None,
        typer.Option(help="Category: diplomacy, agreement, implementation, membership, finance or forum."),
    ] = None,
    all_values: Annotated[
        bool, typer.Option("--all", help="Show every sourced assertion, not only headlines.")
    ] = False,
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = None,
    sort: SortOpt = None,
) -> None:
    """Dated ties with China: relations, BRI documents, agreements, memberships, forums."""
    with open_db(db) as lz:
        df = lz.events(
            as_of=as_of,
            country=country,
            kind=kind,
            category=category,
            include_alternatives=all_values,
        )
    columns = {
        "date": "Date",
        "country": "Country",
        "label": "Event",
        "detail": "Detail",
        "confidence": "Confidence",
        "source_url": "Source",
    }
    if all_values:
        columns = {"event_key": "Event", **columns, "is_headline": "Headline"}
        del columns["label"]
    emit(df, fmt, columns, limit=limit, sort=sort)


@app.command()
@paged
def projects(
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    country: Annotated[str | None, typer.Option("--country", "-c", help="Country name or code.")] = None,
    sector: Annotated[str | None, typer.Option(help="Sector, e.g. transport or energy.")] = None,
    status: Annotated[str | None, typer.Option(help="Status, e.g. operational or cancelled.")] = None,
    year_from: Annotated[
        int | None, typer.Option("--from", help="Only projects with a dated milestone in or after this year.")
    ] = None,
    year_to: Annotated[
        int | None, typer.Option("--to", help="Only projects with a dated milestone in or before this year.")
    ] = None,
    amount_min: Annotated[float | None, typer.Option("--min", help="Only projects of at least this many US$.")] = None,
    amount_max: Annotated[float | None, typer.Option("--max", help="Only projects of at most this many US$.")] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", "-q", help="Only projects whose name, description or entities hold these words."),
    ] = None,
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = None,
    sort: SortOpt = None,
) -> None:
    """China-linked projects with their headline amount and status (as of a date), largest first.

    The amount filters and the order read each project's headline amount in US dollars
    (nominal, else at constant prices); projects without one come last.
    """
    with open_db(db) as lz:
        found = lz.projects(
            as_of=as_of,
            country=country,
            sector=sector,
            status=status,
            year_from=year_from,
            year_to=year_to,
            amount_min=amount_min,
            amount_max=amount_max,
            q=search,
            sort="-amount_usd",
        )
    df = found.frame
    emit(
        found,
        fmt,
        {
            "countries": "Country",
            "name": "Project",
            "sector": "Sector",
            "status": "Status",
            "value": "Amount",
            "amount_kind": "Measures",
            "source_url": "Source",
        },
        limit=limit,
        sort=sort,
        sort_keys={"value": df["amount_usd"]},
        shown={"value": [amount_text(r) for r in df.to_dict("records")]},
    )


@app.command()
@paged
def project(
    name: Annotated[str, typer.Argument(help="Project id, or a word or two of its name.")],
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """One project: its description, dated milestones and every sourced amount.

    NAME is a project id (as `lazos projects --format csv` lists them) or part of its name,
    accents and case ignored: `lazos project "bogota metro"`.
    """
    with open_db(db) as lz:
        data = lz.project(name, as_of=as_of)
    if fmt is Format.json:
        emit_json(data)
        return
    if fmt is Format.csv:
        emit(data.amounts, fmt)
        return
    p = {k: plain(v) for k, v in data.project.items()}
    where = f"{p['lat']}, {p['lon']} ({p['location_note']})" if p.get("lat") is not None else "not recorded"
    status = p.get("status") or "unknown"
    lines = [
        f"{p['countries']} · {p['sector']} / {p.get('subsector') or '—'} · status: {status}",
        f"Chinese entities: {p.get('chinese_entities') or '—'}",
        f"Location: {where}",
        f"Confidence: {p['confidence']} · source: {p.get('source_label')} {p.get('source_url') or ''}",
    ]
    if p.get("note"):
        lines.append(f"Note: {p['note']}")
    console.print(Panel(Text("\n".join(lines)), title=p["name"], expand=False))
    emit(
        data.milestones,
        fmt,
        {
            "date": "Date",
            "milestone": "Milestone",
            "confidence": "Confidence",
            "note": "Note",
            "source_url": "Source",
        },
        title="Milestones",
    )
    amounts = data.amounts.frame
    emit(
        data.amounts,
        fmt,
        {
            "amount_kind": "Measures",
            "shown": "Amount",
            "usd": "US$ (nominal)",
            "qualifier": "Qualifier",
            "confidence": "Confidence",
            "headline": "Headline",
            "source_url": "Source",
        },
        title="Amounts (every sourced value)",
        shown={
            "shown": [money(v, c) for v, c in zip(amounts["value"], amounts["currency"], strict=True)],
            "usd": [money(v, "USD") for v in amounts["usd_nominal"]],
            "headline": ["yes" if h else "" for h in amounts["is_headline"]],
        },
    )


@app.command()
@paged
def observations(
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    indicator: Annotated[
        list[str] | None, typer.Option("--indicator", "-i", help="Indicator code (repeatable).")
    ] = None,
    entity: Annotated[str | None, typer.Option(help="Country or aggregate (e.g. CHN, LAC).")] = None,
    partner: Annotated[str | None, typer.Option(help="Partner country or aggregate.")] = None,
    all_values: Annotated[bool, typer.Option("--all", help="Show every sourced value, not only headlines.")] = False,
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = None,
    sort: SortOpt = None,
) -> None:
    """Indicator values: one headline per entity, indicator and period (--all for every source)."""
    with open_db(db) as lz:
        df = lz.observations(
            as_of=as_of,
            indicator=indicator,
            entity=entity,
            partner=partner,
            include_alternatives=all_values,
        )
    rows = df.frame
    columns = {
        "indicator": "Indicator",
        "entity": "Entity",
        "partner": "Partner",
        "period": "Period",
        "shown": "Value",
        "unit": "Unit",
        "qualifier": "Qualifier",
        "confidence": "Confidence",
        "source_url": "Source",
    }
    if all_values:
        columns["is_headline"] = "Headline"
    else:
        columns["alternatives"] = "Alt."
    emit(
        df,
        fmt,
        columns,
        limit=limit,
        sort=sort,
        sort_keys={"shown": rows["value"]},
        shown={"shown": [value_text(v, u) for v, u in zip(rows["value"], rows["unit"], strict=True)]},
    )


@app.command()
@paged
def indicators(db: DbOpt = None, fmt: FormatOpt = Format.table, limit: LimitOpt = None, sort: SortOpt = None) -> None:
    """The indicator code list: what each series measures and in which unit."""
    with open_db(db) as lz:
        df = lz.indicators()
    emit(
        df,
        fmt,
        {
            "indicator": "Indicator",
            "name": "Name",
            "unit": "Unit",
            "topic": "Topic",
            "observations": "Values",
        },
        limit=limit,
        sort=sort,
    )


@app.command()
@paged
def sources(
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = None,
    sort: SortOpt = None,
) -> None:
    """What the data rest on: every source, its licence, and how many facts cite it."""
    with open_db(db) as lz:
        df = lz.sources(as_of=as_of)
    emit(
        df,
        fmt,
        {
            "source_id": "Source",
            "kind": "Kind",
            "publisher": "Publisher",
            "url": "URL",
            "licence": "Licence",
            "facts": "Facts",
        },
        limit=limit,
        sort=sort,
    )


# ---------------------------------------------------------------------------- query, export

# `lazos query` stops after this many seconds, and may use this much memory (DuckDB's work and
# the result each): a mistyped join must not hang the terminal or exhaust the machine.
QUERY_TIMEOUT_S = 60.0
QUERY_MEMORY_LIMIT = "2GB"


@app.command()
@paged
def query(
    sql: Annotated[str, typer.Argument(help="One SELECT statement.")],
    db: DbOpt = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0, help="Stop the query after this many seconds (0: no limit).")
    ] = QUERY_TIMEOUT_S,
    memory_limit: Annotated[
        str, typer.Option("--memory-limit", help="Memory the query and its result may each use, e.g. 2GB or 500MB.")
    ] = QUERY_MEMORY_LIMIT,
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = None,
) -> None:
    """Run a read-only SQL query (DuckDB dialect). Anything that writes is refused.

    Tables: source, country, country_alias, event_kind, event, project, project_country,
    project_milestone, project_amount, project_external_id, indicator, observation. Rows
    with retired_at set are earlier versions; current rows have retired_at IS NULL. Saved
    analyses: analysis_run, analysis_score, analysis_measure, analysis_alert. Ctrl-C stops
    a query, and so do --timeout and --memory-limit.
    """
    with open_db(db) as lz:
        df = lz.query(sql, timeout=timeout or None, memory_limit=memory_limit)
    emit(df, fmt, limit=limit)


@app.command()
def export(
    outdir: Annotated[Path, typer.Argument(help="Folder to write to (created if missing).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, parquet, json or datapackage (a zip).")] = "csv",
    db: DbOpt = None,
) -> None:
    """Export the whole database as a re-importable data package (`lazos build --from OUTDIR`)."""
    with open_db(db) as lz:
        report = lz.export(outdir, fmt)
    console.print(f"Exported to {report.path}")


# ---------------------------------------------------------------------------- analytics

app.command("index")(analytics_cli.index)
app.command("risk")(analytics_cli.risk)
app.command("alerts")(analytics_cli.alerts)
app.command("opportunities")(analytics_cli.opportunities)
app.add_typer(analytics_cli.analyses_app, name="analyses")

# ---------------------------------------------------------------------------- documents

app.command("ingest")(documents_cli.ingest)
app.command("extract")(documents_cli.extract)
app.command("claims")(documents_cli.claims)
app.command("documents")(documents_cli.documents)
app.command("serve")(serve_cli.serve)
app.command("monitor")(monitor_cli.monitor)
app.command("news")(news_cli.news)
app.command("brief")(brief_cli.brief)


def run() -> None:
    """Console entry point: user errors become one line on stderr and exit status 1."""
    try:
        app()
    except LazosError as exc:
        errors.print(f"lazos: error: {exc}", markup=False, highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        errors.print("lazos: interrupted", markup=False)
        sys.exit(130)
    except SystemExit as exc:
        if exc.code == 130:  # Typer turns Ctrl-C into a silent exit 130
            errors.print("lazos: interrupted", markup=False)
        raise


__all__ = ["app", "run", "table", "text"]
