"""Connector: Worldwide Governance Indicators (World Bank, Kaufmann & Kraay).

Layouts: the published workbook (``wgidataset.xlsx``, one sheet in long format) and the same
sheet flattened to CSV. Columns: ``codeindyr, code, countryname, year, indicator, estimate,
stddev, nsource, pctrank, pctranklower, pctrankupper``; ``..`` marks a missing value.

Each of the six dimensions (cc, ge, pv, rl, rq, va) gives six series, under the World Bank's
own codes: ``CC.EST`` (estimate, roughly -2.5 to 2.5), ``CC.STD.ERR``, ``CC.NO.SRC``,
``CC.PER.RNK`` (percentile rank) and its 90% interval ``CC.PER.RNK.LOWER`` / ``.UPPER``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from lazos.errors import DataError, ValidationError
from lazos.sources.base import Connector, Context, origin_of, raw_file_source
from lazos.sources.common import file_sha256
from lazos.sources.rawfiles import (
    fail,
    head_lines,
    parse_csv_line,
    read_csv_text,
    read_sheet,
    read_text,
    workbook_modified,
)
from lazos.store.staging import Staging

NAME = "wgi"
TITLE = "Worldwide Governance Indicators"
COLUMNS = [
    "codeindyr",
    "code",
    "countryname",
    "year",
    "indicator",
    "estimate",
    "stddev",
    "nsource",
    "pctrank",
    "pctranklower",
    "pctrankupper",
]
DIMENSIONS = {
    "cc": ("CC", "Control of Corruption"),
    "ge": ("GE", "Government Effectiveness"),
    "pv": ("PV", "Political Stability and Absence of Violence/Terrorism"),
    "rl": ("RL", "Rule of Law"),
    "rq": ("RQ", "Regulatory Quality"),
    "va": ("VA", "Voice and Accountability"),
}
MEASURES = {
    "estimate": (
        "EST",
        "Estimate",
        "score (about -2.5 to 2.5)",
        "The dimension's estimate in units of a standard normal distribution.",
    ),
    "stddev": (
        "STD.ERR",
        "Standard Error",
        "score (about -2.5 to 2.5)",
        "Standard error of the estimate.",
    ),
    "nsource": (
        "NO.SRC",
        "Number of Sources",
        "count",
        "Number of data sources the estimate rests on.",
    ),
    "pctrank": (
        "PER.RNK",
        "Percentile Rank",
        "percentile rank (0 to 100)",
        "Rank among all economies, 0 lowest and 100 highest.",
    ),
    "pctranklower": (
        "PER.RNK.LOWER",
        "Percentile Rank, Lower Bound of 90% Confidence Interval",
        "percentile rank (0 to 100)",
        "Lower bound of the 90% confidence interval of the rank.",
    ),
    "pctrankupper": (
        "PER.RNK.UPPER",
        "Percentile Rank, Upper Bound of 90% Confidence Interval",
        "percentile rank (0 to 100)",
        "Upper bound of the 90% confidence interval of the rank.",
    ),
}
# The embedded dataset keeps these measures (the others are imported on demand).
SNAPSHOT_MEASURES = ("estimate", "stddev", "pctrank")
HOME = "https://www.worldbank.org/en/publication/worldwide-governance-indicators"


def indicator_rows(source_id: str) -> list[dict[str, Any]]:
    out = []
    for code, name in DIMENSIONS.values():
        for suffix, label, unit, description in MEASURES.values():
            out.append(
                {
                    "indicator": f"{code}.{suffix}",
                    "name": f"{name}: {label}",
                    "unit": unit,
                    "topic": "Governance",
                    "description": description,
                    "source_id": source_id,
                }
            )
    return out


WORKBOOK = (".xlsx", ".xlsm", ".xls")


def check_header(header: list[str], path: Path) -> None:
    """The WGI columns must all be there; a file with none of them is another dataset's."""
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    if len(missing) == len(COLUMNS):
        fail(
            "unknown-layout",
            f"not a Worldwide Governance Indicators file: expected the columns {', '.join(COLUMNS)} "
            f"(its header starts {header[:4]})",
            path,
            1,
        )
    if missing:
        raise ValidationError([DataError("missing-column", "the column is missing", str(path), 1, c) for c in missing])


def _read(path: Path, encoding: str | None) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """The header and the numbered rows of the workbook's sheet or of the CSV.

    A CSV's header is checked on the file's first lines, so that a file of another dataset is
    refused before it is read whole.
    """
    if path.suffix.lower() in WORKBOOK:
        _, header, rows = read_sheet(path, None)
        check_header(header, path)
        return header, list(enumerate(rows, start=2))
    check_header(parse_csv_line(head_lines(path, 1, encoding)[0]), path)
    return read_csv_text(read_text(path, encoding), path)


def _year(value: Any, path: Path, row: int, errors: list[DataError]) -> int | None:
    try:
        year = float(str(value).strip())
    except (TypeError, ValueError):
        year = float("nan")
    if not year.is_integer() or not 1900 <= year <= 2100:  # also NaN and infinities
        errors.append(DataError("invalid-value", f"{value!r} is not a year", str(path), row, "year"))
        return None
    return int(year)


