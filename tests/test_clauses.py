"""Every behaviour a task states has a grader that fails without it (the exercise's clause map)."""

from __future__ import annotations

import pytest

from grader import bank, clauses


@pytest.mark.parametrize("exercise_id", bank.exercise_ids())
def test_every_task_sentence_is_mapped_to_graders(exercise_id):
    found = clauses.problems(bank.load(exercise_id))
    assert not found, "\n".join(found)


def test_the_sentence_splitter_sees_bullets_and_sentence_ends():
    text = ("Write `f(x)`. It returns a float.\n\n* `g` raises ValueError; for a negative x.\n"
            "* Keep dtype; `h` is\n  wrapped over two lines.\n\n```\ncode(is, skipped)\n```\nLast one!")
    assert clauses.sentences(text) == ["Write `f(x)`.", "It returns a float.", "`g` raises ValueError; for a negative x.",
                                       "Keep dtype;", "`h` is wrapped over two lines.", "Last one!"]


def test_a_map_with_an_unquoted_clause_or_an_orphan_grader_is_reported(tmp_path):
    ex = bank.load("autograd-mul")
    broken = type(ex)(**{**ex.__dict__, "clauses": (bank.Clause("not in the prompt", ("test_gradcheck",)),),
                         "context": ()})
    found = "\n".join(clauses.problems(broken))
    assert "not quoted from the prompt" in found
    assert "grader test_forward_example serves no clause" in found
    assert "no clause or context covers" in found
