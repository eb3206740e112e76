"""Small server-side SVG charts: lines over days, shaded windows and event markers.

No JavaScript and no chart library. Made to be read rather than decoded: each line is named
where it ends, with its last value (no legend to match colours against); at most MAX_LINES
lines are drawn and the rest are named under the chart with their last values. An SVG's text
grows and shrinks with its picture, so each chart is drawn twice, wide for desks and narrow
for phones, and the stylesheet shows the one that keeps its 12 and 13 px text near that
size on the screen at hand (a 390 px phone, a desk up to the chart's widest).

The <svg> has a title and a description that says the same as the labels; the pages print
the numbers in tables beside it. Every piece of text that reaches the markup goes through
markupsafe.escape, and figures are written in the reader's language by their unit
(collab.kpis.metrics), so nothing a user typed can become markup.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from babel.dates import format_date
from flask_babel import gettext
from markupsafe import Markup, escape

from collab.kpis.metrics import format_short
from collab.kpis.money import format_money
from collab.web.chart_frames import (
    BOTTOM,
    FONT,
    LABEL_FONT,
    LABEL_GAP,
    NARROW,
    TOP,
    WIDE,
    Frame,
    date_ticks,
    spread,
    value_ticks,
)
from collab.web.filters import DATE_STYLES

# Line labels are text in their line's colour: each colour has 4.5:1 against white (WCAG AA).
PALETTE = ("#1f6feb", "#c4432b", "#1a7f37", "#8250df", "#9a6700", "#0a7e8c", "#6e7781")
# More lines than this and no line can be followed: the rest are named under the chart.
MAX_LINES = 4
MARKER_COLOR = "#24292f"
_ids = itertools.count(1)


@dataclass(frozen=True)
class Line:
    label: str
    points: Sequence[tuple[dt.date, float | None]]
    color: str | None = None
    dashed: bool = False


@dataclass(frozen=True)
class Band:
    first: dt.date
    last: dt.date
    label: str
    color: str = "#1f6feb"


@dataclass(frozen=True)
class Marker:
    day: dt.date
    label: str
    href: str | None = None


@dataclass
class Chart:
    title: str
    first: dt.date
    last: dt.date
    lines: list[Line] = field(default_factory=list)  # the most important first
    bands: list[Band] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    unit: str = ""
    currency: str | None = None  # money's axis labels carry it
    language: str = "en"  # the reader's: figures and dates are written their way


# Text over lines keeps 4.5:1: a white outline drawn beneath its letters.
HALO = ' stroke="#fff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"'


@dataclass(frozen=True)
class EndLabel:
    """A line's name and last value, beside the plot at the height where the line ends."""

    name: str
    value: str
    color: str
    x: float  # where the line's last point is
    y: float  # the last point's height
    label_y: float  # the label's, moved off its neighbours


def render(chart: Chart) -> Markup:
    """The chart as a <figure>; safe to put in a template as is."""
    drawn, rest = chart.lines[:MAX_LINES], chart.lines[MAX_LINES:]
    pictures = "".join(_svg(chart, drawn, frame) for frame in (WIDE, NARROW))
    keys = _legend(chart)
    if rest:
        named = ", ".join(
            f"{line.label} {_figure(chart, last[1])}"
            for line in rest
            if (last := _last_point(line.points)) is not None
        ) or ", ".join(line.label for line in rest)
        not_drawn = gettext("Not drawn, to keep the chart readable: %(lines)s.", lines=named)
        keys += f'<p class="hint not-drawn">{escape(not_drawn)}</p>'
    # Every text in the pictures and keys went through escape(); numbers are ours.
    return Markup(  # noqa: S704
        f'<figure class="chart"><figcaption>{escape(chart.title)}</figcaption>{pictures}{keys}'
        "</figure>"
    )


def end_labels(chart: Chart, lines: Sequence[Line], frame: Frame = WIDE) -> list[EndLabel]:
    """Where each drawn line's label goes: its last value's height, spread so that no two
    labels overlap, and inside the plot's height."""
    x, y = _scales(chart, frame)
    ends = []
    for index, line in enumerate(lines):
        last = _last_point(line.points)
        if last is not None:
            name = line.label
            if len(name) > frame.name_chars:
                name = name[: frame.name_chars - 1].rstrip() + "…"
            color = line.color or PALETTE[index % len(PALETTE)]
            ends.append((name, _figure(chart, last[1]), color, x(last[0]), y(last[1])))
    plot_bottom = frame.height - BOTTOM
    placed = spread([end[4] for end in ends], LABEL_GAP, TOP, plot_bottom - LABEL_GAP)
    return [EndLabel(*end, label_y) for end, label_y in zip(ends, placed, strict=True)]


