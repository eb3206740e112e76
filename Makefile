# Thin targets over scripts/: see README.md.
.PHONY: setup run test bench lint loadtest

setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/run.sh

test: setup
	.venv/bin/ruff check .
	.venv/bin/lint-imports
	.venv/bin/pytest $(PYTEST_ARGS)

bench: setup
	@.venv/bin/python -m bench

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# The production processes of deploy/processes.toml on this machine, under load and faults:
# prints requests a second and p50/p95/p99 per endpoint, exits 1 if anything was lost.
# 32 clients for 60 s; LOADTEST_SECONDS, LOADTEST_CLIENTS... change it (bench/loadtest).
loadtest: setup
	@.venv/bin/python -m bench.loadtest
