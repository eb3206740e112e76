"""After the load: wait for the queues to drain, then check that nothing was lost or done
twice. Correctness only; the figures are printed, never judged.

- no 5xx (nor a connection lost) outside the PostgreSQL restart;
- no lost update: every accepted PATCH got its own version, and each task ends as its last
  accepted PATCH left it (or as one whose answer never came, when such PATCHes came later);
- every e-mail row sent exactly once: the SMTP server got its Message-ID once, and nothing
  else; or it is listed as failed for operators;
- no duplicate alert, notification of an alert, or e-mail of a notification;
- the queues drained, and every job is done, failed (operators see it), or waiting for its
  retry; none marked queued that no queue holds; a job that was running in a worker killed
  outright is named, with the moment RQ will fail it. rq cron keeps ticking meanwhile, so a
  job in its queue after the drain is a new tick, not one left behind.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections import Counter

import psycopg
from redis import Redis
from rq import Queue, Worker
from rq.job import Job
from rq.registry import StartedJobRegistry

from bench.loadtest.faults import Fault
from bench.loadtest.stack import Stack
from bench.loadtest.traffic import Shared
from collab.platform.queue import QUEUES

# A request in flight when PostgreSQL went down may fail; so may one just after it is
# back, while each process's pool finds its connections dead.
POSTGRES_GRACE_SECONDS = 3.0
NOT_ENQUEUED = "SELECT count(*) FROM outbox_job WHERE enqueued_at IS NULL"


def _rows(stack: Stack, sql: str, *params) -> list[tuple]:
    with psycopg.connect(stack.env["DATABASE_URL"]) as connection:
        return connection.execute(sql, params).fetchall()


def _started(connection: Redis) -> list[tuple[Job, float]]:
    found = []
    for name in QUEUES:
        registry = StartedJobRegistry(name, connection=connection)
        for job_id, expires in connection.zrange(registry.key, 0, -1, withscores=True):
            job = Job.fetch(job_id.decode(), connection=connection)
            found.append((job, expires))
    return found


def live_workers(stack: Stack, connection: Redis) -> set[str]:
    """RQ keeps a worker killed outright registered for minutes: ask its process instead."""
    running = {s.pid for s in stack.named("worker")}
    return {w.name for w in Worker.all(connection=connection) if w.pid in running}


def drain(stack: Stack, seconds: float) -> dict:
    """Waits until no e-mail or job waits (what a worker killed mid-job held aside)."""
    connection = Redis.from_url(stack.redis.url)
    began = time.monotonic()
    state: dict = {}
    while True:
        (pending_mail,) = _rows(
            stack,
            "SELECT count(*) FROM outbox_email WHERE sent_at IS NULL AND failed_at IS NULL",
        )[0]
        ((pending_jobs,),) = _rows(stack, NOT_ENQUEUED)
        queued = sum(Queue(name, connection=connection).count for name in QUEUES)
        live = live_workers(stack, connection)
        running = [job for job, _ in _started(connection) if job.worker_name in live]
        state = {
            "email_pending": pending_mail,
            "jobs_not_enqueued": pending_jobs,
            "jobs_queued": queued,
            "jobs_running": len(running),
            "seconds": round(time.monotonic() - began, 1),
        }
        if not (pending_mail or pending_jobs or queued or running):
            state["drained"] = True
            return state
        if time.monotonic() - began > seconds:
            state["drained"] = False
            return state
        time.sleep(1)


def probe(stack: Stack, shared: Shared, rounds: int = 4) -> list[int]:
    """Reads after the run, spread over the web workers by their number: each answers, so
    none kept a connection that PostgreSQL's restart left dead."""
    seeded = shared.seeded
    prefix = f"{stack.web_url}/api/v1/orgs/{seeded.org}"
    paths = [
        f"{prefix}/tasks?limit=50",
        f"{prefix}/tasks/{seeded.pool[0]}",
        f"{prefix}/recommendations/{seeded.recommendations[0]}",
        f"{stack.web_url}/api/v1/me",
    ]
    statuses = []
    for _ in range(rounds):
        for path in paths:
            headers = {"Authorization": f"Bearer {seeded.tokens['cio']}"}
            request = urllib.request.Request(path, headers=headers)  # noqa: S310 (our server)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
            except OSError:
                statuses.append(0)
    return statuses


