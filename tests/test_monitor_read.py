"""The read stage (articles through the claim extractor), the lake's replace-by-file writes
and GDELT's file lists, each without Ray.

The article read here is a real published excerpt from tests/realset, under its own URL."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pytest

from lazos.documents.extract import extract
from lazos.documents.ingest import read_bytes
from lazos.errors import LazosError
from lazos.monitor import lake
from lazos.monitor.fetch import kind_by_name, parse_file_list, wanted
from lazos.monitor.read import article_rows, as_table, claims_table, read_batch, read_manifest, urls_of

REALSET = Path(__file__).parent / "realset"


def real_article() -> tuple[str, Path]:
    with (REALSET / "manifest.csv").open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["file"] == "en_batimes_ganfeng-lithium.txt")
    return row["url"], REALSET / "articles" / row["file"]


def test_an_article_in_the_archive_is_read_as_lazos_ingest_reads_it(tmp_path):
    url, path = real_article()
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.txt").write_bytes(path.read_bytes())
    (archive / "manifest.csv").write_text(f"url,file\n{url},a.txt\n", encoding="utf-8")
    batch = as_table([{"url": url, "source_file": "f.export.CSV", "file_date": "2019-10-24"}])
    out = read_batch(batch, read_manifest(archive), online=False, retrieved="2026-12-06")
    (row,) = out.to_pylist()
    assert row["error"] is None
    expected = extract(read_bytes(path.read_bytes(), "a.txt", url=url).text)
    assert row["claims"] == len(expected.claims) > 0
    rows = article_rows(out)
    assert rows["sources"][0]["url"] == url and rows["sources"][0]["kind"] == "web_page"
    assert [c["text"] for c in rows["claims"]] == [c.text for c in expected.claims]
    flat = claims_table(out)
    assert flat.num_rows == row["claims"] and set(flat["url"].to_pylist()) == {url}


def test_an_article_without_text_at_hand_is_reported_not_fetched_offline():
    batch = as_table([{"url": "https://example.org/news/1", "source_file": "f", "file_date": "2019-10-24"}])
    (row,) = read_batch(batch, {}, online=False).to_pylist()
    assert row["doc_id"] is None and "not at hand" in row["error"]


def test_an_archive_file_that_is_missing_or_empty_is_reported_and_the_others_are_read(tmp_path):
    url, path = real_article()
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "ok.txt").write_bytes(path.read_bytes())
    (tmp_path / "manifest.csv").write_text(
        f"url,file\nhttps://e.org/gone,gone.txt\nhttps://e.org/empty,empty.txt\n{url},ok.txt\n", encoding="utf-8"
    )
    rows = [
        {"url": u, "source_file": "f", "file_date": "d"} for u in ("https://e.org/gone", "https://e.org/empty", url)
    ]
    out = read_batch(as_table(rows), read_manifest(tmp_path)).to_pylist()
    assert "no such file" in out[0]["error"]
    assert "empty" in out[1]["error"]
    assert out[2]["error"] is None and out[2]["claims"] > 0


def test_a_manifest_must_name_url_and_file_and_stay_inside_its_folder(tmp_path):
    with pytest.raises(LazosError, match=r"no manifest\.csv"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.csv").write_text("address,path\nx,y\n", encoding="utf-8")
    with pytest.raises(LazosError, match="expected the columns url,file"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.csv").write_text("url,file\nhttps://e.org,/etc/passwd\n", encoding="utf-8")
    with pytest.raises(LazosError, match="outside the archive"):
        read_manifest(tmp_path)


def test_the_articles_behind_a_selection_are_listed_once_each():
    events = pa.table(
        {
            "SOURCEURL": ["https://a.org/1", "https://a.org/1", "not a url", None],
            "source_file": ["f1", "f2", "f1", "f1"],
            "file_date": ["d"] * 4,
        }
    )
    assert [u["url"] for u in urls_of(events)] == ["https://a.org/1"]


def test_writing_a_files_rows_again_replaces_them_in_the_lake(tmp_path):
    def rows(file: str, n: int) -> pa.Table:
        return pa.table({"source_file": [file] * n, "file_date": ["2019-10-24"] * n, "x": list(range(n))})

    lake.replace_files(tmp_path, "events", ["a"], rows("a", 3))
    lake.replace_files(tmp_path, "events", ["b"], rows("b", 2))
    lake.replace_files(tmp_path, "events", ["a"], rows("a", 1))  # file a redone
    table = lake.read(tmp_path, "events")
    assert sorted(zip(table["source_file"].to_pylist(), table["x"].to_pylist(), strict=True)) == [
        ("a", 0),
        ("b", 0),
        ("b", 1),
    ]
    assert lake.read(tmp_path, "events", files=["b"]).num_rows == 2
    assert (tmp_path / "events" / "file_date=2019-10-24").is_dir(), "partitioned by the file's date"


# A file list in the layout of GDELT's lastupdate.txt (size md5 url), for the slot of the raw
# data folder's file: the names and addresses are GDELT's; the sizes and checksums are
# placeholders (no copy of a real list is stored), which the parser does not check.
LAST_UPDATE = """\
115802 0123456789abcdef0123456789abcdef http://data.gdeltproject.org/gdeltv2/20191024143000.export.CSV.zip
186235 fedcba9876543210fedcba9876543210 http://data.gdeltproject.org/gdeltv2/20191024143000.mentions.CSV.zip
7403445 00112233445566778899aabbccddeeff http://data.gdeltproject.org/gdeltv2/20191024143000.gkg.csv.zip
"""


def test_a_file_list_gives_each_file_its_kind_and_slot_and_the_new_ones_in_order():
    listed = parse_file_list(LAST_UPDATE)
    assert [f.kind for f in listed] == ["events", "mentions", "gkg"]
    assert listed[0].stamp.isoformat() == "2019-10-24T14:30:00"
    assert [f.name for f in wanted(listed, ("events", "gkg"), None, {"20191024143000.gkg.csv.zip"})] == [
        "20191024143000.export.CSV.zip"
    ]
    assert kind_by_name("gkg_1row_1.tsv") is None


def test_a_malformed_file_list_line_is_named():
    with pytest.raises(LazosError, match="line 2: expected 'size md5 url'"):
        parse_file_list(LAST_UPDATE.splitlines()[0] + "\n<html>oops</html>\n")


def test_article_rows_keep_each_document_once():
    rows = {"sources": [{"source_id": "doc-1"}], "documents": [{"doc_id": "doc-1"}], "claims": []}
    out = pa.Table.from_pylist(
        [
            {"url": "u1", "source_file": "f", "file_date": "d", "doc_id": "doc-1", "rows": json.dumps(rows)},
            {"url": "u2", "source_file": "f", "file_date": "d", "doc_id": "doc-1", "rows": json.dumps(rows)},
        ]
    )
    assert len(article_rows(out)["documents"]) == 1
