"""The one formatter of numbers and dates that every page uses, through Jinja filters."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from jinja2 import Environment

from collab.web import filters


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "0"),
        (14, "14"),
        (14.0, "14"),  # a whole number of leads reads as one, whatever its type
        (5000, "5,000"),
        (1234.56, "1,235"),
        (123.4, "123"),
        (12.34, "12.3"),
        (1.234, "1.23"),
        (0.0341, "0.034"),
        (-12.34, "-12.3"),
        (None, "—"),
        (float("nan"), "—"),
        (float("inf"), "—"),
        (True, "—"),  # a flag is not a figure
    ],
)
def test_number_follows_the_size_of_the_figure(value, shown):
    assert filters.number(value) == shown


def test_number_gives_significant_digits_when_asked():
    assert filters.number(0.03123, significant=2) == "0.031"
    assert filters.number(0.0000123, significant=2) == "0.000012"  # never an exponent
    assert filters.number(None, significant=2) == "—"


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [(100, 0, "100%"), (66.666, 0, "67%"), (0.0, 1, "0.0%"), (66.7, 1, "66.7%"), (None, 0, "—")],
)
def test_percent(value, places, shown):
    assert filters.percent(value, places) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (12.04, "+12%"),
        (-0.52, "\u22120.5%"),
        (-3.6, "\u22124%"),
        (0.0, "0%"),
        (0.04, "0%"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_signed_percent_always_shows_the_direction(value, shown):
    assert filters.signed_percent(value) == shown


def test_a_metric_value_is_written_for_its_unit():
    assert filters.metric(1.42, "search_ctr") == "1.42%"
    assert filters.metric(1250.5, "cost_per_lead") == "1,250"
    assert filters.metric(42.0, "leads") == "42"
    assert filters.metric(3.5, "a_metric_of_our_own") == "3.50"
    assert filters.metric(None, "search_ctr") == "—"


@pytest.mark.parametrize(
    ("style", "shown"),
    [
        ("iso", "2026-03-01"),
        ("month", "March 2026"),
        ("month_name", "March"),
        ("iso_month", "2026-03"),
        ("weekday", "Sun 01"),
    ],
)
def test_date_styles(style, shown):
    assert filters.date(date(2026, 3, 1), style) == shown


def test_a_moment_is_shown_as_the_day_it_was_where_it_is_read():
    late = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    assert filters.date(late) == "2026-03-01"
    assert filters.date(late, zone=ZoneInfo("Asia/Tokyo")) == "2026-03-02"
    assert filters.date(None) == "—"


def test_datetime_names_its_time_zone():
    moment = datetime(2026, 3, 1, 14, 5, 59, tzinfo=UTC)
    assert filters.datetime(moment) == "2026-03-01 14:05 UTC"
    assert filters.datetime(moment.replace(tzinfo=None)) == "2026-03-01 14:05 UTC"
    assert filters.datetime(moment, ZoneInfo("Europe/Moscow")) == "2026-03-01 17:05 MSK"
    assert filters.datetime(None) == "—"


def test_templates_reach_them_as_filters():
    env = Environment(autoescape=True)
    env.filters.update(filters.FILTERS)
    page = env.from_string(
        "{{ n|number }} · {{ c|signed_percent }} · {{ d|date('month') }}"
        " · {{ v|metric('bounce_rate') }} · {{ 'lcp_ms'|metric_label }}"
    )
    shown = page.render(n=5000, c=-0.52, d=date(2026, 3, 1), v=41.25)
    assert shown == "5,000 · \u22120.5% · March 2026 · 41.2% · page load time (LCP, ms)"
