"""Money as people read it: each organisation keeps its amounts in one currency, and every
amount on a page says which. Pure.

No conversion ever happens: a file in another currency is refused (collab.kpis.file_imports),
and changing an organisation's currency relabels the amounts it already has.
"""

from __future__ import annotations

import math

from collab.accounts.currencies import currency_of
from collab.platform import numbers

MINUS = "\u2212"
NO_BREAK = "\u00a0"  # "1,250 ₽" never breaks between the figure and its sign
# Languages that write every currency's sign after the amount.
SIGN_AFTER = frozenset({"ru"})


def format_money(
    value: float, code: str | None, places: int | None = None, language: str = "en"
) -> str:
    """An amount with its currency: "$1,250.50", "€980.00", "1,250.50 ₽", "CHF 12.00";
    in Russian the sign always follows ("1 250,50 $"). ``places`` overrides the currency's
    own minor units (0 where space is short)."""
    if not math.isfinite(value):
        return "—"
    currency = currency_of(code)
    digits = currency.digits if places is None else min(places, currency.digits)
    figure = numbers.decimal(abs(value), digits, language)
    sign = MINUS if value < 0 and round(abs(value), digits) != 0 else ""
    if currency.symbol_first and language not in SIGN_AFTER:
        gap = " " if currency.symbol[-1].isalpha() else ""
        return f"{sign}{currency.symbol}{gap}{figure}"
    return f"{sign}{figure}{NO_BREAK}{currency.symbol}"