def _number(value: Any, path: Path, row: int, column: str, errors: list[DataError]) -> float | None:
    if value is None or value == "" or value == "..":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        number = float(str(value).strip())
    except ValueError:
        errors.append(
            DataError(
                "invalid-value",
                f"{value!r} is not a number (or '..' for missing)",
                str(path),
                row,
                column,
            )
        )
        return None
    if number != number or number in (float("inf"), float("-inf")):
        errors.append(DataError("invalid-value", f"{value!r} is not a finite number", str(path), row, column))
        return None
    return number


def stage(path: Path, staging: Staging, ctx: Context, measures: tuple[str, ...] | None = None) -> str:
    """Stage the WGI workbook or its CSV flattening."""
    if not path.is_file():
        fail("missing-file", "file not found", path)
    header, rows = _read(path, ctx.encoding)
    header = [h.strip() for h in header]
    idx = {c: header.index(c) for c in COLUMNS}
    origin = origin_of(ctx, path)
    vintage = (
        origin.get("published") or (workbook_modified(path) if path.suffix == ".xlsx" else None) or ctx.given_vintage()
    )
    digest = file_sha256(path)
    source = raw_file_source(
        ctx,
        origin,
        source_id=f"wb-wgi-{(vintage or 'undated').lower()}-{digest[:8]}",
        kind="dataset",
        title=f"Worldwide Governance Indicators ({path.name})",
        publisher="World Bank",
        url=HOME,
        licence="CC-BY-4.0",
        published=vintage,
        content_hash=digest,
        dataset="wb-wgi",
        note=origin.get("note"),
    )
    staging.add_rows("sources", [source], str(path))
    stored = ctx.stored("indicator", "indicator") | {r["indicator"] for r in staging.rows("indicators")}
    staging.add_rows(
        "indicators",
        [r for r in indicator_rows(source["source_id"]) if r["indicator"] not in stored],
        str(path),
    )
    keep = measures or tuple(MEASURES)
    errors: list[DataError] = []
    out: list[dict[str, Any]] = []
    seen: Counter[tuple[str, str, str]] = Counter()
    for i, cells in rows:
        if not any(c not in (None, "") for c in cells):
            continue
        if len(cells) != len(header):  # (a CSV's rows were checked as they were read)
            errors.append(
                DataError(
                    "missing-cell" if len(cells) < len(header) else "extra-cell",
                    f"{len(cells)} cells where the header has {len(header)}",
                    str(path),
                    i,
                )
            )
            continue
        code, name, dim = (str(cells[idx[c]] or "").strip() for c in ("code", "countryname", "indicator"))
        year = _year(cells[idx["year"]], path, i, errors)
        if year is None:
            continue
        if dim not in DIMENSIONS:
            errors.append(
                DataError(
                    "invalid-value",
                    f"{dim!r} is not one of {', '.join(DIMENSIONS)}",
                    str(path),
                    i,
                    "indicator",
                )
            )
            continue
        found = ctx.resolver.classify(code) if code else ctx.resolver.classify(name)
        if found.unknown and name:
            found = ctx.resolver.classify(name)
        if found.iso3 is None:
            if found.unknown:
                errors.append(
                    DataError(
                        "unknown-country",
                        f"unknown country {code!r} ({name})",
                        str(path),
                        i,
                        "code",
                    )
                )
            else:
                staging.skip(f"{path.name}: {found.excluded}")
            continue
        seen[(found.iso3, dim, str(year))] += 1
        if seen[(found.iso3, dim, str(year))] > 1:
            errors.append(DataError("duplicate-key", f"{code} {dim} {year} appears twice", str(path), i))
            continue
        for column in keep:
            value = _number(cells[idx[column]], path, i, column, errors)
            if value is None:
                continue
            out.append(
                {
                    "entity": found.iso3,
                    "partner": None,
                    "indicator": f"{DIMENSIONS[dim][0]}.{MEASURES[column][0]}",
                    "period": str(year),
                    "value": value,
                    "source_id": source["source_id"],
                    "_row": i,
                }
            )
        if len(errors) > 50:
            break
    if errors:
        raise ValidationError(errors)
    staging.add_rows("observations", out, str(path))
    return f"{path.name}: {len(out)} values, vintage {vintage or 'not stated'}"


def snapshot(raw_dir: Path, staging: Staging, ctx: Context) -> list[str]:
    """The published workbook, with the estimate, its standard error and the percentile rank."""
    return [stage(raw_dir / "wgi" / "wgidataset.xlsx", staging, ctx, SNAPSHOT_MEASURES)]


CONNECTOR = Connector(
    name=NAME,
    title=TITLE,
    description="Worldwide Governance Indicators: six dimensions, with estimates, errors and ranks",
    layouts=("the published wgidataset.xlsx", "its sheet as .csv"),
    stage=stage,
    snapshot=snapshot,
)
