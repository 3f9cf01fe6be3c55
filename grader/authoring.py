"""Generate the learner's files from the reference solution: the single source of truth.

A solution file (``solutions/<id>.py``) is plain, runnable Python split into
cells by ``# %%`` lines (jupytext's percent format). Inside it:

* ``### BEGIN SOLUTION`` / ``### END SOLUTION`` (nbgrader's markers) enclose
  what the learner must write. In the learner's copy the region becomes
  ``raise NotImplementedError(...)`` at the same indentation, exactly as
  nbgrader's ClearSolutions does with that stub text.
* ``### BEGIN STUB`` / ``### END STUB`` right after a solution region hold,
  commented out, what the learner gets instead (a seed's buggy code in a
  fix-bug exercise). They are uncommented in the learner's copy.
* Text before the first ``# %%`` is for maintainers and is dropped.

The pipeline is small steps: split cells -> render each cell -> write the
stub, the notebook (nbformat 4.5, cell ids, nbgrader cell metadata) and the
README. ``check_fresh`` says which generated files are stale.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from grader.bank import Exercise
from grader.learner_conftest import conftest_text
from grader.wording import SAMPLE_ANSWER_NOTE, for_learner, from_questions

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_STUB = "### BEGIN STUB"
END_STUB = "### END STUB"
CELL_MARK = re.compile(r"^# %%(?P<rest>.*)$")
NBGRADER_SCHEMA = 3


class MarkerError(ValueError):
    """Unbalanced or misplaced solution/stub markers."""


def stub_text(exercise_id: str) -> str:
    return f'raise NotImplementedError("{exercise_id}: your code here")'


@dataclass
class Cell:
    kind: str  # "code" or "markdown"
    source: str  # the solution's text of the cell
    learner: str  # the learner's text of the cell
    is_answer: bool  # contains a solution region: the learner edits it


def render(source: str, exercise_id: str, *, where: str = "solution") -> str:
    """Replace solution regions with their stubs (see the module docstring)."""
    out: list[str] = []
    lines = source.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped == BEGIN_SOLUTION:
            indent = line[: len(line) - len(line.lstrip())]
            j = _find(lines, i + 1, END_SOLUTION, where, BEGIN_SOLUTION)
            i = j + 1
            if i < len(lines) and lines[i].strip() == BEGIN_STUB:
                k = _find(lines, i + 1, END_STUB, where, BEGIN_STUB)
                out.extend(_uncomment(lines[m], where, m + 1) for m in range(i + 1, k))
                i = k + 1
            else:
                out.append(indent + stub_text(exercise_id))
            continue
        if stripped in (END_SOLUTION, END_STUB):
            raise MarkerError(f"{where}:{i + 1}: '{stripped}' without its BEGIN")
        if stripped == BEGIN_STUB:
            k = _find(lines, i + 1, END_STUB, where, BEGIN_STUB)
            out.extend(_uncomment(lines[m], where, m + 1) for m in range(i + 1, k))
            i = k + 1
            continue
        out.append(line)
        i += 1
    return "\n".join(out) + ("\n" if source.endswith("\n") else "")


def _find(lines: list[str], start: int, marker: str, where: str, opened: str) -> int:
    for j in range(start, len(lines)):
        s = lines[j].strip()
        if s == marker:
            return j
        if s in (BEGIN_SOLUTION, BEGIN_STUB):
            raise MarkerError(f"{where}:{j + 1}: '{s}' inside an open '{opened}'")
    raise MarkerError(f"{where}:{start}: '{opened}' is never closed by '{marker}'")


def _uncomment(line: str, where: str, lineno: int) -> str:
    if not line.strip():
        return line
    indent = line[: len(line) - len(line.lstrip())]
    body = line.lstrip()
    if not body.startswith("#"):
        raise MarkerError(f"{where}:{lineno}: lines in a STUB region must be commented out (start with '# ')")
    body = body[1:]
    return indent + (body[1:] if body.startswith(" ") else body)


def solution_regions(source: str) -> list[str]:
    """The text of each solution region (to prove learner files never contain it)."""
    regions, current = [], None
    for line in source.splitlines():
        s = line.strip()
        if s == BEGIN_SOLUTION:
            current = []
        elif s == END_SOLUTION and current is not None:
            regions.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return regions


def split_cells(source: str, exercise_id: str, where: str = "solution") -> list[Cell]:
    """Split at ``# %%`` lines; ``# %% [markdown]`` cells are comment lines turned into Markdown."""
    cells: list[Cell] = []
    kind: str | None = None
    body: list[str] = []

    def flush() -> None:
        if kind is None:
            return
        text = "\n".join(body).strip("\n")
        if kind == "markdown":
            md = "\n".join(ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in text.splitlines())
            cells.append(Cell("markdown", md, md, False))
        elif text.strip():
            is_answer = BEGIN_SOLUTION in text or BEGIN_STUB in text
            cells.append(Cell("code", text, render(text, exercise_id, where=where), is_answer))

    for line in source.splitlines():
        m = CELL_MARK.match(line)
        if m:
            flush()
            kind = "markdown" if "[markdown]" in m.group("rest") else "code"
            body = []
        elif kind is not None:
            body.append(line)
    flush()
    if not cells:
        raise MarkerError(f"{where}: no '# %%' cells found")
    return cells


