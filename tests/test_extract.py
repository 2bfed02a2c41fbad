"""`lazos extract` and the extractor as a whole: the JSON Lines contract, offsets into the file's
text, quality on the labelled development set, translations, and robustness to any text."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lazos.documents.evaluation import Tally, load_labels, score
from lazos.documents.extract import extract

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "tests" / "devset"
CORPUS = ROOT.parent / "shared" / "corpus"
FIELDS = ["doc", "start", "end", "text", "value", "unit", "what", "period", "countries", "lang"]
UNITS = re.compile(r"[A-Z]{3}|percent|count|times|year|month|week|day|W|Wh|m|m2|t")
PERIOD = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?|/\d{4})?")

SAMPLE = (
    "China and Latin America\n\n"
    "Trade between China and Latin America reached US$485.8 billion in 2022, up from US$12 billion "
    "in 2000.[1] Brazil alone accounted for about a third of that total.\n\n"
    "El comercio entre China y América Latina alcanzó 485.800 millones de dólares en 2022.\n\n"
    "2022年中拉贸易额达4858亿美元。\n"
)


def jsonl(cli, *files: Path) -> list[dict]:
    result = cli("extract", *map(str, files), "--format", "jsonl", db=None)
    assert result.code == 0, result.err
    return [json.loads(line) for line in result.out.splitlines() if line.strip()]


def test_jsonl_has_exactly_the_documented_fields_with_their_types(cli, tmp_path):
    f = tmp_path / "sample.txt"
    f.write_text(SAMPLE, "utf-8")
    rows = jsonl(cli, f)
    assert len(rows) >= 5
    for row in rows:
        assert list(row) == FIELDS
        assert row["doc"] == "sample.txt"
        assert isinstance(row["start"], int) and isinstance(row["end"], int) and row["start"] < row["end"]
        assert isinstance(row["value"], float)
        assert UNITS.fullmatch(row["unit"]), row
        assert isinstance(row["what"], str)
        assert row["period"] is None or PERIOD.fullmatch(row["period"]), row
        assert all(re.fullmatch(r"[A-Z]{3}", c) for c in row["countries"]), row
        assert row["lang"] in ("en", "es", "pt", "zh")
    first = rows[0]
    assert (first["text"], first["value"], first["unit"], first["period"]) == (
        "US$485.8 billion",
        485800000000.0,
        "USD",
        "2022",
    )
    assert first["countries"] == ["CHN", "LAC"]
    assert [r["lang"] for r in rows if r["value"] == 485800000000.0] == ["en", "es", "zh"]


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("crlf.txt", lambda t: t.replace("\n", "\r\n").encode("utf-8")),
        ("bom.txt", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")),
        ("bom_crlf.txt", lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode("utf-8")),
    ],
)
def test_offsets_index_the_file_text_as_python_reads_it(cli, tmp_path, name, encode):
    f = tmp_path / name
    f.write_bytes(encode(SAMPLE))
    file_text = f.read_text("utf-8")  # universal newlines; a BOM stays as U+FEFF
    rows = jsonl(cli, f)
    assert len(rows) >= 5
    for row in rows:
        assert file_text[row["start"] : row["end"]] == row["text"]


def test_gbk_and_latin1_files_are_read_in_their_encoding(cli, tmp_path):
    zh = tmp_path / "gbk.txt"
    zh.write_bytes("2022年中拉贸易额达4858亿美元，同比增长7.7%。".encode("gbk"))
    es = tmp_path / "latin1.txt"
    es.write_bytes("Las exportaciones de Perú crecieron 12,5 por ciento en 2023.".encode("latin-1"))
    rows = jsonl(cli, zh, es)
    assert [(r["doc"], r["text"], r["value"]) for r in rows] == [
        ("gbk.txt", "4858亿美元", 485800000000.0),
        ("gbk.txt", "7.7%", 7.7),
        ("latin1.txt", "12,5 por ciento", 12.5),
    ]


def test_extract_reports_an_unreadable_file_and_goes_on(cli, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Exports rose 18.9% in 2021.", "utf-8")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 40)
    result = cli("extract", str(junk), str(good), "--format", "jsonl", db=None)
    assert result.code == 1
    assert "junk.bin" in result.err and "binary" in result.err
    assert "Traceback" not in result.err
    assert [json.loads(line)["text"] for line in result.out.splitlines()] == ["18.9%"]


def test_extract_table_and_csv_show_the_same_claims(cli, tmp_path):
    f = tmp_path / "sample.txt"
    f.write_text(SAMPLE, "utf-8")
    rows = jsonl(cli, f)
    table = cli("extract", str(f), db=None)
    assert table.code == 0 and "US$485.8 billion" in table.out and "4858亿美元" in table.out
    csv = cli("extract", str(f), "--format", "csv", db=None)
    assert csv.code == 0
    assert len(csv.out.strip().splitlines()) == len(rows) + 1


# ---------------------------------------------------------------------------- labelled development set


def labelled_sets() -> list[tuple[str, str, Path, str | None]]:
    """(set, text, labels, language) for every labelled text present."""
    out = []
    for f in sorted(DEVSET.glob("passages_*.txt")):
        out.append(("passages", f.read_text("utf-8"), f.with_suffix(".expected.jsonl"), f.stem[-2:]))
    for folder in ("heldout", "heldout2"):
        for f in sorted((DEVSET / folder).glob("*.txt")):
            out.append((folder, f.read_text("utf-8"), f.with_name(f.stem + ".expected.jsonl"), f.name[:2]))
    for labels in sorted((DEVSET / "corpus").glob("*.expected.jsonl")):
        text = CORPUS / labels.name.replace(".expected.jsonl", ".txt")
        if text.exists():
            out.append(("corpus", text.read_text("utf-8"), labels, None))
    return out


def tallies(set_name: str) -> dict[str, Tally]:
    by_lang: dict[str, Tally] = defaultdict(Tally)
    for name, text, labels_path, lang in labelled_sets():
        if name != set_name:
            continue
        labels = load_labels(text, labels_path, lang)
        for language, t in score(text, extract(text).claims, labels, labels_path.name).items():
            by_lang[language].add(t)
    return by_lang


@pytest.mark.parametrize("set_name", ["passages", "heldout", "heldout2"])
def test_f1_and_value_accuracy_on_the_labelled_sets_in_every_language(set_name):
    by_lang = tallies(set_name)
    assert set(by_lang) == {"en", "es", "pt", "zh"}
    for lang, t in by_lang.items():
        assert t.expected >= 15, (lang, t.expected)
        assert t.f1 >= 0.95, (lang, t.f1, t.misses, t.extras)
        assert t.value_ok / t.matched >= 0.98, (lang, t.wrong_values)
        assert t.period_ok / t.matched >= 0.85, lang


def test_f1_on_the_reference_articles():
    if not CORPUS.exists():
        pytest.skip(f"reference articles not found at {CORPUS}")
    by_lang = tallies("corpus")
    assert by_lang["en"].expected >= 90 and by_lang["zh"].expected >= 40
    for lang, t in by_lang.items():
        assert t.f1 >= 0.95, (lang, t.f1, t.misses, t.extras)
        assert t.value_ok == t.matched, (lang, t.wrong_values)


def test_labels_point_at_their_text():
    """Every label of the development set names a span that exists in its text."""
    for _, text, labels_path, lang in labelled_sets():
        for lab in load_labels(text, labels_path, lang):
            assert 0 <= lab.start < lab.end <= len(text)


# ---------------------------------------------------------------------------- translations


def test_side_by_side_translation_links_the_same_figure_in_both_languages():
    if not CORPUS.exists():
        pytest.skip(f"reference articles not found at {CORPUS}")
    text = (CORPUS / "fudan_bri_lac_bilingual_en_zh.txt").read_text("utf-8")
    result = extract(text)
    claims = result.claims
    en = next(c for c in claims if c.text == "U.S. $485.8 billion")
    zh = next(c for c in claims if c.text == "4858 亿美元")
    assert (en.lang, zh.lang) == ("en", "zh")
    assert en.value == zh.value == 485800000000.0
    assert en.period == zh.period == "2022"
    assert claims[en.translation] is zh and claims[zh.translation] is en
    assert text[en.start : en.end] == en.text and text[zh.start : zh.end] == zh.text
    paras = {p.n: p for p in result.paragraphs}
    assert paras[en.paragraph].translation_of == zh.paragraph


def test_a_paragraph_and_its_translation_are_paired_by_their_figures():
    text = (
        "Trade reached US$485.8 billion in 2022, and Chinese investment stock was US$ 60 billion.\n\n"
        "2022年贸易额达4858亿美元，中国投资存量为600亿美元。\n\n"
        "Brazil exported 69 million tonnes of soybeans to China.\n"
    )
    result = extract(text)
    paras = result.paragraphs
    assert (paras[0].lang, paras[1].lang, paras[2].lang) == ("en", "zh", "en")
    assert paras[0].translation_of == 1 and paras[1].translation_of == 0
    assert paras[2].translation_of is None
    linked = [(c.text, result.claims[c.translation].text) for c in result.claims if c.translation is not None]
    assert ("US$485.8 billion", "4858亿美元") in linked and ("US$ 60 billion", "600亿美元") in linked


# ---------------------------------------------------------------------------- any text


WORDS = st.sampled_from(
    [
        "US$",
        "485.8",
        "billion",
        "millones",
        "de",
        "dólares",
        "亿美元",
        "万",
        "十一",
        "%",
        "per cent",
        "2022",
        "in",
        "China",
        "Brasil",
        "拉美",
        "1,234.5",
        "3,5",
        "-",
        "(",
        ")",
        "[1]",
        "pp.",
        "doubled",
        "o triplo",
        "one-third",
        "GW",
        "km",
        "hectares",
        "\n",
        "\n\n",
        "。",
        ".",
        ",",
        "a",
        "mil",
        "成",
        "−",
        "¥",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.lists(WORDS, max_size=40).map(" ".join), st.text(max_size=300)))
def test_any_text_gives_claims_whose_spans_are_their_text(text):
    result = extract(text)
    for c in result.claims:
        assert 0 <= c.start < c.end <= len(text)
        assert text[c.start : c.end] == c.text
        assert UNITS.fullmatch(c.unit), c
        assert c.value == c.value  # not NaN
        assert c.period is None or PERIOD.fullmatch(c.period), c
        assert c.lang in ("en", "es", "pt", "zh")
