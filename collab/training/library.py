"""Training notes: why a kind of work matters, which numbers it moves, and what it did here.

Every task carries a short note for the person doing it. The shipped notes live as Markdown in
``collab/training/shipped/<category>.md`` (one per routing category, ``uncategorised`` included);
an organisation may replace them with its own text, which is parsed by the same function. This
module is pure: no Flask, no database. It parses a note, fills its placeholders with the task's
facts, appends what the work measurably did, and renders the result to sanitised HTML.

Note text is user-edited, so it is never handed to ``str.format``: the four known placeholders
are replaced by a regular expression. A name in braces that is none of them (a typo, or one
collab does not know) is left out of what staff read, never shown in its braces; editors are
warned when they save it (``unknown_placeholders``).
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources

import nh3
from markdown_it import MarkdownIt

from collab.impacts.wording import VERDICT_LABELS, clear
from collab.kpis.metrics import format_change, format_full, metric_label, unit_of
from collab.work.routing import CATEGORIES, UNCATEGORISED

LIBRARY = "shipped"

WHY = "Why it matters"
HOW = "How we will know it worked"
DONE = "What done means"
READING = "Further reading"
SECTIONS = (WHY, HOW, DONE, READING)
# A Russian note heads its sections in Russian; tasks and the API read either.
SECTION_NAMES = {
    WHY: (WHY, "Почему это важно"),
    HOW: (HOW, "Как мы поймём, что сработало"),
    DONE: (DONE, "Когда работа готова"),
    READING: (READING, "Что почитать"),
}
MEASURED_HEADING = "What it did here"
AUDIT_HEADING = "What the audit found here"
HISTORY_HEADING = "What earlier work of this kind did here"

_MONTHS = (
    "January February March April May June July August September October November December".split()  # noqa: SIM905
)

# The placeholders a note may use, and what each becomes on a task (said to editors).
PLACEHOLDERS = {
    "url_count": "how many URLs the task lists",
    "priority": "its priority",
    "due_date": "its due date",
    "kpi_figures": "today's figures for the numbers it should move",
}
# Any name in braces: the known ones are filled, the others left out.
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_FRONT_MATTER = re.compile(r"\A\ufeff?\s*---[ \t]*\n(.*?)^---[ \t]*$\n?(.*)\Z", re.M | re.S)
_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")
_METRIC_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Note:
    """One training note: ``body_md`` is the Markdown after the front matter, unfilled."""

    category: str
    title: str
    kpis: tuple[str, ...]
    body_md: str
    language: str = "en"  # the language it is written in (collab ships English and Russian)


@dataclass(frozen=True)
class TaskFacts:
    """What the task and the organisation's data say; every field may be missing."""

    url_count: int = 0
    priority: str | None = None
    due_date: date | None = None
    # metric -> current value; may be empty.
    kpi_figures: dict[str, float] = field(default_factory=dict)
    currency: str | None = None  # the organisation's: amounts carry it
    # This task's measured impacts: {"metric", "change_pct", "verdict"}.
    measured: list[dict] = field(default_factory=list)
    # Earlier tasks of this category in the organisation, one entry per measured metric.
    history: list[dict] = field(default_factory=list)
    # The audit tool's own figures for this work, in sentences (collab.audits.summaries).
    audit: list[str] = field(default_factory=list)


# --- the library ---------------------------------------------------------------------------


def shipped_note(category: str, language: str = "en") -> Note:
    """The note shipped for ``category`` in ``language``, else in English (its ``language``
    says which); an unknown slug gets the uncategorised note. Russian texts are parallel
    files: ``shipped/ru/<category>.md``."""
    slug = category if category in CATEGORIES else UNCATEGORISED
    return _load_shipped(slug, language) or _load_shipped(slug, "en")


