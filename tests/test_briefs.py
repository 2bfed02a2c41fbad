"""Briefs (lazos.briefs, `lazos brief`, the web app's downloads) on the embedded database: every
language and format renders; a PDF has 2–4 pages, none blank, and its Chinese is real text;
every note call resolves to a listed source; --as-of changes what the brief says."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lazos
from lazos.briefs.render import make_brief
from lazos.cli.main import app
from lazos.errors import LazosError
from lazos.web.pages.i18n import LANGS, translations


def _pdf_skip() -> str | None:
    """Why PDF briefs cannot be checked here (None: they can)."""
    try:
        import weasyprint  # noqa: F401  (loads Pango)
    except OSError as exc:
        return f"WeasyPrint cannot load Pango ({exc}); `make briefs` installs it"
    for tool in ("pdftoppm", "pdftotext", "fc-list"):
        if shutil.which(tool) is None:
            return f"{tool} is missing (poppler-utils, fontconfig); `make briefs` installs it"
    return None


PDF_SKIP = _pdf_skip()
needs_pdf = pytest.mark.skipif(PDF_SKIP is not None, reason=PDF_SKIP or "")


def _has_cjk_font() -> bool:
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())


@pytest.fixture(scope="module")
def handle(built_db: Path):
    with lazos.open(built_db) as db:
        yield db


@pytest.fixture(scope="module")
def argentina(handle) -> dict[tuple[str, str], bytes]:
    """Argentina's brief in every language and format, made once for the module."""
    out: dict[tuple[str, str], bytes] = {}
    for lang in LANGS:
        for fmt in ("html", "md", *(() if PDF_SKIP else ("pdf",))):
            out[lang, fmt] = make_brief(handle, "argentina", lang=lang, fmt=fmt, stem="ar").data
    return out


def _pages(pdf: bytes, tmp_path: Path) -> list[Path]:
    """The PDF's pages as PNG images (pdftoppm, 40 dpi)."""
    source = tmp_path / "brief.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(source), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


def _ink(png: Path) -> float:
    """The share of a page's pixels that are not white."""
    from PIL import Image

    image = Image.open(png).convert("L")
    histogram = image.histogram()
    return 1 - sum(histogram[245:]) / (image.width * image.height)


def _text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(source), "-"], capture_output=True, text=True).stdout


def test_every_language_and_format_renders_with_its_own_interface_text(argentina):
    for lang in LANGS:
        heading = translations(lang).gettext("Ties with China")
        title = translations(lang).gettext("China–%(country)s: country brief")
        assert heading in argentina[lang, "html"].decode(), lang
        assert heading in argentina[lang, "md"].decode(), lang
        if lang != "en":
            assert heading != "Ties with China" and title != "China–%(country)s: country brief", lang
    html = argentina["zh", "html"].decode()
    assert '<html lang="zh-Hans">' in html and "阿根廷" in html
    assert "2022年2月6日" in html  # Babel's Chinese date: joined the Belt and Road
    assert "6 de febrero de 2022" in argentina["es", "html"].decode()


@needs_pdf
@pytest.mark.parametrize("lang", LANGS)
def test_pdf_has_two_to_four_pages_and_none_is_blank(argentina, lang, tmp_path):
    pages = _pages(argentina[lang, "pdf"], tmp_path)
    assert 2 <= len(pages) <= 4, f"{lang}: {len(pages)} pages"
    for page in pages:
        assert _ink(page) > 0.02, f"{lang}: {page.name} is blank"


@needs_pdf
def test_region_pdf_has_two_to_four_pages_with_its_map(handle, tmp_path):
    brief = make_brief(handle, None, lang="en", fmt="pdf")
    pages = _pages(brief.data, tmp_path)
    assert 2 <= len(pages) <= 4 and all(_ink(p) > 0.02 for p in pages)
    text = _text(brief.data, tmp_path)
    assert "China–Latin America and the Caribbean" in text and "Rankings" in text
    html = make_brief(handle, None, lang="en", fmt="html").data.decode()
    assert "data:image/svg+xml;base64," in html  # the map: the web app's SVG


