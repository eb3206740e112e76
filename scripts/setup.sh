#!/usr/bin/env bash
# Idempotent set-up: a virtualenv with the pinned packages, the pinned front-end files,
# and the instance folder. Re-installs only what changed since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
py_stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$py_stamp" ]; then
  echo "setup: installing Python packages"
  {
    .venv/bin/pip install --disable-pip-version-check --upgrade pip &&
    .venv/bin/pip install --disable-pip-version-check -e '.[dev,server]'
  } > .venv/install.log 2>&1 || { cat .venv/install.log; echo "setup: pip failed" >&2; exit 1; }
  rm -f .venv/.installed-*
  touch "$py_stamp"
fi

js_stamp="static/vendor/.installed-$(cat package.json package-lock.json | sha256sum | cut -c1-16)"
if [ ! -f "$js_stamp" ]; then
  if ! command -v npm >/dev/null; then
    echo "setup: npm is needed to fetch htmx and Sortable (apt-get install npm)" >&2
    exit 1
  fi
  echo "setup: fetching front-end libraries from the npm registry"
  npm ci --no-audit --no-fund --loglevel=error
  rm -rf static/vendor
  mkdir -p static/vendor
  cp node_modules/htmx.org/dist/htmx.min.js node_modules/sortablejs/Sortable.min.js static/vendor/
  touch "$js_stamp"
fi
mkdir -p instance
