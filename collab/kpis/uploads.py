"""A KPI file between its preview and its import, and the import of a file too long to wait
for.

The preview checks every line and keeps the text on disk for a day under a random token, so
the person confirms what they saw without sending it again. Files of up to SYNC_IMPORT_ROWS
data rows import while the browser waits; longer ones in a worker (job kpi-import-<token>),
whose progress the page follows.

When the job queue cannot be reached, a long file is not imported inside the request
instead: that could outlast the web server's timeout and would hold a web worker for a
minute. start_import raises QueueAway, the file stays kept, and confirming again once the
queue is back starts the import; the page says so.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from flask import current_app

from collab.kpis import input as kpi_input
from collab.kpis import recording
from collab.models import Organization
from collab.platform import queue
from collab.platform.errors import ValidationFailed

SYNC_IMPORT_ROWS = 5_000
KEEP_SECONDS = 24 * 3600
PREVIEW_ROWS = 20
IMPORT_JOB = "workers.kpi_jobs.import_kpis"
_TOKEN = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Preview:
    token: str
    summary: dict  # kpi_input.summarise: rows, metrics, from, to, channels
    plan: dict  # inserted, updated, unchanged, were it imported now
    first_rows: list[kpi_input.Observation]
    in_background: bool


def decode(data: bytes) -> str:
    # Excel on a Russian Windows saves CSV as cp1251; everything else we meet is UTF-8.
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed("the file is not text", {"file": "save it as CSV (UTF-8)"})


def data_rows(text: str) -> int:
    return max(sum(1 for line in text.splitlines() if line.strip()) - 1, 0)


def imports_in_background(text: str) -> bool:
    return data_rows(text) > SYNC_IMPORT_ROWS


def preview(org: Organization, upload: bytes | str) -> Preview:
    """Checks every line (ValidationFailed, nothing kept) and keeps the clean file."""
    text = decode(upload) if isinstance(upload, bytes) else upload
    if not text.strip():
        raise ValidationFailed(
            "Nothing to import.", {"file": "choose a CSV file (or paste its lines)"}
        )
    observations = recording.parse_upload(org, text)
    return Preview(
        token=_keep(org, text),
        summary=kpi_input.summarise(observations),
        plan=recording.plan_kpis(org, observations),
        first_rows=observations[:PREVIEW_ROWS],
        in_background=imports_in_background(text),
    )


def _folder(org: Organization) -> Path:
    folder = Path(current_app.config["INSTANCE_PATH"]) / "kpi-uploads" / str(org.id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _keep(org: Organization, text: str) -> str:
    folder = _folder(org)
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.glob("*.csv"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}.csv").write_text(text, encoding="utf-8")
    return token


def kept(org: Organization, token: str) -> str | None:
    """The previewed file, or None when the token is not one of this organisation's kept
    files (expired, imported already, or made up)."""
    if not _TOKEN.fullmatch(token):
        return None
    path = _folder(org) / f"{token}.csv"
    if not path.exists() or path.stat().st_mtime < time.time() - KEEP_SECONDS:
        return None
    return path.read_text(encoding="utf-8")


def forget(org: Organization, token: str) -> None:
    if _TOKEN.fullmatch(token):
        (_folder(org) / f"{token}.csv").unlink(missing_ok=True)


# --- a long file, in a worker --------------------------------------------------------------


def _job_id(token: str) -> str:
    return f"kpi-import-{token}"


def start_import(org: Organization, token: str, text: str) -> None:
    """Hands a kept file to a worker. Confirming twice starts it once. Raises QueueAway
    (the file stays kept)."""
    queue.enqueue(
        IMPORT_JOB,
        org.id,
        text,
        job_id=_job_id(token),
        meta={"org_id": org.id, "done": 0, "total": data_rows(text), "stage": "queued"},
    )
    forget(org, token)


def import_in_stages(org: Organization, text: str, progress: Callable[..., None]) -> dict[str, int]:
    """The worker's import: every line checked, then every row written, all or nothing
    (DomainError, no commit). progress(done, total, stage) says where it is."""
    progress(0, 0, "checking")
    observations = recording.parse_upload(org, text)
    progress(0, len(observations))
    counts = recording.record_kpis(org, observations, progress)
    progress(len(observations), len(observations), "saving")
    return counts


@dataclass(frozen=True)
class ImportProgress:
    token: str
    stage: str  # queued, checking, writing, saving, done
    done: int
    total: int
    result: dict | None = None  # the counts, once imported
    error: str | None = None  # why nothing was imported
    fields: dict | None = None

    @property
    def finished(self) -> bool:
        return self.result is not None or self.error is not None

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


def import_progress(org: Organization, token: str) -> ImportProgress | None:
    """Where the background import of ``token`` is; None when this organisation has no such
    import (expired after a day, or another organisation's). Raises QueueAway."""
    if not _TOKEN.fullmatch(token):
        return None
    state = queue.job_state(_job_id(token))
    if state is None or state.meta.get("org_id") != org.id:
        return None
    meta = state.meta
    progress = ImportProgress(
        token=token,
        stage=meta.get("stage", "queued"),
        done=int(meta.get("done") or 0),
        total=int(meta.get("total") or 0),
    )
    if state.status == "finished":
        result = state.result or {}
        if "error" in result:
            return replace(progress, error=result["error"], fields=result.get("fields") or {})
        return replace(progress, result=result)
    if state.status in ("failed", "stopped", "canceled"):
        return replace(progress, error="the import stopped with an error; nothing was imported")
    return progress
