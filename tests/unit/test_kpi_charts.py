"""collab.web.charts: server-side SVG that escapes every label and breaks lines at gaps."""

from __future__ import annotations

import datetime as dt
import re

from markupsafe import Markup

from collab.web.charts import Band, Chart, Line, Marker, render

FIRST = dt.date(2026, 1, 1)


def _days(values):
    return [(FIRST + dt.timedelta(days=i), v) for i, v in enumerate(values)]


def test_labels_are_escaped_everywhere():
    evil = '<script>alert("x")</script>'
    html = render(
        Chart(
            title=evil,
            first=FIRST,
            last=FIRST + dt.timedelta(days=9),
            lines=[Line(evil, _days([1, 2, 3]), color='red"><script>')],
            bands=[Band(FIRST, FIRST + dt.timedelta(days=2), evil)],
            markers=[Marker(FIRST + dt.timedelta(days=1), evil, href='/x?a="><script>')],
        )
    )
    assert isinstance(html, Markup)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="/x?a=&#34;&gt;&lt;script&gt;"' in html


def test_lines_break_at_days_without_data_and_markers_outside_are_left_out():
    html = render(
        Chart(
            title="Leads",
            first=FIRST,
            last=FIRST + dt.timedelta(days=5),
            lines=[Line("organic", _days([1, 2, None, 4, 5, float("nan")]))],
            markers=[Marker(FIRST - dt.timedelta(days=3), "before the chart")],
        )
    )
    path = re.search(r'<path d="([^"]+)"', html).group(1)
    assert path.count("M") == 2 and path.count("L") == 2
    assert "before the chart" not in html
    assert 'role="img"' in html and "<desc" in html


def test_a_chart_with_links_to_completed_work_is_a_group_not_a_picture():
    html = render(
        Chart(
            title="Leads",
            first=FIRST,
            last=FIRST + dt.timedelta(days=5),
            lines=[Line("organic", _days([1, 2, 3, 4, 5, 6]))],
            markers=[Marker(FIRST + dt.timedelta(days=2), "Compress images", href="/t/1")],
        )
    )
    assert 'role="group"' in html and '<a href="/t/1">' in html


def test_empty_chart_says_so():
    html = render(Chart(title="ROMI", first=FIRST, last=FIRST + dt.timedelta(days=400)))
    assert "no data for these days" in html
    # Month ticks, every other one where a month has no room for its name; the year where
    # it turns.
    assert "Jan 2026" in html and ">Mar<" in html and "Jan 2027" in html


def test_axis_figures_carry_the_charts_unit():
    html = render(
        Chart(
            title="CTR",
            first=FIRST,
            last=FIRST + dt.timedelta(days=2),
            lines=[Line("daily", _days([2.5, 3.0, 3.5]))],
            unit="percent",
        )
    )
    ticks = re.findall(r'text-anchor="end"[^>]*>([^<]+)</text>', html)
    assert ticks and all(tick.endswith("%") for tick in ticks)
