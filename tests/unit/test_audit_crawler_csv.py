"""Any crawler's CSV (url, issue[, details]), with the organisation's column mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from collab.audits import AuditFileError, read_audit_files

FIXTURES = Path(__file__).parents[1] / "fixtures" / "audits" / "crawler"
SITE = "https://www.example-shop.com"
RUSSIAN = {"url": "Адрес страницы", "issue": "Проблема", "details": "Комментарий"}


def read(name: str, **kwargs):
    return read_audit_files([(name, (FIXTURES / name).read_bytes())], **kwargs)


def test_a_crawler_csv_becomes_one_finding_per_issue():
    batch = read("crawler_issues.csv")
    (report,) = batch.reports
    assert (report.source, report.layout, report.scope) == ("csv", "crawler_csv", "pages")
    assert report.pages == tuple(
        f"{SITE}{u}" for u in ("/pricing", "/contact", "/blog/old-post", "/about")
    )
    found = {f.key: f for f in batch.findings}
    assert set(found) == {
        "slow_page_ttfb_over_600_ms",
        "internal_link_to_redirect",
        "title_too_short",
    }
    slow = found["slow_page_ttfb_over_600_ms"]
    assert slow.title == "Slow page (TTFB over 600 ms)"
    assert slow.urls == (f"{SITE}/pricing", f"{SITE}/contact")
    assert [o.note for o in slow.offenders] == ["TTFB 1420 ms", "TTFB 812 ms"]
    assert report.checked == set(found)
    # No table knows these tools' words: triage, unless the organisation routes them.
    assert {g.routes[0].team for g in batch.groups} == {None}


def test_the_organisations_mapping_reads_its_own_columns_and_encoding():
    batch = read("audit_cp1251.csv", csv_columns=RUSSIAN)
    found = {f.title: f.urls for f in batch.findings}
    assert found == {
        "Дублирующийся заголовок H1": (f"{SITE}/ru/o-kompanii", f"{SITE}/ru/dostavka"),
        "Нет мета-описания": (f"{SITE}/ru/kontakty",),
    }


def test_the_organisations_overrides_route_crawler_issues():
    overrides = {"csv:slow_page_ttfb_over_600_ms": "page_speed"}
    batch = read("crawler_issues.csv", overrides=overrides)
    slow = next(g for g in batch.groups if g.key == "csv:slow_page_ttfb_over_600_ms")
    assert [(r.team, r.category) for r in slow.routes] == [("it", "page_speed")]


def test_without_the_mapping_russian_headers_match_no_layout():
    with pytest.raises(AuditFileError, match='"Адрес страницы", "Проблема", "Комментарий"'):
        read("audit_cp1251.csv")


def test_a_mapped_column_missing_from_the_file_is_named():
    data = b"Page;Trouble\nhttps://www.example-shop.com/a;Slow\n"
    with pytest.raises(AuditFileError, match='the issue column "Problem" is not in this file'):
        read_audit_files([("ahrefs.csv", data)], csv_columns={"url": "Page", "issue": "Problem"})


def test_the_mapping_never_stops_a_screaming_frog_export_in_the_same_upload():
    frog = FIXTURES.parent / "screaming_frog" / "internal_all.csv"
    batch = read_audit_files(
        [
            ("audit.csv", (FIXTURES / "audit_cp1251.csv").read_bytes()),
            ("all.csv", frog.read_bytes()),
        ],
        csv_columns=RUSSIAN,
    )
    assert [r.layout for r in batch.reports] == ["crawler_csv", "internal_all"]
    # Without the mapping's columns, a file with common spellings is still read.
    assert read("crawler_issues.csv", csv_columns=RUSSIAN).reports[0].layout == "crawler_csv"


def test_every_row_needs_a_url_and_an_issue_and_all_bad_rows_are_named():
    data = (
        "url,issue\n"
        f"{SITE}/a,Broken link\n"
        "/relative,Broken link\n"
        f"{SITE}/b,\n" + "".join(f"nope{i},x\n" for i in range(10))
    ).encode()
    with pytest.raises(AuditFileError) as caught:
        read_audit_files([("sitebulb.csv", data)])
    message = caught.value.problem
    assert "line 3: '/relative' is not a URL" in message
    assert "line 4: no issue" in message
    assert "(and 7 more)" in message


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("URL,Hint,Description", f"{SITE}/a,Thin content,120 words"),
        ("Address;Issue Name", f"{SITE}/a;Thin content"),
        ("page\tproblem", f"{SITE}/a\tThin content"),
    ],
)
def test_common_spellings_of_the_columns_are_recognised(header, row):
    (finding,) = read_audit_files([("export.csv", f"{header}\n{row}\n".encode())]).findings
    assert (finding.key, finding.urls) == ("thin_content", (f"{SITE}/a",))
