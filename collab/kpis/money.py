"""Money as people read it: each organisation keeps its amounts in one currency, and every
amount on a page says which. Pure.

No conversion ever happens: a file in another currency is refused (collab.kpis.file_imports),
and changing an organisation's currency relabels the amounts it already has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DEFAULT_CURRENCY = "USD"
MINUS = "\u2212"
NO_BREAK = "\u00a0"  # "1,250 ₽" never breaks between the figure and its sign


@dataclass(frozen=True)
class Currency:
    code: str  # ISO 4217
    name: str
    symbol: str
    symbol_first: bool  # "$1,250" or "1,250 ₽"
    digits: int = 2  # minor units: cents, kopecks; none for the yen

    def __str__(self) -> str:
        return f"{self.code} ({self.symbol}, {self.name})"


CURRENCIES: dict[str, Currency] = {
    c.code: c
    for c in (
        Currency("USD", "US dollar", "$", True),
        Currency("EUR", "euro", "€", True),
        Currency("RUB", "Russian rouble", "₽", False),
        Currency("GBP", "pound sterling", "£", True),
        Currency("CHF", "Swiss franc", "CHF", True),
        Currency("PLN", "Polish złoty", "zł", False),
        Currency("CZK", "Czech koruna", "Kč", False),
        Currency("SEK", "Swedish krona", "kr", False),
        Currency("TRY", "Turkish lira", "₺", True),
        Currency("KZT", "Kazakhstani tenge", "₸", False),
        Currency("BYN", "Belarusian rouble", "Br", False),
        Currency("UAH", "Ukrainian hryvnia", "₴", False),
        Currency("AMD", "Armenian dram", "֏", False),
        Currency("GEL", "Georgian lari", "₾", False),
        Currency("UZS", "Uzbekistani som", "soʻm", False),
        Currency("AED", "UAE dirham", "AED", True),
        Currency("INR", "Indian rupee", "₹", True),
        Currency("CNY", "Chinese yuan", "CN¥", True),
        Currency("JPY", "Japanese yen", "¥", True, 0),
        Currency("CAD", "Canadian dollar", "CA$", True),
        Currency("AUD", "Australian dollar", "A$", True),
        Currency("BRL", "Brazilian real", "R$", True),
    )
}


def currency_of(code: str | None) -> Currency:
    """The currency of a code; an unknown or missing code reads as itself, symbol last."""
    code = (code or DEFAULT_CURRENCY).strip().upper()
    return CURRENCIES.get(code) or Currency(code, code, code, False)


def format_money(value: float, code: str | None, places: int | None = None) -> str:
    """An amount with its currency: "$1,250.50", "€980.00", "1,250.50 ₽", "CHF 12.00".
    ``places`` overrides the currency's own minor units (0 where space is short)."""
    if not math.isfinite(value):
        return "—"
    currency = currency_of(code)
    digits = currency.digits if places is None else min(places, currency.digits)
    figure = f"{abs(value):,.{digits}f}"
    sign = MINUS if value < 0 and float(figure.replace(",", "")) != 0 else ""
    if currency.symbol_first:
        gap = " " if currency.symbol[-1].isalpha() else ""
        return f"{sign}{currency.symbol}{gap}{figure}"
    return f"{sign}{figure}{NO_BREAK}{currency.symbol}"
