"""``prep interview``: a mock interview drawn from the bank, one clock per question, graded by the judge.

The draw fits the time given: a concept quiz and one or two coding or fix-the-bug tasks, their
``time_budget_min`` adding up to at most the minutes asked for, preferring exercises not yet
passed; a seed makes it reproducible. Every question is fetched afresh into one folder,
``interview-<date>/<id>/``. Each question then runs on its own clock (its time budget): the
learner answers in the fetched files and says "done", or the time runs out. Only then is each
answer graded, by the same judge as ``prep check`` (workers forked from one warm pool), and
recorded with the time the learner used, so the results feed ``prep review``. The report is
printed and written as ``report.html`` (score per question, time used against budget, the
topics to review), a self-contained page with SVG drawn here. No torch is imported here; the
grading imports it.
"""

from __future__ import annotations

import html
import random
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

LANGS = ("en", "zh", "both")  # grader/i18n.py


class NothingFits(ValueError):
    """No set of exercises fits the time (the message says how many minutes would do)."""


@dataclass
class Question:
    number: int  # 1-based
    exercise: Any  # bank.Exercise
    folder: Path
    budget_s: float
    total: int = 1  # questions in the interview
    time_used_s: float = 0.0
    ran_out: bool = False
    graded_file: Path | None = None
    result: Any = None  # grader.judge.result.Result, once graded

    @property
    def score(self) -> float:
        return self.result.score if self.result is not None else 0.0

    @property
    def max_score(self) -> float:
        return self.exercise.max_score

    @property
    def fraction(self) -> float:
        return self.score / self.max_score if self.max_score else 0.0


@dataclass
class Interview:
    folder: Path
    minutes: int
    seed: int
    lang: str
    topic: str | None
    questions: list[Question]
    started: float = field(default_factory=time.time)
    finished: float = 0.0
    report_html: Path | None = None

    @property
    def score(self) -> float:
        return sum(q.score for q in self.questions)

    @property
    def max_score(self) -> float:
        return sum(q.max_score for q in self.questions)

    @property
    def time_used_s(self) -> float:
        return sum(q.time_used_s for q in self.questions)

    @property
    def topics_to_review(self) -> list[str]:
        """The topics of the questions without full marks, the most frequent first."""
        counts: dict[str, int] = {}
        for q in self.questions:
            if q.result is None or not q.result.full_marks:
                for t in q.exercise.topics:
                    counts[t] = counts.get(t, 0) + 1
        return sorted(counts, key=lambda t: (-counts[t], t))

    def to_json(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "minutes": self.minutes, "seed": self.seed, "lang": self.lang,
                "topic": self.topic, "score": self.score, "max_score": self.max_score,
                "topics_to_review": self.topics_to_review,
                "questions": [{"exercise": q.exercise.id, "kind": q.exercise.kind, "score": q.score,
                               "max_score": q.max_score, "budget_s": q.budget_s, "time_used_s": q.time_used_s,
                               "ran_out": q.ran_out, "status": q.result.status if q.result else "not graded",
                               "file": str(q.graded_file or "")} for q in self.questions]}


# ---------------------------------------------------------------- the draw


