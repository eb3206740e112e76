"""Lighthouse reports v10-v13, raw or wrapped by PageSpeed Insights, read into findings.

The fixtures are Lighthouse's public sample report (core/test/results/sample_v2.json) of v10.0,
v12.8 and v13.4, trimmed; see tests/fixtures/audits/README.md.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from collab.audits import AuditFileError, read_audit_files

FIXTURES = Path(__file__).parents[1] / "fixtures" / "audits" / "lighthouse"
PAGE = "https://www.example-shop.com/pricing"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def lhr(audits: dict, **fields) -> dict:
    report = {
        "lighthouseVersion": "13.0.1",
        "requestedUrl": PAGE,
        "finalUrl": PAGE,
        "finalDisplayedUrl": PAGE,
        "fetchTime": "2026-05-04T09:15:02.118Z",
        "configSettings": {"formFactor": "mobile"},
        "audits": audits,
    }
    report.update(fields)
    return report


def audit(audit_id: str, score, mode="binary", **fields) -> dict:
    return {"id": audit_id, "title": f"Title of {audit_id}", "score": score,
            "scoreDisplayMode": mode, **fields}  # fmt: skip


def read(*docs, name="report.json"):
    files = [(f"{i}-{name}", json.dumps(doc).encode()) for i, doc in enumerate(docs)]
    return read_audit_files(files)


def failing_by_the_public_rule(report: dict) -> set[str]:
    """API.md's rule, written out independently of the reader."""
    return {
        key
        for key, a in report["audits"].items()
        if isinstance(a.get("score"), int | float)
        and a["score"] < 0.9
        and a.get("scoreDisplayMode") not in ("informative", "notApplicable", "manual", "error")
    }


@pytest.mark.parametrize(
    ("score", "mode", "fails"),
    [
        (0, "binary", True),
        (0.89, "numeric", True),
        (0.5, "metricSavings", True),
        (0.0, None, True),
        (0.9, "numeric", False),
        (1, "binary", False),
        (None, "binary", False),
        (0, "informative", False),
        (0, "notApplicable", False),
        (0, "manual", False),
        (0, "error", False),
        (True, "binary", False),
        ("0.1", "binary", False),
    ],
)
def test_an_audit_fails_as_the_public_api_says(score, mode, fails):
    batch = read(lhr({"some-audit": audit("some-audit", score, mode)}))
    assert [f.key for f in batch.findings] == (["some-audit"] if fails else [])


@pytest.mark.parametrize(
    ("name", "version", "form_factor", "tool", "layout"),
    [
        ("v10_mobile.json", "10.0.0", "mobile", "Lighthouse", "lighthouse"),
        ("v13_desktop.json", "13.4.1", "desktop", "Lighthouse", "lighthouse"),
        ("psi_v12_mobile.json", "12.8.2", "mobile", "PageSpeed Insights", "pagespeed_insights"),
    ],
)
def test_every_failing_audit_of_a_real_report_is_a_finding_keyed_by_its_id(
    name, version, form_factor, tool, layout
):
    doc = json.loads(fixture(name))
    report_json = doc.get("lighthouseResult", doc)
    batch = read_audit_files([(name, fixture(name))])
    (report,) = batch.reports
    assert (report.version, report.form_factor, report.tool, report.layout) == (
        version,
        form_factor,
        tool,
        layout,
    )
    assert report.pages == ("http://localhost:10200/dobetterweb/dbw_tester.html",)
    assert report.audited_on == dt.datetime.fromisoformat(report_json["fetchTime"])
    assert report.resolves and report.scope == "pages"
    assert {f.key for f in batch.findings} == failing_by_the_public_rule(report_json)
    for finding in batch.findings:
        assert finding.title == report_json["audits"][finding.key]["title"]
        assert finding.urls == report.pages and finding.report == 0 and finding.file == name
    # What a later report can verify: the audits that ran and passed or failed.
    assert report.checked >= {f.key for f in batch.findings}
    assert "screenshot-thumbnails" not in report.checked


