"""Claim extraction, rule by rule, in the four languages: what is a claim, how it is normalised,
and what is not a claim. Each case is one sentence, as an analyst would meet it."""

from __future__ import annotations

import math

import pytest

from lazos.documents.extract import extract


def claims_of(text: str) -> list[tuple[str, float, str]]:
    return [(c.text, c.value, c.unit) for c in extract(text).claims]


def assert_claim(text: str, span: str, value: float, unit: str) -> None:
    found = claims_of(text)
    matching = [c for c in found if c[0] == span]
    assert matching, f"no claim {span!r} in {text!r}; found {found}"
    _, got_value, got_unit = matching[0]
    assert got_unit == unit, f"{span!r}: unit {got_unit}, expected {unit}"
    assert math.isclose(got_value, value, rel_tol=1e-9), f"{span!r}: value {got_value}, expected {value}"


MONEY = [
    ("Trade reached US$485.8 billion in 2022.", "US$485.8 billion", 485.8e9, "USD"),
    ("The trade figure was US$ 237.05 billion.", "US$ 237.05 billion", 237.05e9, "USD"),
    ("The bank lent USD 5 billion to Venezuela.", "USD 5 billion", 5e9, "USD"),
    ("Chinese banks lent $136 billion to the region.", "$136 billion", 136e9, "USD"),
    ("The contract is worth US$4.5bn.", "US$4.5bn", 4.5e9, "USD"),
    ("The fund holds US$ 1.2 trillion.", "US$ 1.2 trillion", 1.2e12, "USD"),
    ("Donations totalled 250 thousand dollars.", "250 thousand dollars", 250e3, "USD"),
    ("The smelter cost a billion dollars.", "a billion dollars", 1e9, "USD"),
    ("The fund has half a billion dollars.", "half a billion dollars", 0.5e9, "USD"),
    ("Ecuador received RMB 10 billion in 2011.", "RMB 10 billion", 10e9, "CNY"),
    ("The swap line was expanded to 130 billion yuan.", "130 billion yuan", 130e9, "CNY"),
    ("The project cost 2.4 billion euros.", "2.4 billion euros", 2.4e9, "EUR"),
    ("Exports were worth €300 million.", "€300 million", 300e6, "EUR"),
    ("Japan lent 50 billion yen.", "50 billion yen", 50e9, "JPY"),
    ("Tianqi bought Neo Lithium for C$960 million in 2021.", "C$960 million", 960e6, "CAD"),
    ("El comercio alcanzó 485.800 millones de dólares en 2022.", "485.800 millones de dólares", 485.8e9, "USD"),
    ("China invirtió US$ 12.000 millones en Perú.", "US$ 12.000 millones", 12e9, "USD"),
    ("El préstamo fue de 5 mil millones de dólares.", "5 mil millones de dólares", 5e9, "USD"),
    ("Se invirtieron mil millones de dólares en Chile.", "mil millones de dólares", 1e9, "USD"),
    ("Se invirtieron dos mil millones de dólares en Chile.", "dos mil millones de dólares", 2e9, "USD"),
    ("La deuda llegó a 2 billones de pesos en México.", "2 billones de pesos", 2e12, "MXN"),
    ("Colombia exportó COP 3 billones.", "COP 3 billones", 3e12, "COP"),
    ("Argentina recibió 18.000 millones de yuanes.", "18.000 millones de yuanes", 18e9, "CNY"),
    ("El proyecto costó S/ 500 millones en Perú.", "S/ 500 millones", 500e6, "PEN"),
    ("Se donaron 300 mil dólares a Chile.", "300 mil dólares", 300e3, "USD"),
    ("O comércio somou US$ 157,5 bilhões em 2023.", "US$ 157,5 bilhões", 157.5e9, "USD"),
    ("O investimento foi de R$ 7 bilhões no Brasil.", "R$ 7 bilhões", 7e9, "BRL"),
    ("A obra custou 2,3 milhões de reais.", "2,3 milhões de reais", 2.3e6, "BRL"),
    ("O BNDES liberou US$ 2 bi para o Brasil em 2022.", "US$ 2 bi", 2e9, "USD"),
    ("O Brasil recebeu meio bilhão de reais.", "meio bilhão de reais", 0.5e9, "BRL"),
    ("A China investiu dez bilhões de reais.", "dez bilhões de reais", 10e9, "BRL"),
    ("2022年中拉贸易额达4858亿美元。", "4858亿美元", 485.8e9, "USD"),
    ("对华出口达103.8 亿美元。", "103.8 亿美元", 10.38e9, "USD"),
    ("项目投资约5000万元人民币。", "5000万元人民币", 50e6, "CNY"),
    ("双边贸易额突破1.2万亿美元。", "1.2万亿美元", 1.2e12, "USD"),
    ("中国向该国提供了3千万美元贷款。", "3千万美元", 30e6, "USD"),
    ("中国企业在拉美投资逾百亿美元。", "百亿美元", 1e10, "USD"),
]

