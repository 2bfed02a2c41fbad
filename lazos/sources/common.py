"""Helpers every connector shares: stable identifiers, source rows, reading raw files."""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lazos.errors import DataError, ValidationError

Rows = list[dict[str, Any]]


@dataclass
class Contribution:
    """What one connector publishes: rows per resource of the data package."""

    rows: dict[str, Rows] = field(default_factory=dict)

    def add(self, resource: str, row: dict[str, Any]) -> None:
        self.rows.setdefault(resource, []).append(row)

    def add_source(self, row: dict[str, Any]) -> str:
        """Add a source row once (the same id must always describe the same source)."""
        for existing in self.rows.get("sources", []):
            if existing["source_id"] == row["source_id"]:
                if existing != row:
                    raise ValueError(f"source {row['source_id']} described two ways: {existing} / {row}")
                return row["source_id"]
        self.add("sources", row)
        return row["source_id"]


def slug(text: str, limit: int | None = None) -> str:
    """Lower-case ASCII words joined by hyphens; bracketed asides dropped."""
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:limit].rstrip("-") if limit else text


def short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_row(**values: Any) -> dict[str, Any]:
    """A row of the sources resource, every field present."""
    fields = (
        "source_id",
        "kind",
        "title",
        "publisher",
        "url",
        "licence",
        "published",
        "retrieved",
        "content_hash",
        "dataset",
        "cited_in",
        "note",
    )
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"unknown source fields {sorted(unknown)}")
    return {f: values.get(f) for f in fields}


@cache
def _publishers() -> dict[str, str]:
    text = importlib_resources.files("lazos.sources").joinpath("reference/publishers.csv").read_text("utf-8")
    return {r["domain"]: r["publisher"] for r in csv.DictReader(text.splitlines())}


def publisher_for(url: str) -> str | None:
    """The publisher of a page whose domain Lazos has reviewed (reference/publishers.csv)."""
    host = urlsplit(url).netloc.lower().split(":")[0]
    if host.startswith("www."):
        host = host[4:]
    known = _publishers()
    parts = host.split(".")
    for i in range(len(parts) - 1):
        candidate = ".".join(parts[i:])
        if candidate in known:
            return known[candidate]
    return None


def web_source_id(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    if host.startswith("www."):
        host = host[4:]
    return f"web-{slug(host, 30)}-{short_hash(url)}"


def web_source(url: str, *, kind: str = "web_page", **values: Any) -> dict[str, Any]:
    """Source row for a page Lazos (or its curators) read; its id is derived from the URL."""
    values.setdefault("publisher", publisher_for(url))
    return source_row(source_id=web_source_id(url), kind=kind, url=url, **values)


def read_csv_rows(path: Path, required: list[str]) -> list[dict[str, Any]]:
    """Read a raw CSV as text, checking its header and the width of every row (a ragged or
    truncated row is refused); errors name the file, the row and the column. Each row keeps
    its number in the file as ``_row`` (header = 1)."""
    from lazos.sources.rawfiles import read_csv_text, read_text

    header, records = read_csv_text(read_text(path), path)
    missing = [c for c in required if c not in header]
    if missing:
        raise ValidationError([DataError("missing-column", "the column is missing", str(path), 1, c) for c in missing])
    return [{**dict(zip(header, cells, strict=True)), "_row": number} for number, cells in records]
