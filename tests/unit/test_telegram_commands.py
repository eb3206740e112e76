"""What the bot reads in a chat message: only /start with its code, and /stop."""

import pytest

from collab.notifications.telegram import Command, command_of
from collab.notifications.telegram_texts import NOTICE_CHARS, notice


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("/start ABCDEFGH23", Command("start", "ABCDEFGH23")),
        ("  /start   abcdefgh23  ", Command("start", "abcdefgh23")),
        ("/start@CollabBot ABCDEFGH23", Command("start", "ABCDEFGH23")),  # as groups send it
        ("/START ABCDEFGH23", Command("start", "ABCDEFGH23")),
        ("/start", Command("start", "")),
        ("/stop", Command("stop", "")),
        ("/stop@CollabBot", Command("stop", "")),
        ("/help", Command("", "")),
        ("start ABCDEFGH23", Command("", "")),
        ("", Command("", "")),
        ("   ", Command("", "")),
    ],
)
def test_commands(text, command):
    assert command_of(text) == command


def test_a_long_notice_is_cut_but_keeps_its_link():
    text = notice("x" * 5000, "https://collab.example/orgs/acme/tasks/1")
    first, link = text.split("\n")
    assert len(first) == NOTICE_CHARS and first.endswith("…")
    assert link == "https://collab.example/orgs/acme/tasks/1"
