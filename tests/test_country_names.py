"""Country names and codes in English, Spanish, Portuguese and Chinese resolve to one ISO3."""

import pytest

from lazos.countries import CountryResolver, normalise
from lazos.errors import UnknownCountryError


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("阿根廷", "ARG"),
        ("peru", "PER"),
        ("Perú", "PER"),
        ("PE", "PER"),
        ("per", "PER"),
        ("秘鲁", "PER"),
        ("秘魯", "PER"),  # traditional characters
        ("República Dominicana", "DOM"),
        ("republica dominicana", "DOM"),
        ("多米尼加", "DOM"),
        ("多米尼加共和国", "DOM"),
        ("Dominica", "DMA"),
        ("多米尼克", "DMA"),
        ("Brasil", "BRA"),
        ("巴西", "BRA"),
        ("Venezuela, RB", "VEN"),
        ("Venezuela (Bolivarian Republic of)", "VEN"),
        ("Bahamas, The", "BHS"),
        ("The Bahamas", "BHS"),
        ("St. Vincent and the Grenadines", "VCT"),
        ("São Vicente e Granadinas", "VCT"),
        ("Saint Kitts & Nevis", "KNA"),
        ("San Cristóbal y Nieves", "KNA"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Trinidad & Tobago", "TTO"),
        ("Cayman Isds", "CYM"),
        ("Islas Caimán", "CYM"),
        ("México", "MEX"),
        ("墨西哥", "MEX"),
        ("Colômbia", "COL"),
        ("中国", "CHN"),
        ("拉美", "LAC"),
        ("América Latina", "LAC"),
    ],
)
def test_names_in_four_languages_resolve(db, name, iso3):
    assert db.resolve_country(name) == iso3


def test_unknown_name_is_reported_with_suggestions(db):
    with pytest.raises(UnknownCountryError, match=r"unknown country 'Argentinia' \(did you mean 'Argentina'"):
        db.resolve_country("Argentinia")
    with pytest.raises(UnknownCountryError, match="unknown country 'Atlantis'"):
        db.resolve_country("Atlantis")


def test_ambiguous_names_are_refused_not_guessed():
    resolver = CountryResolver([("Guinea", "GIN"), ("Guinea", "GNQ"), ("Peru", "PER")])
    with pytest.raises(UnknownCountryError, match="ambiguous"):
        resolver.resolve("guinea")
    assert resolver.resolve("PERU") == "PER"


def test_normalise_folds_accents_case_punctuation_and_articles():
    assert normalise("  República   Dominicana ") == "republica dominicana"
    assert normalise("The Bahamas") == "bahamas"
    assert normalise("Saint Kitts & Nevis") == "saint kitts and nevis"
    assert normalise("ＡＲＧ") == "arg"  # full-width characters
    assert normalise("阿根廷") == "阿根廷"
