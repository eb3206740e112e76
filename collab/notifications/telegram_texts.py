"""Every text collab sends to Telegram, each a function of the facts it tells: short, plain
(sent without parse mode: a task's title cannot format or link), and in the reader's
language when called inside ``speaking(language)`` (collab.platform.i18n). What people
typed (a notification's title, a name) is passed through as written."""

from __future__ import annotations

from flask_babel import gettext, ngettext

NOTICE_CHARS = 600  # a notice stays a glance; the link opens the rest


def notice(text: str, url: str) -> str:
    """A notification as it reads in the chat: its text, then the link to its task."""
    if len(text) > NOTICE_CHARS:
        text = text[: NOTICE_CHARS - 1] + "…"
    return f"{text}\n{url}"


def linked(name: str) -> str:
    return gettext(
        "Linked to collab as %(name)s. Your notices come here; choose which on your profile. "
        "Send /stop to end them.",
        name=name,
    )


def code_wrong() -> str:
    return gettext(
        "That code is not right, so nothing was linked. Make a new code on your collab "
        "profile and send /start with it."
    )


def code_expired(minutes: int) -> str:
    return gettext(
        "That code has expired (codes last %(minutes)s minutes), so nothing was linked. Make "
        "a new one on your collab profile.",
        minutes=minutes,
    )


def how_to_link() -> str:
    return gettext("To link this chat, make a code on your collab profile and send /start with it.")


def stopped() -> str:
    return gettext("Unlinked: collab sends nothing more here. Link again from your collab profile.")


def digest(items: int, url: str) -> str:
    return (
        ngettext(
            "Your collab digest is in your e-mail: %(num)d item.",
            "Your collab digest is in your e-mail: %(num)d items.",
            items,
        )
        + f"\n{url}"
    )


def monthly_report(org_name: str, month_label: str, url: str) -> str:
    return (
        gettext(
            "%(organisation)s: the report for %(month)s is ready (also in your e-mail).",
            organisation=org_name,
            month=month_label,
        )
        + f"\n{url}"
    )
