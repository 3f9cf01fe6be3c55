"""prep and nbgrader, with nbgrader itself: export -> generate_assignment -> submitted/ -> grade -> gradebook.

The grading is prep's one grading path (grader.judge.grading.grade); nbgrader's part is
its own CLI (generate_assignment) and its own API (Gradebook, NbGraderAPI: what
formgrader reads).
"""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

import cli
from grader import api, authoring, bank
from grader.jupyter import nbgrader_course as course_mod

pytestmark = pytest.mark.slow

EXERCISES = ["autograd-mul", "fix-softplus", "quiz-dynamic-graphs"]
ASSIGNMENT = "week1"


def run(*args):
    return CliRunner().invoke(cli.cli, list(args), catch_exceptions=False)


def test_answer_cells_keep_nbgraders_markers_and_fix_bug_code():
    plain = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    assert course_mod.nbgrader_answer_source(plain, "ex") == plain.rstrip("\n")
    stub = plain + "    ### BEGIN STUB\n    # return -x\n    ### END STUB\n"
    assert course_mod.nbgrader_answer_source(stub, "ex") == "def f(x):\n    return -x"
    with pytest.raises(authoring.MarkerError):
        course_mod.nbgrader_answer_source("### BEGIN SOLUTION\n", "ex")


def test_export_errors_say_what_to_do(tmp_path):
    result = run("export-nbgrader", "autograd-mull", "--course", str(tmp_path / "c"))
    assert result.exit_code == 2
    assert result.output == ("Error: no exercise 'autograd-mull': did you mean 'autograd-mul'? "
                             "`prep list` shows them all\n")
    bad = run("export-nbgrader", "autograd-mul", "--course", str(tmp_path / "c"), "--assignment", "Week 1")
    assert bad.output == "Error: assignment name 'Week 1' must be lowercase words joined by hyphens\n"
    run("export-nbgrader", "autograd-mul", "--course", str(tmp_path / "c"))
    with pytest.raises(api.PrepError, match="has no gradebook yet: run `nbgrader generate_assignment prep` there"):
        course_mod.write_scores_to_gradebook(tmp_path / "c", "prep", [])


def _fill(release_nb: dict, answers: dict[str, str]) -> dict:
    nb = json.loads(json.dumps(release_nb))
    for cell in nb["cells"]:
        if cell.get("id") in answers:
            cell["source"] = answers[cell["id"]]
    return nb


