"""The parse stage on real GDELT 2.0 files: every column typed per the codebook, counts, duplicates,
kinds, and bad input (broken copies of real lines) reported with file and line while the rest is read."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from lazos.errors import ValidationError
from lazos.monitor import parse
from lazos.monitor.layouts import EVENTS, GKG, LAYOUTS, MENTIONS, schema
from lazos.monitor.parse import errors_of, kind_of, parse_batch, parse_file, parse_file_with_stats

EVENTS_FILE = "20191024143000.export.CSV"
MENTIONS_FILE = "20250807220000.mentions_first13.CSV"
GKG_FILES = ("gkg_1row_1.tsv", "gkg_1row_2.tsv")


@pytest.fixture(scope="module")
def events(gdelt: Path) -> pa.Table:
    return parse_file(gdelt / EVENTS_FILE)


def real_lines(path: Path) -> list[bytes]:
    """The file's lines, without their line breaks."""
    return path.read_bytes().rstrip(b"\n").split(b"\n")


def write(path: Path, lines: list[bytes], end: bytes = b"\n") -> Path:
    path.write_bytes(b"\n".join(lines) + end)
    return path


def with_field(line: bytes, index: int, value: bytes) -> bytes:
    fields = line.split(b"\t")
    fields[index] = value
    return b"\t".join(fields)


def row_of(table: pa.Table, column: str, value: object) -> dict:
    rows = table.filter(pc.equal(table[column], value)).to_pylist()
    assert len(rows) == 1, rows
    return rows[0]


def only_errors(table: pa.Table) -> list[tuple[int | None, str]]:
    bad = table.filter(pc.is_valid(table["error"]))
    return sorted(zip(bad["line"].to_pylist(), bad["error"].to_pylist(), strict=True))


# --- layouts and counts --------------------------------------------------------------------------------


def test_layouts_have_the_codebook_column_counts():
    assert (EVENTS.field_count, MENTIONS.field_count, GKG.field_count) == (61, 16, 27)
    assert LAYOUTS == {"events": EVENTS, "mentions": MENTIONS, "gkg": GKG}
    assert schema(EVENTS).names[-3:] == ["source_file", "line", "error"]
    assert schema(GKG).names[27:30] == ["Tone", "LocationCountries", "Organizations"]


def test_events_file_parses_to_2111_good_rows_in_the_events_schema(events):
    assert events.num_rows == 2111
    assert events.schema.equals(schema(EVENTS))
    assert events["error"].null_count == 2111
    assert events["line"].to_pylist() == list(range(1, 2112))
    assert set(events["source_file"].to_pylist()) == {EVENTS_FILE}
    assert pc.count_distinct(events["GLOBALEVENTID"]).as_py() == 2111


def test_events_row_has_every_one_of_its_61_values_typed(events):
    # line 1361: Embraer located in China, with an empty Actor2 block (whose geo type GDELT writes as 0)
    row = row_of(events, "GLOBALEVENTID", 881992192)
    china = {"Type": 1, "FullName": "China", "CountryCode": "CH", "ADM1Code": "CH", "ADM2Code": None,
             "Lat": 35.0, "Long": 105.0, "FeatureID": "CH"}  # fmt: skip
    expected = {
        "GLOBALEVENTID": 881992192,
        "Day": dt.date(2019, 10, 24),
        "MonthYear": 201910,
        "Year": 2019,
        "FractionDate": 2019.8055,
        "Actor1Code": "MNCBRA",
        "Actor1Name": "EMBRAER",
        "Actor1CountryCode": "BRA",
        "Actor1KnownGroupCode": None,
        "Actor1EthnicCode": None,
        "Actor1Religion1Code": None,
        "Actor1Religion2Code": None,
        "Actor1Type1Code": "MNC",
        "Actor1Type2Code": None,
        "Actor1Type3Code": None,
        **dict.fromkeys([f.name for f in EVENTS.columns[15:25]]),  # the whole Actor2 block is empty
        "IsRootEvent": True,
        "EventCode": "042",
        "EventBaseCode": "042",
        "EventRootCode": "04",
        "QuadClass": 1,
        "GoldsteinScale": 1.9,
        "NumMentions": 10,
        "NumSources": 2,
        "NumArticles": 10,
        "AvgTone": 3.01040808535433,
        **{f"Actor1Geo_{k}": v for k, v in china.items()},
        "Actor2Geo_Type": 0,
        **{f"Actor2Geo_{k}": None for k in china if k != "Type"},
        **{f"ActionGeo_{k}": v for k, v in china.items()},
        "DATEADDED": dt.datetime(2019, 10, 24, 14, 30, 0),
        "SOURCEURL": "https://www.finanzen.net/nachricht/aktien/"
        "cdb-aviation-delivers-first-of-four-embraer-e190-aircraft-to-bolivian-airline-amaszonas-8137954",
        "source_file": EVENTS_FILE,
        "line": 1361,
        "error": None,
    }
    assert len(expected) == 64
    assert row == expected


