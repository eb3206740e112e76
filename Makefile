# Thin targets over scripts/: see README.md.
.PHONY: setup run test bench lint

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