PERCENT_AND_FRACTIONS = [
    ("Exports rose 18.9% in 2021.", "18.9%", 18.9, "percent"),
    ("Imports grew 15 per cent.", "15 per cent", 15, "percent"),
    ("Inflation fell to -0.5% in Peru.", "-0.5%", -0.5, "percent"),
    ("The share rose 2.5 percentage points.", "2.5 percentage points", 2.5, "percent"),
    ("Las exportaciones crecieron 12,5 por ciento.", "12,5 por ciento", 12.5, "percent"),
    ("La inflación fue de 211,4% en Argentina en 2023.", "211,4%", 211.4, "percent"),
    ("As exportações cresceram 7 por cento.", "7 por cento", 7, "percent"),
    ("A China responde por 26,8% das exportações brasileiras.", "26,8%", 26.8, "percent"),
    ("出口增长百分之十五。", "百分之十五", 15, "percent"),
    ("出口增长10.9%。", "10.9%", 10.9, "percent"),
    ("中国占巴西出口的近三成。", "三成", 30, "percent"),
    ("Brazil accounted for one-third of the total.", "one-third", 100 / 3, "percent"),
    ("Brazil alone accounted for about a third of that total.", "a third", 100 / 3, "percent"),
    ("La mitad de los países firmó.", "La mitad", 50, "percent"),
    ("Um quarto das exportações vai para a China.", "Um quarto", 25, "percent"),
    ("三分之一的项目已经完工。", "三分之一", 100 / 3, "percent"),
]

PHYSICAL = [
    ("The dam has a capacity of 1.4 GW.", "1.4 GW", 1.4e9, "W"),
    ("The solar park produces 300 MW.", "300 MW", 300e6, "W"),
    ("Each turbine is rated 850 kW.", "850 kW", 850e3, "W"),
    ("It generates 660 GWh a year.", "660 GWh", 660e9, "Wh"),
    ("The battery stores 20 MWh.", "20 MWh", 20e6, "Wh"),
    ("The railway is 2,500 km long.", "2,500 km", 2.5e6, "m"),
    ("The line is 2,076 kilometres long.", "2,076 kilometres", 2.076e6, "m"),
    ("Brazil shipped 69 million tonnes of soybeans.", "69 million tonnes", 69e6, "t"),
    ("The mine produced 4.2 million tons of copper.", "4.2 million tons", 4.2e6, "t"),
    ("Chile exported a million tonnes of copper.", "a million tonnes", 1e6, "t"),
    ("The port covers 141 hectares.", "141 hectares", 1.41e6, "m2"),
    ("La mina produce 2,3 millones de toneladas.", "2,3 millones de toneladas", 2.3e6, "t"),
    ("A safra foi de 154,6 milhões de toneladas de soja em 2023.", "154,6 milhões de toneladas", 154.6e6, "t"),
    ("O parque tem 500 hectares.", "500 hectares", 5e6, "m2"),
    ("该电站装机容量为1100兆瓦。", "1100兆瓦", 1.1e9, "W"),
    ("装机容量为5000万千瓦。", "5000万千瓦", 5e10, "W"),
    ("铁路全长500公里。", "500公里", 5e5, "m"),
    ("产量达1.5万吨。", "1.5万吨", 1.5e4, "t"),
]