def draw(exercises: list[Any], passed: set[str], minutes: int, seed: int) -> list[Any]:
    """A concept quiz, then one or two tasks (code or fix-bug), fitting ``minutes``; not-yet-passed ones first."""
    rng = random.Random(seed)
    quizzes = sorted((e for e in exercises if e.kind == "quiz"), key=lambda e: e.id)
    tasks = sorted((e for e in exercises if e.kind != "quiz"), key=lambda e: e.id)

    def pick(pool: list[Any], room: float) -> Any:
        fits = [e for e in pool if e.time_budget_min <= room]
        fresh = [e for e in fits if e.id not in passed]
        return rng.choice(fresh or fits) if fits else None

    shortest_task = min((t.time_budget_min for t in tasks), default=0)
    quiz = pick(quizzes, minutes - shortest_task if tasks else minutes)
    room = minutes - (quiz.time_budget_min if quiz else 0)
    chosen = [quiz] if quiz else []
    for _ in range(2):
        task = pick([t for t in tasks if t not in chosen], room)
        if task is None:
            break
        chosen.append(task)
        room -= task.time_budget_min
    if tasks and all(e.kind == "quiz" for e in chosen):
        raise NothingFits(f"nothing fits in {minutes} min: the shortest task takes {shortest_task} min; "
                          f"pass --minutes {shortest_task} or more")
    if not chosen:
        shortest = min((q.time_budget_min for q in quizzes), default=0)
        raise NothingFits(f"nothing fits in {minutes} min: the shortest quiz takes {shortest} min; "
                          f"pass --minutes {shortest} or more")
    return chosen


def folder_for(base: Path, day: date) -> Path:
    """``interview-<date>``, or ``interview-<date>-2``... when that exists already."""
    folder = base / f"interview-{day.isoformat()}"
    n = 2
    while folder.exists():
        folder = base / f"interview-{day.isoformat()}-{n}"
        n += 1
    return folder


# ---------------------------------------------------------------- the clock


def conduct(questions: list[Question], *, ask: Callable[[float], bool],
            on_question: Callable[[Question], None] | None = None,
            on_tick: Callable[[Question, float], None] | None = None,
            on_end: Callable[[Question], None] | None = None,
            clock: Callable[[], float] = time.monotonic) -> None:
    """Each question on its own clock: ``ask(timeout_s)`` is True once the learner says done (it waits at
    most ``timeout_s``); when the budget runs out first, the question ends there."""
    for q in questions:
        if on_question:
            on_question(q)
        start = clock()
        while True:
            left = q.budget_s - (clock() - start)
            if left <= 0:
                q.ran_out = True
                break
            if on_tick:
                on_tick(q, left)
            if ask(min(1.0, left)):
                break
        q.time_used_s = min(clock() - start, q.budget_s)
        if on_end:
            on_end(q)