def answer_cell_id(exercise_id: str, n: int) -> str:
    return f"{exercise_id}-answer-{n}"


# ---------------------------------------------------------------- generated files


def header_markdown(ex: Exercise) -> str:
    return (f"# {for_learner(ex.title)}\n\n"
            f"`{ex.id}` · {ex.kind} · {ex.difficulty} · about {ex.time_budget_min} min\n\n"
            f"{for_learner(ex.prompt_en)}\n\n"
            f"Check your work: `prep check {ex.id}`. Stuck? `prep hint {ex.id}`.")


def generate_stub(ex: Exercise) -> str:
    source = ex.solution_path.read_text(encoding="utf-8")
    cells = split_cells(source, ex.id, where=str(ex.solution_path))
    parts = ["# %% [markdown]\n" + "\n".join(("# " + ln).rstrip() for ln in header_markdown(ex).splitlines())]
    for cell in cells:
        if cell.kind == "markdown":
            parts.append("# %% [markdown]\n" + "\n".join(("# " + ln).rstrip() for ln in cell.learner.splitlines()))
        else:
            parts.append("# %%\n" + cell.learner)
    return "\n\n".join(parts) + "\n"


def check_markdown(ex: Exercise) -> str:
    return ("## Check\n\n"
            f"Run the cell below (or `%prep check {ex.id}` in any cell: the first cell loaded prep). It grades your "
            "answer cells as you last ran them in this kernel (so run a cell "
            "after editing it; saving is not needed), in a separate process, with the same graders as "
            f"`prep check`. From a terminal, `prep check {ex.id} --file {ex.id}.ipynb` grades the saved notebook. "
            "Only the answer cells are graded; the other cells are taken from the original exercise.")


def check_cell_source(ex: Exercise) -> str:
    """The notebook's last cell: the in-kernel check (grader/jupyter/extension.py)."""
    return f"%load_ext prep\n%prep check {ex.id}"


def load_cell_source(ex: Exercise) -> str:
    """The notebook's first cell: load the extension, so that `%prep check` works in any cell from the start
    (and the extension records which cell each execution is, see grader/jupyter/sources.py)."""
    return "%load_ext prep"


