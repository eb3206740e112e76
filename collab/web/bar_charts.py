"""Grouped bar charts as server-side SVG, for the monthly report: no script, every text
escaped, the figures also printed in the tables beside them. Each bar is named at its end
with its series and value (no legend), figures in the reader's language; drawn wide and
narrow like collab.web.charts, so its text keeps its size on phones and desks alike."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from collab.platform import numbers
from collab.web.chart_frames import FONT, NARROW, WIDE, Frame
from collab.web.charts import PALETTE

_ids = itertools.count(1)
BAR, STEP = 16, 22  # a bar's thickness, and the room each takes
LABEL_ROOM = 110  # after the longest bar: "Marketing 1,234"


@dataclass(frozen=True)
class Group:
    label: str  # "Filed", "Done", ...
    values: Sequence[float]  # one per series


def render(
    title: str, series: Sequence[str], groups: Sequence[Group], language: str = "en"
) -> Markup:
    pictures = "".join(_svg(title, series, groups, language, frame) for frame in (WIDE, NARROW))
    # Every text in the pictures went through escape(); numbers are ours.
    return Markup(  # noqa: S704
        f'<figure class="chart"><figcaption>{escape(title)}</figcaption>{pictures}</figure>'
    )


def bar_label(series: str, value: float, language: str) -> str:
    """What a bar says at its end: its series and its value, in the reader's way."""
    places = 0 if float(value).is_integer() else 1
    return f"{series} {numbers.decimal(value, places, language)}"


def _svg(title: str, series, groups, language: str, frame: Frame) -> str:
    uid = f"bars-{next(_ids)}"
    # Each group's name above its bars (a name beside them would take the bars' room on a
    # phone, or be cut): "Filed", then a bar a series.
    left, head = 8, FONT + 10
    row = head + STEP * len(series) + 10
    height = 6 + row * len(groups)
    # Bars keep a readable length on a desk: about half the width is enough to compare.
    plot = min(frame.width - left - LABEL_ROOM, 420)
    high = max([v for g in groups for v in g.values] + [1])
    parts = []
    for g_index, group in enumerate(groups):
        top = 6 + g_index * row
        parts.append(
            f'<text x="{left}" y="{top + FONT + 2}" font-size="{FONT + 1}" font-weight="600" '
            f'fill="#24292f">{escape(group.label)}</text>'
        )
        for s_index, value in enumerate(group.values):
            y = top + head + s_index * STEP
            length = max(plot * value / high, 1)
            label = bar_label(series[s_index], value, language)
            parts.append(
                f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{BAR}" '
                f'fill="{PALETTE[s_index % len(PALETTE)]}"><title>{escape(group.label)}: '
                f"{escape(label)}</title></rect>"
                f'<text x="{left + length + 6:.1f}" y="{y + BAR - 4}" '
                f'font-size="{FONT}" fill="#24292f">{escape(label)}</text>'
            )
    # The picture in words, for those who do not see it: "Filed: IT 3, Marketing 5. ..."
    described = " ".join(
        f"{group.label}: "
        + ", ".join(
            bar_label(name, v, language) for name, v in zip(series, group.values, strict=True)
        )
        + "."
        for group in groups
    )
    return (
        f'<svg viewBox="0 0 {frame.width} {height}" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" class="chart-svg chart-{frame.name}">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(described)}</desc>'
        f"{''.join(parts)}</svg>"
    )
