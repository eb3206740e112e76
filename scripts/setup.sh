#!/usr/bin/env bash
# Idempotent set-up: a virtualenv with the locked packages (requirements.lock, every file's hash
# checked), the pinned front-end files, the compiled message catalogues (translations/*.mo,
# not kept in git) and the instance folder. Re-installs only what changed
# since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
# The stamp covers both inputs: a new pin in pyproject.toml, or a relocked transitive one,
# reinstalls.
py_stamp=".venv/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
if [ ! -f "$py_stamp" ]; then
  # Every pin in pyproject.toml must be the lock's pin too, or CI would install something else.
  .venv/bin/python - <<'PY' || exit 1
import re, sys, tomllib
from pathlib import Path

def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()

project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
wanted = list(project["dependencies"])
for extra in ("dev", "server"):
    wanted += project["optional-dependencies"][extra]
lock = Path("requirements.lock").read_text(encoding="utf-8")
locked = {norm(n): v for n, v in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", lock, re.M)}
stale = []
for spec in wanted:
    pin = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==(\S+)", spec)
    if pin is None:
        stale.append(f"{spec} (pin it: name==version)")
    elif locked.get(norm(pin[1])) != pin[2]:
        stale.append(f"{spec} (lock: {locked.get(norm(pin[1]), 'absent')})")
if stale:
    sys.exit("setup: requirements.lock does not match pyproject.toml: "
             + ", ".join(stale) + "; run `make lock` and commit requirements.lock")
PY
  echo "setup: installing Python packages from requirements.lock"
  {
    # pip itself is pinned in the lock; the project goes in last, without build isolation
    # (its setuptools comes from the lock) and without dependencies (they are all above).
    .venv/bin/python -m pip install --disable-pip-version-check --require-hashes \
      -r requirements.lock &&
    .venv/bin/python -m pip install --disable-pip-version-check --no-deps \
      --no-build-isolation -e . &&
    .venv/bin/python -m pip check
  } > .venv/install.log 2>&1 || { cat .venv/install.log; echo "setup: pip failed" >&2; exit 1; }
  rm -f .venv/.installed-*
  touch "$py_stamp"
fi

js_stamp="static/vendor/.installed-$(cat package.json package-lock.json | sha256sum | cut -c1-16)"
if [ ! -f "$js_stamp" ]; then
  if ! command -v npm >/dev/null; then
    echo "setup: npm is needed to fetch htmx, its SSE extension, Sortable and axe-core (apt-get install npm)" >&2
    exit 1
  fi
  echo "setup: fetching front-end libraries from the npm registry"
  npm ci --no-audit --no-fund --loglevel=error
  rm -rf static/vendor
  mkdir -p static/vendor
  # axe-core is for the browser tests only (they inject it into each page); no page loads it.
  cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx-ext-sse/dist/sse.min.js \
    node_modules/sortablejs/Sortable.min.js node_modules/axe-core/axe.min.js static/vendor/
  touch "$js_stamp"
fi
mkdir -p instance
# Pages in Russian read the compiled catalogue; a fuzzy (unchecked) message stays English.
.venv/bin/pybabel -q compile -d translations
