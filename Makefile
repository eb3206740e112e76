# Thin targets over scripts/: see README.md.
.PHONY: setup run test bench lint lock architecture

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

# After adding, removing or resizing modules: rewrite docs/architecture.md from the code and
# pyproject.toml's contracts (tests/unit/test_architecture_doc.py fails until it is current).
architecture: setup
	@.venv/bin/python scripts/architecture.py
