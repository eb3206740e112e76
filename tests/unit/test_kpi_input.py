"""collab.kpi_input: KPI observations from the JSON API and CSV uploads, all or nothing.

Every refusal names the exact row (``observations[3].value``, ``line 4, value``) and a reason,
and every offending row of a batch is named at once.
"""

from __future__ import annotations

import datetime as dt
import math
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collab.kpis.input import (
    DEFAULT_METRICS,
    MetricDef,
    Observation,
    RowErrors,
    parse_csv,
    validate_observations,
)

TODAY = dt.date(2026, 3, 10)
TOMORROW = "2026-03-11"
DAY_AFTER_TOMORROW = "2026-03-12"
KNOWN = (
    "leads, spend, staff_cost, revenue, organic_sessions, search_ctr, conversion_rate, lcp_ms, "
    "not_found_count, bounce_rate, search_clicks, search_impressions, search_position, sessions, "
    "active_users, ad_clicks, ad_impressions"
)
UNKNOWN_FOO = f"unknown metric 'foo' (known: {KNOWN})"


def refused(call, *args, **kwargs) -> dict[str, str]:
    with pytest.raises(RowErrors) as caught:
        call(*args, **kwargs)
    return caught.value.fields


def obs(metric, day, value, channel=""):
    return Observation(metric, dt.date.fromisoformat(day), float(value), channel)


# --- the metric catalogue ------------------------------------------------------------------


def test_default_metrics_are_the_public_names_with_their_good_direction():
    assert list(DEFAULT_METRICS) == [
        "leads",
        "spend",
        "staff_cost",
        "revenue",
        "organic_sessions",
        "search_ctr",
        "conversion_rate",
        "lcp_ms",
        "not_found_count",
        "bounce_rate",
        "cost_per_lead",
        "romi",
        "search_clicks",
        "search_impressions",
        "search_position",
        "sessions",
        "active_users",
        "ad_clicks",
        "ad_impressions",
    ]
    assert all(name == m.name for name, m in DEFAULT_METRICS.items())
    lower = {name for name, m in DEFAULT_METRICS.items() if m.lower_is_better}
    assert lower == {
        "cost_per_lead",
        "lcp_ms",
        "not_found_count",
        "bounce_rate",
        "spend",
        "staff_cost",
        "search_position",
    }
    assert {n for n, m in DEFAULT_METRICS.items() if m.derived} == {"cost_per_lead", "romi"}
    assert {n for n, m in DEFAULT_METRICS.items() if not m.non_negative} == {"romi"}
    percent = {n for n, m in DEFAULT_METRICS.items() if m.unit == "percent"}
    assert percent == {"search_ctr", "conversion_rate", "bounce_rate"}
    assert {m.unit for m in DEFAULT_METRICS.values()} <= {
        "count",
        "money",
        "percent",
        "ms",
        "ratio",
    }


# --- JSON ----------------------------------------------------------------------------------


def good(i: int) -> dict:
    """Three distinct valid observations to stand before the bad one, so indexes are tested."""
    return {"metric": "leads", "date": f"2026-03-0{i + 1}", "value": 3}


def test_json_valid_batch_is_normalised():
    items = [
        {"metric": "leads", "date": "2026-03-01", "value": 12},
        {"metric": "spend", "date": "2026-03-01", "value": 1234.5, "channel": "  Paid_Search "},
        {"metric": "spend", "date": "2026-03-01", "value": 0, "channel": None},
        {"metric": "search_ctr", "date": TOMORROW, "value": 2.5, "channel": "organic"},
        {"metric": "lcp_ms", "date": "2026-03-02", "value": 2400, "channel": ""},
    ]
    assert validate_observations(items, TODAY) == [
        obs("leads", "2026-03-01", 12),
        obs("spend", "2026-03-01", 1234.5, "paid_search"),
        obs("spend", "2026-03-01", 0),
        obs("search_ctr", TOMORROW, 2.5, "organic"),
        obs("lcp_ms", "2026-03-02", 2400),
    ]
    assert all(type(o.value) is float for o in validate_observations(items, TODAY))


