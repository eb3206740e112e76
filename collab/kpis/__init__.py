"""The numbers: what a metric is (metrics, custom_metrics), getting them in (input,
recording, month_grid), reading them (totals, listing), and the before/after statistics
(statistics gathers the evidence from a daily series, verdicts judges it)."""
