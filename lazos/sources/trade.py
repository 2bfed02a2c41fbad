"""Connector: China–LAC goods trade tables derived from UN Comtrade (cipf-comtrade reports).

Three layouts (the published .xlsx or its one sheet flattened to CSV), each with its own
reporting basis, which Lazos keeps in who reports (the entity) and in the indicator:

* ``china-reported``: ``refYear, partnerDesc, Trocas, Exportações, Importações, Saldo`` —
  China's customs figures by partner (``cn_plp_trocas``): entity CHN, partner the country;
* ``mirror-exports``: China's exports measured by the partners' imports from China
  (``flowCode`` M, CIF at the importer): entity the partner, partner CHN, ``goods_imports_cif``;
* ``mirror-imports``: China's imports measured by the partners' exports to China
  (``flowCode`` X, FOB at the exporter): entity the partner, partner CHN, ``goods_exports_fob``.

Indicators (US dollars): ``goods_exports_fob``, ``goods_imports_cif``, ``goods_trade_total``
and ``goods_trade_balance``, always as reported by the entity.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lazos.errors import DataError, ValidationError
from lazos.sources.base import Connector, Context, origin_of, raw_file_source
from lazos.sources.common import file_sha256
from lazos.sources.rawfiles import fail, finite_number, head_lines, parse_csv_line, read_csv_text, read_sheet, read_text
from lazos.store.staging import Staging

NAME = "trade"
TITLE = "China–LAC goods trade (UN Comtrade-derived tables)"
INDICATORS = [
    (
        "goods_exports_fob",
        "Goods exports to the partner (FOB, reported by the exporter)",
        "USD",
        "Merchandise exports of the entity to the partner, valued free on board, as the entity reports them.",
    ),
    (
        "goods_imports_cif",
        "Goods imports from the partner (CIF, reported by the importer)",
        "USD",
        "Merchandise imports of the entity from the partner, valued with cost, insurance and freight, as the "
        "entity reports them. The partner's imports from China measure China's exports (mirror statistics).",
    ),
    (
        "goods_trade_total",
        "Goods trade with the partner (exports plus imports, reported by the entity)",
        "USD",
        "Exports (FOB) plus imports (CIF) of the entity with the partner, as the entity reports them.",
    ),
    (
        "goods_trade_balance",
        "Goods trade balance with the partner (exports minus imports)",
        "USD",
        "Exports minus imports of the entity with the partner, as the entity reports them.",
    ),
]
LAYOUTS = {
    "china-reported": ["refYear", "partnerDesc", "Trocas", "Exportações", "Importações", "Saldo"],
    "mirror-exports": ["refYear", "flowCode", "partnerDesc", "reporterDesc", "partner_sum"],
    "mirror-imports": ["refYear", "flowCode", "partnerDesc", "reporterDesc", "partner_sum"],
}
CHINA_COLUMNS = {
    "Trocas": "goods_trade_total",
    "Exportações": "goods_exports_fob",
    "Importações": "goods_imports_cif",
    "Saldo": "goods_trade_balance",
}


def indicator_rows(source_id: str) -> list[dict[str, Any]]:
    return [
        {
            "indicator": code,
            "name": name,
            "unit": unit,
            "topic": "trade",
            "description": text,
            "source_id": source_id,
        }
        for code, name, unit, text in INDICATORS
    ]


def _read(path: Path, encoding: str | None) -> tuple[str, list[str], list[tuple[int, list[Any]]]]:
    """The layout, the header and the numbered rows of the workbook's sheet or of the CSV.

    A CSV's layout is told from its first line, so that a file of another dataset is refused
    before it is read whole.
    """
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        _, header, rows = read_sheet(path, None)
        return detect(header, path), header, list(enumerate(rows, start=2))
    layout = detect([h.strip() for h in parse_csv_line(head_lines(path, 1, encoding)[0])], path)
    header, rows = read_csv_text(read_text(path, encoding), path)
    return layout, [h.strip() for h in header], rows


def detect(header: list[str], path: Path) -> str:
    if all(c in header for c in LAYOUTS["china-reported"]):
        return "china-reported"
    if all(c in header for c in LAYOUTS["mirror-exports"]):
        return "mirror-exports" if "cmdCode" in header or "partner_upper_sum" in header else "mirror-imports"
    known = {c for columns in LAYOUTS.values() for c in columns}
    if not known & set(header):
        fail(
            "unknown-layout",
            "not a trade table: expected the columns of the China-reported table "
            f"({', '.join(LAYOUTS['china-reported'])}) or of the mirror tables "
            f"({', '.join(LAYOUTS['mirror-exports'])}) (its header starts {header[:4]})",
            path,
            1,
        )
    needed = LAYOUTS["mirror-exports"] if "flowCode" in header else LAYOUTS["china-reported"]
    missing = [c for c in needed if c not in header]
    raise ValidationError([DataError("missing-column", "the column is missing", str(path), 1, c) for c in missing])


def _number(value: Any, path: Path, row: int, column: str, errors: list[DataError]) -> float | None:
    """A value cell: blank (or pandas's nan) is missing; anything else must be a finite number."""
    if value is None or (isinstance(value, str) and value.strip() in ("", "nan", "NaN")):
        return None
    if isinstance(value, float) and value != value:
        return None
    number = finite_number(value if isinstance(value, int | float) else str(value).strip(), text=True)
    if number is None:
        errors.append(
            DataError(
                "invalid-value",
                f"{value!r} is not a finite number (use '.' for decimals and no thousands separators)",
                str(path),
                row,
                column,
            )
        )
    return number


def _year(value: Any, path: Path, row: int, errors: list[DataError]) -> str | None:
    try:
        year = float(value)
    except (TypeError, ValueError):
        errors.append(DataError("invalid-value", f"{value!r} is not a year", str(path), row, "refYear"))
        return None
    if not year.is_integer() or not 1900 <= year <= 2100:
        errors.append(DataError("invalid-value", f"{value!r} is not a year", str(path), row, "refYear"))
        return None
    return str(int(year))


def stage(path: Path, staging: Staging, ctx: Context) -> str:
    if not path.is_file():
        fail("missing-file", "file not found", path)
    layout, header, rows = _read(path, ctx.encoding)
    idx = {h: i for i, h in enumerate(header)}
    origin = origin_of(ctx, path)
    digest = file_sha256(path)
    vintage = origin.get("published") or ctx.given_vintage()
    source = raw_file_source(
        ctx,
        origin,
        source_id=f"cipf-comtrade-{layout}-{(vintage or 'undated').lower()}-{digest[:8]}",
        kind="dataset",
        title=f"China–LAC goods trade from UN Comtrade, {layout} ({path.name})",
        publisher="Centro Internacional Português de Formação (cipf-comtrade), from UN Comtrade",
        url="https://github.com/joaquimrcarvalho/cipf-comtrade",
        licence=None,
        published=vintage,
        content_hash=digest,
        dataset=f"cipf-comtrade-{layout}",
        note="Tables computed from the UN Comtrade v1 API (subject to UN Comtrade's terms of use); the "
        "repository states no licence.",
    )
    staging.add_rows("sources", [source], str(path))
    stored = ctx.stored("indicator", "indicator") | {r["indicator"] for r in staging.rows("indicators")}
    staging.add_rows(
        "indicators",
        [r for r in indicator_rows(source["source_id"]) if r["indicator"] not in stored],
        str(path),
    )
    errors: list[DataError] = []
    out: list[dict[str, Any]] = []
    seen: set[tuple] = set()
    for i, cells in rows:
        if not any(c not in (None, "") for c in cells):
            continue
        if len(cells) != len(header):  # (a CSV's rows were checked as they were read)
            short = len(cells) < len(header)
            errors.append(
                DataError(
                    "missing-cell" if short else "extra-cell",
                    f"{len(cells)} cells where the header has {len(header)}"
                    + (" (the file may be truncated)" if short else ""),
                    str(path),
                    i,
                )
            )
            continue
        year = _year(cells[idx["refYear"]], path, i, errors)
        if layout == "china-reported":
            name = str(cells[idx["partnerDesc"]] or "").strip()
            other = ctx.resolver.classify(name)
            values = {ind: _number(cells[idx[col]], path, i, col, errors) for col, ind in CHINA_COLUMNS.items()}
        else:
            flow, china = (
                str(cells[idx["flowCode"]]).strip(),
                str(cells[idx["partnerDesc"]]).strip(),
            )
            expected = "M" if layout == "mirror-exports" else "X"
            if flow != expected or ctx.resolver.classify(china).iso3 != "CHN":
                errors.append(
                    DataError(
                        "invalid-value",
                        f"expected flow {expected} with China as partner, found {flow} with {china!r}",
                        str(path),
                        i,
                        "flowCode",
                    )
                )
                continue
            if "cmdCode" in idx and str(cells[idx["cmdCode"]]).strip() != "TOTAL":
                staging.skip(f"{path.name}: commodity breakdowns (only TOTAL is kept)")
                continue
            name = str(cells[idx["reporterDesc"]] or "").strip()
            other = ctx.resolver.classify(name)
            indicator = "goods_imports_cif" if layout == "mirror-exports" else "goods_exports_fob"
            values = {indicator: _number(cells[idx["partner_sum"]], path, i, "partner_sum", errors)}
        if other.unknown:
            errors.append(
                DataError(
                    "unknown-country",
                    f"unknown country {name!r}",
                    str(path),
                    i,
                    "partnerDesc" if layout == "china-reported" else "reporterDesc",
                )
            )
            continue
        if other.iso3 is None:
            staging.skip(f"{path.name}: {other.excluded}")
            continue
        if year is None:
            continue
        entity, partner_code = ("CHN", other.iso3) if layout == "china-reported" else (other.iso3, "CHN")
        for indicator, value in values.items():
            if value is None:
                continue
            key = (entity, partner_code, indicator, year)
            if key in seen:
                errors.append(
                    DataError(
                        "duplicate-key",
                        f"{entity}–{partner_code} {indicator} {year} appears twice",
                        str(path),
                        i,
                    )
                )
                continue
            seen.add(key)
            out.append(
                {
                    "entity": entity,
                    "partner": partner_code,
                    "indicator": indicator,
                    "period": year,
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
    return f"{path.name}: {layout} layout, {len(out)} values"


def snapshot(raw_dir: Path, staging: Staging, ctx: Context) -> list[str]:
    """The LAC extracts of the three tables (the workbooks hold the same rows and more partners)."""
    folder = raw_dir / "trade" / "cipf-comtrade"
    return [
        stage(folder / name, staging, ctx)
        for name in (
            "cn_plp_trocas_2003-2024_lac.csv",
            "China_2.1.1_top_export_partners_reverse_lac.csv",
            "China_3.1.1_top_import_partners_lac.csv",
        )
    ]


CONNECTOR = Connector(
    name=NAME,
    title=TITLE,
    description="China–LAC goods trade tables derived from UN Comtrade (cipf-comtrade)",
    layouts=("China-reported, mirror-exports or mirror-imports table, .xlsx or .csv",),
    stage=stage,
    snapshot=snapshot,
)
