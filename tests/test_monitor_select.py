"""The select stage on real GDELT 2.0 files: the 15 China–Brazil events of 2019-10-24 14:30, GKG
records by location, mentions by event, known entities by name, and error rows passing through."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from lazos.monitor.layouts import EVENTS, GKG, MENTIONS, schema
from lazos.monitor.parse import parse_file
from lazos.monitor.select import (
    LAC_FIPS_TO_ISO3,
    LAC_ISO3,
    select_batch,
    select_events,
    select_gkg,
    select_mentions,
    selected_schema,
)

EVENTS_FILE = "20191024143000.export.CSV"
MENTIONS_FILE = "20250807220000.mentions_first13.CSV"

# The README's China–LAC rows of the events file, all China–Brazil.
ACTOR_DYADS = {  # one actor country code CHN, the other BRA: Bolsonaro's state visit to Beijing
    881990861, 881991174, 881991175, 881991176, 881991178, 881991179, 881991180,
    881991280, 881991281, 881991282, 881991283, 881991284, 881991285,
}  # fmt: skip
GEO_ONLY = {
    881992192,  # Embraer (MNCBRA) located in China
    881992428,  # Actor1Code SPY, no actor country: Actor1 geo Brazil, action geo China
}


@pytest.fixture(scope="module")
def events(gdelt: Path) -> pa.Table:
    return parse_file(gdelt / EVENTS_FILE)


def labelled(table: pa.Table) -> dict[int, tuple[str, str]]:
    return {r["GLOBALEVENTID"]: (r["country"], r["match"]) for r in table.to_pylist()}


def test_lac_table_maps_35_fips_codes_to_35_iso3_codes_and_leaves_china_out():
    assert len(LAC_FIPS_TO_ISO3) == 35 and len(LAC_ISO3) == 35
    assert LAC_FIPS_TO_ISO3["BR"] == "BRA" and LAC_FIPS_TO_ISO3["PA"] == "PRY" and LAC_FIPS_TO_ISO3["PM"] == "PAN"
    assert "CH" not in LAC_FIPS_TO_ISO3 and "CHN" not in LAC_ISO3


# --- events ----------------------------------------------------------------------------------------------


def test_real_events_file_selects_the_15_china_brazil_rows(events):
    chosen = select_events(events)
    assert chosen.schema.equals(selected_schema(EVENTS))
    assert labelled(chosen) == {
        **dict.fromkeys(ACTOR_DYADS, ("BRA", "actor")),
        **dict.fromkeys(GEO_ONLY, ("BRA", "geo")),
    }


def test_geo_only_rows_are_the_embraer_row_in_china_and_the_row_without_actor_country(events):
    chosen = select_events(events)
    geo = chosen.filter(pc.equal(chosen["match"], "geo")).sort_by("GLOBALEVENTID").to_pylist()
    assert [(r["Actor1Name"], r["Actor1CountryCode"], r["ActionGeo_CountryCode"]) for r in geo] == [
        ("EMBRAER", "BRA", "CH"),
        ("INTELLIGENCE", None, "CH"),
    ]
    assert geo[1]["Actor1Code"] == "SPY" and geo[1]["Actor1Geo_CountryCode"] == "BR"


def test_error_rows_pass_through_selection_with_no_country(gdelt, tmp_path):
    lines = (gdelt / EVENTS_FILE).read_bytes().split(b"\n")
    # a broken copy: line 2 loses a field, line 453 (a China–Brazil row) is kept as is
    broken = [lines[0], lines[1].rsplit(b"\t", 1)[0], lines[452]]
    path = tmp_path / "broken.export.CSV"
    path.write_bytes(b"\n".join(broken) + b"\n")
    chosen = select_events(parse_file(path))
    assert chosen.select(["line", "GLOBALEVENTID", "country", "match", "error"]).to_pylist() == [
        {"line": 3, "GLOBALEVENTID": 881991284, "country": "BRA", "match": "actor", "error": None},
        {"line": 2, "GLOBALEVENTID": None, "country": None, "match": None, "error": "60 fields, expected 61"},
    ]


def test_known_entity_names_select_rows_by_whole_words(events):
    # The mechanism, with synthetic entity names: Occidental Petroleum is not a Chinese company, but
    # its real rows here are located in Colombia, which is enough to show how names are matched.
    petroleum = {881991314: ("COL", "entity"), 881992188: ("COL", "entity"), 881992190: ("COL", "entity"),
                 881992191: ("COL", "entity")}  # fmt: skip
    for names in (["  occidental   PETROLEUM "], ["Petroleum"]):
        chosen = select_events(events, names)
        assert labelled(chosen) == {
            **dict.fromkeys(ACTOR_DYADS, ("BRA", "actor")),
            **dict.fromkeys(GEO_ONLY, ("BRA", "geo")),
            **petroleum,
        }
    assert select_events(events, ["petro", "occidental petrol"]).num_rows == 15  # not whole words
    assert select_events(events, ["Chinese"]).num_rows == 15  # a row found by actor codes stays "actor"
    assert labelled(select_events(events, ["EMBRAER"]))[881991002] == ("BRA", "entity")  # Actor2, in Bolivia


# --- GKG -----------------------------------------------------------------------------------------------------


def test_neither_real_gkg_record_is_china_lac(gdelt):
    first = parse_file(gdelt / "gkg_1row_1.tsv")
    assert "CH" in first["LocationCountries"].to_pylist()[0]  # China is mentioned, no LAC state is
    for name in ("gkg_1row_1.tsv", "gkg_1row_2.tsv"):
        chosen = select_gkg(parse_file(gdelt / name), ["nickelodeon"])
        assert chosen.num_rows == 0 and chosen.schema.equals(selected_schema(GKG))


def altered_gkg(gdelt: Path, tmp_path: Path, name: str, old: bytes, new: bytes) -> pa.Table:
    """A real GKG record with one V1LOCATIONS entry changed (not real data: a test of the mechanism)."""
    fields = (gdelt / name).read_bytes().split(b"\t")
    assert old in fields[9]
    fields[9] = fields[9].replace(old, new, 1)
    path = tmp_path / f"altered_{name}"
    path.write_bytes(b"\t".join(fields))
    return parse_file(path)


def test_gkg_record_located_in_china_and_a_lac_state_is_selected_by_geo(gdelt, tmp_path):
    # altered copy: the Kodiak entry (the third location, after Fairbanks and China) moved to Brazil
    table = altered_gkg(gdelt, tmp_path, "gkg_1row_1.tsv", b"Kodiak, Alaska, United States#US#", b"Kodiak#BR#")
    assert table["LocationCountries"].to_pylist() == [["US", "CH", "BR", "US", "US"]]
    chosen = select_gkg(table)
    assert chosen.select(["GKGRECORDID", "country", "match"]).to_pylist() == [
        {"GKGRECORDID": "20200327193000-0", "country": "BRA", "match": "geo"}
    ]


def test_gkg_record_naming_a_known_entity_in_a_lac_state_is_selected_by_entity(gdelt, tmp_path):
    # altered copy located in Mexico; "Nickelodeon" is a synthetic entity name for the mechanism
    table = altered_gkg(gdelt, tmp_path, "gkg_1row_2.tsv", b"California, United States#US#", b"Mexico#MX#")
    assert select_gkg(table).num_rows == 0  # no China
    assert select_gkg(table, ["Nick"]).num_rows == 0  # not a whole word
    chosen = select_gkg(table, ["NICKELODEON"])
    assert chosen.select(["country", "match"]).to_pylist() == [{"country": "MEX", "match": "entity"}]


# --- mentions and the Ray stage ------------------------------------------------------------------------------


def test_mentions_of_the_given_events_are_kept(gdelt):
    mentions = parse_file(gdelt / MENTIONS_FILE)
    chosen = select_mentions(mentions, pa.array([1256322773, 881991284]))
    assert chosen.schema.equals(schema(MENTIONS))
    assert chosen["line"].to_pylist() == [10, 11, 12]  # one event, three articles
    assert select_mentions(mentions, []).num_rows == 0


def test_select_batch_dispatches_by_kind(gdelt, events):
    assert select_batch(events, "events").num_rows == 15
    mentions = parse_file(gdelt / MENTIONS_FILE)
    assert select_batch(mentions, "mentions", event_ids=pa.array([1250901036])).num_rows == 2
    with pytest.raises(ValueError, match="needs event_ids"):
        select_batch(mentions, "mentions")
    with pytest.raises(ValueError, match="event_ids select mentions"):
        select_batch(events, "events", event_ids=[1])
    with pytest.raises(ValueError, match="unknown GDELT kind"):
        select_batch(events, "export")
    with pytest.raises(ValueError, match="missing column"):
        select_batch(mentions, "events")
