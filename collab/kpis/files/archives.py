"""ZIP archives and XLSX workbooks (which are ZIPs too), opened within bounds. Pure.

Search Console's download is a ZIP of several CSVs; people also zip a month of exports to send
them at once. A ZIP is checked before anything is unpacked: at most ``MAX_MEMBERS`` files,
``MAX_TOTAL_BYTES`` unpacked in all and no file packed tighter than ``MAX_RATIO`` to one (no
real export comes near; a zip bomb must). zipfile never unpacks more than a file declares, and
a file that declares less than it holds fails its checksum.

Workbooks are read with openpyxl in read-only mode, values only. Dates come out as the day the
cell shows (no time zone is involved in an Excel date); a cell formatted as a percentage holds a
fraction and is handed on as "12.5%", as it looks on screen.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import warnings
import zipfile
import zlib
from collections.abc import Iterator

from collab.kpis.files.results import KpiFileError
from collab.platform.errors import N_, Refusal

MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
# A workbook's XML is read cell by cell in Python: a quarter of that is already minutes.
MAX_WORKBOOK_BYTES = 256 * 1024 * 1024
# Deflate cannot pack tighter than about 1,032 to one; the most repetitive real export (a UTF-16
# report full of "--") packs to a few dozen.
MAX_RATIO = 400
MAX_SHEET_ROWS = 1_048_576  # Excel's own limit
MAX_SHEET_COLUMNS = 1_000
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# What openpyxl and the zipfile, zlib and XML layers under it raise on a damaged workbook.
_BROKEN_WORKBOOK = (
    KeyError, ValueError, TypeError, IndexError, AttributeError, SyntaxError, OSError,
    EOFError, zlib.error, NotImplementedError, OverflowError, RecursionError, zipfile.BadZipFile,
)  # fmt: skip


def is_zip(data: bytes) -> bool:
    return data[:4] in _ZIP_MAGIC


def _damaged(file: str, what: str = N_("ZIP archive")) -> KpiFileError:
    return KpiFileError(
        file,
        Refusal(N_("this %(what)s is damaged and cannot be opened"), what=Refusal(what)),
        Refusal(N_("Download it again (or make the ZIP again) and upload the new file.")),
    )


def _bomb(file: str) -> KpiFileError:
    return KpiFileError(
        file,
        Refusal(N_("this archive unpacks to far more than any export (it looks like a zip bomb)")),
        Refusal(N_("Upload the exports themselves, or a ZIP of them.")),
    )


def open_zip(data: bytes, file: str, limit: int = MAX_TOTAL_BYTES) -> zipfile.ZipFile:
    """The archive, checked against bombs before a byte is unpacked: at most ``limit`` bytes
    unpacked in all."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _damaged(file) from None
    files = [info for info in infos if not info.is_dir()]
    if len(files) > MAX_MEMBERS:
        raise KpiFileError(
            file,
            Refusal(N_("the archive holds %(count)s files"), count=len(files)),
            Refusal(N_("Upload the exports in smaller ZIPs.")),
            expected=Refusal(N_("at most %(count)s"), count=MAX_MEMBERS),
        )
    total = sum(info.file_size for info in files)
    if total > limit or any(_too_tight(info) for info in files):
        raise _bomb(file)
    return archive


def _too_tight(info: zipfile.ZipInfo) -> bool:
    return info.file_size > MAX_MEMBER_BYTES or info.file_size > MAX_RATIO * max(
        info.compress_size, 1024
    )


def is_workbook(archive: zipfile.ZipFile) -> bool:
    names = set(archive.namelist())
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def members(archive: zipfile.ZipFile, file: str) -> Iterator[tuple[str, bytes | None]]:
    """(name, bytes) of each file worth reading; bytes None for one that cannot be unpacked
    (encrypted, an unknown compression). Folders and macOS's metadata are left out."""
    for info in archive.infolist():
        name = info.filename
        base = name.rsplit("/", 1)[-1]
        if info.is_dir() or name.startswith("__MACOSX/") or base.startswith("._") or not base:
            continue
        if info.flag_bits & 0x1:
            yield name, None
            continue
        try:
            # zipfile stops at the declared size, checked by open_zip; a file that unpacks to
            # something else fails its CRC and is refused as damaged.
            with archive.open(info) as member:
                data = member.read()
        except (NotImplementedError, RuntimeError):
            yield name, None
            continue
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, ValueError):
            raise _damaged(file) from None
        yield name, data


def _text(value, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, int | float):
        if not math.isfinite(value):
            return str(value)
        if "%" in (number_format or ""):
            return f"{value * 100!r}%"
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def workbook_sheets(data: bytes, file: str) -> list[tuple[str, list[tuple[int, list[str]]]]]:
    """(sheet title, rows of (row number, cells as text)) of every sheet."""
    from openpyxl import load_workbook  # only uploads of workbooks pay for importing it

    open_zip(data, file, MAX_WORKBOOK_BYTES)  # bounds checked before openpyxl unpacks a byte
    sheets = []
    try:
        # openpyxl warns about styles and extensions it does not read; the values are read all
        # the same, and a warning must not turn into a refusal (tests run warnings as errors).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            for sheet in book.worksheets:
                if not hasattr(sheet, "iter_rows"):
                    continue  # a chart sheet
                sheet.reset_dimensions()  # trust the rows, not a declared A1:XFD1048576
                rows = []
                for number, row in enumerate(sheet.iter_rows(), start=1):
                    if number > MAX_SHEET_ROWS:
                        break
                    rows.append(
                        (
                            number,
                            [
                                _text(cell.value, getattr(cell, "number_format", ""))
                                for cell in row[:MAX_SHEET_COLUMNS]
                            ],
                        )
                    )
                sheets.append((str(sheet.title), rows))
            book.close()
    except _BROKEN_WORKBOOK:
        raise _damaged(file, N_("workbook")) from None
    return sheets
