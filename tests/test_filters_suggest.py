"""A filter value Lazos does not know is an error that suggests the known ones, never an empty list."""

from __future__ import annotations

import re

import pytest

from lazos.api import choose
from lazos.errors import LazosError


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda db: db.projects(sector="energi"), "unknown sector 'energi' (did you mean 'energy'?)"),
        (lambda db: db.projects(status="operatonal"), "unknown status 'operatonal' (did you mean 'operational'?)"),
        (lambda db: db.events(kind="bri_mou"), "unknown event kind 'bri_mou' (did you mean 'bri_mou_signed'?)"),
        (lambda db: db.events(category="agreemnt"), "unknown category 'agreemnt' (did you mean 'agreement'?)"),
        (
            lambda db: db.observations(indicator="gdp growth"),
            "unknown indicator 'gdp growth' (did you mean 'NY.GDP.MKTP.KD.ZG'?)",
        ),
        (lambda db: db.alerts(severity="sever"), "unknown severity 'sever' (did you mean 'severe'?)"),
        (
            lambda db: db.claims(status="consistant"),
            "unknown status 'consistant' (did you mean 'consistent' or 'inconsistent'?)",
        ),
    ],
)
def test_the_python_api_suggests_the_closest_known_value(db, call, message):
    with pytest.raises(LazosError) as raised:
        call(db)
    assert str(raised.value) == message


def test_an_indicator_fragment_suggests_the_codes_that_hold_it_first(db):
    with pytest.raises(LazosError) as raised:
        db.observations(indicator="GDP")
    assert str(raised.value).startswith(
        "unknown indicator 'GDP' (did you mean 'NGDPD', 'PPPGDP', 'NGDPDPC'"  # IMF WEO codes that hold it
    )


def test_a_value_with_no_close_one_lists_the_known_values_or_says_where_they_are(db):
    with pytest.raises(LazosError, match=r"unknown sector 'xyz' \(known: agriculture, digital, energy, .*, water\)"):
        db.projects(sector="xyz")
    with pytest.raises(LazosError, match="unknown indicator 'qqq': `lazos indicators` lists them"):
        db.observations(indicator=["NY.GDP.MKTP.CD", "qqq"])


def test_known_values_are_matched_whatever_their_case(db):
    assert db.projects(sector="Energy").frame.equals(db.projects(sector="energy").frame)
    assert len(db.projects(sector="ENERGY")) > 0
    assert db.observations(indicator="ny.gdp.mktp.cd").frame.equals(db.observations(indicator="NY.GDP.MKTP.CD").frame)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["projects", "--sector", "energi"], "unknown sector 'energi' (did you mean 'energy'?)"),
        (["projects", "--status", "operatonal"], "unknown status 'operatonal'"),
        (["projects", "--country", "Narnia"], "unknown country 'Narnia'"),
        (["observations", "-i", "GDP"], "unknown indicator 'GDP' (did you mean 'NGDPD'"),
        (["observations", "--entity", "Narnia"], "unknown country 'Narnia'"),
        (["observations", "--partner", "Narnia"], "unknown country 'Narnia'"),
        (["events", "--kind", "bri_mou"], "unknown event kind 'bri_mou' (did you mean 'bri_mou_signed'?)"),
        (["events", "--category", "agreemnt"], "unknown category 'agreemnt' (did you mean 'agreement'?)"),
        (["events", "--country", "Narnia"], "unknown country 'Narnia'"),
        (["alerts", "--severity", "sever"], "unknown severity 'sever' (did you mean 'severe'?)"),
        (["alerts", "--country", "Narnia"], "unknown country 'Narnia'"),
        (["claims", "--status", "consistant"], "unknown status 'consistant' (did you mean 'consistent'"),
        (["claims", "--doc", "nowhere.txt"], "unknown document 'nowhere.txt': `lazos documents` lists them"),
        (["index", "--dimension", "trde"], "unknown dimension 'trde' (did you mean 'trade'?)"),
        (["index", "--country", "Narnia"], "unknown country 'Narnia'"),
        (["risk", "Narnia"], "unknown country 'Narnia'"),
        (["opportunities", "--country", "Narnia"], "unknown country 'Narnia'"),
        (["country", "Narnia"], "unknown country 'Narnia'"),
        (["project", "zzzz"], "unknown project 'zzzz': `lazos projects` lists them"),
    ],
)
def test_every_filter_of_the_command_line_refuses_an_unknown_value(cli, args, message):
    result = cli(*args)
    assert result.code == 1, result.out
    assert one_line(result.err).startswith(f"lazos: error: {message}")
    assert "nothing to show" not in result.out.lower()


def test_choose_returns_the_known_spelling():
    assert choose("Trade", ["policy", "trade"], "dimension") == "trade"
    with pytest.raises(LazosError, match=r"unknown dimension 'x' \(known: policy, trade\)"):
        choose("x", ["trade", "policy"], "dimension")
