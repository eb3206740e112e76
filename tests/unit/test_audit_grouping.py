"""Findings grouped by issue type: one recommendation per audit id or crawler issue, never one per
URL; mobile and desktop feeding one group; metric audits sharing one; the worst pages first; the
audit's own facts ready for the training note."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from collab.audits import read_audit_files
from collab.audits.findings import Offender
from collab.audits.grouping import worst_first

FIXTURES = Path(__file__).parents[1] / "fixtures" / "audits"
SITE = "https://www.example-shop.com"


def lhr(page: str, audits: dict, form_factor: str = "mobile") -> dict:
    return {
        "lighthouseVersion": "13.0.1",
        "requestedUrl": page,
        "finalDisplayedUrl": page,
        "fetchTime": "2026-05-04T09:15:02.118Z",
        "configSettings": {"formFactor": form_factor},
        "audits": audits,
    }


def failing(audit_id: str, savings_ms=None, savings_bytes=None, score=0.3, **fields) -> dict:
    details = {"type": "opportunity", "items": fields.pop("items", [])}
    if savings_ms is not None:
        details["overallSavingsMs"] = savings_ms
    if savings_bytes is not None:
        details["overallSavingsBytes"] = savings_bytes
    return {"id": audit_id, "title": audit_id.replace("-", " ").capitalize(), "score": score,
            "scoreDisplayMode": "metricSavings", "details": details, **fields}  # fmt: skip


def read_reports(*reports: dict, **kwargs):
    files = [(f"r{i}.json", json.dumps(r).encode()) for i, r in enumerate(reports)]
    return read_audit_files(files, **kwargs)


def group(batch, key):
    return next(g for g in batch.groups if g.key == key)


def test_one_group_per_audit_across_pages_never_one_per_url():
    batch = read_reports(
        *(lhr(f"{SITE}/p{i}", {"unused-javascript": failing("unused-javascript", 100 * i)})
          for i in range(1, 6))
    )  # fmt: skip
    (only,) = batch.groups
    assert only.key == "lighthouse:unused-javascript" and only.keys == ("unused-javascript",)
    assert len(only.findings) == 5
    # Worst first: the page with the largest estimated saving leads.
    assert only.urls == tuple(f"{SITE}/p{i}" for i in (5, 4, 3, 2, 1))
    assert only.figures["savings_ms"] == 500  # the largest on any page, never a sum
    assert only.figures["pages"] == 5


def test_pages_rank_by_time_saved_then_bytes_then_score():
    batch = read_reports(
        lhr(f"{SITE}/a", {"x": failing("x", savings_bytes=9000)}),
        lhr(f"{SITE}/b", {"x": failing("x", savings_ms=10)}),
        lhr(f"{SITE}/c", {"x": failing("x", score=0.1)}),
        lhr(f"{SITE}/d", {"x": failing("x", score=0.8)}),
        lhr(f"{SITE}/e", {"x": failing("x", savings_bytes=90000)}),
    )
    assert batch.groups[0].urls == tuple(f"{SITE}/{p}" for p in "beacd")


def test_mobile_and_desktop_of_one_audit_feed_one_group_noting_both():
    files = [
        (name, (FIXTURES / "lighthouse" / name).read_bytes())
        for name in ("v13_desktop.json", "psi_v12_mobile.json")
    ]
    batch = read_audit_files(files)
    unused = group(batch, "lighthouse:unused-javascript")
    assert unused.form_factors == ("desktop", "mobile")
    assert unused.figures["form_factors"] == ["desktop", "mobile"]
    assert len(unused.findings) == 2 and len(unused.urls) == 1
    assert {batch.findings[i].form_factor for i in unused.findings} == {"desktop", "mobile"}


def test_metric_audits_share_one_page_speed_group():
    batch = read_audit_files(
        [("v13.json", (FIXTURES / "lighthouse" / "v13_desktop.json").read_bytes())]
    )
    metrics = group(batch, "lighthouse:metrics")
    assert {"largest-contentful-paint", "total-blocking-time"} <= set(metrics.keys)
    assert metrics.title.startswith("Page speed metrics: ")
    assert "Largest Contentful Paint" in metrics.title
    assert [(r.team, r.category) for r in metrics.routes] == [("it", "page_speed")]
    lcp = metrics.figures["metrics"]["largest-contentful-paint"]
    assert lcp["unit"] == "millisecond" and lcp["worst"] > 2500 and lcp["display"].endswith(" s")
    assert lcp["form_factor"] == "desktop"
    assert all(f"lighthouse:{k}" not in {g.key for g in batch.groups} for k in metrics.keys)


def test_every_finding_points_at_its_group_and_every_group_at_its_findings():
    names = ["v10_mobile.json", "v13_desktop.json", "psi_v12_mobile.json", "reports.zip"]
    files = [(n, (FIXTURES / "lighthouse" / n).read_bytes()) for n in names]
    files += [(p.name, p.read_bytes()) for p in sorted((FIXTURES / "screaming_frog").glob("*.csv"))]
    batch = read_audit_files(files)
    by_key = {g.key: g for g in batch.groups}
    assert len(by_key) == len(batch.groups)
    for index, finding in enumerate(batch.findings):
        assert index in by_key[finding.group].findings
        assert set(finding.urls) <= set(by_key[finding.group].urls)
    assert sorted(i for g in batch.groups for i in g.findings) == list(range(len(batch.findings)))
    for g in batch.groups:
        assert g.routes and all(r.category for r in g.routes)
        json.dumps(g.figures)  # plain JSON for the note and the API


def test_a_crawl_and_an_overview_of_the_same_issue_share_a_group():
    names = ["internal_all.csv", "issues_overview_report.csv", "meta_description_missing.csv"]
    files = [(n, (FIXTURES / "screaming_frog" / n).read_bytes()) for n in names]
    batch = read_audit_files(files)
    missing = group(batch, "screaming_frog:meta_description_missing")
    assert len(missing.findings) == 3
    assert missing.urls == (f"{SITE}/pricing", f"{SITE}/contact")
    assert missing.figures["urls"] == 2
    assert missing.figures["priority"] == "Low" and missing.figures["percent_of_total"] == 8.333
    assert [(r.team, r.category) for r in missing.routes] == [("marketing", "meta_tags")]


def test_offending_items_are_merged_worst_first_across_pages():
    item = {"url": "https://cdn.example.com/app.js", "wastedBytes": 1000}
    worse = {"url": "https://cdn.example.com/app.js", "wastedBytes": 5000}
    other = {"url": "https://cdn.example.com/hero.jpg", "wastedBytes": 3000}
    batch = read_reports(
        lhr(f"{SITE}/a", {"x": failing("x", items=[item, other])}),
        lhr(f"{SITE}/b", {"x": failing("x", items=[worse])}),
    )
    offenders = batch.groups[0].offenders
    assert [(o.label, o.figures["wasted_bytes"]) for o in offenders] == [
        ("https://cdn.example.com/app.js", 5000),
        ("https://cdn.example.com/hero.jpg", 3000),
    ]
    assert batch.groups[0].figures["worst_items"] == [
        {"label": "https://cdn.example.com/app.js", "figure": 4.9, "unit": "KB"},
        {"label": "https://cdn.example.com/hero.jpg", "figure": 2.9, "unit": "KB"},
    ]


def test_worst_first_keeps_the_tools_order_for_items_without_figures():
    plain = [Offender("b"), Offender("a"), Offender("c", figures={"wasted_ms": 1})]
    assert [o.label for o in worst_first(plain)] == ["c", "b", "a"]


def test_training_figures_quote_the_tools_own_facts():
    batch = read_reports(
        lhr(f"{SITE}/a", {"uses-text-compression": failing("uses-text-compression", 450, 204_800)}),
        lhr(f"{SITE}/b", {"uses-text-compression": failing("uses-text-compression", -20, 0)}),
    )
    figures = batch.groups[0].figures
    assert figures == {
        "source": "lighthouse",
        "keys": ["uses-text-compression"],
        "pages": 2,
        "worst_urls": [f"{SITE}/a", f"{SITE}/b"],
        "form_factors": ["mobile"],
        "savings_ms": 450,
        "savings_kb": 200.0,
    }


def test_overrides_reach_the_groups():
    batch = read_reports(
        lhr(f"{SITE}/a", {"label": failing("label")}), overrides={"label": "landing_page"}
    )
    assert [(r.team, r.category) for r in batch.groups[0].routes] == [
        ("it", "landing_page"),
        ("marketing", "landing_page"),
    ]


def test_the_batch_lists_its_pages_hosts_and_sources():
    files = [
        ("r.json", json.dumps(lhr("https://Shop.example.com:443/a/", {})).encode()),
        ("c.csv", (FIXTURES / "crawler" / "crawler_issues.csv").read_bytes()),
    ]
    batch = read_audit_files(files)
    assert batch.sources == ("lighthouse", "csv")
    assert batch.pages[0] == "https://shop.example.com/a"
    assert batch.hosts == ("shop.example.com", "www.example-shop.com")


AUDIT_IDS = st.sampled_from(
    ["unused-javascript", "largest-contentful-paint", "total-blocking-time", "label", "new-audit"]
)
MODES = st.sampled_from(["binary", "numeric", "metricSavings", "informative", "notApplicable"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["/", "/a", "/a/", "/B", "/b#x"]),
            st.sampled_from(["mobile", "desktop"]),
            st.dictionaries(
                AUDIT_IDS,
                st.tuples(st.none() | st.floats(0, 1), MODES, st.none() | st.integers(-50, 5000)),
                max_size=5,
            ),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_grouping_properties_hold_for_any_batch(reports):
    docs = [
        lhr(
            f"{SITE}{path}",
            {
                key: {
                    "score": score,
                    "scoreDisplayMode": mode,
                    "title": key,
                    "details": {"overallSavingsMs": saving},
                }
                for key, (score, mode, saving) in audits.items()
            },  # fmt: skip
            form_factor,
        )
        for path, form_factor, audits in reports
    ]
    batch = read_reports(*docs)
    expected = [
        (key, i)
        for i, (_, _, audits) in enumerate(reports)
        for key, (score, mode, _) in audits.items()
        if score is not None and score < 0.9 and mode not in ("informative", "notApplicable")
    ]
    assert sorted((f.key, f.report) for f in batch.findings) == sorted(expected)
    groups = {g.key: g for g in batch.groups}
    for g in batch.groups:
        members = [batch.findings[i] for i in g.findings]
        # Complete, without duplicates, one spelling per page.
        assert sorted(g.urls) == sorted({u for f in members for u in f.urls})
        assert g.form_factors == tuple(sorted({f.form_factor for f in members}))
        keys_of_metrics = {"largest-contentful-paint", "total-blocking-time"}
        assert (g.key == "lighthouse:metrics") == bool(set(g.keys) & keys_of_metrics)
        unknown = g.keys == ("new-audit",)
        assert (g.routes[0].team is None) == unknown
    assert len(groups) == len({f.group for f in batch.findings})
