"""An audit finding in words: each page's figures, the facts a note quotes, the description."""

from __future__ import annotations

import datetime as dt

import pytest

from collab.audits import read_audit_files
from collab.audits.summaries import description, figure_lines, page_details
from tests.support.audits import PAGE, fixture, lighthouse


def _group(batch, key):
    return next(g for g in batch.groups if g.key == key)


def test_lighthouse_pages_carry_savings_form_factors_and_metrics():
    batch = read_audit_files(
        [("d.json", lighthouse()), ("m.json", lighthouse(form_factor="mobile"))]
    )
    unused = page_details(batch, _group(batch, "lighthouse:unused-javascript"))
    assert unused == {PAGE: "saves ~580 ms, 92 KB; desktop and mobile"}
    metrics = page_details(batch, _group(batch, "lighthouse:metrics"))
    assert metrics[PAGE].startswith("FCP 6.8 s, LCP 10.9 s")
    assert "TBT 1,060 ms" in metrics[PAGE]


@pytest.mark.parametrize(
    ("key", "words"),
    [
        (
            "screaming_frog:response_codes_internal_client_error_4xx",
            "status 404, linked from 3 pages",
        ),
        ("screaming_frog:page_size_over_1_mb", "1,"),  # the size in KB, and nothing else
        ("screaming_frog:response_times_over_1_second", "responds in "),
    ],
)
def test_crawl_pages_carry_the_figure_of_their_issue(key, words):
    batch = read_audit_files([("internal_all.csv", fixture("screaming_frog/internal_all.csv"))])
    details = page_details(batch, _group(batch, key))
    assert details and all(text.startswith(words) for text in details.values())


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        (
            {"source": "lighthouse", "pages": 12, "form_factors": ["desktop", "mobile"]},
            ["Lighthouse found this on 12 pages (desktop and mobile)."],
        ),
        (
            {"source": "screaming_frog", "pages": 0, "urls": 2, "percent_of_total": 16.667,
             "priority": "High"},
            ["Screaming Frog counts 2 URLs with this issue, 16.667% of the crawl.",
             "The crawler rates it high priority."],
        ),
        (
            {"source": "lighthouse", "pages": 1, "savings_ms": 1230, "savings_kb": 96.5},
            ["Lighthouse found this on 1 page.",
             "Estimated saving on the worst page: 1,230 ms and 96.5 KB."],
        ),
        (
            {"source": "csv", "pages": 3, "worst_urls": ["https://a/x", "https://a/y"],
             "worst_items": [{"label": "app.js", "figure": 540.0, "unit": "ms"}]},
            ["The crawler found this on 3 pages.", "Worst pages: https://a/x, https://a/y.",
             "Worst items: app.js (540.0 ms)."],
        ),
    ],
)  # fmt: skip
def test_figure_lines(figures, expected):
    assert figure_lines(figures) == expected


def test_the_description_quotes_the_tool_and_lists_the_worst_pages():
    urls = [[f"https://shop.example/p{i}", f"saves ~{100 - i} ms"] for i in range(12)]
    text = description(
        "Reduce unused JavaScript. [Learn more](https://developer.chrome.com/x).",
        urls,
        {"source": "lighthouse", "pages": 12},
        dt.date(2026, 4, 23),
    )
    assert text.startswith("*From the audit of 2026-04-23.* Lighthouse found this on 12 pages.")
    assert "[Learn more](https://developer.chrome.com/x)" in text
    assert "| https://shop.example/p0 | saves ~100 ms |" in text
    assert "https://shop.example/p10" not in text
    assert text.endswith("…and 2 more pages.")
