"""The status table of API.md and who may move what."""

import itertools

import pytest

from collab.models import STATUSES
from collab.work.lifecycle import TRANSITIONS, is_allowed, recommendation_status, refusal

ALLOWED = {
    ("triage", "todo"), ("triage", "rejected"),
    ("todo", "in_progress"), ("todo", "rejected"), ("todo", "triage"),
    ("in_progress", "review"), ("in_progress", "done"), ("in_progress", "todo"),
    ("review", "done"), ("review", "in_progress"),
    ("done", "in_progress"),
    ("rejected", "triage"),
}  # fmt: skip


@pytest.mark.parametrize(("current", "target"), list(itertools.product(STATUSES, STATUSES)))
def test_only_the_moves_of_the_table_exist(current, target):
    assert is_allowed(current, target) == ((current, target) in ALLOWED)


def test_table_covers_every_status():
    assert set(TRANSITIONS) == set(STATUSES)


@pytest.mark.parametrize(
    ("role", "team", "current", "target", "allowed"),
    [
        ("cio", "marketing", "triage", "todo", True),
        ("cmo", None, "rejected", "triage", True),
        ("cio", "it", "done", "in_progress", True),
        ("it", "it", "todo", "in_progress", True),
        ("it", "it", "in_progress", "review", True),
        ("it", "it", "review", "done", True),
        ("marketing", "marketing", "in_progress", "todo", True),
        ("it", "marketing", "todo", "in_progress", False),
        ("marketing", "it", "review", "done", False),
        ("it", "it", "todo", "rejected", False),
        ("it", "it", "done", "in_progress", False),
        ("it", "it", "triage", "todo", False),
        ("it", "it", "todo", "triage", False),
        ("agency", "it", "todo", "in_progress", False),
        ("it", None, "todo", "in_progress", False),
    ],
)
def test_who_may_move(role, team, current, target, allowed):
    assert (refusal(role, team, current, target) is None) == allowed


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "triage"),
        (["triage"], "triage"),
        (["triage", "triage"], "triage"),
        (["triage", "todo"], "in_progress"),
        (["review", "rejected"], "in_progress"),
        (["done", "rejected"], "done"),
        (["done", "done"], "done"),
        (["rejected", "rejected"], "rejected"),
        (["triage", "rejected"], "triage"),
    ],
)
def test_recommendation_status_is_derived_from_its_tasks(statuses, expected):
    assert recommendation_status(statuses) == expected
