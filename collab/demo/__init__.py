"""Demo data for `make run` and `flask seed-demo`."""
