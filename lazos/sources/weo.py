"""Connector: IMF World Economic Outlook (WEO) database, by-countries layout, every vintage.

Layouts (told from the file's content, not its name):

* ``tsv``: the IMF's own download, ``WEO<Mon><YYYY>all.xls``: tab-separated text under an
  ``.xls`` name, cp1252 (Latin-1) in the older releases, UTF-16 in some newer ones; numbers
  may carry thousands separators (``15,000.00``); a blank line of tabs and the footer
  ``International Monetary Fund, World Economic Outlook Database, April 2020`` end it;
* ``csv``: the same sheet re-saved as CSV (UTF-8), the footer kept as a one-field row;
* ``workbook``: the same sheet re-saved as an ``.xlsx`` workbook;
* ``dsd``: the WEO data-structure definition workbook (``weopub-dsd-apr2025.xlsx``): its
  CONCEPT, UNITS and SCALE sheets become code lists (``imf_weo_concept`` ...).

Columns of the data layouts: ``WEO Country Code, ISO, WEO Subject Code, Country, Subject
Descriptor, Subject Notes, Units, Scale, Country/Series-specific Notes``, one column per year,
``Estimates Start After``. ``n/a`` and ``--`` are missing (never zero).

The WEO subject code is the indicator id (``GGXWDG_NGDP``), its unit the file's Units and
Scale (``percent of GDP``, ``billions of US$``: values are stored in that unit, unscaled).
The vintage comes from the footer (``--vintage`` overrides it, and is required when the file
has none); each vintage is its own source of the ``imf-weo`` family, so an as-of query sees
the vintage published by then. A row's values after its "Estimates Start After" year are
the IMF staff's estimates (projections from the vintage's year on): they are stored with the
qualifier ``estimate`` and a note saying which.

Text cells of Excel re-saves may have been decoded as Mac Roman (``colÛn`` for ``colón``);
they are recovered with ``s.encode('mac_roman').decode('cp1252')`` only where that round trip
works and gives plausible cp1252 text (:func:`recover_text`).
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lazos.errors import DataError, ValidationError
from lazos.sources.base import Connector, Context, origin_of, raw_file_source
from lazos.sources.common import file_sha256
from lazos.sources.rawfiles import (
    SIGNATURES,
    SNIFF_BYTES,
    check_text_final_line_break,
    fail,
    read_sheet,
    wide_encoding,
    workbook_modified,
)
from lazos.store.staging import Staging

NAME = "weo"
TITLE = "IMF World Economic Outlook"
DATASET = "imf-weo"
PUBLISHER = "International Monetary Fund"
# The IMF's terms are not an SPDX licence: an SPDX LicenseRef names them.
LICENCE = "LicenseRef-IMF-Copyright-and-Usage"
TERMS = "https://www.imf.org/external/terms.htm"
LICENCE_NOTE = f"IMF Copyright and Usage terms ({TERMS})."
ID_COLUMNS = [
    "WEO Country Code",
    "ISO",
    "WEO Subject Code",
    "Country",
    "Subject Descriptor",
    "Subject Notes",
    "Units",
    "Scale",
    "Country/Series-specific Notes",
]
ESTIMATES = "Estimates Start After"
TEXT_COLUMNS = ["Country", "Subject Descriptor", "Subject Notes", "Units", "Scale", "Country/Series-specific Notes"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
FOOTER_START = "International Monetary Fund, World Economic Outlook Database"
_FOOTER = re.compile(rf"^{re.escape(FOOTER_START)}, ({'|'.join(MONTHS)}) (\d{{4}})\s*$")
_YEAR = re.compile(r"^\d{4}$")
_SUBJECT = re.compile(r"^[A-Z][A-Z0-9_]*$")
_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)?(\.\d*)?([eE][+-]?\d+)?$")
MISSING = {"", "n/a", "--"}
NOT_STATED = {"", "n/a", "0", "NULL", "--"}
# WEO's own codes in its ISO column, and the ISO-like codes Lazos knows them by.
WEO_CODES = {"UVK": "XKX"}  # Kosovo
# C0 controls but tab and line breaks, DEL, C1 controls, bidirectional overrides and isolates.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MAX_TEXT = 20_000  # the longest WEO note is about 1,500 characters
# Units as the WEO writes them -> Lazos's unit text (anything else is lower-cased).
UNIT_TEXT = {
    "U.S. dollars": "US$",
    "U.S. cents": "US cents",
    "Purchasing power parity; international dollars": "international dollars (PPP)",
    "Purchasing power parity; 2021 international dollar": "2021 international dollars (PPP)",
    "Purchasing power parity; percent change": "percent change (PPP)",
    "National currency per current international dollar": "national currency per international dollar",
    "Percent of GDP": "percent of GDP",
    "Percent of potential GDP": "percent of potential GDP",
}
SCALES = {"": "", "Units": "", "Thousands": "thousands", "Millions": "millions", "Billions": "billions"}
TOPICS = (
    ("GG", "Public finance"),
    ("B", "External sector"),
    ("D", "External sector"),
    ("T", "External sector"),
    ("PCPI", "Prices"),
    ("LUR", "Labour and population"),
    ("LE", "Labour and population"),
    ("LP", "Labour and population"),
)
# The subjects the embedded dataset keeps, for these years (`lazos import weo` keeps all).
SNAPSHOT_SUBJECTS = (
    "GGXWDG_NGDP",
    "GGXCNL_NGDP",
    "GGXONLB_NGDP",
    "GGR_NGDP",
    "GGX_NGDP",
    "BCA",
    "BCA_NGDPD",
    "PCPIPCH",
    "PCPIEPCH",
    "NGDP_RPCH",
    "NGDPD",
    "NGDPDPC",
    "PPPGDP",
    "LUR",
    "LP",
)
SNAPSHOT_YEARS = (2000, 2030)
SNAPSHOT_FILES = ("WEOApr2025all_lac.csv", "WEOApr2020all_lac.xls")
DSD_FILE = "weopub-dsd-apr2025.xlsx"
DSD_SHEETS = {"CONCEPT": "imf_weo_concept", "UNITS": "imf_weo_unit", "SCALE": "imf_weo_scale"}


# ---------------------------------------------------------------------------- text


_PLAUSIBLE = set(range(0xA0, 0x100)) - {0xD7, 0xF7} | {ord(c) for c in "‘’“”–—…•€"}


def recover_text(text: str) -> str:
    """Undo Excel's Mac Roman reading of cp1252 text (``colÛn`` -> ``colón``) where it is sure.

    The round trip ``text.encode('mac_roman').decode('cp1252')`` is used only when it works,
    when every non-ASCII character it gives is a Latin-1 letter or common punctuation, and
    when the text shows a sign of the garbling: a character that is not itself plausible, or
    an upper-case accented letter inside a lower-case word (``bolÌvar``). Text that is right
    as it is (``Bogotá``, ``São Tomé``) does not survive the round trip and is kept.
    """
    if text.isascii():
        return text
    try:
        fixed = text.encode("mac_roman").decode("cp1252")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
    if not all(ord(c) < 0x80 or ord(c) in _PLAUSIBLE for c in fixed):
        return text
    suspicious = any(ord(c) >= 0x80 and ord(c) not in _PLAUSIBLE for c in text) or any(
        not c.isascii() and c.isupper() and i > 0 and text[i - 1].islower() for i, c in enumerate(text)
    )
    return fixed if suspicious else text


def unit_text(units: str, scale: str) -> str:
    """Lazos's unit for a WEO Units and Scale: ``percent of GDP``, ``billions of US$``."""
    base = UNIT_TEXT.get(units) or (units[:1].lower() + units[1:])
    prefix = SCALES.get(scale, scale.lower())
    return f"{prefix} of {base}" if prefix else base