JSON_REFUSALS = [
    # (the bad item, field key after "observations[3]", reason)
    ({"metric": "leads", "date": "2026-03-05", "value": "abc"}, ".value", "not a number"),
    ({"metric": "leads", "date": "2026-03-05", "value": [1]}, ".value", "not a number"),
    ({"metric": "leads", "date": "2026-03-05", "value": {}}, ".value", "not a number"),
    (
        {"metric": "leads", "date": "2026-03-05", "value": "12"},
        ".value",
        "not a number: a string; send the number without quotes",
    ),
    (
        {"metric": "leads", "date": "2026-03-05", "value": "1e3"},
        ".value",
        "not a number: a string; send the number without quotes",
    ),
    ({"metric": "leads", "date": "2026-03-05", "value": "nan"}, ".value", "not a number"),
    ({"metric": "leads", "date": "2026-03-05", "value": True}, ".value", "not a number"),
    ({"metric": "leads", "date": "2026-03-05", "value": False}, ".value", "not a number"),
    ({"metric": "leads", "date": "2026-03-05", "value": None}, ".value", "required"),
    ({"metric": "leads", "date": "2026-03-05"}, ".value", "required"),
    ({"metric": "leads", "date": "2026-03-05", "value": math.nan}, ".value", "not a finite number"),
    ({"metric": "leads", "date": "2026-03-05", "value": math.inf}, ".value", "not a finite number"),
    ({"metric": "leads", "date": "2026-03-05", "value": 10**400}, ".value", "not a finite number"),
    ({"metric": "spend", "date": "2026-03-05", "value": -1}, ".value", "negative spend"),
    ({"metric": "leads", "date": "2026-03-05", "value": -0.5}, ".value", "negative leads"),
    (
        {"metric": "leads", "date": "2026-02-30", "value": 1},
        ".date",
        "2026-02-30 is not a real date",
    ),
    (
        {"metric": "leads", "date": "2026-13-01", "value": 1},
        ".date",
        "2026-13-01 is not a real date",
    ),
    ({"metric": "leads", "date": "2026-3-5", "value": 1}, ".date", "expected a date as YYYY-MM-DD"),
    (
        {"metric": "leads", "date": "05.03.2026", "value": 1},
        ".date",
        "expected a date as YYYY-MM-DD",
    ),
    ({"metric": "leads", "date": "20260305", "value": 1}, ".date", "expected a date as YYYY-MM-DD"),
    (
        {"metric": "leads", "date": "2026-03-05T00:00:00", "value": 1},
        ".date",
        "expected a date as YYYY-MM-DD",
    ),
    ({"metric": "leads", "date": 20260305, "value": 1}, ".date", "expected a date as YYYY-MM-DD"),
    ({"metric": "leads", "value": 1}, ".date", "required"),
    (
        {"metric": "leads", "date": DAY_AFTER_TOMORROW, "value": 1},
        ".date",
        f"{DAY_AFTER_TOMORROW} is more than a day in the future",
    ),
    ({"metric": "foo", "date": "2026-03-05", "value": 1}, ".metric", UNKNOWN_FOO),
    (
        {"metric": "cost_per_lead", "date": "2026-03-05", "value": 1},
        ".metric",
        "cost_per_lead is computed from other metrics, never imported",
    ),
    (
        {"metric": "romi", "date": "2026-03-05", "value": 1},
        ".metric",
        "romi is computed from other metrics, never imported",
    ),
    ({"date": "2026-03-05", "value": 1}, ".metric", "required"),
    ({"metric": " ", "date": "2026-03-05", "value": 1}, ".metric", "required"),
    ({"metric": 7, "date": "2026-03-05", "value": 1}, ".metric", "expected a metric name"),
    (
        {"metric": "leads", "date": "2026-03-05", "value": 1, "channel": 5},
        ".channel",
        "expected a string",
    ),
    (
        {"metric": "leads", "date": "2026-03-05", "value": 1, "channel": "x" * 65},
        ".channel",
        "longer than 64 characters",
    ),
    (
        {"metric": "leads", "date": "2026-03-05", "value": 1, "chanel": "email"},
        ".chanel",
        "unknown field (expected metric, date, value, channel)",
    ),
    (["leads", "2026-03-05", 1], "", "expected an object with metric, date, value and channel"),
    (None, "", "expected an object with metric, date, value and channel"),
]


