"""Observations store entity, partner, indicator and period as keys into one dictionary of terms."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import lazos
from lazos.errors import ValidationError
from lazos.store.importer import import_files


def terms(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(con.execute("SELECT term, term_key FROM observation_term").fetchall())


def test_every_stored_observation_reads_back_with_its_texts(built_db):
    with duckdb.connect(str(built_db), read_only=True) as con:
        stored = con.execute("SELECT count(*) FROM observation_value").fetchall()[0][0]
        read = con.execute("SELECT count(*) FROM observation WHERE entity IS NOT NULL AND period IS NOT NULL")
        assert read.fetchall()[0][0] == stored > 50_000
        # A bilateral flow keeps its partner; a plain series has none (not an empty text).
        partners = con.execute(
            "SELECT count(*) FILTER (WHERE partner IS NOT NULL), count(*) FILTER (WHERE partner = '') FROM observation"
        ).fetchall()[0]
        assert partners[0] > 0 and partners[1] == 0
        unique = con.execute("SELECT count(*) = count(DISTINCT term) FROM observation_term").fetchall()[0][0]
        assert unique
    with lazos.open(built_db) as db:
        df = db.observations(indicator="chn_lac_goods_trade_total", include_alternatives=True).frame
        assert set(df[df["period"] == "2023"]["value"]) >= {489_000_000_000.0}


def test_an_import_keeps_the_keys_of_known_terms_and_adds_only_new_ones(db_copy, tmp_path):
    before = terms(db_copy)
    path = tmp_path / "WDIData.csv"
    years = [str(y) for y in range(1960, 2024)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        header = ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *years]
        fh.write(",".join(f'"{h}"' for h in header))
        fh.write(",\r\n")
        for iso in ("ARG", "BRA"):
            for code in ("NY.GDP.MKTP.CD", "TEST.TERMS.1"):
                cells = [iso, iso, f"{code} (current US$)", code, *["1.5" for _ in years]]
                fh.write(",".join(f'"{c}"' for c in cells) + ",\r\n")
    import_files(db_copy, "wdi", [path])
    after = terms(db_copy)
    assert {t: after[t] for t in before} == before
    assert set(after) - set(before) == {"TEST.TERMS.1", *(set(years) - set(before))}
    assert min(after[t] for t in set(after) - set(before)) > max(before.values())
    import_files(db_copy, "wdi", [path])
    assert terms(db_copy) == after
    with lazos.open(db_copy) as db:
        df = db.observations(entity="BRA", indicator="TEST.TERMS.1").frame
        assert sorted(df["period"]) == years and set(df["value"]) == {1.5}


def test_a_not_finite_value_in_a_reimport_is_named_with_row_and_column(db_copy, tmp_path):
    path = tmp_path / "WDIData.csv"
    header = ["Country Name", "Country Code", "Indicator Name", "Indicator Code", "2020", "2021"]
    rows = [["Argentina", "ARG", "GDP (current US$)", "NY.GDP.MKTP.CD", "1.5", "2.5"]]
    rows.append(["Brazil", "BRA", "GDP (current US$)", "NY.GDP.MKTP.CD", "3.5", "4.5"])

    def write(table: list[list[str]]) -> None:
        path.write_text("".join(",".join(f'"{c}"' for c in r) + ",\r\n" for r in [header, *table]), "utf-8")

    write(rows)
    import_files(db_copy, "wdi", [path])  # the file's rows are now stored: the second import compares
    before = terms(db_copy)
    rows[1][5] = "inf"
    write(rows)
    with pytest.raises(ValidationError) as info:
        import_files(db_copy, "wdi", [path])
    error = info.value.errors[0]
    assert (error.type, error.row, error.field) == ("invalid-value", 3, "2021")
    assert terms(db_copy) == before
