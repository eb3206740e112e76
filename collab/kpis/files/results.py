"""What reading a KPI file gives: the day-by-day observations with what was left out and why,
or a refusal a marketer can act on. Pure."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from collab.kpis.input import Observation
from collab.platform.errors import N_, Refusal, said

SHOWN_LENGTH = 60
MESSAGE_LENGTH = 2000  # file text in a refusal is shown: no control characters, bounded
FIELD_LENGTH = 200  # a row's problem, as the API and the import page name it
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffd\ud800-\udfff]")


def shown(text: object, length: int = SHOWN_LENGTH) -> str:
    """Text from a file, fit for a sentence: no control characters, NULs, lone surrogates or
    replacement marks (so never raw bytes or mojibake), one line, at most ``length`` long."""
    flat = " ".join(_CONTROL.sub(" ", str(text)).split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def column_key(label: str) -> str:
    """How a column is named in a remembered mapping: case and spacing never matter, so
    "Avg. Position" and "avg.  position" are one column."""
    return " ".join(label.replace("\ufeff", "").split()).casefold()


@dataclass(frozen=True)
class UnmappedColumn:
    """A column of numbers that no metric takes yet: the page offers it a mapping (an existing
    metric, a new metric with a unit and a direction, or ignore), remembered per source."""

    source: str
    column: str  # as the tool wrote it (shown)
    file: str
    examples: tuple[str, ...]
    unit: str  # a guess for a new metric: "percent", "ms" or "count"
    lower_is_better: bool = False  # a guess too: costs, bounces and positions go down

    @property
    def key(self) -> str:
        return column_key(self.column)


@dataclass(frozen=True)
class KpiFile:
    """A file read: what ``POST /api/v1/orgs/{org}/kpis/files`` answers besides the counts the
    store computes (``summary``), plus what the import page needs to offer mappings."""

    name: str
    source: str  # search_console, ga4, google_ads, bing_webmaster, yandex_metrica, csv, mixed
    observations: tuple[Observation, ...]
    skipped: tuple[str, ...] = ()  # what was not imported, and why, one sentence each
    notes: tuple[str, ...] = ()  # how the rows were read (rows added up, totals left out)
    unmapped: tuple[UnmappedColumn, ...] = ()
    currency: str | None = None  # the currency code the file states its money in, if it does
    sources: tuple[str, ...] = field(default=())
    # The phrases behind ``skipped`` and ``notes`` (English there), by that English: worded
    # in the reader's language where they reach one (collab.kpis.file_imports).
    phrases: dict[str, Refusal] = field(default_factory=dict, compare=False)

    def said(self, line: str) -> str:
        return str(said(self.phrases.get(line, line)))

    @property
    def metrics(self) -> list[str]:
        return sorted({o.metric for o in self.observations})

    @property
    def first_day(self) -> dt.date:
        return min(o.date for o in self.observations)

    @property
    def last_day(self) -> dt.date:
        return max(o.date for o in self.observations)

    def summary(self) -> dict:
        """The API's ``{source, metrics, from, to, skipped}``."""
        return {
            "source": self.source,
            "metrics": self.metrics,
            "from": self.first_day.isoformat(),
            "to": self.last_day.isoformat(),
            "skipped": list(self.skipped),
        }


def not_chosen(file: str, columns: str) -> Refusal:
    """A line of ``skipped``: columns of numbers left out until a metric is chosen for them."""
    return Refusal(
        N_("%(file)s: no metric chosen for %(columns)s; not imported."), file=file, columns=columns
    )


class KpiFileError(ValueError):
    """The file was refused, nothing in it is imported. The message names the file and the line,
    says what was expected and what to do; ``fields`` names every offending row when there are
    several; ``unmapped`` lists the columns a mapping could take when nothing mapped. The
    problem, the advice, what was expected and each field's words are phrases (Refusal: N_
    and terms) or plain text: str() is English, ``said()`` the reader's language."""

    def __init__(
        self,
        file: str,
        problem: str | Refusal,
        advice: str | Refusal = "",
        *,
        line: int | None = None,
        where: str = "line",
        expected: str | Refusal = "",
        fields: dict[str, str | Refusal] | None = None,
        unmapped: tuple[UnmappedColumn, ...] = (),
        usable: bool = False,
    ):
        self.file = file
        self.problem = problem
        self.advice = advice
        self.line = line
        self.where = where  # "line" in text files, "row" in spreadsheets
        self.expected = expected
        self.phrases = dict(fields or {})  # each row's words, for the reader
        # English; file text in the words is shown (no control characters, bounded)
        self.fields = {key: shown(words, FIELD_LENGTH) for key, words in self.phrases.items()}
        self.unmapped = tuple(unmapped)
        # A file in a ZIP that holds nothing to import (a PDF, a list of queries) is skipped;
        # a daily series with a broken row refuses the whole upload (all or nothing).
        self.usable = usable
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return shown(self.phrase, MESSAGE_LENGTH)

    @property
    def phrase(self) -> Refusal:
        """The whole refusal: where, what, what was expected, then what to do."""
        text = self.short
        if self.expected:
            text = Refusal(
                N_("%(text)s (expected %(expected)s)"), text=text, expected=self.expected
            )
        if self.advice:
            return Refusal(N_("%(text)s. %(advice)s"), text=text, advice=self.advice)
        return Refusal(N_("%(text)s."), text=text)

    @property
    def short(self) -> Refusal:
        """Where and what, without the advice: a line of ``skipped`` when the rest imports."""
        place: str | Refusal = self.file
        if self.line and self.where == "row":
            place = Refusal(N_("%(file)s, row %(line)s"), file=self.file, line=self.line)
        elif self.line:
            place = Refusal(N_("%(file)s, line %(line)s"), file=self.file, line=self.line)
        return Refusal(N_("%(place)s: %(problem)s"), place=place, problem=self.problem)

    def said(self) -> str:
        return shown(self.phrase.said(), MESSAGE_LENGTH)

    def fields_said(self) -> dict[str, str]:
        return {key: shown(said(words), FIELD_LENGTH) for key, words in self.phrases.items()}

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        # Exceptions pickle by args alone, which would lose every keyword; a refusal crosses a
        # process boundary when a background import fails.
        return (_rebuilt, (self.__dict__.copy(),))


def _rebuilt(state: dict) -> KpiFileError:
    error = KpiFileError.__new__(KpiFileError)
    error.__dict__.update(state)
    ValueError.__init__(error, error.message)
    return error
