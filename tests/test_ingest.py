"""Reading documents into the store: text in any common encoding, HTML, PDF, URLs, bad input.

Every test uses a writable copy of the built database and real files written here; the
network is never used (downloads go through ``httpx.MockTransport``).
"""

from __future__ import annotations

import hashlib
import json
import random
import struct
import zlib
from pathlib import Path

import httpx
import pytest
from conftest import HELVETICA, build_pdf

import lazos
from lazos.documents.extract import extract
from lazos.documents.ingest import Ingested, ingest, read, read_bytes, read_path, read_url
from lazos.documents.text import MAX_BYTES, DocumentError, decode

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
BILLION = 1e9

TITLE = "China–Latin America trade in 2022"
EN = (
    "Trade between China and Latin America reached US$ 485.8 billion in 2022, according to Chinese customs "
    "data. Brazil was the largest partner in the region."
)
ES = (
    "El comercio entre China y América Latina alcanzó 485.800 millones de dólares en 2022, según las aduanas "
    "chinas. Las exportaciones de Chile a China crecieron un 12,5% ese año."
)
PT = (
    "O comércio entre a China e a América Latina atingiu US$ 485,8 bilhões em 2022, segundo a alfândega "
    "chinesa. As exportações do Brasil para a China somaram US$ 89,7 bilhões."
)
ZH = "2022年中国与拉美贸易额达到4858亿美元，同比增长7.7%。巴西是中国在该地区最大的贸易伙伴。"
MULTI = "\n\n".join([TITLE, EN, ES, PT, ZH]) + "\n"

# Texts for the encodings each language is commonly saved in (longer, so detection has material).
ZH_LONG = (
    "2022年中国与拉美贸易额达到4858亿美元，同比增长7.7%。巴西是中国在该地区最大的贸易伙伴，智利和秘鲁紧随其后。\n\n"
    "中国对拉美的直接投资继续增长，双方在基础设施、能源和数字经济领域的合作不断深化。\n"
)
ES_LONG = (
    "Relaciones económicas entre China y América Latina\n\n"
    "El comercio entre China y América Latina alcanzó 485.800 millones de dólares en 2022, según las aduanas "
    "chinas. España y México siguieron con atención el crecimiento del intercambio.\n\n"
    "Las exportaciones de Chile a China crecieron un 12,5% ese año; también aumentó la inversión en minería, "
    "energía y telecomunicaciones. El año pasado, la compañía anunció una inversión adicional en Perú.\n"
)
PT_LONG = (
    "Relações econômicas entre a China e a América Latina\n\n"
    "O comércio entre a China e a América Latina atingiu US$ 485,8 bilhões em 2022, segundo a alfândega "
    "chinesa. As exportações do Brasil para a China somaram US$ 89,7 bilhões.\n\n"
    "As negociações sobre a expansão das operações portuárias continuam; as importações de máquinas e "
    "equipamentos cresceram 8,3% no ano. Não há previsão de conclusão das obras antes de 2025.\n"
)