@pytest.mark.parametrize(("item", "field", "reason"), JSON_REFUSALS)
def test_json_refusal_names_the_row_field_and_reason(item, field, reason):
    items = [good(0), good(1), good(2), item]
    assert refused(validate_observations, items, TODAY) == {f"observations[3]{field}": reason}


def test_json_tomorrow_is_accepted_because_the_sender_may_be_a_zone_ahead():
    items = [{"metric": "leads", "date": TOMORROW, "value": 1}]
    assert validate_observations(items, TODAY) == [obs("leads", TOMORROW, 1)]


def test_json_channel_of_exactly_64_characters_is_accepted():
    items = [{"metric": "leads", "date": "2026-03-05", "value": 1, "channel": " " + "A" * 64}]
    assert validate_observations(items, TODAY)[0].channel == "a" * 64


def test_json_metric_names_are_read_case_insensitively():
    items = [{"metric": " Leads ", "date": "2026-03-05", "value": 1}]
    assert validate_observations(items, TODAY) == [obs("leads", "2026-03-05", 1)]


def test_json_duplicate_names_the_first_occurrence():
    items = [
        {"metric": "spend", "date": "2026-03-05", "value": 1, "channel": "paid"},
        {"metric": "leads", "date": "2026-03-05", "value": 2},
        {"metric": "spend", "date": "2026-03-05", "value": 3, "channel": "email"},
        {"metric": "spend", "date": "2026-03-05", "value": 4, "channel": " PAID "},
        {"metric": "leads", "date": "2026-03-05", "value": 5, "channel": None},
        {"metric": "leads", "date": "2026-03-05", "value": 6, "channel": ""},
    ]
    assert refused(validate_observations, items, TODAY) == {
        "observations[3]": "duplicate of observations[0]",
        "observations[4]": "duplicate of observations[1]",
        "observations[5]": "duplicate of observations[1]",
    }


def test_json_every_offending_row_is_reported_at_once():
    items = [
        {"metric": "leads", "date": "2026-03-01", "value": 1},
        {"metric": "leads", "date": "2026-02-30", "value": "x"},
        {"metric": "leads", "date": "2026-03-02", "value": 1},
        {"metric": "spend", "date": "2026-03-02", "value": -5},
        {"metric": "foo", "date": DAY_AFTER_TOMORROW, "value": 1},
        {"metric": "leads", "date": "2026-03-01", "value": 9},
    ]
    assert refused(validate_observations, items, TODAY) == {
        "observations[1].date": "2026-02-30 is not a real date",
        "observations[1].value": "not a number",
        "observations[3].value": "negative spend",
        "observations[4].metric": UNKNOWN_FOO,
        "observations[4].date": f"{DAY_AFTER_TOMORROW} is more than a day in the future",
        "observations[5]": "duplicate of observations[0]",
    }


@pytest.mark.parametrize(
    ("items", "reason"),
    [
        (None, "required"),
        ({"metric": "leads"}, "expected a list of observations"),
        ("leads", "expected a list of observations"),
        ([], "no observations"),
        ([good(0), good(1), good(2), good(3)], "too many rows: 4 (at most 3)"),
    ],
)
def test_json_batch_level_refusals(items, reason):
    assert refused(validate_observations, items, TODAY, max_rows=3) == {"observations": reason}


def test_json_exactly_max_rows_is_accepted():
    assert len(validate_observations([good(0), good(1), good(2)], TODAY, max_rows=3)) == 3


