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

from grader import i18n
from grader.bank import Exercise
from grader.learner_conftest import conftest_text
from grader.wording import for_learner, from_questions

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


def bank_lang(ex: Exercise) -> i18n.Lang:
    """The languages of the files in the bank: the question in both, the task in each one the exercise has.

    An exercise without a (fresh) Chinese task keeps the English layout; ``localize`` then writes a
    learner's fetched copy in the learner's languages (grader/i18n.py).
    """
    return i18n.Lang("both", "both" if ex.task_zh else "en")


def _say(key: str, lang: str, **fields: object) -> str:
    return i18n.say(key, lang, **fields)


def facts(ex: Exercise, lang: str) -> tuple[str, str, str]:
    """kind, difficulty and time budget in ``lang``."""
    return (_say(f"kind.{ex.kind}", lang), _say(f"difficulty.{ex.difficulty}", lang),
            _say("minutes", lang, n=ex.time_budget_min))


def question_parts(ex: Exercise, lang: i18n.Lang, quote: str = "> ", *, rstrip: bool = True) -> list[str]:
    """The interview question as paragraphs: the original (Chinese), and its English translation under a label."""
    def quoted(text: str) -> str:
        lines = (quote + ln for ln in text.splitlines())
        return "\n".join(ln.rstrip() if rstrip else ln for ln in lines)

    wanted = i18n.each(lang.question)
    english = "en" in wanted and bool(ex.question_en)
    parts = []
    if "zh" in wanted or not english:
        if "zh" not in wanted:
            parts.append(_say("question.untranslated", lang.text))
        parts.append(quoted(ex.question_zh))
    if english:
        if parts:
            parts.append(_say("question.translation", lang.text))
        parts.append(quoted(ex.question_en))
    return parts


def task_parts(ex: Exercise, lang: str, *, notes: bool = False) -> list[str]:
    """The task as paragraphs, in ``lang`` (a missing Chinese translation: the English, with a note saying so);
    ``notes`` adds what "the sample answer" means where the task speaks of it."""
    parts = []
    wanted = i18n.each(lang)
    english = for_learner(ex.prompt_en)
    for one in wanted:
        if one == "en" or not ex.task_zh:
            if one == "zh" and "en" in wanted:
                continue  # no translation: the English is already there
            if one == "zh":
                parts.append(_say("task.untranslated", "zh"))
            parts.append(english)
            if notes and "sample answer" in english + for_learner(ex.title):
                parts.append(_say("sample_answer", "en"))
        else:
            parts.append(ex.task_zh)
            if notes and "示例答案" in ex.task_zh:
                parts.append(_say("sample_answer", "zh"))
    return parts


def header_markdown(ex: Exercise, lang: i18n.Lang | None = None) -> str:
    """The notebook's (and the stub's) first text: title, facts, the task, how to check."""
    text = (lang or bank_lang(ex)).text
    kind, difficulty, minutes = facts(ex, text)
    return (f"# {for_learner(ex.title)}\n\n"
            f"`{ex.id}` · {kind} · {difficulty} · {minutes}\n\n"
            + "\n\n".join(task_parts(ex, text)) + "\n\n"
            + i18n.say("notebook.check_work", text, sep="\n\n", id=ex.id))


def _commented(markdown: str) -> str:
    return "# %% [markdown]\n" + "\n".join(("# " + ln).rstrip() for ln in markdown.splitlines())


def generate_stub(ex: Exercise, lang: i18n.Lang | None = None) -> str:
    source = ex.solution_path.read_text(encoding="utf-8")
    cells = split_cells(source, ex.id, where=str(ex.solution_path))
    parts = [_commented(header_markdown(ex, lang))]
    for cell in cells:
        if cell.kind == "markdown":
            parts.append(_commented(cell.learner))
        else:
            parts.append("# %%\n" + cell.learner)
    return "\n\n".join(parts) + "\n"


def check_markdown(ex: Exercise, lang: i18n.Lang | None = None) -> str:
    text = (lang or bank_lang(ex)).text
    return (f"## {_say('notebook.check', text)}\n\n"
            + i18n.say("notebook.check.text", text, sep="\n\n", id=ex.id))


