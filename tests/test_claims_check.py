"""Checking claims read from documents against Lazos's data: consistent, inconsistent (with the
difference) or unverifiable, with the evidence on both sides."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import lazos
from lazos.documents.ingest import ingest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

PASSAGE = """China and Latin America: figures to check

China–Latin America trade reached US$485.8 billion in 2022.

Trade between China and Latin America was US$600 billion in 2022, according to a blog.

El comercio entre China y América Latina alcanzó 485.800 millones de dólares en 2022.

2022年中拉贸易额达4858亿美元。

O comércio entre a China e a América Latina somou US$ 485,8 bilhões em 2022.

Argentina's economy grew 5% in 2023.

By the end of 2022, 21 Latin American and Caribbean countries had signed Belt and Road cooperation documents.

By the end of 2019, 25 Latin American countries had joined the Belt and Road Initiative.

The region's economy is expected to grow 1.3% in 2023.

Chinese firms built nine data centers in Brazil.
"""


@pytest.fixture()
def checked(db_copy: Path, tmp_path: Path):
    f = tmp_path / "figures.txt"
    f.write_text(PASSAGE, "utf-8")
    [done] = ingest(db_copy, [str(f)])
    assert not isinstance(done, Exception), done
    with lazos.open(db_copy) as db:
        frame = db.claims(doc="figures.txt").frame
    return {row["text"]: row for row in frame.to_dict("records")}


def test_a_claim_that_agrees_with_lazos_is_consistent_with_evidence_on_both_sides(checked):
    claim = checked["US$485.8 billion"]
    assert claim["status"] == "consistent"
    assert claim["period"] == "2022" and claim["unit"] == "USD"
    assert math.isclose(claim["lazos_value"], 485.79e9, rel_tol=1e-6)
    assert "485.79 bn" in claim["reason"]
    assert "reached US$485.8 billion in 2022" in claim["context"]  # the document's side
    evidence = list(claim["evidence"])
    assert evidence and all(e["source_id"] and e["value"] for e in evidence)  # Lazos's side


def test_a_claim_that_disagrees_is_inconsistent_and_gives_the_difference(checked):
    claim = checked["US$600 billion"]
    assert claim["status"] == "inconsistent"
    assert math.isclose(claim["difference"], 600e9 - 485.79e9, rel_tol=1e-6)
    assert math.isclose(claim["relative_difference"], (600 - 485.79) / 485.79, rel_tol=1e-6)
    assert "+23.5%" in claim["reason"]


def test_the_same_figure_gets_the_same_verdict_in_every_language(checked):
    for text in ("485.800 millones de dólares", "4858亿美元", "US$ 485,8 bilhões"):
        assert checked[text]["status"] == "consistent", text
        assert math.isclose(checked[text]["value"], 485.8e9)


def test_a_country_growth_figure_is_checked_against_the_world_bank_series(checked):
    claim = checked["5%"]
    assert claim["status"] == "inconsistent"
    assert claim["lazos_value"] < 0  # Argentina's economy shrank in 2023
    assert "World Bank" in claim["reason"]


def test_bri_members_are_counted_at_the_date_the_claim_gives(checked):
    assert checked["21"]["status"] == "consistent"
    assert "2022-12-31" in checked["21"]["reason"]
    wrong = checked["25"]
    assert wrong["status"] == "inconsistent"
    assert wrong["lazos_value"] == 19.0 and wrong["difference"] == 6.0
    assert len(list(wrong["evidence"])) == 19  # one row per member, each with its source


def test_forecasts_and_figures_lazos_has_no_data_for_are_unverifiable(checked):
    assert checked["1.3%"]["status"] == "unverifiable"
    assert "forecast" in checked["1.3%"]["reason"]
    assert checked["nine"]["status"] == "unverifiable"


def test_claims_command_filters_by_document_and_status(cli, db_copy, tmp_path):
    f = tmp_path / "figures.txt"
    f.write_text(PASSAGE, "utf-8")
    assert cli("ingest", str(f), db=db_copy).code == 0
    result = cli("claims", "--doc", "figures.txt", "--status", "inconsistent", "--format", "json", db=db_copy)
    assert result.code == 0, result.err
    rows = json.loads(result.out)["rows"]
    assert {r["text"] for r in rows} == {"US$600 billion", "5%", "25"}
    assert all(r["evidence"] for r in rows)
    table = cli("claims", "--doc", "figures.txt", "--status", "consistent", db=db_copy)
    assert table.code == 0 and "485.79 bn" in table.out
    bad = cli("claims", "--status", "wrong", db=db_copy)
    assert bad.code != 0 and "consistent, inconsistent or unverifiable" in bad.err


def test_the_reference_articles_hold_consistent_and_inconsistent_claims(db_copy):
    if not CORPUS.exists():
        pytest.skip(f"reference articles not found at {CORPUS}")
    results = ingest(db_copy, [str(p) for p in sorted(CORPUS.glob("*.txt"))])
    assert not [r for r in results if isinstance(r, Exception)]
    with lazos.open(db_copy) as db:
        claims = db.claims(doc="fudan_bri_lac_bilingual_en_zh.txt").frame
    by_text = {}
    for row in claims.to_dict("records"):
        by_text.setdefault(row["text"], row)
    # The 2022 trade figure, in English and in Chinese, agrees with Lazos's data.
    assert by_text["U.S. $485.8 billion"]["status"] == "consistent"
    assert by_text["4858 亿美元"]["status"] == "consistent"
    # The Chinese text lost a decimal point (7891 亿 for US$7.891 billion): caught.
    garbled = by_text["7891 亿美元"]
    assert garbled["status"] == "inconsistent"
    assert by_text["U.S. $7.891 billion"]["status"] == "consistent"
    assert any(
        "cipf-comtrade" in (e.get("source_id") or "") or "Comtrade" in garbled["reason"] for e in garbled["evidence"]
    )
    assert (claims["status"] == "consistent").sum() >= 5
    assert (claims["status"] == "inconsistent").sum() >= 1
