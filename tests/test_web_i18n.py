"""The web app's four languages: catalogs complete and current, placeholders kept, numbers,
money and dates in each locale's own forms."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from lazos.web.pages.i18n import LANGS, LOCALE_DIR, Formatter, catalog_path, negotiate, translations

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted(tmp_path: Path) -> set[str]:
    out = tmp_path / "fresh.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-k", "N_"]
    command += ["-o", str(out)]
    subprocess.run([*command, "."], cwd=ROOT, check=True)
    with out.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


def catalog(lang: str):
    with catalog_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang if lang != "zh" else "zh_Hans_CN")


def test_the_template_catalog_holds_every_text_the_templates_and_code_mark(tmp_path):
    with (LOCALE_DIR / "messages.pot").open("rb") as fh:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    missing = extracted(tmp_path) - template
    assert not missing, f"run `make translations` and translate: {sorted(missing)[:20]}"


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_every_text_is_translated_with_its_placeholders(lang):
    with (LOCALE_DIR / "messages.pot").open("rb") as fh:
        template = [m for m in read_po(fh) if m.id]
    translated = catalog(lang)
    problems = []
    for message in template:
        found = translated.get(message.id)
        strings = (
            [found.string]
            if found is not None and isinstance(found.string, str)
            else list(found.string if found is not None else [])
        )
        if found is None or found.fuzzy or not all(strings):
            problems.append(f"untranslated: {message.id!r}")
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders differ in {message.id!r}: {text!r}")
    assert not problems, f"{lang}: {len(problems)} problems, e.g. " + "; ".join(problems[:10])


def test_the_catalogs_compile_and_translate_the_navigation():
    assert translations("es").gettext("Projects") == "Proyectos"
    assert translations("pt").gettext("Projects") == "Projetos"
    assert translations("zh").gettext("Projects") == "项目"
    assert translations("en").gettext("Projects") == "Projects"


def test_accept_language_picks_the_first_language_we_have():
    assert negotiate("zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert negotiate("fr-FR,fr;q=0.9,pt-BR;q=0.8,en;q=0.5") == "pt"
    assert negotiate("de") == "en"
    assert negotiate(None) == "en"
    assert negotiate("es;q=garbage, pt;q=0.3") == "pt"


def test_numbers_money_and_dates_take_each_locales_forms():
    en, es, pt, zh = (Formatter(lang) for lang in LANGS)
    assert en.number(1234567.891, 1) == "1,234,567.9"
    assert es.number(1234567.891, 1) in ("1,234,567.9", "1 234 567,9", "1.234.567,9")  # es_419 groups with commas
    assert pt.number(1234567.891, 1) == "1.234.567,9"
    assert en.money(4_500_000_000) == "US$4.5B"  # not "$": the region's pesos write "$" too
    assert "亿" in zh.money(4_500_000_000)
    assert pt.money(4_500_000_000).startswith("US$")
    assert en.date(date(2022, 2, 6)) == "Feb 6, 2022"
    assert zh.date(date(2022, 2, 6)) == "2022年2月6日"
    assert pt.date(date(2022, 2, 6)) == "6 de fev. de 2022"
    assert en.percent(0.256) == "25.6%"
    assert en.number(None) == en.missing == zh.money(float("nan"))
    assert en.date("2019-05") == "2019-05"  # a partial date as the source gives it