def test_json_organisation_metrics_and_signed_metrics():
    metrics = {
        **DEFAULT_METRICS,
        "nps": MetricDef("nps", "count", lower_is_better=False, non_negative=False),
    }
    items = [
        {"metric": "nps", "date": "2026-03-05", "value": -12},
        {"metric": "spend", "date": "2026-03-05", "value": -1},
    ]
    assert refused(validate_observations, items, TODAY, metrics=metrics) == {
        "observations[1].value": "negative spend"
    }
    assert validate_observations(items[:1], TODAY, metrics=metrics) == [
        obs("nps", "2026-03-05", -12)
    ]
    only_leads = {"leads": DEFAULT_METRICS["leads"]}
    assert refused(validate_observations, items[1:], TODAY, metrics=only_leads) == {
        "observations[0].metric": "unknown metric 'spend' (known: leads)"
    }


def test_today_must_be_a_plain_date_so_no_zone_sneaks_in():
    with pytest.raises(TypeError):
        validate_observations([good(0)], dt.datetime(2026, 3, 10, 23, 0))
    with pytest.raises(TypeError):
        parse_csv("date,leads\n2026-03-01,1\n", "2026-03-10")


def test_row_errors_is_a_value_error_that_survives_pickling():
    error = RowErrors({"line 4, value": "not a number"})
    assert isinstance(error, ValueError)
    assert error.message == str(error) == "1 problem in the KPI data; nothing was imported"
    assert (
        str(RowErrors({"a": "x", "b": "y"})) == "2 problems in the KPI data; nothing was imported"
    )
    assert str(RowErrors({"a": "x"}, "custom")) == "custom"
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes, just made)
    assert (copy.fields, copy.message) == (error.fields, error.message)


# --- CSV: the two shapes -------------------------------------------------------------------


def test_csv_long_form():
    text = (
        "date,metric,value,channel\n"
        "2026-03-01,leads,12,organic\n"
        "2026-03-01,spend,1234.5,Paid Search\n"
        "2026-03-01,revenue,-0,\n"
        f"{TOMORROW},lcp_ms,2400,\n"
    )
    assert parse_csv(text, TODAY) == [
        obs("leads", "2026-03-01", 12, "organic"),
        obs("spend", "2026-03-01", 1234.5, "paid search"),
        obs("revenue", "2026-03-01", 0),
        obs("lcp_ms", TOMORROW, 2400),
    ]


def test_csv_long_form_without_channel_in_any_column_order_and_case():
    text = " Value ,METRIC, Date\n5,Leads,2026-03-01\n"
    assert parse_csv(text, TODAY) == [obs("leads", "2026-03-01", 5)]


def test_csv_wide_form_skips_empty_cells():
    text = (
        "date,leads,spend,bounce_rate,channel\n"
        "2026-03-01,12,100.5,40,email\n"
        "2026-03-02,,  ,41.5,email\n"
        "2026-03-02,3,,,\n"
        "2026-03-03,,,,\n"  # a date with nothing measured: nothing to import, nothing wrong
    )
    assert parse_csv(text, TODAY) == [
        obs("leads", "2026-03-01", 12, "email"),
        obs("spend", "2026-03-01", 100.5, "email"),
        obs("bounce_rate", "2026-03-01", 40, "email"),
        obs("bounce_rate", "2026-03-02", 41.5, "email"),
        obs("leads", "2026-03-02", 3),
    ]


def test_csv_wide_form_without_channel():
    assert parse_csv("Date,Organic_Sessions\n2026-03-01,1500\n", TODAY) == [
        obs("organic_sessions", "2026-03-01", 1500)
    ]


def test_csv_russian_excel_export():
    # Excel in a Russian locale: BOM, semicolons, decimal commas, spaces between thousands
    # (plain and no-break), dotted dates, CRLF line ends.
    text = (
        "\ufeffDate;leads;spend;search_ctr;conversion_rate\r\n"
        + "01.03.2026;12;1 234,5;2,5%;3,25 %\r\n"
        + "02.03.2026;7;1\u00a0000\u00a0000;12%;34,5\r\n"
    )
    assert parse_csv(text, TODAY) == [
        obs("leads", "2026-03-01", 12),
        obs("spend", "2026-03-01", 1234.5),
        obs("search_ctr", "2026-03-01", 2.5),
        obs("conversion_rate", "2026-03-01", 3.25),
        obs("leads", "2026-03-02", 7),
        obs("spend", "2026-03-02", 1_000_000),
        obs("search_ctr", "2026-03-02", 12),
        obs("conversion_rate", "2026-03-02", 34.5),
    ]


