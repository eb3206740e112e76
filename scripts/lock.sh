#!/usr/bin/env bash
# `make lock`: regenerates requirements.lock from pyproject.toml. Every transitive dependency
# is pinned with the hashes of all its files on PyPI, so `make setup` installs exactly these
# bytes. Pins already in the lock are kept: a new or changed pin in pyproject.toml moves only
# what it must (`make lock UPGRADE=1` re-resolves everything to the newest allowed versions).
#
# Markers (greenlet on x86_64, colorama on Windows, ...) are resolved for the machine that runs
# this, so run it where the project runs: CPython 3.11 on Linux x86_64, like CI.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/pip-compile ]; then
  # A fresh clone: pip-tools is pinned in the dev extra, so the current lock brings it.
  [ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
  echo "lock: installing pip-tools from the current lock"
  .venv/bin/python -m pip install --disable-pip-version-check --require-hashes \
    -r requirements.lock > .venv/install.log 2>&1 \
    || { cat .venv/install.log; echo "lock: pip failed" >&2; exit 1; }
fi
.venv/bin/python - <<'PY'
import platform, sys
if sys.version_info[:2] != (3, 11) or sys.platform != "linux" or platform.machine() != "x86_64":
    sys.exit(f"lock: run this on CPython 3.11, Linux x86_64 (this is {sys.version_info[:2]}, "
             f"{sys.platform}, {platform.machine()}): markers resolve for the machine that locks")
PY

upgrade=()
[ -n "${UPGRADE:-}" ] && upgrade=(--upgrade)
# --build-deps-for editable: setuptools from [build-system], so setup.sh installs the project
#   without build isolation and nothing is fetched unhashed.
# --allow-unsafe: pip and setuptools are pinned too.
# --strip-extras: psycopg[binary] becomes psycopg + psycopg-binary, each pinned on its own.
# --no-emit-*: this machine's mirrors and wheel folders stay out of the file.
CUSTOM_COMPILE_COMMAND="make lock" .venv/bin/pip-compile --quiet "${upgrade[@]}" \
  --extra dev --extra server --build-deps-for editable \
  --allow-unsafe --strip-extras --generate-hashes \
  --no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
  --output-file requirements.lock pyproject.toml
echo "lock: requirements.lock written; \`make setup\` installs it"
