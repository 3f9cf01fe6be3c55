"""Turn what the learner hands in (a ``.py`` or an ``.ipynb``) into module source, on the judge's side.

Nothing here executes learner code: a notebook is parsed as JSON, never run.
From a notebook only the answer cells come from the learner; every other
code cell comes from the exercise's own generated notebook, so a learner
who edits a setup cell or nbgrader metadata changes nothing. Answer cells
are matched by cell id, then (the stated fallback) by nbgrader ``grade_id``.
IPython magics and shell escapes in answer cells are commented out; the
template's Jupyter-only cells (``%load_ext prep`` first, ``%prep check`` last:
metadata ``prep.role`` "load" or "check") are left out of the module.
A notebook's module keeps where each cell's lines are (``Submission.cells``),
so that an error's line number can name the cell it is in.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

from grader.bank import Exercise

MAX_SUBMISSION_BYTES = 20 * 1024 * 1024
# The judge parses learner text only up to this size, where it costs milliseconds: 1 MB of brackets nested 190 deep
# costs CPython seconds to parse, and a 20 MB file of them over a minute of the judge's CPU, with no deadline (the
# judge's own work has none). A larger module is compiled by the worker alone, under the load step's deadline and CPU
# limit, and its syntax error comes back as the learner's error; added cells beyond it are not searched for names.
JUDGE_PARSE_MAX = 256 * 1024


class NotGradable(Exception):
    """The submission cannot be graded as handed in; the message says what to fix."""


@dataclass(frozen=True)
class CellSpan:
    """Lines ``first``..``last`` (1-based) of a notebook's module come from this cell."""

    first: int
    last: int
    label: str  # "answer cell 1 (autograd-mul-answer-1, which starts `class Mul(...)`)"


@dataclass(frozen=True)
class Submission:
    path: Path
    source: str  # Python module source that the worker will run
    filename: str  # the name tracebacks show
    sha256: str  # of the file as handed in
    cells: tuple[CellSpan, ...] = ()  # for a notebook: which cell each line came from
    # for a notebook: the top-level names each code cell the learner added defines (those cells are not graded)
    added: tuple[tuple[str, frozenset[str]], ...] = ()

    def name_cells(self, message: str) -> str:
        """``message`` with "line N" of the module (a learner error's "(line N: ...)") as "<cell>, line K"; a
        NameError for a name that only a cell the learner added defines says so."""
        if not self.cells:
            return message
        message = _LINE_REF.sub(lambda m: m.group(1) + locate(self.cells, int(m.group(2))), message)
        missing = _NAME_ERROR.search(message)
        where = next((label for label, names in self.added if missing and missing.group(1) in names), None)
        if where is None:
            return message
        return (f"{message}. `{missing.group(1)}` is defined in {where}, and only the answer cells are graded (the "
                "other cells come from the original exercise): move it into an answer cell")


_LINE_REF = re.compile(r"(\(|\bat )line (\d+)(?=:)")
_NAME_ERROR = re.compile(r"NameError: name '([A-Za-z_][A-Za-z0-9_]*)' is not defined")


def locate(cells: tuple[CellSpan, ...], lineno: int) -> str:
    """"answer cell 1 (...), line 3" for line ``lineno`` of a notebook's module."""
    for span in cells:
        if span.first <= lineno <= span.last:
            return f"{span.label}, line {lineno - span.first + 1}"
    return f"line {lineno}"


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
    cells: tuple[CellSpan, ...] = ()
    added: tuple[tuple[str, frozenset[str]], ...] = ()
    if path.suffix == ".ipynb":
        source, cells, added = notebook_module(exercise, raw, path.name)
    elif path.suffix == ".py":
        source = python_text(raw, path.name)
    else:
        raise NotGradable(f"{path.name}: prep grades .py and .ipynb files")
    try:
        if len(source) <= JUDGE_PARSE_MAX:
            compile(source, path.name, "exec")  # compiling is parsing, not running
    except SyntaxError as e:
        where = f"in {locate(cells, e.lineno or 0)}" if cells else f"at line {e.lineno}"
        raise NotGradable(f"{path.name} has a syntax error {where}: {e.msg}") from None
    except ValueError as e:  # null bytes
        raise NotGradable(f"{path.name} cannot be read as Python: {e}") from None
    except (RecursionError, MemoryError):  # the parser's own stack: an expression nested thousands deep
        raise NotGradable(f"{path.name} cannot be compiled: an expression is nested too deeply") from None
    return Submission(path=path, source=source, filename=path.name, sha256=digest, cells=cells, added=added)


