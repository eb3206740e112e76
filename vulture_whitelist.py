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
_.percent  # training.notes.ReadRate: templates/notes/index.html
_.confirm  # web.forms.NewPasswordForm: templates/auth/reset.html

# Queued by dotted name ("workers.jobs.measure_task_impact"), which vulture cannot follow.
jobs.measure_task_impact
kpi_jobs.import_kpis

# The app's test client class, set by tests/conftest.py and bench/harness.py.
_.IsolatedClient
