"""Checklist items as a reader sees them, and ticking one without touching the rest."""

import pytest

from collab.platform.checklists import items, tick, tickable

TEXT = (
    "Plan:\n\n- [ ] copy\n- [X] build\n\n```\n- [ ] in code\n```\n1. [ ] ordered\n> - [ ] quoted\n"
)


def test_items_are_the_boxes_a_reader_sees():
    assert [(done, words) for _, done, words in items(TEXT)] == [
        (False, "copy"),
        (True, "build"),
        (False, "ordered"),
        (False, "quoted"),
    ]


@pytest.mark.parametrize(
    ("index", "ticked", "was", "line"),
    [
        (0, True, False, "- [x] copy"),
        (1, False, True, "- [ ] build"),
        (3, True, False, "> - [x] quoted"),
    ],
)
def test_tick_changes_that_item_alone(index, ticked, was, line):
    text, _ = tick(TEXT, index, ticked, was)
    assert line in text.split("\n")
    assert "- [ ] in code" in text
    assert len(text.split("\n")) == len(TEXT.split("\n"))


@pytest.mark.parametrize(("index", "was"), [(0, True), (9, False), (-1, False)])
def test_a_box_that_is_not_as_the_page_showed_it_is_not_ticked(index, was):
    assert tick(TEXT, index, not was, was) is None


def test_rendered_boxes_become_buttons_in_order():
    html = "<ul>\n<li>☐ a</li>\n<li>\n<p>☑ b</p>\n</li>\n</ul>\n<p>☐ not an item</p>"
    out = tickable(html, "f")
    assert out.count("<button") == 2 and 'value="0:0"' in out and 'value="1:1"' in out
    assert "<p>☐ not an item</p>" in out
