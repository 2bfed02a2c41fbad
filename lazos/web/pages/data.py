"""Downloads of the data behind every chart and table on the pages.

A page module registers each of its datasets once (``@dataset("country-trade")``: a function
from the database and the query's parameters to a :class:`lazos.results.Table`); the chart and
the download read the same function, so what is drawn is what downloads.
``/{lang}/data/{name}.csv`` answers the rows as the REST API's CSV does (the citation in the
X-Lazos-Citation header); ``/{lang}/data/{name}.zip`` packs the same CSV with a README.md naming
the sources, their licences and addresses, the date the data answer for, the citation and the
page it came from (as Our World in Data's downloads do).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from lazos import __version__
from lazos.api import Lazos
from lazos.errors import LazosError
from lazos.results import Table
from lazos.store.reader import choose
from lazos.web.downloads import csv_chunks, download, filename

Loader = Callable[[Lazos, dict[str, str]], Table]
DATASETS: dict[str, Loader] = {}


def dataset(name: str) -> Callable[[Loader], Loader]:
    """Register ``loader`` as the dataset ``name`` (its rows download at /{lang}/data/{name}.csv)."""

    def register(loader: Loader) -> Loader:
        if name in DATASETS and DATASETS[name] is not loader:
            raise ValueError(f"dataset {name!r} is registered twice")
        DATASETS[name] = loader
        return loader

    return register


def load(db: Lazos, name: str, params: dict[str, str]) -> Table:
    if name not in DATASETS:
        name = choose(name, sorted(DATASETS), "dataset", "the pages link to their datasets")
    return DATASETS[name](db, params)


def data_url(lang: str, name: str, params: dict[str, Any], suffix: str = "csv") -> str:
    from lazos.web.pages.render import query_string

    qs = query_string(params)
    return f"/{lang}/data/{name}.{suffix}" + (f"?{qs}" if qs else "")


def readme(table: Table, name: str, page: str | None) -> str:
    lines = [
        f"# {table.name}",
        "",
        f"Citation: {table.citation()}",
        "",
        f"Data as of: {table.as_of.isoformat() if table.as_of else 'the latest data in the database'}",
        f"Rows: {len(table.frame)}",
        f"Produced by Lazos {__version__} (dataset `{name}`)" + (f" from the page {page}" if page else ""),
        "",
        "## Sources",
        "",
    ]
    if not table.sources:
        lines.append("(no source is cited by these rows)")
    for source in table.sources:
        lines.append(
            f"- {source.label or source.source_id} (`{source.source_id}`)"
            + (f" — {source.url}" if source.url else "")
            + (f" — licence: {source.licence}" if source.licence else "")
        )
    if table.note:
        lines += ["", "## Note", "", table.note]
    lines += [
        "",
        "## Files",
        "",
        "- data.csv: the rows (UTF-8, comma-separated, RFC 4180); an empty cell is a value not known.",
        "  Every row keeps the id of its source in its source_id column(s).",
        "",
    ]
    return "\n".join(lines)


def zip_response(table: Table, name: str, page: str | None) -> Response:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", b"".join(csv_chunks(table)))
        archive.writestr("README.md", readme(table, name, page))
    stem = filename(table, "zip")
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{stem}"'},
    )


def data_route(request: Request, lang: str, name: str, suffix: str) -> Response:
    from lazos.web.pages.routing import check_lang

    check_lang(lang)
    if suffix not in ("csv", "zip"):
        raise LazosError(f"unknown download format {suffix!r} (did you mean 'csv', 'zip'?)")
    params = {k: v for k, v in request.query_params.items() if k != "from"}
    table = load(request.app.state.db, name, params)
    if suffix == "zip":
        return zip_response(table, name, request.query_params.get("from"))
    return download(request, table, "csv")
