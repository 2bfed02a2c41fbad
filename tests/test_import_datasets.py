"""WGI, AidData GCDF 3.0, the Comtrade-derived trade tables, the Comtrade API and CAMEO codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import lazos
from lazos.errors import LazosError, ValidationError
from lazos.store.importer import import_files


def query(db: Path, sql: str):
    with lazos.open(db) as handle:
        return handle.query(sql).frame


# ----------------------------------------------------------------------------- WGI


def test_wgi_workbook_and_its_csv_give_the_same_values(shared_data, tmp_path):
    import duckdb

    from lazos.sources import wgi
    from lazos.sources.base import Context, load_origins
    from lazos.sources.snapshot import SNAPSHOT_DATE, collect, resolver_from_staging
    from lazos.store.staging import Staging

    with duckdb.connect() as con:
        staging = collect(shared_data, con)
        ctx = Context(con, resolver_from_staging(staging), SNAPSHOT_DATE, options={"origins": load_origins()})
        fresh = Staging(con)
        wgi.stage(shared_data / "wgi" / "wgi_lac.csv", fresh, ctx, wgi.SNAPSHOT_MEASURES)
        from_csv = {(r["entity"], r["indicator"], r["period"]): r["value"] for r in fresh.rows("observations")}
    with lazos.open(_built(tmp_path)) as handle:
        df = handle.observations(indicator=["CC.EST", "PV.PER.RNK", "VA.STD.ERR"]).frame
    from_xlsx = {
        (e, i, p): v for e, i, p, v in zip(df["entity"], df["indicator"], df["period"], df["value"], strict=True)
    }
    assert from_xlsx and all(from_csv[k] == pytest.approx(v, rel=1e-12) for k, v in from_xlsx.items())


def _built(tmp_path: Path) -> Path:
    db = tmp_path / "built.duckdb"
    if not db.exists():
        lazos.build(db)
    return db


def test_wgi_missing_values_stay_missing(built_db):
    # Saint Kitts and Nevis has 19 missing estimates of 150 in the 2024 update.
    df = query(
        built_db,
        "SELECT count(*) AS n FROM observation WHERE entity = 'KNA' AND indicator LIKE '%.EST' AND retired_at IS NULL",
    )
    assert df["n"][0] == 150 - 19


# ----------------------------------------------------------------------------- GCDF


def test_gcdf_records_become_projects_with_constant_dollar_amounts(built_db):
    with lazos.open(built_db) as handle:
        projects = handle.projects(country="HND").frame
        patuca = handle.project("aiddata-35552")
    assert patuca.project["status"] == "completed"
    amounts = patuca.amounts.frame.set_index("amount_kind")
    assert amounts.loc["commitment", "usd_constant"] == pytest.approx(335838967.980348)
    assert amounts.loc["commitment", "usd_constant_year"] == 2021
    milestones = set(zip(patuca.milestones.frame["milestone"], patuca.milestones.frame["date"], strict=True))
    assert {
        ("committed", "2013-09-22"),
        ("construction_started", "2015-09-21"),
        ("completed", "2021-01-01"),
    } <= milestones
    assert "aiddata-35552" in set(projects["project_id"])
    assert list(patuca.external_ids.frame["external_id"]) == ["35552"]


def test_an_aiddata_record_already_cited_by_a_project_adds_to_it(built_db):
    with lazos.open(built_db) as handle:
        route32 = handle.project("cri-route-32-widening")
        assert handle.query("SELECT count(*) AS n FROM project WHERE project_id = 'aiddata-37364'").frame["n"][0] == 0
    kinds = set(route32.amounts.frame["amount_kind"])
    assert {"contract_value", "commitment"} <= kinds  # the curated contract and AidData's commitment


def test_gcdf_locations_and_geometries_keep_their_licences(built_db):
    locations = query(
        built_db,
        "SELECT level, count(*) AS n FROM project_location WHERE retired_at IS NULL GROUP BY level ORDER BY level",
    )
    assert dict(zip(locations["level"], locations["n"], strict=True))["ADM1"] > 1500
    geometry = query(
        built_db,
        "SELECT g.licence, s.licence AS source_licence, g.geojson FROM project_geometry g "
        "JOIN source s USING (source_id) WHERE project_id = 'aiddata-35552'",
    )
    assert geometry["licence"][0] == geometry["source_licence"][0] == "ODbL-1.0"
    assert json.loads(geometry["geojson"][0])["type"] == "FeatureCollection"


def test_gcdf_full_release_layout_reads_csv_and_the_published_workbook(shared_data, db_copy, tmp_path):
    source = shared_data / "gcdf" / "gcdf3_fullschema_lac_sample.csv"
    with source.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "GCDF_3.0"
    for row in rows:
        sheet.append(row)
    workbook = tmp_path / "AidDatasGlobalChineseDevelopmentFinanceDataset_v3.0.xlsx"
    book.save(workbook)
    report = import_files(db_copy, "gcdf", [workbook])
    assert "full layout, 1 records" in report.read[0]
    with lazos.open(db_copy) as handle:
        pier = handle.project("aiddata-89653").project
    assert (pier["flow_type"], pier["flow_class"], pier["intent"], pier["in_totals"]) == (
        "Grant",
        "ODA-like",
        "Development",
        True,
    )
    assert pier["description"].startswith("On August 20, 2018")  # imports keep AidData's prose

    sheet.title = "Sheet1"
    book.save(workbook)
    with pytest.raises(ValidationError, match=r"the workbook has no sheet 'GCDF_3\.0' \(sheets: Sheet1\)"):
        import_files(db_copy, "gcdf", [workbook])


def test_gcdf_unknown_sector_is_refused_with_its_row(shared_data, db_copy, tmp_path):
    path = tmp_path / "final_input.csv"
    text = (shared_data / "gcdf" / "gcdf3_lac.csv").read_text("utf-8")
    path.write_text(text.replace(",ENERGY,", ",TELEPORTATION,", 1), "utf-8")
    with pytest.raises(ValidationError, match="unknown AidData sector 'TELEPORTATION'") as info:
        import_files(db_copy, "gcdf", [path])
    assert info.value.errors[0].field == "Sector.Name" and info.value.errors[0].row == 2


# ----------------------------------------------------------------------------- trade


def test_china_reported_and_mirror_trade_keep_their_reporting_basis(built_db):
    with lazos.open(built_db) as handle:
        china = handle.observations(
            entity="CHN", partner="BRA", indicator=["goods_exports_fob", "goods_imports_cif"]
        ).frame
        mexico = handle.observations(entity="MEX", partner="CHN", indicator="goods_imports_cif").frame
    y2023 = china[china["period"] == "2023"].set_index("indicator")["value"]
    assert y2023["goods_exports_fob"] == pytest.approx(59.1e9, rel=0.01)
    assert y2023["goods_imports_cif"] == pytest.approx(122.5e9, rel=0.01)
    assert mexico[mexico["period"] == "2023"]["value"].iloc[0] == pytest.approx(114.2e9, rel=0.01)


def test_trade_workbooks_import_and_partners_outside_lac_are_counted(shared_data, db_copy):
    folder = shared_data / "trade" / "cipf-comtrade"
    report = import_files(db_copy, "trade", sorted(folder.glob("*.xlsx")))
    assert report.changes["observations"].inserted > 0
    assert sum(report.skipped.values()) > 0
    assert all(
        "outside" in reason or "Taiwan" in reason or "pseudo" in reason or "residual" in reason
        for reason in report.skipped
    )


# ----------------------------------------------------------------------------- Comtrade API


def test_comtrade_recorded_response_gives_chinas_trade_with_argentina(built_db):
    with lazos.open(built_db) as handle:
        df = handle.observations(
            entity="CHN", partner="ARG", indicator=["goods_exports_fob", "goods_imports_cif"], include_alternatives=True
        ).frame
    y2010 = df[(df["period"] == "2010") & df["source_id"].str.startswith("un-comtrade")].set_index("indicator")
    assert y2010.loc["goods_exports_fob", "value"] == 6115764185
    assert y2010.loc["goods_imports_cif", "value"] == 6804128143


def test_comtrade_error_and_empty_bodies(shared_data, db_copy):
    folder = shared_data / "api_responses"
    with pytest.raises(ValidationError, match=r"UN Comtrade refused the request \(401\): Access denied"):
        import_files(db_copy, "comtrade", [folder / "comtrade_v1_error_401_missing_subscription_key.json"])
    report = import_files(db_copy, "comtrade", [folder / "comtrade_v1_get_S_A_EB_reporter156_2010_empty.json"])
    assert "the response holds no data" in report.read[0]


def test_comtrade_fetch_builds_the_request_and_reads_the_answer(db_copy):
    httpx = pytest.importorskip("httpx")
    from lazos.store.importer import fetch

    body = {
        "elapsedTime": "0.1 secs",
        "count": 1,
        "error": "",
        "data": [
            {
                "typeCode": "C",
                "freqCode": "A",
                "period": "2023",
                "reporterCode": 156,
                "reporterISO": "CHN",
                "partnerCode": 76,
                "partnerISO": "BRA",
                "flowCode": "X",
                "cmdCode": "TOTAL",
                "customsCode": "C00",
                "motCode": 0,
                "partner2Code": 0,
                "primaryValue": 59.1e9,
                "fobvalue": 59.1e9,
                "cifvalue": None,
            }
        ],
    }
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(200, json=body)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    report = fetch(db_copy, "comtrade", {"reporter": ["CHN"], "partner": ["BRA"], "period": ["2023"], "client": client})
    assert "reporterCode=156" in seen[0] and "partnerCode=76" in seen[0] and "/public/v1/preview/C/A/HS" in seen[0]
    assert report.changes["observations"].inserted == 1


def test_world_bank_fetch_follows_every_page(db_copy):
    httpx = pytest.importorskip("httpx")
    from lazos.store.importer import fetch

    def record(year):
        return {
            "indicator": {"id": "SP.POP.TOTL", "value": "Population, total"},
            "country": {"id": "AR", "value": "Argentina"},
            "countryiso3code": "ARG",
            "date": str(year),
            "value": 40_000_000 + year,
            "unit": "",
            "obs_status": "",
            "decimal": 0,
        }

    pages = {1: [record(2000), record(2001)], 2: [record(2002)]}

    def handler(request):
        page = int(request.url.params["page"])
        meta = {"page": page, "pages": 2, "per_page": 2, "total": 3, "sourceid": "2", "lastupdated": "2026-10-15"}
        return httpx.Response(200, json=[meta, pages[page]])

    client = httpx.Client(transport=httpx.MockTransport(handler))
    report = fetch(db_copy, "wdi", {"indicator": "SP.POP.TOTL", "countries": ["ARG"], "client": client})
    assert report.changes["observations"].inserted == 3
    with lazos.open(db_copy) as handle:
        sources = handle.sources().frame
    assert (sources["published"] == "2026-10-15").any()


def test_world_bank_api_error_body_is_reported(db_copy, tmp_path):
    path = tmp_path / "error.json"
    path.write_text(
        json.dumps(
            [{"message": [{"id": "120", "key": "Invalid value", "value": "The provided parameter value is not valid"}]}]
        )
    )
    with pytest.raises(ValidationError, match="the World Bank API answered with an error: Invalid value"):
        import_files(db_copy, "wdi", [path])


# ----------------------------------------------------------------------------- CAMEO


def test_cameo_codes_keep_their_hierarchy(built_db):
    df = query(built_db, "SELECT code, parent FROM code WHERE scheme = 'cameo' AND code IN ('02', '021', '0211')")
    parents = dict(zip(df["code"], df["parent"], strict=True))
    assert pd.isna(parents.pop("02")) and parents == {"021": "02", "0211": "021"}


def test_unknown_source_name_is_one_clear_error(db_copy):
    with pytest.raises(LazosError, match="unknown source 'imf'"):
        import_files(db_copy, "imf", [])
