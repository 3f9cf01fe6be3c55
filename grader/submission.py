"""Turn what the learner hands in (a ``.py`` or an ``.ipynb``) into module source, on the judge's side.

Nothing here executes learner code: a notebook is parsed as JSON, never run.
From a notebook only the answer cells come from the learner; every other
code cell comes from the exercise's own generated notebook, so a learner
who edits a setup cell or nbgrader metadata changes nothing. Answer cells
are matched by cell id, then (the stated fallback) by nbgrader ``grade_id``.
IPython magics and shell escapes in answer cells are commented out; the
template's check cell (``%prep check``, metadata ``prep.role = "check"``) is
left out of the module.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from grader.bank import Exercise

MAX_SUBMISSION_BYTES = 20 * 1024 * 1024


class NotGradable(Exception):
    """The submission cannot be graded as handed in; the message says what to fix."""


@dataclass(frozen=True)
class Submission:
    path: Path
    source: str  # Python module source that the worker will run
    filename: str  # the name tracebacks show
    sha256: str  # of the file as handed in


def load(exercise: Exercise, path: Path) -> Submission:
    path = Path(path)
    if not path.is_file():
        raise NotGradable(f"{path} does not exist: fetch the exercise with `prep fetch {exercise.id}` or pass --file")
    size = path.stat().st_size
    if size > MAX_SUBMISSION_BYTES:
        raise NotGradable(f"{path.name} is {size >> 20} MB, over the {MAX_SUBMISSION_BYTES >> 20} MB limit: "
                          "clear the notebook's outputs and try again")
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if path.suffix == ".ipynb":
        source = notebook_source(exercise, raw, path.name)
    elif path.suffix == ".py":
        try:
            source = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise NotGradable(f"{path.name} is not UTF-8 text: save it as UTF-8") from None
    else:
        raise NotGradable(f"{path.name}: prep grades .py and .ipynb files")
    try:
        compile(source, path.name, "exec")  # compiling is parsing, not running
    except SyntaxError as e:
        raise NotGradable(f"{path.name} has a syntax error at line {e.lineno}: {e.msg}") from None
    except ValueError as e:  # null bytes
        raise NotGradable(f"{path.name} cannot be read as Python: {e}") from None
    return Submission(path=path, source=source, filename=path.name, sha256=digest)


def notebook_source(exercise: Exercise, raw: bytes, name: str) -> str:
    """Module source: the template's code cells, with the learner's answer cells in place."""
    learner = _parse_notebook(raw, name)
    template = _parse_notebook(exercise.notebook_path.read_bytes(), exercise.notebook_path.name)
    by_id = {}
    by_grade_id = {}
    for cell in learner.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        cid = cell.get("id")
        if isinstance(cid, str):
            by_id.setdefault(cid, cell)
        meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell.get("metadata"), dict) else {}
        if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str):
            by_grade_id.setdefault(meta["grade_id"], cell)
    parts = []
    for cell in template["cells"]:
        if cell.get("cell_type") != "code" or _is_check_cell(cell):
            continue
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            cid = cell["id"]
            mine = by_id.get(cid) or by_grade_id.get(cid)
            if mine is None:
                raise NotGradable(
                    f"{name}: answer cell '{cid}' is missing (matched by cell id, then by nbgrader grade_id): "
                    f"restore it from a fresh copy (`prep fetch {exercise.id} --dir NEW_DIR`) and paste your answer in")
            parts.append(_strip_magics(_cell_text(mine)))
        else:
            parts.append(_cell_text(cell))
    return "\n\n".join(parts) + "\n"


def _is_check_cell(cell: dict) -> bool:
    """The template's ``%prep check`` cell runs in Jupyter, never in the graded module."""
    meta = cell.get("metadata", {}).get("prep", {})
    return isinstance(meta, dict) and meta.get("role") == "check"


def _parse_notebook(raw: bytes, name: str) -> dict:
    try:
        nb = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise NotGradable(f"{name} is not a valid notebook (not JSON): re-save it from Jupyter") from None
    if not isinstance(nb, dict):
        raise NotGradable(f"{name} is not a notebook: it is JSON but not an object")
    if "nbformat" in nb and nb.get("nbformat") != 4:
        raise NotGradable(f"{name} is nbformat {nb.get('nbformat')}; prep reads nbformat 4: "
                          "re-save it with a current Jupyter")
    if not isinstance(nb.get("cells"), list):
        raise NotGradable(f"{name} is not a notebook: it has no list of cells")
    return nb


def _cell_text(cell: dict) -> str:
    src = cell.get("source", "")
    if isinstance(src, list):
        src = "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def _strip_magics(text: str) -> str:
    out = []
    for line in text.splitlines():
        s = line.lstrip()
        if s.startswith(("%", "!")):
            indent = line[: len(line) - len(s)]
            out.append(f"{indent}pass  # prep: IPython-only line not run: {s[:80]}")
        else:
            out.append(line)
    return "\n".join(out)
