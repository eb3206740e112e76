"""The sizes a chart is drawn at, and where its ticks and labels go: pure geometry for
collab.web.charts and collab.web.bar_charts (numbers and dates in, positions and words out)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from babel.dates import format_date


@dataclass(frozen=True)
class Frame:
    """One drawing size. The right margin holds the line labels: a name on one line (cut to
    ``name_chars``), its value below."""

    name: str
    width: int
    height: int
    left: int
    right: int
    name_chars: int
    tick_gap: int  # the least room between two date ticks, in px


WIDE = Frame("wide", 760, 280, 60, 140, 18, 60)
NARROW = Frame("narrow", 340, 250, 48, 100, 12, 56)
TOP, BOTTOM = 16, 30
FONT, LABEL_FONT = 12, 13
LABEL_GAP = 2 * LABEL_FONT + 4  # a two-line label's height


def spread(wanted: Sequence[float], gap: float, top: float, bottom: float) -> list[float]:
    """Positions as near as may be to ``wanted``, in the same order, each at least ``gap``
    from its neighbours and between ``top`` and ``bottom`` (while they fit there)."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = list(wanted)
    floor = top
    for i in order:  # downwards: each clear of the one above
        placed[i] = max(wanted[i], floor)
        floor = placed[i] + gap
    ceiling = bottom
    for i in reversed(order):  # and back up where the run went past the bottom
        placed[i] = min(placed[i], ceiling)
        ceiling = placed[i] - gap
    return placed


def value_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round figures from ``low`` or just below to ``high`` or just above, at most ``most``
    of them, a step of 1, 2, 2.5 or 5 times a power of ten apart: 0, 50, 100, 150."""
    power = 10 ** math.floor(math.log10((high - low) / (most - 1)))
    for multiple in (1, 2, 2.5, 5, 10, 20):
        step = power * multiple
        first = math.floor(low / step + 1e-9) * step
        count = round(math.ceil(high / step - 1e-9) - first / step)
        if count + 1 <= most:
            break
    # Rounded: 0.1 * 3 is 0.30000000000000004, which would print as such on the axis.
    return [round(first + step * i, 12) for i in range(count + 1)]


def date_ticks(
    first: dt.date, last: dt.date, frame: Frame, language: str
) -> list[tuple[dt.date, str]]:
    """The date axis's ticks and their labels in ``language``: weeks or fortnights over a
    few months, months (or quarters) over longer, thinned until each label has room."""
    span = max((last - first).days, 1)
    ticks = _ticks(first, last)
    plot_w = frame.width - frame.left - frame.right
    every = 1
    while every < len(ticks) and plot_w * (ticks[every] - ticks[0]).days / span < frame.tick_gap:
        every += 1
    ticks = ticks[::every]
    labelled = []
    for day in ticks:
        if span <= 120:
            pattern = "d MMM"
        elif day.month == 1 or day == ticks[0]:
            pattern = "LLL y"
        else:
            pattern = "LLL"
        labelled.append((day, format_date(day, pattern, locale=language)))
    return labelled


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
