"""Checklists in Markdown ("- [ ] write the copy", "- [x] done"): which items a text has, and
the text with one of them ticked or unticked. Pure: text in, text out.

Items are found as CommonMark parses the text (collab.training.library renders the same
way), so a "[ ]" inside a code block or a paragraph is no item, and the n-th item here is the
n-th box a reader sees."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark", {"html": False})
_BOX = re.compile(r"\[([ xX])\]")


def items(text: str) -> list[tuple[int, bool, str]]:
    """Each item: (its line in the text, ticked or not, its words)."""
    tokens = _PARSER.parse(text or "")
    found = []
    for i, token in enumerate(tokens[:-2]):
        if token.type != "list_item_open" or tokens[i + 1].type != "paragraph_open":
            continue
        inline = tokens[i + 2]
        content = inline.content
        if inline.type == "inline" and re.match(r"\[[ xX]\][ \t]", content) and inline.map:
            found.append((inline.map[0], content[1] != " ", content[4:].strip()))
    return found


def tick(text: str, index: int, ticked: bool, was: bool) -> tuple[str, str] | None:
    """The text with item ``index`` ticked (or unticked), and that item's words; None when
    there is no such item or it no longer stands as ``was`` (someone changed the text)."""
    found = items(text)
    if not 0 <= index < len(found) or found[index][1] != was:
        return None
    line_no, _, words = found[index]
    lines = text.split("\n")
    lines[line_no] = _BOX.sub("[x]" if ticked else "[ ]", lines[line_no], count=1)
    return "\n".join(lines), words


_RENDERED = re.compile(r"(<li>(?:\s*<p>)?)([☐☑]) ")


def tickable(html: str, form: str) -> str:
    """Rendered (and sanitised) Markdown whose boxes (☐, ☑) become buttons of ``form``: each
    posts "item" as "index:0" (was open) or "index:1" (was ticked)."""
    count = iter(range(10_000))

    def button(match: re.Match) -> str:
        was = match.group(2) == "☑"
        label = "Untick" if was else "Tick"
        return (
            f'{match.group(1)}<button type="submit" form="{form}" name="item" '
            f'value="{next(count)}:{int(was)}" class="tick" aria-pressed="{str(was).lower()}" '
            f'aria-label="{label}">{match.group(2)}</button> '
        )

    return _RENDERED.sub(button, html)
