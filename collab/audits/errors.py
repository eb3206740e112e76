"""The one way an audit file is refused: AuditFileError, naming the file and what is wrong.

It is a ValidationFailed, so the API answers 422 with ``fields.file`` and the import page shows
the same sentence; nothing is written, since reading happens before any write.
"""

from __future__ import annotations

from collab.platform.errors import Refusal, ValidationFailed, said


class AuditFileError(ValidationFailed):
    """``file`` is the name as uploaded (``bundle.zip/mobile.json`` inside a ZIP); ``problem``
    says what is wrong in words an agency can act on: a phrase (Refusal) where it is raised,
    so ``message`` and ``fields`` are worded when read, in the reader's language; str() is
    English for logs."""

    def __init__(self, file: str, problem: str | Refusal):
        self.file = file
        self.phrase = problem
        self.problem = str(problem)  # English, as logs and relays read it
        super().__init__(self._text(self.problem))

    def _text(self, problem: str) -> str:
        return f"{self.file}: {problem}" if self.file else problem

    # Raised in pure code, read by a page or the API: the words are made when read.
    @property
    def message(self) -> str:
        return self._text(str(said(self.phrase)))

    @message.setter
    def message(self, _given: str) -> None:
        pass

    @property
    def fields(self) -> dict[str, str]:
        return {"file": self.message}

    @fields.setter
    def fields(self, _given: dict) -> None:
        pass

    def __reduce__(self):
        # The default would rebuild from the message alone (pickling happens when a job's
        # exception crosses a process boundary).
        return (type(self), (self.file, self.phrase))
