"""Every text collab sends to Telegram, each a function of the facts it tells, so they are
short, plain (sent without parse mode: a task's title cannot format or link) and can be
translated in one place."""

from __future__ import annotations

NOTICE_CHARS = 600  # a notice stays a glance; the link opens the rest


def notice(text: str, url: str) -> str:
    """A notification as it reads in the chat: its text, then the link to its task."""
    if len(text) > NOTICE_CHARS:
        text = text[: NOTICE_CHARS - 1] + "…"
    return f"{text}\n{url}"


def linked(name: str) -> str:
    return (
        f"Linked to collab as {name}. Your notices come here; choose which on your profile. "
        "Send /stop to end them."
    )


def code_wrong() -> str:
    return (
        "That code is not right, so nothing was linked. Make a new code on your collab "
        "profile and send /start with it."
    )


def code_expired(minutes: int) -> str:
    return (
        f"That code has expired (codes last {minutes} minutes), so nothing was linked. Make "
        "a new one on your collab profile."
    )


def how_to_link() -> str:
    return "To link this chat, make a code on your collab profile and send /start with it."


def stopped() -> str:
    return "Unlinked: collab sends nothing more here. Link again from your collab profile."


def digest(items: int, url: str) -> str:
    return f"Your collab digest is in your e-mail: {items} item(s).\n{url}"


def monthly_report(org_name: str, month_label: str, url: str) -> str:
    return f"{org_name}: the report for {month_label} is ready (also in your e-mail).\n{url}"
