"""The exception a grader's check raises: the one thing every judge module agrees on.

It lives alone so that the comparison helpers (``checks``) and the learner proxy (``remote``)
can both raise it without importing each other.
"""

from __future__ import annotations


class CheckFailure(AssertionError):
    """A grader's check failed; ``prop`` says what, ``detail`` shows the evidence."""

    def __init__(self, prop: str, detail: str = "") -> None:
        super().__init__(prop + (f"\n{detail}" if detail else ""))
        self.prop = prop
        self.detail = detail
