"""Small server-side SVG charts: lines over days, shaded windows and event markers.

No JavaScript and no chart library: a <figure> with an accessible <svg> (title and
description), a legend and, for the numbers themselves, the tables the pages print beside it.
Every piece of text that reaches the markup goes through markupsafe.escape, and figures are
formatted by their unit (collab.kpis.metrics), so nothing a user typed can become markup.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from collab.kpis.metrics import format_short

PALETTE = ("#1f6feb", "#c4432b", "#1a7f37", "#8250df", "#bf8700", "#0a7e8c", "#6e7781")
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
    lines: list[Line] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    unit: str = ""
    currency: str | None = None  # money's axis labels carry it
    width: int = 720
    height: int = 220


LEFT, RIGHT, TOP, BOTTOM = 64, 14, 12, 30


def render(chart: Chart) -> Markup:
    """The chart as a <figure>; safe to put in a template as is."""
    uid = f"chart-{next(_ids)}"
    width, height = chart.width, chart.height
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    span = max((chart.last - chart.first).days, 1)
    values = [
        v for line in chart.lines for _, v in line.points if v is not None and math.isfinite(v)
    ]

    def x(day: dt.date) -> float:
        return LEFT + plot_w * (day - chart.first).days / span

    parts: list[str] = []
    described = f"{escape(chart.title)}, {chart.first.isoformat()} to {chart.last.isoformat()}"
    if values:
        low, high = min(values), max(values)
        if low >= 0 and low < 0.35 * high:
            low = 0.0  # counts and costs read best from zero
        if high == low:
            high, low = high + (abs(high) or 1) * 0.5, low - (abs(low) or 1) * 0.5
        pad = (high - low) * 0.06
        low, high = low - (pad if low != 0 else 0), high + pad
    else:
        low, high = 0.0, 1.0

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    for band in chart.bands:
        left, right = x(max(band.first, chart.first)), x(min(band.last, chart.last))
        if right < left:
            continue
        parts.append(
            f'<rect class="band" x="{left:.1f}" y="{TOP}" width="{max(right - left, 1):.1f}" '
            f'height="{plot_h}" fill="{escape(band.color)}" fill-opacity="0.1">'
            f"<title>{escape(band.label)}</title></rect>"
        )
    # Axes, y ticks and grid.
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
        'stroke="#8c959f"/>'
    )
    for step in range(5):
        value = low + (high - low) * step / 4
        ty = y(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{LEFT + plot_w}" y2="{ty:.1f}" '
            'stroke="#d8dee4" stroke-width="0.5"/>'
            f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#5b6670">{escape(format_short(value, chart.unit, chart.currency))}</text>'
        )
    ticks = _ticks(chart.first, chart.last)
    for day in ticks:
        tx = x(day)
        if span <= 120:
            label = day.strftime("%d %b")
        elif day.month == 1 or day == ticks[0]:
            label = day.strftime("%b %Y")
        else:
            label = day.strftime("%b")
        parts.append(
            f'<line x1="{tx:.1f}" y1="{TOP + plot_h}" x2="{tx:.1f}" y2="{TOP + plot_h + 4}" '
            f'stroke="#8c959f"/><text x="{tx:.1f}" y="{TOP + plot_h + 17}" font-size="11" '
            f'text-anchor="middle" fill="#5b6670">{escape(label)}</text>'
        )
    for index, line in enumerate(chart.lines):
        color = line.color or PALETTE[index % len(PALETTE)]
        path = _path(line.points, x, y)
        if path:
            dash = ' stroke-dasharray="5 3"' if line.dashed else ""
            parts.append(
                f'<path d="{path}" fill="none" stroke="{escape(color)}" stroke-width="1.6"'
                f"{dash}><title>{escape(line.label)}</title></path>"
            )
    for marker in chart.markers:
        if not chart.first <= marker.day <= chart.last:
            continue
        mx = x(marker.day)
        mark = (
            f'<g class="marker"><line x1="{mx:.1f}" y1="{TOP}" x2="{mx:.1f}" '
            f'y2="{TOP + plot_h}" stroke="#24292f" stroke-width="1.2" stroke-dasharray="2 2"/>'
            f'<circle cx="{mx:.1f}" cy="{TOP + 4}" r="4" fill="#24292f"/>'
            f"<title>{escape(marker.day.isoformat())}: {escape(marker.label)}</title></g>"
        )
        if marker.href:
            mark = f'<a href="{escape(marker.href)}">{mark}</a>'
        parts.append(mark)
    if not values:
        parts.append(
            f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
            'fill="#5b6670">no data for these days</text>'
        )
    legend = "".join(
        f"<li>{_swatch(line.color or PALETTE[i % len(PALETTE)], dashed=line.dashed)}"
        f"{escape(line.label)}</li>"
        for i, line in enumerate(chart.lines)
    )
    legend += "".join(
        f"<li>{_swatch(b.color, opacity=0.25)}{escape(b.label)}</li>" for b in chart.bands
    )
    if chart.markers:
        legend += f"<li>{_swatch('#24292f', marker=True)}completed work</li>"
    # A picture holds no links: with linked markers (completed work) it is a named group,
    # so the links stay reachable and announced.
    linked = any(m.href and chart.first <= m.day <= chart.last for m in chart.markers)
    role = "group" if linked else "img"
    svg = (
        f'<svg viewBox="0 0 {width} {height}" role="{role}" aria-labelledby="{uid}-t {uid}-d" '
        f'preserveAspectRatio="xMidYMid meet" class="chart-svg">'
        f'<title id="{uid}-t">{escape(chart.title)}</title>'
        f'<desc id="{uid}-d">{described}</desc>' + "".join(parts) + "</svg>"
    )
    # Every text in `svg` and `legend` went through escape() above; numbers are ours.
    return Markup(  # noqa: S704
        f'<figure class="chart"><figcaption>{escape(chart.title)}</figcaption>{svg}'
        f'<ul class="legend">{legend}</ul></figure>'
    )


def _swatch(color: str, opacity: float = 1.0, dashed: bool = False, marker: bool = False) -> str:
    if marker:
        shape = (
            f'<line x1="7" y1="0" x2="7" y2="12" stroke="{escape(color)}" stroke-dasharray="2 2"/>'
        )
    elif opacity < 1:
        shape = f'<rect width="14" height="12" fill="{escape(color)}" fill-opacity="{opacity}"/>'
    else:
        dash = ' stroke-dasharray="4 2"' if dashed else ""
        shape = (
            f'<line x1="0" y1="6" x2="14" y2="6" stroke="{escape(color)}" stroke-width="3"{dash}/>'
        )
    return f'<svg class="swatch" width="14" height="12" aria-hidden="true">{shape}</svg>'


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


def _ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    span = (last - first).days
    if span > 120:
        ticks, month = [], first.replace(day=1)
        step = 1 if span <= 400 else 3
        while month <= last:
            if month >= first:
                ticks.append(month)
            for _ in range(step):
                month = (month + dt.timedelta(days=32)).replace(day=1)
        return ticks
    every = 7 if span <= 60 else 14
    return [first + dt.timedelta(days=i) for i in range(0, span + 1, every)]
