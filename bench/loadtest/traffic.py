"""Many API clients at once, each a thread with its own keep-alive connection, doing what
agencies' scripts and the board do: filing recommendations, listing, reading, PATCHing
with the version they last saw, moving their own tasks through the lifecycle, commenting.

Every answer is kept (endpoint, status, when, how long) for the figures, and every PATCH
for the lost-update check: accepted ones with the version the server gave them, those
without an answer (5xx, connection lost) as "unknown": they may or may not have happened."""

from __future__ import annotations

import datetime as dt
import http.client
import itertools
import json
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.loadtest.seed import Seeded

READERS = ("cio", "cmo", "it", "marketing", "agency")
CATEGORIES = (
    "broken_links",
    "page_speed",
    "meta_tags",
    "landing_page",
    "content_gaps",
    "redirects",
)
# Operation -> weight: mostly reads, as a board and scripts do.
MIX = {
    "list": 26,
    "task": 20,
    "recommendation": 8,
    "patch": 22,
    "comment": 11,
    "file": 12,
    "queues": 1,
}
NEXT_STATUS = {"triage": "todo", "todo": "in_progress", "in_progress": "done"}
PAST, FUTURE = dt.date(2020, 1, 1), dt.date(2040, 1, 1)


@dataclass(frozen=True)
class Sample:
    endpoint: str
    status: int  # 0: no answer (connection refused, reset, timed out)
    started: float  # time.monotonic()
    ms: float


@dataclass
class Patches:
    """What the clients asked of each task and what the server said."""

    accepted: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))
    unknown: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))


class Shared:
    """What the clients know together: the versions last seen, the work filed so far."""

    def __init__(self, seeded: Seeded):
        self.seeded = seeded
        self.lock = threading.Lock()
        self.versions: dict[int, int] = {}
        self.tasks = list(seeded.tasks)
        self.recommendations = list(seeded.recommendations)
        self.patches = Patches()
        self.samples: list[Sample] = []
        self._dates = itertools.count(1)

    def unique_due_date(self) -> str:
        """Every PATCH sets a date no other PATCH sets, so the final state names its PATCH.
        Half are long past (the scan alerts on them), half far ahead."""
        with self.lock:
            n = next(self._dates)
        base = PAST if n % 2 else FUTURE
        return (base + dt.timedelta(days=n)).isoformat()