@needs_pdf
def test_chinese_in_the_pdf_is_text_not_boxes(argentina, tmp_path):
    if not _has_cjk_font():
        pytest.skip("no font with Chinese glyphs (fc-list :lang=zh is empty); `make briefs` installs fonts-noto-cjk")
    text = _text(argentina["zh", "pdf"], tmp_path)
    assert "阿根廷" in text
    assert translations("zh").gettext("Ties with China") in text
    assert translations("zh").gettext("Largest projects") in text
    assert "\ufffd" not in text


def _note_calls(html: str) -> set[str]:
    """The note numbers the brief's calls name: <sup class="notes"> holds "1,3–5" (a range names its ends)."""
    numbers: set[str] = set()
    for sup in re.findall(r'<sup class="notes">(.*?)</sup>', html, flags=re.S):
        for part in re.sub(r"<[^>]+>", "", sup).split(","):
            first, _, last = part.partition("–")
            numbers.update(str(n) for n in range(int(first), int(last or first) + 1))
    return numbers


def test_every_note_call_resolves_to_a_listed_source(argentina):
    for lang in LANGS:
        html = argentina[lang, "html"].decode()
        calls = _note_calls(html)
        listed = dict(re.findall(r'<li id="source-(\d+)" value="\d+">(.*?)</li>', html, flags=re.S))
        assert calls, lang
        assert calls == set(listed), (
            f"{lang}: calls without a source {calls - set(listed)}, sources never cited {set(listed) - calls}"
        )
        assert all(re.sub(r"<[^>]+>|\s", "", text) for text in listed.values())  # each names its source
        numbers = sorted(int(n) for n in listed)
        assert numbers == list(range(1, len(numbers) + 1))
        md = argentina[lang, "md"].decode()
        md_calls = set(re.findall(r"\[\^(\d+)\](?!:)", md))
        md_defs = set(re.findall(r"^\[\^(\d+)\]:", md, flags=re.M))
        assert md_calls and md_calls == md_defs, lang


def test_every_figure_cites_its_sources(argentina):
    html = argentina["en", "html"].decode()
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html, flags=re.S)
    assert len(captions) == 3  # connectivity, trade, finance
    assert all('class="note-call"' in c for c in captions)
    facts = re.search(r'<dl class="facts">(.*?)</dl>', html, flags=re.S)
    assert facts and facts.group(1).count("note-call") >= 3


def test_as_of_changes_the_brief_before_and_after_argentina_joined_the_belt_and_road(handle):
    before = make_brief(handle, "ARG", lang="en", fmt="html", as_of="2022-02-05").data.decode()
    after = make_brief(handle, "ARG", lang="en", fmt="html", as_of="2022-02-07").data.decode()
    assert "Data as of February 5, 2022" in before and "Data as of February 7, 2022" in after
    assert "not a participant" in before and "Belt and Road participant" not in before
    assert "Belt and Road participant" in after and "joined February 6, 2022" in after
    assert "BRI memorandum of understanding signed" in after
    assert "BRI memorandum of understanding signed" not in before


def test_a_date_before_the_analyses_gives_a_brief_that_says_why_they_are_missing(handle):
    html = make_brief(handle, "ARG", lang="en", fmt="html", as_of="1990").data.decode()
    assert "Data as of December 31, 1990" in html and "not a participant" in html
    assert html.count("no analysis as of 1990-12-31") == 2  # the index and the risk rating
    assert "No alert for this country as of this date." in html
    assert "Recognition switched from Taipei to Beijing" in html  # 1972: known then


