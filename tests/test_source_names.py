"""Every spelling met in the datasets resolves through one resolver, or is reported."""

from __future__ import annotations

import pytest

from lazos.sources.entities import EntityResolver


@pytest.fixture(scope="module")
def resolver(built_db):
    import lazos
    from lazos.store.importer import resolver_from

    with lazos.open(built_db) as handle:
        resolver = resolver_from(handle.con)
        resolver.countries  # noqa: B018 - build the index while the connection is open
    return resolver


@pytest.mark.parametrize(
    ("name", "iso3", "dataset"),
    [
        ("Venezuela, RB", "VEN", "World Bank"),
        ("Bahamas, The", "BHS", "World Bank"),
        ("St. Vincent and the Grenadines", "VCT", "World Bank"),
        ("St. Kitts and Nevis", "KNA", "World Bank"),
        ("St. Lucia", "LCA", "World Bank"),
        ("Argentine Republic", "ARG", "WDICountry long names"),
        ("Oriental Republic of Uruguay", "URY", "WDICountry long names"),
        ("Bolivia (Plurinational State of)", "BOL", "UN Comtrade"),
        ("Dominican Rep.", "DOM", "UN Comtrade"),
        ("Cayman Isds", "CYM", "UN Comtrade"),
        ("China (People's Republic of)", "CHN", "AidData"),
        ("Virgin Islands, British", "VGB", "ISO 3166"),
        ("República Dominicana", "DOM", "Spanish"),
        ("Perú", "PER", "Spanish"),
        ("Brasil", "BRA", "Portuguese"),
        ("São Cristóvão e Névis", "KNA", "Portuguese"),
        ("委内瑞拉", "VEN", "Chinese"),
        ("巴哈马", "BHS", "Chinese"),
        ("聖文森及格瑞那丁", "VCT", "traditional Chinese"),
        ("LCN", "LCN", "World Bank aggregate code"),
    ],
)
def test_variants_met_in_the_datasets_resolve(resolver, name, iso3, dataset):
    assert resolver.classify(name).iso3 == iso3, dataset


@pytest.mark.parametrize(
    "name", ["EAS", "XKX", "WBG", "Angola", "AGO", "Rep. of Korea", "Other Asia, nes", "China, Hong Kong SAR"]
)
def test_names_outside_scope_are_left_out_with_a_reason(resolver, name):
    found = resolver.classify(name)
    assert found.iso3 is None and found.excluded


@pytest.mark.parametrize("name", ["Narnia", "Atlantis", "NRN"])
def test_unknown_names_are_reported_not_dropped(resolver, name):
    assert resolver.classify(name).unknown


def test_a_resolver_without_names_still_knows_exclusions():
    assert EntityResolver([]).classify("EAS").excluded