def test_csv_long_form_with_semicolons():
    text = "date;metric;value;channel\n2026-03-01;spend;1234,5;e-mail, newsletter\n"
    assert parse_csv(text, TODAY) == [obs("spend", "2026-03-01", 1234.5, "e-mail, newsletter")]


def test_csv_bom_and_quoted_header():
    assert parse_csv('\ufeff"Date","Leads"\n"2026-03-01","4"\n', TODAY) == [
        obs("leads", "2026-03-01", 4)
    ]


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("1234.5", 1234.5),
        ("-0", 0.0),
        ("+7", 7.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e3", 1000.0),
        ("1,5e3", 1500.0),
        ("1 234,5", 1234.5),
        ("1\u202f234\u2009567", 1234567.0),
        ("1234,5", 1234.5),
        ("1,234", 1.234),  # with ';' the comma is the decimal mark, whatever follows it
        (" 12 ", 12.0),
    ],
)
def test_csv_numbers_with_semicolons(cell, value):
    assert parse_csv(f"date;metric;value\n2026-03-01;revenue;{cell}\n", TODAY)[0].value == value


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("abc", "not a number"),
        ("12abc", "not a number"),
        ("1.234,5", "not a number: use one decimal mark and spaces between thousands"),
        ("1,234.5", "not a number: use one decimal mark and spaces between thousands"),
        ("1 23", "not a number"),
        ("1234 567", "not a number"),
        ("1,2,3", "not a number"),
        ("nan", "not a number"),
        ("inf", "not a number"),
        ("1_000", "not a number"),
        ("٣", "not a number"),  # an Arabic-Indic digit, which float() alone would accept
        ("-", "not a number"),
        ("%", "not a number"),
        ("1e999", "not a finite number"),
        ("\u22125", "negative revenue"),  # the typographic minus is still a minus
        ("-0,5", "negative revenue"),
        ("12%", "a percent sign fits only percent metrics; revenue is money"),
    ],
)
def test_csv_bad_numbers(cell, reason):
    text = f"date;metric;value\n2026-03-01;revenue;{cell}\n"
    assert refused(parse_csv, text, TODAY) == {"line 2, value": reason}


def test_csv_comma_file_quoted_decimal_comma_and_ambiguous_thousands():
    text = 'date,metric,value\n2026-03-01,spend,"1,5"\n2026-03-02,spend,"1 234,56"\n'
    assert [o.value for o in parse_csv(text, TODAY)] == [1.5, 1234.56]
    ambiguous = 'date,metric,value\n2026-03-01,spend,"1,234"\n'
    assert refused(parse_csv, ambiguous, TODAY) == {
        "line 2, value": "not a number: is the comma a decimal mark or a thousands separator?"
    }


# --- CSV: refusals -------------------------------------------------------------------------

CSV_LONG_REFUSALS = [
    # (the bad data line, key after "line 4", reason)
    ("2026-03-05,leads,abc,", ", value", "not a number"),
    ("2026-03-05,leads,,", ", value", "required"),
    ("2026-03-05,spend,-1,", ", value", "negative spend"),
    ("2026-03-05,spend,-1,paid", ", value", "negative spend"),
    ("2026-02-30,leads,1,", ", date", "2026-02-30 is not a real date"),
    ("30.02.2026,leads,1,", ", date", "30.02.2026 is not a real date"),
    ("2026-02-29,leads,1,", ", date", "2026-02-29 is not a real date"),
    ("03/05/2026,leads,1,", ", date", "expected a date as YYYY-MM-DD or DD.MM.YYYY"),
    (",leads,1,", ", date", "required"),
    (
        f"{DAY_AFTER_TOMORROW},leads,1,",
        ", date",
        f"{DAY_AFTER_TOMORROW} is more than a day in the future",
    ),
    ("2026-03-05,foo,1,", ", metric", UNKNOWN_FOO),
    ("2026-03-05,,1,", ", metric", "required"),
    (
        "2026-03-05,cost_per_lead,1,",
        ", metric",
        "cost_per_lead is computed from other metrics, never imported",
    ),
    ("2026-03-05,ROMI,-1,", ", metric", "romi is computed from other metrics, never imported"),
    ("2026-03-05,leads,1," + "c" * 65, ", channel", "longer than 64 characters"),
    ("2026-03-05,leads,1", "", "expected 4 cells, found 3"),
    ("2026-03-05,leads,1,,", "", "expected 4 cells, found 5"),
    ("2026-03-01,leads,5,", "", "duplicate of line 2"),
    ("2026-03-01,LEADS,5, ", "", "duplicate of line 2"),
]


