"""The numbers: what a metric is (metrics, custom_metrics, money), getting them in (input,
files, file_imports, uploads, recording, month_grid), reading them (totals, headlines,
listing), and the before/after statistics (statistics gathers the evidence from a daily
series, verdicts judges it)."""