def topic_of(subject: str) -> str:
    return next((topic for prefix, topic in TOPICS if subject.startswith(prefix)), "National accounts")


def vintage_label(vintage: str) -> str:
    """``April 2025`` for the vintage ``2025-04`` (the year alone when no month is given)."""
    year, _, month = vintage.partition("-")
    return f"{MONTHS[int(month[:2]) - 1]} {year}" if month[:2].isdigit() and 1 <= int(month[:2]) <= 12 else year


def vintage_title(vintage: str) -> str:
    """``World Economic Outlook Database, April 2025`` for the vintage ``2025-04``."""
    return f"World Economic Outlook Database, {vintage_label(vintage)}"


def vintage_url(vintage: str) -> str | None:
    year, _, month = vintage.partition("-")
    if not (month[:2].isdigit() and 1 <= int(month[:2]) <= 12):
        return None
    return f"https://www.imf.org/en/Publications/WEO/weo-database/{year}/{MONTHS[int(month[:2]) - 1]}"


# ---------------------------------------------------------------------------- reading


@dataclass
class WeoRow:
    row: int
    iso: str
    subject: str
    text: dict[str, str]  # the text columns, recovered
    values: dict[int, float]  # year -> value (missing years absent)
    estimates_after: int | None


@dataclass
class WeoFile:
    path: Path
    layout: str  # tsv, csv or workbook
    encoding: str | None
    years: list[int]
    rows: list[WeoRow]
    vintage: str | None  # from the footer, YYYY-MM
    recovered: int = 0  # text cells recovered from Mac Roman
    errors: list[DataError] = field(default_factory=list)


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    """The file's text and its codec: the one given, else UTF-16/32 by its marks, else UTF-8,
    else (for the IMF's tab-separated download only) cp1252, the IMF's encoding."""
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            fail("unknown-encoding", f"unknown encoding {encoding!r}", path)
        try:
            return data.decode(codec).removeprefix("\ufeff"), codec
        except UnicodeDecodeError as exc:
            fail(
                "encoding-error",
                f"not valid {encoding} ({exc.reason}, byte 0x{data[exc.start]:02x})",
                path,
                data[: exc.start].count(b"\n") + 1,
            )
    wide = wide_encoding(data)
    if wide:
        try:
            return data.decode(wide).removeprefix("\ufeff"), wide
        except UnicodeDecodeError as exc:
            fail("encoding-error", f"not valid {wide.upper()} ({exc.reason})", path)
    if b"\x00" in data:
        fail("binary-file", "the file holds NUL bytes: it is not a WEO text file", path, 1)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        first = data.split(b"\n", 1)[0]
        if b"\t" not in first:
            fail(
                "encoding-error",
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x}): a CSV re-save is read as UTF-8; "
                "import with --encoding cp1252 if it was saved in Windows Latin-1",
                path,
                line,
            )
    try:  # the IMF's own tab-separated files are cp1252
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        fail(
            "encoding-error",
            f"neither UTF-8 nor cp1252 (byte 0x{data[exc.start]:02x}, undefined in cp1252): "
            "give the file's encoding with --encoding",
            path,
            data[: exc.start].count(b"\n") + 1,
        )


