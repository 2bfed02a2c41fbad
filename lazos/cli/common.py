"""What every command shares: the database, --as-of and --format options, and opening the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from lazos.api import Lazos
from lazos.api import build as build_database
from lazos.cli.output import DEFAULT_LIMIT, Format, guarded
from lazos.errors import DatabaseError
from lazos.paths import default_db_path

# One line per error whatever the width (soft wrap), and no terminal controls from quoted file content.
errors = guarded(Console(stderr=True, soft_wrap=True))

DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Database file (default: $LAZOS_DB or the user data directory).",
        show_default=False,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Answer as of this date: YYYY, YYYY-MM or YYYY-MM-DD.", show_default=False),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
LimitOpt = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-n",
        min=0,
        show_default=False,
        help=f"Show at most N rows (default: {DEFAULT_LIMIT} in a table, every row in CSV and JSON; 0 shows all).",
    ),
]
SortOpt = Annotated[
    str | None,
    typer.Option(
        "--sort",
        show_default=False,
        help="Sort rows by a column, named by its header or CSV name (e.g. amount, date); -NAME sorts descending.",
    ),
]


def db_defaults(group: Any, db: Path) -> dict[str, Any]:
    """A click default map giving ``db`` to every command, at any depth, that takes --db.

    This is how `lazos --db X COMMAND` reaches the command: its --db option then defaults to X
    (a --db after the command still wins, and $LAZOS_DB applies when neither is given), so a
    database named before the command is treated exactly as one named after it.
    """
    out: dict[str, Any] = {}
    for name, command in getattr(group, "commands", {}).items():
        if hasattr(command, "commands"):  # a group (typer's click is private: no isinstance)
            out[name] = db_defaults(command, db)
        elif any(param.name == "db" for param in command.params):
            out[name] = {"db": db}
    return out


def open_db(db: Path | None) -> Lazos:
    """Open the database; the default one is built from the embedded data on first use."""
    path = db or default_db_path()
    if not path.exists():
        if db is not None:
            raise DatabaseError(f"no Lazos database at {path}: run `lazos build --db {path}` first")
        errors.print(f"[dim]First run: building the embedded database at {path}…[/dim]")
        build_database(path)
    return Lazos(path)


def db_for_writing(db: Path | None) -> Path:
    """The database a writing command (import, ingest, monitor) works on: the default one is
    built from the embedded data on first use, as ``open_db`` does for reading."""
    path = db or default_db_path()
    if not path.exists() and db is None:
        errors.print(f"[dim]First run: building the embedded database at {path}…[/dim]")
        build_database(path)
    return path


def progress_bar(*, transient: bool = True) -> Any:
    """A progress bar on stderr: what is being done, the bar, done of total, time so far."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=errors, transient=transient)
