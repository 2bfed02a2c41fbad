"""What every connector gets to work with, and the registry of connectors.

A connector is a module with:

* ``NAME`` and ``TITLE``;
* ``stage(path, staging, ctx) -> str``: read one raw file in any of the layouts the
  dataset is published in, check it, and stage its rows (returns a one-line description);
* ``snapshot(raw_dir, staging, ctx)``: stage the files of ``raw_dir`` that go into the
  embedded dataset;
* optionally ``finish(staging, ctx)``: stage what the files of one run say together (for
  datasets whose files describe the same records), called after the last ``stage``.

Connectors read files and stage rows; they never write to the store themselves.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb

from lazos.dates import parse_fuzzy
from lazos.errors import InvalidDateError, LazosError
from lazos.sources.common import file_sha256, source_row
from lazos.sources.entities import EntityResolver
from lazos.store.staging import Staging

CONNECTORS = ("curated", "wdi", "wgi", "gcdf", "trade", "comtrade", "cameo")


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


def connector(name: str) -> ModuleType:
    if name not in CONNECTORS:
        raise LazosError(f"unknown source {name!r} (choose from {', '.join(CONNECTORS)})")
    return importlib.import_module(f"lazos.sources.{name}")


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


def stage_all(mod: ModuleType, paths: list[Path], staging: Staging, ctx: Context) -> list[str]:
    return [mod.stage(Path(p), staging, ctx) for p in paths]
