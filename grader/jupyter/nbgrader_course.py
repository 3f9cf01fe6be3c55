"""prep and nbgrader: export exercises as a course, read what ``nbgrader collect`` leaves, fill the gradebook.

The design (docs/jupyter.md has the instructor's view):

* ``export(ids, course, assignment)`` writes an nbgrader course folder: ``nbgrader_config.py``
  and ``source/<assignment>/<id>.ipynb``, one notebook per exercise. Answer cells carry
  nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION`` markers (the reference inside), so
  ``nbgrader generate_assignment`` hands students what ``prep fetch`` hands learners; a
  region with a STUB (a fix-bug exercise's seed code) is exported as that code, since
  nbgrader's single code stub cannot carry it. An answer cell left with no solution region
  is a plain cell (nbgrader would blank a solution cell without markers) that keeps its
  cell id. Setup cells are locked.
* The graders are prep's, not nbgrader's: each notebook ends with one autograded *grade
  cell* ``<id>-prep`` worth the exercise's points. prep fills in its score: ``prep grade``
  grades ``submitted/<student>/<assignment>/<id>.ipynb`` (``list_submissions``) with the one
  grading path, and ``write_scores_to_gradebook`` writes the scores into nbgrader's
  gradebook with nbgrader's own API, so formgrader shows them. Running the grade cell
  (``%prep check <id> --points``) shows prep's check, and its output is the score as a
  number, which is what ``nbgrader autograde`` reads for partial credit; but autograde runs
  the student's code in the grading kernel, so for untrusted work use prep's path.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

from grader import api, authoring, bank
from grader.submission import MAX_SUBMISSION_BYTES

DEFAULT_ASSIGNMENT = "prep"
DEFAULT_COURSE_ID = "prep"
CODE_STUB = 'raise NotImplementedError("your code here")'

CONFIG = '''# nbgrader configuration written by `prep export-nbgrader` (safe to edit).
# Grades come from prep: see docs/jupyter.md in prep's repository.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.ClearSolutions.code_stub = {{"python": {stub!r}}}
'''


def grade_cell_id(exercise_id: str) -> str:
    return f"{exercise_id}-prep"


def grade_cell_source(ex: bank.Exercise) -> str:
    return ("# Graded by prep, outside this notebook: its public and hidden graders run in prep's judge,\n"
            "# never in this kernel, and `prep grade` fills in this cell's points.\n"
            "# Running the cell shows prep's check of your answer cells (prep must be installed).\n"
            f"%load_ext prep\n%prep check {ex.id} --points")


def nbgrader_answer_source(text: str, exercise_id: str, where: str = "solution") -> str:
    """An answer cell for nbgrader: solution regions keep their markers; STUB regions become their code."""
    authoring.render(text, exercise_id, where=where)  # validates the markers (MarkerError)
    lines = text.splitlines()
    out: list[str] = []
    i = 0

    def until(start: int, marker: str) -> int:
        return next(j for j in range(start, len(lines)) if lines[j].strip() == marker)

    while i < len(lines):
        s = lines[i].strip()
        if s == authoring.BEGIN_SOLUTION:
            j = until(i + 1, authoring.END_SOLUTION)
            if j + 1 < len(lines) and lines[j + 1].strip() == authoring.BEGIN_STUB:
                k = until(j + 2, authoring.END_STUB)
                out += authoring.render("\n".join(lines[i:k + 1]), exercise_id, where=where).splitlines()
                i = k + 1
            else:
                out += lines[i:j + 1]
                i = j + 1
        elif s == authoring.BEGIN_STUB:
            k = until(i + 1, authoring.END_STUB)
            out += authoring.render("\n".join(lines[i:k + 1]), exercise_id, where=where).splitlines()
            i = k + 1
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def source_notebook(ex: bank.Exercise) -> dict:
    """The exercise as an nbgrader source notebook (nbformat 4.5, validated)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    def meta(cid: str, **flags: Any) -> dict:
        base = {"grade": False, "grade_id": cid, "locked": False, "schema_version": authoring.NBGRADER_SCHEMA,
                "solution": False, "task": False}
        return {"nbgrader": base | flags}

    cells = authoring.split_cells(ex.solution_path.read_text(encoding="utf-8"), ex.id, where=str(ex.solution_path))
    nb_cells = [new_markdown_cell(authoring.header_markdown(ex), id=f"{ex.id}-prompt")]
    n_answer = n_code = n_md = 0
    for cell in cells:
        if cell.kind == "markdown":
            n_md += 1
            nb_cells.append(new_markdown_cell(cell.learner, id=f"{ex.id}-text-{n_md}"))
        elif cell.is_answer:
            n_answer += 1
            cid = authoring.answer_cell_id(ex.id, n_answer)
            text = nbgrader_answer_source(cell.source, ex.id, where=str(ex.solution_path))
            if authoring.BEGIN_SOLUTION in text:
                nb_cells.append(new_code_cell(text, id=cid, metadata=meta(cid, solution=True)))
            else:  # only STUB regions: the student edits the seed's code; prep finds the cell by its id
                nb_cells.append(new_code_cell(text, id=cid, metadata={"prep": {"answer": True}}))
        else:
            n_code += 1
            cid = f"{ex.id}-setup-{n_code}"
            nb_cells.append(new_code_cell(cell.source, id=cid, metadata=meta(cid, locked=True)))
    gid = grade_cell_id(ex.id)
    nb_cells.append(new_markdown_cell(
        f"## Grade\n\nThe cell below is worth {ex.max_score:g} points. prep grades the answer cells above with "
        "the exercise's public and hidden graders, in a separate process.", id=f"{ex.id}-grade-text"))
    nb_cells.append(new_code_cell(grade_cell_source(ex), id=gid,
                                  metadata=meta(gid, grade=True, locked=True, points=ex.max_score)))
    nb = new_notebook(cells=nb_cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "prep": {"exercise": ex.id},
    })
    nb.nbformat, nb.nbformat_minor = 4, 5
    nbformat.validate(nb)
    return nb


