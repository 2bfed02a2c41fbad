"""``lazos brief``: a country's or the region's brief (HTML, PDF or Markdown) in four languages.

``lazos brief argentina --lang zh -o ar.pdf`` writes one brief (the format follows the file's
suffix, or --format); ``--region`` the region's; ``--all -o DIR`` every CELAC state's and the
region's, in parallel across processes, with a progress bar.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lazos.api import Lazos
from lazos.briefs import FORMATS  # the rest of lazos.briefs is imported when a brief is asked for
from lazos.cli.common import AsOfOpt, DbOpt, errors, open_db, progress_bar
from lazos.cli.output import console
from lazos.errors import LazosError
from lazos.web.pages.i18n import LANGS


def _format(fmt: str | None, output: Path | None) -> str:
    """The format asked for, else the output file's suffix, else PDF; a mismatch is an error."""
    suffix = output.suffix.lower().lstrip(".") if output is not None and output.suffix else None
    if suffix == "markdown":
        suffix = "md"
    if fmt and suffix and suffix in FORMATS and fmt != suffix:
        raise LazosError(
            f"--format {fmt} does not match the file name {output}: use a .{fmt} file or leave --format out"
        )
    return fmt or (suffix if suffix in FORMATS else None) or "pdf"


def brief(
    country: Annotated[
        str | None, typer.Argument(help="Country name or code (a CELAC state); leave out with --region or --all.")
    ] = None,
    region: Annotated[bool, typer.Option("--region", help="The brief of Latin America and the Caribbean.")] = False,
    all_: Annotated[
        bool, typer.Option("--all", help="Every CELAC state's brief and the region's, into the folder -o names.")
    ] = False,
    lang: Annotated[str, typer.Option("--lang", "-l", help=f"Language: {', '.join(LANGS)}.")] = "en",
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="html, pdf or md (default: the output file's suffix, else pdf).", show_default=False
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The file to write (a folder with --all; default: lazos-brief-ISO3-LANG.FORMAT here, or briefs/).",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-j", min=1, help="With --all: processes (default: the cores, at most 8).", show_default=False
        ),
    ] = None,
    db: DbOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """A brief to hand on: ties, connectivity, risk, alerts, trade, finance, projects and claims.

    2–4 pages, every figure footnoted to its source, the methods' versions, the data's date and
    the as-of date printed, charts drawn from the web app's specifications. HTML is one
    self-contained file; a Markdown brief writes its images in a folder beside it.
    """
    from lazos.briefs.render import check, file_stem, make_brief

    if sum([country is not None, region, all_]) != 1:
        raise LazosError("name a country, or give --region or --all (one of them)")
    chosen = _format(fmt, None if all_ else output)
    check(lang, chosen)
    with open_db(db) as database:
        if all_:
            _all(database, output or Path("briefs"), lang, chosen, as_of, workers)
            return
        target = None if region else database.resolve_country(country or "")
        path = output or Path(f"{file_stem(target, lang, as_of)}.{chosen}")
        made = make_brief(database, target, lang=lang, fmt=chosen, as_of=as_of, stem=path.stem)
        files = made.write(path)
    errors.print(f"[green]Wrote[/green] {path} ({_size(files)}){_with_images(files)}", highlight=False)


def _size(files: list[Path]) -> str:
    size = sum(f.stat().st_size for f in files)
    return f"{size / 1024:,.0f} KB" if size < 1 << 20 else f"{size / (1 << 20):,.1f} MB"


def _with_images(files: list[Path]) -> str:
    return f" and {len(files) - 1} images in {files[1].parent}" if len(files) > 1 else ""


def _all(database: Lazos, outdir: Path, lang: str, fmt: str, as_of: str | None, workers: int | None) -> None:
    from lazos.briefs.batch import Done, default_workers, jobs, make_all

    if outdir.exists() and not outdir.is_dir():
        raise LazosError(f"--all writes into a folder, and {outdir} is a file")
    outdir.mkdir(parents=True, exist_ok=True)
    todo = jobs(database, outdir, [lang], [fmt], as_of)
    n = workers or default_workers()
    failed: list[Done] = []
    with progress_bar(transient=False) as bar:  # its last state stays: how many were written, in how long
        task = bar.add_task("Briefs", total=len(todo))

        def advance(done: Done) -> None:
            if done.error:
                failed.append(done)
            bar.update(task, advance=1, description=f"Briefs: {done.job.path.name}")

        make_all(database.path, todo, n, advance)
    for done in failed:
        errors.print(f"lazos: error: {done.job.path.name}: {done.error}", markup=False, highlight=False)
    made = len(todo) - len(failed)
    console.print(f"{made} of {len(todo)} briefs written to {outdir} by {n} worker{'s' if n > 1 else ''}")
    if failed:
        raise typer.Exit(1)
