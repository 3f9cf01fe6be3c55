"""The outcome of grading one submission against one exercise: plain data, JSON-ready.

This module imports nothing heavy, so the CLI can print results without torch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("graded", "not_gradable", "timeout", "memory_limit", "crashed", "infra_error")
OUTCOMES = ("passed", "failed", "error")


@dataclass
class GraderOutcome:
    name: str
    outcome: str  # passed / failed / error (the grader itself broke, an infra_error) / not_run (verdict-only grading)
    points: float
    max_points: float
    message: str
    hidden: bool
    devices: list[str] = field(default_factory=list)  # devices it ran on
    skipped_devices: list[str] = field(default_factory=list)


@dataclass
class Result:
    exercise: str
    status: str
    score: float
    max_score: float
    tests: list[GraderOutcome]
    message: str = ""
    seed: int | None = None
    submission: str = ""
    sha256: str = ""
    devices: list[str] = field(default_factory=list)
    skipped_devices: dict[str, str] = field(default_factory=dict)  # device -> why it was skipped
    duration_s: float = 0.0
    exercise_version: str = ""  # for a course: which version's graders graded it ("v2 of course pytorch-101")

    @property
    def full_marks(self) -> bool:
        return self.status == "graded" and self.max_score > 0 and self.score >= self.max_score

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["full_marks"] = self.full_marks
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Result":
        """The inverse of to_json (extra keys, such as a batch record's, are ignored)."""
        names = {f for f in cls.__dataclass_fields__}
        tests = [GraderOutcome(**{k: v for k, v in t.items() if k in GraderOutcome.__dataclass_fields__})
                 for t in data.get("tests", [])]
        fields = {k: v for k, v in data.items() if k in names and k != "tests"}
        fields.setdefault("score", 0.0)
        if fields["score"] is None:
            fields["score"] = 0.0
        return cls(tests=tests, **fields)

    @classmethod
    def failed_before_grading(cls, exercise: str, status: str, message: str, max_score: float,
                              point_table: dict[str, float], hidden: set[str], **extra: Any) -> "Result":
        """Every grader scores zero with the same reason (the submission never got to run)."""
        tests = [GraderOutcome(name, "failed", 0.0, pts, message, name in hidden) for name, pts in point_table.items()]
        return cls(exercise, status, 0.0, max_score, tests, message=message, **extra)