def _check_header(
    header: list[str], path: Path, encoding: str | None = None
) -> tuple[dict[str, int], list[tuple[int, int]]]:
    """The positions of the WEO columns and of the year columns; a file with none of the WEO
    columns is another dataset's, one missing some is named column by column."""
    header = [h.strip() for h in header]
    wanted = [*ID_COLUMNS, ESTIMATES]
    missing = [c for c in wanted if c not in header]
    if len(missing) >= len(ID_COLUMNS):
        fail(
            "unknown-layout",
            "not a WEO by-countries file: expected the columns " + ", ".join(ID_COLUMNS) + ", the years and "
            f"{ESTIMATES} (its header starts {header[:4]}); the by-country-groups file is not read"
            + (f"; read as {encoding}: is that the file's encoding?" if encoding else ""),
            path,
            1,
        )
    if missing:
        raise ValidationError([DataError("missing-column", "the column is missing", str(path), 1, c) for c in missing])
    years = [(i, int(h)) for i, h in enumerate(header) if _YEAR.match(h)]
    if not years:
        fail("missing-column", "no year columns (1980, 1981, ...)", path, 1)
    duplicated = [h for h, n in Counter(header).items() if n > 1 and h]
    if duplicated:
        fail("duplicate-column", f"the column {duplicated[0]!r} appears twice", path, 1, duplicated[0])
    return {c: header.index(c) for c in wanted}, years


