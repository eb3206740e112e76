"""Uses that vulture (run by `make test`, configured in pyproject.toml) cannot see.

Only what pyproject's ignore patterns cannot say: each line names its reader. A line here is a
claim that something reads the name; when that stops being true, delete the line and the code.
"""

from vulture.whitelist_utils import Whitelist

from workers import jobs, kpi_jobs

_ = Whitelist()

# Read only by templates.
_.as_args  # work.board.Filters: templates/board/board.html, partials/more_link.html
_.has_more  # work.board.Lane: templates/board/board.html
_.columns  # work.board.Board: templates/board/board.html
_.column_count  # work.board.Board: templates/board/board.html
_.badge  # work.board.Card: templates/partials/cards.html
_.badge_tone  # work.board.Card: templates/partials/cards.html
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

# Read only by templates.
_.org_name  # web.page.Header: templates/base.html
_.links  # web.page.Header: templates/base.html
_.unread  # web.page.Header: templates/base.html
_.due_soon  # work.board.Card: templates/partials/cards.html

# The rule as a predicate: tests/unit/test_overdue.py holds the scan's SQL cutoffs
# (due_cutoffs) to it for every due date around the boundaries.
_.alerts_due
# bench/ and the tests rebuild the board's counters from the tasks to check them.
_.recount
# Flask reads the status a view's response carries.
_.status_code

# The app's test client class, set by tests/conftest.py and bench/harness.py.
_.IsolatedClient
