"""A check's result as the terminal shows it (``prep check``, ``prep watch``): lines of text, no torch.

What a learner needs from it, in order: the score; which file was graded and why; one message
when the file could not be graded at all (not a table of graders that never ran); the stub's
``NotImplementedError`` once, with the graders waiting on it summarised in one line; then one
row per grader, with what went wrong for a failure and the explanation for a right answer (a
quiz explains each item once you get it right, as the notebook does); then what to do next.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grader import i18n
from grader.wording import for_learner

NOT_IMPLEMENTED = "your code raised NotImplementedError"
_MARK = {"passed": "pass", "failed": "FAIL", "error": "ERROR"}


def _where(message: str) -> str:
    """The "(line 8: ...)" or "(answer cell 1 ...)" that ends a learner-error message, without its parentheses."""
    for opener in (" (answer cell ", " (setup cell ", " (line "):
        i = message.rfind(opener)
        if i >= 0 and message.endswith(")"):
            return message[i + 2:-1]
    return ""


def _not_implemented(message: str) -> bool:
    return message.split("] ", 1)[-1].startswith(NOT_IMPLEMENTED)  # "[cuda] your code raised ..." too


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def nothing_ran(r: Any) -> bool:
    """The submission never got to a grader (a syntax error, an error on loading): every row would be empty."""
    return r.status != "graded" and bool(r.tests) and all(t.outcome != "passed" and t.message == r.message
                                                          for t in r.tests)


def _say(key: str, lang: str, **fields: Any) -> list[str]:
    """A sentence in ``lang``: one line, or for ``both`` the English line, then the Chinese one."""
    return [i18n.say(key, one, **fields) for one in i18n.each(lang)]


def status_words(status: str, lang: str = "en") -> str:
    key = f"status.{status}"
    return i18n.say(key, lang) if key in i18n.PHRASES else status.replace("_", " ")


def points(score: float, max_score: float, lang: str = "en") -> str:
    return i18n.say("points", lang, score=f"{score:g}", max=f"{max_score:g}")


def nothing_ran_line(r: Any, lang: str = "en") -> str:
    """One line per language: "none of the 5 graders ran (9 points): fix that, then check again"."""
    return "\n".join(_say("nothing_ran", lang, graders=_count(len(r.tests), "grader"), n=len(r.tests),
                           points=f"{r.max_score:g}"))


def not_implemented(r: Any, lang: str = "en") -> tuple[list[str], list[Any]]:
    """Lines that say once that the stub is not filled in yet, and the graders they stand for."""
    waiting = [t for t in r.tests if t.outcome == "failed" and _not_implemented(t.message)]
    if not waiting:
        return [], []
    where = _where(waiting[0].message)
    if where.startswith("line ") and r.submission:  # a .py: name the file (a notebook's names the cell)
        where = f"{Path(r.submission).name}, {where}"
    hidden = sum(t.hidden for t in waiting)
    lines = []
    for one in i18n.each(lang):
        lines.append(i18n.say("not_implemented", one) + (f" ({where})" if where else ""))
    lines += _say("waiting", lang, waiting=len(waiting), graders=_count(len(r.tests), "grader"), n=len(r.tests),
                  public=len(waiting) - hidden, hidden=hidden, points=f"{sum(t.max_points for t in waiting):g}")
    return lines, waiting


def mark(outcome: str, lang: str = "en") -> str:
    key = f"mark.{outcome}"
    return i18n.say(key, lang, sep="/") if key in i18n.PHRASES else "?"


def result_lines(r: Any, *, graded: str = "", solution_available: bool = True, lang: str = "en") -> list[str]:
    """The check as lines of text; headings and fixed phrases in ``lang`` (en, zh or both: grader/i18n.py).
    Grader messages stay as the graders wrote them."""
    head = f"{r.exercise}: {points(r.score, r.max_score, lang)}"
    if r.status != "graded":
        head += f" ({status_words(r.status, lang)})"
    version = f", {r.exercise_version}" if r.exercise_version else ""
    run = i18n.say("run", "en" if lang == "both" else lang, submission=r.submission, seed=r.seed,
                   seconds=f"{r.duration_s:.1f}")
    lines = [f"{head}   [{run}{version}]"]
    lines.extend(f"  {line}" for line in graded.splitlines())
    if r.message:
        lines.append(f"  {r.message}")
    if nothing_ran(r):
        lines.extend(f"  {line}" for line in nothing_ran_line(r, lang).splitlines())
        return lines
    summary, waiting = not_implemented(r, lang)
    lines.extend(f"  {line}" for line in summary)
    shown = [t for t in r.tests if t not in waiting]
    width = max((len(t.name) for t in shown), default=10)
    marks = {t.outcome: mark(t.outcome, lang) for t in shown}
    mark_width = max([5] + [i18n.width(m) for m in marks.values()])
    for t in shown:
        tag = f"  ({i18n.say('hidden', lang, sep='/')})" if t.hidden else ""
        lines.append(f"  {i18n.ljust(marks[t.outcome], mark_width)} {t.name:<{width}}  "
                     f"{t.points:g}/{t.max_points:g}{tag}")
        if t.outcome == "passed":
            explanation = "" if t.message in ("", "ok") else for_learner(t.message)
            lines.extend(f"          {ln}" for ln in explanation.splitlines())
        elif t.message and t.message != r.message:
            lines.extend(f"          {ln}" for ln in t.message.splitlines())
    if r.skipped_devices:
        skipped = "; ".join(f"{d} ({why})" for d, why in r.skipped_devices.items())
        lines.extend(f"  {line}" for line in _say("ran_on", lang, devices=", ".join(r.devices), skipped=skipped))
    for one in i18n.each(lang):
        gap = "" if one == "zh" else " "
        if r.full_marks:
            parts = [i18n.say("full_marks", one)]
            if solution_available:
                parts.append(i18n.say("see_reference", one, id=r.exercise))
            lines.append(gap.join(parts + [i18n.say("what_next", one)]))
        elif r.status == "graded":
            lines.append(i18n.say("not_there_yet", one, id=r.exercise, seed=r.seed))
    return lines
