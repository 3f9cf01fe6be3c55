"""`prep selftest` for every exercise: fresh generated files, references full marks, stubs zero."""

from __future__ import annotations

import pytest

from grader import api, bank


@pytest.mark.parametrize("exercise_id", bank.exercise_ids())
def test_selftest(exercise_id, worker_pool):
    lines = []
    api.selftest_exercise(bank.load(exercise_id), worker_pool, lambda *a: lines.append(api.SelftestLine(*a)))
    failed = [f"{ln.check}: {ln.detail}" for ln in lines if not ln.ok]
    assert len(lines) == 5 and not failed, failed
