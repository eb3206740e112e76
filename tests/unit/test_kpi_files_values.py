"""collab.kpis.files.values: numbers and days as the tools write them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collab.kpis.files.values import (
    NotANumber,
    decimal_mark,
    looks_like_total,
    parse_day,
    parse_duration_seconds,
    parse_number,
    slashes_are_day_first,
)


@pytest.mark.parametrize(
    ("cell", "mark", "value", "percent"),
    [
        ("42", None, 42.0, False),
        ("11.3", None, 11.3, False),
        ("1.42%", None, 1.42, True),  # Search Console's CTR
        ("1,42%", ",", 1.42, True),  # the same in a Russian interface
        ("12,5 %", None, 12.5, True),
        ("1,234", None, 1234.0, False),  # Google Ads groups thousands with commas
        ("1,234", ".", 1234.0, False),
        ("1,234", ",", 1.234, False),  # ...unless the table writes decimal commas
        ("1.234", ",", 1234.0, False),  # a German-style thousands point
        ("1,234,567.89", None, 1234567.89, False),
        ("1.234.567,89", None, 1234567.89, False),
        ("1 234", None, 1234.0, False),
        ("1\u00a0234,56", None, 1234.56, False),  # Excel on a Russian Windows: no-break spaces
        ("1\u202f234", None, 1234.0, False),
        ("(1,234)", None, -1234.0, False),  # accountants' negatives
        ("-5", None, -5.0, False),
        ("\u22125", None, -5.0, False),
        ("0,123", None, 0.123, False),  # a thousands group never starts with 0
        ("$1,234.56", None, 1234.56, False),
        ("1 234,56 ₽", None, 1234.56, False),
        ("0.654321", None, 0.654321, False),  # GA4's fractions
        ("1e-05", None, 1e-05, False),  # how a spreadsheet's float can come out
        ("12,000", None, 12000.0, False),
    ],
)
def test_numbers_as_the_tools_write_them(cell, mark, value, percent):
    assert parse_number(cell, mark) == (pytest.approx(value), percent)


@pytest.mark.parametrize("cell", ["", "  ", "--", "-", "—", "n/a", "N/A", "нет данных"])
def test_a_cell_without_a_value_is_missing_never_zero(cell):
    assert parse_number(cell) is None


@pytest.mark.parametrize("cell", ["abc", "1,2,3", "12,34,567", "1.2.3,4,5", "1%2", "(not set)"])
def test_text_is_not_a_number(cell):
    with pytest.raises(NotANumber):
        parse_number(cell)


@pytest.mark.parametrize(
    ("cells", "mark"),
    [
        (["1,5", "2", "3"], ","),
        (["0,42"], ","),
        (["1 234,56"], ","),
        (["1.42%", "3"], "."),
        (["1,234.5"], "."),
        (["1.234,5"], ","),
        (["1,234", "12"], None),  # nothing in the table settles it
        (["12", "13"], None),
    ],
)
def test_a_tables_decimal_mark_is_read_off_its_own_cells(cells, mark):
    assert decimal_mark(cells) == mark


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=0, max_value=99),
    st.sampled_from(["en", "ru", "de", "plain"]),
)
def test_any_amount_written_in_any_locale_reads_back(whole, cents, style):
    value = whole + (cents / 100 if whole >= 0 else -cents / 100)
    text = f"{abs(whole):,}.{cents:02d}"
    if style == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    elif style == "de":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    elif style == "plain":
        text = f"{abs(whole)}.{cents:02d}"
    if value < 0:
        text = "-" + text
    mark = "." if style in ("en", "plain") else ","
    assert parse_number(text, mark) == (pytest.approx(value), False)


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2025-12-27", "2025-12-27"),  # Search Console, Google Ads, Metrica's CSV
        ("20251227", "2025-12-27"),  # GA4
        ("12/27/2025 12:00:00 AM", "2025-12-27"),  # Bing
        ("12/27/2025 11:59:59 PM", "2025-12-27"),  # never moved to another day
        ("1/5/2026", "2026-01-05"),
        ("27.12.2025", "2025-12-27"),  # Russian tools
        ("27.12.2025 0:00:00", "2025-12-27"),
        ("2025-12-27T23:30:00-08:00", "2025-12-27"),  # the date part, never shifted to UTC
        ("2025-12-27 00:00:00", "2025-12-27"),
        ("2025/12/27", "2025-12-27"),
        ("Dec 27, 2025", "2025-12-27"),
        ("Sat, Dec 27, 2025", "2025-12-27"),
        ("December 27, 2025", "2025-12-27"),
        ("27 дек. 2025 г.", "2025-12-27"),
        ("27 декабря 2025", "2025-12-27"),
    ],
)
def test_days_as_the_tools_write_them(cell, day):
    assert parse_day(cell) == dt.date.fromisoformat(day)


@pytest.mark.parametrize(
    "cell", ["", "Total: Account", "0000", "2025-13-01", "31.02.2025", "13/13/2025", "00001231"]
)
def test_what_names_no_day(cell):
    assert parse_day(cell) is None


def test_slash_dates_are_month_first_unless_a_day_past_the_twelfth_says_otherwise():
    assert not slashes_are_day_first(["12/01/2025", "11/30/2025"])
    assert slashes_are_day_first(["01/12/2025", "27/12/2025"])
    assert parse_day("01/12/2025") == dt.date(2025, 1, 12)
    assert parse_day("01/12/2025", day_first=True) == dt.date(2025, 12, 1)


@given(
    st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2199, 12, 31)),
    st.times(),
    st.sampled_from(["iso", "compact", "bing", "dotted", "named", "iso_time"]),
)
def test_any_day_in_any_tools_format_is_the_day_written(day, time, style):
    hour = time.hour % 12 or 12
    text = {
        "iso": day.isoformat(),
        "compact": day.strftime("%Y%m%d"),
        "bing": f"{day.month}/{day.day}/{day.year} {hour}:{time:%M:%S} "
        + ("AM" if time.hour < 12 else "PM"),
        "dotted": day.strftime("%d.%m.%Y"),
        "named": f"{day:%b} {day.day}, {day.year}",
        "iso_time": f"{day.isoformat()}T{time:%H:%M:%S}+14:00",
    }[style]
    assert parse_day(text) == day


@pytest.mark.parametrize(
    ("cell", "total"),
    [
        ("Total: Account", True),
        ("Total: Search", True),
        ("Итого и средние", True),
        ("Grand total", True),
        ("Итого", True),
        ("Totally Brand", False),
        ("Brand | Search", False),
        ("2025-12-27", False),
    ],
)
def test_totals_rows_are_told_by_their_label(cell, total):
    assert looks_like_total(cell) is total


@pytest.mark.parametrize(
    ("cell", "seconds"), [("00:01:43", 103.0), ("1:02:03", 3723.0), ("01:43", 103.0), ("1.5", None)]
)
def test_time_on_site_as_metrica_writes_it(cell, seconds):
    assert parse_duration_seconds(cell) == seconds
