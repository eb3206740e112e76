"""Who a comment mentions: "@" and a name, a first name nobody shares, or an e-mail's start."""

import pytest

from collab.work.conversation import find_mentions, handles

PEOPLE = handles(
    [
        (1, "Dana Orlova", "dana@acme.example"),
        (2, "Dana Smith", "dsmith@acme.example"),
        (3, "Mark Lee", "mark.lee@acme.example"),
        (4, None, "ops@acme.example"),
        (5, "Anna Agent (account manager)", "anna@agency.example"),
    ]
)


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("@Dana Orlova please", {1}),
        ("@danaorlova and @DSMITH", {1, 2}),
        ("@dana", {1}),  # her e-mail's start, not the first name both Danas share
        ("@Mark, thanks", {3}),
        ("@mark.lee: see", {3}),
        ("@ops.", {4}),
        ("@Anna Agent", {5}),
        ("write to x@dana or @markus", set()),
        ("@ nobody, @@mark", set()),
        ("", set()),
    ],
)
def test_find_mentions(text, ids):
    assert find_mentions(text, PEOPLE) == ids
