"""The note a task shows, filled with the task's own facts: its scope, priority and deadline,
today's figures for the numbers the work should move, what the work measurably did, and what
earlier work of its kind did in the organisation.

Those facts are loaded by a ``NoteBook``: the adapter builds one for a page or a list, and
every task's note on it reads from the book, so a list costs the same few statements
whatever its length.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

from flask_babel import gettext
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from collab.accounts.roles import role_may
from collab.audits.summaries import figure_lines
from collab.impacts.results import (
    PastResult,
    history_by_category,
    measured_by_task,
    measured_in_history,
)
from collab.kpis.totals import current_figures
from collab.models import (
    Membership,
    Organization,
    Recommendation,
    Task,
    User,
    facts_uncommitted,
)
from collab.models.site_audits import AuditIssue
from collab.platform.extensions import db
from collab.platform.i18n import DEFAULT_LANGUAGE, current_language
from collab.training import library as training
from collab.training import phrases
from collab.training.filled_notes import api_note
from collab.training.reading import read_of, state_of
from collab.training.versions import CurrentNote, NoteInLanguages, current_notes, slug_of
from collab.work.routing import CATEGORIES


class NoteBook:
    """An organisation's notes and the facts that fill them, for a given set of tasks (or one
    category's page), loaded once: the text in use of every category, the category -> metrics
    map, today's figures, the measured results of the categories' finished work, and each
    task's scope. Build it with ``for_tasks`` or ``for_category`` after the page's writes."""

    def __init__(
        self,
        org: Organization,
        notes: dict[str, NoteInLanguages],
        figures: dict[str, float],
        results: dict[str, list[PastResult]],
        measured: dict[int, list[dict]],
        url_counts: dict[int, int],
        audits: dict[int, list[str]] | None = None,
    ):
        self.org = org
        self._audits = audits or {}
        self._notes = notes
        self._figures = figures
        self._results = results
        self._measured = measured
        self._url_counts = url_counts

    @classmethod
    def for_tasks(cls, org: Organization, tasks: Sequence[Task]) -> NoteBook:
        foreign = [task.id for task in tasks if task.organization_id != org.id]
        if foreign:
            raise ValueError(f"tasks {foreign} belong to another organisation")
        facts = organisation_facts(org)
        done = [task for task in tasks if task.status == "done"]
        # A known category's finished work is in the facts' history; any other is read.
        measured = {task.id: facts.measured.get(task.id, []) for task in done}
        measured.update(measured_by_task(t.id for t in done if t.category not in facts.results))
        _attach_assignees(tasks)
        url_counts, audits = _recommendation_facts(tasks)
        return cls(org, facts.notes, facts.figures, facts.results, measured, url_counts, audits)

    @classmethod
    def for_category(cls, org: Organization, category: str) -> NoteBook:
        """What a category's own page shows: its text and what earlier work of it did."""
        slug = slug_of(category)
        return cls(org, current_notes(org), {}, history_by_category(org, [slug]), {}, {})

    def current(self, category: str | None) -> CurrentNote:
        """The category's note in the reader's language: the organisation's text in it, else
        collab's."""
        return self._notes[slug_of(category)][current_language()]

    def in_languages(self, category: str | None) -> NoteInLanguages:
        """The category's note in every language: what its page shows side by side."""
        return self._notes[slug_of(category)]

    def history(self, category: str, task: Task | None = None) -> list[dict]:
        """What earlier measured work of this category did. For a finished task: only work
        finished before it, never its own; unfinished work shares the whole history."""
        results = self._results[slug_of(category)]
        if task is None or task.status != "done":
            return [r.summary for r in results]
        cutoff = task.completed_at
        return [
            r.summary
            for r in results
            if r.task_id != task.id
            and (cutoff is None or (r.completed_at is not None and r.completed_at < cutoff))
        ]

    def facts(self, task: Task) -> training.TaskFacts:
        if task.recommendation_id not in self._url_counts:
            raise KeyError(f"task {task.id} is not in this note book: build one for it")
        kpis = self.current(task.category).note.kpis
        return training.TaskFacts(
            url_count=self._url_counts[task.recommendation_id],
            priority=task.priority,
            due_date=task.due_date,
            kpi_figures={m: self._figures[m] for m in kpis if m in self._figures},
            currency=self.org.currency,
            # Only finished work has results; reopened work loses them.
            measured=self._measured.get(task.id, []) if task.status == "done" else [],
            history=self.history(task.category, task),
            audit=self._audits.get(task.recommendation_id, []),
        )


@dataclass(frozen=True)
class OrgFacts:
    """What every task's note in an organisation reads, whatever the task: the notes in use
    (without their rows: the facts outlive the session that read them), today's figures of
    every metric a note promises, and the results of every category's earlier work."""

    notes: dict[str, NoteInLanguages]
    figures: dict[str, float]
    results: dict[str, list[PastResult]]
    measured: dict[int, list[dict]]  # the results by task: what each finished task did


# Per process: organisation id -> ((its creation time, facts_version), its facts); the
# creation time tells a recreated organisation (a reset database) reusing the id. Every
# write that changes the facts bumps the organisation's facts_version in its own
# transaction, and a request reads the version with the organisation's row, so a
# committed write is never served stale.
_FACTS: dict[int, tuple[tuple, OrgFacts]] = {}
_FACTS_LOCK = threading.Lock()


