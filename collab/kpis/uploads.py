"""A KPI file between its preview and its import, and the import of a file too long to wait
for.

The preview reads the whole file (collab.kpis.file_imports) and keeps its bytes, as they were
uploaded (ZIPs and workbooks are binary), on disk for a day under a random token, so the
person confirms what they saw, or chooses metrics for its unmapped columns, without sending it
again. Files of up to SYNC_IMPORT_ROWS observations import while the browser waits; longer ones
in a worker (job kpi-import-<token>), whose progress the page follows. The worker reads the
kept file from the same instance folder (COLLAB_INSTANCE), so the web app and the workers
must share it, as `make run` and deploy/ arrange.

When the job queue cannot be reached, a long file is not imported inside the request
instead: that could outlast the web server's timeout and would hold a web worker for a
minute. start_import raises QueueAway, the file stays kept, and confirming again once the
queue is back starts the import; the page says so.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from flask import current_app
from flask_babel import gettext

from collab.kpis import file_imports
from collab.kpis.files import KpiFile, UnmappedColumn
from collab.kpis.input import Observation
from collab.models import Organization
from collab.platform import queue
from collab.platform.i18n import current_language

SYNC_IMPORT_ROWS = 5_000
KEEP_SECONDS = 24 * 3600
PREVIEW_ROWS = 20
IMPORT_JOB = "workers.kpi_jobs.import_kpis"
_TOKEN = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class KeptFile:
    token: str
    name: str
    channel: str | None
    data: bytes
    rows: int = 0  # observations found when it was last previewed

    @property
    def in_background(self) -> bool:
        return self.rows > SYNC_IMPORT_ROWS


@dataclass(frozen=True)
class Preview:
    """What the page shows before anything is written. ``read`` is None when no column of
    the file maps to a metric yet: ``unmapped`` then says what could, and ``problem`` why."""

    token: str
    name: str
    channel: str | None
    read: KpiFile | None
    plan: dict | None  # inserted, updated, unchanged, were it imported now
    unmapped: tuple[UnmappedColumn, ...]
    problem: str = ""

    @property
    def first_rows(self) -> list[Observation]:
        return list(self.read.observations[:PREVIEW_ROWS]) if self.read else []

    @property
    def rows(self) -> int:
        return len(self.read.observations) if self.read else 0

    @property
    def in_background(self) -> bool:
        return self.rows > SYNC_IMPORT_ROWS

    @property
    def channels(self) -> list[str]:
        return sorted({o.channel for o in self.read.observations}) if self.read else []


def preview(
    org: Organization, name: str, data: bytes, channel: str | None = None, token: str = ""
) -> Preview:
    """Reads the whole file and keeps it (under ``token`` again when given). Raises
    KpiFileRefused, keeping nothing, unless the refusal is only that no column maps to a
    metric yet: then the file is kept and the preview offers its columns."""
    if not data.strip():
        raise file_imports.KpiFileRefused(
            gettext("Nothing to import: choose a file (or paste its lines)."),
            {"file": gettext("choose a KPI export, or paste the lines of a CSV")},
        )
    try:
        read = file_imports.read_file(org, name, data, channel)
    except file_imports.KpiFileRefused as refused:
        if not refused.unmapped:
            raise
        token = _keep(org, name, data, channel, 0, token)
        return Preview(token, name, channel, None, None, refused.unmapped, refused.message)
    token = _keep(org, name, data, channel, len(read.observations), token)
    return Preview(
        token, name, channel, read, file_imports.plan_file(org, read), tuple(read.unmapped)
    )


def preview_again(org: Organization, upload: KeptFile) -> Preview:
    """The kept file read again, after choices for its columns were saved."""
    return preview(org, upload.name, upload.data, upload.channel, upload.token)


def _folder(org: Organization | int) -> Path:
    org_id = org if isinstance(org, int) else org.id
    folder = Path(current_app.config["INSTANCE_PATH"]) / "kpi-uploads" / str(org_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _keep(
    org: Organization, name: str, data: bytes, channel: str | None, rows: int, token: str = ""
) -> str:
    """Keeps the file (or, for a token already kept, what its last reading found)."""
    folder = _folder(org)
    if not token:
        cutoff = time.time() - KEEP_SECONDS
        for old in folder.glob("*.upload"):
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
                old.with_suffix(".json").unlink(missing_ok=True)
        token = secrets.token_hex(16)
        (folder / f"{token}.upload").write_bytes(data)
    about = {"name": name, "channel": channel, "rows": rows}
    (folder / f"{token}.json").write_text(json.dumps(about), encoding="utf-8")
    return token


def kept(org: Organization | int, token: str) -> KeptFile | None:
    """The previewed file, or None when the token is not one of this organisation's kept
    files (expired, imported already, or made up)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    folder = _folder(org)
    path, about = folder / f"{token}.upload", folder / f"{token}.json"
    if not path.exists() or not about.exists():
        return None
    if path.stat().st_mtime < time.time() - KEEP_SECONDS:
        return None
    meta = json.loads(about.read_text(encoding="utf-8"))
    name = str(meta.get("name") or "the file")
    rows = int(meta.get("rows") or 0)
    return KeptFile(token, name, meta.get("channel"), path.read_bytes(), rows)


def forget(org: Organization | int, token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        folder = _folder(org)
        (folder / f"{token}.upload").unlink(missing_ok=True)
        (folder / f"{token}.json").unlink(missing_ok=True)


def import_now(org: Organization, upload: KeptFile) -> dict:
    """A short file, while the browser waits: the API's answer. The caller commits, then
    forgets the file."""
    return file_imports.import_file(org, upload.name, upload.data, upload.channel)


# --- a long file, in a worker --------------------------------------------------------------


def _job_id(token: str) -> str:
    return f"kpi-import-{token}"


def start_import(org: Organization, upload: KeptFile) -> None:
    """Hands a kept file to a worker, which reads it from the instance folder. Confirming
    twice starts it once. Raises QueueAway (the file stays kept)."""
    queue.enqueue(
        IMPORT_JOB,
        org.id,
        upload.token,
        current_language(),  # what the worker says of the file reads in the uploader's words
        job_id=_job_id(upload.token),
        meta={"org_id": org.id, "done": 0, "total": upload.rows, "stage": "queued"},
    )


def import_in_stages(org: Organization, token: str, progress: Callable[..., None]) -> dict:
    """The worker's import of a kept file: read again with the choices saved since the
    preview, then every row written, all or nothing (DomainError, no commit). progress(done,
    total, stage) says where it is. The caller commits, then forgets the file."""
    upload = kept(org, token)
    if upload is None:
        raise file_imports.KpiFileRefused(
            gettext(
                "The uploaded file is no longer kept (a day has passed, or it was imported "
                "already); nothing was imported. Upload it again."
            ),
            {"file": gettext("upload it again")},
        )
    progress(0, 0, "checking")
    counts = file_imports.import_file(org, upload.name, upload.data, upload.channel, progress)
    written = counts["inserted"] + counts["updated"] + counts["unchanged"]
    progress(written, written, "saving")
    return counts


@dataclass(frozen=True)
class ImportProgress:
    token: str
    stage: str  # queued, checking, writing, saving, done
    done: int
    total: int
    result: dict | None = None  # the API's answer, once imported
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
