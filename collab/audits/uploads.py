"""Audit files between the preview and the confirmation on the import page.

The preview reads every file and shows what the import would do; the files are kept on disk
for a day under a random token, so confirming imports exactly what was previewed without
sending it again (and works with JavaScript off: two plain form posts). Confirming compares
again with what the organisation tracks by then, so an import confirmed after another one
still does the right thing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from collab.audits.imports import apply_upload
from collab.audits.plans import Plan, plan_import, read_upload
from collab.audits.sites import foreign_hosts
from collab.models import Membership, Organization
from collab.models.site_audits import AuditImport

KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Preview:
    token: str
    names: list[str]
    plan: Plan
    # Hosts the files' pages are on that the organisation does not list: a director may add
    # them by confirming (anyone else was refused before a preview).
    new_hosts: list[str]


def preview(
    org: Organization,
    actor: Membership,
    files: list[tuple[str, bytes]],
    audited_on: dt.date | None = None,
) -> Preview:
    """Reads the files (AuditFileError naming the file), works out what importing them would
    do, and keeps them for the confirmation."""
    upload = read_upload(org, files, audited_on)
    new_hosts = foreign_hosts(org, upload.hosts)
    plan = plan_import(org, actor, upload, add_hosts=bool(new_hosts))
    token = _keep(org, upload.files, audited_on)
    return Preview(token, [name for name, _ in upload.files], plan, new_hosts)


def confirm(
    org: Organization, actor: Membership, token: str, add_hosts: bool = False
) -> AuditImport | None:
    """Imports the kept files of ``token``; None when there are none (expired, imported
    already, another organisation's, made up). The caller commits, then forgets the token."""
    found = _kept(org, token)
    if found is None:
        return None
    files, audited_on = found
    return apply_upload(org, actor, read_upload(org, files, audited_on), add_hosts)


def _folder(org: Organization) -> Path:
    folder = Path(current_app.config["INSTANCE_PATH"]) / "audit-uploads" / str(org.id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _keep(org: Organization, files: list[tuple[str, bytes]], audited_on: dt.date | None) -> str:
    folder = _folder(org)
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            shutil.rmtree(old, ignore_errors=True)
    token = secrets.token_hex(16)
    kept = folder / token
    kept.mkdir()
    for index, (_, data) in enumerate(files):
        (kept / f"{index}.bin").write_bytes(data)
    manifest = {
        "names": [name for name, _ in files],
        "audited_on": audited_on.isoformat() if audited_on else None,
    }
    (kept / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return token


def _kept(org: Organization, token: str) -> tuple[list[tuple[str, bytes]], dt.date | None] | None:
    if not _TOKEN.fullmatch(token or ""):
        return None
    kept = _folder(org) / token
    manifest = kept / "manifest.json"
    if not manifest.exists() or manifest.stat().st_mtime < time.time() - KEEP_SECONDS:
        return None
    said = json.loads(manifest.read_text(encoding="utf-8"))
    files = [(name, (kept / f"{i}.bin").read_bytes()) for i, name in enumerate(said["names"])]
    audited_on = dt.date.fromisoformat(said["audited_on"]) if said["audited_on"] else None
    return files, audited_on


def forget(org: Organization, token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        shutil.rmtree(_folder(org) / token, ignore_errors=True)