def _svg(chart: Chart, lines: Sequence[Line], frame: Frame) -> str:
    uid = f"chart-{next(_ids)}"
    width, height = frame.width, frame.height
    plot_left, plot_right, plot_bottom = frame.left, width - frame.right, height - BOTTOM
    x, y = _scales(chart, frame)
    parts: list[str] = []
    on_top: list[str] = []  # names written over the lines, each on a white halo
    for band in chart.bands:
        left, right = x(max(band.first, chart.first)), x(min(band.last, chart.last))
        if right < left:
            continue
        parts.append(
            f'<rect x="{left:.1f}" y="{TOP}" width="{max(right - left, 1):.1f}" '
            f'height="{plot_bottom - TOP}" fill="{escape(band.color)}" fill-opacity="0.12">'
            f"<title>{escape(band.label)}</title></rect>"
        )
        if _fits(band.label, right - left):
            on_top.append(
                f'<text class="band-label" x="{(left + right) / 2:.1f}" y="{TOP + FONT + 2}" '
                f'text-anchor="middle" font-size="{FONT}"{HALO}>{escape(band.label)}</text>'
            )
    parts.append(
        f'<line class="axis" x1="{plot_left}" y1="{plot_bottom}" x2="{plot_right}" '
        f'y2="{plot_bottom}" stroke="#8c959f"/>'
    )
    ticks = _value_ticks(chart)
    whole = all(float(value).is_integer() for value in ticks)
    for value in ticks:
        ty = y(value)
        parts.append(
            f'<line class="grid" x1="{plot_left}" y1="{ty:.1f}" x2="{plot_right}" y2="{ty:.1f}" '
            'stroke="#d8dee4" stroke-width="0.5"/>'
            f'<text class="tick" x="{plot_left - 6}" y="{ty + 4:.1f}" text-anchor="end" '
            f'font-size="{FONT}">{escape(_axis_figure(chart, value, whole))}</text>'
        )
    for day, label in date_ticks(chart.first, chart.last, frame, chart.language):
        tx = x(day)
        parts.append(
            f'<line class="axis" x1="{tx:.1f}" y1="{plot_bottom}" x2="{tx:.1f}" '
            f'y2="{plot_bottom + 4}" stroke="#8c959f"/><text class="tick" x="{tx:.1f}" '
            f'y="{plot_bottom + 18}" font-size="{FONT}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    for index, line in enumerate(lines):
        color = line.color or PALETTE[index % len(PALETTE)]
        path = _path(line.points, x, y)
        if path:
            dash = ' stroke-dasharray="6 3"' if line.dashed else ""
            parts.append(
                f'<path d="{path}" fill="none" stroke="{escape(color)}" stroke-width="2"'
                f"{dash}><title>{escape(line.label)}</title></path>"
            )
    for end in end_labels(chart, lines, frame):
        # Right after the line's end: in the margin when it runs to the last day, inside
        # the plot when its data stop earlier (a chart that reaches into the future).
        parts.append(
            f'<circle cx="{end.x:.1f}" cy="{end.y:.1f}" r="3" fill="{escape(end.color)}"/>'
        )
        on_top.append(
            f'<text class="end-label" x="{end.x + 8:.1f}" y="{end.label_y + LABEL_FONT - 2:.1f}" '
            f'font-size="{LABEL_FONT}" fill="{escape(end.color)}"{HALO}>{escape(end.name)}'
            f'<tspan x="{end.x + 8:.1f}" dy="{LABEL_FONT + 2}" font-weight="600">'
            f"{escape(end.value)}</tspan></text>"
        )
    parts += on_top
    for marker in chart.markers:
        if not chart.first <= marker.day <= chart.last:
            continue
        mx = x(marker.day)
        mark = (
            f'<g class="marker"><line x1="{mx:.1f}" y1="{TOP}" x2="{mx:.1f}" '
            f'y2="{plot_bottom}" stroke="{MARKER_COLOR}" stroke-width="1.2" '
            f'stroke-dasharray="2 2"/><circle cx="{mx:.1f}" cy="{TOP + 4}" r="4" '
            f'fill="{MARKER_COLOR}"/>'
            f"<title>{escape(_day(marker.day, chart.language))}: {escape(marker.label)}</title></g>"
        )
        if marker.href:
            mark = f'<a href="{escape(marker.href)}">{mark}</a>'
        parts.append(mark)
    if not any(_last_point(line.points) for line in chart.lines):
        nothing = gettext("no data for these days")
        parts.append(
            f'<text class="empty-note" x="{(plot_left + plot_right) / 2:.1f}" '
            f'y="{(TOP + plot_bottom) / 2:.1f}" text-anchor="middle" font-size="{LABEL_FONT}">'
            f"{escape(nothing)}</text>"
        )
    # A picture holds no links: with linked markers (completed work) it is a named group,
    # so the links stay reachable and announced.
    linked = any(m.href and chart.first <= m.day <= chart.last for m in chart.markers)
    return (
        f'<svg viewBox="0 0 {width} {height}" role="{"group" if linked else "img"}" '
        f'aria-labelledby="{uid}-t {uid}-d" preserveAspectRatio="xMidYMid meet" '
        f'class="chart-svg chart-{frame.name}"><title id="{uid}-t">{escape(chart.title)}</title>'
        f'<desc id="{uid}-d">{escape(_described(chart, lines))}</desc>' + "".join(parts) + "</svg>"
    )


def _described(chart: Chart, lines: Sequence[Line]) -> str:
    """The picture in words: its days, and each drawn line's last value."""
    said = gettext(
        "%(first)s to %(last)s.",
        first=_day(chart.first, chart.language),
        last=_day(chart.last, chart.language),
    )
    for line in lines:
        last = _last_point(line.points)
        if last is not None:
            said += " " + gettext(
                "%(line)s: %(value)s on %(day)s.",
                line=line.label,
                value=_figure(chart, last[1]),
                day=_day(last[0], chart.language),
            )
    return said


def _legend(chart: Chart) -> str:
    """The keys not written on the picture: windows too narrow for their names, and the
    marks of completed work (too many to name one by one)."""
    items = []
    for band in chart.bands:
        wide, narrow = (_band_width(chart, band, frame) for frame in (WIDE, NARROW))
        if not _fits(band.label, narrow):
            # Named on the wide picture when it fits there: then only phones need the key.
            shown = ' class="chart-narrow"' if _fits(band.label, wide) else ""
            items.append(f"<li{shown}>{_swatch(band.color, opacity=0.25)}{escape(band.label)}</li>")
    if chart.markers:
        done = gettext("completed work")
        items.append(f"<li>{_swatch(MARKER_COLOR, marker=True)}{escape(done)}</li>")
    return f'<ul class="legend">{"".join(items)}</ul>' if items else ""


def _fits(text: str, room: float) -> bool:
    return len(text) * FONT * 0.6 + 8 <= room  # 0.6 em: an average letter of a sans-serif


def _band_width(chart: Chart, band: Band, frame: Frame) -> float:
    x, _ = _scales(chart, frame)
    return x(min(band.last, chart.last)) - x(max(band.first, chart.first))


def _swatch(color: str, opacity: float = 1.0, marker: bool = False) -> str:
    if marker:
        shape = (
            f'<line x1="7" y1="0" x2="7" y2="12" stroke="{escape(color)}" stroke-dasharray="2 2"/>'
        )
    else:
        shape = f'<rect width="14" height="12" fill="{escape(color)}" fill-opacity="{opacity}"/>'
    return f'<svg class="swatch" width="14" height="12" aria-hidden="true">{shape}</svg>'


def _figure(chart: Chart, value: float) -> str:
    return format_short(value, chart.unit, chart.currency, chart.language)


def _axis_figure(chart: Chart, value: float, whole: bool) -> str:
    """An axis figure; money in whole units when every tick is whole ($0, $500, not $0.00)."""
    if whole and chart.unit == "money" and chart.currency:
        return format_money(value, chart.currency, 0, chart.language)
    return _figure(chart, value)


def _day(day: dt.date, language: str) -> str:
    return format_date(day, DATE_STYLES["day"].get(language, "yyyy-MM-dd"), locale=language)


def _last_point(points) -> tuple[dt.date, float] | None:
    for day, value in reversed(points):
        if value is not None and math.isfinite(value):
            return day, value
    return None


def _value_ticks(chart: Chart) -> list[float]:
    """The value axis's ticks: round figures around all values, from zero for counts and
    costs."""
    values = [
        v for line in chart.lines for _, v in line.points if v is not None and math.isfinite(v)
    ]
    if not values:
        return [0.0, 0.25, 0.5, 0.75, 1.0]
    low, high = min(values), max(values)
    if low >= 0 and low < 0.35 * high:
        low = 0.0  # counts and costs read best from zero
    if high == low:
        high, low = high + (abs(high) or 1) * 0.5, low - (abs(low) or 1) * 0.5
    return value_ticks(low, high)


def _scales(chart: Chart, frame: Frame):
    """Day -> x and value -> y, in the frame's pixels."""
    span = max((chart.last - chart.first).days, 1)
    plot_w = frame.width - frame.left - frame.right
    plot_h = frame.height - TOP - BOTTOM
    ticks = _value_ticks(chart)
    low, high = ticks[0], ticks[-1]

    def x(day: dt.date) -> float:
        return frame.left + plot_w * (day - chart.first).days / span

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    return x, y


def _path(points, x, y) -> str:
    """An SVG path, broken where days have no value rather than drawn across the gap."""
    commands, pen_down = [], False
    for day, value in points:
        if value is None or not math.isfinite(value):
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'}{x(day):.1f} {y(value):.1f}")
        pen_down = True
    return " ".join(commands)