def generate_notebook(ex: Exercise, *, with_solutions: bool = False) -> str:
    """The learner's notebook as nbformat 4.5 JSON text, deterministic so staleness can be checked.

    ``with_solutions`` fills the answer cells with the reference (for selftest, never shipped).
    """
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    source = ex.solution_path.read_text(encoding="utf-8")
    cells = split_cells(source, ex.id, where=str(ex.solution_path))
    nb_cells = [new_code_cell(load_cell_source(ex), id=f"{ex.id}-load", metadata={
        "nbgrader": {"grade": False, "grade_id": f"{ex.id}-load", "locked": True,
                     "schema_version": NBGRADER_SCHEMA, "solution": False, "task": False},
        "prep": {"role": "load"},  # grader/submission.py leaves it out of the graded module
    }), new_markdown_cell(header_markdown(ex), id=f"{ex.id}-prompt")]
    n_answer = n_code = n_md = 0
    for cell in cells:
        if cell.kind == "markdown":
            n_md += 1
            nb_cells.append(new_markdown_cell(cell.learner, id=f"{ex.id}-text-{n_md}"))
            continue
        if cell.is_answer:
            n_answer += 1
            cid = answer_cell_id(ex.id, n_answer)
            meta = {"grade": False, "grade_id": cid, "locked": False, "schema_version": NBGRADER_SCHEMA,
                    "solution": True, "task": False}
        else:
            n_code += 1
            cid = f"{ex.id}-setup-{n_code}"
            meta = {"grade": False, "grade_id": cid, "locked": True, "schema_version": NBGRADER_SCHEMA,
                    "solution": False, "task": False}
        text = cell.source if with_solutions else cell.learner
        nb_cells.append(new_code_cell(text, id=cid, metadata={"nbgrader": meta}))
    nb_cells.append(new_markdown_cell(check_markdown(ex), id=f"{ex.id}-check-text"))
    nb_cells.append(new_code_cell(check_cell_source(ex), id=f"{ex.id}-check", metadata={
        "nbgrader": {"grade": False, "grade_id": f"{ex.id}-check", "locked": True,
                     "schema_version": NBGRADER_SCHEMA, "solution": False, "task": False},
        "prep": {"role": "check"},  # grader/submission.py leaves it out of the graded module
    }))
    nb = new_notebook(cells=nb_cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "prep": {"exercise": ex.id},
    })
    nb.nbformat, nb.nbformat_minor = 4, 5
    nbformat.validate(nb)
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def generate_readme(ex: Exercise) -> str:
    quoted = "\n".join(("> " + ln).rstrip() for ln in ex.question_zh.splitlines())
    hints = len(ex.hints)
    task = for_learner(ex.prompt_en)
    sample = f"\n\n{SAMPLE_ANSWER_NOTE}" if "sample answer" in task + for_learner(ex.title) else ""
    return (f"# {for_learner(ex.title)}\n\n"
            f"- id: `{ex.id}`\n- kind: {ex.kind}\n- difficulty: {ex.difficulty}\n"
            f"- time budget: about {ex.time_budget_min} min\n- topics: {', '.join(ex.topics)}\n"
            f"- {from_questions(ex.seeds)}\n\n"
            f"## The interview question\n\n{quoted}\n\n"
            f"## Your task\n\n{task}{sample}\n\n"
            f"## Working on it\n\n"
            f"Edit `{ex.id}.py` (or `{ex.id}.ipynb` in Jupyter), then run `prep check {ex.id}`.\n"
            f"In Jupyter, `%prep check {ex.id}` (the notebook's last cell, or any cell: the first one loads prep) "
            f"grades the answer cells you ran, without saving; `prep watch {ex.id}` re-checks on every save.\n"
            f"`test_public.py` holds the public graders; hidden graders run too, on random inputs chosen per run. "
            f"`pytest` in this folder runs the public graders through prep's judge (see conftest.py).\n"
            f"{hints} hint(s), one more unlocked after each failed check: `prep hint {ex.id}`. After a pass, `prep solution {ex.id}` shows the reference.\n")


def generated_files(ex: Exercise) -> dict[Path, str]:
    """Every file generated from the solution, with the text it should have."""
    return {
        ex.stub_path: generate_stub(ex),
        ex.notebook_path: generate_notebook(ex),
        ex.readme_path: generate_readme(ex),
        ex.learner_dir / "conftest.py": conftest_text(ex.id),
    }


def build(ex: Exercise) -> list[Path]:
    """Write the generated files; return those that changed."""
    changed = []
    for path, text in generated_files(ex).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def stale_files(ex: Exercise) -> list[Path]:
    """Generated files that differ from what the solution would generate now."""
    return [p for p, text in generated_files(ex).items()
            if not p.exists() or p.read_text(encoding="utf-8") != text]
