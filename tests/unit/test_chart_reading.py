"""Charts made to be read (collab.web.charts, collab.web.bar_charts): each line named at its
end with its last value, at most a few lines drawn and the rest named, round axis figures,
text of 12 px and up, figures and dates in the reader's language, a text alternative."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given
from hypothesis import strategies as st

from collab.web import bar_charts
from collab.web.chart_frames import LABEL_GAP, NARROW, TOP, WIDE, spread, value_ticks
from collab.web.charts import MAX_LINES, Band, Chart, Line, end_labels, render

FIRST = dt.date(2026, 1, 1)
NBSP = "\xa0"  # Russian groups thousands with a no-break space


def _days(values):
    return [(FIRST + dt.timedelta(days=i), v) for i, v in enumerate(values)]


def _chart(lines, **extra):
    return Chart("Leads", FIRST, FIRST + dt.timedelta(days=9), lines=lines, **extra)


def _pictures(html):
    """The wide and the narrow drawing of a rendered chart."""
    wide = re.search(r"<svg [^>]*chart-wide.*?</svg>", html, re.S).group(0)
    narrow = re.search(r"<svg [^>]*chart-narrow.*?</svg>", html, re.S).group(0)
    return wide, narrow


def test_each_line_is_named_where_it_ends_with_its_last_value():
    organic = Line("organic", _days([5, 6, 7, 40, None]))  # its last value: 40, on day 4
    email = Line("email", _days([1, 2, 3, 4, 12]))
    chart = _chart([organic, email])
    labels = {label.name: label for label in end_labels(chart, chart.lines)}
    assert labels["organic"].value == "40" and labels["email"].value == "12"
    # The label's mark sits on the line's last point; the label beside the plot, at its height.
    assert labels["organic"].x < labels["email"].x  # organic stops a day earlier
    assert labels["organic"].label_y == labels["organic"].y
    assert labels["email"].y > labels["organic"].y  # 12 is lower down than 40
    html = render(chart)
    for picture in _pictures(html):
        assert re.search(r'class="end-label"[^>]*>organic<tspan[^>]*>40</tspan>', picture)
        assert re.search(r'class="end-label"[^>]*>email<tspan[^>]*>12</tspan>', picture)
    assert 'class="legend"' not in html  # nothing left to match colours against
    # A line whose data stop early is named right where it stops, inside the plot.
    wide_organic = end_labels(chart, chart.lines, WIDE)[0]
    assert f'class="end-label" x="{wide_organic.x + 8:.1f}"' in _pictures(html)[0]


def test_a_long_name_is_cut_on_the_picture_and_kept_whole_in_its_description():
    name = "google / cpc / spring campaign"
    html = render(_chart([Line(name, _days([1, 2, 3]))]))
    wide, narrow = _pictures(html)
    assert ">google / cpc / sp…<tspan" in wide  # cut to fit the margin
    assert ">google / cp…<tspan" in narrow
    assert f"{name}: 3 on 2026-01-03." in wide  # the <desc> says it whole


def test_labels_of_lines_that_end_close_together_are_moved_apart():
    lines = [Line(str(v), _days([v])) for v in (100, 101, 99, 0)]
    labels = sorted(end_labels(_chart(lines), lines), key=lambda label: label.label_y)
    assert [label.name for label in labels] == ["101", "100", "99", "0"]  # top to bottom
    gaps = [b.label_y - a.label_y for a, b in zip(labels, labels[1:], strict=False)]
    assert min(gaps) >= LABEL_GAP


@given(
    st.lists(st.floats(min_value=TOP, max_value=WIDE.height - 30), max_size=MAX_LINES),
)
def test_spread_labels_keep_their_order_their_distance_and_the_plot(wanted):
    bottom = WIDE.height - 30 - LABEL_GAP
    placed = spread(wanted, LABEL_GAP, TOP, bottom)
    order = sorted(range(len(wanted)), key=lambda i: (wanted[i], i))
    ys = [placed[i] for i in order]
    assert all(b - a >= LABEL_GAP - 1e-6 for a, b in zip(ys, ys[1:], strict=False))
    assert all(TOP - 1e-6 <= y <= bottom + 1e-6 for y in ys)


def test_at_most_a_few_lines_are_drawn_and_the_rest_are_named_with_their_last_values():
    lines = [Line(f"channel {n}", _days([n, n + 1])) for n in range(1, 8)]
    html = render(_chart(lines))
    for picture in _pictures(html):
        assert picture.count("<path ") == MAX_LINES
        assert picture.count('class="end-label"') == MAX_LINES
    drawn, rest = lines[:MAX_LINES], lines[MAX_LINES:]
    assert all(f">{line.label}<tspan" in html for line in drawn)
    note = re.search(r'<p class="hint not-drawn">([^<]+)</p>', html).group(1)
    assert note == "Not drawn, to keep the chart readable: channel 5 6, channel 6 7, channel 7 8."
    assert all(f">{line.label}<tspan" not in html for line in rest)


def test_the_value_axis_reads_in_round_figures():
    assert value_ticks(0, 161) == [0, 50, 100, 150, 200]
    assert value_ticks(2419, 3977) == [2000, 2500, 3000, 3500, 4000]
    assert value_ticks(2.1, 2.9) == [2.0, 2.2, 2.4, 2.6, 2.8, 3.0]
    assert value_ticks(0, 0.37) == [0.0, 0.1, 0.2, 0.3, 0.4]
    html = render(_chart([Line("leads", _days([0, 80, 161]))]))
    ticks = re.findall(r'class="tick"[^>]*text-anchor="end"[^>]*>([^<]+)<', _pictures(html)[0])
    assert ticks == ["0", "50", "100", "150", "200"]


def test_figures_and_dates_are_written_in_the_readers_language():
    lines = [Line("organic", _days([900.0, 1234.6]))]
    span = Chart("Leads", FIRST, FIRST + dt.timedelta(days=200), lines=lines, language="ru")
    html = render(span)
    assert ">organic<tspan" in html and f">1{NBSP}235</tspan>" in html
    assert f">1{NBSP}000<" in html  # an axis figure
    assert ">янв. 2026<" in html and ">февр.<" in html  # month ticks
    assert "02.01.2026" in html  # the description's date
    english = render(Chart("Leads", FIRST, FIRST + dt.timedelta(days=200), lines=lines))
    assert ">1,235</tspan>" in english and ">Jan 2026<" in english


def test_every_text_is_twelve_pixels_or_more():
    chart = _chart(
        [Line(f"c{n}", _days([n, 2 * n, None, 3 * n])) for n in range(1, 7)],
        bands=[Band(FIRST, FIRST + dt.timedelta(days=3), "before window")],
    )
    bars = bar_charts.render("Work", ["IT", "Marketing"], [bar_charts.Group("Done", [3, 5])])
    for html in (render(chart), bars):
        sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', html)]
        assert sizes and min(sizes) >= 12


def test_each_drawing_has_a_title_and_a_description_and_the_phone_gets_its_own():
    html = render(_chart([Line("organic", _days([1, 2, 3]))]))
    for picture, frame in zip(_pictures(html), (WIDE, NARROW), strict=True):
        assert f'viewBox="0 0 {frame.width} {frame.height}"' in picture
        title, desc = re.search(r'aria-labelledby="([^" ]+) ([^"]+)"', picture).groups()
        assert f'<title id="{title}">Leads</title>' in picture
        assert re.search(f'<desc id="{desc}">2026-01-01 to 2026-01-10. organic: 3 on', picture)


def test_a_window_is_named_on_the_picture_where_it_fits_and_in_the_key_where_not():
    chart = Chart(
        "Page load",
        FIRST,
        FIRST + dt.timedelta(days=89),
        lines=[Line("daily", _days([1.0] * 90))],
        bands=[Band(FIRST, FIRST + dt.timedelta(days=27), "before window")],
    )
    html = render(chart)
    wide, narrow = _pictures(html)
    assert ">before window</text>" in wide  # named inside the window
    assert ">before window</text>" not in narrow  # too narrow on a phone...
    assert re.search(r'<li class="chart-narrow">.*before window</li>', html)  # ...so keyed


def test_bars_are_named_at_their_ends_in_the_readers_language():
    groups = [bar_charts.Group("Filed", [12, 1234]), bar_charts.Group("Done", [0, 3])]
    html = bar_charts.render("Work in March", ["IT", "Marketing"], groups, "ru")
    assert 'class="legend"' not in html
    for picture in _pictures(html):
        assert f">Marketing 1{NBSP}234</text>" in picture and ">IT 0</text>" in picture
        assert f"Filed: IT 12, Marketing 1{NBSP}234. Done: IT 0, Marketing 3." in picture


def test_a_money_axis_reads_in_whole_amounts_when_its_steps_are_whole():
    html = render(
        _chart([Line("cost per lead", _days([40.5, 412.25]))], unit="money", currency="USD")
    )
    ticks = re.findall(r'class="tick"[^>]*text-anchor="end"[^>]*>([^<]+)<', _pictures(html)[0])
    assert ticks == ["$0", "$100", "$200", "$300", "$400", "$500"]
    assert ">$412</tspan>" in html  # the line's own figure as the metric writes it