@dataclass
class ExportReport:
    course: Path
    assignment: str
    notebooks: list[Path]
    config: Path


def export(exercise_ids: Iterable[str], course: Path, *, assignment: str = DEFAULT_ASSIGNMENT,
           course_id: str = DEFAULT_COURSE_ID) -> ExportReport:
    """Write (or refresh) an nbgrader course folder with these exercises as one assignment."""
    ids = list(exercise_ids)
    if not ids:
        raise api.PrepError("name the exercises to export: prep export-nbgrader ID... --course DIR")
    if not bank.ID_PATTERN.match(assignment):
        raise api.PrepError(f"assignment name '{assignment}' must be lowercase words joined by hyphens")
    exercises = [api.get_exercise(i) for i in dict.fromkeys(ids)]
    course = Path(course)
    if course.exists() and not course.is_dir():
        raise api.PrepError(f"{course} exists and is not a folder: pass another --course")
    folder = course / "source" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    config = course / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG.format(course_id=course_id, stub=CODE_STUB), encoding="utf-8")
    written = []
    for ex in exercises:
        try:
            nb = source_notebook(ex)
        except authoring.MarkerError as e:
            raise api.PrepError(f"{ex.id}: {e}") from None
        path = folder / f"{ex.id}.ipynb"
        path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return ExportReport(course, assignment, written, config)


@contextmanager
def _tools_on_path() -> Iterator[None]:
    """nbgrader runs the `alembic` command when it creates a gradebook: find the one next to this Python."""
    saved = os.environ.get("PATH", "")
    bindir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bindir + os.pathsep + saved if saved else bindir
    try:
        yield
    finally:
        os.environ["PATH"] = saved


