"""Figures that sum AidData's projects say, beside them, that they rest on part of GCDF 3.0 (the
geocoded subset and others) and how to complete them; once the whole release is imported the
notes go. The state is read from the sources themselves (lazos.sources.gcdf.coverage_note)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

import lazos
from lazos.results import Coverage
from lazos.sources.gcdf import PARTIAL, RELEASE_RECORDS

TABLES = ("gcdf3_lac.csv", "gasoto04_df_filtered_lac.csv", "gcdf3_fullschema_lac_sample.csv")


def _marked(path: Path) -> bool:
    con = duckdb.connect(str(path), read_only=True)
    try:
        notes = con.execute(
            "SELECT note FROM source WHERE source_id LIKE 'aiddata-gcdf-3-0-geocoded-%' AND retired_at IS NULL"
        ).fetchall()
    finally:
        con.close()
    return bool(notes) and all((n or "").startswith(PARTIAL) for (n,) in notes)


@pytest.fixture(scope="module")
def subset_db(tmp_path_factory: pytest.TempPathFactory, built_db: Path, shared_data: Path) -> Path:
    """The embedded database; if it was built before its AidData sources said they are partial,
    with the same files imported again (as `lazos import gcdf` would)."""
    target = tmp_path_factory.mktemp("coverage") / "subset.duckdb"
    shutil.copyfile(built_db, target)
    if not _marked(target):
        lazos.import_file("gcdf", [shared_data / "gcdf" / name for name in TABLES], db=target)
    return target


@pytest.fixture(scope="module")
def release_db(tmp_path_factory: pytest.TempPathFactory, subset_db: Path, shared_data: Path) -> Path:
    """The same database after importing a file in the release's layout that holds as many records
    as the release: the real LAC record of the sample, and one row per other record for recipients
    outside Lazos's countries (which the import leaves out, as it does the release's)."""
    folder = tmp_path_factory.mktemp("release")
    with open(shared_data / "gcdf" / "gcdf3_fullschema_lac_sample.csv", encoding="utf-8", newline="") as f:
        header, record = list(csv.reader(f))[:2]
    path = folder / "AidDatasGlobalChineseDevelopmentFinanceDataset_v3.0.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerow(record)
        blank = dict.fromkeys(header, "")
        for n in range(1, RELEASE_RECORDS):
            row = {
                **blank,
                "AidData Record ID": str(900000 + n),
                "Recipient": "Angola",
                "Recipient ISO-3": "AGO",
                "Title": "record outside Latin America",
                "Status": "Completion",
                "Sector Name": record[header.index("Sector Name")],
                "Recommended For Aggregates": "Yes",
            }
            out.writerow([row[c] for c in header])
    target = folder / "release.duckdb"
    shutil.copyfile(subset_db, target)
    report = lazos.import_file("gcdf", path, db=target)
    assert any("full layout, 1 records" in line for line in report.read), report.read
    return target


def test_import_reads_the_126_column_release_layout_and_an_extract_says_it_is_partial(
    db_copy: Path, shared_data: Path
) -> None:
    sample = shared_data / "gcdf" / "gcdf3_fullschema_lac_sample.csv"
    with open(sample, encoding="utf-8", newline="") as f:
        assert len(next(csv.reader(f))) == 126
    report = lazos.import_file("gcdf", sample, db=db_copy)
    assert report.read == ["gcdf3_fullschema_lac_sample.csv: full layout, 1 records, 0 left out"]
    with lazos.open(db_copy) as db:
        detail = db.project("aiddata-89653")
        note = db.con.execute(
            "SELECT note FROM source WHERE source_id = ? AND retired_at IS NULL", [detail.project["source_id"]]
        ).fetchone()
    assert note[0].startswith(PARTIAL) and f"1 of the release's {RELEASE_RECORDS:,} records" in note[0]


def test_every_result_that_sums_aiddata_projects_carries_a_typed_coverage_note(subset_db: Path) -> None:
    with lazos.open(subset_db) as db:
        projects = db.projects(country="VEN")
        (note,) = projects.coverage
        assert isinstance(note, Coverage)
        assert note.dataset == "aiddata-gcdf" and note.records == 1183 and note.release_records == RELEASE_RECORDS
        assert note.held[0] == "the geocoded subset of GCDF 3.0"
        assert note.complete_with.startswith("lazos import gcdf ")
        assert projects.to_dict()["coverage"][0]["records"] == 1183
        profile = db.country("Venezuela")
        assert profile.coverage and profile.projects.coverage
        assert profile.to_dict()["coverage"][0]["figures"] == ["projects", "finance"]
        assert db.overview().coverage
        risk = db.risk("VEN", year=2019)
        assert risk.coverage[0].figures == ("investment_dependence",)
        index = db.connectivity_index(year=2019)
        assert "development_finance" in index.coverage[0].figures
        assert db.project("aiddata-89653").coverage == ()  # one project's own amounts are not a total


def test_the_note_stands_beside_the_figures_in_the_cli_rest_and_pages(subset_db: Path, cli) -> None:
    from fastapi.testclient import TestClient

    from lazos.web import create_app

    shown = cli("projects", "--country", "VEN", "--limit", "2", db=subset_db)
    assert "Partial data: these figures sum the 1,183 AidData records" in " ".join(shown.out.split())
    risk = cli("risk", "VEN", "--year", "2019", db=subset_db)
    assert "Indicators investment_dependence: Partial data" in " ".join(risk.out.split())
    app = create_app(subset_db)
    with TestClient(app) as client:
        assert client.get("/api/v1/projects", params={"country": "VEN"}).json()["coverage"][0]["records"] == 1183
        assert client.get("/api/v1/countries/VEN").json()["coverage"]
        assert client.get("/api/v1/risk", params={"country": "VEN", "year": 2019}).json()["coverage"]
        for path in ("/es/countries/VEN", "/es/projects", "/es/"):
            page = client.get(path)
            assert page.status_code == 200, path
            assert "Datos parciales: estas cifras suman los" in page.text, path
        assert "lazos import gcdf" in client.get("/en/projects").text
    app.state.db.close()


def test_importing_the_whole_release_lifts_the_notes(release_db: Path) -> None:
    from fastapi.testclient import TestClient

    from lazos.web import create_app

    with lazos.open(release_db) as db:
        assert db.coverage(("projects",)) == ()
        assert db.projects(country="VEN").coverage == ()
        assert db.country("VEN").coverage == () and db.overview().coverage == ()
        assert db.risk("VEN", year=2019).coverage == ()
    app = create_app(release_db)
    with TestClient(app) as client:
        assert client.get("/api/v1/projects", params={"country": "SLV"}).json()["coverage"] == []
        assert "Partial data" not in client.get("/en/countries/SLV").text
    app.state.db.close()
