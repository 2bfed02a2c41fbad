"""What every connector gets to work with: its protocol (:class:`Connector`), the run's
:class:`Context`, and :func:`connector`, the lookup in the registry (lazos.sources.registry).

A connector is a module that reads one dataset's raw files and stages their rows; it never
writes to the store itself. It says what it is and does in one place, a ``CONNECTOR =
Connector(...)`` at its end:

* ``name``, ``title``, ``description`` (one line for help) and ``layouts`` (the files it reads);
* ``stage(path, staging, ctx) -> str``: read one raw file in any of the layouts the dataset is
  published in, check it, and stage its rows (returns a one-line description);
* ``snapshot(raw_dir, staging, ctx) -> list[str]``: stage the files of ``raw_dir`` that go
  into the embedded dataset;
* ``finish(staging, ctx)``: stage what the files of one run say together (for datasets whose
  files describe the same records), called after the last ``stage``; by default nothing;
* ``fetch``: for a dataset with an API, a :class:`Fetch`, whose options become ``lazos fetch NAME``.

docs/data-sources.md ("Writing a connector") tells how to add one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from lazos.dates import parse_fuzzy
from lazos.errors import InvalidDateError, LazosError
from lazos.sources.common import file_sha256, source_row
from lazos.sources.entities import EntityResolver
from lazos.store.staging import Staging


@dataclass
class Context:
    """Shared state of one import or snapshot run."""

    con: duckdb.DuckDBPyConnection
    resolver: EntityResolver
    now: datetime
    vintage: str | None = None  # the publication date the user gave with --vintage
    encoding: str | None = None  # the encoding the user gave with --encoding
    progress: Callable[[str], None] = lambda message: None
    options: dict[str, Any] = field(default_factory=dict)
    cleanup: list[Path] = field(default_factory=list)  # temporary files to delete after the run
    temp_dir: Path | None = None  # where temporary copies go (an import: beside its database)
    _counter: int = 0

    def temp_name(self, prefix: str) -> str:
        """A fresh temporary table name (files of one run must not overwrite each other)."""
        self._counter += 1
        return f"_{prefix}_{self._counter}"

    def retrieved(self) -> str:
        return self.now.date().isoformat()

    def stored(self, resource_table: str, column: str) -> set[str]:
        """Values of a column among the current rows of a table (e.g. known indicators)."""
        return {
            r[0]
            for r in self.con.execute(
                f'SELECT DISTINCT "{column}" FROM {resource_table} WHERE retired_at IS NULL'
            ).fetchall()
        }

    def given_vintage(self) -> str | None:
        if self.vintage is None:
            return None
        try:
            parse_fuzzy(self.vintage)
        except InvalidDateError as exc:
            raise LazosError(f"--vintage: {exc}") from exc
        return self.vintage


def no_finish(staging: Staging, ctx: Context) -> None:
    """Nothing to stage once the run's files are read (each file stands alone)."""


@dataclass(frozen=True)
class FetchOption:
    """One option of ``lazos fetch NAME``: ``--name``, and the ``Fetch.run`` keyword it sets.

    The option's kind follows from ``default``: a boolean is an on/off flag; with ``multiple``
    the option repeats and gives a list; otherwise it takes one text value.
    """

    name: str  # the command-line option, --NAME (underscores as dashes)
    help: str
    keyword: str = ""  # the keyword of Fetch.run it sets, when not the option's name
    required: bool = False
    multiple: bool = False
    default: str | bool | None = None
    convert: Callable[[Any], Any] | None = None  # the option's value -> the keyword's, when they differ

    @property
    def target(self) -> str:
        return self.keyword or self.name


@dataclass(frozen=True)
class Fetch:
    """How a connector downloads from its publisher's API (``lazos fetch NAME``)."""

    help: str  # one line: what the command downloads
    run: Callable[..., str]  # run(staging, ctx, **request) -> a one-line description of what it staged
    options: tuple[FetchOption, ...]

    def request(self, values: dict[str, Any]) -> dict[str, Any]:
        """The keywords of ``run`` for the command-line options' values (keyed by option name)."""
        out = {}
        for option in self.options:
            value = values.get(option.name, option.default)
            if option.multiple:
                value = list(value or [])
            out[option.target] = option.convert(value) if option.convert else value
        return out


@dataclass(frozen=True)
class Connector:
    """What every dataset connector provides (see the module docstring); registered in
    lazos.sources.registry and looked up by :func:`connector`."""

    name: str  # the SOURCE of `lazos import SOURCE FILE...`
    title: str
    description: str  # one line, for help
    layouts: tuple[str, ...]  # the files it reads (names, layouts, extensions), for help
    stage: Callable[[Path, Staging, Context], str]
    snapshot: Callable[[Path, Staging, Context], list[str]]
    finish: Callable[[Staging, Context], None] = no_finish
    fetch: Fetch | None = None

    def help(self) -> str:
        """``name: description. Files: layouts.``, the connector's line in the import command's help."""
        return f"{self.name}: {self.description}. Files: {'; '.join(self.layouts)}."


def connector(name: str) -> Connector:
    """The registered connector called ``name``, else an error listing those there are."""
    from lazos.sources.registry import REGISTRY  # (the connector modules import this module)

    if name not in REGISTRY:
        raise LazosError(f"unknown source {name!r} (choose from {', '.join(REGISTRY)})")
    return REGISTRY[name]


def origin_of(ctx: Context, path: Path) -> dict[str, Any]:
    """The origin record of a raw file (sources/origins.yaml) when the file is that one.

    A record is found by file (or folder) name and used only if the checksum it lists is the
    file's: a different file under a known name gets no borrowed provenance.
    """
    origins = ctx.options.get("origins", {})
    record = origins.get(path.name) or origins.get(path.parent.name) or {}
    if not record:
        return {}
    digest = folder_sha256(path) if path.is_dir() else file_sha256(path)
    if digest in (record.get("sha256"), (record.get("files") or {}).get(path.name)):
        return record
    return {}


def raw_file_source(
    ctx: Context, origin: dict[str, Any], *, title: str, url: str | None, **values: Any
) -> dict[str, Any]:
    """The source row of a raw file: what the connector says of it, with the title and address
    of the file's origin record (origins.yaml) first, and its retrieval date, else today's."""
    return source_row(
        title=origin.get("title") or title,
        url=origin.get("url") or url,
        retrieved=origin.get("retrieved") or ctx.retrieved(),
        **values,
    )


def folder_sha256(path: Path, pattern: str = "*.geojson") -> str:
    """A checksum of a folder of files: their names and checksums, in name order."""
    import hashlib

    digest = hashlib.sha256()
    for file in sorted(path.glob(pattern)):
        digest.update(file.name.encode() + b"\0" + file_sha256(file).encode())
    return digest.hexdigest()


def load_origins() -> dict[str, dict[str, Any]]:
    from importlib import resources as importlib_resources

    import yaml

    text = importlib_resources.files("lazos.sources").joinpath("origins.yaml").read_text("utf-8")
    return {
        k: {f: (v if isinstance(v, dict) else str(v) if v is not None else None) for f, v in rec.items()}
        for k, rec in yaml.safe_load(text).items()
    }


def sha8(path: Path) -> str:
    return file_sha256(path)[:8]