def _first_line(path: Path, head: bytes, encoding: str | None) -> str:
    """The header line, from the file's first bytes (a file of another dataset is refused unread)."""
    codec = encoding or wide_encoding(head) or "utf-8-sig"
    try:
        codec = codecs.lookup(codec).name
    except LookupError:
        fail("unknown-encoding", f"unknown encoding {encoding!r}", path)
    try:
        text = codecs.getincrementaldecoder(codec)(errors="replace").decode(head, final=False)
    except UnicodeError as exc:  # UTF-16 without its byte-order mark
        fail("encoding-error", f"not valid {encoding or codec} ({exc})", path, 1)
    return text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")


def _records(path: Path, encoding: str | None) -> tuple[str, str | None, list[tuple[int, list[Any]]]]:
    """(layout, encoding, numbered rows, header first) of a data file."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if not head.strip():
        fail("blank-file", "the file is empty", path)
    if head.startswith(b"PK\x03\x04"):
        _, header, rows = read_sheet(path, None)
        return "workbook", None, [(1, header), *((n, r) for n, r in enumerate(rows, start=2))]
    kind = next((what for magic, what in SIGNATURES.items() if head.startswith(magic)), None)
    if kind:
        fail(
            "binary-file",
            f"the file is {kind}: the IMF's .xls download is tab-separated text; save a workbook as .xlsx or CSV",
            path,
            1,
        )
    first = _first_line(path, head, encoding)
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        header = next(csv.reader([first], delimiter=delimiter))
    except (csv.Error, StopIteration):
        header = first.split(delimiter)
    _check_header(header, path, encoding)
    text, codec = _decode(path, path.read_bytes(), encoding)
    check_text_final_line_break(text, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    out: list[tuple[int, list[Any]]] = []
    try:
        for cells in reader:
            out.append((reader.line_num, cells))
    except csv.Error as exc:
        message = str(exc)
        if "unexpected end of data" in message or "EOF" in message:
            message = "a quoted value is never closed (the file may be truncated)"
        fail("malformed-csv", message, path, reader.line_num)
    return ("tsv" if delimiter == "\t" else "csv"), codec, out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _number(value: Any, path: Path, row: int, column: str, errors: list[DataError]) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        text = _cell(value).strip()
        if text in MISSING:
            return None
        if not _NUMBER.match(text) or not any(ch.isdigit() for ch in text):
            errors.append(
                DataError(
                    "invalid-value",
                    f"{text[:40]!r} is not a number (the WEO writes n/a or -- for a missing value)",
                    str(path),
                    row,
                    column,
                )
            )
            return None
        number = float(text.replace(",", ""))
    if not math.isfinite(number):
        errors.append(DataError("invalid-value", f"{value!r} is not a finite number", str(path), row, column))
        return None
    return number


def _estimates_after(value: Any, path: Path, row: int, errors: list[DataError]) -> int | None:
    text = _cell(value).strip()
    if text in NOT_STATED:
        return None
    if _YEAR.match(text) and 1900 <= int(text) <= 2100:
        return int(text)
    errors.append(DataError("invalid-value", f"{text[:40]!r} is not a year", str(path), row, ESTIMATES))
    return None


def read(path: Path, encoding: str | None = None) -> WeoFile:
    """Read and check a WEO data file in any of its layouts (every problem a located error)."""
    if not path.is_file():
        fail("missing-file", "file not found", path)
    layout, codec, records = _records(path, encoding)
    if not records:
        fail("blank-file", "the file is empty", path)
    idx, years = _check_header([_cell(c) for c in records[0][1]], path)
    width = len(records[0][1])
    out = WeoFile(path, layout, codec, [y for _, y in years], [], None)
    errors = out.errors
    footer_row: int | None = None
    seen: dict[tuple[str, str], int] = {}
    for number, raw in records[1:]:
        cells = [_cell(c) for c in raw]
        if not any(c.strip() for c in cells):
            continue
        if cells[0].strip().startswith(FOOTER_START) and not any(c.strip() for c in cells[1:]):
            if footer_row is not None:
                errors.append(DataError("malformed-csv", "a second footer line", str(path), number))
            footer_row = number
            match = _FOOTER.match(cells[0].strip())
            if match:
                out.vintage = f"{match.group(2)}-{MONTHS.index(match.group(1)) + 1:02d}"
            else:
                errors.append(
                    DataError(
                        "invalid-value",
                        f"the footer {cells[0].strip()[:80]!r} does not end with a month and year",
                        str(path),
                        number,
                    )
                )
            continue
        if footer_row is not None:
            errors.append(
                DataError("malformed-csv", f"a row after the footer line (row {footer_row})", str(path), number)
            )
            break
        if len(cells) != width:
            short = len(cells) < width
            errors.append(
                DataError(
                    "missing-cell" if short else "extra-cell",
                    f"{len(cells)} cells where the header has {width}"
                    + (" (the file may be truncated)" if short else ""),
                    str(path),
                    number,
                )
            )
            break
        iso, subject = cells[idx["ISO"]].strip(), cells[idx["WEO Subject Code"]].strip()
        if not iso:
            errors.append(DataError("missing-value", "a value is required", str(path), number, "ISO"))
        if not _SUBJECT.match(subject):
            errors.append(
                DataError(
                    "invalid-value",
                    f"{subject[:40]!r} is not a WEO subject code (e.g. GGXWDG_NGDP)",
                    str(path),
                    number,
                    "WEO Subject Code",
                )
            )
        text: dict[str, str] = {}
        for column in TEXT_COLUMNS:
            value = cells[idx[column]].strip()
            bad = _CONTROL.search(value)
            if bad or len(value) > MAX_TEXT:
                reason = f"control character {bad.group()!r} in the text" if bad else f"text of {len(value)} characters"
                errors.append(DataError("invalid-text", f"{reason}: not WEO text", str(path), number, column))
                continue
            fixed = recover_text(value)
            out.recovered += fixed != value
            text[column] = fixed
        values = {}
        for i, year in years:
            value = _number(raw[i], path, number, str(year), errors)
            if value is not None:
                values[year] = value
        after = _estimates_after(raw[idx[ESTIMATES]], path, number, errors)
        key = (iso, subject)
        if key in seen:
            errors.append(
                DataError("duplicate-key", f"{iso} {subject} is also row {seen[key]}", str(path), number, "ISO")
            )
        seen.setdefault(key, number)
        out.rows.append(WeoRow(number, iso, subject, text, values, after))
        if len(errors) > 50:
            break
    if errors:
        raise ValidationError(errors)
    return out


# ---------------------------------------------------------------------------- staging


def _stored_units(staging: Staging, ctx: Context) -> dict[str, str]:
    units = dict(ctx.con.execute("SELECT indicator, unit FROM indicator WHERE retired_at IS NULL").fetchall())
    units.update({r["indicator"]: r["unit"] for r in staging.rows("indicators")})
    return units


def estimate_note(year: int, after: int, vintage: str) -> str:
    """``IMF estimate; actual data end 2023 (WEO April 2025)``; a projection from the vintage's year."""
    kind = "projection" if year >= int(vintage[:4]) else "estimate"
    return f"IMF {kind}; actual data end {after} (WEO {vintage_label(vintage)})"


