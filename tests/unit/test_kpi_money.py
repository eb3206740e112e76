"""Money in the organisation's currency, headline figures, and one day's total of a rate over
its channels (API.md, "Totals over channels")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collab.accounts.currencies import CURRENCIES, currency_of, is_currency
from collab.kpis.metrics import format_full, format_short
from collab.kpis.money import format_money
from collab.kpis.totals import combine_channels
from collab.web.filters import figure, metric, money


@pytest.mark.parametrize(
    ("value", "code", "places", "text"),
    [
        (1250.5, "USD", None, "$1,250.50"),
        (1250.5, "EUR", None, "€1,250.50"),
        (1250.5, "RUB", None, "1,250.50\u00a0₽"),
        (12, "CHF", None, "CHF 12.00"),
        (1250.6, "JPY", None, "¥1,251"),  # no minor units
        (-45.2, "USD", None, "\u2212$45.20"),
        (-0.001, "USD", None, "$0.00"),  # no minus on a figure that reads as zero
        (123456.78, "USD", 0, "$123,457"),
        (5, "XYZ", None, "5.00\u00a0XYZ"),  # a code collab does not list reads as itself
        (5, None, None, "$5.00"),  # no currency yet: the default
        (float("nan"), "USD", None, "—"),
    ],
)
def test_amounts_carry_their_currency(value, code, places, text):
    assert format_money(value, code, places) == text


def test_the_currencies_people_choose_from():
    assert {"USD", "EUR", "RUB", "GBP"} <= set(CURRENCIES)
    assert all(len(code) == 3 and code.isupper() for code in CURRENCIES)
    assert is_currency("RUB") and not is_currency("rub") and not is_currency(None)
    assert currency_of("rub").symbol == "₽"
    assert str(CURRENCIES["EUR"]) == "EUR (€, euro)"


@pytest.mark.parametrize(
    ("value", "unit", "currency", "text"),
    [
        (1234.4, "count", "USD", "1,234"),  # counts without decimals
        (14.0, "count", None, "14"),
        (-3.0, "count", None, "\u22123"),
        (12480.4, "money", "USD", "$12,480"),  # money with its currency
        (45.2, "money", "EUR", "€45.20"),
        (1250.0, "money", "RUB", "1,250\u00a0₽"),
        (2.456, "percent", "USD", "2.46%"),
        (1.3512, "ratio", "USD", "1.35"),  # ROMI
        (None, "money", "USD", "—"),
    ],
)
def test_headline_figures(value, unit, currency, text):
    assert figure(value, unit, currency) == text


def test_kpi_values_and_sentences_carry_the_currency_only_for_money():
    assert metric(1250.0, "spend", "USD") == "$1,250"
    assert metric(12.5, "cost_per_lead", "EUR") == "€12.50"
    assert metric(12.5, "leads", "EUR") == "12.5"
    assert metric(1250.0, "spend") == "1,250"  # without one, as before
    assert format_short(99.5, "money", "USD") == "$99.50"
    assert format_full(1250, "money", "USD") == "$1,250.00"
    assert format_full(1250, "money") == "1,250.00"
    assert money(3.5, "GBP") == "£3.50" and money(float("inf"), "GBP") == "—"


def test_a_rate_over_channels_is_weighted_by_what_carries_it():
    # Search CTR of Google (2% of 1,000 impressions) and Bing (10% of 100): 30 clicks of
    # 1,100 impressions, never 12% (the sum) nor 6% (the plain mean).
    ctr = combine_channels(
        {"google_organic": 2.0, "bing_organic": 10.0},
        {"google_organic": 1000.0, "bing_organic": 100.0},
    )
    assert ctr == pytest.approx(100 * 30 / 1100)
    # A channel without its weight: the plain mean; an all-channels figure wins.
    assert combine_channels({"a": 2.0, "b": 4.0}, {"a": 10.0}) == 3.0
    assert combine_channels({"a": 2.0, "b": 4.0}, {}) == 3.0
    assert combine_channels({"": 5.0, "a": 2.0}, {"a": 1.0}) == 5.0
    assert combine_channels({"a": 2.0, "b": 4.0}, {"a": 0.0, "b": 0.0}) == 3.0


@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c", "d"]),
        st.tuples(st.floats(0, 100), st.floats(0.5, 1e6)),
        min_size=1,
    )
)
def test_a_weighted_rate_lies_between_its_channels_rates(channels):
    values = {c: v for c, (v, _) in channels.items()}
    weights = {c: w for c, (_, w) in channels.items()}
    total = combine_channels(values, weights)
    assert min(values.values()) - 1e-9 <= total <= max(values.values()) + 1e-9
