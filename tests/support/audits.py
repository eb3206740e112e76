"""Audit files for tests: the fixtures as the tools wrote them, and Lighthouse reports of later
runs (a later date, some audits passing now, other pages), made from the public sample."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

FIXTURES = Path(__file__).parents[1] / "fixtures" / "audits"
PAGE = "http://localhost:10200/dobetterweb/dbw_tester.html"


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


@cache
def _sample(name: str) -> dict:
    return json.loads((FIXTURES / "lighthouse" / name).read_text(encoding="utf-8"))


def lighthouse(
    fetch_time: str = "2026-04-23T16:18:53.230Z",
    *,
    url: str | None = None,
    passing: tuple[str, ...] = (),
    form_factor: str = "desktop",
    base: str = "v13_desktop.json",
    runtime_error: bool = False,
) -> bytes:
    """The v13 sample run at ``fetch_time`` on ``url``, with the audits in ``passing`` now
    scoring 1 (their items gone), as Lighthouse would write it."""
    report = copy.deepcopy(_sample(base))
    report["fetchTime"] = fetch_time
    if url:
        report["requestedUrl"] = report["finalUrl"] = report["finalDisplayedUrl"] = url
    report["configSettings"]["formFactor"] = form_factor
    for audit_id in passing:
        audit = report["audits"][audit_id]
        audit["score"] = 1
        audit.pop("displayValue", None)
        if isinstance(audit.get("details"), dict):
            audit["details"]["items"] = []
    if runtime_error:
        report["runtimeError"] = {"code": "NO_FCP", "message": "The page did not paint"}
    return json.dumps(report).encode()


def failing_ids(report: bytes) -> set[str]:
    audits = json.loads(report)["audits"]
    return {
        key
        for key, audit in audits.items()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") not in ("informative", "notApplicable", "manual", "error")
    }
