"""`lazos build` (and so `make run`, run again) never loses what the user added.

A database built from the same package is up to date; a different package (a newer Lazos, or
--from) is applied in place, keeping imports, ingested documents and saved analyses; a build
that cannot keep them refuses and says what would be lost; --replace discards them knowingly.
"""

from __future__ import annotations

import csv
import shutil
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

import lazos
from lazos.api import save_analyses
from lazos.documents.ingest import ingest
from lazos.errors import LazosError
from lazos.store.importer import import_files
from lazos.store.package import record_integrity

DEVSET = Path(__file__).parent / "devset"


def small_wdi(path: Path, indicator: str = "TEST.1", value: float = 1000.5) -> None:
    """A WDI bulk file of one series for Argentina (the layout `lazos import wdi` reads)."""
    years = [str(y) for y in range(2000, 2024)]
    header = ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *years]
    cells = ["Argentina", "ARG", "Test series (current US$)", indicator, *[str(value) for _ in years]]
    path.write_text("\n".join(",".join(f'"{c}"' for c in row) for row in (header, cells)) + "\n", "utf-8")


def counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        sql = {
            "documents": "SELECT count(*) FROM document WHERE retired_at IS NULL",
            "claims": "SELECT count(*) FROM claim WHERE retired_at IS NULL",
            "imported": "SELECT count(*) FROM observation WHERE retired_at IS NULL AND indicator = 'TEST.1'",
            "runs": "SELECT count(*) FROM analysis_run",
            "loads": "SELECT count(*) FROM load_run",
        }
        return {k: con.execute(q).fetchall()[0][0] for k, q in sql.items()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def user_db(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded build with an ingested document, an import of a newer vintage and saved analyses."""
    folder = tmp_path_factory.mktemp("user")
    path = folder / "user.duckdb"
    shutil.copyfile(built_db, path)
    ingest(path, [str(DEVSET / "passages_es.txt")])
    small_wdi(folder / "WDIData.csv")
    import_files(path, "wdi", [folder / "WDIData.csv"], vintage="2025-01-01")
    save_analyses(path)
    return path


@pytest.fixture()
def user_copy(user_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "mine.duckdb"
    shutil.copyfile(user_db, target)
    return target


def edit_rows(path: Path, keep=lambda row: True, change=lambda row: row) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        header = list(rows[0]) if rows else []
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(change(dict(r)) for r in rows if keep(r))


def newer_package(package: Path) -> tuple[str, str]:
    """A package as a newer Lazos could embed: one event reworded, one withdrawn."""
    with (package / "events.csv").open(encoding="utf-8", newline="") as fh:
        events = list(csv.DictReader(fh))
    reworded, withdrawn = events[0]["event_id"], events[1]["event_id"]
    edit_rows(
        package / "events.csv",
        keep=lambda r: r["event_id"] != withdrawn,
        change=lambda r: {**r, "detail": "Reworded by a newer Lazos"} if r["event_id"] == reworded else r,
    )
    record_integrity(package)
    return reworded, withdrawn


def test_make_run_twice_keeps_everything_and_says_up_to_date(cli, tmp_path):
    db = tmp_path / "run.duckdb"
    assert cli("build", db=db).code == 0  # what `make run` does: build, then save the analyses
    assert cli("analyses", "save", db=db).code == 0
    ingest(db, [str(DEVSET / "passages_es.txt")])
    before = counts(db)
    assert before["documents"] == 1 and before["claims"] > 0 and before["runs"] == 4
    again = cli("build", db=db)  # ...and again
    assert again.code == 0, again.err
    assert "is up to date" in again.out and "nothing to do" in again.out
    assert counts(db) == before


def test_a_newer_package_refreshes_in_place_keeping_the_users_data(user_copy, package_copy, tmp_path):
    before = counts(user_copy)
    reworded, withdrawn = newer_package(package_copy)
    with duckdb.connect(str(user_copy), read_only=True) as con:
        last_load = con.execute("SELECT max(started_at) FROM load_run").fetchall()[0][0]
    report = lazos.build(user_copy, package_copy)
    assert report.action == "refreshed"
    assert report.changes["events"].inserted == 1 and report.changes["events"].retired == 2
    after = counts(user_copy)
    assert after == {**before, "loads": before["loads"] + 1}  # documents, claims, imports and runs kept
    with lazos.open(user_copy) as db:
        events = db.events(include_alternatives=True).frame.set_index("event_id")
        assert events.loc[reworded, "detail"] == "Reworded by a newer Lazos"
        assert withdrawn not in events.index
        assert len(db.claims(check=False)) == before["claims"]
        assert (db.analysis_runs().frame["current_data"] == False).all()  # noqa: E712 - the data moved on
    # The previous build's rows are retired, not deleted: still readable as recorded.
    with lazos.open(user_copy, recorded_as_of=last_load + timedelta(microseconds=1)) as then:
        assert withdrawn in set(then.events(include_alternatives=True).frame["event_id"])
    assert lazos.build(user_copy, package_copy).action == "up-to-date"


def test_the_cli_says_what_it_refreshed(cli, user_copy, package_copy):
    newer_package(package_copy)
    result = cli("build", "--from", str(package_copy), db=user_copy)
    assert result.code == 0, result.err
    assert "in place, keeping your imports" in result.out and "events 1 added, 2 retired" in result.out


def test_a_package_dropping_what_an_import_uses_refuses_and_changes_nothing(user_copy, package_copy, tmp_path, content):
    # The user imported values of an indicator of the embedded data; the new package drops it.
    small_wdi(tmp_path / "fdi.csv", indicator="chn_fdi_flow_to_lac", value=7.0)
    import_files(user_copy, "wdi", [tmp_path / "fdi.csv"], vintage="2025-02-01")
    for name in ("indicators", "observations", "observation_details"):
        edit_rows(package_copy / f"{name}.csv", keep=lambda r: r["indicator"] != "chn_fdi_flow_to_lac")
    record_integrity(package_copy)
    before = content(user_copy)
    with pytest.raises(LazosError) as info:
        lazos.build(user_copy, package_copy)
    message = str(info.value)
    assert "indicator 'chn_fdi_flow_to_lac'" in message
    assert "1 ingested document(s) with" in message and "saved analysis run(s)" in message
    assert "import of wdi: WDIData.csv" in message and "lazos export DIR" in message and "--replace" in message
    assert content(user_copy) == before
    assert lazos.build(user_copy, package_copy, replace=True).action == "built"
    assert counts(user_copy)["documents"] == 0


def test_restoring_an_export_over_other_user_data_refuses(user_copy, built_db, tmp_path, content):
    with lazos.open(built_db) as db:
        export = db.export(tmp_path / "export").path
    before = content(user_copy)
    with pytest.raises(LazosError, match=r"restoring the export .* would be lost: 1 ingested document"):
        lazos.build(user_copy, export)
    assert content(user_copy) == before
    # An export of this very database holds everything it has: restoring it loses nothing.
    with lazos.open(user_copy) as db:
        own = db.export(tmp_path / "own").path
    kept = counts(user_copy)
    assert lazos.build(user_copy, own).action == "restored"
    assert counts(user_copy) == kept