def python_text(raw: bytes, name: str) -> str:
    """A .py file's text, decoded as ``python file.py`` would: UTF-8 (with or without a byte-order mark) unless a
    PEP 263 cookie (``# -*- coding: latin-1 -*-``) in its first two lines names another encoding."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        return raw.decode(encoding)
    # an unknown cookie, or bytes the encoding cannot read. ValueError, not only UnicodeDecodeError: the cookie names
    # any codec of Python's, and some fail with a bare UnicodeError ("# coding: undefined" always, "punycode" on most
    # text), which escaped grade(): a traceback from prep check, infra_error and no score from prep grade
    except (SyntaxError, LookupError, ValueError):
        raise NotGradable(f"{name} is not UTF-8 text (nor in the encoding its coding line names): save it as UTF-8") \
            from None


def notebook_source(exercise: Exercise, raw: bytes, name: str) -> str:
    """Module source: the template's code cells, with the learner's answer cells in place."""
    return notebook_module(exercise, raw, name)[0]


def _first_line(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= 60 else line[:57] + "..."


def notebook_module(exercise: Exercise, raw: bytes, name: str) \
        -> tuple[str, tuple[CellSpan, ...], tuple[tuple[str, frozenset[str]], ...]]:
    """Module source (see notebook_source), the cell each of its lines came from, and what the cells the learner
    added define (see added_definitions)."""
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
    parts: list[str] = []
    spans: list[CellSpan] = []
    line = 1
    n_answer = 0
    for cell in template["cells"]:
        if cell.get("cell_type") != "code" or _runs_only_in_jupyter(cell):
            continue
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            cid = cell["id"]
            n_answer += 1
            mine = by_id.get(cid) or by_grade_id.get(cid)
            if mine is None:
                raise NotGradable(
                    f"{name}: answer cell '{cid}' is missing (matched by cell id, then by nbgrader grade_id): "
                    f"restore it from a fresh copy (`prep fetch {exercise.id} --dir NEW_DIR`) and paste your answer in")
            text = _strip_magics(_cell_text(mine))
            label = f"answer cell {n_answer} ({cid}, which starts `{_first_line(_cell_text(mine))}`)"
        else:
            text = _cell_text(cell)
            label = f"setup cell {cell.get('id', '')}"
        parts.append(text)
        newlines = text.count("\n")
        spans.append(CellSpan(line, line + max(0, newlines - text.endswith("\n")), label))
        line += newlines + 2  # the cells are joined by "\n\n"
    return "\n\n".join(parts) + "\n", tuple(spans), added_definitions(learner, template)


def added_definitions(learner: dict, template: dict) -> tuple[tuple[str, frozenset[str]], ...]:
    """For each code cell of the learner's notebook that is not one of the exercise's cells (matched by id, then by
    nbgrader grade_id), the top-level names it defines: a helper written there is not graded, and a NameError for it
    should say why."""
    known = {c.get("id") for c in template["cells"] if isinstance(c, dict)}
    found = []
    budget = JUDGE_PARSE_MAX  # characters parsed here, for a message only (see JUDGE_PARSE_MAX)
    for n, cell in enumerate((c for c in learner["cells"] if isinstance(c, dict) and c.get("cell_type") == "code"), 1):
        meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell.get("metadata"), dict) else {}
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        # only strings can name a template cell; a list or dict id (the learner's JSON) is unhashable, and `in known`
        # raised TypeError, which escaped grade() (a traceback from prep check, infra_error from prep grade)
        if any(isinstance(key, str) and key in known for key in (cell.get("id"), grade_id)):
            continue
        text = _strip_magics(_cell_text(cell))
        budget -= len(text)
        if budget < 0:
            break
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        names = set()
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update(t.id for target in targets for t in ast.walk(target) if isinstance(t, ast.Name))
        if names:
            prep_meta = cell.get("metadata", {}).get("prep") if isinstance(cell.get("metadata"), dict) else None
            ran_as = prep_meta.get("ran_as") if isinstance(prep_meta, dict) else None  # a live-kernel check's cell
            where = ran_as if isinstance(ran_as, str) else f"code cell {n} of your notebook"
            found.append((f"a cell you added ({where}, which starts `{_first_line(_cell_text(cell))}`)",
                          frozenset(names)))
    return tuple(found)


def _runs_only_in_jupyter(cell: dict) -> bool:
    """The template's ``%load_ext prep`` and ``%prep check`` cells run in Jupyter, never in the graded module."""
    meta = cell.get("metadata", {}).get("prep", {})
    return isinstance(meta, dict) and meta.get("role") in ("load", "check")


