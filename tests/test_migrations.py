"""A database written by an earlier schema upgrades in place, keeping its content and history."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

import lazos
from lazos.errors import DatabaseError
from lazos.store.migrations import available, current_version, latest_version, migrate

BUILT = datetime(2024, 1, 10, 9, 0)
IMPORTED = datetime(2025, 3, 1, 9, 0)


def version_1_database(path: Path) -> None:
    """A schema-1 database as Lazos 0.1.0 wrote it: a build, then an import that revised a value."""
    con = duckdb.connect(str(path))
    migrate(con, target=1)
    con.execute("INSERT INTO load_run VALUES (1, 'build', ?, ?, 'embedded', NULL)", [BUILT, BUILT])
    con.execute("INSERT INTO load_run VALUES (2, 'import', ?, ?, 'wdi', NULL)", [IMPORTED, IMPORTED])
    for sid, published, load in (("wb-old", "2023-12-18", 1), ("wb-new", "2024-06-28", 2)):
        con.execute(
            "INSERT INTO source VALUES (?, 'dataset', 'WDI', 'World Bank', NULL, 'CC-BY-4.0', ?, ?, ?, "
            "NULL, NULL, NULL, NULL, 'wb-wdi', NULL, NULL, ?, NULL, ?)",
            [sid, published, published, published, BUILT if load == 1 else IMPORTED, load],
        )
    con.execute(
        "INSERT INTO country VALUES ('ARG', 'AR', 'state', true, NULL, 'Argentina', 'Argentina', 'Argentina', "
        "'阿根廷', 'South America', 'wb-old', NULL, ?, NULL, 1)",
        [BUILT],
    )
    con.execute(
        "INSERT INTO indicator VALUES ('NY.GDP.MKTP.CD', 'GDP (current US$)', 'USD', NULL, NULL, 'wb-old', ?, NULL, 1)",
        [BUILT],
    )
    row = "('ARG', NULL, 'NY.GDP.MKTP.CD', '2022', DATE '2022-01-01', DATE '2022-12-31', ?, 'USD', ?, 'high', ?, "
    row += "NULL, NULL, ?, NULL, ?, ?, ?)"
    # The 2023 vintage's figure, then the 2024 vintage's (an approximate one, for the test).
    con.execute(f"INSERT INTO observation VALUES {row}", [631.1e9, "exact", None, "wb-old", BUILT, None, 1])
    con.execute(
        f"INSERT INTO observation VALUES {row}", [632.8e9, "approximate", "2024-06-28", "wb-new", IMPORTED, None, 2]
    )
    # A value the import replaced: retired when the import ran.
    con.execute(
        f"INSERT INTO observation VALUES {row.replace(chr(39) + '2022' + chr(39), chr(39) + '2021' + chr(39))}",
        [487.2e9, "exact", None, "wb-old", BUILT, IMPORTED, 1],
    )
    con.close()


def test_a_version_1_database_upgrades_in_place_and_keeps_values_details_and_history(tmp_path):
    path = tmp_path / "old.duckdb"
    version_1_database(path)
    with pytest.raises(DatabaseError, match=r"schema version 1.*lazos migrate --db .*content is kept"):
        lazos.open(path)

    con = duckdb.connect(str(path))
    applied = migrate(con)
    assert applied == [m.version for m in available()][1:]
    assert current_version(con) == latest_version()
    keys = dict(con.execute("SELECT source_id, source_key FROM source").fetchall())
    assert sorted(keys) == ["wb-new", "wb-old"] and len(set(keys.values())) == 2
    con.close()

    with lazos.open(path) as db:
        now = db.observations(entity="ARG", include_alternatives=True).frame.set_index(["period", "source_id"])
        assert now.loc[("2022", "wb-new"), "value"] == 632.8e9
        assert now.loc[("2022", "wb-new"), "qualifier"] == "approximate"
        assert now.loc[("2022", "wb-new"), "published"] == "2024-06-28"
        assert ("2022", "wb-old") not in now.index  # superseded by the newer vintage of the dataset
        assert ("2021", "wb-old") not in now.index  # retired by the import
        then = db.observations(entity="ARG", as_of="2024-01-01").frame
        assert then[["period", "value", "qualifier"]].values.tolist() == [["2022", 631.1e9, "exact"]]
    with lazos.open(path, recorded_as_of=datetime(2024, 6, 1)) as db:
        before = db.observations(entity="ARG", include_alternatives=True).frame
        assert sorted(zip(before["period"], before["value"], strict=True)) == [("2021", 487.2e9), ("2022", 631.1e9)]


def test_a_failed_migration_leaves_the_database_at_its_version(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    version_1_database(path)
    broken = [*available()]
    broken[1] = type(broken[1])(broken[1].version, broken[1].name, broken[1].sql + "\nSELECT * FROM no_such_table;")
    monkeypatch.setattr("lazos.store.migrations.available", lambda: broken)
    con = duckdb.connect(str(path))
    with pytest.raises(DatabaseError, match=r"migration 2 \(connectors\) failed, the database is unchanged"):
        migrate(con)
    assert current_version(con) == 1
    assert con.execute("SELECT count(*) FROM observation WHERE unit = 'USD'").fetchall()[0][0] == 3
    con.close()


def test_opening_a_file_that_is_not_a_lazos_database_says_so(tmp_path):
    path = tmp_path / "other.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(DatabaseError, match="is not a Lazos database"):
        lazos.open(path)
