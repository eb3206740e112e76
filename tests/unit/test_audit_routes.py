"""collab.audits.routes: audit ids and crawler issue names routed by identity, from the tables.

Every row of both shipped tables is exercised; unknown identifiers wait in triage; an
organisation's overrides win.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collab.audits.routes import (
    UnknownAuditCategory,
    check_overrides,
    fingerprint,
    issue_key,
    lighthouse_group,
    lighthouse_rows,
    route_finding,
    screaming_frog_issue,
    screaming_frog_rows,
)
from collab.work.routing import CATEGORIES, UNCATEGORISED

FIXTURES = Path(__file__).parents[1] / "fixtures" / "audits"
TABLES = Path(__file__).parents[2] / "collab" / "audits" / "tables"
LIGHTHOUSE = lighthouse_rows()
FROG = screaming_frog_rows()
OWNERS = {("it",): "IT", ("marketing",): "Marketing", ("it", "marketing"): "IT and Marketing"}


def test_the_tables_are_as_complete_as_the_sources():
    # 212 audit ids across Lighthouse v10.0-v13.4 (every auditRef of default-config.js at every
    # release tag); Screaming Frog's issues as its exports name them.
    assert len(LIGHTHOUSE) == 212
    assert len(FROG) >= 200
    assert len({r.key for r in LIGHTHOUSE}) == len(LIGHTHOUSE)
    assert len({r.key for r in FROG}) == len(FROG)
    assert len({fingerprint(r.name) for r in FROG}) == len(FROG)


@pytest.mark.parametrize("row", LIGHTHOUSE + FROG, ids=lambda r: f"{r.source}:{r.key}")
def test_every_row_names_a_real_category_and_real_teams(row):
    assert row.category in CATEGORIES and row.category != UNCATEGORISED
    assert row.teams and set(row.teams) <= {"it", "marketing"}
    assert row.topic.strip() == row.topic and row.topic


@pytest.mark.parametrize("row", LIGHTHOUSE, ids=lambda r: r.key)
def test_every_lighthouse_audit_routes_by_its_id(row):
    routes = route_finding("lighthouse", row.key)
    assert [r.team for r in routes] == list(row.teams)
    assert {r.category for r in routes} == {row.category}
    assert {r.matched for r in routes} == {row.key}
    reason = routes[0].reason
    assert reason == (
        f"Lighthouse {row.area} audit `{row.key}`: {row.topic}, owned by {OWNERS[row.teams]}"
    )


@pytest.mark.parametrize("row", FROG, ids=lambda r: r.key)
def test_every_screaming_frog_issue_routes_by_its_name_key_and_file_name(row):
    by_key = route_finding("screaming_frog", row.key)
    assert [r.team for r in by_key] == list(row.teams)
    assert {r.category for r in by_key} == {row.category}
    assert by_key[0].reason == (
        f'Screaming Frog issue "{row.name}": {row.topic}, owned by {OWNERS[row.teams]}'
    )
    # The name as written, and the file name the tool derives from it, find the same row.
    assert row.key == issue_key(row.name)
    assert screaming_frog_issue(row.name) == row
    stem = row.name.lower().replace(": ", "_").replace(" ", "_").replace("-", "")
    assert screaming_frog_issue(stem) == row


@pytest.mark.parametrize(
    ("source", "key", "category", "teams", "reason"),
    [
        (
            "lighthouse",
            "label",
            "technical_seo",
            ["it"],
            "Lighthouse accessibility audit `label`: accessibility: form markup, owned by IT",
        ),
        ("lighthouse", "legacy-javascript", "page_speed", ["it"], None),
        ("lighthouse", "legacy-javascript-insight", "page_speed", ["it"], None),
        ("lighthouse", "document-latency-insight", "page_speed", ["it"], None),
        ("lighthouse", "image-delivery-insight", "page_speed", ["it"], None),
        ("lighthouse", "deprecations", "broken_links", ["it"], None),
        ("lighthouse", "meta-description", "meta_tags", ["marketing"], None),
        ("lighthouse", "document-title", "meta_tags", ["marketing"], None),
        ("lighthouse", "link-text", "meta_tags", ["marketing"], None),
        ("lighthouse", "image-alt", "meta_tags", ["it", "marketing"], None),
        ("lighthouse", "is-crawlable", "technical_seo", ["it"], None),
        ("lighthouse", "redirects", "redirects", ["it"], None),
        ("lighthouse", "http-status-code", "broken_links", ["it"], None),
        ("lighthouse", "viewport", "mobile", ["it"], None),
        ("lighthouse", "is-on-https", "technical_seo", ["it"], None),
        (
            "screaming_frog",
            "Meta Description: Missing",
            "meta_tags",
            ["marketing"],
            'Screaming Frog issue "Meta Description: Missing": meta descriptions, owned by '
            "Marketing",
        ),
        (
            "screaming_frog",
            "response_codes_internal_client_error_(4xx)",
            "broken_links",
            ["it"],
            None,
        ),
        ("screaming_frog", "Images: Missing Alt Text", "meta_tags", ["it", "marketing"], None),
        ("screaming_frog", "Content: Low Content Pages", "thin_content", ["marketing"], None),
        ("screaming_frog", "Security: Missing HSTS Header", "technical_seo", ["it"], None),
        ("screaming_frog", "Canonicals: Canonicalised", "technical_seo", ["it"], None),
        ("screaming_frog", "Response Times: Over 1 Second", "page_speed", ["it"], None),
        ("screaming_frog", "Page Size: Over 1 MB", "page_speed", ["it"], None),
    ],
)
def test_the_issues_examples_route_where_the_domain_says(source, key, category, teams, reason):
    routes = route_finding(source, key)
    assert [r.team for r in routes] == teams
    assert {r.category for r in routes} == {category}
    if reason:
        assert routes[0].reason == reason


def test_words_go_to_marketing_and_markup_to_it():
    by_key = {r.key: r for r in LIGHTHOUSE}
    assert all(by_key[k].teams == ("marketing",) for k in ("meta-description", "document-title"))
    accessibility = [r for r in LIGHTHOUSE if r.area == "accessibility"]
    assert accessibility and all("it" in r.teams for r in accessibility)
    assert all(
        r.teams == ("it",) for r in LIGHTHOUSE if r.area in ("performance", "performance insight")
    )
    for row in accessibility:
        if row.category in ("technical_seo", "mobile") and row.teams == ("it",):
            assert "accessibility" in row.topic or "font" in row.topic or "viewport" in row.topic


@pytest.mark.parametrize(
    ("source", "key"),
    [
        ("lighthouse", "a-brand-new-audit"),
        ("lighthouse", "Label"),
        ("screaming_frog", "Hypothetical: Brand New Check"),
        ("csv", "slow_page"),
        ("sitebulb", "anything"),
    ],
)
def test_unknown_identifiers_wait_in_triage_for_both_directors(source, key):
    (route,) = route_finding(source, key)
    assert route.team is None and route.category == UNCATEGORISED and route.matched is None
    assert key in route.reason and "triage" in route.reason


@given(st.text(max_size=60))
def test_routing_any_identifier_never_raises_and_never_guesses(key):
    routes = route_finding("lighthouse", key)
    known = {r.key for r in LIGHTHOUSE}
    if key in known:
        assert routes[0].team is not None
    else:
        assert [r.team for r in routes] == [None]


def test_an_organisations_override_wins_over_the_table():
    overrides = {"lighthouse:label": "landing_page", "meta-description": "content_marketing"}
    routes = route_finding("lighthouse", "label", overrides)
    assert [(r.team, r.category) for r in routes] == [
        ("it", "landing_page"),
        ("marketing", "landing_page"),
    ]
    assert "your organisation routes it as landing page" in routes[0].reason
    (route,) = route_finding("lighthouse", "meta-description", overrides)
    assert route.category == "content_marketing"
    # A source-qualified override beats a plain one.
    both = {"lighthouse:canonical": "redirects", "canonical": "meta_tags"}
    assert route_finding("lighthouse", "canonical", both)[0].category == "redirects"
    # Unknown ids can be routed by the organisation too.
    assert route_finding("csv", "slow_page", {"csv:slow_page": "page_speed"})[0].team == "it"


def test_an_override_to_uncategorised_sends_it_to_triage_on_purpose():
    (route,) = route_finding("lighthouse", "label", {"label": UNCATEGORISED})
    assert route.team is None and "your organisation sends it to triage" in route.reason


def test_overrides_are_checked_when_saved():
    assert check_overrides({" label ": "mobile", "x": UNCATEGORISED}) == {
        "label": "mobile",
        "x": UNCATEGORISED,
    }
    for bad in ({"label": "accessibility"}, {"label": None}, {"": "mobile"}):
        with pytest.raises(UnknownAuditCategory) as caught:
            check_overrides(bad)
        assert "choose one of: technical_seo" in str(caught.value)
    # A stale override (its category since removed) is ignored, not obeyed blindly.
    assert route_finding("lighthouse", "label", {"label": "gone"})[0].category == "technical_seo"


def test_metric_audits_share_one_group_and_others_keep_their_own():
    metrics = {r.key for r in LIGHTHOUSE if r.group == "metrics"}
    assert {"largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift"} <= metrics
    assert {"first-contentful-paint", "speed-index", "interactive"} <= metrics
    assert all(lighthouse_group(k) == "metrics" for k in metrics)
    assert lighthouse_group("unused-javascript") == "unused-javascript"
    assert lighthouse_group("not-in-the-table") == "not-in-the-table"


@pytest.mark.parametrize("name", ["v10_mobile.json", "v13_desktop.json", "psi_v12_mobile.json"])
def test_every_audit_of_the_real_sample_reports_is_in_the_table(name):
    doc = json.loads((FIXTURES / "lighthouse" / name).read_text(encoding="utf-8"))
    lhr = doc.get("lighthouseResult", doc)
    known = {r.key for r in LIGHTHOUSE}
    assert set(lhr["audits"]) - known == set()


def test_every_issue_of_the_fixture_overviews_is_in_the_table():
    for path in (FIXTURES / "screaming_frog").glob("issues_overview*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                assert screaming_frog_issue(row["Issue Name"]) is not None, row["Issue Name"]


def test_the_tables_are_plain_csv_with_the_documented_columns():
    with (TABLES / "lighthouse.csv").open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == [
            "audit_id",
            "area",
            "category",
            "teams",
            "topic",
            "group",
            "versions",
        ]
    with (TABLES / "screaming_frog.csv").open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == [
            "key",
            "issue_name",
            "language",
            "category",
            "teams",
            "topic",
        ]