def test_both_audit_generations_are_read():
    old = {f.key for f in read_audit_files([("a.json", fixture("v10_mobile.json"))]).findings}
    new = {f.key for f in read_audit_files([("b.json", fixture("v13_desktop.json"))]).findings}
    assert {"uses-text-compression", "modern-image-formats", "legacy-javascript"} <= old
    assert {"image-delivery-insight", "render-blocking-insight", "document-latency-insight"} <= new
    assert not any(k.endswith("-insight") for k in old)


@pytest.mark.parametrize(
    ("urls", "page"),
    [
        ({"finalDisplayedUrl": "https://A.example.com/x/"}, "https://a.example.com/x"),
        (
            {"finalDisplayedUrl": None, "finalUrl": "https://b.example.com/"},
            "https://b.example.com/",
        ),
        (
            {"finalDisplayedUrl": "chrome-error://chromewebdata/", "finalUrl": "chrome-error://x"},
            PAGE,
        ),
        ({"finalDisplayedUrl": "", "finalUrl": ""}, PAGE),
    ],
)
def test_the_page_is_where_the_browser_ended_else_what_was_asked_for(urls, page):
    batch = read(lhr({}, **urls))
    assert batch.reports[0].pages == (page,)


def test_a_report_naming_no_page_is_refused():
    with pytest.raises(AuditFileError, match="names no page"):
        read(lhr({}, requestedUrl=None, finalUrl=None, finalDisplayedUrl="about:blank"))


def test_a_report_with_a_runtime_error_lists_its_failures_but_resolves_nothing():
    batch = read_audit_files([("failed.json", fixture("runtime_error.json"))])
    (report,) = batch.reports
    assert not report.resolves
    assert "ERRORED_DOCUMENT_REQUEST" in str(report.problem) and "503" in str(report.problem)
    assert report.pages == ("https://www.example-shop.com/checkout",)
    assert [f.key for f in batch.findings] == ["http-status-code"]
    # Audits that errored were not checked, so they cannot be verified as fixed.
    assert report.checked == {"http-status-code"}


def test_an_old_reports_no_error_runtime_error_is_no_error():
    batch = read(lhr({}, runtimeError={"code": "NO_ERROR", "message": ""}))
    assert batch.reports[0].resolves and batch.reports[0].problem is None


@pytest.mark.parametrize(
    ("fetch_time", "expected"),
    [
        ("2026-05-04T09:15:02.118Z", dt.datetime(2026, 5, 4, 9, 15, 2, 118000, tzinfo=dt.UTC)),
        ("2026-05-04T11:15:02+02:00", dt.datetime(2026, 5, 4, 9, 15, 2, tzinfo=dt.UTC)),
        ("2026-05-04T09:15:02", dt.datetime(2026, 5, 4, 9, 15, 2, tzinfo=dt.UTC)),
        ("yesterday", None),
        (1714814102, None),
    ],
)
def test_the_report_date_is_its_fetch_time_in_utc(fetch_time, expected):
    batch = read_audit_files(
        [("r.json", json.dumps(lhr({}, fetchTime=fetch_time)).encode())],
        audited_on=dt.date(2020, 1, 1),
    )
    assert batch.reports[0].audited_on == expected


@pytest.mark.parametrize(
    ("settings", "form_factor"),
    [
        ({"formFactor": "desktop"}, "desktop"),
        ({"formFactor": "mobile"}, "mobile"),
        ({"emulatedFormFactor": "desktop"}, "desktop"),
        ({"formFactor": "tablet"}, None),
        (None, None),
    ],
)
def test_the_form_factor_comes_from_the_settings(settings, form_factor):
    assert read(lhr({}, configSettings=settings)).reports[0].form_factor == form_factor


