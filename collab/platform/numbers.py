"""Numbers written in a language's way: "1,234.5" and "12%" in English, "1 234,5" and
"12 %" in Russian. Pure: Babel's CLDR patterns, the language passed in (collab.platform.i18n
says which one a reader gets)."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal, format_percent


# Pure, and the same figures come back again and again (each task of a kind has the same note
# figures: a list of 50 tasks wrote about a hundred of them): Babel takes ~20 µs a figure.
@lru_cache(maxsize=4096)
def decimal(value: float, places: int = 0, language: str = "en") -> str:
    """A figure with exactly ``places`` decimals, grouped by thousands."""
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return format_decimal(value, format=pattern, locale=language)


@lru_cache(maxsize=4096)
def percent(value: float, places: int = 0, language: str = "en") -> str:
    """A share already in percent (66.7 -> "66.7%", "66,7 %"), in the language's own pattern."""
    pattern = Locale.parse(language).percent_formats[None].pattern
    if places > 0:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * places, 1)
    # Through Decimal: 66.7 / 100 as a float would print as 66.69999...
    return format_percent(Decimal(str(value)) / 100, format=pattern, locale=language)


@lru_cache(maxsize=4096)
def significant(value: float, digits: int, language: str = "en") -> str:
    """A figure to at most ``digits`` significant digits, never in exponent form: 0.031,
    0.000012, 0.5."""
    return format_decimal(value, format="@" + "#" * (digits - 1), locale=language)