ARTICLE_1 = (
    "Trade between China and Latin America reached US$ 485.8 billion in 2022, according to Chinese customs "
    "data, an increase on the previous year driven by commodity prices."
)
ARTICLE_2 = (
    "Brazil remained the largest partner in the region, with exports to China worth US$ 89.7 billion in 2022, "
    "mostly soybeans, iron ore and crude oil shipped from its Atlantic ports."
)
HTML = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>China and Latin America: trade in 2022</title>
<style>body {{ font-family: sans-serif; }} .share {{ color: red; }}</style>
<script>alert('x'); document.write('injected');</script>
</head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World News</a></li>
<li><a href="/subscribe">Subscribe Today</a></li></ul></nav>
<div class="share"><a href="https://facebook.com/share">Share on Facebook</a>
<a href="https://twitter.com/share">Tweet this</a></div>
<article>
<h1>China and Latin America: trade in 2022</h1>
<p>{ARTICLE_1}</p>
<p>{ARTICLE_2}</p>
</article>
<script>alert('x')</script>
<footer><p>Copyright 2023 Example Media Group. All rights reserved. Privacy policy | Cookie settings</p></footer>
</body>
</html>
"""
PAGE_FURNITURE = (
    "alert",
    "document.write",
    "injected",
    "font-family",
    "Home",
    "World News",
    "Subscribe",
    "Share on Facebook",
    "Tweet",
    "Copyright",
    "Cookie",
    "Privacy",
)


# ---------------------------------------------------------------------------- helpers


@pytest.fixture()
def corpus() -> Path:
    """The reference articles in ../shared/corpus; tests that need them skip cleanly without them."""
    if not CORPUS.is_dir() or not any(CORPUS.glob("*.txt")):
        pytest.skip(f"reference corpus not found at {CORPUS}")
    return CORPUS


def write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def stored(db_path: Path, target: Path | str) -> Ingested:
    (result,) = ingest(db_path, [str(target)])
    assert isinstance(result, Ingested), result
    return result


def doc_id_of(raw: bytes) -> str:
    return f"doc-{hashlib.sha256(raw).hexdigest()[:16]}"


def found(text: str) -> list[tuple[str, float]]:
    """(claim text, value) of every claim extracted from ``text``, checking each span on the way."""
    claims = extract(text).claims
    for c in claims:
        assert text[c.start : c.end] == c.text
    return [(c.text, c.value) for c in claims]


def make_pdf(content: bytes, *, font: bool = True, title: str | None = None) -> bytes:
    """A one-page PDF drawing ``content``, with a correct cross-reference table."""
    resources = b"<< /Font << /F1 5 0 R >> >>" if font else b"<< >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources " + resources + b" >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        HELVETICA,
    ]
    if title:
        objects.append(b"<< /Title (" + title.encode("latin-1") + b") >>")
    return build_pdf(objects, b"/Info %d 0 R " % len(objects) if title else b"")


def text_pdf(*lines: str, title: str | None = None) -> bytes:
    """A PDF whose text layer holds ``lines`` in Helvetica, one under the other."""
    ops = [b"BT", b"/F1 12 Tf", b"14 TL", b"72 720 Td"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(b"(" + escaped.encode("cp1252") + b") Tj T*")
    ops.append(b"ET")
    return make_pdf(b"\n".join(ops), title=title)


def png_bytes() -> bytes:
    """A valid 1x1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0\xff\0\0")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def client_for(handler) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


# ---------------------------------------------------------------------------- plain text


def test_plain_text_is_stored_with_paragraph_languages_and_claims_at_their_offsets(db_copy, tmp_path):
    path = write(tmp_path, "multi.txt", MULTI)
    result = stored(db_copy, path)
    assert (result.doc_id, result.name, result.media_type) == (doc_id_of(MULTI.encode()), "multi.txt", "text/plain")
    assert result.changed and result.paragraphs == 5 and result.languages == "en;es;pt;zh"

    with lazos.open(db_copy) as db:
        docs = db.documents().frame.set_index("doc_id")
        row = docs.loc[result.doc_id]
        assert (row["name"], row["title"], row["media_type"], row["languages"]) == (
            "multi.txt",
            TITLE,
            "text/plain",
            "en;es;pt;zh",
        )
        assert row["claims"] == result.claims and row["chars"] == len(MULTI)
        langs = db.con.execute(
            "SELECT lang FROM document_paragraph WHERE doc_id = ? AND retired_at IS NULL ORDER BY n", [result.doc_id]
        ).fetchall()
        assert [lang for (lang,) in langs] == ["en", "en", "es", "pt", "zh"]

        text = db.document_text(result.doc_id).text
        assert text == MULTI
        claims = db.claims(doc=result.doc_id, check=False).frame
    assert len(claims) == result.claims > 0
    for claim in claims.to_dict("records"):
        assert text[claim["start"] : claim["end"]] == claim["text"]
    headline = {(c["lang"], c["text"]) for c in claims.to_dict("records") if round(c["value"]) == 485_800_000_000}
    assert headline == {
        ("en", "US$ 485.8 billion"),
        ("es", "485.800 millones de dólares"),
        ("pt", "US$ 485,8 bilhões"),
        ("zh", "4858亿美元"),
    }
    assert {c["period"] for c in claims.to_dict("records") if round(c["value"]) == 485_800_000_000} == {"2022"}


