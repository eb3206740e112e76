# Thin targets over scripts/: see README.md.
.PHONY: setup run test bench lint lock architecture loadtest translations

setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/run.sh

test: setup
	.venv/bin/ruff check .
	.venv/bin/lint-imports
	.venv/bin/vulture
	.venv/bin/pytest $(PYTEST_ARGS)

bench: setup
	@.venv/bin/python -m bench

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	.venv/bin/vulture

# After changing a pin in pyproject.toml: re-resolve requirements.lock (UPGRADE=1: everything).
# Not behind setup, which refuses a lock that no longer matches pyproject.toml.
lock:
	@bash scripts/lock.sh

# After marking new messages for translation: merge them into translations/ru's catalogue
# (then translate them; `make setup` compiles it).
translations: setup
	@bash scripts/translations.sh

# After adding, removing or resizing modules: rewrite docs/architecture.md from the code and
# pyproject.toml's contracts (tests/unit/test_architecture_doc.py fails until it is current).
architecture: setup
	@.venv/bin/python scripts/architecture.py

# The production processes of deploy/processes.toml on this machine, under load and faults:
# prints requests a second and p50/p95/p99 per endpoint, exits 1 if anything was lost.
# 32 clients for 60 s; LOADTEST_SECONDS, LOADTEST_CLIENTS... change it (bench/loadtest).
loadtest: setup
	@.venv/bin/python -m bench.loadtest