def http_check(shared: Shared, faults: list[Fault], probed: list[int]) -> dict:
    windows = [
        (f.started, f.ended + POSTGRES_GRACE_SECONDS)
        for f in faults
        if f.name == "restart PostgreSQL"
    ]
    failed = [s for s in shared.samples if s.status == 0 or s.status >= 500]

    def during_restart(sample) -> bool:
        ended = sample.started + sample.ms / 1000
        return any(sample.started <= end and ended >= start for start, end in windows)

    outside = [s for s in failed if not during_restart(s)]
    inside = [s for s in failed if during_restart(s)]
    after = [s for s in shared.samples if windows and s.started > windows[-1][1]]
    return {
        "ok": not outside and all(status == 200 for status in probed),
        "answered_after_postgres_restart": sum(1 for s in after if 0 < s.status < 500),
        "probed_after_the_run": probed,
        "failed_during_postgres_restart": len(inside),
        # When the first and the last of them started, from the restart's start (seconds).
        "failures_from_to_s": [
            round(min(s.started for s in inside) - windows[0][0], 1),
            round(max(s.started for s in inside) - windows[0][0], 1),
        ]
        if inside
        else None,
        "failed_outside": len(outside),
        "examples": [f"{s.endpoint}: {s.status or 'no answer'}" for s in outside[:5]],
    }


def lost_update_check(stack: Stack, shared: Shared) -> dict:
    patches = shared.patches
    ids = sorted(set(patches.accepted) | set(patches.unknown))
    final = {
        row[0]: {
            "version": row[1],
            "status": row[2],
            "team": row[3],
            "priority": row[4],
            "due_date": row[5].isoformat() if row[5] else None,
        }
        for row in _rows(
            stack,
            "SELECT id, version, status, team, priority, due_date FROM task WHERE id = ANY(%s)",
            ids,
        )
    }
    problems = []
    accepted_total = 0
    for task_id in ids:
        accepted = [entry["got"] for entry in patches.accepted.get(task_id, [])]
        unknown = patches.unknown.get(task_id, [])
        accepted_total += len(accepted)
        versions = Counter(state["version"] for state in accepted)
        twice = [v for v, n in versions.items() if n > 1]
        if twice:
            problems.append(f"task {task_id}: versions {twice} given to two PATCHes")
        now = final[task_id]
        if not accepted:
            continue
        last = max(accepted, key=lambda state: state["version"])
        first = min(versions)
        # Versions no accepted PATCH holds: only a PATCH whose answer was lost can hold them.
        unexplained = set(range(first, now["version"] + 1)) - set(versions)
        if now["version"] < last["version"]:
            problems.append(f"task {task_id}: at version {now['version']} after {last}")
        elif len(unexplained) > len(unknown):
            problems.append(f"task {task_id}: versions {sorted(unexplained)} unaccounted for")
        elif now["version"] == last["version"] and now != last:
            problems.append(f"task {task_id}: is {now}, its last accepted PATCH left {last}")
    return {
        "ok": not problems,
        "tasks": len(ids),
        "accepted_patches": accepted_total,
        "unknown_patches": sum(len(v) for v in patches.unknown.values()),
        "problems": problems[:10],
    }


def email_check(stack: Stack) -> dict:
    received = stack.mail.snapshot()
    domain = stack.env["MAIL_DOMAIN"]
    rows = _rows(stack, "SELECT id, sent_at IS NOT NULL, failed_at IS NOT NULL FROM outbox_email")
    sent = {f"<collab-outbox-{row_id}@{domain}>" for row_id, is_sent, _ in rows if is_sent}
    failed = [row_id for row_id, is_sent, is_failed in rows if is_failed and not is_sent]
    pending = [row_id for row_id, is_sent, is_failed in rows if not is_sent and not is_failed]
    twice = sorted(mid for mid, n in received.items() if n > 1)
    never_arrived = sorted(sent - set(received))
    unmarked = sorted(set(received) - sent)  # on the wire, not marked sent: would go again
    return {
        "ok": not (twice or never_arrived or unmarked or pending),
        "rows": len(rows),
        "sent": len(sent),
        "received": sum(received.values()),
        "failed_for_good": len(failed),
        "pending": len(pending),
        "received_twice": twice[:10],
        "marked_sent_never_received": never_arrived[:10],
        "received_not_marked_sent": unmarked[:10],
    }