def test_events_geo_codes_stay_strings_with_their_signs_and_zeros(events):
    row = row_of(events, "GLOBALEVENTID", 881991284)  # line 453, Beijing
    geo = {k: row[f"ActionGeo_{k}"] for k in ("ADM1Code", "ADM2Code", "FeatureID", "Lat", "Long")}
    assert geo == {"ADM1Code": "CH22", "ADM2Code": "13001", "FeatureID": "-1898541", "Lat": 39.9289, "Long": 116.388}
    assert row_of(events, "GLOBALEVENTID", 881990833)["EventRootCode"] == "04"  # line 2: 040 / 040 / 04


def test_events_days_fall_in_2019_or_2018_as_the_readme_counts(events):
    years = pc.value_counts(pc.year(events["Day"])).to_pylist()
    assert sorted((v["values"], v["counts"]) for v in years) == [(2018, 24), (2019, 2087)]


def test_mentions_file_keeps_all_13_mentions_even_of_one_event(gdelt):
    table, stats = parse_file_with_stats(gdelt / MENTIONS_FILE)
    assert table.num_rows == 13 and stats.duplicates == 0 and stats.bad_rows == 0
    assert table.schema.equals(schema(MENTIONS))
    # the same event in three articles: three mentions, not duplicates
    assert pc.sum(pc.equal(table["GLOBALEVENTID"], 1256322773)).as_py() == 3


def test_mentions_row_has_every_value_typed_and_minus_one_offsets_null(gdelt):
    table = parse_file(gdelt / MENTIONS_FILE)
    row = row_of(table, "GLOBALEVENTID", 1256322770)
    assert row == {
        "GLOBALEVENTID": 1256322770,
        "EventTimeDate": dt.datetime(2025, 8, 7, 22, 0, 0),
        "MentionTimeDate": dt.datetime(2025, 8, 7, 22, 0, 0),
        "MentionType": 1,
        "MentionSourceName": "theweek.com",
        "MentionIdentifier": "https://theweek.com/edition/theweekus-evening-review-2025-08-07-203055",
        "SentenceID": 2,
        "Actor1CharOffset": 901,
        "Actor2CharOffset": None,  # GDELT wrote -1: not found
        "ActionCharOffset": 919,
        "InRawText": True,
        "Confidence": 30,
        "MentionDocLen": 1711,
        "MentionDocTone": -5.12820512820512,
        "MentionDocTranslationInfo": None,
        "Extras": None,
        "source_file": MENTIONS_FILE,
        "line": 3,
        "error": None,
    }
    assert row_of(table, "line", 1)["EventTimeDate"] == dt.datetime(2024, 8, 7, 22, 0, 0)


def test_gkg_record_has_its_typed_and_derived_columns(gdelt):
    table = parse_file(gdelt / "gkg_1row_1.tsv")
    assert table.num_rows == 1 and table.schema.equals(schema(GKG))
    row = table.to_pylist()[0]
    assert {k: row[k] for k in ("GKGRECORDID", "V2.1DATE", "V2SOURCECOLLECTIONIDENTIFIER", "V2SOURCECOMMONNAME")} == {
        "GKGRECORDID": "20200327193000-0",
        "V2.1DATE": dt.datetime(2020, 3, 27, 19, 30, 0),
        "V2SOURCECOLLECTIONIDENTIFIER": 1,
        "V2SOURCECOMMONNAME": "kodiakdailymirror.com",
    }
    assert row["V2DOCUMENTIDENTIFIER"] == (
        "http://www.kodiakdailymirror.com/extra/article_4b9b5d68-6fe8-11ea-af67-1bba6d7859b3.html"
    )
    assert row["V1COUNTS"] == "WOUND#3#patients#2#Alaska, United States#US#USAK#61.385#-152.268#AK;"
    assert row["V1.5TONE"].startswith("-0.35056967572305,2.27870289219982,")
    assert row["V2.1ENHANCEDDATES"] is None and row["V2.1SHARINGIMAGE"] is None
    assert row["V2EXTRASXML"].endswith("officials say</PAGE_TITLE>")
    assert row["Tone"] == -0.35056967572305
    assert row["LocationCountries"] == ["US", "CH", "US", "US", "US"]
    assert row["Organizations"] == [
        "coast guard base kodiak",
        "kodiak emergency operations center",
        "alaska department of transportation",
    ]
    assert (row["source_file"], row["line"], row["error"]) == ("gkg_1row_1.tsv", 1, None)


