"""Numbers and days as the tools write them into their exports. Pure.

A cell is read as its tool wrote it and nothing is guessed that the file itself can settle: a
table's decimal mark is read off its own cells (``decimal_mark``) before any ambiguous
"1,234" is taken as a thousand or as one and a bit; a column's slash dates are month-first
(as Bing writes them) unless one of its days is past the twelfth. A day keeps the date part
its tool wrote, whatever time or zone follows it: "12/27/2025 11:30:00 PM" is the 27th.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from collab.kpis.row_checks import FIRST_YEAR, LAST_YEAR
from collab.platform.errors import N_, Refusal

# What the tools write where there is no value: a missing day, never a zero.
MISSING_WORDS = frozenset(
    {"", "--", "-", "\u2013", "\u2014", "n/a", "na", "nan", "none", "null", "нет данных"}
)
# Rows that add up the others: Google Ads' "Total: Account", Metrica's "Итого и средние", GA4
# explorations' "Grand total".
TOTAL_WORDS = ("total", "totals", "grand total", "итого", "всего", "сумма")


_INT = re.compile(r"-?[0-9]+")
_DOT_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")
_COMMA_GROUPED = re.compile(r"-?[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?")  # Google Ads
_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f']+")
_CURRENCY = re.compile(
    r"^(?:[$€£¥₽]|usd|eur|rub|gbp|руб\.?|р\.)\s*|\s*(?:[$€£¥₽]|usd|eur|rub|gbp|руб\.?|р\.)$",
    re.IGNORECASE,
)
_BODY = re.compile(r"([0-9][0-9.,]*|[.,][0-9]+)(?:[eE]([-+]?[0-9]{1,3}))?")
_COMMA_DECIMAL = re.compile(r"(?<![0-9,.])0,[0-9]|[0-9],[0-9]{1,2}(?![0-9])|[0-9],[0-9]{4,}")
_POINT_DECIMAL = re.compile(r"(?<![0-9,.])0\.[0-9]|[0-9]\.[0-9]{1,2}(?![0-9])|[0-9]\.[0-9]{4,}")
_BOTH_MARKS = re.compile(r"[0-9][.,][0-9]{3}([.,])[0-9]")
_DURATION = re.compile(r"(?:([0-9]{1,3}):)?([0-5]?[0-9]):([0-5][0-9])(?:\.([0-9]{1,3}))?")


class NotANumber(Refusal):
    """The cell holds text where a number belongs; the message says what was expected."""


def is_missing(text: str) -> bool:
    return text.strip().casefold() in MISSING_WORDS


def looks_like_total(text: str) -> bool:
    """Whether a label cell starts a totals row ("Total: Account", "Итого и средние")."""
    label = text.strip().casefold()
    return any(label == word or label.startswith((word + ":", word + " ")) for word in TOTAL_WORDS)


def decimal_mark(cells: Iterable[str], limit: int = 2000) -> str | None:
    """The table's decimal mark as its own cells show it: "," where some number can only be
    read with a decimal comma ("1,5", "0,42", "1 234,56"), "." where one can only be read with
    a decimal point; None when no cell tells (then "1,234" means a thousand and 234)."""
    comma = point = 0
    for seen, cell in enumerate(cells):
        if seen >= limit:
            break
        if not cell or cell.isdigit():
            continue
        both = _BOTH_MARKS.search(cell)
        if both:
            if both.group(1) == ",":
                comma += 1
            else:
                point += 1
            continue
        if "," in cell and _COMMA_DECIMAL.search(cell):
            comma += 1
        elif "." in cell and _POINT_DECIMAL.search(cell):
            point += 1
    if comma == point:
        return None
    return "," if comma > point else "."


def _grouped(whole: str, separator: str) -> bool:
    # A thousands separator stands between groups of three, after one to three leading digits.
    groups = whole.split(separator)
    head = groups[0]
    return (
        1 <= len(head) <= 3
        and not head.startswith("0")
        and all(len(g) == 3 and g.isdigit() for g in groups[1:])
        and head.isdigit()
    )


def _digits(body: str, mark: str | None) -> str:
    """``body`` (digits with "," and "." only) as a plain number for float()."""
    commas, points = body.count(","), body.count(".")
    if commas and points:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal == "," else ","
    elif commas + points == 0:
        return body
    else:
        separator = "," if commas else "."
        after = body.rsplit(separator, 1)[1]
        if commas + points > 1:
            decimal, thousands = "", separator
        elif mark is not None and separator != mark and len(after) == 3 and body[0] != "0":
            decimal, thousands = "", separator  # "1.234" where "," is the decimal mark
        elif mark is None and separator == "," and len(after) == 3 and _grouped(body, ","):
            decimal, thousands = "", ","  # English tools group thousands with commas
        else:
            decimal, thousands = separator, ""
    whole, _, fraction = body.rpartition(decimal) if decimal else (body, "", "")
    if thousands and thousands in whole and not _grouped(whole, thousands):
        raise NotANumber(N_("not a number: the thousands separators are misplaced"))
    whole = whole.replace(thousands, "") if thousands else whole
    if (decimal and not fraction) or not (whole or fraction):
        raise NotANumber(N_("not a number"))
    return f"{whole or '0'}.{fraction}" if decimal else whole


def parse_number(raw: str, mark: str | None = None) -> tuple[float, bool] | None:
    """A number cell: (value, written with a per cent sign), None where the tool wrote no
    value ("", "--"), NotANumber for text. Accepts thousands separators (commas, points,
    spaces, no-break spaces), a decimal comma, "(1,234)" and "−" for negatives, a currency
    sign or code, "12.5%" and "12,5 %"."""
    text = raw.strip()
    if _INT.fullmatch(text) or (mark != "," and _DOT_DECIMAL.fullmatch(text)):
        return float(text), False  # the common case, kept cheap for million-row files
    if mark != "," and _COMMA_GROUPED.fullmatch(text):
        return float(text.replace(",", "")), False
    if text.casefold() in MISSING_WORDS:
        return None
    percent = text.endswith("%")
    if percent:
        text = text[:-1].rstrip()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text[:1] in ("-", "+", "\u2212"):
        negative, text = negative != (text[0] != "+"), text[1:].lstrip()
    text = _CURRENCY.sub("", text)
    if text.endswith("%") and not percent:
        percent, text = True, text[:-1].rstrip()
    text = _SPACES.sub("", text)
    match = _BODY.fullmatch(text)
    if not match:
        raise NotANumber(N_("not a number"))
    number = _digits(match.group(1), mark)
    if match.group(2):
        number += f"e{match.group(2)}"
    value = float(number)
    return (-value if negative else value), percent


def parse_duration_seconds(raw: str) -> float | None:
    """ "0:01:23" or "01:23" (time on site, as Metrica writes it) in seconds; None otherwise."""
    match = _DURATION.fullmatch(raw.strip())
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    return total + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


# --- days ----------------------------------------------------------------------------------

# A time may follow the day ("12:00:00 AM", "T23:30:00-08:00"); it is read past, never used.
_TIME = (
    r"(?:,?[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?"
    r"\s*(?:Z|[+-][0-9]{2}:?[0-9]{2}|[A-Z]{2,5})?)?"
)
_ISO = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})" + _TIME)
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_SLASHED = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})" + _TIME)
_DOTTED = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})(?: ?г\.?)?" + _TIME)
_MONTH_FIRST = re.compile(
    r"(?:[^\W\d_]+\.?,?\s+)?([^\W\d_]{3,9})\.?\s+([0-9]{1,2}),?\s+([0-9]{4})" + _TIME
)
_DAY_FIRST = re.compile(r"([0-9]{1,2})\s+([^\W\d_]{3,9})\.?,?\s+([0-9]{4})(?:\s*г\.?)?" + _TIME)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "янв", "январь", "января"),
            ("feb", "february", "фев", "февр", "февраль", "февраля"),
            ("mar", "march", "мар", "март", "марта"),
            ("apr", "april", "апр", "апрель", "апреля"),
            ("may", "май", "мая"),
            ("jun", "june", "июн", "июнь", "июня"),
            ("jul", "july", "июл", "июль", "июля"),
            ("aug", "august", "авг", "август", "августа"),
            ("sep", "sept", "september", "сен", "сент", "сентябрь", "сентября"),
            ("oct", "october", "окт", "октябрь", "октября"),
            ("nov", "november", "ноя", "нояб", "ноябрь", "ноября"),
            ("dec", "december", "дек", "декабрь", "декабря"),
        ),
        start=1,
    )
    for name in names
}


_RANGE = re.compile(r"\s*[-\u2013\u2014]\s*|\s+(?:to|по)\s+")


def names_a_period(raw: str) -> bool:
    """Whether a cell names a week or a month as two days ("2025-12-22 – 2025-12-28"), as
    reports grouped by week write them."""
    text = raw.strip()
    for match in _RANGE.finditer(text):
        first, last = text[: match.start()], text[match.end() :]
        if parse_day(first) and parse_day(last):
            return True
    return False


def slashes_are_day_first(cells: Iterable[str], limit: int = 5000) -> bool:
    """Whether a column's slash dates are day-first: only when one of them cannot be
    month-first (27/12/2025). Bing and other US tools write 12/27/2025."""
    for seen, cell in enumerate(cells):
        if seen >= limit:
            break
        match = _SLASHED.fullmatch(cell.strip())
        if match and int(match.group(1)) > 12:
            return True
    return False


def _real(year: int, month: int, day: int) -> dt.date | None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_day(raw: str, day_first: bool = False) -> dt.date | None:
    """The day a cell names, date part only; None when it names no day. Knows ISO
    (2025-12-27, 2025-12-27T23:00:00-08:00), YYYYMMDD (GA4), M/D/YYYY with or without a time
    (Bing; D/M/YYYY when ``day_first``), DD.MM.YYYY (Russian tools), and month names ("Dec 27,
    2025", "27 дек. 2025 г.")."""
    text = raw.strip()
    if (match := _ISO.fullmatch(text)) or (match := _COMPACT.fullmatch(text)):
        year, month, day = match.groups()
    elif match := _SLASHED.fullmatch(text):
        first, second, year = match.groups()
        month, day = (second, first) if day_first else (first, second)
    elif match := _DOTTED.fullmatch(text):
        day, month, year = match.groups()
    elif (match := _MONTH_FIRST.fullmatch(text)) and match.group(1).casefold() in _MONTHS:
        name, day, year = match.groups()
        month = _MONTHS[name.casefold()]
    elif (match := _DAY_FIRST.fullmatch(text)) and match.group(2).casefold() in _MONTHS:
        day, name, year = match.groups()
        month = _MONTHS[name.casefold()]
    else:
        return None
    return _real(int(year), int(month), int(day))
