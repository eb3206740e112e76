"""collab.kpis.files: each tool's export, in its exact layout, read as delivered."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

from collab.kpis.files import KpiFileError, read_kpi_file
from collab.kpis.input import Observation
from collab.kpis.metrics import DEFAULT_METRICS, MetricDef
from tests.support.kpi_exports import (
    METRICA_DAYS,
    fixture,
    metrica_workbook,
    search_console_zip,
    zip_of,
)

SEARCH = {"search_clicks", "search_ctr", "search_impressions", "search_position"}


def values(result, metric, channel=None) -> dict[str, float]:
    return {
        o.date.isoformat(): o.value
        for o in result.observations
        if o.metric == metric and (channel is None or o.channel == channel)
    }


@pytest.mark.parametrize(
    ("name", "source", "metrics", "first", "last", "channels"),
    [
        (
            "search_console_dates_ru.csv",
            "search_console",
            SEARCH,
            "2025-12-21",
            "2025-12-27",
            {"google_organic"},
        ),
        (
            "bing_search_performance.csv",
            "bing_webmaster",
            SEARCH,
            "2025-12-14",
            "2025-12-27",
            {"bing_organic"},
        ),
        (
            "ga4_traffic_acquisition_daily.csv",
            "ga4",
            {"sessions", "organic_sessions", "active_users", "bounce_rate", "conversion_rate"},
            "2025-12-11",
            "2025-12-17",
            {"ga4:organic_search", "ga4:direct", "ga4:paid_search", "ga4:referral", "ga4:email"},
        ),
        (
            "ga4_reports_snapshot.csv",
            "ga4",
            {"active_users", "sessions"},
            "2025-12-11",
            "2025-12-17",
            {"ga4"},
        ),
        (
            "google_ads_campaigns_by_day.csv",
            "google_ads",
            {"ad_clicks", "ad_impressions", "spend", "leads"},
            "2025-12-01",
            "2025-12-07",
            {"paid_search"},
        ),
        (
            "yandex_metrica_attendance.csv",
            "yandex_metrica",
            {"sessions", "active_users", "bounce_rate"},
            "2025-12-21",
            "2025-12-27",
            {"yandex_metrica"},
        ),
        (
            "yandex_metrica_excel_cp1251.csv",
            "yandex_metrica",
            {"sessions", "active_users", "bounce_rate"},
            "2025-12-21",
            "2025-12-27",
            {"yandex_metrica"},
        ),
        ("collab_wide.csv", "csv", {"leads", "spend"}, "2025-12-01", "2025-12-03", {""}),
        ("collab_long.csv", "csv", {"leads"}, "2025-12-01", "2025-12-02", {"email"}),
    ],
)
def test_each_export_is_recognised_by_its_content_and_read(
    name, source, metrics, first, last, channels
):
    # A neutral name: the content decides, never the file's name.
    result = read_kpi_file("export.csv", fixture(name))
    assert result.source == source
    assert set(result.metrics) == metrics
    assert (result.first_day.isoformat(), result.last_day.isoformat()) == (first, last)
    assert {o.channel for o in result.observations} == channels
    assert result.summary() == {
        "source": source,
        "metrics": sorted(metrics),
        "from": first,
        "to": last,
        "skipped": list(result.skipped),
    }


def test_search_console_zip_imports_its_daily_chart_and_says_what_else_was_skipped():
    result = read_kpi_file("performance-on-search-2025-12-28.zip", search_console_zip())
    assert result.source == "search_console"
    assert set(result.metrics) == SEARCH
    assert (result.first_day, result.last_day) == (dt.date(2025, 11, 30), dt.date(2025, 12, 27))
    assert len(result.observations) == 4 * 28
    skipped = " ".join(result.skipped)
    for member, what in [
        ("Queries.csv", "top search queries"),
        ("Pages.csv", "top pages"),
        ("Countries.csv", "countries"),
        ("Devices.csv", "devices"),
        ("Search appearance.csv", "search appearances"),
        ("Filters.csv", "filters"),
    ]:
        assert f"› {member}" in skipped and what in skipped
    assert "Chart.csv" not in skipped


def test_search_console_ctr_is_stored_in_percent_and_newest_first_rows_come_out_by_day():
    result = read_kpi_file("Chart.csv", search_console_zip_member("Chart.csv"))
    first_lines = search_console_zip_member("Chart.csv").decode().splitlines()[1:3]
    assert first_lines[0].startswith("2025-12-27,30,2000,1.5%,9.0")  # as the fixture wrote it
    assert values(result, "search_ctr")["2025-12-27"] == 1.5
    assert values(result, "search_clicks")["2025-12-27"] == 30.0
    assert values(result, "search_position")["2025-12-27"] == 9.0
    days = [o.date for o in result.observations if o.metric == "search_clicks"]
    assert days == sorted(days)


def search_console_zip_member(name: str) -> bytes:
    from tests.support.kpi_exports import SEARCH_CONSOLE_EXPORT

    return (SEARCH_CONSOLE_EXPORT / name).read_bytes()


def test_search_console_in_russian_with_decimal_commas():
    result = read_kpi_file("Даты.csv", fixture("search_console_dates_ru.csv"))
    assert values(result, "search_ctr")["2025-12-27"] == 1.33  # "1,33%"
    assert values(result, "search_position")["2025-12-27"] == 10.5  # "10,5"


def test_ga4_fractions_become_percent_and_organic_search_feeds_organic_sessions():
    result = read_kpi_file("ga4.csv", fixture("ga4_traffic_acquisition_daily.csv"))
    organic = values(result, "sessions", "ga4:organic_search")
    assert organic == values(result, "organic_sessions", "ga4:organic_search")
    assert organic["2025-12-11"] == 40.0
    assert values(result, "sessions", "ga4:direct")["2025-12-11"] == 53.0
    assert not values(result, "organic_sessions", "ga4:direct")
    # 40 sessions, 24 engaged: GA4 writes the bounce rate 0.400000; stored as 40 (per cent).
    assert values(result, "bounce_rate", "ga4:organic_search")["2025-12-11"] == pytest.approx(40.0)
    assert values(result, "conversion_rate", "ga4:organic_search")["2025-12-11"] == 0.0
    offered = {u.column: u.unit for u in result.unmapped}
    assert offered["Engagement rate"] == "percent"
    assert offered["Key events"] == "count"
    assert "Session primary channel group (Default Channel Group)" not in offered


def test_ga4_nth_day_counts_from_the_start_date_line_as_day_0000():
    result = read_kpi_file("snapshot.csv", fixture("ga4_reports_snapshot.csv"))
    active = values(result, "active_users")
    assert active["2025-12-11"] == 120.0  # 0000
    assert active["2025-12-17"] == 138.0  # 0006
    assert values(result, "sessions")["2025-12-12"] == 152.0
    skipped = " ".join(result.skipped)
    assert "line 28" in skipped and "Country ID" in skipped  # no day column: left out
    assert [u.column for u in result.unmapped] == ["New users"]


def test_google_ads_utf16_with_title_lines_adds_campaigns_up_per_day_and_leaves_totals_out():
    result = read_kpi_file(
        "Campaign performance report.csv", fixture("google_ads_campaigns_by_day.csv")
    )
    day = "2025-12-01"
    assert values(result, "ad_clicks")[day] == 900 + 1400
    assert values(result, "ad_impressions")[day] == (900 * 9 + 1234) + (1400 * 9 + 1234)
    assert values(result, "spend")[day] == pytest.approx(900 * 1.37 + 1400 * 1.37)
    assert values(result, "leads")[day] == pytest.approx(16.36 + 25.45)
    assert result.currency == "USD"
    assert any("3 totals row(s) left out" in note for note in result.notes)
    assert any("one per Campaign)" in note for note in result.notes)  # not "Campaign status"
    assert {u.column for u in result.unmapped} == {"CTR", "Avg. CPC", "Cost / conv."}


def test_bing_days_with_a_time_of_day_are_the_day_written():
    result = read_kpi_file("bing.csv", fixture("bing_search_performance.csv"))
    assert values(result, "search_clicks")["2025-12-27"] == 10.0
    assert values(result, "search_ctr")["2025-12-27"] == 1.43
    assert values(result, "search_position")["2025-12-14"] == 8.8


@pytest.mark.parametrize(("ctr", "stored"), [("0.0125", 1.25), ("1.25", 1.25), ("1.25%", 1.25)])
def test_bing_ctr_with_or_without_a_sign_as_a_fraction_or_in_percent(ctr, stored):
    text = (
        '"Date","Clicks","Impressions","CTR","Avg. Position"\n'
        f'"12/27/2025 12:00:00 AM","10","800","{ctr}","8.1"\n'
    )
    result = read_kpi_file("bing.csv", text.encode())
    assert values(result, "search_ctr") == {"2025-12-27": stored}


def test_yandex_metrica_csv_saved_by_excel_in_cp1251():
    result = read_kpi_file("Посещаемость.csv", fixture("yandex_metrica_excel_cp1251.csv"))
    assert values(result, "sessions")["2025-12-27"] == 1400.0  # "1\u00a0400"
    assert values(result, "bounce_rate")["2025-12-27"] == 10.2  # "10,2", already in percent
    assert values(result, "sessions")["2025-12-21"] == 1442.0
    assert any("totals row" in note for note in result.notes)  # "Итого и средние"


def test_yandex_metrica_xlsx_with_its_report_lines_above_the_header():
    result = read_kpi_file("Посещаемость.xlsx", metrica_workbook())
    assert result.source == "yandex_metrica"
    sessions = values(result, "sessions")
    assert sorted(sessions) == [day.isoformat() for day in METRICA_DAYS]  # 23:59 stays that day
    assert sessions["2025-12-21"] == 600.0
    assert values(result, "bounce_rate")["2025-12-21"] == pytest.approx(10.0)  # a 10% cell
    offered = {u.column: u.unit for u in result.unmapped}
    assert offered == {"Время на сайте": "ms"}


def test_yandex_metrica_by_traffic_source_feeds_organic_sessions():
    result = read_kpi_file("Источники.xlsx", metrica_workbook(by_source=True))
    assert (
        values(result, "organic_sessions", "yandex_metrica:organic_search")["2025-12-21"] == 600.0
    )
    assert values(result, "sessions", "yandex_metrica:direct")["2025-12-21"] == 601.0
    assert not values(result, "organic_sessions", "yandex_metrica:direct")


def test_our_own_csvs_go_through_the_upload_forms_rules():
    wide = read_kpi_file("kpis.csv", fixture("collab_wide.csv"))
    assert values(wide, "spend") == {"2025-12-01": 120.5, "2025-12-02": 99.0, "2025-12-03": 101.25}
    assert "2025-12-03" not in values(wide, "leads")  # an empty cell is a missing day
    assert [u.column for u in wide.unmapped] == ["demo_requests"]
    long = read_kpi_file("kpis.csv", fixture("collab_long.csv"))
    assert values(long, "leads") == {"2025-12-01": 4.0, "2025-12-02": 5.0}
    assert [u.column for u in long.unmapped] == ["webinar_signups"]
    assert any("cost_per_lead" in s and "computed" in s for s in long.skipped)


def test_a_remembered_mapping_takes_columns_no_metric_took():
    demo = MetricDef("demo_requests", "count", lower_is_better=False)
    engagement = MetricDef("engagement_rate", "percent", lower_is_better=False)
    metrics = {**DEFAULT_METRICS, demo.name: demo, engagement.name: engagement}
    ga4 = read_kpi_file(
        "ga4.csv",
        fixture("ga4_traffic_acquisition_daily.csv"),
        mapping={
            "ga4": {
                "key events": "leads",
                "ENGAGEMENT RATE": "engagement_rate",
                "Event count": None,
            }
        },
        metrics=metrics,
    )
    assert values(ga4, "leads", "ga4:direct")["2025-12-11"] == 1.0
    assert values(ga4, "engagement_rate", "ga4:organic_search")["2025-12-11"] == pytest.approx(60.0)
    offered = {u.column for u in ga4.unmapped}
    assert not offered & {"Key events", "Engagement rate", "Event count"}
    assert any("'Event count' ignored, as chosen" in s for s in ga4.skipped)
    wide = read_kpi_file(
        "kpis.csv",
        fixture("collab_wide.csv"),
        mapping={"csv": {"demo_requests": "demo_requests"}},
        metrics=metrics,
    )
    assert values(wide, "demo_requests") == {
        "2025-12-01": 2.0,
        "2025-12-02": 3.0,
        "2025-12-03": 1.0,
    }
    assert not wide.unmapped


def test_a_mapping_for_another_source_changes_nothing():
    result = read_kpi_file(
        "ga4.csv",
        fixture("ga4_traffic_acquisition_daily.csv"),
        mapping={"csv": {"key events": "leads"}},
    )
    assert "leads" not in result.metrics


def test_a_given_channel_replaces_the_sources_own_and_keeps_a_channel_grouping_beneath_it():
    gsc = read_kpi_file("Chart.csv", search_console_zip_member("Chart.csv"), channel="Organic")
    assert {o.channel for o in gsc.observations} == {"organic"}
    ga4 = read_kpi_file("ga4.csv", fixture("ga4_traffic_acquisition_daily.csv"), channel="web")
    assert "web:organic_search" in {o.channel for o in ga4.observations}
    long = read_kpi_file(
        "kpis.csv",
        b"date,metric,value,channel\n2025-12-01,leads,4,\n2025-12-02,leads,5,email\n",
        channel="events",
    )
    assert long.observations == (
        Observation("leads", dt.date(2025, 12, 1), 4.0, "events"),
        Observation("leads", dt.date(2025, 12, 2), 5.0, "email"),
    )


def test_a_rate_split_by_country_is_left_out_while_counts_are_added_up():
    text = (
        "# Start date: 20251211\n# End date: 20251211\n"
        "Date,Country,Sessions,Bounce rate\n"
        "20251211,United States,100,0.5\n20251211,Germany,50,0.2\n"
    )
    result = read_kpi_file("ga4.csv", text.encode())
    assert values(result, "sessions") == {"2025-12-11": 150.0}
    assert "bounce_rate" not in result.metrics
    assert any("'Bounce rate' has several rows per day" in s for s in result.skipped)


def test_a_zip_of_several_tools_exports_reads_each_with_its_own_channel():
    archive = zip_of(
        {
            "gsc/Chart.csv": search_console_zip_member("Chart.csv"),
            "ads.csv": fixture("google_ads_campaigns_by_day.csv"),
            "notes.pdf": b"%PDF-1.7 not a report",
            "__MACOSX/._ads.csv": b"\x00\x05\x16\x07",
        }
    )
    result = read_kpi_file("december.zip", archive)
    assert result.source == "mixed"
    assert set(result.sources) == {"search_console", "google_ads"}
    assert {o.channel for o in result.observations} == {"google_organic", "paid_search"}
    assert any("notes.pdf" in s and "PDF" in s for s in result.skipped)
    assert not any("MACOSX" in s for s in result.skipped)


def test_a_day_after_tomorrow_is_refused_when_today_is_given():
    text = b"Date,Clicks,Impressions,CTR,Position\n2025-12-29,1,10,10%,1.0\n"
    assert read_kpi_file("c.csv", text, today=dt.date(2025, 12, 28)).metrics
    with pytest.raises(KpiFileError) as refused:
        read_kpi_file("c.csv", text, today=dt.date(2025, 12, 27))
    assert refused.value.fields == {"line 2": "2025-12-29 is in the future"}


def test_a_refusal_survives_pickling_with_everything_it_names():
    with pytest.raises(KpiFileError) as refused:
        read_kpi_file("x.csv", b"Date,Clicks,Impressions\n2025-12-01,abc,1\n")
    copy = pickle.loads(pickle.dumps(refused.value))  # noqa: S301 - our own bytes
    assert (copy.message, copy.fields, copy.line, copy.usable) == (
        refused.value.message,
        refused.value.fields,
        2,
        True,
    )


CHART = (
    "Date,Clicks,Impressions,CTR,Position\n"
    "2025-12-27,42,2960,1.42%,11.3\n"
    "2025-12-26,40,3000,1.33%,11.9\n"
)


@pytest.mark.parametrize(
    "encoded",
    [
        CHART.encode("utf-8"),
        CHART.encode("utf-8-sig"),
        CHART.encode("utf-16"),  # with its byte-order mark, as Google Ads writes
        CHART.encode("utf-16-le"),  # without one
        CHART.encode("utf-16-be"),
        b"\xfe\xff" + CHART.encode("utf-16-be"),
        CHART.replace(",", ";")
        .replace("1.42%", "1,42%")
        .replace("1.33%", "1,33%")
        .replace("11.3", "11,3")
        .replace("11.9", "11,9")
        .encode("cp1251"),
        CHART.replace(",", "\t").encode("utf-16"),
        CHART.replace("\n", "\r\n").encode(),
    ],
)
def test_one_series_in_every_encoding_and_delimiter_reads_the_same(encoded):
    result = read_kpi_file("Chart.csv", encoded)
    assert values(result, "search_ctr") == {"2025-12-26": 1.33, "2025-12-27": 1.42}
    assert values(result, "search_position") == {"2025-12-26": 11.9, "2025-12-27": 11.3}
    assert values(result, "search_clicks") == {"2025-12-26": 40.0, "2025-12-27": 42.0}


def test_russian_headers_in_cp1251_are_told_by_content_and_never_show_mojibake():
    text = "Дата визита;Визиты;Глубина просмотра\n27.12.2025;1 400;2,7\n"
    result = read_kpi_file("metrica.csv", text.encode("cp1251"))
    assert values(result, "sessions") == {"2025-12-27": 1400.0}
    assert [u.column for u in result.unmapped] == ["Глубина просмотра"]


def test_candidates_carry_a_guess_of_unit_and_direction_for_a_new_metric():
    result = read_kpi_file("ads.csv", fixture("google_ads_campaigns_by_day.csv"))
    guesses = {u.column: (u.unit, u.lower_is_better, u.key) for u in result.unmapped}
    assert guesses == {
        "CTR": ("percent", False, "ctr"),
        "Avg. CPC": ("count", True, "avg. cpc"),
        "Cost / conv.": ("count", True, "cost / conv."),
    }


def test_a_remembered_mapping_to_a_metric_that_is_gone_offers_the_column_again():
    result = read_kpi_file(
        "ga4.csv",
        fixture("ga4_traffic_acquisition_daily.csv"),
        mapping={"ga4": {"Key events": "deleted_metric"}},
    )
    assert "Key events" in {u.column for u in result.unmapped}
