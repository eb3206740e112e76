"""POST /api/v1/orgs/{org}/kpis/files: the tools' exports imported as delivered, on both
databases; refusals that say what to do and write nothing; each source in its own channel;
remembered column choices; the organisation's currency."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from collab.accounts.people import membership_of
from collab.kpis.file_imports import ColumnChoice, KpiFileRefused, import_file, remember_choices
from collab.models import Organization
from collab.models.kpis import KpiObservation
from collab.platform.extensions import db
from tests.support.factories import bearer, make_org, make_user
from tests.support.kpi_exports import fixture, metrica_workbook, search_console_zip, zip_of

URL = "/api/v1/orgs/acme/kpis/files"
SEARCH = ["search_clicks", "search_ctr", "search_impressions", "search_position"]


def _count(**where) -> int:
    query = select(func.count()).select_from(KpiObservation)
    for name, value in where.items():
        query = query.where(getattr(KpiObservation, name) == value)
    return db.session.scalar(query)


def _post(client, headers, data: bytes, name: str = "export.csv", **form):
    return client.post(
        URL,
        data={"file": (io.BytesIO(data), name), **form},
        headers=headers,
        content_type="multipart/form-data",
    )


@pytest.fixture
def agency(app):
    org = make_org("acme")
    return org, bearer(make_user(org, "agency"))


@pytest.mark.parametrize(
    ("name", "data", "source", "metrics", "first", "last", "channels"),
    [
        (
            "performance-on-search-2025-12-28.zip",
            search_console_zip,
            "search_console",
            SEARCH,
            "2025-11-30",
            "2025-12-27",
            {"google_organic"},
        ),
        (
            "ga4.csv",
            lambda: fixture("ga4_traffic_acquisition_daily.csv"),
            "ga4",
            ["active_users", "bounce_rate", "conversion_rate", "organic_sessions", "sessions"],
            "2025-12-11",
            "2025-12-17",
            {"ga4:organic_search", "ga4:direct", "ga4:paid_search", "ga4:referral", "ga4:email"},
        ),
        (
            "Campaign performance report.csv",
            lambda: fixture("google_ads_campaigns_by_day.csv"),
            "google_ads",
            ["ad_clicks", "ad_impressions", "leads", "spend"],
            "2025-12-01",
            "2025-12-07",
            {"paid_search"},
        ),
        (
            "bing.csv",
            lambda: fixture("bing_search_performance.csv"),
            "bing_webmaster",
            SEARCH,
            "2025-12-14",
            "2025-12-27",
            {"bing_organic"},
        ),
        (
            "attendance.csv",
            lambda: fixture("yandex_metrica_attendance.csv"),
            "yandex_metrica",
            ["active_users", "bounce_rate", "sessions"],
            "2025-12-21",
            "2025-12-27",
            {"yandex_metrica"},
        ),
        (
            "attendance.xlsx",
            metrica_workbook,
            "yandex_metrica",
            ["active_users", "bounce_rate", "sessions"],
            "2025-12-21",
            "2025-12-27",
            {"yandex_metrica"},
        ),
    ],
)
def test_each_tools_export_imports_as_delivered_and_again_changes_nothing(
    client, agency, name, data, source, metrics, first, last, channels
):
    _, headers = agency
    body = data()
    response = _post(client, headers, body, name)
    assert response.status_code == 200, response.json
    answer = response.json
    assert answer["source"] == source
    assert answer["metrics"] == metrics
    assert (answer["from"], answer["to"]) == (first, last)
    assert answer["inserted"] > 0 and answer["updated"] == answer["unchanged"] == 0
    assert isinstance(answer["skipped"], list)
    stored = set(db.session.scalars(select(KpiObservation.channel).distinct()))
    assert stored == channels
    assert _count() == answer["inserted"]

    again = _post(client, headers, body, name).json
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, answer["inserted"])


def test_the_search_console_zip_says_what_it_skipped_and_stores_ctr_in_percent(client, agency):
    _, headers = agency
    answer = _post(client, headers, search_console_zip(), "export.zip").json
    skipped = " ".join(answer["skipped"])
    assert "Queries.csv" in skipped and "Pages.csv" in skipped
    ctr = db.session.scalars(
        select(KpiObservation.value).where(KpiObservation.metric == "search_ctr")
    ).all()
    assert ctr and all(0 < value < 100 for value in ctr)


def test_sources_write_their_own_channels_and_never_overwrite_each_other(client, agency):
    _, headers = agency
    google = _post(client, headers, search_console_zip(), "gsc.zip").json
    clicks = dict(
        db.session.execute(
            select(KpiObservation.day, KpiObservation.value).where(
                KpiObservation.metric == "search_clicks"
            )
        ).all()
    )
    bing = _post(client, headers, fixture("bing_search_performance.csv"), "bing.csv").json
    assert bing["updated"] == 0 and bing["unchanged"] == 0  # same days, another channel
    assert _count(channel="google_organic") == google["inserted"]
    assert _count(channel="bing_organic") == bing["inserted"]
    kept = dict(
        db.session.execute(
            select(KpiObservation.day, KpiObservation.value).where(
                KpiObservation.metric == "search_clicks",
                KpiObservation.channel == "google_organic",
            )
        ).all()
    )
    assert kept == clicks


def test_two_tools_grouping_by_traffic_source_keep_each_others_organic_sessions(client, agency):
    """GA4 and Metrica both group sessions by traffic source ("Organic Search", "Переходы из
    поисковых систем"): each keeps its own, and neither import touches the other's rows."""
    _, headers = agency
    ga4 = _post(client, headers, fixture("ga4_traffic_acquisition_daily.csv"), "ga4.csv").json
    metrica = _post(
        client, headers, fixture("yandex_metrica_sources_by_day.csv"), "sources.csv"
    ).json
    assert metrica["updated"] == metrica["unchanged"] == 0
    organic = dict(
        db.session.execute(
            select(KpiObservation.channel, KpiObservation.value).where(
                KpiObservation.metric == "organic_sessions",
                KpiObservation.day == dt.date(2025, 12, 11),
            )
        ).all()
    )
    assert organic == {"ga4:organic_search": 40.0, "yandex_metrica:organic_search": 44.0}
    again = _post(client, headers, fixture("ga4_traffic_acquisition_daily.csv"), "ga4.csv").json
    assert again["unchanged"] == ga4["inserted"]
    assert (
        _count(channel="yandex_metrica:organic_search") == 2 * 4
    )  # 2 days: sessions, organic sessions, users, bounce rate


def test_a_channel_given_with_the_file_replaces_the_sources_own(client, agency):
    _, headers = agency
    answer = _post(client, headers, fixture("bing_search_performance.csv"), channel="Organic")
    assert answer.status_code == 200, answer.json
    assert set(db.session.scalars(select(KpiObservation.channel).distinct())) == {"organic"}


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (bytes(range(256)) * 40, "data.bin", "not a text file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "logo.png", "picture"),
        (b"", "empty.csv", "empty"),
        (b"\xef\xbb\xbf\r\n", "bom-only.csv", "empty"),
        (
            zip_of({"report.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 8, "notes.txt": b"hello"}),
            "export.zip",
            "nothing collab can import",
        ),
        (
            fixture("google_ads_campaign_totals.csv"),
            "Campaign performance report.csv",
            "segment",
        ),
    ],
)
def test_refusals_say_what_is_wrong_and_what_to_do_and_write_nothing(
    client, agency, data, name, says
):
    _, headers = agency
    response = _post(client, headers, data, name)
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert name in error["message"] and says in error["message"].lower()
    assert error["fields"]
    assert "\x00" not in error["message"] and "\ufffd" not in error["message"]
    assert _count() == 0


def test_a_file_in_which_nothing_maps_offers_its_columns_and_a_remembered_choice_takes_them(
    app, client, agency
):
    org, headers = agency
    text = b"date,webinar_signups,demo_calls\n2025-12-01,12,3\n2025-12-02,9,4\n"
    refused = _post(client, headers, text, "events.csv")
    assert refused.status_code == 422
    error = refused.json["error"]
    assert [c["column"] for c in error["unmapped"]] == ["webinar_signups", "demo_calls"]
    assert error["unmapped"][0] == {
        "source": "csv",
        "column": "webinar_signups",
        "file": "events.csv",
        "examples": ["12", "9"],
        "unit": "count",
        "lower_is_better": False,
    }
    assert "events.csv, column 'webinar_signups'" in error["fields"]
    assert _count() == 0

    actor = membership_of(make_user(org, "cmo"), org)
    remember_choices(
        actor,
        org,
        [
            ColumnChoice("csv", "Webinar_Signups", "new", "webinar_signups", "count"),
            ColumnChoice("csv", "demo_calls", "ignore"),
        ],
    )
    db.session.commit()
    answer = _post(client, headers, text, "events.csv").json
    assert answer["metrics"] == ["webinar_signups"] and answer["inserted"] == 2
    assert any("'demo_calls' ignored, as chosen" in line for line in answer["skipped"])


def test_a_remembered_choice_maps_a_tools_column_to_an_existing_metric(client, agency):
    org, headers = agency
    first = _post(client, headers, fixture("ga4_traffic_acquisition_daily.csv"), "ga4.csv").json
    assert "leads" not in first["metrics"]
    assert any("Key events" in line for line in first["skipped"])
    actor = membership_of(make_user(org, "cio"), org)
    remember_choices(actor, org, [ColumnChoice("ga4", "Key events", "metric", "leads")])
    db.session.commit()
    again = _post(client, headers, fixture("ga4_traffic_acquisition_daily.csv"), "ga4.csv").json
    assert "leads" in again["metrics"]
    assert again["updated"] == 0 and again["inserted"] == _count(metric="leads")


def test_money_in_another_currency_is_refused_with_what_to_do(client, agency):
    org, headers = agency
    org.currency = "EUR"
    db.session.commit()
    response = _post(client, headers, fixture("google_ads_campaigns_by_day.csv"), "ads.csv")
    assert response.status_code == 422
    error = response.json["error"]
    assert "USD" in error["message"] and "EUR" in error["message"]
    assert "Settings" in error["message"]
    assert error["fields"] == {"currency": "USD in the file; expected EUR"}
    assert _count() == 0
    # A report without money may state any currency.
    org.currency = "USD"
    db.session.commit()
    assert _post(client, headers, fixture("google_ads_campaigns_by_day.csv")).status_code == 200


def test_who_may_import_and_what_a_bad_request_answers(client, app):
    org = make_org("acme")
    staff = bearer(make_user(org, "it"))
    assert _post(client, staff, fixture("bing_search_performance.csv")).status_code == 403
    director = bearer(make_user(org, "cmo"))
    assert _post(client, director, fixture("bing_search_performance.csv")).status_code == 200
    stranger = bearer(make_user(make_org("other"), "cmo"))
    assert _post(client, stranger, fixture("bing_search_performance.csv")).status_code == 404
    as_json = client.post(URL, json={"file": "x"}, headers=director)
    assert as_json.status_code == 422 and "multipart" in as_json.json["error"]["message"]
    no_file = client.post(
        URL, data={"channel": "x"}, headers=director, content_type="multipart/form-data"
    )
    assert no_file.status_code == 422 and no_file.json["error"]["fields"]["file"].startswith(
        "required"
    )
    two = client.post(
        URL,
        data={
            "file": [
                (io.BytesIO(fixture("bing_search_performance.csv")), "a.csv"),
                (io.BytesIO(fixture("bing_search_performance.csv")), "b.csv"),
            ]
        },
        headers=director,
        content_type="multipart/form-data",
    )
    assert two.status_code == 422 and "2 files" in two.json["error"]["fields"]["file"]
    long_channel = _post(client, director, fixture("bing_search_performance.csv"), channel="x" * 65)
    assert long_channel.status_code == 422 and "channel" in long_channel.json["error"]["fields"]


def test_kpi_files_take_larger_bodies_than_the_rest_of_the_api(client, app, agency):
    _, headers = agency
    app.config.update(MAX_CONTENT_LENGTH=2_000, MAX_UPLOAD_LENGTH=20_000)
    padded = fixture("bing_search_performance.csv") + b"\n" * 5_000
    assert _post(client, headers, padded, "bing.csv").status_code == 200
    too_big = _post(client, headers, padded + b"\n" * 20_000, "bing.csv")
    assert too_big.status_code == 413 and too_big.json["error"]["code"]
    other = client.post(
        "/api/v1/orgs/acme/kpis",
        json={"observations": [{"metric": "leads", "date": "2025-12-01", "value": 1}] * 100},
        headers=headers,
    )
    assert other.status_code == 413


EXPORTS = [
    fixture("ga4_traffic_acquisition_daily.csv"),
    fixture("google_ads_campaigns_by_day.csv"),
    fixture("bing_search_performance.csv"),
    fixture("yandex_metrica_excel_cp1251.csv"),
    search_console_zip(),
]


@st.composite
def damaged_exports(draw) -> bytes:
    """A real export with bytes changed, cut or inserted, or bytes from nowhere."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=2_000))
    data = bytearray(draw(st.sampled_from(EXPORTS)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["flip", "cut", "insert"]))
        if how == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif how == "cut":
            del data[at : at + draw(st.integers(1, 200))]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=40))
    return bytes(data)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=damaged_exports())
def test_no_bytes_make_the_store_answer_anything_but_an_import_or_a_clear_refusal(app, data):
    # One organisation for every example: hypothesis runs them all inside this one test.
    org = db.session.scalar(select(Organization).where(Organization.slug == "fuzz"))
    org = org or make_org("fuzz")
    try:
        answer = import_file(org, "export.csv", data)
    except KpiFileRefused as refused:
        db.session.rollback()
        assert refused.message.startswith("export.csv") and refused.fields
        assert not any(ch in refused.message for ch in "\x00\ufffd")
    else:
        db.session.commit()
        assert answer["inserted"] + answer["updated"] + answer["unchanged"] > 0
