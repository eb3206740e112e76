"""The impact object's verdict, materiality, detectable change and method in the OpenAPI
document (API.md's impact shape). The route and the rest of the schema live in
collab.api.kpis; this module amends its "Impact" schema once that has registered it.
"""

from __future__ import annotations

from collab.api import kpis  # noqa: F401  (registers SCHEMAS["Impact"] first)
from collab.api.openapi import SCHEMAS

_NUMBER_OR_NULL = {"type": ["number", "null"]}

SCHEMAS["Impact"]["properties"].update(
    {
        "verdict": {
            "enum": ["improved", "worsened", "no_change", "inconclusive", None],
            "description": "improved/worsened: the 95% interval excludes zero (by the metric's "
            "good direction); no_change: the interval lies within plus or minus material_pct "
            "(edges included); inconclusive: otherwise. null while waiting for data.",
        },
        "material_pct": {
            "type": "number",
            "description": "the metric's materiality in percent (10 unless its organisation's "
            "directors chose otherwise)",
        },
        "mde_pct": {
            **_NUMBER_OR_NULL,
            "description": "the smallest change this measurement detects with 80% power at the "
            "5% level, in percent (about 2.8 standard errors); null without an interval",
        },
        "method": {
            "type": "object",
            "description": "how the change was measured",
            "properties": {
                "model": {
                    "enum": ["level", "trend", "last_year", "control", None],
                    "description": "what stands for the metric without the work: nothing "
                    "(level), its pre-work trend, the same weeks last year, or a control metric",
                },
                "control": {"type": ["string", "null"]},
                "expected_pct": {
                    **_NUMBER_OR_NULL,
                    "description": "the move the model expected without the work, taken out "
                    "of change_pct",
                },
                "calibration": {"enum": ["placebo", "both", "noise_model", None]},
                "placebo_dates": {"type": "integer"},
                "degrees_of_freedom": {"type": ["integer", "null"]},
                "history_days": {"type": "integer"},
            },
        },
    }
)
