"""The door for audit files: bytes in, an AuditBatch or one clear AuditFileError out.

Files are recognised by their content, never by their name alone: a ZIP by its signature, JSON
by its first character, anything else read as CSV and matched against the layouts we know by
its header. Sizes are bounded before anything is decoded (each file, the whole upload, every ZIP
member and the ZIP's total once unpacked, and how far a member may expand), so a ZIP bomb or an
oversized upload is refused before it costs memory. Whatever the bytes, the only exception that
leaves ``read_audit_files`` is AuditFileError, which names the file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import replace

from collab.audits import crawler_csv, internal_all, lighthouse, screaming_frog
from collab.audits.errors import AuditFileError
from collab.audits.exports import Sheet, decode, list_columns, read_sheet
from collab.audits.findings import AuditBatch, Finding, Report
from collab.audits.grouping import group_findings
from collab.platform.errors import N_, Refusal

MIB = 1024 * 1024
MAX_FILE_BYTES = 100 * MIB  # the API's upload limit for /audits
MAX_TOTAL_BYTES = 100 * MIB
MAX_UNZIPPED_BYTES = 300 * MIB
MAX_MEMBER_BYTES = 100 * MIB
# JSON and CSV compress about 10:1; a member that expands further than this is a bomb.
MAX_RATIO = 100
RATIO_EXEMPT_BYTES = MIB
MAX_MEMBERS = 5_000
_READ_CHUNK = MIB
_FIRST_CHARACTER = re.compile(r"\S")
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_SKIPPED_SUFFIXES = (
    ".html",
    ".htm",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".txt",
    ".md",
    ".pdf",
)

LAYOUTS = (
    "a Lighthouse JSON report or a PageSpeed Insights API response",
    'Screaming Frog\'s Issues Overview ("Issue Name", "Issue Type", "Issue Priority", "URLs", '
    '"% of Total")',
    "a Screaming Frog per-issue export under the file name the tool gave it "
    '(page_titles_duplicate.csv: "Address", ...)',
    'Screaming Frog\'s "Internal: All" ("Address", "Content Type", "Status Code", '
    '"Indexability", "Title 1", ...)',
    'a crawler CSV with "url" and "issue" columns (and optionally "details")',
)


def read_audit_files(
    files: Iterable[tuple[str, bytes]],
    audited_on: dt.date | dt.datetime | None = None,
    *,
    overrides: Mapping[str, str] | None = None,
    csv_columns: Mapping[str, str] | None = None,
) -> AuditBatch:
    """Every report and finding in ``files`` ((name, bytes) pairs, as uploaded), grouped and
    routed. ``audited_on`` dates the CSVs (Lighthouse reports carry their own ``fetchTime``);
    ``overrides`` is the organisation's routing (identifier -> category); ``csv_columns`` its
    remembered mapping of a crawler CSV's columns (role -> column name: url, issue, details).

    Raises AuditFileError, naming the file, for anything it cannot read in full."""
    if audited_on is not None and not isinstance(audited_on, dt.date):
        raise TypeError("audited_on must be a date or a datetime")
    parts: list[tuple[str, bytes]] = []
    skipped: list[str] = []
    total = 0
    for name, data in files:
        name = str(name or "upload")[:200]
        if not isinstance(data, bytes | bytearray | memoryview):
            raise AuditFileError(name, Refusal(N_("is not a file")))
        data = bytes(data)
        if len(data) > MAX_FILE_BYTES:
            raise AuditFileError(
                name,
                Refusal(
                    N_("is larger than %(count)s MB: upload the reports in smaller files"),
                    count=MAX_FILE_BYTES // MIB,
                ),
            )
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise AuditFileError(
                name,
                Refusal(
                    N_(
                        "the files together are larger than %(count)s MB: upload them in "
                        "several goes"
                    ),
                    count=MAX_TOTAL_BYTES // MIB,
                ),
            )
        if data.startswith(_ZIP_SIGNATURES):
            parts.extend(_unzip(name, data, skipped))
        else:
            parts.append((name, data))
    if not parts:
        raise AuditFileError(
            "upload", Refusal(N_("no audit file was sent: choose one or more files"))
        )

    reports: list[Report] = []
    findings: list[Finding] = []
    for name, data in parts:
        # A reader numbers its findings' reports within its own file.
        offset = len(reports)
        for report, found in _read_file(name, data, audited_on, csv_columns):
            reports.append(report)
            findings.extend(replace(f, report=f.report + offset) for f in found)
    return AuditBatch(
        reports=tuple(reports),
        findings=tuple(findings),
        groups=group_findings(findings, overrides),
        skipped=tuple(skipped),
    )


def _read_file(
    name: str,
    data: bytes,
    audited_on: dt.date | dt.datetime | None,
    csv_columns: Mapping[str, str] | None,
) -> list[tuple[Report, list[Finding]]]:
    try:
        if not data or data.isspace():
            raise AuditFileError(name, Refusal(N_("is empty: export the report again")))
        text = decode(name, data)
        # The first character that is not white space, without copying a large text.
        first = _FIRST_CHARACTER.search(text)
        start = first.group() if first else ""
        if start in ("{", "["):
            return lighthouse.read_reports(name, _json(name, text))
        if start == "<":
            raise AuditFileError(
                name,
                Refusal(N_("is HTML or XML, not JSON or CSV: save the Lighthouse report as JSON")),
            )
        return [_read_csv(name, read_sheet(name, text), audited_on, csv_columns)]
    except AuditFileError:
        raise
    except (RecursionError, MemoryError):
        raise AuditFileError(name, Refusal(N_("is nested or large beyond what we read"))) from None
    except Exception as exc:  # noqa: BLE001 - the promise: nothing but AuditFileError leaves
        raise AuditFileError(
            name, Refusal(N_("could not be read (%(error)s)"), error=type(exc).__name__)
        ) from exc


def _json(name: str, text: str) -> object:
    # Absurd nesting makes the parser raise RecursionError, which _read_file refuses.
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) - 1 or "Unterminated" in exc.msg:
            raise AuditFileError(
                name,
                Refusal(
                    N_(
                        "is cut short (the JSON ends at line %(line)s, column %(column)s "
                        "before it is complete): upload the whole report again"
                    ),
                    line=exc.lineno,
                    column=exc.colno,
                ),
            ) from None
        raise AuditFileError(
            name,
            Refusal(
                N_("is not valid JSON: %(error)s at line %(line)s, column %(column)s"),
                error=exc.msg,
                line=exc.lineno,
                column=exc.colno,
            ),
        ) from None
    except ValueError as exc:
        raise AuditFileError(
            name, Refusal(N_("is not valid JSON: %(error)s"), error=str(exc))
        ) from None


def _no_constant(constant: str) -> object:
    # NaN and Infinity are not JSON; no audit tool writes them.
    raise ValueError(f"{constant} is not a JSON number")


def _read_csv(
    name: str,
    sheet: Sheet,
    audited_on: dt.date | dt.datetime | None,
    csv_columns: Mapping[str, str] | None,
) -> tuple[Report, list[Finding]]:
    # The organisation's mapping is for other crawlers' CSVs: it wins when the file has the
    # columns it names, and never stops a Screaming Frog export in the same upload.
    mapped, missing = crawler_csv.columns_for(sheet, csv_columns) if csv_columns else (None, None)
    if mapped is not None:
        return crawler_csv.read_crawler_csv(name, sheet, mapped, audited_on)
    if screaming_frog.is_issues_overview(sheet):
        return screaming_frog.read_issues_overview(name, sheet, audited_on)
    issue = screaming_frog.export_issue(name, sheet)
    if issue is not None or screaming_frog.has_issue_column(sheet):
        return screaming_frog.read_issue_export(name, sheet, issue, audited_on)
    if internal_all.is_crawl_table(sheet):
        return internal_all.read_crawl(name, sheet, audited_on)
    columns, _ = crawler_csv.columns_for(sheet)
    if columns is not None:
        return crawler_csv.read_crawler_csv(name, sheet, columns, audited_on)
    if missing:
        raise AuditFileError(name, missing)
    raise AuditFileError(
        name,
        Refusal(
            N_("its columns (%(columns)s) match no layout we read; expected %(layouts)s"),
            columns=list_columns(sheet.columns),
            layouts="; or ".join(LAYOUTS),
        ),
    )


def _unzip(name: str, data: bytes, skipped: list[str]) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception:  # noqa: BLE001 - zipfile raises many kinds on damaged input
        raise AuditFileError(
            name, Refusal(N_("is a damaged ZIP file (or not a ZIP at all): make the ZIP again"))
        ) from None
    if name.casefold().endswith((".xlsx", ".xlsm")) or any(
        m.filename.startswith("xl/") for m in members[:50]
    ):
        raise AuditFileError(name, Refusal(N_("is an Excel workbook: export the sheet as CSV")))
    if len(members) > MAX_MEMBERS:
        raise AuditFileError(
            name,
            Refusal(
                N_("holds more than %(count)s files: upload them in smaller ZIPs"),
                count=f"{MAX_MEMBERS:,}",
            ),
        )
    parts: list[tuple[str, bytes]] = []
    unpacked = 0
    for member in members:
        inner = f"{name}/{member.filename}"[:300]
        base = member.filename.rsplit("/", 1)[-1]
        if member.is_dir() or not base or base.startswith(".") or "__MACOSX/" in member.filename:
            continue
        if base.casefold().endswith(_SKIPPED_SUFFIXES):
            skipped.append(inner)
            continue
        if member.flag_bits & 0x1:
            raise AuditFileError(
                inner, Refusal(N_("is encrypted: zip the reports without a password"))
            )
        declared = member.file_size
        if declared > MAX_MEMBER_BYTES:
            raise AuditFileError(
                inner,
                Refusal(N_("unpacks to more than %(count)s MB"), count=MAX_MEMBER_BYTES // MIB),
            )
        if declared > RATIO_EXEMPT_BYTES and declared > MAX_RATIO * max(member.compress_size, 1):
            raise AuditFileError(inner, Refusal(_BOMB))
        content = _read_member(archive, member, inner)
        unpacked += len(content)
        if unpacked > MAX_UNZIPPED_BYTES:
            raise AuditFileError(
                name,
                Refusal(N_("unpacks to more than %(count)s MB"), count=MAX_UNZIPPED_BYTES // MIB),
            )
        if content.startswith(_ZIP_SIGNATURES):
            raise AuditFileError(
                inner, Refusal(N_("is a ZIP inside the ZIP: put the reports in one ZIP"))
            )
        parts.append((inner, content))
    if not parts:
        raise AuditFileError(
            name, Refusal(N_("holds no JSON or CSV file: put the reports themselves in the ZIP"))
        )
    return parts


_BOMB = N_("expands far more than an audit file can (a ZIP bomb?); it was not unpacked")


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, inner: str) -> bytes:
    # The sizes in the ZIP's directory are claims: count what actually comes out.
    limit = min(MAX_MEMBER_BYTES, max(RATIO_EXEMPT_BYTES, MAX_RATIO * max(member.compress_size, 1)))
    chunks, size = [], 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_READ_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise AuditFileError(inner, Refusal(_BOMB))
                chunks.append(chunk)
    except AuditFileError:
        raise
    except Exception:  # noqa: BLE001 - damaged data surfaces as zlib, EOF, CRC or OS errors
        raise AuditFileError(
            inner, Refusal(N_("is damaged inside the ZIP: make the ZIP again"))
        ) from None
    return b"".join(chunks)