@cache
def _load_shipped(slug: str, language: str) -> Note | None:
    folder = resources.files("collab.training") / LIBRARY
    path = folder / f"{slug}.md" if language == "en" else folder / language / f"{slug}.md"
    if not path.is_file():
        return None
    note = parse_note(slug, path.read_text(encoding="utf-8"))
    return Note(note.category, note.title, note.kpis, note.body_md, language)


def parse_note(category: str, text: str) -> Note:
    """Read a note: a ``---`` front-matter block (``title:``, ``kpis:``) then a Markdown body.

    Raises ValueError saying what is wrong when the front matter is missing or malformed, the
    title is empty or the body is empty. Unknown front-matter keys are ignored.
    """
    found = _FRONT_MATTER.match((text or "").replace("\r\n", "\n"))
    if found is None:
        raise ValueError(
            "the note has no front matter: it must start with a line '---', then 'title: ...' "
            "and 'kpis: ...', then another '---' line before the body"
        )
    header, body = found.groups()
    values: dict[str, str] = {}
    for number, line in enumerate(header.splitlines(), start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pair = _KEY_VALUE.match(line)
        if pair is None:
            raise ValueError(f"front matter line {number} is not 'key: value': {line.strip()!r}")
        values[pair.group(1).lower()] = pair.group(2)
    title = _unquote(values.get("title", ""))
    if not title:
        raise ValueError("the note's title is empty: add 'title: ...' to the front matter")
    kpis = _parse_kpis(values.get("kpis", ""))
    body = body.strip("\n")
    if not body.strip():
        raise ValueError("the note's body is empty: write the note below the front matter")
    return Note(category=category, title=title, kpis=kpis, body_md=body + "\n")


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1].strip()
    return value


def _parse_kpis(value: str) -> tuple[str, ...]:
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    kpis: list[str] = []
    for part in value.split(","):
        name = _unquote(part)
        if not name:
            continue
        if not _METRIC_NAME.match(name):
            raise ValueError(
                f"kpis: {name!r} is not a metric name (lower case letters, digits and '_')"
            )
        if name not in kpis:
            kpis.append(name)
    return tuple(kpis)


# --- sections ------------------------------------------------------------------------------

_MD = MarkdownIt("commonmark", {"html": False}).enable("table")


def section(body_md: str, heading: str) -> str:
    """The Markdown under the level-2 heading ``heading`` (up to the next level-1 or level-2
    heading), stripped; "" when there is no such heading. Headings inside code blocks don't
    count, and the heading text is compared ignoring case and surrounding spaces."""
    return _section(body_md.splitlines(), _MD.parse(body_md), heading)


def _section(lines: list[str], tokens: list, heading: str) -> str:
    wanted = {" ".join(name.split()).casefold() for name in SECTION_NAMES.get(heading, (heading,))}
    start: int | None = None
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in ("h1", "h2") or token.map is None:
            continue
        if start is not None:
            return "\n".join(lines[start : token.map[0]]).strip()
        title = " ".join(tokens[index + 1].content.split()).casefold()
        if token.tag == "h2" and title in wanted:
            start = token.map[1]
    if start is None:
        return ""
    return "\n".join(lines[start:]).strip()


# --- filling -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """What ``fill`` writes around a note's own text: English here, the reader's language
    from collab.training.phrases."""

    url_count: Callable[[int], str]
    priority: Callable[[str | None], str]
    due_date: Callable[[date | None], str]
    kpi_sentence: Callable[[dict, str | None], str]
    measured: Callable[[list], str]
    history: Callable[[list], str]
    headings: tuple[str, str, str] = (AUDIT_HEADING, MEASURED_HEADING, HISTORY_HEADING)


def fill(note: Note, facts: TaskFacts, words: Words | None = None) -> str:
    """The note's Markdown with the known placeholders replaced and sections on what the
    audit found (when an audit filed the work) and, when there are results, on what this task
    and earlier tasks of its kind measurably did."""
    say = words or ENGLISH
    text = with_values(note.body_md, filled_values(facts, say))
    return assembled(text, closing_sections(facts, say))


def with_values(body_md: str, values: dict[str, str]) -> str:
    """``body_md`` with each placeholder replaced by its value; unknown ones left out."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), body_md)


