"""Bench cases for reading audit files (appended to bench.cases.ALL).

audit_read: the pure reading that every audit import starts with, before any database work.
A 500-page Lighthouse batch (Lighthouse's public sample report, trimmed, once per page, half of
the pages run for mobile and half for desktop), sent as 500 files and as one ZIP; and a
50,000-row Screaming Frog "Internal: All" crawl. Figures are reports or rows a second over the
median of three runs, with what the read produced (findings, groups).
"""

from __future__ import annotations

import csv
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