def test_second_gkg_record_has_no_counts_and_one_location(gdelt):
    row = parse_file(gdelt / "gkg_1row_2.tsv").to_pylist()[0]
    assert row["GKGRECORDID"] == "20200327193000-3"
    assert row["V1COUNTS"] is None
    assert row["Tone"] == 0.216450216450217
    assert row["LocationCountries"] == ["US"]
    assert row["Organizations"] == ["youtube", "twitter", "nickelodeon", "associated press"]
    assert row["V2.1QUOTATIONS"].startswith("1213|42||KidsTogether")


@pytest.mark.parametrize("name", GKG_FILES)
def test_each_gkg_file_holds_one_record(gdelt, name):
    table, stats = parse_file_with_stats(gdelt / name)
    assert (table.num_rows, stats.lines, stats.bad_rows) == (1, 1, 0)


def test_a_line_longer_than_the_reader_block_is_read_whole(gdelt, monkeypatch):
    monkeypatch.setattr(parse, "READ_BLOCK", 4096)  # the record is 22,281 bytes long
    table = parse_file(gdelt / "gkg_1row_1.tsv")
    assert table["GKGRECORDID"].to_pylist() == ["20200327193000-0"]
    assert len(table["V2GCAM"][0].as_py()) == 12781


# --- duplicates --------------------------------------------------------------------------------------------


def test_a_repeated_event_is_kept_once_and_counted(gdelt, tmp_path):
    lines = real_lines(gdelt / EVENTS_FILE)
    path = write(tmp_path / "dup.export.CSV", [lines[0], lines[1], lines[0], lines[2], lines[0]])
    table, stats = parse_file_with_stats(path)
    assert table["GLOBALEVENTID"].to_pylist() == [881990832, 881990833, 881990834]
    assert table["line"].to_pylist() == [1, 2, 4]  # the first occurrence is the one kept
    assert (stats.lines, stats.rows, stats.duplicates, stats.bad_rows) == (5, 3, 2, 0)


def test_a_repeated_mention_is_a_duplicate_but_another_article_is_not(gdelt, tmp_path):
    lines = real_lines(gdelt / MENTIONS_FILE)
    path = write(tmp_path / "dup.mentions.CSV", [*lines, lines[9]])  # line 10 again
    table, stats = parse_file_with_stats(path)
    assert (table.num_rows, stats.duplicates) == (13, 1)


# --- kinds ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("20191024143000.export.CSV", "events"),
        ("20191024143000.export.CSV.zip", "events"),
        ("20191024143000.EXPORT.csv", "events"),
        ("20250807220000.mentions.CSV", "mentions"),
        ("20250807220000.mentions.CSV.zip", "mentions"),
        ("20200327193000.gkg.csv", "gkg"),
        ("20200327193000.GKG.CSV.ZIP", "gkg"),
    ],
)
def test_kind_is_told_by_the_file_name(tmp_path, name, kind):
    assert kind_of(tmp_path / name) == kind  # the name suffices: the file is not opened


@pytest.mark.parametrize(
    ("source", "kind"), [(EVENTS_FILE, "events"), (MENTIONS_FILE, "mentions"), ("gkg_1row_1.tsv", "gkg")]
)
def test_kind_is_told_by_the_field_count_when_the_name_says_nothing(gdelt, tmp_path, source, kind):
    copy = tmp_path / "download.tsv"
    copy.write_bytes((gdelt / source).read_bytes())
    assert kind_of(copy) == kind


@pytest.mark.parametrize("name", GKG_FILES)
def test_the_real_gkg_files_are_told_gkg_by_their_27_fields(gdelt, name):
    assert kind_of(gdelt / name) == "gkg"


