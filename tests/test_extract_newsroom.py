"""How newsrooms write figures, from the misses on real articles (issue 13): traditional Chinese,
Mexico's "171 mil 854 millones", units as typed, hyphen-fused quantities, proportions in words,
durations in one unit, each figure its own year, and small counts in words."""

from __future__ import annotations

import math

import pytest

from lazos.documents.extract import extract


def claims(text: str) -> list[tuple[str, float, str, str | None]]:
    return [(c.text, c.value, c.unit, c.period) for c in extract(text).claims]


def assert_reads(text: str, span: str, value: float, unit: str) -> None:
    got_value, got_unit, _ = only(text, span)
    assert (got_unit, got_value) == (unit, pytest.approx(value))


def only(text: str, span: str) -> tuple[float, str, str | None]:
    found = [c for c in claims(text) if c[0] == span]
    assert len(found) == 1, f"{span!r} in {text!r}: found {claims(text)}"
    return found[0][1:]


TRADITIONAL = [
    ("中國對拉美投資達3020億美元。", "3020億美元", 302e9, "USD"),
    ("兩國貿易額為4858億美元。", "4858億美元", 485.8e9, "USD"),
    ("電站裝機容量150萬千瓦。", "150萬千瓦", 1.5e9, "W"),
    ("中國提供100億元人民幣貸款。", "100億元人民幣", 1e10, "CNY"),
    ("全球貿易順差達到1.2兆元。", "1.2兆元", 1.2e12, "CNY"),
    ("錢凱港年吞吐量100萬標準箱。", "100萬標準箱", 1e6, "TEU"),
    ("中方在當地設立了兩個工廠。", "兩", 2, "count"),
]


@pytest.mark.parametrize(("text", "span", "value", "unit"), TRADITIONAL)
def test_traditional_chinese_reads_as_simplified_and_keeps_its_characters(text, span, value, unit):
    got_value, got_unit, _ = only(text, span)
    assert got_unit == unit
    assert math.isclose(got_value, value, rel_tol=1e-9)


def test_traditional_text_keeps_offsets_countries_and_what_in_its_own_characters():
    text = "台灣與宏都拉斯斷交後，中國向宏都拉斯提供3億美元，用於修建瓜地馬拉邊境公路。"
    ex = extract(text)
    (c,) = ex.claims
    assert text[c.start : c.end] == c.text == "3億美元"
    assert "HND" in c.countries and "CHN" in c.countries
    assert ex.text == text  # the stored text is the original, not its simplified reading


MEXICAN = [
    ("La inversión china sumó 171 mil 854 millones de dólares.", "171 mil 854 millones de dólares", 171.854e9, "USD"),
    ("totalizó 413 millones 800 mil dólares, 92 por ciento más", "413 millones 800 mil dólares", 413.8e6, "USD"),
    ("Se invirtieron 2 mil 500 millones de pesos en México.", "2 mil 500 millones de pesos", 2.5e9, "MXN"),
    ("La empresa contrató a 2 mil 300 empleados.", "2 mil 300", 2300, "count"),
]


@pytest.mark.parametrize(("text", "span", "value", "unit"), MEXICAN)
def test_mexican_thousands_of_millions_are_one_figure(text, span, value, unit):
    got_value, got_unit, _ = only(text, span)
    assert (got_unit, got_value) == (unit, pytest.approx(value, rel=1e-12))
    assert not [c for c in claims(text) if c[0] in ("171 mil", "854 millones de dólares", "800 mil dólares")]


UNITS_AS_TYPED = [
    ("El parque solar de 300 Mw entró en operación.", "300 Mw", 300e6, "W"),
    ("La central aportará 3 Gigawats al sistema.", "3 Gigawats", 3e9, "W"),
    ("The two plants add 50 MW and 20 Mw.", "20 Mw", 20e6, "W"),
    ("Trade with China reached US 489 billion last year.", "US 489 billion", 489e9, "USD"),
    ("Exports of 1.1 million barrels a day went to China.", "1.1 million barrels", 1.1e6, "bbl"),
    ("La central generará 8 mil 600 GW/hora al año.", "8 mil 600 GW/hora", 8.6e12, "Wh"),
]


@pytest.mark.parametrize(("text", "span", "value", "unit"), UNITS_AS_TYPED)
def test_units_and_currencies_as_reporters_type_them(text, span, value, unit):
    assert_reads(text, span, value, unit)


HYPHEN = [
    ("The firm bought a 1,100-ha site near the port.", "1,100-ha", 11e6, "m2"),
    ("It will build a 70-metre dam.", "70-metre", 70, "m"),
    ("a 300-MW wind farm in Chile", "300-MW", 300e6, "W"),
    ("a 25-year concession for the port", "25-year", 25, "year"),
]


@pytest.mark.parametrize(("text", "span", "value", "unit"), HYPHEN)
def test_quantities_fused_to_their_unit_with_a_hyphen_keep_the_unit(text, span, value, unit):
    assert_reads(text, span, value, unit)


