#!/usr/bin/env bash
# `make run`: Redis (unless REDIS_URL is set), database upgrade, demo data on first run,
# an RQ worker with its scheduler, the periodic scheduler and the web app. Ctrl-C stops all.
#
# Each long-running process runs under `supervise`: when one exits (an RQ worker or
# `rq cron` losing Redis, a crash), it is started again after a pause that doubles up to
# RUN_MAX_BACKOFF seconds (default 30), and nothing else stops. So the web app keeps
# serving while Redis is away, and the workers and the scheduler come back with it.
#
# Settings: PORT, REDIS_URL, REDIS_PORT, DATABASE_URL, COLLAB_INSTANCE (default
# ./instance: the SQLite file, mail log, Redis data, demo logins), RUN_MAX_BACKOFF.
set -euo pipefail
cd "$(dirname "$0")/.."
export PORT=${PORT:-5000}
export FLASK_APP=wsgi
export COLLAB_INSTANCE=${COLLAB_INSTANCE:-$PWD/instance}
INSTANCE=$COLLAB_INSTANCE
BIN=$PWD/.venv/bin
MAX_BACKOFF=${RUN_MAX_BACKOFF:-30}
pids=()

stop_all() {
  local status=$?
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "run: stopped"
  exit "$status"
}
trap stop_all INT TERM EXIT

# supervise NAME COMMAND...: runs COMMAND in the background, again whenever it exits.
# A process that ran for a minute or more starts again after 1 s; one that keeps failing
# waits 1, 2, 4... up to MAX_BACKOFF seconds. TERM stops the process, then the loop.
supervise() {
  local name=$1
  shift
  (
    set +e
    child=0
    trap '[ "$child" -gt 0 ] && kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' TERM INT
    pause=1
    while true; do
      started=$SECONDS
      "$@" &
      child=$!
      wait "$child"
      status=$?
      if ((SECONDS - started >= 60)); then pause=1; fi
      echo "run: $name exited (status $status); starting it again in ${pause}s" >&2
      sleep "$pause" &
      child=$!
      wait "$child"
      child=0
      pause=$((pause * 2 > MAX_BACKOFF ? MAX_BACKOFF : pause * 2))
    done
  ) &
  pids+=($!)
}

redis_ping() { "$BIN/python" - "$1" <<'PY'
import sys, redis
try:
    sys.exit(0 if redis.Redis.from_url(sys.argv[1], socket_connect_timeout=0.3).ping() else 1)
except Exception:
    sys.exit(1)
PY
}

mkdir -p "$INSTANCE"
if [ -z "${REDIS_URL:-}" ]; then
  REDIS_PORT=${REDIS_PORT:-6379}
  export REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0"
  if redis_ping "$REDIS_URL"; then
    echo "run: a Redis already answers on 127.0.0.1:${REDIS_PORT}; using it"
  else
    mkdir -p "$INSTANCE/redis"
    supervise redis "$(scripts/redis-server-bin.sh)" --bind 127.0.0.1 --port "$REDIS_PORT" \
      --dir "$INSTANCE/redis" --save 60 1 --appendonly yes --protected-mode yes \
      --logfile "$INSTANCE/redis/redis.log"
    for _ in $(seq 50); do redis_ping "$REDIS_URL" && break; sleep 0.1; done
    redis_ping "$REDIS_URL" || { echo "run: Redis did not start ($INSTANCE/redis/redis.log)" >&2; exit 1; }
    echo "run: Redis on 127.0.0.1:${REDIS_PORT} (data in $INSTANCE/redis)"
  fi
fi

"$BIN/flask" db upgrade
if [ ! -f "$INSTANCE/demo-logins.txt" ]; then
  "$BIN/flask" seed-demo > "$INSTANCE/demo-logins.txt.tmp"
  mv "$INSTANCE/demo-logins.txt.tmp" "$INSTANCE/demo-logins.txt"
fi

# --with-scheduler: jobs that failed are retried (RQ keeps retries as scheduled jobs).
# --config workers.settings: the app is built once in the worker, not again for every job.
supervise worker "$BIN/rq" worker --with-scheduler --worker-class workers.worker.Worker --config workers.settings --url "$REDIS_URL" \
  --path "$PWD" high default low
supervise cron "$BIN/rq" cron --url "$REDIS_URL" --path "$PWD" workers/cron.py
supervise web "$BIN/flask" run --host 127.0.0.1 --port "$PORT"

sleep 1
echo
echo "collab is serving http://127.0.0.1:${PORT}"
cat "$INSTANCE/demo-logins.txt"
echo "Ctrl-C stops everything started here."
wait
