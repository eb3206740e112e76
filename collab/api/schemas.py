"""What the API accepts: request bodies and query strings as pydantic models.

The models are checked before a view runs (collab.api.validation) and are the OpenAPI
document's request schemas (collab.api.openapi), so the document says exactly what the server
enforces. Bodies are strict JSON: a string is a string, a whole number is not true, unknown
fields are refused. Query strings are text by nature, so their models parse ("50" is 50).
What needs the database or the organisation (is this e-mail a member, may this task move
from triage to done) stays in collab's functions, which the web forms call too.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from flask_babel import gettext
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from collab.followup.overdue import KINDS as ALERT_KINDS
from collab.http.converters import MAX_ID
from collab.models import PRIORITIES, RESOLUTIONS, STATUSES
from collab.platform.errors import ValidationFailed
from collab.platform.i18n import LANGUAGES
from collab.platform.paging import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    NOT_A_CURSOR,
    decode_cursor,
    encode_cursor,
)
from collab.platform.text import has_visible_text
from collab.work import recommendations, routing
from collab.work.recommendations import MAX_DESCRIPTION, MAX_URL_LENGTH, MAX_URLS

# Dates a person can mean: date arithmetic on year 1 or 9999 overflows in alerts and charts.
EARLIEST_DAY, LATEST_DAY = dt.date(1970, 1, 1), dt.date(2999, 12, 31)
NO_NUL = "^[^\\u0000]*$"  # PostgreSQL cannot store NUL in text; refused, never a 500
_DIGITS = re.compile(r"[0-9]{1,19}")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError(gettext("contains a NUL character"))
    return text


def _visible(text: str) -> str:
    if not has_visible_text(text):
        raise ValueError(gettext("required: some visible text"))
    return text


def _absolute_url(url: str) -> str:
    # The filing function's own rule, so its words too ("not an absolute http(s) URL").
    try:
        recommendations.clean_urls([url])
    except ValidationFailed as refused:
        raise ValueError(next(iter(refused.fields.values()))) from None
    return url


def _digits(value: object) -> object:
    # Query strings are parsed leniently by pydantic ("1.0", " 5", "5_000" are 5s); an id or
    # a page size is written in plain digits.
    if isinstance(value, str) and not _DIGITS.fullmatch(value):
        raise ValueError(gettext("a whole number"))
    return value


def _iso_day(value: object) -> object:
    # Leniently, "0" would be 1970-01-01 (a Unix time) and "2026-01-01T10:00" a date; parsed
    # here, as the only spelling of a day the API takes.
    if not isinstance(value, str):
        return value
    if not _ISO_DAY.fullmatch(value):
        raise ValueError(gettext("a date as YYYY-MM-DD"))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(gettext("%(text)s is not a real date", text=value)) from None


def _sane_day(value: dt.date) -> dt.date:
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValueError(
            gettext(
                "%(value)s is out of range; give a date from %(first)s to %(last)s",
                value=value.isoformat(),
                first=EARLIEST_DAY,
                last=LATEST_DAY,
            )
        )
    return value


def _sane_moment(value: dt.datetime) -> dt.datetime:
    # Judged by its own calendar date: converting year 1 to UTC can itself overflow.
    _sane_day(value.date())
    return value


def Text(max_length: int, min_length: int = 0) -> Any:  # a type, hence the capital
    """A string without NUL, of bounded length."""
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        AfterValidator(_no_nul),
        Field(json_schema_extra={"pattern": NO_NUL}),
    ]


# Before-validators come last: they wrap what precedes them, whose JSON Schema is the one shown.
Id = Annotated[
    int,
    Field(ge=1, le=MAX_ID, description="an id: a whole number of 32 bits"),
    BeforeValidator(_digits),
]
Day = Annotated[
    dt.date,
    AfterValidator(_sane_day),
    Field(description=f"YYYY-MM-DD, from {EARLIEST_DAY} to {LATEST_DAY}"),
    BeforeValidator(_iso_day),
]
Moment = Annotated[
    dt.datetime,
    AfterValidator(_sane_moment),
    Field(description="ISO 8601 with a time zone offset, e.g. 2026-03-01T09:00:00+03:00"),
]
Email = Text(254)

Status = Literal[STATUSES]
Team = Literal[routing.TEAMS]
Priority = Literal[PRIORITIES]
Resolution = Literal[RESOLUTIONS]
AnyCategory = Literal[tuple(routing.CATEGORIES)]
FilingCategory = Literal[tuple(c for c in routing.CATEGORIES if c != routing.UNCATEGORISED)]


class Body(BaseModel):
    """A JSON request body: strict types, unknown fields refused, numbers finite."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class Query(BaseModel):
    """A query string: values arrive as text and are parsed; other parameters are ignored."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False, populate_by_name=True)


# --- bodies ----------------------------------------------------------------------------------


class RecommendationIn(Body):
    title: Annotated[
        Text(200, min_length=1),
        StringConstraints(strip_whitespace=True),
        AfterValidator(_visible),
        Field(description="1-200 characters, some of them visible"),
    ]
    description: Text(MAX_DESCRIPTION) | None = Field(None, description="Markdown")
    category: FilingCategory | None = Field(None, description="omit to let routing decide")
    urls: (
        Annotated[
            list[Annotated[Text(MAX_URL_LENGTH, min_length=1), AfterValidator(_absolute_url)]],
            Field(max_length=MAX_URLS, description="absolute http(s) URLs"),
        ]
        | None
    ) = None
    priority: Priority | None = None
    due_date: Day | None = None
    external_id: Text(200) | None = Field(
        None, description="your id for it: filing the same one again answers the first"
    )


class TaskChange(Body):
    # Fields without "| None" may be left out but never sent as null: null means something
    # only where it clears a value (assignee, due date, backfilled times).
    version: Id = Field(description="the version you last saw; a stale one answers 409")
    status: Status = None
    team: Team = None
    category: AnyCategory = None
    assignee: Email | None = Field(None, description="a member's e-mail; null unassigns")
    priority: Priority = None
    due_date: Day | None = None
    started_at: Moment | None = None
    completed_at: Moment | None = None
    resolution: Resolution = Field(None, description="with status: rejected")
    reason: Text(5000) = Field(None, description="why, for the agency, with status: rejected")
    duplicate_of: Id = Field(None, description="with resolution: duplicate")
    waiting_on_agency: bool = None
    question: Text(5000) = Field(
        None,
        description="what the agency is asked (alone, or with waiting_on_agency: true): the "
        "task waits on its answer, the question becomes a comment it reads, and it is told",
    )


class TaskChangeItem(TaskChange):
    id: Id


class TaskChanges(Body):
    items: Annotated[list[TaskChangeItem], Field(min_length=1, max_length=500)]


class CommentIn(Body):
    body: Annotated[Text(20_000, min_length=1), AfterValidator(_visible)]
    internal: bool = False


class Observation(Body):
    """One day's value of a metric: finite and within the metric's range (percents 0-100,
    counts whole, money 0 or at least 0.01)."""

    # Checked row by row in collab.kpis.input, which names every bad row at once and knows
    # the organisation's own metrics; this model is the document's description of a row.

    metric: Annotated[str, Field(max_length=64, description="leads, spend, ... (API.md)")]
    date: dt.date
    value: float
    channel: Annotated[str, Field(max_length=64, pattern=NO_NUL)] | None = Field(
        None, description="organic, paid_search, ...; null or absent: all channels"
    )


class Observations(Body):
    # Rows are handed to collab.kpis.input as sent, so that one round trip names every bad
    # row (and the organisation's own metrics count); the document still describes each row.
    observations: Annotated[
        list[dict[str, Any]],
        Field(min_length=1, max_length=100_000),
        WithJsonSchema(
            {
                "type": "array",
                "minItems": 1,
                "maxItems": 100_000,
                "items": {"$ref": "#/components/schemas/Observation"},
            }
        ),
    ]


# --- query strings ---------------------------------------------------------------------------


def id_cursor(last_id: int) -> str:
    """The cursor of the page after the one that ended with `last_id`."""
    return encode_cursor({"after": last_id})


def _after_id(cursor: str) -> int:
    after = decode_cursor(cursor).get("after")
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after <= MAX_ID:
        raise ValueError(NOT_A_CURSOR)
    return after


def _kpi_cursor(cursor: str) -> str:
    # Decoded again by collab.kpis.store; checked here so that nothing odd (NUL, a list, a
    # date out of range) ever reaches a query.
    key = decode_cursor(cursor)
    metric, day, channel = key.get("m"), key.get("d"), key.get("c")
    if not all(isinstance(v, str) and "\x00" not in v for v in (metric, day, channel)):
        raise ValueError(NOT_A_CURSOR)
    try:
        _sane_day(dt.date.fromisoformat(day))
    except ValueError:
        raise ValueError(NOT_A_CURSOR) from None
    return cursor


_CURSOR = Field(
    max_length=512,
    pattern="^[A-Za-z0-9_=-]+$",
    description="next_cursor of the previous page, as it was given",
)
IdCursor = Annotated[str, _CURSOR, AfterValidator(_after_id)]
KpiCursor = Annotated[str, _CURSOR, AfterValidator(_kpi_cursor)]
Limit = Annotated[
    int,
    Field(ge=1, le=MAX_LIMIT, description=f"page size (default {DEFAULT_LIMIT})"),
    BeforeValidator(_digits),
]


class Paging(Query):
    # cursor: after validation, the id the next page starts after
    cursor: IdCursor | None = None
    limit: Limit = DEFAULT_LIMIT


class NoteLanguage(Query):
    language: Literal[LANGUAGES] | None = Field(
        None,
        description="the language of the training notes and the other words of the answer "
        "(default: the asker's profile language, else Accept-Language's, else English)",
    )


class TaskFilter(Paging, NoteLanguage):
    team: Literal[(*routing.TEAMS, "none")] | None = Field(None, description="none: unrouted")
    status: Status | None = None
    overdue: Literal["true", "false"] | None = None
    category: AnyCategory | None = None


class AlertFilter(Paging):
    task: Id | None = None
    kind: Literal[ALERT_KINDS] | None = None


class KpiFilter(Paging):
    cursor: KpiCursor | None = None
    metric: Annotated[str, Field(max_length=64, pattern=NO_NUL)] | None = Field(
        None, description="a metric name; derived ones (cost_per_lead, romi) are computed"
    )
    date_from: Day | None = Field(None, alias="from")
    date_to: Day | None = Field(None, alias="to")
    channel: Annotated[str, Field(max_length=64, pattern=NO_NUL)] | None = None

    @field_validator("metric")
    @classmethod
    def _known(cls, metric: str | None, info: ValidationInfo) -> str | None:
        # The organisation's metrics come in the context, so an unknown name is reported
        # with the other bad parameters, all in one answer.
        known = (info.context or {}).get("metrics")
        name = metric.strip().lower() if metric else None
        if name and known is not None and name not in known:
            raise ValueError(
                gettext(
                    "unknown metric %(name)s; choose one of %(choices)s",
                    name=repr(name),
                    choices=", ".join(known),
                )
            )
        return name


class KpiFileForm(Query):
    """The text fields of a KPI file upload (multipart/form-data, beside the file)."""

    channel: Annotated[str, Field(max_length=64, pattern=NO_NUL)] | None = Field(
        None,
        description="the channel for rows that name none; empty: each tool's own "
        "(google_organic, bing_organic, paid_search, GA4's channel groups...)",
    )


class CategoryFilter(Query):
    org: Annotated[str, Field(max_length=64, pattern="^[a-z0-9-]+$")] | None = Field(
        None, description="an organisation's slug: its own category -> metrics map"
    )