def filled_values(facts: TaskFacts, say: Words) -> dict[str, str]:
    """What each placeholder becomes for these facts."""
    return {
        "url_count": say.url_count(facts.url_count),
        "priority": say.priority(facts.priority),
        "due_date": say.due_date(facts.due_date),
        "kpi_figures": say.kpi_sentence(facts.kpi_figures, facts.currency),
    }


def closing_sections(facts: TaskFacts, say: Words) -> tuple[str, ...]:
    """What the audit found, what the work and earlier work did: each a level-2 section."""
    audit, measured, history = say.headings
    parts = []
    if facts.audit:
        parts.append(f"## {audit}\n" + "\n".join(f"- {line}" for line in facts.audit))
    if facts.measured:
        parts.append(f"## {measured}\n" + say.measured(facts.measured))
    if facts.history:
        parts.append(f"## {history}\n" + say.history(facts.history))
    return tuple(parts)


def assembled(text: str, sections: tuple[str, ...]) -> str:
    return "\n\n".join((text.rstrip("\n"), *sections)) + "\n"


def unknown_placeholders(body_md: str) -> list[str]:
    """The names in braces that are no placeholder collab fills, in the order written."""
    names = (m.group(1) for m in _PLACEHOLDER.finditer(body_md or ""))
    return list(dict.fromkeys(name for name in names if name not in PLACEHOLDERS))


def describe(body_md: str, names: dict[str, str] | None = None) -> str:
    """The note as its category's page shows it, for no task in particular: each known
    placeholder said in words (in italics: "*its due date*"; ``names`` in another language),
    unknown ones left out."""
    said = names or PLACEHOLDERS
    return _PLACEHOLDER.sub(
        lambda m: f"*{said[m.group(1)]}*" if m.group(1) in PLACEHOLDERS else "", body_md or ""
    )


def kpi_sentence(figures: dict[str, float], currency: str | None = None) -> str:
    """The figures as one sentence, in the given order: "Today: cost per lead 1,250.00,
    leads 42." (money with the ``currency`` when given: "$1,250.00"); a sentence saying there
    are none when no value is a usable number."""
    shown = [
        f"{metric_label(metric)} {format_full(value, unit_of(metric), currency)}"
        for metric, value in (figures or {}).items()
        if _is_number(value)
    ]
    if not shown:
        return "We have no figures for these numbers yet."
    return "Today: " + ", ".join(shown) + "."


def measured_summary(measured: list[dict]) -> str:
    """A Markdown list, one item per measured metric: "- leads +12.0% (improved)"."""
    lines = []
    for item in measured:
        label = metric_label(item.get("metric", ""))
        lines.append(f"- {_one_result(label, item, ' ')}")
    return "\n".join(lines)


def _one_result(label: str, item: dict, joiner: str) -> str:
    """ "leads +12.0% (improved)", "leads: inconclusive (+3.0%)", "leads: no figure yet";
    ``joiner`` goes between the label and a leading figure."""
    change = item.get("change_pct")
    verdict = item.get("verdict")
    # No clear change and inconclusive: the figure follows the words, never leads them, so a
    # "+5%" that could be noise does not read as a result.
    if verdict in VERDICT_LABELS and not clear(verdict):
        neutral = VERDICT_LABELS[verdict]
        figure = f" ({format_change(change)})" if _is_number(change) else ""
        return f"{label}: {neutral}{figure}"
    if not _is_number(change):
        return f"{label}: no figure yet"
    said = f" ({VERDICT_LABELS[verdict]})" if clear(verdict) else ""
    return f"{label}{joiner}{format_change(change)}{said}"


