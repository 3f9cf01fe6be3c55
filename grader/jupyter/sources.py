"""Which text of each answer cell a live-kernel check grades (kernel side; nothing here runs code).

The kernel cannot see a cell that was edited but neither run nor saved, so the rule is
"what the learner last ran, else what they last saved", per answer cell:

1. **run in this kernel**: the most recent execution that is that cell. An execution is
   that cell when the front end named it (JupyterLab, Notebook 7 and VS Code send the
   cell's id with every execute request; the extension records it from the moment
   ``%load_ext prep`` runs), or, for executions whose cell id is unknown (run before the
   extension was loaded, or from a front end that sends none), when its source defines
   every top-level name the exercise's answer cell defines (``class Mul``, ``ANSWERS``).
   The sources come from the kernel's input history (IPython's ``In``).
2. **saved**: the answer cell of the notebook file on disk (the kernel's own notebook),
   matched by cell id, then nbgrader ``grade_id``, as ``prep check`` would.
3. **original**: neither: the exercise's own cell (the stub), so the other cells still count.

Each choice keeps where it came from, shown under the score.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any, Iterable

KERNEL, SAVED, ORIGINAL = "kernel", "saved", "original"
_DEF_LINE = re.compile(r"^(?:async\s+def|def|class)\s+([A-Za-z_]\w*)|^([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)")


@dataclass(frozen=True)
class Execution:
    number: int  # the kernel's execution count: In[number]
    source: str  # the raw source as run
    cell_id: str | None = None  # the front end's cell id, when known


@dataclass(frozen=True)
class AnswerSource:
    cell_id: str  # the exercise's answer cell id (<id>-answer-N)
    source: str
    origin: str  # KERNEL, SAVED or ORIGINAL
    detail: str  # e.g. "In [5]", "saved notebook"
    note: str = ""  # a warning worth reading (the saved file differs from what ran, ...)


def cell_text(cell: dict) -> str:
    src = cell.get("source", "")
    if isinstance(src, list):
        src = "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def _nbgrader(cell: dict) -> dict:
    meta = cell.get("metadata")
    nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbg if isinstance(nbg, dict) else {}


def answer_cells(template: dict) -> list[tuple[str, str]]:
    """(cell id, source) of the exercise notebook's answer cells, in order."""
    return [(c["id"], cell_text(c)) for c in template.get("cells", [])
            if c.get("cell_type") == "code" and _nbgrader(c).get("solution")]


def defined_names(source: str) -> frozenset[str]:
    """Top-level names a cell defines: classes, functions, assigned names (by parsing, not running).

    Falls back to a line scan when the source does not parse (IPython magics, a typo).
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        names = set()
        for line in source.splitlines():
            m = _DEF_LINE.match(line)
            if m:
                names.add(m.group(1) or m.group(2))
        return frozenset(names)
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


def saved_answers(saved: dict | None, ids: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """From a saved notebook: answer id -> source, and learner cell id -> answer id (by id, then grade_id)."""
    if not saved:
        return {}, {}
    wanted = set(ids)
    by_id: dict[str, dict] = {}
    by_grade_id: dict[str, dict] = {}
    for cell in saved.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        if isinstance(cell.get("id"), str):
            by_id.setdefault(cell["id"], cell)
        gid = _nbgrader(cell).get("grade_id")
        if isinstance(gid, str):
            by_grade_id.setdefault(gid, cell)
    sources, aliases = {}, {}
    for aid in wanted:
        cell = by_id.get(aid) or by_grade_id.get(aid)
        if cell is not None:
            sources[aid] = cell_text(cell)
            if isinstance(cell.get("id"), str):
                aliases[cell["id"]] = aid
    return sources, aliases


def choose(template: dict, executions: list[Execution], saved: dict | None = None,
           saved_label: str = "the saved notebook") -> list[AnswerSource]:
    """One AnswerSource per answer cell of ``template``, by the rule in the module docstring."""
    cells = answer_cells(template)
    saved_src, aliases = saved_answers(saved, [cid for cid, _ in cells])
    answer_ids = {cid for cid, _ in cells}
    names = {cid: defined_names(src) for cid, src in cells}
    latest = sorted(executions, key=lambda e: e.number, reverse=True)
    chosen = []
    for cid, original in cells:
        run = None
        for e in latest:
            if e.cell_id is not None:
                if aliases.get(e.cell_id, e.cell_id if e.cell_id in answer_ids else None) == cid:
                    run = e
                    break
            elif names[cid] and names[cid] <= defined_names(e.source):
                run = e
                break
        if run is not None:
            note = ""
            if cid in saved_src and saved_src[cid].strip() != run.source.strip():
                note = f"differs from {saved_label}: graded what you ran"
            chosen.append(AnswerSource(cid, run.source, KERNEL, f"In [{run.number}]", note))
        elif cid in saved_src:
            chosen.append(AnswerSource(cid, saved_src[cid], SAVED, saved_label,
                                       "not run in this kernel: graded as saved"))
        else:
            chosen.append(AnswerSource(cid, original, ORIGINAL, "the exercise's original cell",
                                       "not run in this kernel and not in a saved notebook: run your answer cell"))
    return chosen


def added_cells(template: dict, executions: list[Execution], chosen: list[AnswerSource],
                limit: int = 20) -> list[tuple[str, str]]:
    """The cells the learner ran that are none of the exercise's own cells, as ("In [n]", source): the latest run of
    each cell, the most recent ``limit`` of those that define a top-level name, oldest first. They are not graded (only
    the answer cells are); the judge uses them only to say where a name the graders miss was defined."""
    template_ids = {c.get("id") for c in template.get("cells", []) if isinstance(c, dict)}
    template_texts = {cell_text(c).strip() for c in template.get("cells", [])
                      if isinstance(c, dict) and c.get("cell_type") == "code"}
    graded = {a.detail for a in chosen if a.origin == KERNEL}
    seen: set[str] = set()
    found: list[tuple[str, str]] = []
    for e in sorted(executions, key=lambda e: e.number, reverse=True):
        label = f"In [{e.number}]"
        if label in graded or e.source.strip() in template_texts:
            continue
        if e.cell_id is not None:
            if e.cell_id in template_ids or e.cell_id in seen:
                continue
            seen.add(e.cell_id)
        if defined_names(e.source):
            found.append((label, e.source[:20_000]))
            if len(found) == limit:
                break
    return found[::-1]


def executions_from_history(inputs: list[Any], cell_ids: dict[int, str]) -> list[Execution]:
    """IPython's ``In`` list (index = execution count) and recorded cell ids -> Executions."""
    out = []
    for number, source in enumerate(inputs):
        if number == 0 or not isinstance(source, str) or not source.strip():
            continue
        out.append(Execution(number, source, cell_ids.get(number)))
    return out
