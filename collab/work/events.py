"""What work announces to the capabilities built on it (follow-up, impacts), without
knowing them: they subscribe when the app is built, so work never imports them."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent inside the change's transaction, after the task is flushed, with keyword arguments
# old_status (str), due_date_changed (bool) and now (datetime).
task_changed = _signals.signal("task-changed")