def test_round_trip_through_nbgrader(tmp_path, grade_file):
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    course = tmp_path / "course"
    out = run("export-nbgrader", *EXERCISES, "--course", str(course), "--assignment", ASSIGNMENT, "--generate")
    assert out.exit_code == 0, out.output
    assert out.output.endswith(f"nbgrader generate_assignment {ASSIGNMENT}: wrote {course / 'release' / ASSIGNMENT}\n")
    release = course / "release" / ASSIGNMENT
    assert sorted(p.stem for p in release.glob("*.ipynb")) == sorted(EXERCISES)
    for name in EXERCISES:  # what students get has no solution in it
        text = (release / f"{name}.ipynb").read_text()
        assert authoring.BEGIN_SOLUTION not in text
        for region in authoring.solution_regions(bank.load(name).solution_path.read_text()):
            if len(region.strip()) > 20:
                assert region.strip() not in text

    # Three students hand in, as `nbgrader collect` leaves them: alice right, bob untouched,
    # carol right but with her notebooks mangled (reversed cells, edited nbgrader metadata,
    # the grade cell deleted), and one answer cell deleted outright.
    references = {}
    for name in EXERCISES:
        ex = bank.load(name)
        cells = [c for c in authoring.split_cells(ex.solution_path.read_text(), ex.id) if c.is_answer]
        references[name] = {authoring.answer_cell_id(ex.id, i): c.source for i, c in enumerate(cells, start=1)}
    for student in ("alice", "bob", "carol"):
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("2026-01-15 10:00:00.000000 UTC")
        for name in EXERCISES:
            nb = json.loads((release / f"{name}.ipynb").read_text())
            if student != "bob":
                nb = _fill(nb, references[name])
            if student == "carol":
                nb["cells"].reverse()
                for cell in nb["cells"]:
                    cell.get("metadata", {}).get("nbgrader", {}).update(points=100, grade_id="edited")
                nb["cells"] = [c for c in nb["cells"] if c.get("id") != course_mod.grade_cell_id(name)]
                if name == "autograd-mul":
                    nb["cells"] = [c for c in nb["cells"] if c.get("id") != f"{name}-answer-1"]
            (folder / f"{name}.ipynb").write_text(json.dumps(nb))

    subs = course_mod.list_submissions(course, ASSIGNMENT)
    assert [(s.student, s.exercise) for s in subs] == [(st, e) for st in ("alice", "bob", "carol")
                                                       for e in sorted(EXERCISES)]
    assert all(s.timestamp is not None and s.timestamp.year == 2026 for s in subs)
    results = [(s.student, grade_file(s.exercise, s.path)) for s in subs]
    by = {(st, r.exercise): r for st, r in results}
    for name in EXERCISES:
        max_score = bank.load(name).max_score
        assert by["alice", name].full_marks, [(t.name, t.message) for t in by["alice", name].tests]
        assert by["bob", name].status == "graded" and by["bob", name].score == 0
        if name != "autograd-mul":
            assert by["carol", name].score == max_score
    assert by["carol", "autograd-mul"].status == "not_gradable"
    assert "answer cell 'autograd-mul-answer-1' is missing" in by["carol", "autograd-mul"].message

    assert course_mod.write_scores_to_gradebook(course, ASSIGNMENT, results) == 9

    # Read back with nbgrader's own API: the gradebook, and what formgrader lists.
    db_url, course_id = course_mod.gradebook_url(course)
    with Gradebook(db_url, course_id=course_id) as gb:
        for student in ("alice", "bob", "carol"):
            sub = gb.find_submission(ASSIGNMENT, student)
            expected = sum(by[student, n].score for n in EXERCISES)
            assert sub.score == pytest.approx(expected)
            assert sub.max_score == pytest.approx(sum(bank.load(n).max_score for n in EXERCISES))
        grade = gb.find_grade("fix-softplus-prep", "fix-softplus", ASSIGNMENT, "alice")
        assert grade.auto_score == bank.load("fix-softplus").max_score and not grade.needs_manual_grade
        comment = gb.find_comment("autograd-mul-answer-1", "autograd-mul", ASSIGNMENT, "carol")
        assert comment.auto_comment.startswith("prep: 0/")
    assert course_mod.read_scores(course, ASSIGNMENT)["alice"] == {
        n: bank.load(n).max_score for n in EXERCISES}
    cfg = course_mod._config(course)
    cfg.CourseDirectory.root = str(course)
    nbapi = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
    shown = {s["student"]: s for s in nbapi.get_submissions(ASSIGNMENT)}
    assert shown["alice"]["autograded"] and shown["alice"]["score"] == pytest.approx(
        sum(bank.load(n).max_score for n in EXERCISES))
    assert shown["bob"]["autograded"] and shown["bob"]["score"] == 0

    # Grading again (a resubmission) updates the same rows.
    shutil.copy(course / "submitted" / "alice" / ASSIGNMENT / "quiz-dynamic-graphs.ipynb",
                course / "submitted" / "bob" / ASSIGNMENT / "quiz-dynamic-graphs.ipynb")
    again = grade_file("quiz-dynamic-graphs", course / "submitted" / "bob" / ASSIGNMENT / "quiz-dynamic-graphs.ipynb")
    course_mod.write_scores_to_gradebook(course, ASSIGNMENT, [("bob", again)])
    assert course_mod.read_scores(course, ASSIGNMENT)["bob"]["quiz-dynamic-graphs"] == again.max_score


def test_prep_grade_writes_an_nbgrader_class_into_its_gradebook(tmp_path):
    """`prep grade-nbgrader`: the batch grader (sandbox, resumable store) on nbgrader's submitted/ layout."""
    course = tmp_path / "course"
    assert run("export-nbgrader", "quiz-dynamic-graphs", "--course", str(course), "--assignment", "ps1",
               "--generate").exit_code == 0
    release = json.loads((course / "release" / "ps1" / "quiz-dynamic-graphs.ipynb").read_text())
    solved = json.loads(authoring.generate_notebook(bank.load("quiz-dynamic-graphs"), with_solutions=True))
    answers = {c["id"]: c["source"] for c in solved["cells"] if c["cell_type"] == "code"}
    for student, nb in (("ada", _fill(release, answers)), ("ben", release)):
        folder = course / "submitted" / student / "ps1"
        folder.mkdir(parents=True)
        (folder / "quiz-dynamic-graphs.ipynb").write_text(json.dumps(nb))
    result = run("grade-nbgrader", str(course), "--assignment", "ps1", "--unsafe-no-sandbox")
    assert result.exit_code == 0, result.output
    assert f"wrote 2 score(s) into the gradebook of {course}" in result.output
    scores = course_mod.read_scores(course, "ps1")
    top = bank.load("quiz-dynamic-graphs").max_score
    assert scores["ada"]["quiz-dynamic-graphs"] == top and scores["ben"]["quiz-dynamic-graphs"] == 0


