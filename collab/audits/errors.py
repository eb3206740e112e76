"""The one way an audit file is refused: AuditFileError, naming the file and what is wrong.

It is a ValidationFailed, so the API answers 422 with ``fields.file`` and the import page shows
the same sentence; nothing is written, since reading happens before any write.
"""

from __future__ import annotations

from collab.platform.errors import ValidationFailed


class AuditFileError(ValidationFailed):
    """``file`` is the name as uploaded (``bundle.zip/mobile.json`` inside a ZIP); ``problem``
    says what is wrong in words an agency can act on."""

    def __init__(self, file: str, problem: str):
        self.file = file
        self.problem = problem
        text = f"{file}: {problem}" if file else problem
        super().__init__(text, {"file": text})

    def __reduce__(self):
        # The default would rebuild from the message alone (pickling happens when a job's
        # exception crosses a process boundary).
        return (type(self), (self.file, self.problem))