# ---------------------------------------------------------------- the report page


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>prep: mock interview {when}</title>
<style>
body{{font-family:system-ui,sans-serif;margin:2em auto;max-width:62em;color:#1f2328}}
h1{{font-size:1.4em}} h2{{font-size:1.1em;margin-top:1.6em}}
table{{border-collapse:collapse}} th,td{{border:1px solid #d0d7de;padding:3px 9px;text-align:left}}
th{{background:#f6f8fa}} td.num{{text-align:right}} .muted{{color:#57606a}}
</style></head><body>
<h1>prep: mock interview, {when}</h1>
<p>{summary}</p>
<h2>Score per question</h2>
{score_svg}
<h2>Time used against the budget</h2>
{time_svg}
<h2>Questions</h2>
{table}
<h2>Topics to review</h2>
{topics}
<p class="muted">Written by <code>prep interview</code> (seed {seed}: <code>prep interview --minutes {minutes}{topic_arg}
--seed {seed}</code> draws the same set). The results count in <code>prep review</code>.</p>
</body></html>
"""

LABEL_W, BAR_W, RIGHT_W, ROW_H = 230, 360, 170, 26


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 60 else f"{seconds:.0f} s"


def score_svg(questions: list[Question]) -> str:
    """One bar per question: the share of its points earned."""
    height = ROW_H * len(questions) + 30
    width = LABEL_W + BAR_W + RIGHT_W
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} '
           f'{height}" role="img" aria-label="score per question" font-family="system-ui,sans-serif" font-size="12">']
    for tick in (0, 50, 100):
        x = LABEL_W + BAR_W * tick / 100
        out.append(f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 22}" stroke="#eaeef2"/>'
                   f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="#57606a">{tick}%</text>')
    for i, q in enumerate(questions):
        y = 6 + i * ROW_H
        color = "#2da44e" if q.fraction >= 1 else ("#d4a72c" if q.score > 0 else "#cf222e")
        out.append(f'<text x="{LABEL_W - 8}" y="{y + 14}" text-anchor="end">{q.number}. {_e(q.exercise.id)}</text>'
                   f'<rect x="{LABEL_W}" y="{y}" width="{BAR_W}" height="{ROW_H - 8}" fill="#f6f8fa" stroke="#d0d7de"/>'
                   f'<rect class="score" data-exercise="{_e(q.exercise.id)}" x="{LABEL_W}" y="{y}" '
                   f'width="{BAR_W * q.fraction:.1f}" height="{ROW_H - 8}" fill="{color}"/>'
                   f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 14}">{q.score:g}/{q.max_score:g} points</text>')
    out.append("</svg>")
    return "".join(out)


def time_svg(questions: list[Question]) -> str:
    """Two bars per question: its time budget, and the time used (red when the time ran out)."""
    longest = max((q.budget_s for q in questions), default=1.0) or 1.0
    height = 2 * ROW_H * len(questions) + 10
    width = LABEL_W + BAR_W + RIGHT_W
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} '
           f'{height}" role="img" aria-label="time used against budget" font-family="system-ui,sans-serif" '
           'font-size="12">']
    for i, q in enumerate(questions):
        y = 6 + 2 * i * ROW_H
        used_color = "#cf222e" if q.ran_out else "#0969da"
        out.append(f'<text x="{LABEL_W - 8}" y="{y + 14}" text-anchor="end">{q.number}. {_e(q.exercise.id)}</text>'
                   f'<rect class="budget" x="{LABEL_W}" y="{y}" width="{BAR_W * q.budget_s / longest:.1f}" '
                   f'height="{ROW_H - 10}" fill="#d0d7de"/>'
                   f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 12}" fill="#57606a">budget {_minutes(q.budget_s)}</text>'
                   f'<rect class="used" data-exercise="{_e(q.exercise.id)}" x="{LABEL_W}" y="{y + ROW_H - 8}" '
                   f'width="{BAR_W * q.time_used_s / longest:.1f}" height="{ROW_H - 10}" fill="{used_color}"/>'
                   f'<text x="{LABEL_W + BAR_W + 8}" y="{y + ROW_H + 4}">used {_minutes(q.time_used_s)}'
                   f'{" (ran out)" if q.ran_out else ""}</text>')
    out.append("</svg>")
    return "".join(out)


def render_html(interview: Interview) -> str:
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(interview.started))
    rows = "".join(
        f"<tr><td>{q.number}</td><td><code>{_e(q.exercise.id)}</code></td><td>{_e(q.exercise.kind)}</td>"
        f"<td class='num'>{q.score:g}/{q.max_score:g}</td><td class='num'>{_minutes(q.time_used_s)} of "
        f"{_minutes(q.budget_s)}</td><td>{_e(', '.join(q.exercise.topics))}</td></tr>" for q in interview.questions)
    table = ("<table><thead><tr><th>#</th><th>exercise</th><th>kind</th><th>score</th><th>time</th><th>topics</th>"
             f"</tr></thead><tbody>{rows}</tbody></table>")
    review = interview.topics_to_review
    topics = (f"<ul>{''.join(f'<li>{_e(t)}</li>' for t in review)}</ul>" if review
              else "<p>None: every answer got full marks.</p>")
    summary = (f"{interview.score:g} of {interview.max_score:g} points in {_minutes(interview.time_used_s)} "
               f"(budget {interview.minutes} min).")
    return PAGE.format(when=_e(when), summary=_e(summary), score_svg=score_svg(interview.questions),
                       time_svg=time_svg(interview.questions), table=table, topics=topics, seed=interview.seed,
                       minutes=interview.minutes,
                       topic_arg=_e(f" --topic {interview.topic}" if interview.topic else ""))