def stage(
    path: Path,
    staging: Staging,
    ctx: Context,
    subjects: tuple[str, ...] | None = None,
    years: tuple[int, int] | None = None,
) -> str:
    """Stage a WEO data file (or the DSD workbook); ``subjects`` and ``years`` keep a part of it."""
    if _is_dsd(path):
        return stage_dsd(path, staging, ctx)
    weo = read(path, ctx.encoding)
    vintage = ctx.given_vintage() or weo.vintage
    if vintage is None:
        fail(
            "missing-vintage",
            f"the file does not say its vintage (no last line '{FOOTER_START}, <Month> <Year>': "
            "the IMF's files end with it, so the file may be truncated): give it with --vintage YYYY-MM",
            path,
        )
    origin = origin_of(ctx, path)
    digest = file_sha256(path)
    title = vintage_title(vintage)
    source = raw_file_source(
        ctx,
        origin,
        source_id=f"imf-weo-{vintage.lower()}-{digest[:8]}",
        kind="dataset",
        title=title,
        publisher=PUBLISHER,
        url=vintage_url(vintage) or "https://www.imf.org/en/Publications/SPROLLs/world-economic-outlook-databases",
        licence=LICENCE,
        published=vintage,
        content_hash=digest,
        dataset=DATASET,
        note=" ".join(n for n in (origin.get("note"), LICENCE_NOTE) if n),
    )
    staging.add_rows("sources", [source], str(path))
    sid = source["source_id"]

    known = _stored_units(staging, ctx)
    errors: list[DataError] = []
    indicators: dict[str, dict[str, Any]] = {}
    units_of: dict[str, tuple[str, int]] = {}
    observations, details = [], []
    skipped: Counter[str] = Counter()
    low, high = years or (min(weo.years), max(weo.years))
    for r in weo.rows:
        if subjects is not None and r.subject not in subjects:
            continue
        unit = unit_text(r.text.get("Units", ""), r.text.get("Scale", ""))
        first = units_of.setdefault(r.subject, (unit, r.row))
        if first[0] != unit:
            errors.append(
                DataError(
                    "invalid-value",
                    f"{r.subject} is in {unit!r} here but in {first[0]!r} in row {first[1]}",
                    str(path),
                    r.row,
                    "Units",
                )
            )
            continue
        if r.subject in known and known[r.subject] != unit and r.subject not in indicators:
            errors.append(
                DataError(
                    "invalid-value",
                    f"{r.subject} is stored in {known[r.subject]!r}; this file gives {unit!r}",
                    str(path),
                    r.row,
                    "Units",
                )
            )
            continue
        if r.subject not in known and r.subject not in indicators:
            descriptor = r.text.get("Subject Descriptor") or r.subject
            indicators[r.subject] = {
                "indicator": r.subject,
                "name": f"{descriptor} ({unit})",
                "unit": unit,
                "topic": topic_of(r.subject),
                "description": r.text.get("Subject Notes") or None,
                "source_id": sid,
                "_row": r.row,
            }
        code = WEO_CODES.get(r.iso, r.iso)
        found = ctx.resolver.classify(code)
        if found.unknown and r.text.get("Country"):
            by_name = ctx.resolver.classify(r.text["Country"])
            found = by_name if not by_name.unknown else found
        if found.iso3 is None:
            if found.excluded:
                skipped[found.excluded] += 1
            else:
                errors.append(
                    DataError(
                        "unknown-country",
                        f"unknown country {r.iso!r} ({r.text.get('Country', '')}): add it to Lazos's countries, "
                        "aliases or excluded names (lazos/sources/reference)",
                        str(path),
                        r.row,
                        "ISO",
                    )
                )
            continue
        for year, value in r.values.items():
            if not low <= year <= high:
                continue
            key = {
                "entity": found.iso3,
                "partner": None,
                "indicator": r.subject,
                "period": str(year),
                "source_id": sid,
                "_row": r.row,
            }
            observations.append({**key, "value": value})
            if r.estimates_after is not None and year > r.estimates_after:
                details.append(
                    {
                        **key,
                        "qualifier": "estimate",
                        "confidence": "high",
                        "published": None,
                        "note": estimate_note(year, r.estimates_after, vintage),
                    }
                )
    if errors:
        raise ValidationError(errors)
    for reason, count in skipped.items():
        staging.skip(f"{path.name}: {reason}", count)
    staging.add_rows("indicators", list(indicators.values()), str(path))
    staging.add_rows("observations", observations, str(path))
    staging.add_rows("observation_details", details, str(path))
    recovered = f", {weo.recovered} text cells recovered from Mac Roman" if weo.recovered else ""
    return (
        f"{path.name}: WEO {weo.layout} layout, vintage {vintage}, {len(observations)} values "
        f"({len(details)} IMF estimates or projections){recovered}"
    )