def history_summary(history: list[dict]) -> str:
    """One line per metric, in the order first met: "3 earlier tasks measured organic sessions:
    median +6.0%; 2 of 3 improved, 1 inconclusive." (median over the known changes)."""
    by_metric: dict[str, list[dict]] = {}
    for item in history:
        by_metric.setdefault(item.get("metric", ""), []).append(item)
    lines = []
    for metric, items in by_metric.items():
        count = len(items)
        label = metric_label(metric)
        changes = [float(i["change_pct"]) for i in items if _is_number(i.get("change_pct"))]
        improved = sum(1 for i in items if i.get("verdict") == "improved")
        if count == 1:
            detail = _one_result("", items[0], "").removeprefix(": ")
            lines.append(f"- 1 earlier task measured {label}: {detail}.")
            continue
        detail = f"{improved} of {count} improved"
        for verdict in ("worsened", "no_change", "inconclusive"):
            words = VERDICT_LABELS[verdict]
            others = sum(1 for i in items if i.get("verdict") == verdict)
            if others:
                detail += f", {others} {words}"
        if changes:
            detail = f"median {format_change(statistics.median(changes))}; {detail}"
        lines.append(f"- {count} earlier tasks measured {label}: {detail}.")
    return "\n".join(lines)


def _url_count(count: int | None) -> str:
    count = int(count or 0)
    if count <= 0:
        return "no URLs listed yet"
    if count == 1:
        return "1 affected URL"
    return f"{count:,} affected URLs"


def _priority(priority: str | None) -> str:
    return str(priority).strip() if priority and str(priority).strip() else "not set yet"


def _due_date(due: date | None) -> str:
    if due is None:
        return "no due date yet"
    return f"{due.day} {_MONTHS[due.month - 1]} {due.year}"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


ENGLISH = Words(_url_count, _priority, _due_date, kpi_sentence, measured_summary, history_summary)


# --- rendering -----------------------------------------------------------------------------

_TAGS = frozenset(
    "p h2 h3 h4 ul ol li strong em code pre blockquote a br hr table thead tbody tr th td".split()  # noqa: SIM905
)
_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# "- [ ] item" renders as "<li>[ ] item</li>" (or "<li>\n<p>[ ] item" in a loose list).
_TASK_BOX = re.compile(r"(<li>(?:\s*<p>)?)\[([ xX])\][ \t]")


def render_html(markdown_text: str) -> str:
    """Markdown (CommonMark and tables, raw HTML escaped) to HTML, sanitised with nh3.

    Checklist items become plain list items starting with ☐ (or ☑ when ticked)."""
    env: dict = {}
    return _html(_MD.parse(markdown_text or "", env), env)


def _html(tokens: list, env: dict) -> str:
    html = _MD.renderer.render(tokens, _MD.options, env)
    html = _TASK_BOX.sub(lambda m: m.group(1) + ("☐ " if m.group(2) == " " else "☑ "), html)
    return _sanitise(html)


def _sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(_TAGS),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        url_schemes=set(_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def plain_text(markdown_text: str) -> str:
    """The words of a Markdown fragment without its markup; blocks separated by a blank line."""
    blocks = []
    for token in _MD.parse(markdown_text or ""):
        if token.type == "inline":
            words = _inline_text(token.children or [])
            if words.strip():
                blocks.append(" ".join(words.split()))
        elif token.type in ("code_block", "fence") and token.content.strip():
            blocks.append(token.content.strip())
    return "\n\n".join(blocks)


def _inline_text(children: list) -> str:
    out = []
    for child in children:
        if child.type in ("text", "code_inline", "html_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(_inline_text(child.children or []))
    return "".join(out)


def sections_and_html(filled: str) -> tuple[str, str, str]:
    """A filled note's Why and How sections in plain words, and the whole note in HTML, from
    one parse."""
    env: dict = {}
    tokens = _MD.parse(filled, env)
    lines = filled.splitlines()
    return (
        plain_text(_section(lines, tokens, WHY)),
        plain_text(_section(lines, tokens, HOW)),
        _html(tokens, env),
    )
