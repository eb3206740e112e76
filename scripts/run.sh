#!/usr/bin/env bash
# `make run`: Redis (unless REDIS_URL is set), database upgrade, demo data on first run,
# an RQ worker, the periodic scheduler and the web app. Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PORT=${PORT:-5000}
export FLASK_APP=wsgi
BIN=.venv/bin
pids=()

stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "run: stopped"
}
trap stop_all INT TERM EXIT

redis_ping() { "$BIN/python" - "$1" <<'PY'
import sys, redis
try:
    sys.exit(0 if redis.Redis.from_url(sys.argv[1], socket_connect_timeout=0.3).ping() else 1)
except Exception:
    sys.exit(1)
PY
}

if [ -z "${REDIS_URL:-}" ]; then
  REDIS_PORT=${REDIS_PORT:-6379}
  export REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0"
  if redis_ping "$REDIS_URL"; then
    echo "run: a Redis already answers on 127.0.0.1:${REDIS_PORT}; using it"
  else
    mkdir -p instance/redis
    "$(scripts/redis-server-bin.sh)" --bind 127.0.0.1 --port "$REDIS_PORT" \
      --dir "$PWD/instance/redis" --save 60 1 --appendonly yes --protected-mode yes \
      --logfile "$PWD/instance/redis/redis.log" &
    pids+=($!)
    for _ in $(seq 50); do redis_ping "$REDIS_URL" && break; sleep 0.1; done
    redis_ping "$REDIS_URL" || { echo "run: Redis did not start (instance/redis/redis.log)" >&2; exit 1; }
    echo "run: Redis on 127.0.0.1:${REDIS_PORT} (data in instance/redis)"
  fi
fi

"$BIN/flask" db upgrade
if [ ! -f instance/demo-logins.txt ]; then
  "$BIN/flask" seed-demo > instance/demo-logins.txt.tmp
  mv instance/demo-logins.txt.tmp instance/demo-logins.txt
fi

"$BIN/rq" worker --url "$REDIS_URL" --path "$PWD" high default low &
pids+=($!)
"$BIN/rq" cron --url "$REDIS_URL" --path "$PWD" workers/cron.py &
pids+=($!)
"$BIN/flask" run --host 127.0.0.1 --port "$PORT" &
pids+=($!)

sleep 1
echo
echo "collab is serving http://127.0.0.1:${PORT}"
cat instance/demo-logins.txt
echo "Ctrl-C stops everything started here."
wait -n "${pids[@]}" || true
