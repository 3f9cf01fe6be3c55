"""``prep review``: come back to each exercise when the FSRS scheduler says you are about to forget it.

Each exercise is a card of the ``fsrs`` package (the Free Spaced Repetition Scheduler), and its
reviews come from the check history in the progress database, so nothing is stored twice and
the schedule is always the one the history implies. No torch here.

A *sitting* is a run of recorded checks of one exercise with no gap longer than SITTING_GAP_S
(`prep watch` re-checking on every save is one sitting, not twenty reviews). Each sitting is one
review, rated by how it went:

* **Again**: no full marks in the sitting;
* **Hard**: full marks after failed checks;
* **Good**: full marks on the sitting's first check;
* **Easy**: full marks on the first check, in at most half the exercise's time budget on a clock
  (a mock interview's answers carry the time the learner used).

The review happens when the sitting first reached full marks (else at its last check). prep's
own infrastructure errors are not the learner's and are left out. Cards have no same-day
learning steps (an exercise takes minutes, not seconds), and no fuzz, so the schedule is
reproducible: a card comes back after one or more days.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

SITTING_GAP_S = 4 * 3600
RATINGS = ("again", "hard", "good", "easy")


@dataclass(frozen=True)
class Sitting:
    exercise: str
    at: float  # when the review happened (seconds since the epoch)
    rating: str  # one of RATINGS
    checks: int


@dataclass(frozen=True)
class Card:
    """One exercise on the schedule."""

    exercise: str
    due: datetime
    sittings: list[Sitting]
    stability_days: float

    @property
    def last(self) -> Sitting:
        return self.sittings[-1]


def sittings(attempts: Iterable[Any], budget_min: dict[str, int]) -> list[Sitting]:
    """The history (``progress.Attempt``s, oldest first) as rated sittings, oldest first."""
    runs: dict[str, list[list[Any]]] = {}
    for a in attempts:
        if a.status == "infra_error":
            continue
        exercise_runs = runs.setdefault(a.exercise, [])
        if exercise_runs and a.at - exercise_runs[-1][-1].at <= SITTING_GAP_S:
            exercise_runs[-1].append(a)
        else:
            exercise_runs.append([a])
    out = []
    for exercise, exercise_runs in runs.items():
        for run in exercise_runs:
            first_pass = next((i for i, a in enumerate(run) if a.passed), None)
            if first_pass is None:
                out.append(Sitting(exercise, run[-1].at, "again", len(run)))
                continue
            if first_pass > 0:
                rating = "hard"
            else:
                used = run[0].time_used_s
                budget_s = budget_min.get(exercise, 0) * 60
                rating = "easy" if used is not None and budget_s and used <= budget_s / 2 else "good"
            out.append(Sitting(exercise, run[first_pass].at, rating, len(run)))
    return sorted(out, key=lambda s: (s.at, s.exercise))


def _scheduler() -> Any:
    from fsrs import Scheduler

    return Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def cards(attempts: Iterable[Any], budget_min: dict[str, int]) -> list[Card]:
    """One card per exercise that has been checked, its reviews replayed through FSRS."""
    from fsrs import Card as FsrsCard
    from fsrs import Rating

    scheduler = _scheduler()
    rating = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
    by_exercise: dict[str, list[Sitting]] = {}
    for s in sittings(attempts, budget_min):
        by_exercise.setdefault(s.exercise, []).append(s)
    out = []
    for exercise, reviews in by_exercise.items():
        card = FsrsCard(card_id=zlib.crc32(exercise.encode()))
        for s in reviews:
            card, _ = scheduler.review_card(card, rating[s.rating],
                                            review_datetime=datetime.fromtimestamp(s.at, timezone.utc))
        out.append(Card(exercise, card.due, reviews, float(card.stability or 0.0)))
    return sorted(out, key=lambda c: (c.due, c.exercise))


def end_of_day(now: datetime) -> datetime:
    """Midnight after ``now``, in ``now``'s time zone: "due today" means due before then."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def due_today(all_cards: list[Card], now: datetime) -> list[Card]:
    limit = end_of_day(now)
    return [c for c in all_cards if c.due < limit]
