"""``lazos ingest``, ``extract``, ``claims`` and ``documents``: reading reports and news."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from lazos.cli.common import DbOpt, FormatOpt, LimitOpt, SortOpt, errors, open_db
from lazos.cli.output import (
    Format,
    arrange,
    console,
    dumps,
    emit,
    emit_json,
    more,
    paged,
    print_table,
    visible,
)
from lazos.formatting import quantity


def shown(value: float, unit: str) -> str:
    """A claim's normalised value as read: US$485.8 bn, 18.9%, 2 times, 192 count."""
    return quantity(value, unit) if unit not in ("count", "times") else f"{value:g} {unit}"


class ExtractFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"
    json = "json"
    csv = "csv"


def ingest(
    targets: Annotated[list[str], typer.Argument(help="Files (text, HTML, PDF) or http(s) URLs.", show_default=False)],
    db: DbOpt = None,
) -> None:
    """Read documents into the database: the text, its paragraphs and languages, every claim.

    Plain text in any common encoding, HTML (main text only: navigation, share buttons and
    scripts are dropped) and PDF (its text layer). Each document is stored in one transaction;
    reading the same bytes again changes nothing. A document that cannot be read is reported
    and leaves the database as it was.
    """
    from lazos import api

    open_db(db).close()
    report = api.ingest(targets, db=db)
    for result in report.read:
        state = "stored" if result.changed else "unchanged"
        console.print(
            visible(
                f"{result.doc_id}  {result.name}: {result.paragraphs} paragraphs"
                f" ({result.languages or 'no text'}), {result.claims} claims [{state}]"
            ),
            markup=False,
            highlight=False,
        )
    for refused in report.refused:
        errors.print(f"lazos: error: {refused}", markup=False, highlight=False)
    if report.refused:
        raise typer.Exit(1)


@paged
def extract(
    files: Annotated[list[Path], typer.Argument(help="Text, HTML or PDF files.", show_default=False)],
    fmt: Annotated[ExtractFormat, typer.Option("--format", "-f", help="Output format.")] = ExtractFormat.table,
) -> None:
    """Print every quantitative claim in documents, without storing anything.

    --format jsonl prints one JSON object per claim: {"doc", "start", "end", "text", "value",
    "unit", "what", "period", "countries", "lang"}, with offsets into the file's text (for
    HTML and PDF, into the text read from them), so that text == file_text[start:end].
    """
    from lazos.documents.extract import extract as extract_claims
    from lazos.documents.ingest import read_path
    from lazos.documents.text import DocumentError

    failed = 0
    out: list[dict[str, Any]] = []
    for path in files:
        try:
            doc = read_path(path)
        except DocumentError as exc:
            failed += 1
            errors.print(f"lazos: error: {exc}", markup=False, highlight=False)
            continue
        extraction = extract_claims(doc.text)
        found = [c.record(path.name) for c in extraction.claims]
        if fmt is ExtractFormat.jsonl:
            for record in found:
                sys.stdout.write(dumps(record, indent=None) + "\n")
            sys.stdout.flush()
        else:
            out += found
    if fmt is ExtractFormat.json:
        emit_json(out)
    elif fmt is ExtractFormat.csv:
        import pandas as pd

        frame = pd.DataFrame(
            out, columns=["doc", "start", "end", "text", "value", "unit", "what", "period", "countries", "lang"]
        )
        frame["countries"] = [";".join(c) for c in frame["countries"]]
        emit(frame, Format.csv)
    elif fmt is ExtractFormat.table:
        table = Table(title=f"Claims ({len(out)})", title_justify="left", header_style="bold")
        for c in ("Doc", "Span", "Text", "Value", "What", "Period", "Countries", "Lang"):
            table.add_column(c, overflow="fold")
        for r in out:
            table.add_row(
                *(
                    Text(visible(cell))
                    for cell in (
                        r["doc"],
                        f"{r['start']}-{r['end']}",
                        r["text"],
                        shown(r["value"], r["unit"]),
                        r["what"] or "",
                        r["period"] or "",
                        ", ".join(r["countries"]),
                        r["lang"],
                    )
                )
            )
        print_table(table)
    if failed:
        raise typer.Exit(1)


# The columns of the claims table, by the names --sort takes (headers or CSV names).
CLAIM_HEADERS = {
    "doc_name": "Document",
    "text": "Claim",
    "value": "Value",
    "period": "Period",
    "countries": "Countries",
    "status": "Check",
}


@paged
def claims(
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document (id or name).")] = None,
    status: Annotated[
        str | None, typer.Option("--status", "-s", help="consistent, inconsistent or unverifiable.")
    ] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    limit: LimitOpt = None,
    sort: SortOpt = None,
) -> None:
    """Claims read from documents, checked against Lazos's data, with the evidence on both sides.

    consistent: Lazos's figure for the same thing and period agrees within the claim's own
    rounding (at least 0.5%; 5% for approximate figures or a different reporting basis);
    inconsistent: it does not, and the difference is shown; unverifiable: Lazos holds no
    comparable figure (the rules are in lazos/documents/checks.yaml).
    """
    with open_db(db) as lz:
        result = lz.claims(doc=doc, status=status)
    total = len(result)
    found, hidden = arrange(result.frame, fmt, limit, sort, CLAIM_HEADERS)
    if fmt is Format.json:
        emit_json(result.with_frame(found))
        return
    if fmt is Format.csv:
        frame = found.drop(columns=["evidence"]).assign(countries=[";".join(c) for c in found["countries"]])
        emit(frame, fmt)
        return
    if found.empty:
        console.print(Text("No claims match.", style="dim"))
        return
    refs: dict[tuple[str, str | None], int] = {}
    table = Table(title=f"Claims ({total})", title_justify="left", header_style="bold")
    for c in ("Document", "Claim", "Value", "Period", "Countries", "Check", "Evidence"):
        table.add_column(c, overflow="fold")
    style = {"consistent": "green", "inconsistent": "bold red", "unverifiable": "dim"}
    for r in found.to_dict("records"):
        marks = []
        for e in r["evidence"][:3]:
            key = (e.get("source") or e.get("source_id") or "", e.get("source_url"))
            refs.setdefault(key, len(refs) + 1)
            marks.append(f"[{refs[key]}]")
        table.add_row(
            Text(f"{visible(r['doc_name'])}\n{r['start']}-{r['end']}"),
            Text(f"“{visible(r['text'])}”\n{visible((r['what'] or '')[:60])}"),
            Text(shown(r["value"], r["unit"])),
            Text(visible(r["period"] or "")),
            Text(visible(", ".join(r["countries"]))),
            Text(r["status"], style=style.get(r["status"], "")),
            Text(visible(r["reason"]) + (" " + " ".join(dict.fromkeys(marks)) if marks else "")),
        )
    print_table(table)
    more(hidden)
    for (label, url), n in refs.items():
        console.print(Text(visible(f"  [{n}] {label}" + (f" {url}" if url else "")), style="dim"), soft_wrap=True)


@paged
def documents(db: DbOpt = None, fmt: FormatOpt = Format.table, limit: LimitOpt = None, sort: SortOpt = None) -> None:
    """Documents read by `lazos ingest`, with their languages and claims."""
    with open_db(db) as lz:
        found = lz.documents()
    emit(
        found,
        fmt,
        {
            "doc_id": "Id",
            "name": "Name",
            "title": "Title",
            "media_type": "Type",
            "languages": "Languages",
            "chars": "Characters",
            "claims": "Claims",
            "paired_paragraphs": "Paired paragraphs",
            "retrieved": "Read on",
        },
        title="Documents",
        limit=limit,
        sort=sort,
    )