def test_reingesting_the_same_bytes_changes_nothing_and_says_so(db_copy, tmp_path, content):
    first = stored(db_copy, write(tmp_path, "multi.txt", MULTI))
    before = content(db_copy)
    again = stored(db_copy, tmp_path / "multi.txt")
    # The same bytes under another name are the same document.
    renamed = stored(db_copy, write(tmp_path, "copy of multi.txt", MULTI))
    assert content(db_copy) == before
    assert not again.changed and not renamed.changed
    for result in (again, renamed):
        assert (result.doc_id, result.claims, result.paragraphs, result.languages) == (
            first.doc_id,
            first.claims,
            first.paragraphs,
            first.languages,
        )


# ---------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("text", "codec", "encoding", "decoded"),
    [
        (MULTI, "utf-8", "utf-8", MULTI),
        # A UTF-8 byte-order mark is kept as U+FEFF, as Path.read_text keeps it, so offsets agree.
        (MULTI, "utf-8-sig", "utf-8", "\ufeff" + MULTI),
        (MULTI, "utf-16", "utf-16", MULTI),
        (MULTI, "utf-16-be", "utf-16", MULTI),
        (ZH_LONG, "gbk", "gb18030", ZH_LONG),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "gbk"],
)
def test_decode_reads_unicode_and_gbk_to_the_same_characters(text, codec, encoding, decoded):
    raw = text.encode(codec)
    if codec == "utf-16-be":
        raw = b"\xfe\xff" + raw
    assert decode(raw, "x.txt") == (decoded, encoding)


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
@pytest.mark.parametrize("text", [ES_LONG, PT_LONG], ids=["es", "pt"])
def test_decode_reads_spanish_and_portuguese_accents_from_latin1_and_cp1252(text, codec):
    decoded, _ = decode(text.encode(codec), "x.txt")
    wrong = sorted({(want, got) for want, got in zip(text, decoded, strict=True) if want != got})
    assert wrong == [], f"mis-decoded characters (expected, got): {wrong}"


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (MULTI, "utf-8-sig"),
        (MULTI, "utf-16"),
        (ZH_LONG, "gbk"),
        (ES_LONG, "cp1252"),
        (PT_LONG, "cp1252"),
        (PT_LONG, "latin-1"),
    ],
)
def test_read_bytes_finds_the_same_claims_in_every_encoding(text, codec):
    doc = read_bytes(text.encode(codec), "x.txt")
    assert doc.media_type == "text/plain"
    claims = found(doc.text)
    assert claims == found(text)
    assert any(round(value) == 485_800_000_000 for _, value in claims)


@pytest.mark.parametrize(("codec", "encoding"), [("gbk", "gb18030"), ("utf-16", "utf-16")])
def test_ingest_stores_the_decoded_text_and_its_encoding(db_copy, tmp_path, codec, encoding):
    text = ZH_LONG if codec == "gbk" else MULTI
    result = stored(db_copy, write(tmp_path, f"{codec}.txt", text.encode(codec)))
    with lazos.open(db_copy) as db:
        assert db.document_text(result.doc_id).text == text
        (saved,) = db.con.execute("SELECT encoding FROM document WHERE doc_id = ?", [result.doc_id]).fetchone()
        claims = db.claims(doc=result.doc_id, check=False).frame
    assert saved == encoding
    assert "4858亿美元" in set(claims["text"])
    for claim in claims.to_dict("records"):
        assert text[claim["start"] : claim["end"]] == claim["text"]


def test_truncated_utf16_is_refused_as_a_document_error(db_copy, tmp_path, content):
    # An interrupted download: a UTF-16 text cut in the middle of a character.
    raw = MULTI.encode("utf-16")[:-1]
    with pytest.raises(DocumentError, match=r"cut\.txt"):
        read_bytes(raw, "cut.txt")
    before = content(db_copy)
    (result,) = ingest(db_copy, [str(write(tmp_path, "cut.txt", raw))])
    assert isinstance(result, DocumentError) and "cut.txt" in str(result)
    assert content(db_copy) == before