COUNTS_AND_WORDS = [
    ("Chinese firms have built nine data centers in Brazil.", "nine", 9, "count"),
    ("Twenty-one countries have signed the memorandum.", "Twenty-one", 21, "count"),
    ("China firmó dos acuerdos con Chile.", "dos", 2, "count"),
    ("O Brasil assinou três acordos com a China.", "três", 3, "count"),
    ("中国与十一个拉美国家签署了协议。", "十一", 11, "count"),
    ("The bank financed 192 infrastructure projects.", "192", 192, "count"),
    ("22 countries had joined by March 2023.", "22", 22, "count"),
    ("About 20 million people live there.", "20 million", 20e6, "count"),
    ("Se construyeron 45 escuelas en Bolivia.", "45", 45, "count"),
    ("中国已在拉美设立44所孔子学院。", "44", 44, "count"),
    ("拉美有3000余家中资企业。", "3000余", 3000, "count"),
]

MULTIPLES_AND_DURATIONS = [
    ("Investment in Chile doubled.", "doubled", 2, "times"),
    ("Trade has quadrupled since 2010.", "quadrupled", 4, "times"),
    ("The number of students grew seven times.", "seven times", 7, "times"),
    ("It was a thousand times better.", "a thousand times", 1000, "times"),
    ("As exportações chegaram a o triplo do valor de 2010.", "o triplo", 3, "times"),
    ("As exportações chegaram ao triplo do valor de 2010.", "ao triplo", 3, "times"),
    ("El comercio llegó al doble en 2020 con Chile.", "al doble", 2, "times"),
    ("El comercio se multiplicó por 25 desde 2000.", "se multiplicó por 25", 25, "times"),
    ("贸易额增长了两倍。", "两倍", 3, "times"),  # grew by two times: three times the start
    ("出口额是2010年的两倍。", "两倍", 2, "times"),
    ("Over seven years, investment doubled.", "seven years", 7, "year"),
    ("A obra levou 14 anos.", "14 anos", 14, "year"),
    ("Negotiations on the free trade agreement took 14 months.", "14 months", 14 / 12, "year"),
]

RANGES = [
    ("Exports grew 3-4% in 2023.", "3", 3, "percent"),
    ("Loans of between US$10 and 15 billion were signed with Brazil.", "US$10", 10e9, "USD"),
    ("The plant cost US$1.5-2 billion.", "US$1.5", 1.5e9, "USD"),
    ("Se invirtieron entre US$ 10 y 15 mil millones.", "US$ 10", 10e9, "USD"),
    ("中国对拉美投资100至200亿美元。", "100", 1e10, "USD"),
]


@pytest.mark.parametrize(("text", "span", "value", "unit"), MONEY)
def test_money_is_normalised_to_the_iso_code_and_units_of_the_currency(text, span, value, unit):
    assert_claim(text, span, value, unit)


@pytest.mark.parametrize(("text", "span", "value", "unit"), PERCENT_AND_FRACTIONS)
def test_percentages_keep_the_value_as_written_and_fractions_become_percent(text, span, value, unit):
    assert_claim(text, span, value, unit)


@pytest.mark.parametrize(("text", "span", "value", "unit"), PHYSICAL)
def test_physical_quantities_are_converted_to_si_units(text, span, value, unit):
    assert_claim(text, span, value, unit)


@pytest.mark.parametrize(("text", "span", "value", "unit"), COUNTS_AND_WORDS)
def test_counts_of_things_in_digits_and_in_words(text, span, value, unit):
    assert_claim(text, span, value, unit)


@pytest.mark.parametrize(("text", "span", "value", "unit"), MULTIPLES_AND_DURATIONS)
def test_multiples_are_factors_and_durations_are_in_years(text, span, value, unit):
    assert_claim(text, span, value, unit)


