"""A task's note in the API reads exactly as its own filled text rendered, wherever the note
puts its placeholders and whatever the task's values are; shipped notes are filled in place
(rendered once, not once a task)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collab.training import filled_notes, library
from collab.training.filled_notes import api_note
from collab.training.library import PLACEHOLDERS, Note, TaskFacts, Words, shipped_note
from collab.work.routing import CATEGORIES

# Lines a director might write, "{x}" standing for one of the placeholders.
_LINES = [
    "## Why it matters",
    "## How we will know it worked",
    "Work on {x} now.",
    "{x}",
    "{x} is what we know.",
    "Now *{x}* and **{x}**, _{x}_ and ~~{x}~~.",
    "A word*{x}*word and x{x}y.",
    "See [{x}](https://example.com) and [the page](https://example.com/{x}).",
    "<https://example.com/{x}> and ![{x}](https://example.com/i.png)",
    "Code `{x}` inline.",
    "    {x} in an indented code block",
    "```",
    "## {x}",
    "# {x}",
    "{x}",
    "===",
    "- {x}",
    "1. {x}",
    "- [ ] {x}",
    "| {x} | b |",
    "|---|---|",
    "> {x}",
    "&{x}; and &#{x};",
    "\\{x} escaped",
    "[see]{x} and [see] {x}",
    "[see]: https://example.com/see",
    "Read the [guide][{x}] or [{x}].",
    "[high]: https://example.com/high",
    "- [{x}] check it",
    "Entity &co{x}; and &{x}; here.",
    "| a |",
    "[a](https://example.com/{x}",
    "Ends with two spaces {x}  ",
    "",
]
_VALUES = [
    "high",
    "12 affected URLs",
    "1\xa0234 затронутых URL",
    "5 December 2026",
    "Today: Leads 1,234, Cost per lead $12.50.",
    "Сегодня: заявки 1\xa0234, стоимость заявки 12,50\xa0₽.",
    "not set yet",
    "*bold*",
    "(12%)",
    "amp",
    "copy",
    "- item",
    "1. first",
    "12.5% more",
    "# heading",
    "a  b",
    " lead",
    "trail ",
    "two\nlines",
    "",
    "<b>",
    "a & b",
    'say "x"',
    "snake_case",
    "back\\slash",
    "`code`",
    "[x]",
    "wow!",
    "«x» — y",
    "a\u202fb",
    "tab\tbed",
    "=",
    "x",
    "py",
    "low",
    ":-:",
    "a)",
]
_TEXT = st.text(st.sampled_from("ab 1.,:;%()-–*_[]<>&#!|~`\\\"'\xa0\nЖ"), max_size=12)


def _words(values: dict[str, str]) -> Words:
    return Words(
        lambda count: values["url_count"],
        lambda priority: values["priority"],
        lambda due: values["due_date"],
        lambda figures, currency=None: values["kpi_figures"],
        library.measured_summary,
        library.history_summary,
    )


@given(
    lines=st.lists(
        st.tuples(st.sampled_from(_LINES), st.sampled_from(sorted(PLACEHOLDERS))), max_size=12
    ),
    values=st.fixed_dictionaries(
        {name: st.one_of(st.sampled_from(_VALUES), _TEXT) for name in PLACEHOLDERS}
    ),
    audit=st.lists(st.sampled_from(["12 images could be smaller", "[see] the *worst* page"])),
)
@settings(max_examples=400, deadline=None)
def test_a_note_filled_in_place_reads_as_its_own_filled_text(lines, values, audit):
    body = "\n".join(line.replace("{x}", "{" + name + "}") for line, name in lines) + "\n"
    note = Note("page_speed", "Page speed", ("leads",), body)
    facts, say = TaskFacts(audit=audit), _words(values)

    got = api_note(note, facts, say)

    assert (got["why"], got["how_measured"], got["body_html"]) == library.sections_and_html(
        library.fill(note, facts, say)
    )


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_shipped_notes_are_rendered_once_and_filled_in_place(category, language):
    note = shipped_note(category, language)
    assert filled_notes._marked(note.body_md, ()) is not None


@pytest.mark.parametrize(
    ("body", "value"),
    [
        ("Read the [guide][{priority}].\n\n[high]: https://example.com/high\n", "high"),
        ("[{priority}]\n\n[high]: https://example.com/high\n", "high"),
        ("- [{priority}] check it\n", "x"),
        ("Entity &co{priority}; here.\n", "py"),
        ("| a |\n{priority}\n", ":-:"),
        ("[a](https://example.com/{priority}\n", "a)"),
        ("## Why it matters\n\nDue **{priority}** and *{priority}*.\n", "(soon)"),
    ],
)
def test_where_a_value_would_read_differently_the_note_is_rendered_whole(body, value):
    note = Note("page_speed", "Page speed", ("leads",), body)
    values = dict.fromkeys(PLACEHOLDERS, "high")
    say = _words({**values, "priority": value})

    got = api_note(note, TaskFacts(), say)

    assert (got["why"], got["how_measured"], got["body_html"]) == library.sections_and_html(
        library.fill(note, TaskFacts(), say)
    )
