"""Paragraphs that mix English, Spanish and Portuguese: every figure is read with its scale word.

A paragraph's language is decided on its beginning; a sentence clearly written in another of
the three languages is read in its own (its scale words, currencies, months and country names),
and the full scale words of the three languages ("billion", "mil millones", "bilhões") are read
in any of them, each with the value it has in its own language (billón is 10^12 in Spanish,
bilhão 10^9 in Portuguese). Before, "US$ 1.5 billion" in a Spanish paragraph gave US$1.5 and
"US$ 2 mil millones" in an English one gave US$2.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lazos.documents.extract import extract


def claims(text: str) -> list[tuple[str, float, str, str | None, str]]:
    return [(c.text, c.value, c.unit, c.period, c.lang) for c in extract(text).claims]


def test_an_english_sentence_in_a_spanish_paragraph_keeps_its_billion():
    text = (
        "El comercio entre China y América Latina creció con fuerza en la última década. Según el informe, "
        "las exportaciones de Chile a China sumaron 38 mil millones de dólares en 2022. Chinese investment "
        "in Peru reached US$ 1.5 billion in 2021, according to the same report.\n"
    )
    found = extract(text)
    assert [p.lang for p in found.paragraphs] == ["es"]
    assert claims(text) == [
        ("38 mil millones de dólares", 38e9, "USD", "2022", "es"),
        ("US$ 1.5 billion", 1.5e9, "USD", "2021", "en"),
    ]
    assert found.claims[1].countries == ["CHN", "PER"]  # "Peru" read as an English name


def test_a_spanish_sentence_in_an_english_paragraph_keeps_its_mil_millones():
    text = (
        "Chinese lending to the region slowed after 2019, and most of the new loans went to energy projects "
        "in the Andes. The largest of them was signed in Quito by the finance minister and the bank's "
        "president, with a long grace period and a fixed rate. "
        "El préstamo del Banco de Desarrollo de China a Ecuador fue de US$ 2 mil millones en 2020, "
        "según el Ministerio de Finanzas.\n"
    )
    assert [p.lang for p in extract(text).paragraphs] == ["en"]
    assert claims(text) == [("US$ 2 mil millones", 2e9, "USD", "2020", "es")]


def test_mil_millones_quoted_in_an_english_sentence_is_a_billion():
    text = (
        "The ministry's statement put the loan at US$ 2 mil millones in 2020, the largest the bank "
        "has made in the country, and said the second tranche of US$ 500 millones would follow.\n"
    )
    assert claims(text) == [
        ("US$ 2 mil millones", 2e9, "USD", "2020", "en"),
        ("US$ 500 millones", 500e6, "USD", "2020", "en"),
    ]


def test_a_spanish_amount_with_its_currency_word_in_an_english_sentence():
    text = "According to the ministry, the bank lent 500 millones de dólares to Ecuador in 2020.\n"
    assert claims(text) == [("500 millones de dólares", 500e6, "USD", "2020", "en")]


def test_billion_in_a_spanish_sentence_is_a_billion():
    text = "Según Reuters, las exportaciones de cobre de Chile a China alcanzaron US$ 1.5 billion en 2023.\n"
    assert claims(text) == [("US$ 1.5 billion", 1.5e9, "USD", "2023", "es")]


def test_a_spanish_phrase_in_a_portuguese_paragraph_reads_mil_millones_whole():
    """Portuguese reads "mil" as a thousand: the longer Spanish phrase is read first."""
    text = "O investimento chinês no Brasil somou US$ 2 mil millones em 2021, segundo o governo.\n"
    assert claims(text) == [("US$ 2 mil millones", 2e9, "USD", "2021", "pt")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Spanish billón is a million millions, in a Spanish paragraph and in a Spanish sentence of an English one.
        ("La deuda pública de México llegó a 1,2 billones de pesos en 2022.\n", ("1,2 billones de pesos", 1.2e12)),
        (
            "Mexico's debt kept growing after the pandemic, and the budget office published the figure. "
            "La deuda pública llegó a 1,2 billones de pesos en 2022.\n",
            ("1,2 billones de pesos", 1.2e12),
        ),
        # Portuguese bilhão is a thousand millions.
        ("O comércio com a China chegou a US$ 1,2 bilhão em 2022.\n", ("US$ 1,2 bilhão", 1.2e9)),
        (
            "Brazil's exports kept growing, and the ministry published the figure. "
            "O comércio com a China chegou a US$ 1,2 bilhão em 2022.\n",
            ("US$ 1,2 bilhão", 1.2e9),
        ),
    ],
)
def test_billon_and_bilhao_keep_their_own_value(text, expected):
    assert [(c.text, c.value) for c in extract(text).claims] == [expected]


def test_mil_alone_is_not_read_as_a_thousand_in_english():
    """In English "mil" is also shorthand for a million: only the language that has it reads it."""
    text = "The contractor was paid US$ 5 mil for the feasibility study in 2020.\n"
    assert claims(text) == [("US$ 5", 5.0, "USD", "2020", "en")]


def test_a_mixed_file_read_through_lazos_extract(cli, tmp_path: Path):
    f = tmp_path / "mixed.txt"
    f.write_text(
        "Inversiones chinas en América Latina\n\n"
        "Las inversiones chinas en Perú sumaron US$ 2 mil millones en 2021, según el ministerio. "
        "In the same period, Chinese investment in Brazil reached US$ 1.5 billion.\n",
        "utf-8",
    )
    result = cli("extract", str(f), "--format", "jsonl", db=None)
    assert result.code == 0, result.err
    rows = [json.loads(line) for line in result.out.splitlines()]
    assert [(r["text"], r["value"], r["lang"]) for r in rows] == [
        ("US$ 2 mil millones", 2e9, "es"),
        ("US$ 1.5 billion", 1.5e9, "en"),
    ]


def test_scale_words_read_in_any_language_have_one_value_and_no_abbreviations():
    """Each word of scales_in_any_language means the same in every language that has it."""
    from lazos.documents.lexicon import lexicon

    lx = lexicon()
    own = {lang: {k.lower(): v for k, v in lx["scales"][lang].items()} for lang in ("en", "es", "pt")}
    listed = {w.lower() for words in lx["scales_in_any_language"].values() for w in words}
    for lang, words in lx["scales_in_any_language"].items():
        assert {w.lower() for w in words} <= set(own[lang]), lang  # words of that language's own scales
    for word in listed:
        assert len({scales[word] for scales in own.values() if word in scales}) == 1, word
    assert not {"mil", "mn", "bn", "tn", "mln", "bln", "trn"} & listed


def test_currency_words_name_the_same_currency_in_every_language_that_has_them():
    from lazos.documents.lexicon import lexicon

    words = lexicon()["currency_words"]
    codes: dict[str, set[str]] = {}
    for lang in ("en", "es", "pt"):
        for word, code in words[lang].items():
            codes.setdefault(word.lower(), set()).add(code)
    assert all(len(c) == 1 for c in codes.values()), {w: c for w, c in codes.items() if len(c) > 1}
