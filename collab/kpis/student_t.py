"""Student's t distribution in the standard library: the two-sided tail and its quantiles.

An interval calibrated on a few dozen overlapping placebo dates rests on a handful of
independent observations; its width must pay for that, which is what t's fat tails do.
Degrees of freedom are whole numbers here, so every quantile is computed once.
"""

from __future__ import annotations

import functools
import math
from statistics import NormalDist

# Up to this many degrees of freedom the tail is summed exactly; beyond, an approximation.
EXACT_UP_TO = 400


def two_sided_p(t: float, df: int) -> float:
    """P(|T| >= |t|) for T with ``df`` degrees of freedom (a whole number, at least 1)."""
    t = abs(t)
    if not math.isfinite(t):
        return 0.0 if t == math.inf else math.nan
    df = max(int(df), 1)
    if df > EXACT_UP_TO:
        # Far out, t is a normal variable after a small rescaling (accurate to about 1e-5).
        z = t * (1.0 - 1.0 / (4.0 * df)) / math.sqrt(1.0 + t * t / (2.0 * df))
        return 2.0 * (1.0 - NormalDist().cdf(z))
    # The textbook finite sums in theta = atan(t / sqrt(df)) for P(|T| < t).
    theta = math.atan(t / math.sqrt(df))
    sine, cosine2 = math.sin(theta), math.cos(theta) ** 2
    if df % 2:
        term, total = 1.0, 1.0 if df > 1 else 0.0
        for k in range(1, (df - 1) // 2):
            term *= cosine2 * (2 * k) / (2 * k + 1)
            total += term
        inside = (2.0 / math.pi) * (theta + sine * math.cos(theta) * total)
    else:
        term, total = 1.0, 1.0
        for k in range(1, df // 2):
            term *= cosine2 * (2 * k - 1) / (2 * k)
            total += term
        inside = sine * total
    return min(max(1.0 - inside, 0.0), 1.0)


@functools.cache
def quantile(two_sided: float, df: int) -> float:
    """The t with ``two_sided_p(t, df) == two_sided`` (1.96... for 0.05 and a large df)."""
    low, high = 0.0, 1.0
    while two_sided_p(high, df) > two_sided:
        high *= 2.0
    for _ in range(200):
        middle = (low + high) / 2.0
        if two_sided_p(middle, df) > two_sided:
            low = middle
        else:
            high = middle
        if high - low < 1e-12 * high:
            break
    return high