def test_kind_is_read_inside_a_zip_with_a_neutral_name(gdelt, tmp_path):
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(gdelt / MENTIONS_FILE, "data")
    assert kind_of(archive) == "mentions"
    assert parse_file(archive).num_rows == 13


def test_a_file_of_another_layout_is_a_located_error(gdelt):
    with pytest.raises(ValidationError) as info:
        kind_of(gdelt / "LOOKUP-CAMEO.eventcodes.txt")
    problem = info.value.errors[0]
    assert (problem.type, problem.file, problem.row) == ("not-gdelt", str(gdelt / "LOOKUP-CAMEO.eventcodes.txt"), 1)
    assert "not a GDELT 2.0 events/mentions/GKG file" in problem.message
    assert "2 tab-separated fields" in problem.message


# --- zips ------------------------------------------------------------------------------------------------------


def zipped(source: Path, target: Path, members: int = 1) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in range(members):
            zf.write(source, source.name if n == 0 else f"{n}-{source.name}")
    return target


def test_a_gdelt_zip_reads_like_the_file_inside(gdelt, tmp_path, events):
    archive = zipped(gdelt / EVENTS_FILE, tmp_path / f"{EVENTS_FILE}.zip")
    table = parse_file(archive)
    assert set(table["source_file"].to_pylist()) == {f"{EVENTS_FILE}.zip"}
    assert table.drop_columns(["source_file"]).equals(events.drop_columns(["source_file"]))


def test_a_truncated_zip_is_a_located_error_not_a_traceback(gdelt, tmp_path):
    archive = zipped(gdelt / EVENTS_FILE, tmp_path / f"{EVENTS_FILE}.zip")
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(ValidationError) as info:
        parse_file(archive)
    problem = info.value.errors[0]
    assert (problem.type, problem.file) == ("bad-zip", str(archive))
    assert "truncated or corrupt zip archive" in problem.message
    assert str(archive) in str(info.value)