@pytest.mark.parametrize(("text", "span", "value", "unit"), RANGES)
def test_the_first_number_of_a_range_takes_the_unit_and_scale_of_the_second(text, span, value, unit):
    assert_claim(text, span, value, unit)


NOT_CLAIMS = [
    "The memorandum was signed in 2018.",
    "O acordo foi assinado em 2019.",
    "The 6th Summit took place in Mexico.",
    "Mexico hosted the third ministerial meeting.",
    "第六届峰会在墨西哥举行。",
    "Trade grew strongly.[12] Investment followed.",
    "Trade grew strongly.12 Investment followed.",
    "See pp. 45-67 of the report.",
    "China-Latin America Economic Bulletin, vol. 12, no. 3, pp. 1-24.",
    "On 6 February 2025 Panama withdrew.",
    "La reunión se celebró el 12 de abril de 2023.",
    "The G20 met in Rio; 5G networks and COVID-19 were discussed.",
    "Line 3 of the metro opened in 2021.",
    "这一成果很重要。",
    "Hay mil razones.",
    "It is one of the largest ports in the region.",
    "The two sides agreed to deepen cooperation.",
]


@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_dates_ordinals_markers_references_and_identifiers_are_not_claims(text):
    assert claims_of(text) == []


def test_period_is_the_year_month_day_or_range_the_sentence_gives():
    def period(text: str, span: str) -> str | None:
        return next(c.period for c in extract(text).claims if c.text == span)

    assert period("Trade reached US$485.8 billion in 2022.", "US$485.8 billion") == "2022"
    assert period("Chinese banks lent $136 billion between 2005 and 2023.", "$136 billion") == "2005/2023"
    assert period("In June 2023, the swap grew to 130 billion yuan.", "130 billion yuan") == "2023-06"
    assert period("On 6 February 2025, Panama repaid US$ 2 billion.", "US$ 2 billion") == "2025-02-06"
    assert period("2022年中拉贸易额达4858亿美元。", "4858亿美元") == "2022"
    assert period("Trade grew 5% in the first half of 2021.", "5%") == "2021"
    assert period("The park produces 300 MW.", "300 MW") is None


def test_trade_between_two_years_gives_each_amount_its_own_year():
    claims = extract("Trade rose from US$12 billion in 2000 to US$485.8 billion in 2022.").claims
    assert [(c.text, c.period) for c in claims] == [("US$12 billion", "2000"), ("US$485.8 billion", "2022")]


def test_countries_come_from_names_demonyms_and_regions_in_four_languages():
    def countries(text: str) -> list[str]:
        return extract(text).claims[0].countries

    assert countries("Argentina's currency swap was expanded to 130 billion yuan.") == ["ARG"]
    assert countries("Chinese imports of Brazilian soybeans rose 15 per cent.") == ["CHN", "BRA"]
    assert countries("Trade between China and Latin America reached US$485.8 billion.") == ["CHN", "LAC"]
    assert countries("Las exportaciones de Chile a China sumaron US$ 38.000 millones.") == ["CHL", "CHN"]
    assert countries("As exportações do Brasil para a China chegaram a US$ 104,3 bilhões.") == ["BRA", "CHN"]
    assert countries("中国对巴西直接投资存量超过300亿美元。") == ["CHN", "BRA"]
    assert set(countries("截至2023年底，中国已与21个拉美国家签署合作文件。")) == {"CHN", "LAC"}
    # Sino-, Inter- and the pronoun "us" do not name countries.
    assert countries("The Inter-American bank lent us US$ 5 billion.") == []


def test_pesos_in_a_sentence_without_a_country_are_the_document_s():
    text = "Argentina pidió ampliar el swap con China.\n\nEl Tesoro deberá aportar 2,1 billones de pesos."
    assert [(c.text, c.unit) for c in extract(text).claims] == [("2,1 billones de pesos", "ARS")]
    assert_claim("El Tesoro deberá aportar 2,1 billones de pesos.", "2,1 billones de pesos", 2.1e12, "MXN")