@pytest.mark.parametrize(("line", "field", "reason"), CSV_LONG_REFUSALS)
def test_csv_long_refusal_names_the_line_column_and_reason(line, field, reason):
    text = (
        "date,metric,value,channel\n"
        "2026-03-01,leads,3,\n"
        "2026-03-01,leads,3,email\n"  # another channel: not a duplicate
        f"{line}\n"
    )
    assert refused(parse_csv, text, TODAY) == {f"line 4{field}": reason}


def test_csv_errors_on_lines_3_and_7_are_named_together():
    text = (
        "date,metric,value\n"
        "2026-03-01,leads,1\n"
        "2026-03-02,leads,one\n"
        "2026-03-03,leads,1\n"
        "2026-03-04,leads,1\n"
        "2026-03-05,leads,1\n"
        "2026-02-30,spend,-4\n"
        "2026-03-06,leads,1\n"
    )
    assert refused(parse_csv, text, TODAY) == {
        "line 3, value": "not a number",
        "line 7, date": "2026-02-30 is not a real date",
        "line 7, value": "negative spend",
    }


def test_csv_wide_refusals_are_keyed_by_metric_column():
    text = (
        "date;leads;spend;search_ctr;channel\n"
        "2026-03-01;1;2;3;\n"
        "2026-03-01;;-5;4%;Paid\n"
        "2026-03-01;x;7;;\n"  # leads repeats line 2 and is also not a number
        "2026-02-30;1;-1;;\n"
        "2026-03-02;1;2;3;c\n"
        "2026-03-02;1;2\n"
    )
    assert refused(parse_csv, text, TODAY) == {
        "line 3, spend": "negative spend",
        "line 4, leads": "duplicate of line 2; also not a number",
        "line 4, spend": "duplicate of line 2",
        "line 5, date": "2026-02-30 is not a real date",
        "line 5, spend": "negative spend",
        "line 7": "expected 5 cells, found 3",
    }


def test_csv_blank_lines_are_skipped_but_line_numbers_stay_physical():
    text = "\ndate,leads\n\n2026-03-01,1\n,\n\n2026-03-02,x\n"
    assert refused(parse_csv, text, TODAY) == {"line 7, leads": "not a number"}


def test_csv_a_quoted_multi_line_cell_is_named_by_the_line_it_starts_on():
    text = 'date,metric,value,channel\n2026-03-01,leads,1,"two\nlines"\n2026-03-01,leads,x,\n'
    assert refused(parse_csv, text, TODAY) == {"line 4, value": "not a number"}


HEADER_REFUSALS = [
    (
        "date,metric,value,foo",
        "expected date,metric,value[,channel] or date,<metric>,... ; "
        f"unknown column 'foo' (known: {KNOWN})",
    ),
    (
        "date,leads,foo,bar",
        "expected date,metric,value[,channel] or date,<metric>,... ; "
        f"unknown columns 'foo', 'bar' (known: {KNOWN})",
    ),
    (
        "date,metric,leads",
        "expected date,metric,value[,channel] or date,<metric>,... ; "
        f"unknown column 'metric' (known: {KNOWN})",
    ),
    ("date,leads,romi", "romi computed from other metrics, never imported"),
    ("leads,spend", "no 'date' column"),
    ("date,leads,leads", "repeated column 'leads'"),
    ("date,leads,,spend", "column 3 has no name"),
    (
        "date,channel",
        "no metric columns: expected date,metric,value[,channel] or date,<metric>,...",
    ),
    ("date", "no metric columns: expected date,metric,value[,channel] or date,<metric>,..."),
]