def test_text_is_stored_as_read_with_its_control_characters(db_copy, tmp_path):
    # Terminal escapes are stripped where text is printed, never where it is stored: offsets
    # and the checksum-derived id keep pointing at the text as read.
    text = f"\x1b[31m{EN}\x1b[0m\n\n{ES}\x07\n"
    result = stored(db_copy, write(tmp_path, "escapes.txt", text))
    with lazos.open(db_copy) as db:
        assert db.document_text(result.doc_id).text == text
        claims = db.claims(doc=result.doc_id, check=False).frame
    assert len(claims) >= 2
    for claim in claims.to_dict("records"):
        assert text[claim["start"] : claim["end"]] == claim["text"]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_crlf_offsets_index_the_decoded_text(cli, tmp_path, newline):
    raw = MULTI.replace("\n", newline).encode("utf-8")
    doc = read_bytes(raw, "crlf.txt")
    assert doc.text == MULTI and "\r" not in doc.text
    extraction = extract(doc.text)
    assert extraction.claims
    for c in extraction.claims:
        assert doc.text[c.start : c.end] == c.text
    # `lazos extract` offsets point into the file's text as Python reads it (universal newlines).
    path = write(tmp_path, "crlf.txt", raw)
    result = cli("extract", str(path), "--format", "jsonl", db=None)
    assert result.code == 0, result.err
    records = [json.loads(line) for line in result.out.splitlines()]
    file_text = path.read_text(encoding="utf-8")
    assert [(r["start"], r["end"], r["text"]) for r in records] == [(c.start, c.end, c.text) for c in extraction.claims]
    for r in records:
        assert file_text[r["start"] : r["end"]] == r["text"]


# ---------------------------------------------------------------------------- HTML


@pytest.mark.parametrize("name", ["page.html", "page"], ids=["by-extension", "sniffed"])
def test_html_keeps_only_the_main_text(name):
    doc = read_bytes(HTML.encode("utf-8"), name)
    assert doc.media_type == "text/html"
    assert doc.title == "China and Latin America: trade in 2022"
    assert ARTICLE_1 in doc.text and ARTICLE_2 in doc.text
    kept = [word for word in PAGE_FURNITURE if word in doc.text]
    assert kept == []
    values = {round(value) for _, value in found(doc.text)}
    assert {485_800_000_000, 89_700_000_000} <= values


def test_html_publication_date_comes_from_the_markup_never_from_the_body(db_copy, tmp_path):
    # No date in the markup: "in 2022" in the text and "Copyright 2023" in the footer are not dates of publication.
    assert read_bytes(HTML.encode("utf-8"), "page.html").published is None
    dated = HTML.replace("<head>", '<head>\n<meta property="article:published_time" content="2023-08-31T10:00:00Z">')
    assert read_bytes(dated.encode("utf-8"), "dated.html").published == "2023-08-31"
    result = stored(db_copy, write(tmp_path, "dated.html", dated))
    with lazos.open(db_copy) as db:
        row = db.con.execute(
            "SELECT kind, published, content_hash FROM source WHERE source_id = ?", [result.doc_id]
        ).fetchone()
    assert row[0] == "document" and str(row[1]) == "2023-08-31"
    assert row[2] == hashlib.sha256(dated.encode("utf-8")).hexdigest()


