"""Load: selected GDELT events (and the claims of the articles read) into the store.

Events become ``news_events`` rows, each citing the GDELT file it came from as its source;
the articles read become documents with their claims, exactly as ``lazos ingest`` stores
them. Everything goes through the store's import (store.importer.run_import), so it is one
transaction per chunk of files, with history: loading the same files again changes nothing,
and a row GDELT changed retires the old version, which stays readable as recorded.

``monitor_file`` (the ledger) gets one row per file in the same transaction, so a file is
loaded once, and a file whose load did not commit is read again from the start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from lazos.sources.common import source_row

GDELT_BASE = "http://data.gdeltproject.org/gdeltv2/"
_STAMP = re.compile(r"(?<!\d)(\d{14})(?!\d)")
_SUFFIX = {"events": "export.CSV.zip", "mentions": "mentions.CSV.zip", "gkg": "gkg.csv.zip"}
_TITLE = {"events": "events", "mentions": "mentions", "gkg": "Global Knowledge Graph 2.1"}


@dataclass(frozen=True)
class FileRecord:
    """One GDELT file as the monitor read it (a row of the ledger, ``monitor_file``)."""

    name: str
    kind: str
    sha256: str
    rows_read: int
    bad_rows: int
    duplicates: int
    selected: int


def file_stamp(name: str) -> datetime | None:
    """The 15-minute slot a GDELT file covers, from its name (``20191024143000.export.CSV``)."""
    m = _STAMP.search(name)
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1), "%Y%m%d%H%M%S")
    except ValueError:
        return None


def file_source(name: str, kind: str, sha256: str, retrieved: str) -> dict[str, Any]:
    """The source row of a GDELT file: its published address, slot and checksum."""
    stamp = file_stamp(name)
    slot = stamp.strftime("%Y%m%d%H%M%S") if stamp else None
    return source_row(
        source_id=f"gdelt-{kind}-{slot or sha256[:16]}",
        kind="dataset",
        title=(
            f"GDELT 2.0 {_TITLE[kind]}, 15-minute file of {stamp:%Y-%m-%d %H:%M} UTC"
            if stamp
            else f"GDELT 2.0 {_TITLE[kind]} ({name})"
        ),
        publisher="The GDELT Project",
        url=f"{GDELT_BASE}{slot}.{_SUFFIX[kind]}" if slot else None,
        licence=None,
        published=stamp.date().isoformat() if stamp else None,
        retrieved=retrieved,
        content_hash=sha256,
        note=f"Read by Lazos from {name}; only the events that involve China and a LAC state are stored.",
    )


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def news_event_rows(selected: pa.Table, sources: dict[str, str]) -> list[dict[str, Any]]:
    """``news_events`` rows for the selected events of a table (``sources``: file -> source id).

    Of several rows with one GLOBALEVENTID (GDELT re-published an event), the one added last
    is kept: it is GDELT's current version of the event.
    """
    if selected.num_rows == 0:
        return []
    keep = selected.filter(pc.and_(pc.is_null(selected["error"]), pc.is_valid(selected["country"])))
    latest: dict[int, dict[str, Any]] = {}
    for r in keep.to_pylist():
        old = latest.get(r["GLOBALEVENTID"])
        if old is None or (r["DATEADDED"], r["source_file"]) >= (old["DATEADDED"], old["source_file"]):
            latest[r["GLOBALEVENTID"]] = r
    rows = []
    for event_id, r in sorted(latest.items()):
        rows.append(
            {
                "event_id": str(event_id),
                "day": r["Day"].isoformat() if r["Day"] else None,
                "date_added": r["DATEADDED"],
                "country": r["country"],
                "match": r["match"],
                "actor1_code": _text(r["Actor1Code"]),
                "actor1_name": _text(r["Actor1Name"]),
                "actor1_country": _text(r["Actor1CountryCode"]),
                "actor2_code": _text(r["Actor2Code"]),
                "actor2_name": _text(r["Actor2Name"]),
                "actor2_country": _text(r["Actor2CountryCode"]),
                "is_root_event": r["IsRootEvent"],
                "event_code": r["EventCode"],
                "event_root_code": r["EventRootCode"],
                "quad_class": r["QuadClass"],
                "goldstein": r["GoldsteinScale"],
                "num_mentions": r["NumMentions"],
                "num_sources": r["NumSources"],
                "num_articles": r["NumArticles"],
                "avg_tone": r["AvgTone"],
                "action_geo_country": _text(r["ActionGeo_CountryCode"]),
                "action_geo_name": _text(r["ActionGeo_FullName"]),
                "action_geo_lat": r["ActionGeo_Lat"],
                "action_geo_lon": r["ActionGeo_Long"],
                "source_url": _text(r["SOURCEURL"]),
                "source_id": sources[r["source_file"]],
                "_file": r["source_file"],
                "_row": r["line"],
            }
        )
    return rows


def loaded_files(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Files the monitor has loaded: name -> checksum (the newest load of each)."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'monitor_file'").fetchall()[
        0
    ][0]
    if not exists:
        return {}
    return dict(con.execute("SELECT name, arg_max(sha256, load_id) FROM monitor_file GROUP BY name").fetchall())


def record_files(con: duckdb.DuckDBPyConnection, records: list[FileRecord], now: datetime) -> None:
    """Write the ledger rows of a load, inside its transaction (the newest load id is its own)."""
    load_id = con.execute("SELECT max(load_id) FROM load_run").fetchall()[0][0]
    con.executemany(
        "INSERT INTO monitor_file VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[r.name, r.kind, r.sha256, r.rows_read, r.bad_rows, r.duplicates, r.selected, load_id, now] for r in records],
    )
