"""What the API answers, as pydantic models: the OpenAPI document's response schemas.

collab.api.serializers builds the JSON; these models describe it for clients and for the
schemathesis run in CI, which fails on any answer that does not match them. Answers may gain
fields (extra="allow"), so a field added to a serializer never breaks a client; a field
renamed or retyped does, and the schemathesis test says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from collab.followup.overdue import KINDS as ALERT_KINDS
from collab.models import PRIORITIES, RESOLUTIONS, STATUSES
from collab.platform.i18n import LANGUAGES
from collab.work import routing

Role = Literal["agency", "cio", "cmo", "it", "marketing"]


class Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


class UnmappedColumn(BaseModel):
    source: str = Field(description="the tool: search_console, ga4, google_ads, ...")
    column: str = Field(description="as the tool wrote it")
    file: str
    examples: list[str]
    unit: Literal["count", "percent", "ms"] = Field(description="a guess, for a new metric")
    lower_is_better: bool


class ApiError(BaseModel):
    code: str = Field(description="e.g. validation_failed, not_found, conflict")
    message: str
    fields: dict[str, str] | None = Field(
        None, description="each bad field or row: {'observations[3].value': 'not a number'}"
    )
    current: dict | None = Field(None, description="on 409: the object as it is now")
    unmapped: list[UnmappedColumn] | None = Field(
        None, description="a refused KPI file: the columns of numbers no metric takes yet"
    )


class ErrorAnswer(BaseModel):
    error: ApiError


class Membership(Answer):
    org: str
    role: Role


class Me(Answer):
    email: str
    name: str
    memberships: list[Membership]


class Category(Answer):
    slug: str
    name: str
    teams: list[Literal[routing.TEAMS]]
    metrics: list[str]


class Categories(Answer):
    items: list[Category]


class TrainingNote(Answer):
    title: str | None = None
    why: str | None = None
    kpis: list[str] | None = None
    how_measured: str | None = None
    body_html: str | None = None
    language: Literal[LANGUAGES] | None = Field(
        None,
        description="the language the text is in: the asker's (their profile's, else "
        "Accept-Language's), else English where collab's note has no text in it",
    )
    version: int | None = Field(
        None, description="the organisation's version in that language; 0: collab's own note"
    )
    edited_in: list[Literal[LANGUAGES]] | None = Field(
        None, description="the languages the organisation has rewritten this note in"
    )


class Routing(Answer):
    team: Literal[routing.TEAMS] | None = Field(description="the team routing chose")
    category: str
    reason: str | None = Field(
        None,
        description="why routing chose it, in the asker's language (their profile's, else "
        "Accept-Language, else English)",
    )


class Task(Answer):
    id: int
    recommendation_id: int
    title: str
    category: str
    team: Literal[routing.TEAMS] | None = Field(description="null: waits in triage, unrouted")
    status: Literal[STATUSES]
    resolution: Literal[RESOLUTIONS] | None
    reason: str | None
    duplicate_of: int | None
    waiting_on_agency: bool
    priority: Literal[PRIORITIES]
    assignee: str | None = Field(description="the assignee's e-mail")
    due_date: dt.date | None
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    overdue: bool
    due_soon: bool
    version: int = Field(description="send it back with a change; 409 when stale")
    routing: Routing
    training_note: TrainingNote | None = Field(None, description="why this work matters")
    url: str = Field(description="the task's page")


class Tasks(Answer):
    items: list[Task]


class TaskPage(Answer):
    items: list[Task]
    next_cursor: str | None = Field(description="null on the last page")


class Recommendation(Answer):
    id: int
    title: str
    description: str
    category: str | None
    priority: Literal[PRIORITIES]
    due_date: dt.date | None
    external_id: str | None
    url_count: int
    urls: list[str] = Field(description="the first 200; the web page pages through all")
    status: Literal["triage", "in_progress", "done", "rejected"]
    filed_by: str | None
    created_at: dt.datetime
    tasks: list[Task]


class Comment(Answer):
    id: int
    task_id: int
    author: str | None
    body: str
    internal: bool
    created_at: dt.datetime


class Comments(Answer):
    items: list[Comment]


class Alert(Answer):
    id: int
    task_id: int
    kind: Literal[ALERT_KINDS]
    level: int
    due_date: dt.date
    created_at: dt.datetime
    closed_at: dt.datetime | None


class AlertPage(Answer):
    items: list[Alert]
    next_cursor: str | None


class ObservationOut(Answer):
    metric: str
    date: dt.date
    value: float
    channel: str | None = Field(description="null: all channels")


class ObservationPage(Answer):
    items: list[ObservationOut]
    next_cursor: str | None


class RecordedCounts(Answer):
    inserted: int
    updated: int
    unchanged: int


class KpiFileImported(RecordedCounts):
    source: Literal[
        "search_console", "ga4", "google_ads", "bing_webmaster", "yandex_metrica", "csv", "mixed"
    ]
    metrics: list[str]
    from_: dt.date = Field(alias="from")
    to: dt.date
    skipped: list[str] = Field(description="what was not imported, and why, a sentence each")


class Window(Answer):
    from_: dt.date = Field(alias="from")
    to: dt.date
    mean: float | None
    n: int = Field(description="days of the window with data")


Percent = Annotated[float, Field(description="percent: 12.0 means +12%")]


# API.md's four verdicts; an impact waiting for data has none (null).
Verdict = Literal["improved", "worsened", "no_change", "inconclusive"]


class ImpactMethod(Answer):
    model: Literal["level", "trend", "last_year", "control"] | None = Field(
        description="what stands for the metric without the work: nothing (level), its "
        "pre-work trend, the same weeks last year, or a control metric"
    )
    control: str | None
    expected_pct: float | None = Field(
        description="the move the model expected without the work, taken out of change_pct"
    )
    calibration: Literal["placebo", "both", "noise_model"] | None
    placebo_dates: int
    degrees_of_freedom: int | None
    history_days: int


class Impact(Answer):
    metric: str
    status: Literal["waiting_for_data", "measured"]
    before: Window
    after: Window
    change_abs: float | None
    change_pct: Percent | None
    ci95_pct: Annotated[list[float], Field(min_length=2, max_length=2)] | None
    p_value: float | None
    verdict: Verdict | None = Field(
        description="improved/worsened: the 95% interval excludes zero (by the metric's good "
        "direction); no_change: the interval lies within plus or minus material_pct (edges "
        "included); inconclusive: otherwise. null while waiting for data."
    )
    # The next three are in every measurement since the four verdicts; an impact stored before
    # them lacks them until the impact job measures it again, so they are not required.
    material_pct: float | None = Field(
        None,
        description="the metric's materiality in percent (10 unless its organisation's "
        "directors chose otherwise)",
    )
    mde_pct: float | None = Field(
        None,
        description="the smallest change this measurement detects with 80% power at the 5% "
        "level, in percent (about 2.8 standard errors); null without an interval",
    )
    method: ImpactMethod | None = Field(None, description="how the change was measured")
    confounders: list[int] = Field(description="other tasks completed in either window")
    warnings: list[str]


class Impacts(Answer):
    items: list[Impact]


Count = Annotated[int, Field(ge=0)]


class EmailDepths(Answer):
    pending: Count
    failed: Count


class JobDepths(Answer):
    queued: Count | None
    scheduled: Count | None
    failed: Count | None


class QueueDepths(Answer):
    email: EmailDepths
    jobs: JobDepths = Field(description="null figures while Redis is away")
    workers: Count | None
    redis: Literal["ok", "down"]
