"""Terminal control characters in documents and data never reach the terminal as commands.

Tables and text show them as escapes (\\x1b); JSON escapes them and keeps the data; CSV keeps
the data exactly when piped (it is for programs).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

# C0 controls but tab and newline, DEL, C1 controls, bidirectional embeddings, overrides and isolates.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

TITLE = "Informe \x1b]0;pwned\x07 sobre comercio"  # retitles the terminal window
SENTENCE = (
    "China exported US$ 1.5 billion of goods to Peru in 2022 \x1b[2J according to customs"  # clears the screen
    " \x9b2J and \u202eevil\u202c text."  # C1 CSI, and a right-to-left override
)
RED = "La inversión \x1b[31mroja\x1b[0m de China en Argentina fue de US$ 2 mil millones en 2021."
BODY = f"{TITLE}\n\n{SENTENCE}\n\n{RED}\n"
NAME = "doc\x1b[2Jname.txt"


def _clean(out: str) -> None:
    found = CONTROLS.findall(out)
    assert not found, f"control characters printed raw: {found!r}"


@pytest.fixture()
def hostile(cli, tmp_path: Path, db_copy: Path) -> tuple[Path, Path, str]:
    path = tmp_path / NAME
    path.write_text(BODY, encoding="utf-8")
    result = cli("ingest", str(path), db=db_copy)
    assert result.code == 0, result.err
    return path, db_copy, result.out


def test_visible_writes_control_characters_out():
    from lazos.cli.output import visible

    assert visible("a\x1b]0;x\x07b\x9bc\u202ed\re\tf\ng") == "a\\x1b]0;x\\x07b\\x9bc\\u202ed\\re\tf\ng"


def test_ingest_documents_and_claims_show_escapes_not_controls(cli, hostile):
    _, db, ingested = hostile
    _clean(ingested)
    documents = cli("documents", db=db)
    assert documents.code == 0, documents.err
    _clean(documents.out)
    assert "\\x1b" in documents.out
    claims = cli("claims", db=db)
    assert claims.code == 0, claims.err
    _clean(claims.out)
    assert "\\x1b[2Jname.txt" in claims.out.replace("│", "").replace(" ", "").replace("\n", "")


def test_json_keeps_the_text_and_escapes_the_controls(cli, hostile):
    _, db, _ = hostile
    out = cli("claims", "-f", "json", db=db).out
    _clean(out)
    claims = json.loads(out)["rows"]
    assert {c["doc_name"] for c in claims} == {NAME}
    assert any(c["context"] == SENTENCE for c in claims)
    documents = json.loads(cli("documents", "-f", "json", db=db).out)["rows"]
    assert documents[0]["title"].startswith("Informe \x1b]0;pwned\x07")


def test_csv_keeps_the_text_exactly_when_piped(cli, hostile):
    _, db, _ = hostile
    rows = list(csv.DictReader(io.StringIO(cli("claims", "-f", "csv", db=db).out)))
    assert {r["doc_name"] for r in rows} == {NAME}
    assert any(r["context"] == SENTENCE for r in rows)


def test_extract_table_is_clean_and_jsonl_exact(cli, hostile):
    path, _, _ = hostile
    table = cli("extract", str(path), db=None)
    assert table.code == 0, table.err
    _clean(table.out)
    lines = cli("extract", str(path), "--format", "jsonl", db=None).out.splitlines()
    _clean("\n".join(lines))
    text = path.read_text("utf-8")
    for record in map(json.loads, lines):
        assert record["text"] == text[record["start"] : record["end"]]


def test_query_headers_cells_and_nested_values_are_clean(cli):
    result = cli("query", "select '\x1b]0;pwned\x07' as \"x\x1b[2J\", [chr(27) || '[2J'] l, chr(155) c1")
    assert result.code == 0, result.err
    _clean(result.out)
    assert "x\\x1b[2J" in result.out and "\\x1b]0;pwned\\x07" in result.out and "\\x9b" in result.out


def test_error_messages_carry_no_controls(cli, tmp_path: Path):
    result = cli("ingest", str(tmp_path / "no\x1b]0;pwned\x07file.txt"))
    assert result.code == 1
    assert "lazos: error:" in result.err
    _clean(result.err)
