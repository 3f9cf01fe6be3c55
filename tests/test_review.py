"""`prep review`: sittings rated from the check history, scheduled by FSRS, listed and fetched afresh.

The clock is moved by passing ``now`` to the library, and by recording history in the past."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from click.testing import CliRunner

import cli
from grader import api, bank, course, review
from grader.progress import Attempt, Progress

DAY = 86400.0
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc).timestamp()


def attempt(exercise: str, at: float, score: float, *, status: str = "graded", time_used_s: float | None = None,
            context: str = "check") -> Attempt:
    return Attempt(exercise, at, status, score, 10.0, context, time_used_s)


def run(*args):
    return CliRunner().invoke(cli.cli, [str(a) for a in args], catch_exceptions=False)


def test_a_sitting_is_rated_by_how_it_went():
    history = [
        attempt("first-try", T0, 10),  # Good
        attempt("after-failures", T0, 2), attempt("after-failures", T0 + 600, 10),  # Hard
        attempt("never", T0, 0), attempt("never", T0 + 60, 5),  # Again
        attempt("fast", T0, 10, time_used_s=240, context="interview"),  # Easy: 4 of 10 minutes
        attempt("slow", T0, 10, time_used_s=540, context="interview"),  # Good: 9 of 10 minutes
        attempt("infra", T0, 0, status="infra_error"),  # prep's fault: not a review
    ]
    rated = {s.exercise: (s.rating, s.checks) for s in review.sittings(history, {"fast": 10, "slow": 10})}
    assert rated == {"first-try": ("good", 1), "after-failures": ("hard", 2), "never": ("again", 2),
                     "fast": ("easy", 1), "slow": ("good", 1)}


def test_checks_close_together_are_one_sitting_and_a_day_later_another():
    history = [attempt("ex", T0 + i * 60, 10) for i in range(5)]  # `prep watch` re-checking each save
    history += [attempt("ex", T0 + DAY, 3)]
    assert [(s.rating, s.checks) for s in review.sittings(history, {})] == [("good", 5), ("again", 1)]


def test_fsrs_schedules_each_card_and_due_means_due_before_midnight():
    history = [attempt("good", T0, 10), attempt("again", T0, 0), attempt("again", T0 + DAY, 10)]
    cards = {c.exercise: c for c in review.cards(history, {})}
    assert cards["good"].due == datetime.fromtimestamp(T0, timezone.utc) + timedelta(days=2)  # FSRS-6 defaults
    assert cards["again"].due > datetime.fromtimestamp(T0 + DAY, timezone.utc)
    next_day = datetime.fromtimestamp(T0 + DAY, timezone.utc)
    assert [c.exercise for c in review.due_today(list(cards.values()), next_day)] == []
    due_morning = datetime.fromtimestamp(T0 + 2 * DAY, timezone.utc).replace(hour=7)  # due at 9:00 that day
    assert [c.exercise for c in review.due_today(list(cards.values()), due_morning)] == ["good"]


def test_review_lists_what_is_due_today_with_a_moved_clock():
    p = Progress()
    mul = bank.load("autograd-mul")
    p.record_attempt("autograd-mul", status="graded", score=2, max_score=mul.max_score, duration_s=1, sha256="a",
                     file="f", at=T0)
    p.record_attempt("autograd-mul", status="graded", score=mul.max_score, max_score=mul.max_score, duration_s=1,
                     sha256="b", file="f", at=T0 + 600)
    now = datetime.fromtimestamp(T0, timezone.utc) + timedelta(hours=1)
    assert api.review(now=now).due == []
    later = api.review(now=now + timedelta(days=3))
    assert [(c.exercise, c.last.rating) for c in later.due] == [("autograd-mul", "hard")]


def test_cli_review_says_what_is_due_and_what_comes_next():
    assert run("review").output == ("nothing to review yet: the exercises you check join the schedule "
                                    "(`prep next` picks one)\n")
    p = Progress()
    long_ago = datetime.now(timezone.utc).timestamp() - 10 * DAY
    for exercise, score in (("fix-softplus", 0.0), ("quiz-dynamic-graphs", bank.load("quiz-dynamic-graphs").max_score)):
        p.record_attempt(exercise, status="graded", score=score, max_score=bank.load(exercise).max_score,
                         duration_s=1, sha256="a", file="f", at=long_ago)
    out = run("review").output.splitlines()
    assert out[0] == "due today (2):"
    assert out[1].split() == ["fix-softplus", "overdue", "by", "9", "days;", "last", "sitting", "10", "days", "ago:",
                              "again"]
    assert out[2].split()[0] == "quiz-dynamic-graphs"
    assert out[-1] == "`prep review --fetch` fetches them afresh (your old copies are kept aside)"


def test_review_fetch_fetches_each_due_exercise_afresh_keeping_the_old_copy_aside(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("fetch", "fix-softplus").exit_code == 0
    mine = tmp_path / "fix-softplus" / "fix-softplus.py"
    mine.write_text(mine.read_text() + "\n# my old answer\n")
    Progress().record_attempt("fix-softplus", status="graded", score=0, max_score=1, duration_s=1, sha256="a",
                              file=str(mine), at=datetime.now(timezone.utc).timestamp() - 5 * DAY)
    out = run("review", "--fetch").output.splitlines()
    [aside] = [p for p in tmp_path.iterdir() if p.name.startswith("fix-softplus.old-")]
    assert out[-1] == f"fetched a fresh copy into {tmp_path / 'fix-softplus'} (your old copy is in {aside})"
    assert (aside / "fix-softplus.py").read_text().endswith("# my old answer\n")
    assert mine.read_bytes() == course.learner_file_bytes(bank.load("fix-softplus"))["fix-softplus.py"]
