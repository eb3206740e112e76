"""collab.training: the shipped note library, filling, and safe rendering."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collab.training import library as training
from collab.training.filled_notes import api_note
from collab.training.library import (
    DONE,
    HISTORY_HEADING,
    HOW,
    MEASURED_HEADING,
    READING,
    SECTIONS,
    WHY,
    Note,
    TaskFacts,
    describe,
    fill,
    parse_note,
    render_html,
    section,
    shipped_note,
    unknown_placeholders,
)
from collab.work.routing import CATEGORIES, UNCATEGORISED

SLUGS = sorted(CATEGORIES)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])", text.strip()) if s]


def make_note(body: str, kpis: tuple[str, ...] = ("leads",)) -> Note:
    return Note(category="landing_copy", title="A note", kpis=kpis, body_md=body)


# --- the shipped library -------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_every_category_has_a_complete_shipped_note(slug):
    note = shipped_note(slug)

    assert note.category == slug
    assert note.title.strip()
    assert note.kpis == CATEGORIES[slug].metrics
    for heading in SECTIONS:
        assert section(note.body_md, heading), f"{slug}: no '{heading}' section"
    checklist = [line for line in section(note.body_md, DONE).splitlines() if "- [ ]" in line]
    assert 3 <= len(checklist) <= 6
    reading = sentences(section(note.body_md, READING))
    assert 2 <= len(reading) <= 4
    assert "http" not in note.body_md
    words = len(re.findall(r"\w+", note.body_md))
    assert 150 <= words <= 340, f"{slug}: {words} words"


@pytest.mark.parametrize("slug", SLUGS)
def test_why_it_matters_has_two_to_four_sentences(slug):
    why = section(shipped_note(slug).body_md, WHY)

    assert 2 <= len(sentences(why)) <= 4, why


@pytest.mark.parametrize("slug", SLUGS)
def test_shipped_notes_use_only_known_placeholders(slug):
    body = shipped_note(slug).body_md

    assert set(re.findall(r"\{([^{}]*)\}", body)) <= {
        "url_count",
        "priority",
        "due_date",
        "kpi_figures",
    }
    filled = fill(shipped_note(slug), TaskFacts())
    assert "{" not in filled and "}" not in filled


def test_uncategorised_note_explains_triage_and_promises_no_numbers():
    note = shipped_note(UNCATEGORISED)

    assert note.kpis == ()
    why = section(note.body_md, WHY).lower()
    assert "it and marketing directors" in why
    assert "triage" in why


@pytest.mark.parametrize("slug", ["no_such_category", "", "../routing", "UNCATEGORISED"])
def test_unknown_category_gets_the_uncategorised_note(slug):
    assert shipped_note(slug) == shipped_note(UNCATEGORISED)


# --- parse_note and section ----------------------------------------------------------------


def test_parse_note_reads_front_matter_and_body():
    text = (
        "---\r\ntitle: 'Why it pays'\r\nkpis: [leads, cost_per_lead, leads]\r\nowner: x\r\n---\r\n"
        "\r\n## Why it matters\r\nBecause.\r\n"
    )

    note = parse_note("paid_ads", text)

    assert note == Note(
        "paid_ads", "Why it pays", ("leads", "cost_per_lead"), "## Why it matters\nBecause.\n"
    )


def test_parse_note_allows_empty_kpis():
    note = parse_note("uncategorised", "---\ntitle: Waiting\nkpis:\n---\nBody.")

    assert note.kpis == ()
    assert note.body_md == "Body.\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("## Why it matters\nNo front matter here.", "no front matter"),
        ("", "no front matter"),
        ("---\ntitle: Never closed\n## Why it matters\nText.", "no front matter"),
        ("---\ntitle:\nkpis: leads\n---\nBody.", "title is empty"),
        ("---\ntitle: '  '\n---\nBody.", "title is empty"),
        ("---\nkpis: leads\n---\nBody.", "title is empty"),
        ("---\ntitle: Fine\nkpis: leads\n---\n", "body is empty"),
        ("---\ntitle: Fine\n---\n  \n\n", "body is empty"),
        ("---\ntitle: Fine\njust words\n---\nBody.", "not 'key: value'"),
        ("---\ntitle: Fine\nkpis: Cost Per Lead\n---\nBody.", "not a metric name"),
    ],
)
def test_parse_note_rejects_bad_input_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_note("meta_tags", text)


def test_section_returns_text_under_heading_until_next_heading():
    body = (
        "# Top\nintro\n## Why it matters\nOne.\n\n### Detail\nStill here.\n"
        "## How we will know it worked\n```\n## not a heading\n```\nTwo.\n"
    )

    assert section(body, "Why it matters") == "One.\n\n### Detail\nStill here."
    assert section(body, "how we will know  it worked") == "```\n## not a heading\n```\nTwo."
    assert section(body, "Further reading") == ""
    assert section(body, "Detail") == ""
    assert section("", WHY) == ""


# --- fill ----------------------------------------------------------------------------------

BODY = (
    "## Why it matters\nScope: {url_count}. Priority: {priority}. Deadline: {due_date}.\n\n"
    "## How we will know it worked\nCompare windows. {kpi_figures}\n"
)


def test_fill_without_facts_reads_well():
    filled = fill(make_note(BODY), TaskFacts())

    assert "Scope: no URLs listed yet. Priority: not set yet. Deadline: no due date yet." in filled
    assert "Compare windows. We have no figures for these numbers yet." in filled
    assert MEASURED_HEADING not in filled
    assert HISTORY_HEADING not in filled


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "no URLs listed yet"),
        (1, "1 affected URL"),
        (37, "37 affected URLs"),
        (1200, "1,200 affected URLs"),
    ],
)
def test_fill_url_count(count, text):
    assert f"Scope: {text}." in fill(make_note(BODY), TaskFacts(url_count=count))


def test_fill_with_facts():
    facts = TaskFacts(
        url_count=37,
        priority="high",
        due_date=date(2025, 6, 30),
        kpi_figures={
            "cost_per_lead": 1250,
            "leads": 42,
            "lcp_ms": 2450.0,
            "not_found_count": 1034,
            "search_ctr": 0.0325,
            "bounce_rate": 47.25,
            "organic_sessions": 12345.6,
            "romi": 1.5,
            "custom_metric": 3,
        },
    )

    filled = fill(make_note(BODY), facts)

    assert "Scope: 37 affected URLs. Priority: high. Deadline: 30 June 2025." in filled
    assert (
        "Compare windows. Today: cost per lead 1,250.00, leads 42, page load time (LCP, ms) 2,450, "
        "404 count 1,034, search click-through rate 0.0325, bounce rate 47.25, "
        "organic sessions 12,345.6, ROMI 1.50, custom metric 3."
    ) in filled


def test_fill_skips_figures_that_are_not_numbers():
    facts = TaskFacts(kpi_figures={"leads": float("nan"), "spend": None, "revenue": True})

    assert "We have no figures for these numbers yet." in fill(make_note(BODY), facts)


def test_fill_appends_what_this_task_did():
    facts = TaskFacts(
        measured=[
            {"metric": "leads", "change_pct": 12.0, "verdict": "improved"},
            {"metric": "cost_per_lead", "change_pct": -8.04, "verdict": "improved"},
            {"metric": "conversion_rate", "change_pct": 0.02, "verdict": "no_change"},
            {"metric": "lcp_ms", "change_pct": 3.46, "verdict": "worsened"},
            {"metric": "bounce_rate", "change_pct": -6.2, "verdict": "inconclusive"},
            {"metric": "romi", "change_pct": None, "verdict": None},
        ]
    )

    filled = fill(make_note(BODY), facts)

    # Only a verdict that claims an effect leads with its figure.
    assert filled.endswith(
        "## What it did here\n"
        "- leads +12.0% (improved)\n"
        "- cost per lead -8.0% (improved)\n"
        "- conversion rate: no clear change (0.0%)\n"
        "- page load time (LCP, ms) +3.5% (worsened)\n"
        "- bounce rate: inconclusive (-6.2%)\n"
        "- ROMI: no figure yet\n"
    )
    assert section(filled, MEASURED_HEADING).startswith("- leads +12.0% (improved)")


def test_fill_summarises_earlier_work_per_metric():
    facts = TaskFacts(
        history=[
            {"metric": "organic_sessions", "change_pct": 6.0, "verdict": "improved"},
            {"metric": "bounce_rate", "change_pct": -4.0, "verdict": "improved"},
            {"metric": "organic_sessions", "change_pct": 9.5, "verdict": "improved"},
            {"metric": "organic_sessions", "change_pct": -1.0, "verdict": "no_change"},
            {"metric": "leads", "change_pct": 2.0, "verdict": "no_change"},
            {"metric": "leads", "change_pct": 8.0, "verdict": "inconclusive"},
            {"metric": "search_ctr", "change_pct": 14.0, "verdict": "inconclusive"},
            {"metric": "romi", "change_pct": None, "verdict": None},
            {"metric": "romi", "change_pct": None, "verdict": None},
        ]
    )

    filled = fill(make_note(BODY), facts)

    assert section(filled, HISTORY_HEADING) == (
        "- 3 earlier tasks measured organic sessions: median +6.0%; 2 of 3 improved, "
        "1 no clear change.\n"
        "- 1 earlier task measured bounce rate: -4.0% (improved).\n"
        "- 2 earlier tasks measured leads: median +5.0%; 0 of 2 improved, 1 no clear change, "
        "1 inconclusive.\n"
        "- 1 earlier task measured search click-through rate: inconclusive (+14.0%).\n"
        "- 2 earlier tasks measured ROMI: 0 of 2 improved."
    )
    assert MEASURED_HEADING not in filled


def test_fill_puts_measured_before_history():
    facts = TaskFacts(
        measured=[{"metric": "leads", "change_pct": 5.0, "verdict": "improved"}],
        history=[
            {"metric": "leads", "change_pct": 1.0, "verdict": "no_change"},
            {"metric": "leads", "change_pct": 3.0, "verdict": "improved"},
        ],
    )

    filled = fill(make_note(BODY), facts)

    assert filled.index(MEASURED_HEADING) < filled.index(HISTORY_HEADING)
    assert (
        "- 2 earlier tasks measured leads: median +2.0%; 1 of 2 improved, 1 no clear change."
        in filled
    )


# --- user text is never a format string ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "{0.__class__}",
        "{facts}",
        "{url_count.__class__}",
        "{url_count!r}",
        "{url_count:>10}",
        "{priority.__init__.__globals__}",
        "{}",
        "{{url_count}}",
        "{",
        "}",
        "{note.title}",
    ],
)
def test_placeholders_in_user_text_never_execute(text):
    note = make_note(f"## Why it matters\nBefore {text} after.\n")

    filled = fill(note, TaskFacts(url_count=3, priority="low"))

    # Known names are filled, an unknown name ({facts}) is left out; nothing else changes.
    expected = text.replace("{url_count}", "3 affected URLs").replace("{facts}", "")
    assert f"Before {expected} after." in filled
    assert "class" not in filled.replace(text, "")


def test_only_known_names_are_filled_and_unknown_ones_left_out():
    note = make_note("{url_count} {unknown} {priority} {0} {due_date}")

    filled = fill(note, TaskFacts(url_count=1, priority="urgent", due_date=date(2026, 1, 5)))

    assert filled == "1 affected URL  urgent {0} 5 January 2026\n"


def test_unknown_placeholders_are_named_once_each_in_order():
    body = "{due_date} {owner} {url_count} {Owner} {owner} {0} {a.b} {kpi_figures}"
    assert unknown_placeholders(body) == ["owner", "Owner"]
    assert all(unknown_placeholders(shipped_note(slug).body_md) == [] for slug in SLUGS)


def test_a_category_page_says_placeholders_in_words():
    assert describe("Scope: {url_count}. Due: {due_date}. {owner}") == (
        "Scope: *how many URLs the task lists*. Due: *its due date*. "
    )


# --- rendering -----------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


ALLOWED = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote"}
ALLOWED |= {"a", "br", "hr", "table", "thead", "tbody", "tr", "th", "td"}


def assert_harmless(html: str) -> None:
    for tag, attrs in _Tags(html).tags:
        assert tag in ALLOWED, html
        for name, value in attrs.items():
            assert (tag, name) in {("a", "href"), ("a", "rel"), ("ol", "start")}, html
            if name == "href":
                assert re.match(r"(https?:|mailto:|[/#?]|[\w.-]+(/|$))", value or ""), html
                assert "javascript" not in (value or "").lower(), html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        '<a href="#" onclick="x">y</a>',
        "[x](JaVaScRiPt:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x]: javascript:alert(1)\n\n[x]",
        "<javascript:alert(1)>",
        "<iframe src=x></iframe>",
        "![x](javascript:alert(1))",
        '<div style="x" onmouseover="alert(1)">hi</div>',
    ],
)
def test_render_html_neutralises_dangerous_input(source):
    html = render_html(f"Before\n\n{source}\n\nafter")

    assert_harmless(html)
    assert "<p>Before</p>" in html and "<p>after</p>" in html


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<script>alert(1)</script>ok", "ok"),
        ("<img src=x onerror=alert(1)>", ""),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="#" onclick="x">y</a>', '<a href="#" rel="noopener noreferrer">y</a>'),
        ('<p style="color:red" class="c" id="i">t</p>', "<p>t</p>"),
        ('<input type="checkbox" disabled>', ""),
    ],
)
def test_the_sanitiser_alone_strips_what_markdown_would_never_emit(html, expected):
    # Defence in depth: the Markdown renderer already escapes raw HTML, but the sanitiser must
    # hold on its own should that setting ever change.
    assert training._sanitise(html) == expected


def test_render_html_escapes_raw_html_as_text():
    html = render_html("<script>alert(1)</script>")

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_render_html_keeps_safe_markdown():
    html = render_html(
        "## Heading\n\n**bold** *em* `code` [site](https://example.com/a?b=1)\n\n"
        "> quoted\n\n1. one\n2. two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )

    assert "<h2>Heading</h2>" in html
    assert "<strong>bold</strong> <em>em</em> <code>code</code>" in html
    assert '<a href="https://example.com/a?b=1" rel="noopener noreferrer">site</a>' in html
    assert "<blockquote>" in html
    assert "<ol>" in html and "<li>one</li>" in html
    assert "<table>" in html and "<td>1</td>" in html


def test_render_html_turns_checklist_items_into_plain_list_items():
    tight = render_html("- [ ] open item\n- [x] done item\n- plain\n- [ ]no space\n")
    loose = render_html("* [ ] loose\n\n* [X] list\n")

    assert tight == (
        "<ul>\n<li>☐ open item</li>\n<li>☑ done item</li>\n<li>plain</li>\n"
        "<li>[ ]no space</li>\n</ul>\n"
    )
    assert "<li>\n<p>☐ loose</p>\n</li>" in loose
    assert "<li>\n<p>☑ list</p>\n</li>" in loose
    assert "<input" not in tight + loose


def test_render_html_leaves_brackets_elsewhere_alone():
    html = render_html("Not a list: [ ] stays.\n\n```\n- [ ] code\n```\n")

    assert "<p>Not a list: [ ] stays.</p>" in html
    assert "<pre><code>- [ ] code\n</code></pre>" in html


@pytest.mark.parametrize("slug", SLUGS)
def test_every_shipped_note_renders(slug):
    facts = TaskFacts(url_count=2, kpi_figures={m: 10.0 for m in CATEGORIES[slug].metrics})

    html = render_html(fill(shipped_note(slug), facts))

    assert html.startswith("<h2>Why it matters</h2>")
    assert "☐" in html and "[ ]" not in html
    assert "{" not in html


# --- the API object ------------------------------------------------------------------------


def test_api_note_gives_plain_filled_sections_and_html():
    note = make_note(
        "## Why it matters\nA **fast** page\nkeeps `visitors`. See [docs](https://example.com).\n\n"
        "## How we will know it worked\nWe compare {kpi_figures}\n\n"
        "## What done means\n- [ ] Ship it\n"
    )
    facts = TaskFacts(
        kpi_figures={"leads": 42},
        measured=[{"metric": "leads", "change_pct": 12.0, "verdict": "improved"}],
    )

    result = api_note(note, facts)

    assert result == {
        "title": "A note",
        "why": "A fast page keeps visitors. See docs.",
        "kpis": ["leads"],
        "how_measured": "We compare Today: leads 42.",
        "body_html": render_html(fill(note, facts)),
    }
    assert "<li>leads +12.0% (improved)</li>" in result["body_html"]


def test_api_note_for_a_shipped_note():
    result = api_note(shipped_note("page_speed"), TaskFacts())

    assert result["kpis"] == ["lcp_ms", "bounce_rate", "conversion_rate"]
    assert result["why"].startswith("Largest Contentful Paint")
    assert "#" not in result["why"] and "\n" not in result["why"]
    assert result["how_measured"].endswith("We have no figures for these numbers yet.")
    assert HOW in result["body_html"]


def test_api_note_without_sections_is_empty_not_an_error():
    result = api_note(make_note("Just a paragraph."), TaskFacts())

    assert result["why"] == ""
    assert result["how_measured"] == ""
    assert result["body_html"] == "<p>Just a paragraph.</p>\n"


_MARKDOWN_LINES = st.sampled_from(
    [
        "## Why it matters",
        "## How we will know it worked",
        "# Overview",
        "### Detail",
        "",
        "A **fast** page keeps `visitors`.",
        "See [the docs][ref] and [this](https://example.com).",
        "[ref]: https://example.com/ref",
        "- [ ] a checklist item",
        "1. first",
        "> ## a heading in a quote",
        "```",
        "## not a heading inside code",
        "    indented code",
        "| a | b |",
        "|---|---|",
        "<script>alert(1)</script>",
        "{kpi_figures} for {url_count}",
    ]
)


@given(st.lists(_MARKDOWN_LINES, max_size=14))
@settings(max_examples=150, deadline=None)
def test_api_note_reads_like_the_task_page_whatever_the_text(lines):
    # The API parses a note once for its sections and HTML; it must say what the task page
    # (render_html) and the section reader say about the same text.
    note = make_note("\n".join(lines) + "\n")
    facts = TaskFacts(url_count=3, kpi_figures={"leads": 42})
    filled = fill(note, facts)

    result = api_note(note, facts)

    assert result["body_html"] == render_html(filled)
    assert result["why"] == training.plain_text(section(filled, WHY))
    assert result["how_measured"] == training.plain_text(section(filled, HOW))