@pytest.mark.parametrize(("header", "reason"), HEADER_REFUSALS)
def test_csv_header_refusals(header, reason):
    text = f"{header}\n2026-03-01,1,2,3\n"
    assert refused(parse_csv, text, TODAY) == {"header": reason}


@pytest.mark.parametrize("text", ["", "\ufeff", "\n\n", " ; \n"])
def test_csv_empty_file(text):
    assert refused(parse_csv, text, TODAY) == {
        "file": "empty file: expected a header line and data rows"
    }


def test_csv_a_cell_too_large_for_the_csv_reader_stops_with_its_line():
    text = "date,leads\n2026-03-01,1\n2026-03-02,x\n2026-03-03," + "1" * 200_000 + "\n"
    fields = refused(parse_csv, text, TODAY)
    assert fields.pop("line 3, leads") == "not a number"
    assert list(fields) == ["line 4"]
    assert fields["line 4"].startswith("not readable as CSV: field larger than field limit")


def test_csv_header_without_rows():
    assert refused(parse_csv, "date,leads\n\n", TODAY) == {"file": "no data rows after the header"}


def test_csv_max_rows_counts_data_rows_only():
    text = "date,leads\n2026-03-01,1\n\n2026-03-02,1\n"
    assert len(parse_csv(text, TODAY, max_rows=2)) == 2
    assert refused(parse_csv, text + "2026-03-03,1\n", TODAY, max_rows=2) == {
        "file": "too many rows: more than 2"
    }


def test_csv_organisation_metric_in_wide_header():
    metrics = {**DEFAULT_METRICS, "demo_requests": MetricDef("demo_requests", "count", False)}
    assert parse_csv("date,demo_requests\n2026-03-01,4\n", TODAY, metrics=metrics) == [
        obs("demo_requests", "2026-03-01", 4)
    ]


