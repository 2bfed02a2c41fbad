"""Lists as downloads: CSV and Parquet, streamed, with the sources of their rows and a citation.

The format is the path's suffix (``/api/v1/projects.csv``), else the ``Accept`` header
(text/csv, application/vnd.apache.parquet), else JSON.

CSV (RFC 4180, UTF-8, CRLF) holds only the rows: a comment line would break CSV readers.
Every row keeps its ``source_id`` columns; the citation travels in the response's headers:
``X-Lazos-Citation`` (the citation line; percent-encoded UTF-8 when it is not ASCII, as
flagged by ``X-Lazos-Citation-Encoding: percent``), a ``Link`` to the same rows as JSON
(``rel="describedby"``: it lists every source with its address and licence) and a
``Content-Disposition`` file name. Parquet carries the same in its schema's metadata
(``lazos:citation``, ``lazos:sources``) besides the headers. Cells that are lists or mappings
are written as JSON text; a missing value is an empty CSV cell (a Parquet null).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from fastapi import Request
from fastapi.responses import StreamingResponse

from lazos.jsonable import dumps, plain, unique_names
from lazos.results import Table, arrow_table

JSON = "json"
CSV = "csv"
PARQUET = "parquet"
MEDIA_TYPES = {
    JSON: "application/json",
    CSV: "text/csv; charset=utf-8",
    PARQUET: "application/vnd.apache.parquet",
}
_ACCEPTED = {
    "application/json": JSON,
    "text/csv": CSV,
    "application/csv": CSV,
    "application/vnd.apache.parquet": PARQUET,
    "application/x-parquet": PARQUET,
    "application/parquet": PARQUET,
}
ROWS_PER_CHUNK = 2000


def wanted_format(request: Request) -> str:
    """The format a request asks for: its path's suffix, else its Accept header, else JSON."""
    suffix = request.path_params.get("format")
    if suffix in MEDIA_TYPES:
        return suffix
    best, best_q = JSON, 0.0
    for part in request.headers.get("accept", "").split(","):
        media, _, params = part.strip().partition(";")
        found = _ACCEPTED.get(media.strip().lower())
        if found is None:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > best_q:
            best, best_q = found, q
    return best


def header_text(text: str) -> tuple[str, bool]:
    """Text for an HTTP header (which must be Latin-1): as it is when ASCII, else percent-encoded
    UTF-8 (and True)."""
    text = " ".join(text.split())
    if text.isascii():
        return text, False
    return quote(text, safe=" !#$&'()*+,/:;=?@[]~<>|^`{}\"\\"), True


CITATION_HEADER_CHARS = 1000


def header_citation(table: Table, limit: int = CITATION_HEADER_CHARS) -> str:
    """The table's citation, its sources cut short when many (the JSON of the same rows lists them)."""
    text = table.citation()
    if len(text) <= limit:
        return text
    names = list(dict.fromkeys(s.label or s.source_id for s in table.sources))
    when = f" as of {table.as_of.isoformat()}" if table.as_of else ""
    head = f"Lazos, {table.name}{when}. Sources: "
    shown: list[str] = []
    for name in names:
        if len(head) + len("; ".join([*shown, name])) > limit - 100:
            break
        shown.append(name)
    rest = len(names) - len(shown)
    return head + "; ".join(shown) + f"; and {rest} more (the JSON of the same rows lists every source)."


def filename(table: Table, extension: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", f"lazos-{table.name}".lower()).strip("-")
    if table.as_of:
        stem += f"-as-of-{table.as_of.isoformat()}"
    return f"{stem}.{extension}"


def download_headers(request: Request, table: Table, extension: str, next_url: str | None) -> dict[str, str]:
    citation, encoded = header_text(header_citation(table))
    described = request.url.path
    for suffix in (".csv", ".parquet"):
        if described.endswith(suffix):
            described = described[: -len(suffix)] + ".json"
    links = [f'<{request.url.replace(path=described)}>; rel="describedby"; type="application/json"']
    if next_url:
        links.append(f'<{next_url}>; rel="next"')
    headers = {
        "Content-Disposition": f'attachment; filename="{filename(table, extension)}"',
        "X-Lazos-Citation": citation,
        "Link": ", ".join(links),
    }
    if encoded:
        headers["X-Lazos-Citation-Encoding"] = "percent"
    return headers


def cell(value: Any) -> Any:
    """A value as a CSV cell: JSON-ready, lists and mappings as JSON text, None as empty."""
    if type(value) is str:  # most cells: nothing to convert
        return value
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return dumps(value, indent=None)
    if isinstance(value, float):
        return repr(value)
    return value


def csv_column(column: pd.Series) -> pd.Series:
    """A column's cells as CSV text, as the JSON writes them (whole columns at once where pandas can)."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return column.map(lambda v: "" if v is None or v is pd.NA else ("true" if v else "false")).astype(object)
    if pd.api.types.is_float_dtype(dtype):
        return column.map(lambda v: "" if v != v else repr(float(v))).astype(object)
    if pd.api.types.is_integer_dtype(dtype):
        return column.astype(object).where(column.notna(), "")
    if pd.api.types.is_datetime64_dtype(dtype) and (column.dropna() == column.dropna().dt.normalize()).all():
        return column.dt.strftime("%Y-%m-%d").astype(object).where(column.notna(), "")  # dates, as plain() writes
    return column.map(cell).astype(object)


def csv_chunks(table: Table) -> Iterator[bytes]:
    frame = table.frame
    yield (",".join(_quoted(n) for n in unique_names(frame.columns)) + "\r\n").encode("utf-8")
    for start in range(0, len(frame), ROWS_PER_CHUNK):
        chunk = frame.iloc[start : start + ROWS_PER_CHUNK]
        cells = pd.DataFrame({i: csv_column(chunk.iloc[:, i]) for i in range(chunk.shape[1])})
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(cells.itertuples(index=False, name=None))
        yield buffer.getvalue().encode("utf-8")


def _quoted(name: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([name])
    return buffer.getvalue()


class _Sink(io.RawIOBase):
    """A write-only stream whose bytes are taken as they come (Parquet's writer writes into it)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.position

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def parquet_arrow(table: Table) -> pa.Table:
    """The rows as Arrow, with the citation and the sources in the schema's metadata."""
    arrow = table.arrow if table.frame.columns.is_unique else arrow_table(_renamed(table))
    sources = dumps([s.to_dict() for s in table.sources], indent=None)
    metadata = dict(arrow.schema.metadata or {})
    metadata.update({b"lazos:citation": table.citation().encode(), b"lazos:sources": sources.encode()})
    return arrow.replace_schema_metadata(metadata)


def _renamed(table: Table) -> Any:
    frame = table.frame.copy()
    frame.columns = unique_names(frame.columns)
    return frame


def parquet_chunks(table: Table) -> Iterator[bytes]:
    arrow = parquet_arrow(table)
    sink = _Sink()
    with pq.ParquetWriter(sink, arrow.schema) as writer:
        for batch in arrow.to_batches(max_chunksize=ROWS_PER_CHUNK * 10):
            writer.write_batch(batch)
            yield sink.take()
    yield sink.take()


def download(request: Request, table: Table, fmt: str, next_url: str | None = None) -> StreamingResponse:
    """A table as a streamed CSV or Parquet download."""
    chunks = csv_chunks(table) if fmt == CSV else parquet_chunks(table)
    headers = download_headers(request, table, fmt, next_url)
    return StreamingResponse(chunks, media_type=MEDIA_TYPES[fmt], headers=headers)
