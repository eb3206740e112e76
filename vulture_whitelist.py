"""Uses that vulture (run by `make test`, configured in pyproject.toml) cannot see.

Only what pyproject's ignore patterns cannot say: each line names its reader. A line here is a
claim that something reads the name; when that stops being true, delete the line and the code.
"""

from vulture.whitelist_utils import Whitelist

from workers import integration_jobs, jobs, kpi_jobs

_ = Whitelist()

# Read only by templates.
_.as_args  # work.board.Filters: templates/board/board.html, partials/more_link.html
_.has_more  # work.board.Lane: templates/board/board.html
_.columns  # work.board.Board: templates/board/board.html
_.column_count  # work.board.Board: templates/board/board.html
_.badge  # work.board.Card: templates/partials/cards.html
_.percent  # training.reading.ReadRate: templates/notes/index.html
_.confirm  # web.forms.NewPasswordForm: templates/auth/reset.html

# Named by dotted path in collab/platform/jobs.py's registry, which vulture cannot follow.
jobs.overdue_scan
jobs.relay_outbox
jobs.daily_digest
jobs.measure_task_impact
jobs.impact_run
jobs.heartbeat
kpi_jobs.import_kpis
kpi_jobs.measure_org
integration_jobs.deliver_outgoing
integration_jobs.monthly_reports

# Read only by templates.
_.org_name  # web.page.Header: templates/base.html
_.links  # web.page.Header: templates/base.html
_.unread  # web.page.Header: templates/base.html
_.due_soon  # work.board.Card: templates/partials/cards.html
_.badge_verdict  # work.board.Card: templates/partials/cards.html (the badge's colour)
_.who  # web.history.HistoryLine: templates/tasks/show.html
_.what  # web.history.HistoryLine: templates/tasks/show.html

_.first_rows  # kpis.uploads.Preview: templates/kpis/preview.html
_.channels  # kpis.uploads.Preview: templates/kpis/preview.html
_.better  # kpis.headlines.Headline: templates/kpis/dashboard.html

# Set on Flask's request, which reads it when the body is parsed (collab/http/uploads.py).
_.max_content_length

# The rule as a predicate: tests/unit/test_overdue.py holds the scan's SQL cutoffs
# (due_cutoffs) to it for every due date around the boundaries.
_.alerts_due
# bench/ and the tests rebuild the board's counters from the tasks to check them.
_.recount
# Flask reads the status a view's response carries.
_.status_code

# The app's test client class, set by tests/conftest.py and bench/harness.py.
_.IsolatedClient

# Read only by templates/webhooks/log.html: the delivery log shows what came back.
_.last_status  # models.integrations.WebhookDelivery
_.last_duration_ms  # models.integrations.WebhookDelivery
_.last_response  # models.integrations.WebhookDelivery
# http.client's connection sends through the socket our connect() opens to the checked address.
_.sock  # integrations.transport._PinnedHTTP, _PinnedHTTPS

# Fields of collab.api.responses' models: only the OpenAPI document (pydantic's JSON Schema of
# each class) and the schemathesis test read them; the serializers build the JSON itself.
_.how_measured  # TrainingNote
_.body_html  # TrainingNote
_.training_note  # Task
_.inserted  # RecordedCounts
_.updated  # RecordedCounts
_.from_  # Window (as "from")
_.ci95_pct  # Impact
_.change_abs  # Impact
_.mde_pct  # Impact
_.expected_pct  # ImpactMethod
_.calibration  # ImpactMethod
_.degrees_of_freedom  # ImpactMethod
_.scheduled  # JobDepths
_.median_days_to_done  # api.reports.TeamFigures
_.it  # api.reports.ByTeam
_.marketing  # api.reports.ByTeam
_.by_team  # api.reports.MonthlyReport
_.resolved  # api.audits.AuditImportAnswer

# training.task_notes: tests/conftest.py empties the per-process facts cache before each test,
# because the emptied tables hand out the same ids again.
_.forget_facts

# Flask builds each request from the app's request_class (collab/http/uploads.py sets it).
_.request_class
# Read only by templates.
_.undone_by  # models.site_audits.AuditImport: templates/audits/show.html
_.done_recently  # work.overview.Standing: templates/home/index.html

# RQ's worker calls these hooks of workers/worker.py's classes.
_.cleanup  # HandOver: RQ's clean_registries
_.dequeue_any  # HandOverQueue: RQ's dequeue_job_and_maintain_ttl
_.queue_class  # Worker: RQ's Worker reads it
# Called by Babel when `make translations` reads the audit routing tables (babel.cfg).
_.extract_table_words  # audits.routes
# Flask makes every route with the app's url_rule_class (collab/http/converters.py).
_.url_rule_class
