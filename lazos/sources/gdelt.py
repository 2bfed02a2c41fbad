"""Connector: GDELT 2.0 events files (``YYYYMMDDHHMMSS.export.CSV``, zipped or not).

The same parse and China–LAC selection as ``lazos monitor`` (lazos.monitor), for one file at
a time and without an engine: ``lazos import gdelt FILE`` and the embedded dataset (the
China–LAC events of the GDELT files in the raw data folder). Like every import it is all or
nothing: a row that cannot be read stops the import with its file and line (``lazos
monitor`` instead reports such rows and loads the rest).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc

from lazos.errors import DataError, LazosError, ValidationError
from lazos.sources.base import Connector, Context
from lazos.sources.common import file_sha256
from lazos.store.staging import Staging

NAME = "gdelt"
TITLE = "GDELT 2.0 events"


def known_entities(ctx: Context) -> list[str]:
    """Names of the Chinese companies and projects in the store (for the selection)."""
    from lazos.monitor.entities import entity_names

    return entity_names(ctx.con)


def stage(path: Path, staging: Staging, ctx: Context) -> str:
    from lazos.monitor.load import file_source, news_event_rows
    from lazos.monitor.parse import kind_of, parse_file
    from lazos.monitor.select import select_events

    if not path.is_file():
        raise LazosError(f"no such file: {path}")
    kind = kind_of(path)
    if kind != "events":
        raise LazosError(
            f"{path.name} is a GDELT {kind} file: `lazos import gdelt` reads events files "
            "(*.export.CSV); mentions and GKG files are read by `lazos monitor`"
        )
    table = parse_file(path)
    bad = table.filter(pc.is_valid(table["error"]))
    if bad.num_rows:
        raise ValidationError([DataError("invalid-row", r["error"], path.name, r["line"]) for r in bad.to_pylist()])
    selected = select_events(table, known_entities(ctx))
    source = file_source(path.name, kind, file_sha256(path), ctx.retrieved())
    rows = news_event_rows(selected, {path.name: source["source_id"]})
    if rows:
        staging.add_rows("sources", [source], path.name)
        staging.add_rows("news_events", rows, path.name)
    return f"{path.name}: {table.num_rows} events, {len(rows)} involve China and a LAC state"


def snapshot(raw_dir: Path, staging: Staging, ctx: Context) -> list[str]:
    folder = raw_dir / "gdelt"
    return [stage(p, staging, ctx) for p in sorted(folder.glob("*.export.CSV"))]


CONNECTOR = Connector(
    name=NAME,
    title=TITLE,
    description="GDELT 2.0 events (CAMEO-coded, from world news) that involve China and a LAC state",
    layouts=("YYYYMMDDHHMMSS.export.CSV[.zip], tab-separated, 61 columns, no header",),
    stage=stage,
    snapshot=snapshot,
)