def test_markdown_brief_writes_its_images_beside_it(handle, tmp_path):
    brief = make_brief(handle, "ARG", lang="pt", fmt="md", stem="ar")
    files = brief.write(tmp_path / "ar.md")
    text = (tmp_path / "ar.md").read_text(encoding="utf-8")
    linked = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert linked and all((tmp_path / link).is_file() for link in linked)
    assert {p.name for p in files} >= {"ar.md", "connectivity.png", "trade.png", "finance.png"}
    assert (tmp_path / "ar_files" / "trade.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_state_outside_celac_and_unknown_names_are_refused(handle):
    with pytest.raises(LazosError, match="CELAC"):
        make_brief(handle, "China", lang="en", fmt="html")
    with pytest.raises(LazosError, match="did you mean"):
        make_brief(handle, "Argentinaa", lang="en", fmt="html")
    with pytest.raises(LazosError, match="unknown language"):
        make_brief(handle, "ARG", lang="fr", fmt="html")
    with pytest.raises(LazosError, match="unknown format"):
        make_brief(handle, "ARG", lang="en", fmt="docx")


def test_hostile_text_in_the_data_is_escaped(handle):
    from lazos.briefs.render import _markdown_cell

    assert _markdown_cell("a | b *c* [x](javascript:1)\n<script>") == r"a \| b \*c\* \[x\](javascript:1) \<script\>"
    html = make_brief(handle, "ARG", lang="en", fmt="html").data.decode()
    assert "<script" not in html


# ---------------------------------------------------------------------------- the command


def test_cli_writes_the_format_its_file_names(built_db, tmp_path):
    runner = CliRunner()
    out = tmp_path / "ar.html"
    result = runner.invoke(app, ["brief", "argentina", "--db", str(built_db), "--lang", "es", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    result = runner.invoke(
        app, ["brief", "argentina", "--db", str(built_db), "-f", "pdf", "-o", str(tmp_path / "x.md")]
    )
    assert result.exit_code == 1 and "does not match" in str(result.exception)
    result = runner.invoke(app, ["brief", "argentina", "--region", "--db", str(built_db)])
    assert result.exit_code == 1 and "one of them" in str(result.exception)


def test_cli_all_writes_every_state_and_the_region_with_a_progress_bar(built_db, tmp_path):
    outdir = tmp_path / "briefs"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "lazos"),
            "brief",
            "--all",
            "--format",
            "md",
            "--db",
            str(built_db),
            "-o",
            str(outdir),
            "--workers",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in outdir.glob("*.md"))
    assert len(written) == 34 and "lazos-brief-LAC-en.md" in written and "lazos-brief-ARG-en.md" in written
    assert "34/34" in result.stderr  # the progress bar's last state
    assert "34 of 34 briefs written" in result.stdout
    assert all((outdir / f"lazos-brief-{iso}-en_files" / "trade.png").exists() for iso in ("ARG", "BRA", "HTI"))


# ---------------------------------------------------------------------------- the web app


def test_web_offers_the_brief_from_the_country_page(client):
    page = client.get("/zh/countries/ARG").text
    assert 'href="/zh/countries/ARG/brief.pdf"' in page
    response = client.get("/en/countries/ARG/brief.html?as_of=2022-02-07")
    assert response.status_code == 200 and "joined February 6, 2022" in response.text
    assert response.headers["content-disposition"] == 'inline; filename="lazos-brief-ARG-en-2022-02-07.html"'
    moved = client.get("/en/countries/argentina/brief.zip", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/en/countries/ARG/brief.zip"
    archive = zipfile.ZipFile(io.BytesIO(client.get("/en/countries/ARG/brief.zip").content))
    assert "lazos-brief-ARG-en.md" in archive.namelist() and "lazos-brief-ARG-en_files/trade.png" in archive.namelist()
    assert client.get("/en/countries/CHN/brief.pdf").status_code == 404
    assert client.get("/en/countries/ARG/brief.exe").status_code == 404
    assert client.get("/en/countries/ARG/brief.pdf?as_of=yesterday").status_code == 422


@needs_pdf
def test_web_pdf_download_is_a_pdf(client):
    response = client.get("/es/brief.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response.headers["content-type"] == "application/pdf"
