"""The tables inside an export: delimiter, preamble, title lines, header, rows. Pure.

Tools put more than a table in a file. GA4 starts with ``#`` comment lines ("# Start date:
20251211") and its Reports snapshot holds several tables one after another; Google Ads puts
the report's name and dates on lines of their own above the header; Metrica's spreadsheets put
the period and the grouping there. A table starts at the first line of two or more cells none
of which is a number or a day (its header) and runs to the next blank or comment line; lines
of one cell above it are its titles. Physical line numbers are kept for every row, so a refusal
names the line a person sees in a text editor.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from collab.kpis.files.results import KpiFileError, shown
from collab.kpis.files.values import parse_day
from collab.platform.errors import N_, Refusal

DELIMITERS = ("\t", ";", ",")  # in order of preference when two fit a file equally well
SNIFF_LINES = 60
_NUMBERISH = re.compile(r"[\s0-9.,%()+\-\u2212$€£₽]*[0-9][\s0-9.,%()+\-\u2212$€£₽]*")
_KEY_VALUE = re.compile(r"#\s*([^:#]{1,60}?)\s*:\s*(.*)")


@dataclass
class Table:
    file: str
    where: str  # "line" in text files, "row" in spreadsheets
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # one-cell lines above the header
    notes: dict[str, str] = field(default_factory=dict)  # "# key: value" lines above it
    caption: str = ""  # the last "# ..." line above it that is not a key: value pair


def sniff_delimiter(text: str) -> str:
    """The delimiter most of the first lines agree on: for each candidate, how many lines
    have its most common number of cells (two or more). Titles, comments and decimal commas
    vary from line to line; a real delimiter does not."""
    sample = []
    for line in io.StringIO(text):
        if line.strip() and not line.lstrip().startswith("#"):
            sample.append(line)
            if len(sample) >= SNIFF_LINES:
                break
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        if not any(delimiter in line for line in sample):
            continue
        try:
            counts = [len(cells) for cells in csv.reader(sample, delimiter=delimiter)]
        except csv.Error:
            continue
        widths = [c for c in counts if c >= 2]
        if not widths:
            continue
        modal = max(set(widths), key=lambda w: (widths.count(w), w))
        score = (widths.count(modal), modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def text_rows(text: str, file: str) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    """(delimiter, rows of (first physical line, cells)); comment lines come back whole as
    one cell starting with "#"."""
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = sniff_delimiter(text)
    return delimiter, _rows(text, file, delimiter)


def _rows(text: str, file: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    # newline="" hands line endings to the csv module, which keeps quoted line breaks intact.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    last = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise KpiFileError(
                file,
                Refusal(N_("this line cannot be read as a table row")),
                Refusal(N_("Download the export again without editing it.")),
                line=last + 1,
                expected=Refusal(_SEPARATED[delimiter]),
            ) from None
        line, last = last + 1, reader.line_num
        if cells and cells[0].lstrip().startswith("#"):
            yield line, [delimiter.join(cells).strip()]
        else:
            yield line, cells


_SEPARATED = {
    "\t": N_("cells separated by tabs"),
    ";": N_("cells separated by semicolons"),
    ",": N_("cells separated by commas"),
}


def _filled(cells: list[str]) -> int:
    return sum(1 for cell in cells if cell.strip())


def looks_like_header(cells: list[str]) -> bool:
    """Two or more names and no number or day among them."""
    names = [cell.strip() for cell in cells if cell.strip()]
    return len(names) >= 2 and not any(
        _NUMBERISH.fullmatch(name) or parse_day(name) for name in names
    )


def split_tables(rows: Iterable[tuple[int, list[str]]], file: str, where: str) -> list[Table]:
    """The tables in a file's rows, each with its titles and the preamble notes above it."""
    tables: list[Table] = []
    notes: dict[str, str] = {}
    titles: list[str] = []
    caption = ""
    block: list[tuple[int, list[str]]] = []

    def flush() -> None:
        nonlocal titles, caption
        if not block:
            return
        first = next((i for i, (_, cells) in enumerate(block) if _filled(cells) >= 2), None)
        if first is None:  # lines of one cell: titles of whatever table comes next
            titles += [shown(" ".join(c for c in cells if c.strip())) for _, cells in block]
        elif looks_like_header(block[first][1]):
            line, header = block[first]
            titles += [shown(" ".join(c for c in cells if c.strip())) for _, cells in block[:first]]
            tables.append(
                Table(file, where, header, line, block[first + 1 :], titles, dict(notes), caption)
            )
            titles, caption = [], ""
        elif tables:  # a blank line inside a table's rows: the same table goes on
            tables[-1].rows.extend(block)
        else:
            line = block[first][0]
            raise KpiFileError(
                file,
                Refusal(N_("the table has no header line")),
                Refusal(
                    N_("Download the export again; collab needs the column names the tool writes.")
                ),
                line=line,
                where=where,
                expected=Refusal(N_("a line of column names above the numbers")),
            )
        block.clear()

    for line, cells in rows:
        if len(cells) == 1 and cells[0].lstrip().startswith("#"):
            flush()
            comment = cells[0].strip()
            pair = _KEY_VALUE.fullmatch(comment)
            if pair:
                notes[" ".join(pair.group(1).split()).casefold()] = pair.group(2).strip()
            elif comment.strip("#- "):
                caption = shown(comment.strip("#- "))
            continue
        if not "".join(cells).strip():
            flush()
            continue
        block.append((line, cells))
    flush()
    return tables
