"""Rules for text people type, shared by the domain and the API's request schemas. Pure."""

from __future__ import annotations

import unicodedata

# Control and format characters (zero-width spaces and joiners, the BOM, bidi marks) draw
# nothing: a title made only of them looks empty in every list.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def has_visible_text(text: str) -> bool:
    """Whether the text shows at least one character on screen."""
    return any(unicodedata.category(c) not in _INVISIBLE_CATEGORIES for c in text)
