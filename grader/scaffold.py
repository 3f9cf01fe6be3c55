"""`prep new`: a working exercise to start from, in an instructor's own bank.

Each kind (code, fix-bug, quiz) gets a small but complete exercise: exercise.toml (schema 1,
with a clause map and context that ``grader.clauses`` accepts), a reference with solution
markers, public and hidden graders, and the learner files generated from the reference. So
``prep build`` has nothing to change and ``prep selftest`` passes straight away; the author then
replaces the example with the real task, keeping the shape. docs/exercise-format.md walks through
it ("From `prep new` to `prep publish`").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader import authoring, bank

KINDS = bank.KINDS


class ScaffoldError(Exception):
    """The exercise cannot be created; the message is one line and says what to do."""


@dataclass
class NewExercise:
    exercise: bank.Exercise
    root: Path
    written: list[Path]


def new_exercise(exercise_id: str, *, kind: str = "code", root: Path) -> NewExercise:
    if not bank.ID_PATTERN.match(exercise_id):
        raise ScaffoldError(f"'{exercise_id}' is not an exercise id: use lowercase words joined by hyphens, "
                            "such as 'masked-mean'")
    if kind not in KINDS:
        raise ScaffoldError(f"--kind must be one of {', '.join(KINDS)}, got '{kind}'")
    root = Path(root).expanduser().resolve()
    directory = root / "exercises" / exercise_id
    solution = root / "solutions" / f"{exercise_id}.py"
    taken = [p for p in (directory, solution) if p.exists()]
    if taken:
        raise ScaffoldError(f"{taken[0]} already exists: pick another id, or edit that exercise")
    template = TEMPLATES[kind]
    files = {
        directory / "exercise.toml": template["toml"].replace("{id}", exercise_id),
        directory / "test_public.py": template["public"].replace("{id}", exercise_id),
        directory / "test_hidden.py": template["hidden"].replace("{id}", exercise_id),
        solution: template["solution"].replace("{id}", exercise_id),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    ex = bank.load(exercise_id, root)
    written = list(files) + authoring.build(ex)
    return NewExercise(ex, root, written)


# ---------------------------------------------------------------- the templates ({id} is the exercise's id)

_HINTS = '''hints = [
    "A nudge: what the learner should look at first.",
    "A bigger nudge: the idea, without the code.",
    "Nearly the answer.",
]'''

CODE = {
    "toml": f'''schema = 1
id = "{{id}}"
title = "Scale a tensor (the example that prep new writes: replace it with your exercise)"
kind = "code"
difficulty = "easy"
topics = ["tensors"]
seeds = ["000-00"]                  # the interview questions this covers, as catalog ids
time_budget_min = 5
{_HINTS}
# Sentences of the prompt that state no gradable behaviour.
context = ["This is the example exercise that `prep new` writes: replace it with yours."]

[question]
zh = """把张量按给定倍数缩放。"""
en = """
This is the example exercise that `prep new` writes: replace it with yours. Write `scale(x, factor)`, which returns
`x * factor` with the shape and dtype of `x`.
"""

[points]
test_example = 1
test_random_inputs = 2
test_shape_and_dtype_kept = 1

# Every behaviour the prompt states, quoted from it, and the graders that fail without it.
[[clauses]]
says = "Write `scale(x, factor)`, which returns `x * factor`"
graders = ["test_example", "test_random_inputs"]

[[clauses]]
says = "with the shape and dtype of `x`."
graders = ["test_shape_and_dtype_kept"]
''',
    "solution": '''"""Reference for {id} (this line is for maintainers: learners never see it)."""

# %%
import torch


# %%
def scale(x: torch.Tensor, factor: float) -> torch.Tensor:
    ### BEGIN SOLUTION
    return x * factor
    ### END SOLUTION
''',
    "public": '''"""Public graders for {id}: the learner reads these, so they show their inputs."""

import torch

from grader.judge.checks import expect_close


def test_example(learner):
    """scale([1, -2, 3], 2.5) is [2.5, -5, 7.5]."""
    x = torch.tensor([1.0, -2.0, 3.0])
    expect_close(learner.call("scale", x, 2.5), x * 2.5, what="scale(x, 2.5)", inputs="x = [1, -2, 3]")
''',
    "hidden": '''"""Hidden graders for {id}: random inputs per run; messages name the property, never the values."""

import torch

from grader.judge.checks import expect_close, expect_tensor


def test_random_inputs(learner, rng):
    """scale(x, factor) on random float64 inputs and factors, zero and negative included."""
    for factor in (0.0, -1.5, float(torch.rand((), generator=rng, dtype=torch.float64)) * 10):
        x = torch.randn(4, 3, generator=rng, dtype=torch.float64)
        expect_close(learner.call("scale", x, factor), x * factor, what="scale(x, factor) on random inputs")


def test_shape_and_dtype_kept(learner, rng):
    """The result has x's shape and dtype, for float32 and float64 and for odd shapes."""
    for dtype, shape in ((torch.float32, (2, 1, 5)), (torch.float64, (7,)), (torch.float32, ())):
        x = torch.randn(shape, generator=rng, dtype=torch.float64).to(dtype)
        expect_tensor(learner.call("scale", x, 3.0), what="scale(x, 3.0)", shape=tuple(shape), dtype=dtype)