def test_counts_whose_noun_is_elsewhere():
    assert_claim("Guyana is among the 22 of the 33 countries of the region that joined.", "22", 22, "count")
    assert_claim(
        "There are 46 Confucius Institutes in Latin America, thirteen of them in Mexico.", "thirteen", 13, "count"
    )
    assert_claim("Das novas habilitações, quinze são de frango.", "quinze", 15, "count")
    assert_claim("Argentina expects output to rise as eleven new plants start up.", "eleven", 11, "count")


def test_notes_after_a_notes_heading_are_not_claims():
    text = "Exports rose 6.5% in 2024.\n\nNotes\n\n1 Based on customs data.\n\n2 fDi Markets, 2024."
    assert claims_of(text) == [("6.5%", 6.5, "percent")]
    # A heading such as "Sources" under a chart does not silence the running text after it.
    text = "Exports rose 6.5% in 2024.\n\nSources\n\nImports fell 3% in 2023."
    assert claims_of(text) == [("6.5%", 6.5, "percent"), ("3%", 3.0, "percent")]


def test_a_list_of_countries_and_figures_gives_each_figure_its_country():
    claims = extract("In 2023, Brazil supplied 75% of that volume, Argentina 3% and Uruguay 2%.").claims
    assert [(c.text, c.countries, c.period) for c in claims] == [
        ("75%", ["BRA"], "2023"),
        ("3%", ["ARG"], "2023"),
        ("2%", ["URY"], "2023"),
    ]
    # Not a list: China absorbed one share and supplied another.
    claims = extract("China absorbed 30.7% of Brazilian exports and supplied 22.1% of Brazil's imports.").claims
    assert [sorted(c.countries) for c in claims] == [["BRA", "CHN"], ["BRA", "CHN"]]


def test_a_starting_year_does_not_date_a_figure_when_another_year_does():
    claims = extract("Shougang, present in Marcona since 1992, produced 16.9 million tonnes of iron in 2023.").claims
    assert [(c.text, c.period) for c in claims] == [("16.9 million tonnes", "2023")]
    claims = extract("2023/24产季，智利向中国出口车厘子41.5万吨。").claims
    assert [(c.text, c.period) for c in claims] == [("41.5万吨", "2023/2024")]


def test_pesos_and_yen_are_resolved_by_the_country_named():
    assert_claim("La deuda llegó a 2 billones de pesos en México.", "2 billones de pesos", 2e12, "MXN")
    assert_claim("Argentina emitió 500 millones de pesos.", "500 millones de pesos", 500e6, "ARS")
    assert_claim("Japan lent ¥50 billion.", "¥50 billion", 50e9, "JPY")
    assert_claim("China lent ¥50 billion to Peru.", "¥50 billion", 50e9, "CNY")


def test_decimal_comma_and_decimal_point_are_told_apart_by_the_text():
    # "4.858" is four thousand in a decimal-comma text and four point something in English.
    assert_claim(
        "Las exportaciones sumaron 4.858 millones de dólares; el 3,5% del total.",
        "4.858 millones de dólares",
        4.858e9,
        "USD",
    )
    assert_claim("Exports were US$ 4.858 billion, 3.5% of the total.", "US$ 4.858 billion", 4.858e9, "USD")
    assert_claim("Exports were US$ 1,500 million.", "US$ 1,500 million", 1.5e9, "USD")
    assert_claim("Las exportaciones fueron de US$ 1.500 millones.", "US$ 1.500 millones", 1.5e9, "USD")


def test_a_paragraph_language_decides_the_rules_applied():
    paras = extract(
        "Trade grew 5% in 2022.\n\nEl comercio creció 5% en 2022.\n\n2022年贸易增长5%。\n\n"
        "O comércio cresceu 5% em 2022."
    ).claims
    assert [c.lang for c in paras] == ["en", "es", "zh", "pt"]
