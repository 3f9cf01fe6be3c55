"""The mutant corpus: realistic wrong solutions must never get full marks, correct ones always must.

Layout: tests/corpus/<exercise-id>/wrong_<mistake>.py and right_<approach>.py. Each file's
docstring says what it does. This is how we know a grader is strong: every exercise needs at
least five wrong solutions (the seed's own code among them where the seed has code) and at
least one correct solution written differently from the reference.
"""

from __future__ import annotations

import ast
import json

import pytest

from grader import bank
from tests.conftest import CAUGHT_BY, CORPUS

FILES = sorted(CORPUS.glob("*/*.py"))


def _id(path):
    return f"{path.parent.name}/{path.stem}"


@pytest.mark.parametrize("path", [p for p in FILES if p.stem.startswith("wrong_")], ids=_id)
def test_wrong_solution_never_gets_full_marks(path, grade_file):
    result = grade_file(path.parent.name, path, verdict_only=True)  # stops at the first grader that fails
    assert result.status != "infra_error", f"{_id(path)}: {result.message} {[t.message for t in result.tests]}"
    assert not result.full_marks, (f"{_id(path)} got full marks under seed {result.seed}: the graders miss this "
                                   f"mistake (prep check {path.parent.name} --file {path} --seed {result.seed})")


@pytest.mark.parametrize("path", [p for p in FILES if p.stem.startswith("right_")], ids=_id)
def test_correct_solution_gets_full_marks(path, grade_file):
    result = grade_file(path.parent.name, path)
    failed = {t.name: t.message for t in result.tests if t.outcome != "passed"}
    assert result.full_marks, (f"{_id(path)} under seed {result.seed}: {result.status} "
                               f"{result.score}/{result.max_score}: {failed}")


@pytest.mark.parametrize("exercise_id", bank.exercise_ids())
def test_every_exercise_has_a_corpus(exercise_id):
    files = list((CORPUS / exercise_id).glob("*.py"))
    wrong = [p for p in files if p.stem.startswith("wrong_")]
    right = [p for p in files if p.stem.startswith("right_")]
    assert len(wrong) >= 5, f"{exercise_id} has {len(wrong)} wrong solutions in tests/corpus (needs 5)"
    assert len(right) >= 1, f"{exercise_id} has no correct alternative solution in tests/corpus"
    for p in files:
        assert ast.get_docstring(ast.parse(p.read_text())), f"{p} needs a docstring saying what it does"


def test_corpus_folders_name_real_exercises():
    ids = set(bank.exercise_ids())
    strays = sorted({p.parent.name for p in FILES} - ids)
    assert not strays, f"corpus folders without an exercise: {strays}"


def test_verdict_only_grading_stops_at_the_first_failure_with_the_same_verdict(grade_file):
    """The corpus's wrong files are graded verdict-only (faster): the verdict is the full grading's, the one
    grader that failed failed in the full grading too (same message), those that ran before it passed there
    too, and the graders after it are 'not_run', with no points. A right file still runs every grader."""
    ex = bank.load("autograd-mul")
    path = CORPUS / "autograd-mul" / "wrong_swapped_gradients.py"
    full = grade_file(ex.id, path, seed=3)
    quick = grade_file(ex.id, path, seed=3, verdict_only=True)
    assert not full.full_marks and not quick.full_marks and quick.status == full.status == "graded"
    assert [t.name for t in quick.tests] == [t.name for t in full.tests] == list(ex.points)
    by_name = {t.name: t for t in full.tests}
    failed = [t for t in quick.tests if t.outcome == "failed"]
    assert len(failed) == 1 and by_name[failed[0].name].outcome == "failed"
    assert failed[0].message == by_name[failed[0].name].message
    passed = [t for t in quick.tests if t.outcome == "passed"]
    assert all(by_name[t.name].outcome == "passed" for t in passed)
    not_run = [t for t in quick.tests if t.outcome == "not_run"]
    assert not_run and all(t.points == 0 for t in not_run) and len(passed) + 1 + len(not_run) == len(ex.points)
    assert quick.score == sum(t.points for t in passed) < full.max_score
    right = grade_file(ex.id, CORPUS / "autograd-mul" / "right_explicit_reduction.py", seed=3, verdict_only=True)
    assert right.full_marks and all(t.outcome == "passed" for t in right.tests)


def test_graders_named_first_run_first_and_never_change_the_verdict(grade_file):
    """tests/corpus/caught_by.json names the grader that caught each wrong file; verdict-only gradings run it first.
    Named first, a failing grader is the only one that runs; a passing one named first runs, then the files' order
    goes on to the same failure as without it."""
    ex = bank.load("autograd-mul")
    path = CORPUS / "autograd-mul" / "wrong_swapped_gradients.py"
    full = grade_file(ex.id, path, seed=3)
    failing = [t.name for t in full.tests if t.outcome == "failed"]
    passing = [t.name for t in full.tests if t.outcome == "passed"]
    assert failing and passing
    hinted = grade_file(ex.id, path, seed=3, verdict_only=True, first=(failing[-1],))
    assert [(t.name, t.outcome) for t in hinted.tests if t.outcome != "not_run"] == [(failing[-1], "failed")]
    assert hinted.score == 0 and not hinted.full_marks
    plain = grade_file(ex.id, path, seed=3, verdict_only=True)
    stale = grade_file(ex.id, path, seed=3, verdict_only=True, first=(passing[-1], "test_no_such_grader"))
    ran = {t.name: t.outcome for t in stale.tests if t.outcome != "not_run"}
    assert ran[passing[-1]] == "passed" and [n for n, o in ran.items() if o == "failed"] == \
        [t.name for t in plain.tests if t.outcome == "failed"]
    assert not stale.full_marks


def test_caught_by_names_real_graders_of_existing_wrong_files():
    caught_by = json.loads(CAUGHT_BY.read_text(encoding="utf-8"))
    wrong = {_id(p) for p in FILES if p.stem.startswith("wrong_")}
    for key, grader in caught_by.items():
        assert key in wrong, f"tests/corpus/caught_by.json names {key}, which is not a wrong file of the corpus"
        assert grader in bank.load(key.split("/", 1)[0]).points, f"{key}: {grader} is not one of its graders"
