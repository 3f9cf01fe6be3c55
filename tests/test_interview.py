"""`prep interview`: the draw, one clock per question (moved by a fake clock here), grading by the judge,
the report in the terminal and as HTML, and the results feeding `prep review`. (A real terminal drives it in
tests/test_terminal.py.)"""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime, timedelta

import pytest
from click.testing import CliRunner

import cli
from grader import api, bank, interview
from grader.progress import Progress

ROOT = bank.bank_root()
TOPIC, MINUTES = "gradient-clipping", 35  # a concept quiz and one task: quiz-gradient-stability, grad-clipping


def run(*args, input=None):
    return CliRunner().invoke(cli.cli, [str(a) for a in args], input=input, catch_exceptions=False)


def test_the_draw_fits_the_time_a_quiz_then_tasks_and_a_seed_repeats_it():
    exercises = bank.load_all()
    for seed in range(20):
        for minutes in (25, 45, 60):
            drawn = interview.draw(exercises, set(), minutes, seed)
            assert sum(e.time_budget_min for e in drawn) <= minutes
            assert drawn[0].kind == "quiz" and 1 <= len(drawn[1:]) <= 2
            assert all(e.kind in ("code", "fix-bug") for e in drawn[1:])
            assert interview.draw(exercises, set(), minutes, seed) == drawn


def test_the_draw_prefers_exercises_not_yet_passed():
    exercises = bank.load_all()
    everything_but_two = {e.id for e in exercises} - {"quiz-cnn-pooling", "grow-network"}
    for seed in range(10):
        drawn = interview.draw(exercises, everything_but_two, 25, seed)
        assert [e.id for e in drawn] == ["quiz-cnn-pooling", "grow-network"]


def test_too_few_minutes_is_an_error_that_says_how_many_would_do():
    result = run("interview", "--minutes", "5")
    shortest = min(e.time_budget_min for e in bank.load_all() if e.kind != "quiz")
    assert result.exit_code == 2
    assert result.output == (f"Error: nothing fits in 5 min: the shortest task takes {shortest} min; "
                             f"pass --minutes {shortest} or more\n")


def test_a_question_ends_when_its_time_runs_out():
    ex = bank.load("grad-clipping")
    q = interview.Question(1, ex, ROOT, budget_s=120.0)
    now = [0.0]

    def clock():
        return now[0]

    def never_done(timeout_s):
        now[0] += timeout_s * 50  # a slow learner: each second of waiting is fifty on this clock
        return False

    ticks = []
    interview.conduct([q], ask=never_done, on_tick=lambda q, left: ticks.append(left), clock=clock)
    assert (q.ran_out, q.time_used_s) == (True, 120.0)
    assert ticks == [120.0, 70.0, 20.0]


def test_interview_grades_each_answer_records_it_and_writes_the_report(tmp_path):
    """Right answers, given in the fetched files before saying done; the clock says 3 minutes each."""
    now = [0.0]
    current = {}

    def answer(timeout_s):
        q = current["q"]
        shutil.copy(ROOT / "solutions" / f"{q.exercise.id}.py", q.folder / f"{q.exercise.id}.py")
        now[0] += 180
        return True

    done = api.interview(minutes=MINUTES, topic=TOPIC, seed=1, directory=tmp_path, ask=answer,
                         on_question=lambda q: current.update(q=q), clock=lambda: now[0], today=date(2025, 5, 6))
    assert done.folder == tmp_path / "interview-2025-05-06"
    assert [q.exercise.id for q in done.questions] == ["quiz-gradient-stability", "grad-clipping"]
    assert [q.result.full_marks for q in done.questions] == [True, True]
    assert [q.time_used_s for q in done.questions] == [180.0, 180.0]
    assert done.topics_to_review == []
    page = done.report_html.read_text()
    assert page.startswith("<!doctype html>") and "<script" not in page
    assert re.findall(r'class="score" data-exercise="([^"]+)" x="\d+" y="\d+" width="([\d.]+)"', page) == \
        [("quiz-gradient-stability", "360.0"), ("grad-clipping", "360.0")]
    assert len(re.findall(r'class="used"', page)) == 2 and "None: every answer got full marks." in page
    attempts = Progress().attempts()
    assert [(a.exercise, a.context, a.time_used_s) for a in attempts] == [
        ("quiz-gradient-stability", "interview", 180.0), ("grad-clipping", "interview", 180.0)]
    assert [i["seed"] for i in Progress().interviews()] == [1]
    # 3 of 15 and 20 minutes: easy, so the next review is further away than after an ordinary pass
    later = api.review(now=datetime.now().astimezone() + timedelta(days=30)).due
    assert {c.exercise: c.last.rating for c in later} == {"quiz-gradient-stability": "easy", "grad-clipping": "easy"}


def test_cli_interview_prints_each_question_then_the_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("interview", "--minutes", MINUTES, "--topic", "Gradient-Clip", "--seed", "1", "--lang", "zh",
                 input="done\nnot yet\ndone\n")
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    folder = tmp_path / f"interview-{date.today().isoformat()}"
    quiz, task = bank.load("quiz-gradient-stability"), bank.load("grad-clipping")
    assert out[1] == "Question 1 of 2: quiz-gradient-stability (quiz, easy), 15 min on the clock"
    assert "> " + quiz.question_zh.splitlines()[0] in out  # --lang zh: the original question first
    assert (f"Answer in {folder / 'quiz-gradient-stability' / 'quiz-gradient-stability.py'} (or the .ipynb beside "
            "it); type done and Enter when you have finished.") in out
    assert "(type done and Enter when you have finished this question)" in out
    assert "Question 2 of 2: grad-clipping (code, easy), 20 min on the clock" in out
    assert out[-5].startswith(f"Interview report: 0/{quiz.max_score + task.max_score:g} points in ")
    assert out[-5].endswith(" (seed 1)")
    assert out[-4].split()[:3] == ["1.", "quiz-gradient-stability", f"0/{quiz.max_score:g}"]
    assert out[-3].split()[:3] == ["2.", "grad-clipping", f"0/{task.max_score:g}"]
    assert out[-2].startswith("topics to review: ")
    assert out[-1] == f"wrote {folder / 'report.html'}; `prep review` schedules these exercises again"
    assert "<svg" in (folder / "report.html").read_text()


@pytest.mark.parametrize("lang", ["fr"])
def test_unknown_language_is_a_usage_error(lang):
    assert run("interview", "--lang", lang).exit_code == 2
