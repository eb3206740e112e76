"""The public name of the impact statistics (API.md: ``collab.impact.measure_change``)."""

from collab.kpis.statistics import measure_change

__all__ = ["measure_change"]
