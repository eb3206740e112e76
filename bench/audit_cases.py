"""Bench cases for audit files (appended to bench.cases.ALL).

audit_read: the pure reading that every audit import starts with, before any database work.
A 500-page Lighthouse batch (Lighthouse's public sample report, trimmed, once per page, half of
the pages run for mobile and half for desktop), sent as 500 files and as one ZIP; and a
50,000-row Screaming Frog "Internal: All" crawl. Figures are reports or rows a second over the
median of three runs, with what the read produced (findings, groups).

audit_import: the same inputs imported into an organisation: reading, comparing with what it
tracks, filing recommendations and tasks, notices; then the same files again, the same content
re-saved, and a later audit (see audit_import's docstring).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import statistics
import time
import zipfile
from pathlib import Path

from collab.audits import read_audit_files

FIXTURES = Path(__file__).parents[1] / "tests" / "fixtures" / "audits"
PAGES = 500
CRAWL_ROWS = 50_000
RUNS = 3


def _lighthouse_batch(pages: int) -> list[tuple[str, bytes]]:
    sample = json.loads((FIXTURES / "lighthouse" / "v13_desktop.json").read_text(encoding="utf-8"))
    files = []
    for i in range(pages):
        url = f"https://www.example-shop.com/products/{i // 2}"
        sample["requestedUrl"] = sample["finalUrl"] = sample["finalDisplayedUrl"] = url
        sample["configSettings"]["formFactor"] = "mobile" if i % 2 else "desktop"
        files.append((f"page-{i}.json", json.dumps(sample).encode()))
    return files


def _crawl(rows: int) -> bytes:
    path = FIXTURES / "screaming_frog" / "internal_all.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, *sample = list(csv.reader(handle))
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    for i in range(rows):
        row = list(sample[i % len(sample)])
        row[0] = f"https://www.example-shop.com/catalogue/item-{i}"
        writer.writerow(row)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _median_s(run) -> tuple[float, object]:
    times, result = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def audit_read():
    files = _lighthouse_batch(PAGES)
    size = sum(len(data) for _, data in files)
    seconds, batch = _median_s(lambda: read_audit_files(files))
    yield {
        "case": "audit_read",
        "input": "lighthouse_files",
        "n": PAGES,
        "median_ms": round(seconds * 1000, 1),
        "reports_per_s": round(PAGES / seconds),
        "mb": round(size / 1e6, 1),
        "findings": len(batch.findings),
        "groups": len(batch.groups),
    }

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            z.writestr(f"audit/{name}", data)
    zipped = [("audit.zip", archive.getvalue())]
    seconds, batch = _median_s(lambda: read_audit_files(zipped))
    yield {
        "case": "audit_read",
        "input": "lighthouse_zip",
        "n": PAGES,
        "median_ms": round(seconds * 1000, 1),
        "reports_per_s": round(PAGES / seconds),
        "zip_mb": round(len(zipped[0][1]) / 1e6, 1),
        "findings": len(batch.findings),
        "groups": len(batch.groups),
    }

    crawl = [("internal_all.csv", _crawl(CRAWL_ROWS))]
    seconds, batch = _median_s(lambda: read_audit_files(crawl))
    yield {
        "case": "audit_read",
        "input": "internal_all",
        "n": CRAWL_ROWS,
        "median_ms": round(seconds * 1000, 1),
        "rows_per_s": round(CRAWL_ROWS / seconds),
        "mb": round(len(crawl[0][1]) / 1e6, 1),
        "findings": len(batch.findings),
        "groups": len(batch.groups),
    }


ALL = [audit_read]


# --- audit_import: reading plus everything the database does with it -----------------------


def _later(files: list[tuple[str, bytes]], passing: str) -> list[tuple[str, bytes]]:
    """The same pages audited a month later, one audit now passing on every page."""
    later = []
    for name, data in files:
        report = json.loads(data)
        report["fetchTime"] = "2026-05-23T16:18:53.230Z"
        report["audits"][passing]["score"] = 1
        later.append((name, json.dumps(report).encode()))
    return later


def _resaved(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The same reports written again with other whitespace: other bytes, the same content."""
    return [(name, json.dumps(json.loads(data), indent=1).encode()) for name, data in files]


def _timed_import(org, member, files, audited_on=None) -> tuple[float, int, object]:
    from bench.harness import count_statements
    from collab.audits.imports import import_audit
    from collab.platform.extensions import db

    with count_statements() as counted:
        started, cpu = time.perf_counter(), time.process_time()
        record = import_audit(org, member, files, audited_on=audited_on)
        db.session.commit()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return seconds, cpu, counted["n"], record


def _import_figures(org, member, files, unit: str, n: int, audited_on=None) -> dict:
    seconds, cpu, statements, record = _timed_import(org, member, files, audited_on)
    result = record.result
    findings = result["finding_rows"]
    return {
        "median_ms": round(seconds * 1000, 1),
        "cpu_ms": round(cpu * 1000, 1),
        f"{unit}_per_s": round(n / seconds),
        "statements": statements,
        "findings": findings,
        "finding_kinds": len(result["findings"]),
        "statements_per_finding": round(statements / max(findings, 1), 4),
        "created": len(result["created"]),
        "updated": len(result["updated"]),
        "resolved": len(result["resolved"]),
        "_seconds": seconds,
    }


def audit_import():
    """A first import into an empty organisation, the very files again (recognised by their
    digest), the same content re-saved (read and compared in full: nothing changes), and a
    later audit of the same pages (updates and verifies). One run each, on SQLite; ``cpu_ms``
    is this process's CPU time, steadier than the wall clock on a shared machine.
    ``findings`` counts failing audits and issue rows as read (one audit on 500 pages is
    500), ``finding_kinds`` the keys the answer lists; statements include the digests."""
    from bench.data import org_with_people
    from bench.harness import bench_app

    lighthouse = _lighthouse_batch(PAGES)
    crawl = [("internal_all.csv", _crawl(CRAWL_ROWS))]
    crawl_resaved = [("internal_all.csv", crawl[0][1].replace(b"\r\n", b"\n"))]
    inputs = (
        ("lighthouse_files", lighthouse, "reports", PAGES, None, _resaved(lighthouse),
         _later(lighthouse, "is-on-https")),
        ("internal_all", crawl, "rows", CRAWL_ROWS, dt.date(2026, 4, 1), crawl_resaved, None),
    )  # fmt: skip
    for name, files, unit, n, day, resaved, later in inputs:
        with bench_app():
            org, members = org_with_people()
            first = _import_figures(org, members["agency"], files, unit, n, day)
            seconds = first.pop("_seconds")
            yield {"case": "audit_import", "input": name, "run": "first", "n": n, **first}
            for run, again in (("same_files", files), ("same_content", resaved)):
                figures = _import_figures(org, members["agency"], again, unit, n, day)
                share = figures.pop("_seconds") / seconds
                yield {
                    "case": "audit_import",
                    "input": name,
                    "run": run,
                    "n": n,
                    **figures,
                    "share_of_first": round(share, 3),
                }
            if later is not None:
                figures = _import_figures(org, members["agency"], later, unit, n)
                figures.pop("_seconds")
                yield {"case": "audit_import", "input": name, "run": "later", "n": n, **figures}


ALL.append(audit_import)
