"""In Chromium: a chart's words stay readable on a phone and on a desk. An SVG's text grows
and shrinks with its picture; the page shows the drawing (collab.web.charts: wide or narrow)
that keeps the axis figures and the line names near the 12 and 13 px they were drawn at."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import sign_in

# Each visible chart: how many drawings show, and its smallest text as rendered, in px.
SMALLEST = """() => [...document.querySelectorAll("figure.chart")].map((figure) => {
  const shown = [...figure.querySelectorAll("svg.chart-svg")].filter((s) => s.checkVisibility());
  const sizes = shown.flatMap((svg) => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const texts = [...svg.querySelectorAll("text")];
    return texts.map((t) => scale * parseFloat(t.getAttribute("font-size")));
  });
  return [shown.length, Math.min(...sizes)];
})"""


@pytest.mark.parametrize("width", [390, 800, 1440])
def test_chart_text_stays_readable_from_phone_to_desk(live_server, browser, width):
    from collab.kpis.input import Observation
    from collab.kpis.recording import record_kpis
    from collab.platform.clock import utcnow
    from collab.platform.extensions import db
    from tests.support.factories import make_org, make_user

    with live_server.app.app_context():
        org = make_org("acme")
        make_user(org, "cmo", email="cmo@acme.example")
        first = utcnow().date() - dt.timedelta(days=89)
        record_kpis(
            org,
            [
                Observation(metric, first + dt.timedelta(days=i), 10.0 + i % 7, channel)
                for i in range(90)
                for metric in ("leads", "spend")
                for channel in ("organic", "email")
            ],
        )
        db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, "cmo@acme.example")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/orgs/acme/kpis/?days=90")
    charts = page.evaluate(SMALLEST)
    assert len(charts) == 3
    for shown, smallest in charts:
        assert shown == 1  # the other drawing is hidden, and so out of the accessibility tree
        assert 11.5 <= smallest <= 16, (width, smallest)
    context.close()
