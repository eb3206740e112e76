"""A task's training note as the API gives it: its Why and How sections in plain words and
the whole note in HTML, filled with the task's facts.

Parsing Markdown is most of what a list of tasks costs, and a page of tasks shows few notes
with many different fillings: four values differ from task to task (its URL count, priority,
due date, today's figures) while the note's text and its closing sections (what the audit
found, what earlier work did) are shared. So a note is rendered once with a marker where each
value goes, and each task's values are set in place of the markers.

That gives the very words a rendering of the task's own filled text gives only when nothing
Markdown reads can differ, so it is done only then (a property test holds the two to the
same output over notes and values written to trip it), and otherwise the filled text is
rendered as it is:
- each value is plain words and figures: at least one letter or digit, no character
  Markdown or HTML reads as markup (brackets and parentheses included), no line break,
  nothing at its start that opens a list, heading or quote, no space at its ends;
- the note defines no link labels (a value could be one), and no marker sits where its
  neighbours decide what it is: beside an emphasis mark, inside brackets, after an
  escape or the start of an entity;
- each marker comes out of the rendering intact, as often as it went in (a placeholder in a
  link's address is percent-encoded), outside any tag, code block (which keeps its spaces)
  and level-1 or level-2 heading (which decides the sections)."""

from __future__ import annotations

import re
import secrets
from functools import lru_cache

from collab.training import library
from collab.training.library import PLACEHOLDERS, Note, TaskFacts, Words

# Letters and digits, as Markdown reads plain words; random, so no note contains them.
_MARKERS = {name: f"collab{secrets.token_hex(6)}value{i}" for i, name in enumerate(PLACEHOLDERS)}
# What Markdown reads differently beside a value than beside a marker (a letter): emphasis
# marks, brackets (a link label, a checklist box), an escape, an autolink's start.
_BEFORE, _AFTER = set("*_~[]\\<"), set("*_~[]")
_ENTITY_START = re.compile(r"&#?[A-Za-z0-9]*\Z")
_MARKUP = set('\\`*_[]()<>&"!|~#{}')
_LIST_OR_HEADING = re.compile(r"[-+*#>=]|\d{1,9}[.)]")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
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
    everything = "\n".join((body_md, *sections))
    if "]:" in everything or any(marker in everything for marker in _MARKERS.values()):
        return None  # a link label defined (or, never, a marker written by hand)
    text = library.with_values(body_md, _MARKERS)
    for marker in _MARKERS.values():
        for found in re.finditer(marker, text):
            before = text[max(found.start() - 40, 0) : found.start()]
            if (
                before[-1:] in _BEFORE
                or text[found.end() : found.end() + 1] in _AFTER
                or _ENTITY_START.search(before)
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


@lru_cache(maxsize=4096)
def _plain(value: str) -> bool:
    # A page's tasks share most of their values (priorities, dates, counts, figures).
    return (
        _LETTER_OR_DIGIT.search(value) is not None
        and value == value.strip()
        and all(c.isprintable() or c == "\xa0" for c in value)
        and not _MARKUP.intersection(value)
        and not _LIST_OR_HEADING.match(value)
    )
