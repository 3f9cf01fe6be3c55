"""The learning path: three tracks, an order within each, and what to do next. No torch here.

Exercises carry no track field, so the path is derived from their metadata. An exercise's
track is the track of its *main topic*: the first of its ``topics`` that belongs to a track
(authors list the main topic first). A few topics run through every track (``concepts``,
``dynamic-control-flow``, ``numerical-stability``): they place nothing, and an exercise with
no placed topic at all goes to the last track. Within a track the path goes from easy to
hard; at each level the concept quizzes come first (they are short and set up the code),
then the shorter tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

TRACKS: dict[int, tuple[str, frozenset[str]]] = {
    1: ("autograd and gradients", frozenset({
        "autograd-function", "backward-grad", "higher-order-grad", "gradient-check", "hooks", "leaf-tensors",
        "manual-backprop", "gradient-clipping", "gradient-accumulation", "broadcasting", "activation-custom",
        "inplace", "loss-custom"})),
    2: ("models and training", frozenset({
        "optimizer", "optimizer-state", "training-loop", "lr-schedule", "module-mlp", "module-cnn", "module-rnn",
        "module-lstm", "attention", "masking", "seq2seq", "nlp", "cv", "init", "normalization", "pruning",
        "data-loading"})),
    3: ("graphs, memory, speed and deployment", frozenset({
        "torch-compile", "jit-trace-script", "graph-passes", "deployment", "inference", "memory", "mixed-precision",
        "parallel", "collectives", "quantization", "debugging"})),
}
LAST_TRACK = max(TRACKS)
DIFFICULTY_RANK = {"easy": 0, "medium": 1, "hard": 2}
KIND_RANK = {"quiz": 0, "code": 1, "fix-bug": 1}
STATUSES = ("new", "tried", "passed")


def track_of(ex: Any) -> int:
    for topic in ex.topics:
        for number, (_, topics) in TRACKS.items():
            if topic in topics:
                return number
    return LAST_TRACK


def track_name(number: int) -> str:
    return TRACKS[number][0] if number in TRACKS else f"track {number}"


def path_key(ex: Any) -> tuple:
    return (track_of(ex), DIFFICULTY_RANK.get(ex.difficulty, len(DIFFICULTY_RANK)), KIND_RANK.get(ex.kind, 2),
            ex.time_budget_min, ex.id)


def path_order(exercises: Iterable[Any]) -> list[Any]:
    """The exercises in the order the path suggests: track, difficulty, quizzes first, shorter first."""
    return sorted(exercises, key=path_key)


# ---------------------------------------------------------------- topics


def all_topics(exercises: Iterable[Any]) -> list[str]:
    return sorted({t for ex in exercises for t in ex.topics})


def matching_topics(query: str, topics: Iterable[str]) -> list[str]:
    """The topics ``query`` names: case-insensitively, by prefix (``Optimizer`` names optimizer and
    optimizer-state, ``autograd`` names autograd-function)."""
    wanted = query.strip().casefold()
    return sorted(t for t in topics if wanted and t.casefold().startswith(wanted))


# ---------------------------------------------------------------- where the learner stands


def status(progress: Any) -> str:
    """new (never checked), tried (checked, never full marks) or passed."""
    if progress.passed:
        return "passed"
    return "tried" if progress.attempts else "new"


def status_label(progress: Any) -> str:
    """The status with the best score: ``new``, ``tried 4/16``, ``passed 16/16``."""
    state = status(progress)
    return state if state == "new" else f"{state} {progress.best_score:g}/{progress.max_score:g}"


@dataclass(frozen=True)
class Step:
    """An exercise on the path and why it comes now."""

    exercise: Any  # bank.Exercise
    progress: Any  # progress.ExerciseProgress
    reason: str

    @property
    def track(self) -> int:
        return track_of(self.exercise)


def next_steps(rows: Iterable[tuple[Any, Any]], *, limit: int | None = None) -> list[Step]:
    """Unfinished exercises first (tried, not passed), then new ones, each group in path order."""
    ordered = sorted(rows, key=lambda row: path_key(row[0]))
    tried = [Step(ex, p, f"you tried it: best {p.best_score:g}/{p.max_score:g}")
             for ex, p in ordered if status(p) == "tried"]
    new = [Step(ex, p, f"next on track {track_of(ex)} ({track_name(track_of(ex))})")
           for ex, p in ordered if status(p) == "new"]
    steps = tried + new
    return steps if limit is None else steps[:limit]
