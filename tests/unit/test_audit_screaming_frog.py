"""Screaming Frog exports as the tool (and Excel after it) writes them: the Issues Overview, the
per-issue exports and "Internal: All", in UTF-8 with a BOM or UTF-16, quoted or not, CRLF or LF,
commas, semicolons or tabs, decimal points or commas, and header spellings of several versions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from collab.audits import AuditFileError, read_audit_files
from collab.audits.exports import number

FIXTURES = Path(__file__).parents[1] / "fixtures" / "audits" / "screaming_frog"
SITE = "https://www.example-shop.com"
CRAWLED = dt.date(2026, 5, 4)


def read(name: str, **kwargs):
    return read_audit_files([(name, (FIXTURES / name).read_bytes())], **kwargs)


def csv_bytes(*lines: str, bom: bool = True) -> bytes:
    return ("\ufeff" if bom else "").encode() + "\r\n".join(lines).encode() + b"\r\n"


# --- Issues Overview ------------------------------------------------------------------------

OVERVIEW = {
    "response_codes_internal_client_error_4xx": (
        "Response Codes: Internal Client Error (4xx)",
        2,
        16.667,
        "Issue",
        "High",
    ),
    "page_titles_over_60_characters": (
        "Page Titles: Over 60 Characters",
        1,
        8.333,
        "Opportunity",
        "Medium",
    ),
    "meta_description_missing": ("Meta Description: Missing", 1, 8.333, "Opportunity", "Low"),
    "h1_missing": ("H1: Missing", 1, 8.333, "Issue", "Medium"),
    "images_missing_alt_text": ("Images: Missing Alt Text", 3, 25.0, "Issue", "Low"),
    "security_missing_hsts_header": ("Security: Missing HSTS Header", 9, 75.0, "Warning", "Low"),
}


@pytest.mark.parametrize(
    "name",
    [
        "issues_overview_report.csv",  # with "Help URL", decimal points
        "issues_overview_report_de.csv",  # without "Help URL", decimal commas
    ],
)
def test_the_issues_overview_gives_one_finding_per_issue_with_the_tools_counts(name):
    batch = read(name, audited_on=CRAWLED)
    (report,) = batch.reports
    assert (report.source, report.layout, report.scope, report.checked) == (
        "screaming_frog",
        "issues_overview",
        "site",
        None,
    )
    assert report.audited_on == CRAWLED and report.resolves and report.pages == ()
    found = {f.key: f for f in batch.findings}
    for key, (title, urls, percent, kind, priority) in OVERVIEW.items():
        f = found[key]
        assert (f.title, f.count, f.urls, f.group) == (title, urls, (), f"screaming_frog:{key}")
        assert f.extra == {"issue_type": kind, "priority": priority, "percent_of_total": percent}
        assert f.details  # the tool's description travels with the finding


def test_an_overview_of_a_crawl_that_fetched_nothing_resolves_nothing():
    header = '"Issue Name","Issue Type","Issue Priority","URLs","% of Total","Description"'
    failed = '"Response Codes: Internal No Response","Issue","High","12","100,000","No answer"'
    (report,) = read_audit_files([("o.csv", csv_bytes(header, failed))]).reports
    assert not report.resolves and "fetched nothing" in str(report.problem)
    (empty,) = read_audit_files([("o.csv", csv_bytes(header))]).reports
    assert not empty.resolves


def test_an_issue_the_table_does_not_know_is_kept_under_a_slug_of_its_name():
    header = '"Issue Name","Issue Type","Issue Priority","URLs","% of Total"'
    row = '"AI: Brand New Check (beta)","Warning","Low","3","1.5"'
    batch = read_audit_files([("o.csv", csv_bytes(header, row))])
    (finding,) = batch.findings
    assert finding.key == "ai_brand_new_check_beta"
    assert finding.title == "AI: Brand New Check (beta)"
    assert [r.team for r in batch.groups[0].routes] == [None]


# --- per-issue exports ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key", "title", "urls"),
    [
        (
            "page_titles_duplicate.csv",
            "page_titles_duplicate",
            "Page Titles: Duplicate",
            ["/shoes/red", "/shoes/blue", "/shoes?sort=price"],
        ),
        (
            "meta_description_missing.csv",
            "meta_description_missing",
            "Meta Description: Missing",
            ["/pricing", "/contact"],
        ),
        (
            "response_codes_internal_client_error_(4xx).csv",
            "response_codes_internal_client_error_4xx",
            "Response Codes: Internal Client Error (4xx)",
            ["/files/brochure.pdf", "/events/2019"],  # the more linked first
        ),
        (
            "images_missing_alt_attribute.csv",
            "images_missing_alt_attribute",
            "Images: Missing Alt Attribute",
            ["/images/hero.jpg", "/images/team.webp", "/images/logo.svg"],  # heaviest first
        ),
        ("h2_nonsequential.csv", "h2_non_sequential", "H2: Non-Sequential", ["/pricing", "/about"]),
    ],
)
def test_a_per_issue_export_is_named_by_its_file_name(name, key, title, urls):
    batch = read(name)
    (report,) = batch.reports
    assert (report.layout, report.scope, report.checked) == ("issue_export", "site", {key})
    (finding,) = batch.findings
    assert (finding.key, finding.title) == (key, title)
    assert finding.urls == tuple(SITE + u for u in urls)
    assert finding.count == len(urls)


def test_the_same_export_in_a_zip_folder_or_renamed_by_the_os_keeps_its_issue():
    data = (FIXTURES / "meta_description_missing.csv").read_bytes()
    for name in ("crawl/issues/meta_description_missing.csv", "META_DESCRIPTION_MISSING.CSV"):
        (finding,) = read_audit_files([(name, data)]).findings
        assert finding.key == "meta_description_missing"


def test_an_export_of_an_unknown_issue_of_a_known_family_waits_in_triage():
    data = csv_bytes('"Address","Indexability"', f'"{SITE}/a","Indexable"')
    batch = read_audit_files([("page_titles_brand_new_filter.csv", data)])
    (finding,) = batch.findings
    assert finding.key == "page_titles_brand_new_filter"
    assert finding.title == "page titles brand new filter"
    assert batch.groups[0].routes[0].team is None


def test_an_export_naming_the_issue_on_every_row():
    data = csv_bytes(
        '"Address","Issue Name"',
        f'"{SITE}/a","H1: Missing"',
        f'"{SITE}/b","H1: Missing"',
        f'"{SITE}/a","Page Titles: Missing"',
    )
    batch = read_audit_files([("bulk_issues.csv", data)])
    assert {f.key: f.urls for f in batch.findings} == {
        "h1_missing": (f"{SITE}/a", f"{SITE}/b"),
        "page_titles_missing": (f"{SITE}/a",),
    }
    assert batch.reports[0].checked == {"h1_missing", "page_titles_missing"}


def test_an_empty_per_issue_export_resolves_nothing():
    (report,) = read_audit_files([("h1_missing.csv", csv_bytes('"Address","Occurrences"'))]).reports
    assert not report.resolves


def test_a_row_whose_address_is_not_a_url_is_refused_with_its_line():
    data = csv_bytes('"Address","Occurrences"', f'"{SITE}/a","1"', '"not a url","1"')
    with pytest.raises(AuditFileError, match="line 3: 'not a url' is not a URL") as caught:
        read_audit_files([("h1_missing.csv", data)])
    assert caught.value.file == "h1_missing.csv"


# --- Internal: All --------------------------------------------------------------------------

DERIVED = {
    "response_codes_internal_blocked_by_robots_txt": ["/private"],
    "response_codes_internal_no_response": ["/timeout"],
    "response_codes_internal_redirection_3xx": ["/blog/old-post"],
    "response_codes_internal_client_error_4xx": ["/events/2019"],
    "response_codes_internal_server_error_5xx": ["/api/report"],
    "directives_noindex": ["/thank-you"],
    "page_titles_missing": ["/contact"],
    "page_titles_over_60_characters": ["/pricing"],
    "page_titles_over_561_pixels": ["/pricing"],
    "meta_description_missing": ["/pricing"],
    "meta_description_over_155_characters": ["/contact"],
    "meta_description_over_985_pixels": ["/contact"],
    "h1_missing": ["/contact"],
    "content_low_content_pages": ["/thank-you", "/contact"],
    "page_size_over_1_mb": ["/pricing"],
    "response_times_over_1_second": ["/pricing"],
}


@pytest.mark.parametrize(
    "name",
    [
        "internal_all.csv",  # UTF-8 BOM, every field quoted, CRLF, decimal commas
        "internal_all_v16_lf.csv",  # fewer columns, "Size (Bytes)", decimal points, LF
        "internal_all_excel_utf16.csv",  # Excel's Unicode text: UTF-16 LE, tabs, minimal quotes
        "internal_all_semicolon.csv",  # a German Excel's CSV: semicolons, decimal commas
    ],
)
def test_internal_all_derives_the_issues_an_agency_asks_about(name):
    batch = read(name, audited_on=CRAWLED)
    (report,) = batch.reports
    assert (report.layout, report.scope, report.resolves) == ("internal_all", "pages", True)
    assert len(report.pages) == 12 and f"{SITE}/about" in report.pages  # trailing slash dropped
    assert report.checked == set(DERIVED)
    found = {f.key: f for f in batch.findings}
    assert {k: sorted(f.urls) for k, f in found.items()} == {
        k: sorted(SITE + u for u in urls) for k, urls in DERIVED.items()
    }
    assert found["page_titles_missing"].title == "Page Titles: Missing"
    assert found["response_times_over_1_second"].offenders[0].figures["response_s"] == 1.42
    assert found["page_size_over_1_mb"].offenders[0].figures["size_bytes"] == 1_250_000


def test_a_derived_issues_pages_come_worst_first_by_its_own_figure():
    data = csv_bytes(
        '"Address","Content Type","Status Code","Response Time","Unique Inlinks"',
        f'"{SITE}/a","text/html","200","1,200","50"',
        f'"{SITE}/b","text/html","200","4,900","1"',
        f'"{SITE}/c","text/html","404","0,100","3"',
        f'"{SITE}/d","text/html","404","0,100","30"',
    )
    found = {f.key: f.urls for f in read_audit_files([("internal_html.csv", data)]).findings}
    assert found["response_times_over_1_second"] == (f"{SITE}/b", f"{SITE}/a")
    assert found["response_codes_internal_client_error_4xx"] == (f"{SITE}/d", f"{SITE}/c")


def test_only_rules_whose_columns_the_export_has_are_checked():
    data = csv_bytes('"Address","Status Code","Status"', f'"{SITE}/","200","OK"')
    (report,) = read_audit_files([("internal_all.csv", data)]).reports
    assert "content_low_content_pages" not in report.checked
    assert "response_codes_internal_client_error_4xx" in report.checked


def test_titles_and_words_are_judged_on_html_pages_only():
    data = csv_bytes(
        '"Address","Content Type","Status Code","Title 1","Word Count","H1-1"',
        f'"{SITE}/logo.png","image/png","200","","0",""',
        f'"{SITE}/old","text/html","301","","0",""',
    )
    keys = {f.key for f in read_audit_files([("internal_all.csv", data)]).findings}
    assert keys == {"response_codes_internal_redirection_3xx"}


def test_noindex_from_the_indexability_status_or_the_robots_directives():
    data = csv_bytes(
        '"Address","Status Code","Indexability Status","Meta Robots 1","X-Robots-Tag 1"',
        f'"{SITE}/a","200","noindex","",""',
        f'"{SITE}/b","200","","NOINDEX, follow",""',
        f'"{SITE}/c","200","","","none"',
        f'"{SITE}/d","200","","index, follow","noarchive"',
    )
    (finding,) = [
        f
        for f in read_audit_files([("internal_all.csv", data)]).findings
        if f.key == "directives_noindex"
    ]
    assert finding.urls == (f"{SITE}/a", f"{SITE}/b", f"{SITE}/c")


def test_a_crawl_that_fetched_nothing_resolves_nothing():
    (report,) = read("internal_all_nothing_fetched.csv").reports
    assert not report.resolves and "fetched nothing" in str(report.problem)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0,410", 0.41),
        ("12.240", 12.24),
        ("100,000", 100.0),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1,234,567", 1234567.0),
        ("38843", 38843.0),
        ("12 345", 12345.0),
        ("12\u00a0345,5", 12345.5),
        ("45%", 45.0),
        ("-3", -3.0),
        ("", None),
        ("n/a", None),
        ("nan", None),
        ("inf", None),
        ("1e999", None),
    ],
)
def test_numbers_in_any_locale(text, value):
    assert number(text) == value
