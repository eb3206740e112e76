"""A task's training note as the API gives it: its Why and How sections in plain words and
the whole note in HTML, filled with the task's facts.

Parsing Markdown is most of what a list of tasks costs, and a page of tasks shows few notes
with many different fillings: four values differ from task to task (its URL count, priority,
due date, today's figures) while the note's text and its closing sections (what the audit
found, what earlier work did) are shared. So a note is rendered once with a marker where each
value goes, and each task's values are set in place of the markers.

That gives the very words a rendering of the task's own filled text gives only when nothing
Markdown reads can differ, so it is done only then, and otherwise the filled text is rendered
as it is:
- each value is plain words and figures: no character Markdown or HTML reads as markup, no
  line break, nothing at its start that opens a list, heading or quote, no space at its ends;
- each marker comes out of the rendering intact, as often as it went in (a placeholder in a
  link's address is percent-encoded), and none sits in a code block (which keeps its spaces),
  in a heading (which decides the sections) or beside an emphasis mark (what is beside one
  decides whether it is one)."""

from __future__ import annotations

import re
import secrets
from functools import lru_cache

from collab.training import library
from collab.training.library import PLACEHOLDERS, Note, TaskFacts, Words

# Letters and digits, as Markdown reads plain words; random, so no note contains them.
_MARKERS = {name: f"collab{secrets.token_hex(6)}value{i}" for i, name in enumerate(PLACEHOLDERS)}
# What Markdown reads differently beside a value than beside a marker (a letter): emphasis
# marks, a link's closing bracket (a value "(...)" would open its address), an escape, an
# entity's start, an autolink's start.
_BEFORE, _AFTER = set("*_~]\\&#<"), set("*_~")
_MARKUP = set('\\`*_[]<>&"!|~#{}')
_LIST_OR_HEADING = re.compile(r"[-+*#>=]|\d{1,9}[.)]")
# Where a marker must not be: in a tag (a link's address, an image's text), a code block,
# a level-1 or level-2 heading.
_KEPT_AS_IS = r"<[^<>]*{marker}|<(pre|h1|h2)\b[^>]*>(?:(?!</\1>).)*?{marker}"


def api_note(note: Note, facts: TaskFacts, words: Words | None = None) -> dict:
    """The ``training_note`` object of the public API."""
    say = words or library.ENGLISH
    values = library.filled_values(facts, say)
    sections = library.closing_sections(facts, say)
    marked = _marked(note.body_md, sections)
    shown = _set_in(marked, values) if marked is not None else None
    if shown is None:
        shown = _rendered(library.assembled(library.with_values(note.body_md, values), sections))
    why, how_measured, body_html = shown
    return {
        "title": note.title,
        "why": why,
        "kpis": list(note.kpis),
        "how_measured": how_measured,
        "body_html": body_html,
    }


@lru_cache(maxsize=2048)
def _rendered(filled: str) -> tuple[str, str, str]:
    # Kept by the whole text, so nothing can go stale.
    return library.sections_and_html(filled)


@lru_cache(maxsize=512)
def _marked(body_md: str, sections: tuple[str, ...]) -> tuple[str, str, str] | None:
    """The note rendered with markers for its values, or None when a marker would not come
    out where a value would."""
    if any(marker in text for marker in _MARKERS.values() for text in (body_md, *sections)):
        return None
    text = library.with_values(body_md, _MARKERS)
    for marker in _MARKERS.values():
        for found in re.finditer(marker, text):
            if text[found.start() - 1 : found.start()] in _BEFORE or (
                text[found.end() : found.end() + 1] in _AFTER
            ):
                return None
    why, how, html = _rendered(library.assembled(text, sections))
    for marker in _MARKERS.values():
        if html.count(marker) != text.count(marker):
            return None
        if re.search(_KEPT_AS_IS.format(marker=marker), html, re.S):
            return None
    return why, how, html


def _set_in(marked: tuple[str, str, str], values: dict[str, str]) -> tuple[str, str, str] | None:
    why, how, html = marked
    for name, marker in _MARKERS.items():
        if marker not in html:
            continue
        value = values[name]
        if not _plain(value):
            return None
        # Plain text says each run of spaces as one space; HTML writes a no-break space as
        # the sanitiser does.
        words = " ".join(value.split())
        why, how = why.replace(marker, words), how.replace(marker, words)
        html = html.replace(marker, value.replace("\xa0", "&nbsp;"))
    return why, how, html


def _plain(value: str) -> bool:
    return (
        value != ""
        and value == value.strip()
        and all(c.isprintable() or c == "\xa0" for c in value)
        and not _MARKUP.intersection(value)
        and not _LIST_OR_HEADING.match(value)
    )
