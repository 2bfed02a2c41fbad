"""World Development Indicators in every published layout, imported with history."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import lazos
from lazos.errors import ValidationError
from lazos.store.importer import import_files


def values(db: Path, indicator: str, entity: str, **kw) -> dict[str, float]:
    with lazos.open(db) as handle:
        df = handle.observations(indicator=indicator, entity=entity, **kw).frame
    return dict(zip(df["period"], df["value"], strict=True))


def test_reimporting_the_embedded_files_changes_nothing(shared_data, db_copy):
    files = [shared_data / "wdi" / name for name in ("WDIData_lac.csv", "WDISeries_lac.csv", "WDICountry_lac.csv")]
    report = import_files(db_copy, "wdi", files)
    assert report.inserted == 0 and report.retired == 0


def test_api_download_layout_reads_its_vintage_from_the_preamble(shared_data, db_copy):
    path = shared_data / "wdi" / "api" / "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_2002465_lac.csv"
    report = import_files(db_copy, "wdi", [path])
    assert "vintage 2024-06-28" in report.read[0]
    with lazos.open(db_copy) as handle:
        sources = handle.sources().frame
    row = sources[sources["source_id"].str.startswith("wb-wdi-api-2024-06-28")].iloc[0]
    assert (row["publisher"], row["licence"], row["dataset"]) == ("World Bank", "CC-BY-4.0", "wb-wdi")


def test_databank_layout_skips_missing_and_the_footer(shared_data, db_copy):
    path = shared_data / "wdi" / "databank" / "WDI_Data_databank_lac.csv"
    report = import_files(db_copy, "wdi", [path])
    assert "vintage 2025-10-07" in report.read[0]
    internet = values(db_copy, "IT.NET.USER.ZS", "ATG")
    assert set(internet) <= {str(y) for y in range(2015, 2025)}


def test_a_newer_vintage_is_added_and_as_of_returns_the_old_values(shared_data, tmp_path):
    db = tmp_path / "vintages.duckdb"
    lazos.build(db)
    # The embedded dataset already holds three vintages of GDP (2024-05 records, 2024-06-28 bulk,
    # 2026-07-01 datahub): as of 2025, the 2024-06-28 values; today, the 2026 mirror's.
    bulk_2022 = values(db, "NY.GDP.MKTP.CD", "ARG", as_of="2025-01-01")["2022"]
    latest_2022 = values(db, "NY.GDP.MKTP.CD", "ARG")["2022"]
    assert bulk_2022 == pytest.approx(631133384439.944, rel=1e-9)
    assert "2025" in values(db, "NY.GDP.MKTP.CD", "ARG") and "2025" not in values(
        db, "NY.GDP.MKTP.CD", "ARG", as_of="2025-01-01"
    )
    assert latest_2022 > 0
    with lazos.open(db) as handle:
        every = handle.observations(indicator="NY.GDP.MKTP.CD", entity="ARG", include_alternatives=True).frame
    assert every[every["period"] == "2022"]["source_id"].nunique() == 1  # older vintages are not alternatives


def test_unknown_country_code_stops_the_import_with_its_row(shared_data, db_copy, tmp_path):
    path = tmp_path / "WDIData.csv"
    text = (shared_data / "wdi" / "WDIData_lac.csv").read_text("utf-8-sig")
    path.write_text("\ufeff" + text.replace('"Peru","PER"', '"Narnia","NRN"', 1), "utf-8")
    with pytest.raises(ValidationError) as info:
        import_files(db_copy, "wdi", [path])
    error = info.value.errors[0]
    assert error.field == "Country Code" and "unknown country 'NRN' (Narnia)" in error.message
    assert error.row == text.splitlines().index(next(x for x in text.splitlines() if x.startswith('"Peru"'))) + 1


def test_aggregates_and_countries_outside_scope_are_left_out_and_counted(shared_data, db_copy, tmp_path):
    path = tmp_path / "WDIData.csv"
    text = (shared_data / "wdi" / "WDIData_lac.csv").read_text("utf-8-sig")
    lines = text.splitlines()
    extra = [
        lines[1].replace('"Argentina","ARG"', '"East Asia & Pacific","EAS"'),
        lines[1].replace('"Argentina","ARG"', '"Angola","AGO"'),
    ]
    path.write_text("\n".join([*lines, *extra]) + "\n", "utf-8")
    report = import_files(db_copy, "wdi", [path])
    assert report.skipped == {
        "WDIData.csv: World Bank aggregate (East Asia & Pacific)": 1,
        "WDIData.csv: ISO 3166 countries outside Lazos's scope": 1,
    }


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda t: t.replace('"Indicator Code"', '"Indicator_Code"', 1),
            ("missing-column", "column 'Indicator Code': the column is missing"),
        ),
        (lambda t: t[: len(t) * 2 // 3].rsplit(",", 3)[0], ("malformed-csv", "")),
        (
            lambda t: t.replace('"109490000000"', '"109,490,000,000"', 1),
            ("invalid-value", "'109,490,000,000' is not a number"),
        ),
        (lambda t: t.replace('"109490000000"', '"NaN"', 1), ("invalid-value", "not a finite number")),
        (lambda t: t + t.splitlines()[1] + "\r\n", ("duplicate-key", "appears twice")),
    ],
    ids=["renamed-column", "truncated", "thousands-separators", "nan", "duplicate-row"],
)
def test_broken_bulk_files_are_refused_with_file_row_and_column(shared_data, db_copy, tmp_path, mutate, expected):
    source = (shared_data / "wdi" / "WDIData_lac.csv").read_bytes().decode("utf-8")
    path = tmp_path / "WDIData.csv"
    path.write_bytes(mutate(source).encode("utf-8"))
    with lazos.open(db_copy) as handle:
        before = len(handle.query("SELECT * FROM observation"))
    with pytest.raises(ValidationError) as info:
        import_files(db_copy, "wdi", [path])
    error = info.value.errors[0]
    kind, text = expected
    assert error.file == str(path)
    if kind != "malformed-csv":
        assert error.type == kind and text in str(error)
    else:
        assert error.type in ("malformed-csv", "missing-cell", "truncated-file") and error.row
    with lazos.open(db_copy) as handle:
        assert len(handle.query("SELECT * FROM observation")) == before


def test_empty_cells_are_missing_values_not_zeros(shared_data, db_copy):
    import_files(db_copy, "wdi", [shared_data / "wdi" / "WDIData_lac.csv"])
    argentina = values(db_copy, "NY.GDP.MKTP.CD", "ARG", as_of="2025-01-01")
    assert "1960" not in argentina  # the bulk file's 1960 cell is empty
    assert 0.0 not in argentina.values()


@pytest.mark.parametrize("encoding", ["latin-1", "gbk"])
def test_wrong_encodings_are_named_and_readable_with_encoding(shared_data, db_copy, tmp_path, encoding):
    text = (shared_data / "wdi" / "WDIData_lac.csv").read_text("utf-8-sig")
    name = "Perú" if encoding == "latin-1" else "秘鲁"
    text = text.replace('"Peru","PER"', f'"{name}","PER"', 1)
    path = tmp_path / f"WDIData_{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(ValidationError) as info:
        import_files(db_copy, "wdi", [path])
    message = str(info.value.errors[0])
    assert "not valid UTF-8" in message and f"--encoding {encoding}" in message
    report = import_files(db_copy, "wdi", [path], encoding=encoding)
    assert report.changes["observations"].inserted > 0


def test_a_two_gigabyte_file_of_nothing_is_refused_at_once(db_copy, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.truncate(2 * 1024**3)  # sparse: takes no disk space
    with pytest.raises(ValidationError, match="NUL bytes"):
        import_files(db_copy, "wdi", [path])


def test_datahub_long_files_need_their_indicator(shared_data, db_copy, tmp_path):
    path = tmp_path / "data.csv"
    shutil.copyfile(shared_data / "wdi" / "datahub" / "sp.pop.totl.csv", path)
    with pytest.raises(ValidationError, match="cannot tell which indicator"):
        import_files(db_copy, "wdi", [path])
    report = import_files(db_copy, "wdi", [path], options={"indicator": "SP.POP.TOTL"})
    assert "SP.POP.TOTL" in report.read[0]


def test_world_bank_api_records_import_with_nulls_skipped(shared_data, db_copy):
    path = shared_data / "api_responses" / "worldbank_v2_NY.GDP.MKTP.CD_12_south_american_countries_records_only.json"
    import_files(db_copy, "wdi", [path])  # the embedded dataset already holds it: nothing changes
    with lazos.open(db_copy) as handle:
        df = handle.query(
            "SELECT count(*) AS n FROM observation o JOIN source s USING (source_id) "
            "WHERE s.source_id LIKE 'wb-wdi-api-json%' AND o.retired_at IS NULL"
        ).frame
    assert df["n"][0] == 600 - 52