''',
}

FIX_BUG = {
    "toml": f'''schema = 1
id = "{{id}}"
title = "Fix a mean squared error (the example that prep new writes: replace it with your exercise)"
kind = "fix-bug"
difficulty = "easy"
topics = ["loss-functions"]
seeds = ["000-00"]                  # the interview questions this covers, as catalog ids
time_budget_min = 5
{_HINTS}
seed_defects = """The example's bug: it sums the squared differences instead of averaging them."""
# Sentences of the prompt that state no gradable behaviour.
context = ["The stub is a buggy answer: this is the example exercise that `prep new` writes, replace it with yours."]

[question]
zh = """实现均方误差损失。"""
en = """
The stub is a buggy answer: this is the example exercise that `prep new` writes, replace it with yours. Fix
`mse(pred, target)` so that it returns the mean of the squared differences, a 0-d tensor with the inputs' dtype.
"""

[points]
test_example = 1
test_random_inputs = 2

# Every behaviour the prompt states, quoted from it, and the graders that fail without it.
[[clauses]]
says = "Fix `mse(pred, target)` so that it returns the mean of the squared differences, a 0-d tensor with the inputs' dtype."
graders = ["test_example", "test_random_inputs"]
''',
    "solution": '''"""Reference for {id} (this line is for maintainers: learners never see it). The STUB region is the bug."""

# %%
import torch


# %%
def mse(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    ### BEGIN SOLUTION
    return ((pred - target) ** 2).mean()
    ### END SOLUTION
    ### BEGIN STUB
    # return ((pred - target) ** 2).sum()
    ### END STUB
''',
    "public": '''"""Public graders for {id}: the learner reads these, so they show their inputs."""

import torch

from grader.judge.checks import expect_close


def test_example(learner):
    """mse([1, 2, 3], [1, 1, 1]) is (0 + 1 + 4) / 3."""
    pred, target = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 1.0, 1.0])
    expect_close(learner.call("mse", pred, target), torch.tensor(5.0 / 3.0), what="mse(pred, target)",
                 inputs="pred = [1, 2, 3], target = [1, 1, 1]")
''',
    "hidden": '''"""Hidden graders for {id}: random inputs per run; messages name the property, never the values."""

import torch

from grader.judge.checks import expect_close


def test_random_inputs(learner, rng):
    """mse on random float32 and float64 batches of several shapes: the mean, a 0-d tensor of the inputs' dtype."""
    for dtype, shape in ((torch.float64, (5, 3)), (torch.float32, (17,)), (torch.float64, (2, 2, 2))):
        pred = torch.randn(shape, generator=rng, dtype=torch.float64).to(dtype)
        target = torch.randn(shape, generator=rng, dtype=torch.float64).to(dtype)
        expect_close(learner.call("mse", pred, target), ((pred - target) ** 2).mean(),
                     what=f"mse on random {str(dtype).removeprefix('torch.')} inputs")