# ---------------------------------------------------------------------------- DSD workbook


def _is_dsd(path: Path) -> bool:
    """Whether the file is the DSD workbook (a workbook with a CONCEPT sheet)."""
    from python_calamine import CalamineWorkbook

    if not path.is_file():
        return False
    with path.open("rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            return False
    try:
        return "CONCEPT" in CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception:  # not a workbook calamine reads: the data reader names the problem
        return False


def stage_dsd(path: Path, staging: Staging, ctx: Context) -> str:
    """The DSD workbook's concept, unit and scale lists as code lists."""
    origin = origin_of(ctx, path)
    digest = file_sha256(path)
    published = origin.get("published") or ctx.given_vintage() or workbook_modified(path)
    source = raw_file_source(
        ctx,
        origin,
        source_id=f"imf-weo-dsd-{digest[:8]}",
        kind="reference",
        title=f"World Economic Outlook data-structure definition ({path.name})",
        publisher=PUBLISHER,
        url="https://www.imf.org/en/Publications/SPROLLs/world-economic-outlook-databases",
        licence=LICENCE,
        published=published,
        content_hash=digest,
        note=" ".join(n for n in (origin.get("note"), LICENCE_NOTE) if n),
    )
    staging.add_rows("sources", [source], str(path))
    rows, errors = [], []
    for sheet, scheme in DSD_SHEETS.items():
        _, _, cells = read_sheet(path, sheet)
        # Each sheet: a block of properties ending with "Usage Scope", a blank row, a header row.
        scope = next((i for i, r in enumerate(cells) if r and _cell(r[0]).strip() == "Usage Scope"), None)
        if scope is None:
            fail("unknown-layout", f"sheet {sheet!r} is not a DSD code list (no 'Usage Scope' row)", path, None, sheet)
        start = scope + 2
        seen = set()
        for number, r in enumerate(cells[start + 1 :], start=start + 3):
            code = _cell(r[0] if r else "").strip()
            label = _cell(r[1] if len(r) > 1 else "").strip()
            if not code or code == "NULL" or not label:
                continue
            if _CONTROL.search(code + label):
                errors.append(DataError("invalid-text", "control character in the text", str(path), number, sheet))
                continue
            if code in seen:
                errors.append(DataError("duplicate-key", f"code {code} appears twice", str(path), number, sheet))
                continue
            seen.add(code)
            rows.append(
                {
                    "scheme": scheme,
                    "code": code,
                    "label": label,
                    "parent": None,
                    "source_id": source["source_id"],
                    "_row": number,
                }
            )
    if errors:
        raise ValidationError(errors)
    staging.add_rows("codes", rows, str(path))
    return f"{path.name}: {len(rows)} WEO codes (concepts, units, scales)"


def snapshot(raw_dir: Path, staging: Staging, ctx: Context) -> list[str]:
    """Both vintages' rows of the subjects Lazos uses, 2000-2030, and the DSD's code lists."""
    folder = raw_dir / "imf"
    out = [stage(folder / name, staging, ctx, SNAPSHOT_SUBJECTS, SNAPSHOT_YEARS) for name in SNAPSHOT_FILES]
    out.append(stage_dsd(folder / DSD_FILE, staging, ctx))
    return out


CONNECTOR = Connector(
    name=NAME,
    title=TITLE,
    description="IMF World Economic Outlook: every subject by country, each vintage its own source, "
    "IMF estimates and projections flagged",
    layouts=(
        "the IMF's tab-separated WEO<Mon><YYYY>all.xls",
        "the same sheet as .csv or .xlsx",
        "the data-structure definition weopub-dsd-<mon><yyyy>.xlsx",
    ),
    stage=stage,
    snapshot=snapshot,
)