def test_markup_in_titles_and_claims_is_printed_as_plain_text(cli, db_copy, tmp_path):
    title = "[bold]x[/bold] <script>alert(1)</script> China–LAC trade"
    body = "[bold]Trade[/bold] between China and Latin America reached US$ 485.8 billion in 2022, per customs data."
    name = "[red]markup[bold].txt"
    path = write(tmp_path, name, f"{title}\n\n{body}\n")
    ingested = cli("ingest", str(path), db=db_copy)
    assert ingested.code == 0, ingested.err
    assert f"  {name}: 2 paragraphs (en), 1 claims [stored]" in ingested.out

    table = cli("documents", db=db_copy)
    assert table.code == 0, table.err
    assert title in table.out and name in table.out
    listed = json.loads(cli("documents", "--format", "json", db=db_copy).out)["rows"]
    assert [d["title"] for d in listed if d["name"] == name] == [title]

    claims_table = cli("claims", "--doc", name, db=db_copy)
    assert claims_table.code == 0, claims_table.err
    assert name in claims_table.out and "“US$ 485.8 billion”" in claims_table.out
    claims = json.loads(cli("claims", "--doc", name, "--format", "json", db=db_copy).out)["rows"]
    assert [c["text"] for c in claims] == ["US$ 485.8 billion"]
    assert body in claims[0]["context"]
    # What the claim is about keeps the brackets, in the table as in the data.
    what = claims[0]["what"]
    assert "[bold]" in what
    assert what[:60] in claims_table.out


# ---------------------------------------------------------------------------- PDF


def test_pdf_text_layer_is_read_and_its_figure_found(db_copy, tmp_path):
    raw = text_pdf("China and Latin America", "Trade reached US$ 485.8 billion in 2022.", title="Trade report")
    doc = read_bytes(raw, "report.pdf")
    assert doc.media_type == "application/pdf" and doc.title == "Trade report"
    assert "Trade reached US$ 485.8 billion in 2022." in doc.text
    claims = extract(doc.text).claims
    assert [(c.text, round(c.value), c.period) for c in claims] == [("US$ 485.8 billion", 485_800_000_000, "2022")]
    assert doc.text[claims[0].start : claims[0].end] == claims[0].text
    # A PDF is recognised by its bytes, whatever its name.
    assert read_bytes(raw, "download").media_type == "application/pdf"

    result = stored(db_copy, write(tmp_path, "report.pdf", raw))
    assert (result.media_type, result.claims) == ("application/pdf", 1)
    with lazos.open(db_copy) as db:
        assert db.documents().frame.set_index("doc_id").loc[result.doc_id, "title"] == "Trade report"


def test_pdf_without_text_layer_is_refused(db_copy, tmp_path, content):
    scanned = make_pdf(b"0 0 1 rg\n100 100 200 150 re f", font=False)
    with pytest.raises(DocumentError, match=r"^scan\.pdf has no text layer"):
        read_bytes(scanned, "scan.pdf")
    before = content(db_copy)
    (result,) = ingest(db_copy, [str(write(tmp_path, "scan.pdf", scanned))])
    assert isinstance(result, DocumentError) and "no text layer" in str(result)
    assert content(db_copy) == before


@pytest.mark.parametrize(
    "raw",
    [
        text_pdf("Trade reached US$ 485.8 billion in 2022.")[:200],
        b"%PDF-1.4\n" + bytes(range(256)) * 4,
        b"%PDF-1.4\nthis is not a PDF at all\n",
        b"%PDF-1.4\n",
    ],
    ids=["truncated", "binary-junk", "text-junk", "header-only"],
)
def test_damaged_pdf_is_refused_with_a_clear_message(raw):
    with pytest.raises(DocumentError, match=r"^broken\.pdf is not a readable PDF: \S"):
        read_bytes(raw, "broken.pdf")


# ---------------------------------------------------------------------------- bad input


def bad_inputs(folder: Path) -> dict[str, tuple[Path, str]]:
    """Unreadable targets with what their message must say."""
    rng = random.Random(7)
    folder.joinpath("reports").mkdir()
    return {
        "empty": (write(folder, "empty.txt", b""), "empty.txt is empty"),
        "blank": (write(folder, "blank.txt", b" \r\n\t\n"), "blank.txt is empty"),
        "binary": (write(folder, "junk.bin", bytes(rng.randrange(256) for _ in range(4096))), "junk.bin is binary"),
        "png": (write(folder, "chart.png", png_bytes()), "chart.png is binary"),
        "controls": (write(folder, "controls.txt", bytes(range(1, 32)) * 40), "controls.txt looks like binary"),
        "folder": (folder / "reports", "reports is a folder"),
        "missing": (folder / "missing.txt", "no such file: "),
    }


