"""The currencies an organisation may keep its money in. Pure.

Every amount of an organisation is in its one currency (``Organization.currency``); collab
never converts. collab.kpis.money writes amounts with the currency's sign.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_CURRENCY = "USD"


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


def is_currency(code: object) -> bool:
    return isinstance(code, str) and code in CURRENCIES