def test_csv_100000_rows_long_form():
    start = dt.date(2023, 1, 1)
    names = ("leads", "spend", "revenue", "lcp_ms")
    lines = ["date,metric,value,channel"]
    for i in range(100_000):
        day = start + dt.timedelta(days=i // 100)
        lines.append(f"{day.isoformat()},{names[i % 4]},{i * 1.5},ch{(i // 4) % 25}")
    observations = parse_csv("\n".join(lines), TODAY)
    assert len(observations) == 100_000
    assert sorted({o.metric for o in observations}) == ["lcp_ms", "leads", "revenue", "spend"]
    assert min(o.date for o in observations) == start
    assert max(o.date for o in observations) == start + dt.timedelta(days=999)
    assert {o.channel for o in observations} == {f"ch{n}" for n in range(25)}


# --- properties ----------------------------------------------------------------------------

STORED = sorted(name for name, m in DEFAULT_METRICS.items() if not m.derived)


def valid_values(metric: str):
    """Values the metric accepts: whole counts, percents up to 100, cents for money."""
    bounds = DEFAULT_METRICS[metric].bounds()
    top = min(bounds.maximum, 10**9)
    places = 0 if bounds.whole else 2
    return st.decimals(0, top, places=places, allow_nan=False, allow_infinity=False)


batches = st.lists(
    st.sampled_from(STORED).flatmap(
        lambda metric: st.tuples(
            st.just(metric),
            st.dates(dt.date(2000, 1, 1), TODAY + dt.timedelta(days=1)),
            st.sampled_from(["", "email", "paid search", "organic"]),
            valid_values(metric),
        )
    ),
    min_size=1,
    max_size=30,
    unique_by=lambda row: row[:3],
)


@settings(max_examples=150, deadline=None)
@given(batches)
def test_any_valid_batch_reads_the_same_from_json_and_both_csv_dialects(rows):
    expected = [Observation(m, d, float(v), c) for m, d, c, v in rows]
    as_json = [
        {"metric": m, "date": d.isoformat(), "value": float(v), "channel": c} for m, d, c, v in rows
    ]
    english = "date,metric,value,channel\n" + "".join(
        f"{d.isoformat()},{m},{v},{c}\n" for m, d, c, v in rows
    )
    russian = "\ufeffdate;metric;value;channel\r\n" + "".join(
        f"{d:%d.%m.%Y};{m};" + f"{v:,}".replace(",", "\u00a0").replace(".", ",") + f";{c}\r\n"
        for m, d, c, v in rows
    )
    assert validate_observations(as_json, TODAY) == expected
    assert parse_csv(english, TODAY) == expected
    assert parse_csv(russian, TODAY) == expected


@settings(max_examples=100, deadline=None)
@given(batches, st.data())
def test_a_repeated_row_is_always_named_as_a_duplicate_of_its_first(rows, data):
    first = data.draw(st.integers(0, len(rows) - 1))
    items = [{"metric": m, "date": d.isoformat(), "value": 1, "channel": c} for m, d, c, _ in rows]
    items.append(dict(items[first], value=2, channel=items[first]["channel"].upper()))
    assert refused(validate_observations, items, TODAY) == {
        f"observations[{len(rows)}]": f"duplicate of observations[{first}]"
    }


# --- ranges: finite, whole counts, percents 0-100, money in cents (issue 13, finding 10) ----


@pytest.mark.parametrize(
    ("metric", "value", "reason"),
    [
        ("leads", 2.5, "not a whole number: leads is a count"),
        ("bounce_rate", 150, "out of range for bounce_rate (percent): from 0 to 100"),
        ("search_ctr", 100.5, "out of range for search_ctr (percent): from 0 to 100"),
        ("spend", 1e308, "out of range for spend (money): from 0 to 1,000,000,000,000"),
        ("spend", 1e-300, "too small for money: 0, or at least 0.01"),
        ("lcp_ms", 90_000_000, "out of range for lcp_ms (ms): from 0 to 86,400,000"),
    ],
)
def test_values_outside_the_metrics_range_are_refused_in_json_and_csv(metric, value, reason):
    item = {"metric": metric, "date": "2026-03-05", "value": value}
    assert refused(validate_observations, [item], TODAY) == {"observations[0].value": reason}
    text = f"date,metric,value\n2026-03-05,{metric},{value!r}\n"
    assert refused(parse_csv, text, TODAY) == {"line 2, value": reason}


def test_the_edges_of_each_range_are_accepted():
    items = [
        {"metric": "bounce_rate", "date": "2026-03-05", "value": 100},
        {"metric": "search_ctr", "date": "2026-03-05", "value": 0},
        {"metric": "leads", "date": "2026-03-05", "value": 3.0},
        {"metric": "spend", "date": "2026-03-05", "value": 1e12},
        {"metric": "revenue", "date": "2026-03-05", "value": 0.01},
    ]
    assert [o.value for o in validate_observations(items, TODAY)] == [100, 0, 3, 1e12, 0.01]


def test_a_signed_metric_of_the_organisation_may_go_as_far_below_zero():
    nps = MetricDef("nps", "count", lower_is_better=False, non_negative=False)
    metrics = {**DEFAULT_METRICS, "nps": nps}
    low = {"metric": "nps", "date": "2026-03-05", "value": -1e12}
    assert validate_observations([low], TODAY, metrics=metrics)[0].value == -1e12
    lower = dict(low, value=-1e13)
    assert (
        "out of range"
        in refused(validate_observations, [lower], TODAY, metrics=metrics)["observations[0].value"]
    )


def test_a_channel_with_nul_is_refused_before_it_reaches_postgresql():
    item = {"metric": "leads", "date": "2026-03-05", "value": 1, "channel": "e\x00mail"}
    assert refused(validate_observations, [item], TODAY) == {
        "observations[0].channel": "contains a NUL character"
    }
