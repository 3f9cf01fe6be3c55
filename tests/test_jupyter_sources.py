"""Which text of each answer cell a live-kernel check grades: run in the kernel, else saved, else the original."""

from __future__ import annotations

import json

from grader import authoring, bank
from grader.jupyter import sources
from grader.jupyter.sources import ORIGINAL, SAVED, KERNEL, Execution

EX = bank.load("autograd-mul")
TEMPLATE = json.loads(EX.notebook_path.read_text())
AID = authoring.answer_cell_id(EX.id, 1)
MINE = "class Mul(torch.autograd.Function):\n    pass  # mine\n"


def saved_with(source: str, *, cell_id: str = AID) -> dict:
    nb = json.loads(EX.notebook_path.read_text())
    for cell in nb["cells"]:
        if cell.get("id") == AID:
            cell["source"] = source
            cell["id"] = cell_id
    return nb


def only(chosen):
    assert len(chosen) == 1 and chosen[0].cell_id == AID
    return chosen[0]


def test_answer_cells_and_their_names():
    assert [cid for cid, _ in sources.answer_cells(TEMPLATE)] == [AID]
    assert sources.defined_names(sources.answer_cells(TEMPLATE)[0][1]) == {"Mul"}
    assert sources.defined_names("%time x = 1\nclass A:\n  pass\nB: int = 2\nif x == 1: pass\n") == {"A", "B"}


def test_the_latest_run_that_defines_the_cells_names_wins():
    runs = [Execution(1, "import torch"), Execution(2, "class Mul:\n    old = 1\n"), Execution(3, MINE),
            Execution(4, "Mul.apply(x, y)")]
    a = only(sources.choose(TEMPLATE, runs))
    assert (a.source, a.origin, a.detail) == (MINE, KERNEL, "In [3]")


def test_a_known_cell_id_decides_over_names():
    runs = [Execution(5, MINE, cell_id=AID), Execution(6, "class Mul:\n    scratch = 1\n", cell_id="scratch-cell")]
    a = only(sources.choose(TEMPLATE, runs))
    assert (a.source, a.detail) == (MINE, "In [5]")


def test_a_learner_cell_with_a_new_id_is_found_through_its_grade_id():
    saved = saved_with("class Mul: pass  # saved\n", cell_id="pasted-copy")
    a = only(sources.choose(TEMPLATE, [Execution(2, MINE, cell_id="pasted-copy")], saved))
    assert a.origin == KERNEL and a.source == MINE
    assert a.note == "differs from the saved notebook: graded what you ran"


def test_never_run_means_as_saved_then_the_original():
    saved = saved_with(MINE)
    a = only(sources.choose(TEMPLATE, [Execution(1, "import torch")], saved, saved_label="saved mine.ipynb"))
    assert (a.source, a.origin, a.detail) == (MINE, SAVED, "saved mine.ipynb")
    b = only(sources.choose(TEMPLATE, []))
    assert b.origin == ORIGINAL and "NotImplementedError" in b.source
    assert b.note == "not run in this kernel and not in a saved notebook: run your answer cell"


def test_a_run_with_a_syntax_error_is_still_what_ran():
    broken = "class Mul(torch.autograd.Function):\n    def forward(ctx, x, y)\n        return x\n"
    a = only(sources.choose(TEMPLATE, [Execution(1, MINE), Execution(2, broken)]))
    assert a.source == broken  # graded as it is: the judge reports the syntax error


def test_history_entries_become_executions():
    runs = sources.executions_from_history(["", "x = 1", "", "%prep check"], {3: "check-cell"})
    assert runs == [Execution(1, "x = 1", None), Execution(3, "%prep check", "check-cell")]


def test_the_cells_a_learner_added_are_their_latest_runs_that_define_names_and_none_of_the_exercise_s():
    template = {"cells": [
        {"cell_type": "code", "id": "setup", "source": "import torch", "metadata": {}},
        {"cell_type": "code", "id": "ans", "source": "def f(x):\n    raise NotImplementedError",
         "metadata": {"nbgrader": {"solution": True, "grade_id": "ans"}}},
    ]}
    runs = [sources.Execution(1, "import torch", "setup"),             # the exercise's own cell
            sources.Execution(2, "def helper(x):\n    return x", "mine"),  # run twice: the latest counts
            sources.Execution(3, "def helper(x):\n    return 2 * x", "mine"),
            sources.Execution(4, "print(1)", "scratch"),               # defines nothing
            sources.Execution(5, "SCALE = 3", None),                   # a front end that sends no cell id
            sources.Execution(6, "def f(x):\n    return helper(x)", "ans")]
    chosen = sources.choose(template, runs)
    assert chosen[0].detail == "In [6]"
    assert sources.added_cells(template, runs, chosen) == [("In [3]", "def helper(x):\n    return 2 * x"),
                                                           ("In [5]", "SCALE = 3")]
    assert sources.added_cells(template, runs, chosen, limit=1) == [("In [5]", "SCALE = 3")]
