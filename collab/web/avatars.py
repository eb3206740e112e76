"""A person's initials avatar: two letters and one of a few colours, the same for the same
name everywhere (cards, history, comments), without an image or an inline style."""

from __future__ import annotations

import zlib

HUES = 8  # .avatar.hue-0 ... hue-7 in app.css


def initials(name: str | None) -> str:
    """ "Dmitry Orlov" -> "DO"; "Anna Petrova (account manager)" -> "AP"; an e-mail address
    by its local part ("dev.ops@x" -> "DO"); "?" for no name."""
    text = (name or "").split("(", 1)[0].strip()
    if "@" in text:
        text = text.split("@", 1)[0].replace(".", " ").replace("_", " ").replace("-", " ")
    words = [w for w in text.split() if w[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[-1][0]).upper()


def hue(name: str | None) -> int:
    """Which of HUES colours this name wears: stable across processes (not Python's hash)."""
    return zlib.crc32((name or "").encode()) % HUES