def _parse_notebook(raw: bytes, name: str) -> dict:
    try:
        nb = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise NotGradable(f"{name} is not a valid notebook (not JSON): re-save it from Jupyter") from None
    except (RecursionError, MemoryError):  # JSON nested past Python's stack: the file's doing, not prep's
        raise NotGradable(f"{name} is not a valid notebook (its JSON is nested too deeply): re-save it from "
                          "Jupyter") from None
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
    """The cell's text with each IPython magic or shell escape line (``%timeit f()``, ``!pip ...``) made a ``pass``.

    A line is one only where it starts a logical line, as IPython reads it: a ``%`` or ``!=`` that continues an
    expression (black's ``("%d" \\n % n)``, ``(a \\n != b)``) or a line inside a triple-quoted string is Python, and
    was made ``pass`` here (a syntax error, or a changed string) while Jupyter ran it: a right answer in a notebook
    scored 0 as not gradable that scored full marks as a .py. Lines are split as Python splits them (``\\n``, ``\\r``),
    not by ``str.splitlines``, which also splits at form feeds, U+2028 and other characters Python keeps inside a
    line (a comment's text after one became code)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(line.lstrip().startswith(("%", "!")) for line in lines):  # most cells: nothing to tokenize
        return "\n".join(lines)
    if len(text) > JUDGE_PARSE_MAX:  # tokenizing costs the judge's CPU, with no deadline (see JUDGE_PARSE_MAX)
        return "\n".join(_magic_as_pass(line) for line in lines)
    out: list[str] = []
    state = {"depth": 0, "last": tokenize.NEWLINE, "row": 0}  # what the tokenizer has seen of the lines given it

    def readline() -> str:
        n = len(out)
        if n == len(lines):
            return ""
        line = lines[n]
        # a logical line starts here: no open bracket, and the line before ended one (NEWLINE) or was blank or a
        # comment (NL); a line inside a string yields no token, one after a backslash ends with no NEWLINE
        starts = state["depth"] == 0 and state["last"] in (tokenize.NEWLINE, tokenize.NL) and state["row"] == n
        out.append(_magic_as_pass(line) if starts else line)
        return out[-1] + "\n"  # a magic line's text (quotes, brackets) never reaches the tokenizer

    try:
        for tok in tokenize.generate_tokens(readline):
            if tok.type == tokenize.OP and tok.string in ("(", "[", "{"):
                state["depth"] += 1
            elif tok.type == tokenize.OP and tok.string in (")", "]", "}"):
                state["depth"] = max(0, state["depth"] - 1)
            if tok.type not in (tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
                state["last"], state["row"] = tok.type, tok.end[0]
    except (tokenize.TokenError, SyntaxError):  # the compiler reports it, in the cell and line it names
        pass
    out.extend(lines[len(out):])  # after a tokenizer error: as written
    return "\n".join(out)


def _magic_as_pass(line: str) -> str:
    s = line.lstrip()
    if not s.startswith(("%", "!")) or s.startswith("!="):
        return line
    return f"{line[: len(line) - len(s)]}pass  # prep: IPython-only line not run: {s[:80]}"
