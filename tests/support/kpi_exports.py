"""The tools' exports for tests: the committed fixtures, the ZIP Search Console makes of them,
and Metrica's XLSX (written with openpyxl, as the layout Metrica downloads in)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "kpi_files"
SEARCH_CONSOLE_EXPORT = FIXTURES / "search_console_export"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def zip_of(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def search_console_zip(*, leave_out: tuple[str, ...] = ()) -> bytes:
    """Performance on Search's "Download ZIP": one CSV per tab."""
    return zip_of(
        {
            path.name: path.read_bytes()
            for path in sorted(SEARCH_CONSOLE_EXPORT.glob("*.csv"))
            if path.name not in leave_out
        }
    )


METRICA_DAYS = [dt.date(2025, 12, 21) + dt.timedelta(days=i) for i in range(7)]


def metrica_workbook(by_source: bool = False) -> bytes:
    """Metrica's Attendance report as XLSX: the report's name, period and grouping above the
    header, "Итого и средние" under it, days as date cells, the bounce rate a percentage."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Посещаемость"
    sheet.append(["Посещаемость"])
    sheet.append(["Период: 21.12.2025 — 27.12.2025"])
    grouping = "Дата визита, Источник трафика" if by_source else "Дата визита"
    sheet.append([f"Группировка: {grouping}"])
    sheet.append([])
    header = ["Дата визита", "Визиты", "Посетители", "Отказы", "Время на сайте"]
    if by_source:
        header.insert(1, "Источник трафика")
    sheet.append(header)
    totals = ["Итого и средние", 4310, 3402, 0.149, dt.time(0, 1, 43)]
    if by_source:
        totals.insert(1, "")
    sheet.append(totals)
    sources = ("Переходы из поисковых систем", "Прямые заходы") if by_source else (None,)
    for i, day in enumerate(METRICA_DAYS):
        for j, source in enumerate(sources):
            # 23:59 on the day: a date cell is the day it shows, never moved by a time zone.
            row = [dt.datetime.combine(day, dt.time(23, 59)), 600 + i + j, 480 + i, 0.1 + i / 100]
            row.append(dt.time(0, 1, 40 + i))
            if by_source:
                row.insert(1, source)
            sheet.append(row)
    bounce = 5 if by_source else 4
    for (cell,) in sheet.iter_rows(min_row=6, min_col=bounce, max_col=bounce):
        cell.number_format = "0.00%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
