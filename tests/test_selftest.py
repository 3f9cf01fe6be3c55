"""`prep selftest` for every exercise: fresh generated files, references full marks, stubs zero."""

from __future__ import annotations

import pytest

from grader import api, bank
from tests.conftest import seed_for


@pytest.mark.parametrize("exercise_id", bank.exercise_ids())
def test_selftest(exercise_id, worker_pool):
    lines = []
    ex = bank.load(exercise_id)
    emit = lambda *a: lines.append(api.SelftestLine(*a))  # noqa: E731
    api.selftest_exercise(ex, worker_pool, emit, seed=seed_for(ex.solution_path))
    failed = [f"{ln.check}: {ln.detail}" for ln in lines if not ln.ok]
    assert len(lines) == 5 and not failed, failed
