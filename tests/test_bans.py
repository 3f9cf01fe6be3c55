"""Bans hold: reaching a banned API by another path never earns a point.

Layout: tests/bans/<exercise-id>/<channel>.py. Each file is a submission that leaves the exercise's
work to a banned part of torch, reached through one channel (another module's namespace, a
functional form, a torch._C binding, a Tensor method, torch.ops.aten, ``__subclasses__()``, a name
built from strings, a fresh copy of torch's source, ``exec(inspect.getsource(...))``, a
decomposition...). Its docstring names the channel. It must score no more than the untouched stub:
the seal in the worker (grader/worker/seal.py) switches the banned objects and operators off by
identity, so every channel reaches a trap.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from grader import bank

BANS = Path(__file__).with_name("bans")
FILES = sorted(BANS.glob("*/*.py"))


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


@pytest.fixture(scope="module")
def stub_scores() -> dict[str, float]:
    return {}


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_a_banned_api_reached_another_way_earns_nothing(path, grade_file, stub_scores):
    ex_id = path.parent.name
    if ex_id not in stub_scores:
        stub_scores[ex_id] = grade_file(ex_id, bank.load(ex_id).stub_path).score
    result = grade_file(ex_id, path)
    assert result.status != "infra_error", f"{_id(path)}: {result.message}"
    gained = {t.name: t.message for t in result.tests if t.outcome == "passed"}
    assert result.score <= stub_scores[ex_id], (
        f"{_id(path)} scored {result.score} (the stub scores {stub_scores[ex_id]}): the ban leaks; passed {sorted(gained)}")


def test_every_exercise_with_bans_has_attacks_and_every_attack_says_its_channel():
    banned = [ex.id for ex in bank.load_all() if ex.bans or ex.ban_ops]
    for ex_id in banned:
        attacks = list((BANS / ex_id).glob("*.py"))
        assert len(attacks) >= 3, f"{ex_id} bans APIs but has {len(attacks)} attacks in tests/bans/{ex_id}/ (needs 3)"
    for path in FILES:
        assert path.parent.name in banned, f"{_id(path)}: {path.parent.name} bans nothing"
        assert ast.get_docstring(ast.parse(path.read_text())), f"{path} needs a docstring naming its channel"


def test_autograd_off_feedback_names_the_cause(grade_file):
    """With autograd off (exercise.toml autograd = false), autograd's own complaint ("does not require grad and does
    not have a grad_fn") would point the learner at their tensors; the feedback says autograd is off instead."""
    result = grade_file("fix-mlp-backprop", BANS / "fix-mlp-backprop" / "execution_engine_under_enable_grad.py")
    messages = [t.message for t in result.tests if t.outcome != "passed"]
    assert messages and not result.full_marks
    assert any("autograd is switched off in this exercise" in m and "compute the gradients by hand" in m
               for m in messages), messages
    assert not any("does not have a grad_fn" in m and "autograd is switched off" not in m for m in messages), messages
