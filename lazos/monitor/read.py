"""Read: the articles behind the selected events, through Lazos's claim extractor.

An article is read when its text is at hand: in a local **archive** (a folder with a
``manifest.csv`` of ``url,file`` rows, the file relative to the folder: pages saved by a
crawler, a news archive, a newsroom's own copies) or, with ``online=True``, downloaded. Each
article is read exactly as ``lazos ingest`` reads a document (lazos.documents.ingest): the
same decoding, HTML main-text extraction and extractor, so its claims are the ones
``lazos ingest`` would store. An article that cannot be read is reported with the reason and
the others go on.

:func:`read_stage` is the Ray Data stage; each worker process loads the extractor (its
lexicons and language detector) once, on its first batch, and keeps it for every later one.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from lazos.documents.text import DocumentError
from lazos.errors import LazosError

MANIFEST = "manifest.csv"
ARTICLE_SCHEMA = pa.schema(
    [
        ("url", pa.string()),
        ("source_file", pa.string()),
        ("file_date", pa.string()),
        ("doc_id", pa.string()),
        ("bytes", pa.int64()),
        ("claims", pa.int32()),
        ("rows", pa.string()),  # the store rows (sources, documents, paragraphs, claims) as JSON
        ("error", pa.string()),
    ]
)


def read_manifest(archive: Path) -> dict[str, Path]:
    """url -> file of an article archive; a clear error for a missing or malformed manifest."""
    manifest = archive / MANIFEST
    if not manifest.is_file():
        raise LazosError(f"{archive} is not an article archive: it has no {MANIFEST} (columns url,file)")
    out: dict[str, Path] = {}
    with manifest.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"url", "file"} <= set(reader.fieldnames):
            raise LazosError(f"{manifest}: expected the columns url,file, found {reader.fieldnames}")
        for line, row in enumerate(reader, start=2):
            url, file = (row.get("url") or "").strip(), (row.get("file") or "").strip()
            if not url or not file:
                raise LazosError(f"{manifest}, line {line}: a url and a file are both required")
            path = (archive / file).resolve()
            if archive.resolve() not in path.parents:
                raise LazosError(f"{manifest}, line {line}: {file!r} is outside the archive folder")
            out[url] = path
    return out


def read_article(url: str, archive: dict[str, Path], online: bool, retrieved: str) -> dict[str, Any]:
    """One article's outcome: its document rows and claim count, or why it was not read."""
    from lazos.documents.extract import extract
    from lazos.documents.ingest import read_bytes, read_url, rows_for

    out: dict[str, Any] = {"url": url, "doc_id": None, "bytes": None, "claims": None, "rows": None, "error": None}
    try:
        path = archive.get(url)
        if path is not None:
            if not path.is_file():
                raise DocumentError(f"the archive lists {path.name} for this article, but there is no such file")
            raw = path.read_bytes()
            doc = read_bytes(raw, path.name, url=url)
        elif online:
            doc = read_url(url)
        else:
            out["error"] = "text not at hand (not in the archive; run online to download it)"
            return out
        extraction = extract(doc.text)
        if all(p.noise for p in extraction.paragraphs):
            raise DocumentError(f"{doc.name} has no text to read, only stray characters or page furniture")
        rows = rows_for(doc, extraction, retrieved)
        out |= {
            "doc_id": doc.doc_id,
            "bytes": len(doc.raw),
            "claims": len(rows["claims"]),
            "rows": json.dumps(rows, ensure_ascii=False, default=str),
        }
    except DocumentError as exc:
        out["error"] = str(exc)
    return out


def read_batch(
    batch: pa.Table, archive: dict[str, Path] | None = None, online: bool = False, retrieved: str | None = None
) -> pa.Table:
    """The read stage over a batch of ``url, source_file, file_date`` rows (plain function)."""
    day = retrieved or datetime.now(UTC).date().isoformat()
    rows = []
    for r in batch.select(["url", "source_file", "file_date"]).to_pylist():
        rows.append(
            read_article(r["url"], archive or {}, online, day) | {k: r[k] for k in ("source_file", "file_date")}
        )
    return pa.Table.from_pylist(rows, schema=ARTICLE_SCHEMA)


