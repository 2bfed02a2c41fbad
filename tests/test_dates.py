"""Fuzzy dates keep the precision of their source and never invent a day."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lazos.dates import parse_as_of, parse_fuzzy
from lazos.errors import InvalidDateError


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2018", date(2018, 1, 1), date(2018, 12, 31), "year"),
        ("2018-11", date(2018, 11, 1), date(2018, 11, 30), "month"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
        ("2022-02-06", date(2022, 2, 6), date(2022, 2, 6), "day"),
        ("2020-04/2020-10", date(2020, 4, 1), date(2020, 10, 31), "range"),
        ("2015-01-08/2015-01-09", date(2015, 1, 8), date(2015, 1, 9), "range"),
        ("", None, None, "unknown"),
    ],
)
def test_fuzzy_date_keeps_precision_and_bounds(text, start, end, precision):
    fuzzy = parse_fuzzy(text)
    assert (fuzzy.start, fuzzy.end, fuzzy.precision, fuzzy.text) == (start, end, precision, text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2022-13-01", "month 13 is not between 1 and 12"),
        ("2023-02-29", "day 29 does not exist in 2023-02"),
        ("2022-00", "month 0"),
        ("22-01-01", "expected YYYY"),
        ("1 March 2020", "expected YYYY"),
        ("2020-10/2020-04", "ends before it starts"),
    ],
)
def test_malformed_dates_are_rejected_with_the_reason(text, message):
    with pytest.raises(InvalidDateError, match=message):
        parse_fuzzy(text)


def test_as_of_a_year_or_month_means_its_last_day():
    assert parse_as_of("2019") == date(2019, 12, 31)
    assert parse_as_of("2022-02") == date(2022, 2, 28)
    assert parse_as_of("2022-03-01") == date(2022, 3, 1)
    assert parse_as_of(None) is None
    with pytest.raises(InvalidDateError):
        parse_as_of("2020/2021")


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_every_real_day_round_trips_at_each_precision(day):
    for text, precision in (
        (day.isoformat(), "day"),
        (day.isoformat()[:7], "month"),
        (day.isoformat()[:4], "year"),
    ):
        fuzzy = parse_fuzzy(text)
        assert fuzzy.precision == precision
        assert fuzzy.start <= day <= fuzzy.end