def generate_assignment(course: Path, assignment: str = DEFAULT_ASSIGNMENT) -> subprocess.CompletedProcess:
    """Run ``nbgrader generate_assignment ASSIGNMENT --force`` in the course folder (nbgrader's own CLI)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"],
                          cwd=course, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = [ln for ln in (proc.stderr + proc.stdout).splitlines() if "ERROR" in ln or "Error" in ln][-1:]
        raise api.PrepError(f"nbgrader generate_assignment {assignment} failed in {course}"
                            + (f" ({tail[0].strip()[:300]})" if tail else "") + ": run it there to see why")
    return proc


# ---------------------------------------------------------------- submissions


@dataclass(frozen=True)
class CourseSubmission:
    student: str
    assignment: str
    exercise: str  # the notebook's name: an exercise id for prep's exported notebooks
    path: Path
    timestamp: datetime | None  # from submitted/<student>/<assignment>/timestamp.txt


def _timestamp(folder: Path) -> datetime | None:
    from nbgrader.utils import parse_utc

    # submitted/ holds what learners handed in: read a timestamp only from a small regular file, never through a
    # link, and never more than a timestamp's worth (a sparse file of terabytes named timestamp.txt would
    # otherwise be read whole, and stop the gradebook export with a MemoryError)
    raw = _small_regular_file(folder / "timestamp.txt", 4096)
    if raw is None:
        return None
    try:
        return parse_utc(raw.decode("utf-8").strip())
    except (ValueError, OverflowError):
        return None


def _small_regular_file(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a link, FIFO or device) of at most ``limit`` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        data = f.read(limit + 1)
    return data if len(data) <= limit else None


def list_submissions(course: Path, assignment: str | None = None) -> list[CourseSubmission]:
    """Every ``submitted/<student>/<assignment>/<notebook>.ipynb`` (what ``nbgrader collect`` leaves)."""
    root = Path(course) / "submitted"
    found = []
    if not root.is_dir():
        return found
    for student_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for assignment_dir in sorted(p for p in student_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if assignment is not None and assignment_dir.name != assignment:
                continue
            ts = _timestamp(assignment_dir)
            for nb in sorted(assignment_dir.glob("*.ipynb")):
                found.append(CourseSubmission(student_dir.name, assignment_dir.name, nb.stem, nb, ts))
    return found


# ---------------------------------------------------------------- gradebook


def _config(course: Path) -> Any:
    from traitlets.config.loader import Config, PyFileConfigLoader

    path = course / "nbgrader_config.py"
    if not path.is_file():
        return Config()
    return PyFileConfigLoader(path.name, path=str(course)).load_config()


def gradebook_url(course: Path) -> tuple[str, str]:
    """(db_url, course_id) as nbgrader would use them for this course folder."""
    course = Path(course).resolve()
    cfg = _config(course).get("CourseDirectory", {})
    db_url = cfg.get("db_url") or f"sqlite:///{course / 'gradebook.db'}"
    return str(db_url), str(cfg.get("course_id", ""))


def feedback_text(result: Any) -> str:
    """prep's feedback as the gradebook comment: Markdown that ``nbgrader generate_feedback`` (and
    formgrader) render as a score line, then a list with one item per grader.

    Every message is escaped data (``export.md_text``: Markdown metacharacters backslash-escaped,
    ``< > &`` HTML-escaped), because nbgrader renders a comment's Markdown with raw HTML left as it
    is: a learner's exception message must not become a link, a heading or a script. A message of
    several lines keeps its lines (hard line breaks inside the item).
    """
    from grader.batch.export import md_text, visible

    def lines_of(message: str) -> str:
        return "\\\n  ".join(md_text(line) for line in visible(message).splitlines() if line.strip())

    status = result.status.replace("_", " ") + (f", seed {result.seed}" if result.seed is not None else "")
    out = [f"prep: {result.score:g}/{result.max_score:g} points ({status})", ""]
    if result.message:
        out += [lines_of(result.message), ""]
    for t in result.tests:
        mark = "passed" if t.outcome == "passed" else ("error" if t.outcome == "error" else "failed")
        item = (f"- {mark}: **{md_text(t.name)}**{' (hidden)' if t.hidden else ''}, "
                f"{t.points:g}/{t.max_points:g} points")
        if t.outcome != "passed" and t.message and t.message != result.message:
            item += ": " + lines_of(t.message)
        out.append(item)
    return "\n".join(out).rstrip() + "\n"


def write_scores_to_gradebook(course_dir: Path, assignment: str, results: list[tuple[str, Any]], *,
                              mark_autograded: bool = True) -> int:
    """Write prep's Results into nbgrader's gradebook; returns how many grades were written.

    ``results`` is a list of (student id, Result); each Result's exercise names the notebook.
    The assignment must have been through ``nbgrader generate_assignment`` (which records its
    notebooks and grade cells). For each result: the student and the submission are created
    if missing (with the timestamp ``nbgrader collect`` wrote), the grade cell ``<id>-prep``
    gets ``auto_score`` = prep's score, and the first answer cell's comment gets prep's
    per-grader feedback. With ``mark_autograded``, the submitted notebooks are copied to
    ``autograded/<student>/<assignment>/`` where missing, which is how formgrader tells a
    graded submission.
    """
    from nbgrader.api import Gradebook, MissingEntry

    course = Path(course_dir).resolve()
    db_url, course_id = gradebook_url(course)
    if db_url.startswith("sqlite:///") and not Path(db_url[len("sqlite:///"):]).is_file():
        raise api.PrepError(f"{course} has no gradebook yet: run `nbgrader generate_assignment {assignment}` there first")
    written = 0
    with _tools_on_path(), Gradebook(db_url, course_id=course_id or "default_course") as gb:
        try:
            nb_assignment = gb.find_assignment(assignment)
        except MissingEntry:
            raise api.PrepError(f"the gradebook has no assignment '{assignment}': run `nbgrader generate_assignment "
                                f"{assignment}` in {course} first") from None
        notebooks = {nb.name: nb for nb in nb_assignment.notebooks}
        for student, result in results:
            if result.exercise not in notebooks:
                raise api.PrepError(f"assignment '{assignment}' has no notebook '{result.exercise}': export it "
                                    f"(prep export-nbgrader) and run nbgrader generate_assignment again")
            submitted = course / "submitted" / student / assignment
            ts = _timestamp(submitted)
            gb.update_or_create_student(student)
            with warnings.catch_warnings():  # nbgrader's add_submission trips SQLAlchemy's autoflush warnings
                warnings.filterwarnings("ignore", message="Object of type .* not in session")
                gb.update_or_create_submission(assignment, student, **({"timestamp": ts} if ts else {}))
            try:
                grade = gb.find_grade(grade_cell_id(result.exercise), result.exercise, assignment, student)
            except MissingEntry:
                raise api.PrepError(f"notebook '{result.exercise}' of '{assignment}' has no grade cell "
                                    f"'{grade_cell_id(result.exercise)}': export it again with prep") from None
            grade.auto_score = min(float(result.score), float(grade.max_score))
            grade.needs_manual_grade = False
            solution_cells = sorted(c.name for c in notebooks[result.exercise].solution_cells)
            if solution_cells:
                comment = gb.find_comment(solution_cells[0], result.exercise, assignment, student)
                comment.auto_comment = feedback_text(result)
            gb.db.commit()
            written += 1
            if mark_autograded and submitted.is_dir() and not submitted.is_symlink():
                target = course / "autograded" / student / assignment
                target.mkdir(parents=True, exist_ok=True)
                for f in submitted.iterdir():
                    # Only the learner's own regular files, of a submission's size: a link would make the
                    # instructor copy whatever it points to into the course, and a sparse file of terabytes
                    # would be written out in full. (What was graded was read by the batch, not from here.)
                    data = _small_regular_file(f, MAX_SUBMISSION_BYTES)
                    if data is not None and not (target / f.name).exists():
                        (target / f.name).write_bytes(data)
                        shutil.copystat(f, target / f.name, follow_symlinks=False)
    return written


def read_scores(course_dir: Path, assignment: str) -> dict[str, dict[str, float]]:
    """student -> notebook -> score, read back through nbgrader's Gradebook (what formgrader shows)."""
    from nbgrader.api import Gradebook

    db_url, course_id = gradebook_url(Path(course_dir))
    out: dict[str, dict[str, float]] = {}
    with _tools_on_path(), Gradebook(db_url, course_id=course_id or "default_course") as gb:
        for sub in gb.assignment_submissions(assignment):
            out[sub.student.id] = {nb.name: float(nb.score) for nb in sub.notebooks}
    return out


