"""CSV exports as crawlers and spreadsheets write them: encodings, delimiters, decimal commas.

Screaming Frog writes UTF-8 with a byte-order mark, quotes every field and uses the locale's
decimal comma ("0,410"); a file re-saved by Excel may be UTF-16 with tabs, or use semicolons;
column names change spelling between versions ("Size (Bytes)", "Size (bytes)"). So the encoding
is read from the byte-order mark and the content (charset-normalizer when it is not UTF-8), the
delimiter from the header line, and columns are matched case-insensitively.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from collab.audits.errors import AuditFileError
from collab.platform.errors import N_, Refusal

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DELIMITERS = (",", ";", "\t")
# Text that is mostly control characters is a binary file that happened to decode.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_VISIBLE = re.compile(r"\S")


def decode(file: str, data: bytes) -> str:
    """The file as text. Raises AuditFileError for binary content."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _text(file, data.decode(encoding))
            except UnicodeDecodeError:
                raise AuditFileError(
                    file,
                    Refusal(
                        N_("starts like %(encoding)s text but is not: export it again"),
                        encoding=encoding,
                    ),
                ) from None
    encoding = _utf16_without_bom(data)
    if encoding:
        try:
            return _text(file, data.decode(encoding))
        except UnicodeDecodeError:
            pass
    try:
        return _text(file, data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise AuditFileError(file, _NOT_TEXT)
    # Russian Excel saves cp1251, western Excel cp1252: charset-normalizer tells them apart.
    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.encoding in ("utf_16", "utf_32"):
        raise AuditFileError(file, _NOT_TEXT)
    try:
        return _text(file, data.decode(best.encoding))
    except (UnicodeDecodeError, LookupError):
        raise AuditFileError(file, _NOT_TEXT) from None


_EMPTY = Refusal(N_("empty file: expected a header line and rows: export it again"))
_NOT_TEXT = Refusal(N_("not a JSON, CSV or ZIP file (its content is binary)"))


def _utf16_without_bom(data: bytes) -> str | None:
    # ASCII text in UTF-16 has a NUL in every other byte; which half says the byte order.
    sample = data[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _text(file: str, text: str) -> str:
    sample = text[:20_000]
    if sample and len(_CONTROL.findall(sample)) > 0.01 * len(sample) + 2:
        raise AuditFileError(file, _NOT_TEXT)
    return text.lstrip("\ufeff")


@dataclass(frozen=True)
class Sheet:
    """A CSV read into cells. ``columns`` are the header names as written, ``keys`` the same
    names normalised for matching; ``lines[i]`` is the file line where row ``i`` starts."""

    columns: tuple[str, ...]
    keys: tuple[str, ...]
    rows: list[list[str]]
    lines: list[int]

    def index(self, *names: str) -> int | None:
        """The position of the first of ``names`` (normalised spellings) the sheet has."""
        for name in names:
            if name in self.keys:
                return self.keys.index(name)
        return None


def header_key(name: str) -> str:
    """A column name for matching: case and spacing ignored ("Size (Bytes)" = "size (bytes)")."""
    return " ".join(name.replace("\ufeff", "").split()).casefold()


def read_sheet(file: str, text: str, max_rows: int = 2_000_000) -> Sheet:
    """Every non-blank row of a CSV after its header. Raises AuditFileError when it cannot be
    read as CSV."""
    found = _VISIBLE.search(text)
    start = found.start() if found else len(text)
    end = text.find("\n", start)
    first = text[start : end if end >= 0 else len(text)].strip()
    if not first:
        raise AuditFileError(file, _EMPTY)
    delimiter = _delimiter(first)
    # newline="" hands line endings to the csv module, which keeps quoted line breaks intact.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    last = 0
    try:
        for cells in reader:
            line, last = last + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if len(rows) >= max_rows:
                raise AuditFileError(
                    file,
                    Refusal(
                        N_("too many rows: more than %(count)s; export fewer pages at a time"),
                        count=f"{max_rows:,}",
                    ),
                )
            rows.append(cells)
            lines.append(line)
    except csv.Error as exc:
        raise AuditFileError(
            file,
            Refusal(
                N_("line %(line)s is not readable as CSV: %(error)s"),
                line=last + 1,
                error=str(exc),
            ),
        ) from None
    if header is None:
        raise AuditFileError(file, _EMPTY)
    columns = tuple(header)
    return Sheet(columns, tuple(header_key(c) for c in columns), rows, lines)


def _delimiter(line: str) -> str:
    # Count outside quotes: a quoted title may hold commas of its own.
    bare = re.sub(r'"[^"]*"', "", line)
    counts = {d: bare.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def cell(row: list[str], index: int | None) -> str:
    """The stripped cell at ``index``; "" when the column is absent or the row short."""
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def number(text: str) -> float | None:
    """A number as a crawler or a spreadsheet in any locale writes it, or None.

    Screaming Frog writes no thousands separators, so a lone comma is a decimal comma
    ("0,410", "12,240"); with both marks the last one is the decimal point ("1.234,5",
    "1,234.5"); several commas alone are thousands ("1,234,567"). Percent signs and the spaces
    some locales group digits with are ignored."""
    if not text:
        return None
    try:
        # Most cells are plain numbers ("200", "38843", "0.182"): the fast path.
        value = float(text)
    except ValueError:
        return _localised(text)
    return value if math.isfinite(value) else None


def _localised(text: str) -> float | None:
    t = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").rstrip("%")
    if not t:
        return None
    if "," in t and "." in t:
        if t.rfind(",") > t.rfind("."):
            t = t.replace(".", "").replace(",", ".")
        else:
            t = t.replace(",", "")
    elif t.count(",") == 1:
        t = t.replace(",", ".")
    elif t.count(",") > 1:
        t = t.replace(",", "")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def list_columns(columns: tuple[str, ...], limit: int = 12) -> str:
    """The header names found, quoted and shortened, for a refusal message."""
    shown = [f'"{c[:40]}"' for c in columns[:limit]]
    more = f" and {len(columns) - limit} more" if len(columns) > limit else ""
    return ", ".join(shown) + more if shown else "none"