@pytest.mark.parametrize(
    ("fields", "savings_ms", "savings_bytes"),
    [
        (
            {
                "details": {
                    "type": "opportunity",
                    "overallSavingsMs": 580,
                    "overallSavingsBytes": 94194,
                }
            },
            580,
            94194,
        ),
        ({"metricSavings": {"FCP": 0, "LCP": 1200, "CLS": 0.4}}, 1200, None),
        (
            {"details": {"type": "table", "items": [{"wastedBytes": 100}, {"wastedBytes": 50}]}},
            None,
            150,
        ),
        ({"details": {"type": "checklist", "debugData": {"wastedBytes": 11905}}}, None, 11905),
        ({"numericValue": 2100, "numericUnit": "millisecond"}, None, None),
        (
            {
                "details": {"type": "opportunity"},
                "numericValue": 2100,
                "numericUnit": "millisecond",
            },
            2100,
            None,
        ),
        (
            {"details": {"type": "opportunity"}, "numericValue": 3, "numericUnit": "element"},
            None,
            None,
        ),
        ({"details": {"overallSavingsMs": "a lot"}}, None, None),
    ],
)
def test_savings_are_the_tools_own_estimates(fields, savings_ms, savings_bytes):
    (finding,) = read(lhr({"x": audit("x", 0, "metricSavings", **fields)})).findings
    assert (finding.savings_ms, finding.savings_bytes) == (savings_ms, savings_bytes)


NESTED = "https://cdn.example.com/nested.css"


def test_offending_items_keep_their_figures_worst_first():
    items = [
        {"url": "https://cdn.example.com/small.js", "wastedBytes": 1000, "totalBytes": 5000},
        {"url": "https://cdn.example.com/big.js", "wastedBytes": 90000, "totalBytes": 120000},
        {"node": {"type": "node", "nodeLabel": "Sign up", "selector": "form > input"}},
        {"sourceLocation": {"type": "source-location", "url": "https://example.com/app.js"}},
        {
            "type": "table",
            "items": [{"url": "https://cdn.example.com/nested.css", "wastedBytes": 5}],
        },
        "not an item",
    ]
    details = {"type": "opportunity", "items": items}
    (finding,) = read(lhr({"x": audit("x", 0.2, details=details)})).findings
    labels = [o.label for o in finding.offenders]
    assert labels[:3] == [
        "https://cdn.example.com/big.js",
        "https://cdn.example.com/small.js",
        "https://cdn.example.com/nested.css",
    ]
    assert set(labels[3:]) == {"Sign up", "https://example.com/app.js"}
    big = finding.offenders[0]
    assert big.url == big.label and big.figures == {"wasted_bytes": 90000, "total_bytes": 120000}
    node = next(o for o in finding.offenders if o.label == "Sign up")
    assert node.url is None
    assert finding.count == 5


def test_several_reports_at_once_in_one_json_list_and_in_a_user_flow():
    other = "https://www.example-shop.com/"
    batch = read([lhr({"a": audit("a", 0)}), lhr({"a": audit("a", 0)}, finalDisplayedUrl=other)])
    assert [r.pages for r in batch.reports] == [(PAGE,), (other,)]
    assert [f.report for f in batch.findings] == [0, 1]
    flow = {"name": "Checkout", "steps": [{"lhr": lhr({"b": audit("b", 0)})}, {"lhr": lhr({})}]}
    flow_batch = read(flow)
    assert len(flow_batch.reports) == 2 and flow_batch.reports[0].tool == "Lighthouse user flow"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"error": {"code": 500, "message": "Lighthouse returned error: NO_FCP"}}, "NO_FCP"),
        ({"kind": "pagespeedonline#result"}, "not a Lighthouse report"),
        ({"lighthouseResult": "oops"}, "not a Lighthouse report"),
        ({"audits": ["not", "an", "object"], "requestedUrl": PAGE}, "damaged"),
        ([lhr({}), 42], "report 2"),
        ([[lhr({})]], "report 1"),
        ([], "holds no Lighthouse report"),
    ],
)
def test_json_that_is_not_a_report_is_refused_in_words(doc, message):
    with pytest.raises(AuditFileError, match=message) as caught:
        read(doc, name="upload.json")
    assert caught.value.file == "0-upload.json"