def grade_course(course_dir: Path, assignment: str, exercise_ids: list[str] | None = None, *,
                 out: Path | None = None, jobs: int | None = None, unsafe_no_sandbox: bool = False,
                 on_progress: Any = None) -> tuple[Any, int]:
    """``prep grade`` on an nbgrader course's submitted/ folder, then the scores into its gradebook.

    The exercises default to the assignment's released notebooks. Returns (the batch report,
    how many grades were written). prep's own infra errors are not written: they are not scores.
    """
    from grader.batch.store import Store
    from grader.judge.result import Result

    course = Path(course_dir)
    if exercise_ids is None:
        exercise_ids = sorted(p.stem for p in (course / "release" / assignment).glob("*.ipynb"))
        if not exercise_ids:
            raise api.PrepError(f"{course / 'release' / assignment} has no notebooks: run `nbgrader generate_assignment "
                                f"{assignment}` there, or pass --exercise")
    report = api.grade_batch(course / "submitted", exercise_ids, assignment=assignment,
                             out=out or course / "prep-graded" / assignment, jobs=jobs,
                             unsafe_no_sandbox=unsafe_no_sandbox, on_progress=on_progress)
    records = Store(report.out).all_records()
    results = [(r["learner"], Result.from_json(r)) for r in records if r["status"] != "infra_error"]
    return report, write_scores_to_gradebook(course, assignment, results)
