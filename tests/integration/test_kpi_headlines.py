"""The dashboard's headline numbers (each with its period and its trend, counts without
decimals, money in the organisation's currency), totals over channels, and the currency
setting."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from collab.kpis.headlines import headlines
from collab.kpis.totals import daily_totals
from collab.platform.extensions import db
from tests.integration.test_kpi_support import TODAY, record_series
from tests.support.factories import csrf_from, login, make_org, make_user

LAST = TODAY - dt.timedelta(days=3)  # the data stops a few days before today
FIRST = LAST - dt.timedelta(days=55)


def _page(client) -> str:
    page = client.get("/orgs/acme/kpis/")
    assert page.status_code == 200
    return html.unescape(page.text)


def _two_periods(org, metric, before, after, channel=""):
    record_series(org, metric, FIRST, [before] * 28 + [after] * 28, channel)


def test_headlines_say_their_period_and_trend_with_counts_whole_and_money_in_currency(app):
    org = make_org("acme")
    org.currency = "EUR"
    db.session.commit()
    _two_periods(org, "leads", 10.0, 12.0, "organic")
    _two_periods(org, "spend", 100.0, 90.0, "paid_search")
    # Sessions only on the last 10 days of the previous period: no fair trend.
    record_series(org, "organic_sessions", LAST - dt.timedelta(days=37), [500.0] * 38)

    found = {h.metric.name: h for h in headlines(org)}
    # ROMI needs revenue: no headline without data.
    assert list(found) == ["leads", "cost_per_lead", "spend", "organic_sessions"]
    leads = found["leads"]
    assert (leads.current.first, leads.current.last) == (LAST - dt.timedelta(days=27), LAST)
    assert (leads.previous.first, leads.previous.last) == (FIRST, FIRST + dt.timedelta(days=27))
    assert (leads.current.value, leads.previous.value) == (336.0, 280.0)
    assert leads.change_pct == pytest.approx(20.0) and leads.better is True
    cpl = found["cost_per_lead"]
    assert (cpl.previous.value, cpl.current.value) == (10.0, 7.5)
    assert cpl.change_pct == pytest.approx(-25.0) and cpl.better is True  # lower is better
    assert found["spend"].better is True
    assert found["organic_sessions"].change_pct is None
    assert found["organic_sessions"].previous.days == 10

    client = app.test_client()
    login(client, make_user(org, "marketing").email)
    page = _page(client)
    period = f"last 28 days of data: {(LAST - dt.timedelta(days=27)).isoformat()} to {LAST}"
    assert period in page
    assert "336</strong>" in page and "336.0" not in page
    assert "+20% (better)" in page and "(280," in page
    assert "€2,520</strong>" in page and "€7.50</strong>" in page
    assert "\u221225% (better)" in page
    assert "No trend yet: the 28 days before have data on 10 days." in page
    assert "amounts in EUR" in page


def test_a_rate_is_weighted_by_what_carries_it_across_sources(app):
    org = make_org("acme")
    days = 56
    record_series(org, "search_ctr", FIRST, [2.0] * days, "google_organic")
    record_series(org, "search_impressions", FIRST, [1000.0] * days, "google_organic")
    record_series(org, "search_ctr", FIRST, [10.0] * days, "bing_organic")
    record_series(org, "search_impressions", FIRST, [100.0] * days, "bing_organic")
    record_series(org, "bounce_rate", FIRST, [40.0] * days, "ga4")
    record_series(org, "bounce_rate", FIRST, [60.0] * days, "yandex_metrica")

    totals = daily_totals(org.id, ["search_ctr", "search_impressions", "bounce_rate"], FIRST, LAST)
    assert totals["search_ctr"][0] == pytest.approx(100 * 30 / 1100)  # clicks / impressions
    assert totals["search_impressions"][0] == 1100.0  # counts add up
    assert totals["bounce_rate"][0] == 50.0  # no sessions to weigh by: the plain mean

    ctr = next(h for h in headlines(org) if h.metric.name == "search_ctr")
    assert ctr.current.value == pytest.approx(100 * 30 / 1100)
    assert ctr.change_pct == pytest.approx(0.0) and ctr.better is None


def test_only_directors_set_the_currency_and_every_amount_follows(app):
    org = make_org("acme")
    _two_periods(org, "spend", 100.0, 100.0)
    director = app.test_client()
    login(director, make_user(org, "cmo").email)
    settings = director.get("/orgs/acme/settings/")
    assert "USD ($, US dollar)" in settings.text
    saved = director.post(
        "/orgs/acme/settings/currency",
        data={"csrf_token": csrf_from(settings.text), "currency": "rub"},
        follow_redirects=True,
    )
    assert "Amounts are shown in RUB from now on." in saved.text
    db.session.expire_all()
    assert org.currency == "RUB"
    assert "2,800\u00a0₽</strong>" in _page(director)

    refused = director.post(
        "/orgs/acme/settings/currency",
        data={"csrf_token": csrf_from(settings.text), "currency": "DOGE"},
        follow_redirects=True,
    )
    assert "a currency code: USD, EUR" in html.unescape(refused.text)
    db.session.expire_all()
    assert org.currency == "RUB"

    agency = app.test_client()
    login(agency, make_user(org, "agency").email)
    assert agency.get("/orgs/acme/settings/").status_code == 403


def test_create_org_takes_a_currency(runner):
    done = runner.invoke(args=["create-org", "acme", "--name", "Acme", "--currency", "eur"])
    assert done.exit_code == 0, done.output
    refused = runner.invoke(args=["create-org", "other", "--name", "O", "--currency", "xx"])
    assert refused.exit_code != 0 and "currency" in refused.output