PROPORTIONS = [
    ("Hoy 1 de cada 5 autos vendidos en México es chino.", "1 de cada 5", 20.0),
    ("One in five cars sold in Chile is Chinese.", "One in five", 20.0),
    ("two out of three buyers chose a Chinese brand", "two out of three", 200 / 3),
    ("Um em cada três carros vendidos é chinês.", "Um em cada três", 100 / 3),
    ("Uno de cada cuatro dólares vino de China.", "Uno de cada cuatro", 25.0),
    ("um terço das exportações", "um terço", 100 / 3),
    ("中国占三分之一。", "三分之一", 100 / 3),
]


@pytest.mark.parametrize(("text", "span", "value"), PROPORTIONS)
def test_proportions_in_words_are_shares_in_percent(text, span, value):
    got_value, got_unit, _ = only(text, span)
    assert (got_unit, got_value) == ("percent", pytest.approx(value))


def test_a_number_before_a_duration_is_not_a_proportion():
    assert not [c for c in claims("They plan 3 in 5 years.") if c[2] == "percent"]


DURATIONS = [
    ("La obra se terminó en 25 meses.", "25 meses", 25 / 12),
    ("As obras levaram oito meses.", "oito meses", 8 / 12),
    ("工程历时九个月。", "九个月", 0.75),
    ("The talks took 18 months.", "18 months", 1.5),
    ("a loan over 10 years", "10 years", 10.0),
    ("una pausa de 6 semanas", "6 semanas", 6 * 7 / 365.25),
]


@pytest.mark.parametrize(("text", "span", "value"), DURATIONS)
def test_every_duration_is_in_years(text, span, value):
    got_value, got_unit, _ = only(text, span)
    assert (got_unit, got_value) == ("year", pytest.approx(value))


PER_FIGURE_YEARS = [
    ("Capacity rose from 363 MW in 2019 to 1.4 GW in 2022.", {"363 MW": "2019", "1.4 GW": "2022"}),
    ("La capacidad pasó de 363 MW en 2019 a 1,4 GW en 2022.", {"363 MW": "2019", "1,4 GW": "2022"}),
    ("A capacidade passou de 363 MW em 2019 para 1,4 GW em 2022.", {"363 MW": "2019", "1,4 GW": "2022"}),
    ("装机容量从2019年的363兆瓦增至2022年的1400兆瓦。", {"363兆瓦": "2019", "1400兆瓦": "2022"}),
]


@pytest.mark.parametrize(("text", "periods"), PER_FIGURE_YEARS)
def test_each_figure_of_a_change_has_its_own_year(text, periods):
    got = {c[0]: c[3] for c in claims(text)}
    assert {span: got.get(span) for span in periods} == periods


ELIDED_CURRENCY = [
    ("Recibió US$ 1.682 millones. Negocia créditos adicionales por 600 millones.", "600 millones", 600e6, "USD"),
    ("China granted a loan of 10 billion. Trade was US$ 5 billion.", "10 billion", 10e9, "USD"),
    ("中國對委內瑞拉貸款約600億美元。其中投資達200億，", "200億", 200e8, "USD"),
]


@pytest.mark.parametrize(("text", "span", "value", "unit"), ELIDED_CURRENCY)
def test_an_amount_after_a_word_for_a_loan_or_investment_takes_the_documents_currency(text, span, value, unit):
    assert_reads(text, span, value, unit)


def test_a_scaled_number_after_a_word_for_investment_with_its_own_noun_stays_a_count():
    assert only("La ciudad tiene una inversión de 3 millones de habitantes.", "3 millones")[1] == "count"


PERIOD_A_FIGURE_COVERS = [
    "As exportações somaram US$ 58,60 bilhões em um ano.",
    "Em um ano, as vendas subiram de US$ 63,4 bilhões para US$ 67 bilhões.",
    "Evitará la emisión de 94.5 millones de toneladas de CO2 en 21 años.",
    "Exports grew 12% in one year.",
]


@pytest.mark.parametrize("text", PERIOD_A_FIGURE_COVERS)
def test_in_a_period_after_a_figure_is_the_period_it_covers_not_a_duration(text):
    assert not [c for c in claims(text) if c[2] == "year"]


SMALL_COUNTS = [
    ("The company said Huawei opened one data centre in Argentina in 2023.", "one", 1),
    ("A BYD tem três fábricas no Brasil.", "três", 3),
    ("China firmó dos acuerdos con Uruguay.", "dos", 2),
    ("The structures are two of the five turbines of the dam.", "five", 5),
    ("Son dos de las tres plantas que componen el proyecto.", "tres", 3),
    ("航线今年累计开行班轮48航次。", "48", 48),
]


@pytest.mark.parametrize(("text", "span", "value"), SMALL_COUNTS)
def test_small_counts_in_words_are_claims(text, span, value):
    assert only(text, span)[:2] == (value, "count")


@pytest.mark.parametrize(
    "text",
    [
        "It is one of the largest ports in the region.",
        "On the one hand, trade grew; on the other, investment fell.",
        "They met one another in Lima.",
        "Figures and markup in one report",
        "In one study, trade with China grew.",
        "Firmaron un acuerdo con China.",
        "Assinaram um acordo com a China.",
    ],
)
def test_one_as_article_pronoun_or_idiom_is_not_a_count(text):
    assert not [c for c in claims(text) if c[2] == "count"]