class Client(threading.Thread):
    def __init__(self, number: int, base_url: str, shared: Shared, deadline: float):
        super().__init__(name=f"client-{number}", daemon=True)
        self.number = number
        self.shared = shared
        self.deadline = deadline
        self.rng = random.Random(number)
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.prefix = f"/api/v1/orgs/{shared.seeded.org}"
        self.connection: http.client.HTTPConnection | None = None
        self.idle_since = 0.0
        self.mine: list[dict] = []  # tasks this client filed: {id, version, status, team}
        self.filed = 0

    # --- one request --------------------------------------------------------------------

    def call(self, method: str, path: str, role: str, endpoint: str, body=None):
        """(status, parsed JSON or None); status 0 when no answer came."""
        headers = {"Authorization": f"Bearer {self.shared.seeded.tokens[role]}"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        # gunicorn closes a keep-alive connection idle for 5 s; never send on one that old.
        if self.connection is not None and time.monotonic() - self.idle_since > 3:
            self.connection.close()
            self.connection = None
        started = time.monotonic()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            raw = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            status, raw = 0, b""
        finished = time.monotonic()
        self.idle_since = finished
        with self.shared.lock:
            self.shared.samples.append(
                Sample(endpoint, status, started, (finished - started) * 1000)
            )
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, None

    # --- the operations -----------------------------------------------------------------

    def run(self) -> None:
        operations = list(MIX)
        weights = [MIX[name] for name in operations]
        while time.monotonic() < self.deadline:
            getattr(self, "do_" + self.rng.choices(operations, weights)[0])()
        if self.connection is not None:
            self.connection.close()

    def any_task(self) -> int:
        with self.shared.lock:
            return self.rng.choice(self.shared.tasks)

    def do_list(self) -> None:
        limit = self.rng.choice((10, 50))
        query = f"limit={limit}"
        if self.rng.random() < 0.3:
            query += "&status=" + self.rng.choice(("triage", "todo", "in_progress", "done"))
        role = self.rng.choice(READERS)
        status, answer = self.call(
            "GET", f"{self.prefix}/tasks?{query}", role, f"GET tasks?limit={limit}"
        )
        if status == 200 and answer.get("next_cursor") and self.rng.random() < 0.3:
            self.call(
                "GET",
                f"{self.prefix}/tasks?{query}&cursor={answer['next_cursor']}",
                role,
                f"GET tasks?limit={limit}",
            )

    def do_task(self) -> None:
        self.read_task(self.any_task(), self.rng.choice(READERS))

    def read_task(self, task_id: int, role: str = "cio"):
        status, answer = self.call("GET", f"{self.prefix}/tasks/{task_id}", role, "GET task")
        if status == 200:
            with self.shared.lock:
                self.shared.versions[task_id] = answer["version"]
        return answer if status == 200 else None

    def do_recommendation(self) -> None:
        with self.shared.lock:
            rec = self.rng.choice(self.shared.recommendations)
        role = self.rng.choice(READERS)
        self.call("GET", f"{self.prefix}/recommendations/{rec}", role, "GET recommendation")

    def do_file(self) -> None:
        self.filed += 1
        n = self.filed
        body = {
            "title": f"Client {self.number} finding {n}: compress the images of page {n}",
            # People paste multi-line text; e-mail subjects made from it must still go out.
            "description": f"Found in crawl {n}.\r\nPages:\n- /page-{n}\n- /page-{n}/amp",
            "category": self.rng.choice(CATEGORIES),
            "priority": self.rng.choice(("urgent", "high", "medium", "low")),
            "due_date": (
                dt.date.today() + dt.timedelta(days=self.rng.randint(-10, 30))
            ).isoformat(),
            "urls": [f"https://example.com/page-{self.number}-{n}"],
        }
        status, answer = self.call(
            "POST", f"{self.prefix}/recommendations", "agency", "POST recommendations", body
        )
        if status == 201:
            with self.shared.lock:
                self.shared.recommendations.append(answer["id"])
                for task in answer["tasks"]:
                    self.shared.tasks.append(task["id"])
            self.mine.extend(
                {k: task[k] for k in ("id", "version", "status", "team")}
                for task in answer["tasks"]
            )

    def do_patch(self) -> None:
        # Now and then a client moves a task it filed along (to done: an impact job).
        if self.mine and self.rng.random() < 0.15:
            self.advance_own_task()
            return
        task_id = self.rng.choice(self.shared.seeded.pool)
        with self.shared.lock:
            version = self.shared.versions.get(task_id)
        if version is None:
            task = self.read_task(task_id)
            if task is None:
                return
            version = task["version"]
        body = {"version": version, "due_date": self.shared.unique_due_date()}
        if self.rng.random() < 0.25:
            body["priority"] = self.rng.choice(("urgent", "high", "medium", "low"))
        self.patch(task_id, body)

    def advance_own_task(self) -> None:
        task = self.mine[0]
        body = {"version": task["version"], "status": NEXT_STATUS[task["status"]]}
        if task["team"] is None:
            body["team"] = "it"  # a director routes what no rule could
        answer = self.patch(task["id"], body)
        if answer is not None:
            task.update(version=answer["version"], status=answer["status"], team=answer["team"])
        else:
            self.mine.pop(0)  # refused or unknown: leave it, it is someone else's now
            return
        if task["status"] == "done":
            self.mine.pop(0)

    def patch(self, task_id: int, body: dict):
        status, answer = self.call(
            "PATCH", f"{self.prefix}/tasks/{task_id}", "cio", "PATCH task", body
        )
        patches = self.shared.patches
        with self.shared.lock:
            if status == 200:
                self.shared.versions[task_id] = answer["version"]
                patches.accepted[task_id].append({"asked": body, "got": _state(answer)})
            elif status == 409 and answer:
                self.shared.versions[task_id] = answer["error"]["current"]["version"]
            elif status == 0 or status >= 500:
                patches.unknown[task_id].append({"asked": body})
        return answer if status == 200 else None

    def do_comment(self) -> None:
        role = self.rng.choice(("agency", "agency", "it", "cmo"))
        body = {
            "body": f"Checked by client {self.number}.\nStill broken on mobile:\r\n- step 1\n- 2"
        }
        self.call(
            "POST", f"{self.prefix}/tasks/{self.any_task()}/comments", role, "POST comment", body
        )

    def do_queues(self) -> None:
        self.call("GET", "/api/v1/admin/queues", "operator", "GET admin/queues")


def _state(task: dict) -> dict:
    """The fields a PATCH may set, as the server answered them."""
    return {k: task[k] for k in ("version", "status", "team", "priority", "due_date")}


def run(base_url: str, shared: Shared, clients: int, seconds: float) -> list[Client]:
    deadline = time.monotonic() + seconds
    threads = [Client(n, base_url, shared, deadline) for n in range(clients)]
    for thread in threads:
        thread.start()
    return threads
