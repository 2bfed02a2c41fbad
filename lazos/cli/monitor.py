"""``lazos monitor``: GDELT events and the articles behind them, into the store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from lazos import api
from lazos.cli.common import DbOpt, db_for_writing, errors, progress_bar
from lazos.cli.output import console
from lazos.errors import LazosError


def _since(text: str | None) -> datetime | None:
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y%m%d%H%M%S", "%Y-%m"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise LazosError(f"invalid --since {text!r}: expected YYYY-MM-DD, YYYY-MM-DDTHH:MM or YYYY-MM")


def monitor(
    db: DbOpt = None,
    from_dir: Annotated[
        Path | None,
        typer.Option("--from-dir", help="A folder of GDELT 2.0 files (events, mentions, GKG; zipped or not): offline."),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only files from this UTC date or time on (YYYY-MM-DD[THH:MM]).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Local Ray worker processes (default: one per core).")
    ] = None,
    address: Annotated[
        str | None, typer.Option(help="A running Ray cluster to use instead of local workers (e.g. ray://head:10001).")
    ] = None,
    articles: Annotated[
        Path | None,
        typer.Option(
            help="An article archive: a folder with manifest.csv (url,file); its articles are read for claims."
        ),
    ] = None,
    lake: Annotated[
        Path | None, typer.Option(help="Where the Delta tables between stages go (default: lake/ beside the database).")
    ] = None,
    online: Annotated[
        bool, typer.Option("--online", help="Download GDELT's new files (and articles not in the archive).")
    ] = False,
    chunk: Annotated[int, typer.Option(min=1, help="Files per transaction.")] = 96,
) -> None:
    """Follow the news: GDELT events that involve China and a LAC state, and the claims of their articles.

    Reads GDELT 2.0 15-minute files (from --from-dir, or downloaded with --online), keeps the
    events and articles that involve China and a Latin American or Caribbean state, reads the
    articles whose text is at hand with the claim extractor, and loads them into the store
    with history. Runs on Ray (local workers, or a cluster with --address). Running it again
    over the same files changes nothing; a run that was killed is taken up where it stopped.
    """
    path = db_for_writing(db)
    with progress_bar() as bar:
        task = bar.add_task("Monitor: listing files", total=None)

        def progress(message: str, done: int, total: int) -> None:
            bar.update(task, description=f"Monitor: {message}", completed=done, total=total or None)

        report = api.monitor(
            db=path,
            from_dir=from_dir,
            since=_since(since),
            workers=workers,
            address=address,
            lake_dir=lake,
            articles=articles,
            online=online,
            chunk_files=chunk,
            progress=progress,
        )
    out = console.print
    if report.not_gdelt:
        out(
            Text(
                f"left aside {len(report.not_gdelt)} file(s) that are not GDELT files: {', '.join(report.not_gdelt)}",
                style="dim",
            )
        )
    if report.files_already_loaded:
        out(Text(f"{report.files_already_loaded} file(s) already loaded: nothing to do for them"))
    if report.files_loaded == 0 and not report.files_failed:
        out("Nothing new to load." if report.files_found else "No GDELT files found.")
    else:
        out(Text(f"read {report.files_loaded} file(s), {report.rows_read:,} rows, on {report.workers} Ray CPU(s)"))
        out(
            Text(
                f"China–LAC events: {report.events_selected} selected, {report.events_inserted} added, "
                f"{report.events_retired} retired"
            )
        )
        if report.articles:
            hint = "" if articles or online else " (their text is not at hand: give --articles ARCHIVE, or --online)"
            out(
                Text(
                    f"articles: {report.articles} behind the selection, {report.articles_read} read, "
                    f"{report.claims} claims{hint}"
                )
            )
        out(Text(f"lake (Delta tables between stages): {report.lake}", style="dim"))
    for failed in report.files_failed:
        errors.print(Text(f"not read (left for the next run): {failed}", style="yellow"))
    if report.bad_rows:
        errors.print(Text(f"{report.bad_rows} row(s) could not be read and were left out:", style="yellow"))
        for bad in report.bad_row_examples:
            errors.print(Text(f"  {bad.file}, line {bad.line}: {bad.message}"))
        if report.bad_rows > len(report.bad_row_examples):
            errors.print(Text(f"  … all of them are in the lake's bad_rows table ({report.lake}/bad_rows)"))
