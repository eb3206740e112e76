"""Grouped bar charts as server-side SVG, for the monthly report: no script, every text
escaped, the figures also printed in the tables beside them."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from collab.web.charts import PALETTE

_ids = itertools.count(1)


@dataclass(frozen=True)
class Group:
    label: str  # "Filed", "Done", ...
    values: Sequence[float]  # one per series


def render(title: str, series: Sequence[str], groups: Sequence[Group], width: int = 560) -> Markup:
    uid = f"bars-{next(_ids)}"
    left, row, bar = 90, 16 * len(series) + 14, 14
    height = 20 + row * len(groups)
    high = max([v for g in groups for v in g.values] + [1])
    plot = width - left - 50
    parts = []
    for g_index, group in enumerate(groups):
        top = 10 + g_index * row
        parts.append(
            f'<text x="{left - 8}" y="{top + row / 2:.1f}" text-anchor="end" font-size="12" '
            f'fill="#24292f">{escape(group.label)}</text>'
        )
        for s_index, value in enumerate(group.values):
            y = top + s_index * 16
            length = plot * value / high
            parts.append(
                f'<rect x="{left}" y="{y}" width="{max(length, 1):.1f}" height="{bar}" '
                f'fill="{PALETTE[s_index % len(PALETTE)]}"><title>{escape(series[s_index])}, '
                f"{escape(group.label)}: {value:g}</title></rect>"
                f'<text x="{left + length + 4:.1f}" y="{y + 11}" font-size="11" '
                f'fill="#5b6670">{value:g}</text>'
            )
    legend = "".join(
        f'<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" '
        f'fill="{PALETTE[i % len(PALETTE)]}"/></svg>{escape(name)}</li>'
        for i, name in enumerate(series)
    )
    svg = (
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="{uid}-t" '
        f'class="chart-svg"><title id="{uid}-t">{escape(title)}</title>{"".join(parts)}</svg>'
    )
    # Every text above went through escape(); numbers are ours.
    return Markup(  # noqa: S704
        f'<figure class="chart"><figcaption>{escape(title)}</figcaption>{svg}'
        f'<ul class="legend">{legend}</ul></figure>'
    )