def test_unreadable_files_are_reported_by_name_and_change_nothing(db_copy, tmp_path, content):
    cases = bad_inputs(tmp_path)
    before = content(db_copy)
    results = ingest(db_copy, [str(path) for path, _ in cases.values()])
    assert content(db_copy) == before
    for (path, expected), result in zip(cases.values(), results, strict=True):
        assert isinstance(result, DocumentError), path
        assert expected in str(result) and path.name in str(result)


def test_cli_ingest_of_unreadable_files_prints_one_line_each_and_exits_non_zero(cli, db_copy, tmp_path, content):
    cases = bad_inputs(tmp_path)
    before = content(db_copy)
    for path, expected in cases.values():
        result = cli("ingest", str(path), db=db_copy)
        assert result.code == 1
        assert result.out == ""
        lines = result.err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("lazos: error: "), result.err
        assert expected in lines[0] and path.name in lines[0]
    assert content(db_copy) == before


def test_batch_with_a_good_and_a_bad_file_stores_the_good_one(cli, db_copy, tmp_path):
    good = write(tmp_path, "multi.txt", MULTI)
    bad = write(tmp_path, "empty.txt", b"")
    first, second = ingest(db_copy, [str(bad), str(good)])
    assert isinstance(first, DocumentError) and "empty.txt" in str(first)
    assert isinstance(second, Ingested) and second.changed
    with lazos.open(db_copy) as db:
        assert list(db.documents().frame["name"]) == ["multi.txt"]

    other = write(tmp_path, "other.txt", EN + "\n")
    result = cli("ingest", str(other), str(bad), db=db_copy)
    assert result.code == 1
    assert f"{doc_id_of(other.read_bytes())}  other.txt:" in result.out and "[stored]" in result.out
    assert result.err.splitlines() == ["lazos: error: empty.txt is empty"]
    with lazos.open(db_copy) as db:
        assert sorted(db.documents().frame["name"]) == ["multi.txt", "other.txt"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(db_copy, tmp_path, monkeypatch, content):
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: nothing is written or allocated

    def no_reading(self):
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(DocumentError) as info:
        read_path(big)
    message = str(info.value)
    assert message.startswith(f"huge.txt is {(MAX_BYTES + 1) / 1e6:.0f} MB")
    assert f"up to {MAX_BYTES // 1_000_000} MB" in message
    monkeypatch.undo()

    before = content(db_copy)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    (result,) = ingest(db_copy, [str(big)])
    monkeypatch.undo()
    assert isinstance(result, DocumentError) and str(result) == message
    assert content(db_copy) == before


LARGE_PARAGRAPHS = [
    "Trade between China and Latin America reached US$ 485.8 billion in 2022, according to the General "
    "Administration of Customs of China. The increase was driven mainly by higher prices for the commodities "
    "the region sells, such as copper, iron ore and soybeans, while Chinese exports of machinery, electronics "
    "and vehicles to the region also grew.",
    "Brazil remained the largest trading partner of China in the region. Its exports to China were worth "
    "US$ 89.7 billion in 2022, most of them soybeans, iron ore and crude oil shipped from ports on the Atlantic "
    "coast. The Brazilian government has sought to diversify these sales, but progress has been slow.",
    "Chinese policy banks lent about US$ 136 billion to governments and state companies in Latin America "
    "between 2005 and 2020. Most of the money went to Venezuela, Brazil, Ecuador and Argentina, and most of it "
    "financed energy and transport infrastructure. New lending has fallen sharply since 2016.",
    "The port of Chancay, north of Lima, was built by a consortium led by COSCO Shipping at a cost of about "
    "US$ 3.6 billion. It opened in November 2024 and is expected to handle up to one million containers a year "
    "in its first phase, cutting shipping times to Asia by about ten days.",
    "By the end of 2023, 22 countries in Latin America and the Caribbean had signed memoranda of understanding "
    "on the Belt and Road Initiative with China. Argentina joined in February 2022. The agreements are not "
    "binding, but governments regard them as a signal of political goodwill.",
]


def test_a_five_megabyte_text_is_ingested_whole(db_copy, tmp_path):
    block = "\n\n".join(LARGE_PARAGRAPHS) + "\n\n"
    repeats = 5_000_000 // len(block.encode("utf-8")) + 1
    text = block * repeats
    path = write(tmp_path, "large.txt", text)
    assert 5_000_000 < path.stat().st_size < MAX_BYTES

    result = stored(db_copy, path)
    assert result.paragraphs == len(LARGE_PARAGRAPHS) * repeats
    assert result.claims >= 3 * repeats  # at least the three money figures of every block
    with lazos.open(db_copy) as db:
        assert db.document_text(result.doc_id).text == text
        claims = db.claims(doc=result.doc_id, check=False).frame
    assert len(claims) == result.claims
    assert (claims["value"].round() == 485_800_000_000).sum() == repeats
    for claim in claims.to_dict("records"):
        assert text[claim["start"] : claim["end"]] == claim["text"]


# ---------------------------------------------------------------------------- URLs

URL = "https://news.example.org/2023/china-lac-trade"


def html_page(request: httpx.Request) -> httpx.Response:
    assert request.url == URL
    return httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"}, content=HTML.encode())


def test_read_url_keeps_the_address_of_an_html_page():
    doc = read_url(URL, client=client_for(html_page))
    assert (doc.name, doc.url, doc.media_type) == (URL, URL, "text/html")
    assert ARTICLE_1 in doc.text and "alert" not in doc.text


def test_read_url_reads_a_pdf_by_its_content_type():
    raw = text_pdf("Trade reached US$ 485.8 billion in 2022.")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "application/pdf"}, content=raw)

    doc = read_url("https://example.org/download?id=7", client=client_for(handler))
    assert doc.media_type == "application/pdf" and "US$ 485.8 billion" in doc.text