def test_generate_feedback_shows_preps_comment_as_a_list(tmp_path, grade_file):
    """prep's gradebook comment is Markdown that `nbgrader generate_feedback` renders as a list, one
    item per grader; a learner's exception message stays text (nbgrader renders raw HTML as is)."""
    import html
    import os
    import re
    import subprocess
    import sys

    name = "autograd-mul"
    course = tmp_path / "course"
    assert run("export-nbgrader", name, "--course", str(course), "--assignment", "ps1", "--generate").exit_code == 0
    release = json.loads((course / "release" / "ps1" / f"{name}.ipynb").read_text())
    hostile = "raise ValueError('<img src=x onerror=alert(1)> **bold** [link](http://evil.example)')\n"
    for student, nb in (("ann", release), ("bob", _fill(release, {authoring.answer_cell_id(name, 1): hostile}))):
        folder = course / "submitted" / student / "ps1"
        folder.mkdir(parents=True)
        (folder / f"{name}.ipynb").write_text(json.dumps(nb))
    results = [(s.student, grade_file(s.exercise, s.path)) for s in course_mod.list_submissions(course, "ps1")]
    assert course_mod.write_scores_to_gradebook(course, "ps1", results) == 2

    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", "ps1", "--force"], cwd=course,
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    for student, result in results:
        page = (course / "feedback" / student / "ps1" / f"{name}.html").read_text()
        comment = page.split("<b>Comments:</b>", 1)[1].split("</div>", 1)[0]
        items = re.findall(r"<li>(.*?)</li>", comment, flags=re.S)
        assert len(items) == len(result.tests) > 1, comment
        for item, t in zip(items, result.tests):
            shown = html.unescape(re.sub(r"<[^>]+>", "", item))
            assert shown.startswith(f"{'passed' if t.outcome == 'passed' else 'failed'}: {t.name}"
                                    + (" (hidden)" if t.hidden else "") + f", {t.points:g}/{t.max_points:g} points")
        assert "<img" not in comment and "<a " not in comment and "<strong>bold" not in comment
    bob = dict(results)["bob"]
    assert "ValueError" in bob.message
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # bob's page, the last one read: shown as text


def test_links_and_sparse_files_in_submitted_are_neither_followed_nor_read_whole(tmp_path):
    """submitted/ holds what learners handed in (an unzipped archive keeps links): writing the gradebook must
    not copy what a link points to into autograded/ (the instructor's files), nor read a sparse timestamp.txt
    of a terabyte whole (a MemoryError that stops the export), nor write such a file out in full."""
    from grader.judge.result import Result

    name = "quiz-dynamic-graphs"
    course = tmp_path / "course"
    assert run("export-nbgrader", name, "--course", str(course), "--assignment", "ps1", "--generate").exit_code == 0
    secret = tmp_path / "instructor-only.txt"
    secret.write_text("the instructor's private notes")
    folder = course / "submitted" / "ada" / "ps1"
    folder.mkdir(parents=True)
    shutil.copy(course / "release" / "ps1" / f"{name}.ipynb", folder / f"{name}.ipynb")
    (folder / "notes.txt").symlink_to(secret)
    with open(folder / "timestamp.txt", "wb") as f:
        f.truncate(1 << 40)
    with open(folder / "big.bin", "wb") as f:
        f.truncate(64 << 20)  # over a submission's size (a terabyte would be written out in full)
    ex = bank.load(name)
    result = Result.failed_before_grading(name, "graded", "", ex.max_score, ex.points, set())
    assert course_mod.write_scores_to_gradebook(course, "ps1", [("ada", result)]) == 1
    autograded = course / "autograded" / "ada" / "ps1"
    assert (autograded / f"{name}.ipynb").is_file()
    assert not (autograded / "notes.txt").exists(), "a link's target was copied into the course"
    assert not (autograded / "big.bin").exists() and not (autograded / "timestamp.txt").exists()
    assert not any(p.is_symlink() for p in autograded.iterdir())
    assert sum(p.stat().st_size for p in autograded.iterdir()) < 10 << 20
