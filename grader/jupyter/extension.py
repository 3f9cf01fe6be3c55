"""The IPython extension behind ``%load_ext prep``: check a notebook from its live kernel.

    %load_ext prep
    %prep check autograd-mul          # grade the answer cells as last run here (or saved)
    %prep hint autograd-mul           # the next unlocked hint
    %prep solution autograd-mul       # the reference, after a pass

or, in Python, ``import prep; prep.check("autograd-mul")``.

Nothing is judged in the kernel: the kernel has run the learner's code, so it only collects
the answer cells' source text (``grader.jupyter.sources`` says which text) and hands it to
a judge process (``grader.jupyter.judge``), which grades it exactly as ``prep check``
grades a notebook: the warm judge the extension started when it loaded (``grader.jupyter.warm``),
or a fresh one. The kernel is never restarted. The result comes back as a table with the hint
ladder.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader import api
from grader.jupyter import render, sources

_state: dict[str, Any] = {"shell": None, "cell_ids": {}}


# ---------------------------------------------------------------- what to grade


def _record_execution(result: Any) -> None:
    """post_run_cell: remember which notebook cell each history entry came from (when the front end says)."""
    shell = _state["shell"]
    info = getattr(result, "info", None)
    cell_id = getattr(info, "cell_id", None)
    if shell is None or not cell_id or not getattr(info, "store_history", False):
        return
    hist = shell.history_manager.input_hist_raw
    if hist and hist[-1] == info.raw_cell:
        _state["cell_ids"][len(hist) - 1] = cell_id


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: only the saved notebook counts
        return None
    return get_ipython()


def _executions(shell: Any) -> list[sources.Execution]:
    if shell is None or getattr(shell, "history_manager", None) is None:
        return []
    return sources.executions_from_history(list(shell.history_manager.input_hist_raw), dict(_state["cell_ids"]))


def _session_notebook(shell: Any) -> Path | None:
    """The notebook this kernel was started for (jupyter_server tells the kernel), if any."""
    name = None
    if shell is not None:
        name = shell.user_ns.get("__session__")
    name = name or os.environ.get("JPY_SESSION_NAME")
    if isinstance(name, str) and name.endswith(".ipynb"):
        path = Path(name)
        return path if path.is_absolute() else Path.cwd() / path
    return None


def _read_notebook(path: Path | None) -> dict | None:
    if path is None or not path.is_file():
        return None
    try:
        nb = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    return nb if isinstance(nb, dict) and isinstance(nb.get("cells"), list) else None


def _exercise_of(nb: dict | None) -> str | None:
    meta = (nb or {}).get("metadata", {})
    ex = meta.get("prep", {}).get("exercise") if isinstance(meta, dict) and isinstance(meta.get("prep"), dict) else None
    return ex if isinstance(ex, str) else None


def _resolve(exercise: str | None, notebook: str | Path | None, shell: Any) -> tuple[Any, Path | None]:
    """The exercise and the saved notebook to fall back on."""
    session = _session_notebook(shell)
    explicit = Path(notebook).expanduser() if notebook is not None else None
    if explicit is not None and not explicit.is_file():
        raise api.PrepError(f"{explicit} does not exist: pass the notebook you are working in")
    if exercise is None:
        for candidate in filter(None, [explicit, session]):
            exercise = _exercise_of(_read_notebook(candidate))
            if exercise:
                break
    if exercise is None:
        found = {e for e in (_exercise_of(_read_notebook(p)) for p in sorted(Path.cwd().glob("*.ipynb"))) if e}
        if len(found) == 1:
            exercise = found.pop()
    if exercise is None:
        raise api.PrepError("which exercise? pass its id: %prep check EXERCISE (`prep list` shows them)")
    ex = api.get_exercise(exercise)
    saved = explicit
    if saved is None and session is not None and session.is_file():
        saved = session
    if saved is None and (Path.cwd() / f"{ex.id}.ipynb").is_file():
        saved = Path.cwd() / f"{ex.id}.ipynb"
    return ex, saved


def collect(exercise: str | None = None, *, notebook: str | Path | None = None,
            shell: Any = None) -> tuple[Any, Path | None, list[sources.AnswerSource]]:
    """The exercise, the saved notebook used as fallback, and the text chosen for each answer cell."""
    shell = shell if shell is not None else _shell()
    ex, saved = _resolve(exercise, notebook, shell)
    template = json.loads(ex.notebook_path.read_text(encoding="utf-8"))
    label = f"saved {saved.name}" if saved is not None else "the saved notebook"
    chosen = sources.choose(template, _executions(shell), _read_notebook(saved), saved_label=label)
    return ex, saved, chosen


# ---------------------------------------------------------------- results


@dataclass
class CheckReport:
    """What ``%prep check`` shows: the Result, what was graded, the hint ladder."""

    result: Any  # grader.judge.result.Result
    answers: list[sources.AnswerSource]
    ladder: Any  # api.HintLadder
    solution_available: bool = True  # False in an exam course: no reference to point to
    note: str = ""  # one line when the warm judge failed and this check ran the cold way

    @property
    def score(self) -> float:
        return self.result.score

    def _repr_html_(self) -> str:
        import html

        table = render.to_html(self.result, self.answers, self.ladder, solution_available=self.solution_available)
        return (f'<p class="prep-note">{html.escape(self.note)}</p>' if self.note else "") + table

    def __repr__(self) -> str:
        text = render.to_text(self.result, self.answers, self.ladder, solution_available=self.solution_available)
        return f"({self.note})\n{text}" if self.note else text


class Points(float):
    """``%prep check --points``: the score as a number (what nbgrader's autograder reads from a
    grade cell's output) that a notebook still shows as the full table."""

    report: CheckReport

    def __new__(cls, report: CheckReport) -> "Points":
        obj = super().__new__(cls, report.result.score)
        obj.report = report
        return obj

    def _repr_html_(self) -> str:
        return self.report._repr_html_()

    def __repr__(self) -> str:
        return repr(float(self))


def check(exercise: str | None = None, *, notebook: str | Path | None = None, seed: int | None = None,
          record: bool = True) -> CheckReport:
    """Grade this notebook's answer cells from the live kernel (see grader/jupyter/sources.py), in the
    session's warm judge once the extension is loaded, else in a fresh judge process."""
    from grader.jupyter import warm

    shell = _shell()
    ex, saved, chosen = collect(exercise, notebook=notebook, shell=shell)
    label = f"{saved} (live kernel)" if saved is not None else "(live kernel)"
    template = json.loads(ex.notebook_path.read_text(encoding="utf-8"))
    added = sources.added_cells(template, _executions(shell), chosen)
    result, note = warm.run(ex.id, {a.cell_id: a.source for a in chosen}, seed=seed, record_as=label, record=record,
                            added=added)
    return CheckReport(result, chosen, api.hint_ladder(ex.id), api.solutions_included(ex.id), note)


@dataclass
class HintView:
    hint: Any  # api.Hint

    def _repr_html_(self) -> str:
        import html

        return (f'<div class="prep-hint"><b>Hint {self.hint.level} of {self.hint.total}:</b> '
                f"{html.escape(self.hint.text)}</div>")

    def __repr__(self) -> str:
        return f"Hint {self.hint.level} of {self.hint.total}: {self.hint.text}"


def hint(exercise: str | None = None, *, level: int | None = None) -> HintView:
    """The next unlocked hint (hint N+1 unlocks after N failed checks)."""
    ex, _ = _resolve(exercise, None, _shell())
    return HintView(api.hint(ex.id, level))


class _Code(str):
    def _repr_markdown_(self) -> str:
        return f"```python\n{self}\n```"

    def __repr__(self) -> str:
        return str(self)


def solution(exercise: str | None = None, *, force: bool = False) -> _Code:
    """The reference solution, once this exercise has had a full-marks check (or with force=True)."""
    ex, _ = _resolve(exercise, None, _shell())
    return _Code(api.solution(ex.id, force=force).rstrip("\n"))


# ---------------------------------------------------------------- the magic


class _Args(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # never sys.exit in a kernel
        raise api.PrepError(f"{message}: `%prep help` shows the usage")


def _parser() -> argparse.ArgumentParser:
    p = _Args(prog="%prep", add_help=False)
    sub = p.add_subparsers(dest="command")
    c = sub.add_parser("check", add_help=False)
    c.add_argument("exercise", nargs="?")
    c.add_argument("--file", dest="notebook")
    c.add_argument("--seed", type=int)
    c.add_argument("--points", action="store_true")
    h = sub.add_parser("hint", add_help=False)
    h.add_argument("exercise", nargs="?")
    h.add_argument("--level", type=int)
    s = sub.add_parser("solution", add_help=False)
    s.add_argument("exercise", nargs="?")
    s.add_argument("--force", action="store_true")
    sub.add_parser("help", add_help=False)
    return p


USAGE = """%prep check [EXERCISE] [--file NOTEBOOK] [--seed N] [--points]
    grade the answer cells as last run in this kernel (a cell never run: as saved)
%prep hint [EXERCISE] [--level N]    the next unlocked hint (one more after each failed check)
%prep solution [EXERCISE] [--force]  the reference solution, after a full-marks check"""


INTERRUPTED = "interrupted: nothing was recorded; run the cell again to check"


def prep_magic(line: str) -> Any:
    """%prep check | hint | solution | help (see USAGE)."""
    from IPython.core.error import UsageError

    # Re-running the check cell runs `%load_ext prep` again: let it re-register quietly instead of
    # printing IPython's "already loaded" notice (loading twice is harmless, see load_ipython_extension).
    shell = _state["shell"]
    if shell is not None:
        getattr(getattr(shell, "extension_manager", None), "loaded", set()).discard("prep")
    try:
        args = _parser().parse_args(shlex.split(line))
        if args.command in (None, "help"):
            print(USAGE)
            return None
        if args.command == "check":
            report = check(args.exercise, notebook=args.notebook, seed=args.seed)
            return Points(report) if args.points else report
        if args.command == "hint":
            return hint(args.exercise, level=args.level)
        return solution(args.exercise, force=args.force)
    except api.PrepError as e:
        raise UsageError(str(e)) from None
    except KeyboardInterrupt:  # the interrupt button: one line, as in the terminal, not a 40-line traceback
        raise UsageError(INTERRUPTED) from None


def load_ipython_extension(ipython: Any) -> None:
    from grader.jupyter import warm

    if _state["shell"] is not None:  # loaded again (the check cell does it): register afresh, keep the judge
        _unregister(_state["shell"])
    _state["shell"] = ipython
    ipython.register_magic_function(prep_magic, "line", "prep")
    ipython.events.register("post_run_cell", _record_execution)
    warm.start_session()  # the warm judge imports torch while the learner works: checks then skip it


def _unregister(ipython: Any) -> None:
    try:
        ipython.events.unregister("post_run_cell", _record_execution)
    except ValueError:
        pass
    _state["shell"] = None


def unload_ipython_extension(ipython: Any) -> None:
    from grader.jupyter import warm

    _unregister(ipython)
    warm.end_session()