@pytest.mark.parametrize("status", [404, 500])
def test_read_url_http_error_names_the_status(status):
    def gone(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, text="gone")

    with pytest.raises(DocumentError) as info:
        read_url(URL, client=client_for(gone))
    assert str(info.value) == f"cannot download {URL}: HTTP {status}"


def test_read_url_connection_failure_says_cannot_download():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(DocumentError, match=rf"^cannot download {URL}: connection refused"):
        read_url(URL, client=client_for(refuse))


@pytest.mark.parametrize("target", ["ftp://x", "ftp://example.org/report.txt", "file:///etc/hostname", "example.org"])
def test_read_url_refuses_what_is_not_a_web_address(target):
    with pytest.raises(DocumentError, match=r"^not a web address: "):
        read_url(target, client=client_for(html_page))


def test_read_and_ingest_refuse_other_schemes_as_not_web_addresses(db_copy):
    with pytest.raises(DocumentError, match=r"^not a web address: 'ftp://example.org/report.txt'$"):
        read("ftp://example.org/report.txt")
    (result,) = ingest(db_copy, ["ftp://example.org/report.txt"])
    assert str(result) == "not a web address: 'ftp://example.org/report.txt'"


@pytest.fixture()
def served(monkeypatch):
    """``ingest`` takes no client: route the client ``read_url`` makes through a mock transport."""
    pages: dict[str, httpx.Response] = {}
    real_client = httpx.AsyncClient

    def handler(request: httpx.Request) -> httpx.Response:
        return pages.get(str(request.url)) or httpx.Response(404)

    def client(**options) -> httpx.AsyncClient:
        return real_client(transport=httpx.MockTransport(handler), **options)

    monkeypatch.setattr(httpx, "AsyncClient", client)
    return pages


def test_ingest_stores_a_web_page_with_its_address(db_copy, served, content):
    served[URL] = httpx.Response(200, headers={"content-type": "text/html"}, content=HTML.encode())
    result = stored(db_copy, URL)
    assert (result.name, result.media_type, result.changed) == (URL, "text/html", True)
    with lazos.open(db_copy) as db:
        row = db.documents().frame.set_index("doc_id").loc[result.doc_id]
        kind, source_url = db.con.execute(
            "SELECT kind, url FROM source WHERE source_id = ?", [result.doc_id]
        ).fetchone()
        claims = db.claims(doc=URL, check=False).frame
    assert (row["name"], row["url"], kind, source_url) == (URL, URL, "web_page", URL)
    assert {485_800_000_000, 89_700_000_000} <= {round(v) for v in claims["value"]}

    before = content(db_copy)
    (missing,) = ingest(db_copy, ["https://news.example.org/missing"])
    assert str(missing) == "cannot download https://news.example.org/missing: HTTP 404"
    assert content(db_copy) == before


