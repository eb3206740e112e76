"""collab.kpis.metrics: what each metric is called and how its values read, by unit."""

from __future__ import annotations

import pytest

from collab.kpis.metrics import (
    DEFAULT_METRICS,
    UNITS,
    MetricDef,
    format_change,
    format_full,
    format_short,
    metric_label,
    unit_of,
)


@pytest.mark.parametrize(
    ("metric", "label"),
    [
        ("lcp_ms", "page load time (LCP, ms)"),
        ("organic_sessions", "organic sessions"),
        ("cost_per_lead", "cost per lead"),
        ("romi", "ROMI"),
        ("leads", "leads"),
        ("demo_requests", "demo requests"),  # an organisation's own metric
    ],
)
def test_every_metric_reads_as_people_call_it(metric, label):
    assert metric_label(metric) == label


def test_every_built_in_metric_has_a_known_unit_and_its_own_metrics_a_label():
    assert all(metric.unit in UNITS for metric in DEFAULT_METRICS.values())
    assert MetricDef("demo_requests", "count", lower_is_better=False).label == "demo requests"
    assert unit_of("spend") == "money" and unit_of("demo_requests") == ""


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (0, "", "0"),
        (14.0, "count", "14"),  # a whole number of leads reads as one, whatever its type
        (1234.5, "", "1,234"),
        (12.345, "", "12.3"),
        (2.5, "percent", "2.50%"),
        (0.0342, "ratio", "0.034"),
        (float("nan"), "", "—"),
        (None, "money", "—"),
    ],
)
def test_short_figures_for_axes_and_tables(value, unit, text):
    assert format_short(value, unit) == text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1250, "money", "1,250.00"),
        (42, "count", "42"),
        (2450.0, "ms", "2,450"),
        (12345.6, "count", "12,345.6"),
        (47.25, "percent", "47.25"),
        (0.0325, "percent", "0.0325"),
        (1.5, "ratio", "1.50"),
    ],
)
def test_full_figures_for_sentences(value, unit, text):
    assert format_full(value, unit) == text


@pytest.mark.parametrize(
    ("change", "text"), [(12.0, "+12.0%"), (-8.04, "-8.0%"), (0.02, "0.0%"), (3.46, "+3.5%")]
)
def test_changes_are_signed_with_one_decimal(change, text):
    assert format_change(change) == text