''',
}

QUIZ = {
    "toml": f'''schema = 1
id = "{{id}}"
title = "Quiz: autograd basics (the example that prep new writes: replace it with your quiz)"
kind = "quiz"
difficulty = "easy"
topics = ["concepts"]
seeds = ["000-00"]                  # the interview questions this covers, as catalog ids
time_budget_min = 5
{_HINTS}
# Sentences of the prompt that state no gradable behaviour.
context = ["This is the example quiz that `prep new` writes: replace it with yours."]

[question]
zh = """自动求导的基本概念。"""
en = """
This is the example quiz that `prep new` writes: replace it with yours. Fill in the `ANSWERS` dict: True or False,
or a letter for multiple choice. Each item is graded on its own.
"""

[points]
test_answers_well_formed = 1
"test_item[q1]" = 1
"test_item[q2]" = 1

# Every behaviour the prompt states, quoted from it, and the graders that fail without it.
[[clauses]]
says = "Fill in the `ANSWERS` dict: True or False, or a letter for multiple choice."
graders = ["test_answers_well_formed"]

[[clauses]]
says = "Each item is graded on its own."
graders = ["test_item[q1]", "test_item[q2]"]
''',
    "solution": '''"""Reference answers for {id} (this line is for maintainers: learners never see it)."""

# %% [markdown]
# **q1** (true/false). For a leaf tensor `x` made with `requires_grad=True`, `x.grad` is `None` until the first
# `backward()` that reaches it.
#
# **q2** (multiple choice). What is `torch.ones(2, 3).sum(dim=0).shape`?
# a) `(2,)`  b) `(3,)`  c) `(2, 3)`  d) `()`

# %%
### BEGIN SOLUTION
ANSWERS = {
    "q1": True,
    "q2": "b",
}
### END SOLUTION
### BEGIN STUB
# ANSWERS = {
#     "q1": None,
#     "q2": None,
# }
### END STUB
''',
    "public": '''"""Public grader for {id}: every item answered, in the right form (the values are graded hidden)."""

from grader.judge.checks import CheckFailure

KINDS = {"q1": "bool", "q2": "choice"}


def test_answers_well_formed(learner):
    """ANSWERS has every item: True/False, or a letter a-d for multiple choice."""
    answers = learner.get("ANSWERS")
    if not isinstance(answers, dict):
        raise CheckFailure("ANSWERS must be a dict", f"received {answers!r:.80}")
    problems = []
    for item, kind in KINDS.items():
        given = answers.get(item)
        if kind == "bool" and not isinstance(given, bool):
            problems.append(f"{item} needs True or False")
        elif kind == "choice" and not (isinstance(given, str) and given.strip().lower() in ("a", "b", "c", "d")):
            problems.append(f"{item} needs a letter a-d")
    if problems:
        raise CheckFailure(f"{len(problems)} item(s) not answered in the right form", "; ".join(problems))
''',
    "hidden": '''"""Hidden graders for {id}: one per item; the explanation is shown once the item is right."""

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": (True, "A leaf's .grad is filled in by the first backward that reaches it; before that it is None."),
    "q2": ("b", "sum(dim=0) removes dimension 0 (size 2) and keeps dimension 1 (size 3)."),
}


@pytest.mark.parametrize("item", list(KEY))
def test_item(learner, explain, item):
    """One quiz item."""
    answers = learner.get("ANSWERS")
    if not isinstance(answers, dict):
        raise CheckFailure("ANSWERS must be a dict from question ids ('q1', ...) to your answers")
    right, why = KEY[item]
    given = answers.get(item)
    if isinstance(given, str):
        given = given.strip().lower()
    if type(given) is not type(right) or given != right:
        raise CheckFailure(f"{item} is not right")
    explain(why)
''',
}

TEMPLATES = {"code": CODE, "fix-bug": FIX_BUG, "quiz": QUIZ}