# ---------------------------------------------------------------------------- command line


def test_cli_ingest_reports_id_paragraphs_languages_and_claims(cli, db_copy, tmp_path):
    path = write(tmp_path, "multi.txt", MULTI)
    doc_id = doc_id_of(MULTI.encode())
    result = cli("ingest", str(path), db=db_copy)
    assert result.code == 0, result.err
    listed = json.loads(cli("documents", "--format", "json", db=db_copy).out)["rows"]
    (doc,) = [d for d in listed if d["doc_id"] == doc_id]
    assert (doc["name"], doc["languages"], doc["media_type"]) == ("multi.txt", "en;es;pt;zh", "text/plain")
    assert result.out == f"{doc_id}  multi.txt: 5 paragraphs (en;es;pt;zh), {doc['claims']} claims [stored]\n"
    again = cli("ingest", str(path), db=db_copy)
    assert again.code == 0 and again.out == result.out.replace("[stored]", "[unchanged]")


def test_cli_claims_lists_checked_claims_with_status_and_evidence(cli, db_copy, tmp_path):
    path = write(tmp_path, "multi.txt", MULTI)
    assert cli("ingest", str(path), db=db_copy).code == 0
    result = cli("claims", "--doc", "multi.txt", "--format", "json", db=db_copy)
    assert result.code == 0, result.err
    claims = json.loads(result.out)["rows"]
    assert claims and all(c["doc_name"] == "multi.txt" for c in claims)
    for c in claims:
        assert c["status"] in ("consistent", "inconsistent", "unverifiable")
        assert isinstance(c["evidence"], list)
        assert MULTI[c["start"] : c["end"]] == c["text"]
    # The 2022 trade total is in the embedded data: each language's figure is checked against it.
    headline = [c for c in claims if round(c["value"]) == 485_800_000_000]
    assert len(headline) == 4
    for c in headline:
        assert c["status"] == "consistent", c
        assert any(e["period"] == "2022" and e["source_url"] for e in c["evidence"])

    consistent = json.loads(
        cli("claims", "--doc", "multi.txt", "--status", "consistent", "-f", "json", db=db_copy).out
    )["rows"]
    assert consistent and {c["status"] for c in consistent} == {"consistent"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--status", "bogus"), "lazos: error: unknown status 'bogus': use consistent, inconsistent or unverifiable"),
        (("--doc", "nowhere.txt"), "lazos: error: unknown document 'nowhere.txt': `lazos documents` lists them"),
    ],
)
def test_cli_claims_refuses_unknown_status_or_document(cli, db_copy, args, message):
    result = cli("claims", *args, db=db_copy)
    assert result.code == 1
    assert result.err.splitlines() == [message]


# ---------------------------------------------------------------------------- reference articles


def test_reference_articles_are_stored_with_claims_at_their_offsets(db_copy, corpus):
    files = sorted(corpus.glob("*.txt"))
    results = ingest(db_copy, [str(f) for f in files])
    assert all(isinstance(r, Ingested) and r.changed and r.claims > 0 for r in results), results
    with lazos.open(db_copy) as db:
        docs = db.documents().frame.set_index("name")
        for path, result in zip(files, results, strict=True):
            text = db.document_text(result.doc_id).text
            assert text == path.read_text(encoding="utf-8")
            claims = db.claims(doc=result.doc_id, check=False).frame
            assert len(claims) == result.claims == docs.loc[path.name, "claims"]
            for claim in claims.to_dict("records"):
                assert text[claim["start"] : claim["end"]] == claim["text"]
    bilingual = [r for r in results if "bilingual" in r.name]
    for r in bilingual:
        assert set(r.languages.split(";")) >= {"en", "zh"}
        assert docs.loc[r.name, "paired_paragraphs"] > 0
