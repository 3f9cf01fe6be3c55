"""Every item of every concept quiz is proven on real torch: a test in its track's fact module, registered with
@proves (tests/quiz_proofs.py), that runs the claim and shows the same answer as the key."""

from __future__ import annotations

import ast
import importlib
import inspect
import re

import pytest

from grader import bank, learning_path
from tests import quiz_proofs as qp

FACTS = {name: importlib.import_module(name) for name in qp.FACT_MODULES}  # importing them registers their proofs
QUIZZES = [ex.id for ex in bank.load_all() if ex.kind == "quiz"]


def _public_kinds(quiz):
    tree = ast.parse((qp.ROOT / "exercises" / quiz / "test_public.py").read_text())
    node = next(n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "KINDS")
    return ast.literal_eval(node.value)


@pytest.mark.parametrize("quiz", QUIZZES)
def test_every_item_has_a_proof(quiz):
    missing = [item for item in qp.answers(quiz) if (quiz, item) not in qp.PROOFS]
    assert not missing, (f"{quiz}: no proof for {', '.join(missing)}: add a test that runs the claim on torch, "
                         f"decorated with @proves({quiz!r}, ...), to tests/test_track"
                         f"{learning_path.track_of(bank.load(quiz))}_quiz_facts.py")


def test_every_proof_names_an_item_that_exists():
    stray = [f"{quiz} {item} ({', '.join(names)})" for (quiz, item), names in sorted(qp.PROOFS.items())
             if quiz not in QUIZZES or item not in qp.answers(quiz)]
    assert not stray, f"proofs of items no quiz has: {stray}"


@pytest.mark.parametrize("quiz", QUIZZES)
def test_proofs_live_in_the_quiz_track_fact_module(quiz):
    want = f"tests.test_track{learning_path.track_of(bank.load(quiz))}_quiz_facts"
    elsewhere = sorted({name for (q, _), names in qp.PROOFS.items() if q == quiz for name in names
                        if not name.startswith(want + ".")})
    assert not elsewhere, f"{quiz} is on {want.split('.')[-1]}, but proofs live elsewhere: {elsewhere}"


@pytest.mark.parametrize("module", qp.FACT_MODULES)
def test_every_fact_test_is_a_registered_proof(module):
    loose = [name for name, fn in inspect.getmembers(FACTS[module], inspect.isfunction)
             if name.startswith("test_") and fn.__module__ == module and not getattr(fn, "quiz_claims", None)]
    assert not loose, f"{module}: tests that prove no quiz item (decorate them with @proves or remove them): {loose}"


@pytest.mark.parametrize("quiz", QUIZZES)
def test_answers_key_kinds_and_points_agree(quiz):
    answers, key, ex = qp.answers(quiz), qp.key(quiz), bank.load(quiz)
    items = [f"q{i}" for i in range(1, len(answers) + 1)]
    assert list(answers) == items, f"{quiz}: ANSWERS must number its items q1..q{len(answers)} in order"
    assert list(key) == items, f"{quiz}: the graders' KEY and the reference ANSWERS list different items"
    wrong = [item for item in items if not qp.same(answers[item], key[item][1])]
    assert not wrong, f"{quiz}: the reference ANSWERS and the graders' KEY disagree on {wrong}"
    assert _public_kinds(quiz) == {item: key[item][0] for item in items}, f"{quiz}: test_public KINDS != KEY kinds"
    assert sorted(p for p in ex.points if p.startswith("test_item[")) == sorted(f"test_item[{i}]" for i in items)
    text = (qp.ROOT / "solutions" / f"{quiz}.py").read_text()
    asked = re.findall(r"^# \*\*(q\d+)\*\*", text, re.M)
    assert asked == items, f"{quiz}: the questions in the solution's markdown are {asked}, ANSWERS has {items}"


@pytest.mark.parametrize("quiz", QUIZZES)
def test_graders_and_reference_cite_the_fact_module_that_proves_them(quiz):
    want = f"tests/test_track{learning_path.track_of(bank.load(quiz))}_quiz_facts.py"
    for path in (qp.ROOT / "exercises" / quiz / "test_hidden.py", qp.ROOT / "solutions" / f"{quiz}.py"):
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
        assert want in doc, f"{path.relative_to(qp.ROOT)}: its docstring must name {want}, where its proofs live"
        for cited in re.findall(r"tests/[\w/]+\.py", doc):
            assert (qp.ROOT / cited).is_file(), f"{path.relative_to(qp.ROOT)} cites {cited}, which does not exist"


def test_a_proof_that_shows_another_answer_fails():
    qp.check_shown([("quiz-dynamic-graphs", "q1")], "b", "demo")
    with pytest.raises(AssertionError, match="torch shows 'a'"):
        qp.check_shown([("quiz-dynamic-graphs", "q1")], "a", "demo")
    with pytest.raises(AssertionError, match="torch shows 1"):  # a number is not a bool
        qp.check_shown([("quiz-dynamic-graphs", "q2")], 1, "demo")
    with pytest.raises(AssertionError, match="shows"):  # every claimed item must be shown
        qp.check_shown([("quiz-dynamic-graphs", "q2"), ("quiz-dynamic-graphs", "q3")], {"q2": True}, "demo")


def test_a_citation_must_still_be_in_the_docstring():
    def documented():
        """Release all unoccupied cached memory."""

    qp.cited("https://docs.pytorch.org/x.html", "all unoccupied cached", documented)
    with pytest.raises(AssertionError, match="not in"):
        qp.cited("https://docs.pytorch.org/x.html", "frees every tensor", documented)
