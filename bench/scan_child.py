"""Runs the overdue scan twice in a fresh process, as a worker would, and reports its
times and the process's peak memory. Arguments: database URL, number of open tasks."""

from __future__ import annotations

import json
import resource
import sys
import time


def main(database_url: str, n: int) -> None:
    from collab import create_app
    from collab.followup.alerts import announce, raise_alerts
    from collab.platform.clock import utcnow

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": "redis://127.0.0.1:1/0"}
    )
    with app.app_context():
        for case in ("overdue_scan", "overdue_rescan"):
            now = utcnow()
            start = time.perf_counter()
            _, created, _ = raise_alerts(now)
            raised = time.perf_counter()
            notified = announce(now)
            done = time.perf_counter()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            line = {
                "case": case,
                "n": n,
                "median_ms": round((raised - start) * 1000, 1),  # the scan: raise + close
                "fanout_ms": round((done - raised) * 1000, 1),  # notifications and e-mail
                "new_alerts": created,
                "notifications": notified,
                "peak_rss_mb": round(peak, 1),
            }
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