def check_cell_source(ex: Exercise) -> str:
    """The notebook's last cell: the in-kernel check (grader/jupyter/extension.py)."""
    return f"%load_ext prep\n%prep check {ex.id}"


def load_cell_source(ex: Exercise) -> str:
    """The notebook's first cell: load the extension, so that `%prep check` works in any cell from the start
    (and the extension records which cell each execution is, see grader/jupyter/sources.py)."""
    return "%load_ext prep"


def generate_notebook(ex: Exercise, *, with_solutions: bool = False, lang: i18n.Lang | None = None) -> str:
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
    }), new_markdown_cell(header_markdown(ex, lang), id=f"{ex.id}-prompt")]
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
    nb_cells.append(new_markdown_cell(check_markdown(ex, lang), id=f"{ex.id}-check-text"))
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
    return _notebook_text(nb)


def _notebook_text(nb: dict) -> str:
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def generate_readme(ex: Exercise, lang: i18n.Lang | None = None) -> str:
    """The learner's README.md: facts, the interview question, the task, how to work on it."""
    lang = lang or bank_lang(ex)
    text = lang.text

    def fact(key: str) -> str:  # each language's label with that language's value
        lines = []
        for one in i18n.each(text):
            kind, difficulty, minutes = facts(ex, one)
            lines.append(_say(key, one, id=ex.id, kind=kind, difficulty=difficulty, minutes=minutes,
                              topics=", ".join(ex.topics)))
        return " / ".join(lines)

    listed = [fact("readme.id"), fact("readme.kind"), fact("readme.difficulty"), fact("readme.time"),
              fact("readme.topics"), from_questions(ex.seeds, text)]
    return (f"# {for_learner(ex.title)}\n\n"
            + "".join(f"- {fact}\n" for fact in listed) + "\n"
            f"## {_say('readme.question', text)}\n\n" + "\n\n".join(question_parts(ex, lang)) + "\n\n"
            f"## {_say('readme.task', text)}\n\n" + "\n\n".join(task_parts(ex, text, notes=True)) + "\n\n"
            f"## {_say('readme.working', text)}\n\n"
            + i18n.say("readme.working.text", text, sep="\n\n", id=ex.id, hints=len(ex.hints)) + "\n")


def localize(ex: Exercise, files: dict[str, bytes], lang: i18n.Lang) -> dict[str, bytes]:
    """The learner's files (name -> bytes, as in the bank: ``bank_lang``) rewritten in the learner's languages.

    Only the generated texts change (the README; the stub's and the notebook's header; the notebook's
    check text), and only where they are exactly what this prep generates for the bank, so the result is
    a function of the files and ``lang``: the same fetch writes the same bytes.
    """
    bank = bank_lang(ex)
    if lang == bank:
        return files
    out = dict(files)
    readme = out.get("README.md")
    if readme is not None and readme == generate_readme(ex, bank).encode("utf-8"):
        out["README.md"] = generate_readme(ex, lang).encode("utf-8")
    stub = out.get(f"{ex.id}.py")
    head = _commented(header_markdown(ex, bank)).encode("utf-8") + b"\n\n"
    if stub is not None and stub.startswith(head):
        out[f"{ex.id}.py"] = _commented(header_markdown(ex, lang)).encode("utf-8") + b"\n\n" + stub[len(head):]
    notebook = out.get(f"{ex.id}.ipynb")
    if notebook is not None:
        try:
            nb = json.loads(notebook.decode("utf-8"))
            cells = {c.get("id"): c for c in nb["cells"]}
        except (ValueError, KeyError, TypeError, AttributeError):
            return out
        changed = False
        for cell_id, make in ((f"{ex.id}-prompt", header_markdown), (f"{ex.id}-check-text", check_markdown)):
            cell = cells.get(cell_id)
            source = cell.get("source") if isinstance(cell, dict) else None
            if isinstance(source, list):
                source = "".join(source)
            if source == make(ex, bank):
                cell["source"] = make(ex, lang)
                changed = True
        if changed:
            out[f"{ex.id}.ipynb"] = _notebook_text(nb).encode("utf-8")
    return out


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
