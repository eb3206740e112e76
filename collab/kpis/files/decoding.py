"""From bytes to text, by the bytes themselves, never by the file's name. Pure.

Byte-order marks first (Google Ads writes UTF-16 LE with one), then UTF-16 without a mark
(every other byte NUL), then UTF-8, then the single-byte code pages Excel saves CSVs in, chosen
by content with charset-normalizer (cp1251 on a Russian Windows). What is none of these is
refused as binary, with what to do instead and never with the bytes themselves.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from collab.kpis.files.results import KpiFileError
from collab.platform.errors import N_, Refusal

SAMPLE_BYTES = 64 * 1024
# Excel's "CSV" on a Russian or Western Windows, and the older Cyrillic code pages.
LEGACY_ENCODINGS = ["cp1251", "cp1252", "koi8_r"]

_BOMS = (  # longest first: UTF-32 LE starts like UTF-16 LE
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
SAVE_AS_CSV = N_("Open it in the tool or in Excel and save or download it as CSV (or XLSX).")
_PICTURE = N_("Download the report's data as CSV, not a picture of it.")
_UNPACK = N_("Unpack it and upload the CSV inside, or make a ZIP of it.")
_KNOWN_BINARY = (
    (b"%PDF", N_("a PDF document"), N_("Download the report as CSV instead of PDF.")),
    (b"\x89PNG", N_("a picture (PNG)"), _PICTURE),
    (b"\xff\xd8\xff", N_("a picture (JPEG)"), _PICTURE),
    (b"GIF8", N_("a picture (GIF)"), _PICTURE),
    (
        b"\xd0\xcf\x11\xe0",
        N_("an old Excel (.xls) workbook"),
        N_("Save it as .xlsx or CSV, then upload."),
    ),
    (b"\x1f\x8b", N_("a gzip archive"), _UNPACK),
    (b"Rar!", N_("a RAR archive"), _UNPACK),
    (b"7z\xbc\xaf", N_("a 7-Zip archive"), _UNPACK),
)
# Control characters beyond tab, line breaks and form feed: text files have none to speak of.
_CONTROL = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r\f") | {"\x7f"}


def binary_kind(data: bytes) -> tuple[str, str] | None:
    """(what it is, what to do) for the binary formats people upload by mistake."""
    for magic, what, advice in _KNOWN_BINARY:
        if data.startswith(magic):
            return what, advice
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    # Mostly-ASCII text in UTF-16 has a NUL in every other byte: odd ones for LE, even for BE.
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sample[0 : pairs * 2 : 2].count(0)
    odd = sample[1 : pairs * 2 : 2].count(0)
    if odd > 0.3 * pairs and even < 0.05 * pairs:
        return "utf-16-le"
    if even > 0.3 * pairs and odd < 0.05 * pairs:
        return "utf-16-be"
    return None


def _not_text(file: str) -> KpiFileError:
    return KpiFileError(
        file,
        Refusal(N_("this is not a text file collab can read")),
        Refusal(SAVE_AS_CSV),
        expected=Refusal(N_("a CSV, TSV or XLSX export")),
    )


def decode(data: bytes, file: str) -> tuple[str, str]:
    """(text, encoding name). KpiFileError for binary data, with what to do instead."""
    known = binary_kind(data)
    if known:
        what, advice = known
        raise KpiFileError(
            file,
            Refusal(N_("this is %(what)s"), what=Refusal(what)),
            Refusal(advice),
            expected=Refusal(N_("a CSV or XLSX export")),
        )
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is not None:
        body = data[len(next(bom for bom, name in _BOMS if name == encoding)) :]
    else:
        body = data
        encoding = _utf16_without_bom(data[:SAMPLE_BYTES])
    if encoding is None:
        if b"\x00" in data[:SAMPLE_BYTES]:
            raise _not_text(file)
        try:
            return _checked(data.decode("utf-8"), file), "utf-8"
        except UnicodeDecodeError:
            encoding = _legacy_encoding(data)
    try:
        text = body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise _not_text(file) from None
    return _checked(text, file), encoding


def _legacy_encoding(data: bytes) -> str:
    # charset-normalizer reads a sample by content; the whole file is then decoded strictly,
    # so a wrong guess ends as a refusal, never as mojibake in the store.
    best = from_bytes(data[:SAMPLE_BYTES], cp_isolation=LEGACY_ENCODINGS).best()
    return best.encoding if best is not None else "cp1251"


def _checked(text: str, file: str) -> str:
    sample = text[:SAMPLE_BYTES]
    control = sum(1 for ch in sample if ch in _CONTROL)
    if control > max(2, len(sample) // 200):
        raise _not_text(file)
    return text