def read_stage(
    batch: pa.Table, archive: str | None = None, online: bool = False, retrieved: str | None = None
) -> pa.Table:
    """The read stage for Ray Data (``map_batches(read_stage, fn_kwargs=...)``): the archive is
    named by its folder (small task arguments) and its manifest read once per worker process;
    the extractor's lexicons and language detector are cached per process too, so a worker
    that Ray reuses for the next batch, or the next chunk, reads on at once."""
    return read_batch(batch, _manifest(archive) if archive else {}, online, retrieved)


@lru_cache(maxsize=4)
def _manifest(archive: str) -> dict[str, Path]:
    return read_manifest(Path(archive))


def article_rows(outcomes: pa.Table) -> dict[str, list[dict[str, Any]]]:
    """The store rows of the articles read (resource -> rows), each document once."""
    merged: dict[str, list[dict[str, Any]]] = {}
    seen: set[str] = set()
    for r in outcomes.filter(pa.compute.is_valid(outcomes["rows"])).to_pylist():
        if r["doc_id"] in seen:
            continue
        seen.add(r["doc_id"])
        for resource, rows in json.loads(r["rows"]).items():
            merged.setdefault(resource, []).extend(rows)
    return merged


def claims_table(outcomes: pa.Table) -> pa.Table:
    """The claims of the articles read, flat, for the lake's ``claims`` table."""
    rows = []
    for r in outcomes.filter(pa.compute.is_valid(outcomes["rows"])).to_pylist():
        for c in json.loads(r["rows"])["claims"]:
            rows.append(
                {
                    "url": r["url"],
                    "source_file": r["source_file"],
                    "file_date": r["file_date"],
                    **{k: c[k] for k in ("doc_id", "n", "text", "value", "unit", "what", "period", "countries")},
                    **{k: c[k] for k in ("lang", "qualifier", "kind")},
                }
            )
    return pa.Table.from_pylist(rows, schema=CLAIM_SCHEMA)


CLAIM_SCHEMA = pa.schema(
    [
        ("url", pa.string()),
        ("source_file", pa.string()),
        ("file_date", pa.string()),
        ("doc_id", pa.string()),
        ("n", pa.int32()),
        ("text", pa.string()),
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("what", pa.string()),
        ("period", pa.string()),
        ("countries", pa.string()),
        ("lang", pa.string()),
        ("qualifier", pa.string()),
        ("kind", pa.string()),
    ]
)


def urls_of(
    selected_events: pa.Table | None, selected_gkg: pa.Table | None = None, selected_mentions: pa.Table | None = None
) -> list[dict[str, Any]]:
    """The articles behind a selection, each once: events' SOURCEURL, GKG records' document and
    the web articles that mention a selected event (MentionIdentifier, where it is a URL)."""
    out: dict[str, dict[str, Any]] = {}
    pairs = (
        (selected_events, "SOURCEURL"),
        (selected_gkg, "V2DOCUMENTIDENTIFIER"),
        (selected_mentions, "MentionIdentifier"),
    )
    for table, column in pairs:
        if table is None or table.num_rows == 0 or column not in table.column_names:
            continue
        for r in table.select([column, "source_file", "file_date"]).to_pylist():
            url = r[column]
            if url and url.startswith(("http://", "https://")) and url not in out:
                out[url] = {"url": url, "source_file": r["source_file"], "file_date": r["file_date"]}
    return list(out.values())


def as_table(urls: Sequence[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(
        list(urls), schema=pa.schema([("url", pa.string()), ("source_file", pa.string()), ("file_date", pa.string())])
    )