def organisation_facts(org: Organization) -> OrgFacts:
    """The organisation's facts at its ``facts_version``: from this process's cache, else
    read (five statements) and kept. Facts read by a transaction that changed them itself
    are never kept: they are nobody's until it commits."""
    version = (org.created_at, org.facts_version)
    own = facts_uncommitted(db.session, org.id)
    if not own:
        with _FACTS_LOCK:
            found = _FACTS.get(org.id)
        if found is not None and found[0] == version:
            return found[1]
    notes = {
        slug: {language: replace(note, row=None) for language, note in languages.items()}
        for slug, languages in current_notes(org).items()
    }
    metrics = list(
        dict.fromkeys(
            m for languages in notes.values() for m in languages[DEFAULT_LANGUAGE].note.kpis
        )
    )
    results = history_by_category(org, list(notes))
    facts = OrgFacts(
        notes,
        current_figures(org, metrics) if metrics else {},
        results,
        measured_in_history(results),
    )
    if not own:
        with _FACTS_LOCK:
            kept = _FACTS.get(org.id)
            # Never replace newer facts with older ones read by a slower request.
            if kept is None or kept[0][0] != version[0] or kept[0][1] <= version[1]:
                _FACTS[org.id] = (version, facts)
    return facts


def forget_facts() -> None:
    """Empties this process's cache (tests that rebuild the database reuse the ids)."""
    with _FACTS_LOCK:
        _FACTS.clear()


# Built once (with expanding parameters): each list of tasks runs it. An audit's issue
# names its recommendation; should two ever name one, the newer's figures are told.
_RECOMMENDATION_FACTS = (
    select(Recommendation.id, Recommendation.url_count, AuditIssue.figures, AuditIssue.checked_at)
    .outerjoin(AuditIssue, AuditIssue.recommendation_id == Recommendation.id)
    .where(Recommendation.id.in_(bindparam("ids", expanding=True)))
    .order_by(Recommendation.id, AuditIssue.id)
)


def _recommendation_facts(tasks: Sequence[Task]) -> tuple[dict[int, int], dict[int, list[str]]]:
    """By recommendation, in one statement of few columns (a page of 50 tasks would
    otherwise build 50 recommendations, descriptions and all): its URL count, and, for work
    an audit import filed, the audit's own figures in sentences (savings, counts, the worst
    pages)."""
    ids = sorted({task.recommendation_id for task in tasks})
    counts: dict[int, int] = {}
    audits: dict[int, list[str]] = {}
    if not ids:
        return counts, audits
    for rid, url_count, figures, checked in db.session.execute(_RECOMMENDATION_FACTS, {"ids": ids}):
        counts[rid] = url_count
        if checked is not None:
            audits[rid] = [
                *figure_lines(figures),
                gettext("Figures of the audit of %(date)s.", date=checked.date().isoformat()),
            ]
    return counts, audits


def _attach_assignees(tasks: Sequence[Task]) -> None:
    """The tasks' assignees in one statement, attached as an eager load would. Not a fact of
    the notes: the API names every task's assignee beside its note, and the book is what it
    builds once per page, so a page of 50 tasks does not read its people one by one."""
    missing = [
        task
        for task in tasks
        if task.assignee_id is not None and "assignee" in inspect(task).unloaded
    ]
    if not missing:
        return
    people = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_({task.assignee_id for task in missing}))
        )
    }
    for task in missing:
        set_committed_value(task, "assignee", people[task.assignee_id])


def note_for_task(task: Task, book: NoteBook) -> dict:
    """The task's ``training_note`` of the public API, with the language its text is in, its
    version in that language (0: collab's) and the languages the organisation rewrote it in."""
    current = book.current(task.category)
    return {
        **api_note(current.note, book.facts(task), phrases.words()),
        "language": current.note.language,
        "version": current.version,
        "edited_in": list(current.edited_in),
    }


def task_note(task: Task, membership: Membership | None, book: NoteBook) -> dict:
    """What the task page shows: the filled note, whether the viewer read this version, and
    what the viewer may do with it."""
    current = book.current(task.category)
    read = (
        read_of(membership.user_id, book.org, current.category, current.language)
        if membership
        else None
    )
    role = membership.role if membership else None
    return {
        "category": current.category,
        "category_name": CATEGORIES[current.category].name,
        "title": current.note.title,
        "kpis": [training.metric_label(m) for m in current.note.kpis],
        "body_html": training.render_html(
            training.fill(current.note, book.facts(task), phrases.words())
        ),
        # collab's note has no text in the reader's language yet: the page says so.
        "in_english_only": current.untranslated,
        # Only the other language was rewritten: the page says so and links there.
        "edited_elsewhere": list(current.edited_elsewhere),
        "language": current.language,
        "version": current.version,
        "state": state_of(read, current.version),
        "read_at": read.read_at if read else None,
        "can_mark_read": role is not None and role_may(role, "notes.mark_read"),
        "can_edit": role is not None and role_may(role, "notes.edit"),
    }