def test_a_zip_with_corrupt_data_is_a_located_error(gdelt, tmp_path):
    archive = zipped(gdelt / EVENTS_FILE, tmp_path / f"{EVENTS_FILE}.zip")
    data = bytearray(archive.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(b ^ 0xFF for b in data[middle : middle + 64])
    archive.write_bytes(bytes(data))
    with pytest.raises(ValidationError) as info:
        parse_file(archive)
    assert info.value.errors[0].type == "bad-zip"


@pytest.mark.parametrize("members", [0, 2])
def test_a_zip_must_hold_exactly_one_file(gdelt, tmp_path, members):
    archive = zipped(gdelt / MENTIONS_FILE, tmp_path / "x.mentions.CSV.zip", members)
    with pytest.raises(ValidationError) as info:
        parse_file(archive)
    assert info.value.errors[0].type == "bad-zip"
    assert f"the zip holds {members} files" in info.value.errors[0].message


# --- bad rows ----------------------------------------------------------------------------------------------------


def test_a_row_with_a_missing_field_is_reported_and_the_others_parsed(gdelt, tmp_path):
    lines = real_lines(gdelt / EVENTS_FILE)
    lines[6] = lines[6].rsplit(b"\t", 1)[0]  # line 7 loses SOURCEURL
    table, stats = parse_file_with_stats(write(tmp_path / "short.export.CSV", lines))
    assert only_errors(table) == [(7, "60 fields, expected 61")]
    assert (stats.rows, stats.bad_rows, table.num_rows) == (2110, 1, 2111)
    bad = row_of(table, "line", 7)
    assert bad["source_file"] == "short.export.CSV"
    assert all(bad[name] is None for name in EVENTS.names)
    assert row_of(table, "line", 8)["GLOBALEVENTID"] == 881990839


def test_values_that_cannot_be_typed_are_reported_by_column(gdelt, tmp_path):
    lines = real_lines(gdelt / EVENTS_FILE)[:6]
    lines[1] = with_field(with_field(lines[1], 0, b"abc"), 1, b"20190230")
    lines[2] = with_field(with_field(lines[2], 29, b"300"), 25, b"2")
    lines[3] = with_field(with_field(lines[3], 40, b"nan"), 59, b"20191024146000")
    lines[4] = with_field(with_field(lines[4], 31, b"0x10"), 30, b"1,9")
    lines[5] = with_field(lines[5], 0, b"")
    table = parse_file(write(tmp_path / "bad.export.CSV", lines))
    assert only_errors(table) == [
        (2, "GLOBALEVENTID: 'abc' is not an integer; Day: '20190230' is not a date (YYYYMMDD)"),
        (3, "IsRootEvent: '2' is not 0 or 1; QuadClass: '300' is out of range for int8"),
        (4, "Actor1Geo_Lat: 'nan' is not a finite number; "
            "DATEADDED: '20191024146000' is not a date-time (YYYYMMDDHHMMSS)"),
        (5, "GoldsteinScale: '1,9' is not a number; NumMentions: '0x10' is not an integer"),
        (6, "GLOBALEVENTID: empty (every row needs one)"),
    ]  # fmt: skip
    assert table.filter(pc.is_null(table["error"]))["line"].to_pylist() == [1]


def test_a_line_that_is_not_utf8_is_a_bad_row_with_its_line(gdelt, tmp_path, events):
    lines = real_lines(gdelt / EVENTS_FILE)
    lines[99] = lines[99].replace(b"https://", b"https://\xe9", 1)  # a Latin-1 byte in line 100's URL
    table, stats = parse_file_with_stats(write(tmp_path / "latin.export.CSV", lines))
    assert only_errors(table) == [(100, "SOURCEURL: not valid UTF-8 (byte 0xe9)")]
    assert stats.rows == 2110
    after = row_of(table, "line", 101)
    assert after["GLOBALEVENTID"] == row_of(events, "line", 101)["GLOBALEVENTID"]


def test_an_empty_line_is_reported_not_skipped(gdelt, tmp_path):
    lines = real_lines(gdelt / MENTIONS_FILE)
    table = parse_file(write(tmp_path / "gap.mentions.CSV", [*lines[:4], b"", *lines[4:]]))
    assert only_errors(table) == [(5, "empty line")]
    assert row_of(table, "line", 6)["GLOBALEVENTID"] == 1191400236  # the real line 5, one line down


@pytest.mark.parametrize(("separator", "end"), [(b"\r\n", b"\r\n"), (b"\r\n", b""), (b"\n", b"")])
def test_line_endings_and_a_missing_final_newline_do_not_matter(gdelt, tmp_path, separator, end):
    lines = real_lines(gdelt / MENTIONS_FILE)
    path = tmp_path / "x.mentions.CSV"
    path.write_bytes(separator.join(lines) + end)
    table = parse_file(path)
    expected = parse_file(gdelt / MENTIONS_FILE)
    assert table.drop_columns(["source_file"]).equals(expected.drop_columns(["source_file"]))


def test_errors_of_lists_bad_rows_as_located_data_errors(gdelt, tmp_path):
    lines = real_lines(gdelt / MENTIONS_FILE)
    lines[2] = with_field(lines[2], 10, b"yes")
    problems = errors_of(parse_file(write(tmp_path / "x.mentions.CSV", lines)))
    assert [str(p) for p in problems] == ["x.mentions.CSV, row 3: InRawText: 'yes' is not 0 or 1"]


# --- the Ray stage --------------------------------------------------------------------------------------------


def test_parse_batch_concatenates_files_of_one_kind(gdelt):
    batch = pa.table({"path": [str(gdelt / name) for name in GKG_FILES]})
    table = parse_batch(batch)
    assert table.schema.equals(schema(GKG))
    assert table["GKGRECORDID"].to_pylist() == ["20200327193000-0", "20200327193000-3"]


def test_parse_batch_refuses_files_of_different_kinds(gdelt):
    batch = pa.table({"path": [str(gdelt / EVENTS_FILE), str(gdelt / MENTIONS_FILE)]})
    with pytest.raises(ValidationError) as info:
        parse_batch(batch)
    assert info.value.errors[0].type == "mixed-kinds"


def test_parse_batch_turns_an_unreadable_file_into_an_error_row(gdelt, tmp_path):
    archive = zipped(gdelt / MENTIONS_FILE, tmp_path / "cut.mentions.CSV.zip")
    archive.write_bytes(archive.read_bytes()[:100])
    table = parse_batch(pa.table({"path": [str(gdelt / MENTIONS_FILE), str(archive)]}))
    assert table.num_rows == 14
    bad = table.filter(pc.is_valid(table["error"])).to_pylist()
    assert [(r["source_file"], r["line"]) for r in bad] == [("cut.mentions.CSV.zip", None)]
    assert bad[0]["error"].startswith("bad-zip: truncated or corrupt zip archive")
