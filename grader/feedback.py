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


def nothing_ran_line(r: Any) -> str:
    return f"none of the {_count(len(r.tests), 'grader')} ran ({r.max_score:g} points): fix that, then check again"


def not_implemented(r: Any) -> tuple[list[str], list[Any]]:
    """Lines that say once that the stub is not filled in yet, and the graders they stand for."""
    waiting = [t for t in r.tests if t.outcome == "failed" and _not_implemented(t.message)]
    if not waiting:
        return [], []
    where = _where(waiting[0].message)
    if where.startswith("line ") and r.submission:  # a .py: name the file (a notebook's names the cell)
        where = f"{Path(r.submission).name}, {where}"
    hidden = sum(t.hidden for t in waiting)
    return ["not implemented yet: fill in the parts marked `raise NotImplementedError`"
            + (f" ({where})" if where else ""),
            f"{len(waiting)} of {_count(len(r.tests), 'grader')} wait for it ({len(waiting) - hidden} public, "
            f"{hidden} hidden; {sum(t.max_points for t in waiting):g} points)"], waiting


def result_lines(r: Any, *, graded: str = "", solution_available: bool = True) -> list[str]:
    head = f"{r.exercise}: {r.score:g}/{r.max_score:g} points"
    if r.status != "graded":
        head += f" ({r.status.replace('_', ' ')})"
    version = f", {r.exercise_version}" if r.exercise_version else ""
    lines = [f"{head}   [{r.submission}, seed {r.seed}, {r.duration_s:.1f} s{version}]"]
    if graded:
        lines.append(f"  {graded}")
    if r.message:
        lines.append(f"  {r.message}")
    if nothing_ran(r):
        lines.append(f"  {nothing_ran_line(r)}")
        return lines
    summary, waiting = not_implemented(r)
    lines.extend(f"  {line}" for line in summary)
    shown = [t for t in r.tests if t not in waiting]
    width = max((len(t.name) for t in shown), default=10)
    for t in shown:
        mark = _MARK.get(t.outcome, "?")
        tag = "  (hidden)" if t.hidden else ""
        lines.append(f"  {mark:<5} {t.name:<{width}}  {t.points:g}/{t.max_points:g}{tag}")
        if t.outcome == "passed":
            explanation = "" if t.message in ("", "ok") else for_learner(t.message)
            lines.extend(f"          {ln}" for ln in explanation.splitlines())
        elif t.message and t.message != r.message:
            lines.extend(f"          {ln}" for ln in t.message.splitlines())
    if r.skipped_devices:
        skipped = "; ".join(f"{d} ({why})" for d, why in r.skipped_devices.items())
        lines.append(f"  ran on: {', '.join(r.devices)}; skipped: {skipped}")
    if r.full_marks:
        reference = f" `prep solution {r.exercise}` shows the reference solution." if solution_available else ""
        lines.append(f"Full marks.{reference} `prep next` picks what comes next.")
    elif r.status == "graded":
        lines.append(f"Not there yet. `prep hint {r.exercise}` gives a hint; rerun with --seed {r.seed} "
                     "to get the same inputs.")
    return lines
