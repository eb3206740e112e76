"""What work announces to the capabilities built on it (follow-up, impacts, integrations),
without knowing them: they subscribe when the app is built, so work never imports them.

Every signal is sent inside the transaction of the change it announces, so what a
subscriber writes (an alert closed, a webhook delivery queued) commits or rolls back with it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent after the task is flushed, with keyword arguments old_status (str), due_date_changed
# (bool) and now (datetime).
task_changed = _signals.signal("task-changed")

# Sent with the new Recommendation once it and its tasks are flushed (not for an
# external_id filed before, which creates nothing).
recommendation_filed = _signals.signal("recommendation-filed")

# Sent by the overdue scan before it marks a batch of new alerts announced, with the keyword
# argument ``batch``: a SQL condition on Alert that selects exactly that batch.
alerts_raised = _signals.signal("alerts-raised")

# Sent by the impact measurement once impacts are written, with the keyword argument
# ``impacts``: (task id, metric) of every impact that became measured in this change.
impacts_measured = _signals.signal("impacts-measured")
