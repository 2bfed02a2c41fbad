"""The JSON readers (UN Comtrade, World Bank) and the curated files never crash on arbitrary
input: a Lazos error that names the problem, or rows staged."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import duckdb
from conftest import stage_file, three_country_store
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_readers import CELLS

from lazos.sources import comtrade, curated, gcdf, wdi

_DATABASE: list[duckdb.DuckDBPyConnection] = []


def database() -> duckdb.DuckDBPyConnection:
    """One in-memory database with three countries, made once: a run stages into temporary
    tables that the next run replaces, and writes nothing to the store."""
    if not _DATABASE:
        _DATABASE.append(three_country_store())
    return _DATABASE[0]


def run(connector, path: Path) -> None:
    """Stage a file as an import would; a Lazos error is an expected outcome, anything else fails."""
    stage_file(database(), connector, path)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["C", "S", "X", "M", "RX", "TOTAL", "ARG", "CHN", "156", "32", "0", "2010", "201013", "abc"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner))
COMTRADE_FIELDS = [
    "typeCode",
    "flowCode",
    "customsCode",
    "motCode",
    "partner2Code",
    "cmdCode",
    "cmdDesc",
    "reporterISO",
    "reporterCode",
    "partnerISO",
    "partnerCode",
    "period",
    "refYear",
    "primaryValue",
    "fobvalue",
    "cifvalue",
]
# A realistic record (China's exports to Argentina, 2010) that the fuzzer then changes.
COMTRADE_RECORD = {
    "typeCode": "C",
    "flowCode": "X",
    "customsCode": "C00",
    "motCode": 0,
    "partner2Code": 0,
    "cmdCode": "TOTAL",
    "reporterISO": "CHN",
    "reporterCode": 156,
    "partnerISO": "ARG",
    "partnerCode": 32,
    "period": 2010,
    "refYear": 2010,
    "primaryValue": 6115764185.0,
    "fobvalue": 6115764185.0,
}


def records(fields: list[str], base: dict) -> st.SearchStrategy:
    """Records: the realistic one with some fields replaced by any JSON value, or any JSON value."""
    changed = st.dictionaries(st.sampled_from(fields), VALUES, max_size=4).map(lambda change: {**base, **change})
    return st.one_of(changed, VALUES)


def stage_json(connector, payload: object | str, name: str = "response.json") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(payload if isinstance(payload, str) else json.dumps(payload), "utf-8")
        run(connector, path)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(records(COMTRADE_FIELDS, COMTRADE_RECORD), max_size=5),
    st.dictionaries(st.sampled_from(["statusCode", "message", "error", "count", "elapsedTime"]), VALUES, max_size=3),
)
def test_comtrade_bodies_give_errors_not_crashes(data, extra):
    stage_json(comtrade, {"data": data, **extra})


@settings(max_examples=100, deadline=None)
@given(VALUES)
def test_any_json_document_gives_an_error_not_a_crash(document):
    stage_json(comtrade, document)
    stage_json(wdi, document)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=0, max_value=5000))
def test_broken_and_deeply_nested_json_give_errors_not_crashes(text, depth):
    stage_json(comtrade, '{"data": ' + "[" * depth + text)
    stage_json(wdi, "[" * depth + text + "]" * depth)


WORLD_BANK_RECORD = {
    "indicator": {"id": "NY.GDP.MKTP.CD", "value": "GDP (current US$)"},
    "country": {"id": "AR", "value": "Argentina"},
    "countryiso3code": "ARG",
    "date": "2020",
    "value": 385540224628.6,
}


@settings(max_examples=100, deadline=None)
@given(st.lists(records(list(WORLD_BANK_RECORD), WORLD_BANK_RECORD), max_size=5))
def test_world_bank_records_give_errors_not_crashes(data):
    stage_json(wdi, [{"page": 1, "pages": 1}, data])


# ----------------------------------------------------------------------------- curated files

CURATED_CELLS = st.one_of(
    CELLS,
    st.sampled_from(["ARG", "PER", "bri_mou_signed", "2022-02-06", "2022-13-01", "high", "low", "USD", "true"]),
)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    path.write_text(out.getvalue(), "utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_arbitrary_curated_files_give_errors_not_crashes(data):
    """Curated files of the right columns holding anything (no shared data needed)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, header in curated.FILES.items():
            width = st.lists(CURATED_CELLS, min_size=len(header), max_size=len(header))
            write_csv(folder / name, header, data.draw(st.lists(width, max_size=3), label=name))
        run(curated, folder)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_edited_curated_files_give_errors_not_crashes(shared_data, data):
    """The real curated files with a few cells changed, rows dropped or repeated, or bytes cut."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in curated.FILES:
            (folder / name).write_bytes((shared_data / "curated" / name).read_bytes())
        name = data.draw(st.sampled_from(list(curated.FILES)), label="file")
        path = folder / name
        rows = list(csv.reader(io.StringIO(path.read_text("utf-8"), newline="")))
        for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="edits")):
            row = data.draw(st.integers(min_value=1, max_value=len(rows) - 1), label="row")
            edit = data.draw(st.sampled_from(["cell", "drop", "repeat", "cut"]), label="edit")
            if edit == "cell":
                column = data.draw(st.integers(min_value=0, max_value=len(rows[0]) - 1), label="column")
                rows[row][column] = data.draw(CURATED_CELLS, label="value")
            elif edit == "drop" and len(rows) > 2:
                del rows[row]
            elif edit == "repeat":
                rows.append(list(rows[row]))
        write_csv(path, rows[0], rows[1:])
        if edit == "cut":
            text = path.read_bytes()
            path.write_bytes(text[: data.draw(st.integers(min_value=0, max_value=len(text)), label="cut at")])
        run(curated, folder)


GEOMETRIES = st.one_of(
    VALUES,
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Point", "LineString", "Polygon", "MultiPolygon", "Nothing"]),
            "coordinates": st.recursive(
                st.floats(allow_nan=True, allow_infinity=True) | st.integers(-200, 200),
                lambda inner: st.lists(inner, max_size=4),
                max_leaves=12,
            ),
        }
    ),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({"geometry": GEOMETRIES}, optional={"properties": VALUES}), max_size=3))
def test_geojson_features_give_errors_not_crashes(features):
    stage_json(gcdf, {"type": "FeatureCollection", "features": features}, "1.geojson")