def alert_check(stack: Stack) -> dict:
    duplicates = {
        "alerts": _rows(
            stack,
            "SELECT task_id, kind, level, due_date, count(*) FROM alert "
            "GROUP BY task_id, kind, level, due_date HAVING count(*) > 1",
        ),
        "notifications": _rows(
            stack,
            "SELECT user_id, alert_id, count(*) FROM notification WHERE alert_id IS NOT NULL "
            "GROUP BY user_id, alert_id HAVING count(*) > 1",
        ),
        "emails": _rows(
            stack,
            "SELECT notification_id, count(*) FROM outbox_email "
            "WHERE notification_id IS NOT NULL GROUP BY notification_id HAVING count(*) > 1",
        ),
    }
    ((alerts,),) = _rows(stack, "SELECT count(*) FROM alert")
    return {
        "ok": not any(duplicates.values()),
        "alerts": alerts,
        **{f"duplicate_{name}": len(found) for name, found in duplicates.items()},
    }


def job_check(stack: Stack) -> dict:
    connection = Redis.from_url(stack.redis.url)
    statuses: Counter[str] = Counter()
    failed = []  # what operators see on /admin/: which job, and the last line of its error
    # rq cron keeps ticking after the drain: a job in its queue now is a new tick (the drain
    # saw every queue empty). One being handed to a worker sits in the queue's hand-over list
    # (workers/worker.py; RQ's maintenance queues it again if its worker died before it
    # began). A job marked queued that neither holds would never run: lost.
    in_queues = set()
    for name in QUEUES:
        queue = Queue(name, connection=connection)
        in_queues |= {*queue.get_job_ids(), *queue.intermediate_queue.get_job_ids()}
    lost = []
    for key in connection.scan_iter("rq:job:*", count=1000):
        name = key.decode()
        if name.count(":") != 2:  # rq:job:<id> only; not its results or dependents
            continue
        job = Job.fetch(name.split(":", 2)[2], connection=connection)
        status = str(getattr(job.get_status(), "value", job.get_status()))
        statuses[status] += 1
        if status == "queued" and job.id not in in_queues:
            lost.append(f"{job.func_name} ({job.id})")
        if status == "failed":
            latest = job.latest_result()
            error = (latest.exc_string or "").strip().splitlines() if latest else []
            failed.append(f"{job.func_name}: {error[-1] if error else '?'}"[:200])
    live = live_workers(stack, connection)
    abandoned = [
        {
            "job": job.id,
            "function": job.func_name,
            "worker": job.worker_name,
            "failed_by_rq_in_s": round(expires - time.time()),
        }
        for job, expires in _started(connection)
        if job.worker_name not in live
    ]
    ((not_enqueued,),) = _rows(stack, NOT_ENQUEUED)
    waiting = len(lost) + statuses["deferred"]
    return {
        "ok": not (waiting or not_enqueued) and statuses["started"] == len(abandoned),
        "statuses": dict(statuses),
        "queued_in_no_queue": lost,
        "outbox_jobs_not_enqueued": not_enqueued,
        "failed": failed,
        "abandoned_by_killed_workers": abandoned,
    }


def judge(
    stack: Stack,
    shared: Shared,
    faults: list[Fault],
    fault_errors: list[str],
    planned: int,
    drained: dict,
) -> dict:
    checks = {
        # Every queue emptied after the load: nothing was left stuck (the jobs check then
        # reads what became of each job).
        "drained": {"ok": bool(drained.get("drained")), **drained},
        "faults_injected": {
            "ok": not fault_errors and len(faults) == planned,
            "injected": [fault.name for fault in faults],
            "errors": fault_errors,
        },
        "processes_restarted": restarts(stack, faults),
        "http": http_check(shared, faults, probe(stack, shared)),
        "lost_updates": lost_update_check(stack, shared),
        "email_once": email_check(stack),
        "duplicate_alerts": alert_check(stack),
        "jobs": job_check(stack),
    }
    return {"ok": all(check["ok"] for check in checks.values()), "checks": checks}


def restarts(stack: Stack, faults: list[Fault]) -> dict:
    """Every process runs at the end, however often it had to be started again, and the
    worker that was killed was started again."""
    found = {
        s.name: {"starts": len(s.starts), "running": s.pid is not None} for s in stack.supervised
    }
    killed = [f.detail for f in faults if "starts_before" in f.detail]
    came_back = all(found[k["process"]]["starts"] > k["starts_before"] for k in killed)
    return {
        "ok": came_back and all(p["running"] for p in found.values()),
        "killed_worker_restarted": came_back,
        "processes": found,
    }
