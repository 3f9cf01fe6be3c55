"""Memory taken in advance cannot hide a measured call (issue #10), for batchnorm-train-eval, data-eval-loop and
train-eval-loop: each attack in tests/measure_attacks/ is a mistake the measured grader catches, plus a balloon
allocated at import and freed inside the measured call, which got that grader's points when it measured in the
graders' worker. Measured in a fresh worker (learner.fresh) with 1 MiB of room, the balloon is refused, and the rest
of the file is graded as before."""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS, ROOT, write

ATTACKS = ROOT / "tests" / "measure_attacks"
REFUSED = "already held"  # measure(room=...) refuses a call that starts with memory taken in advance


def outcomes(result):
    return {t.name: (t.outcome, t.message) for t in result.tests}


def test_batchnorm_balloon_cannot_hide_kept_graphs(grade_file, tmp_path):
    """A module that keeps every batch's statistics with their graphs (the running statistics themselves stay plain
    tensors) holds 38 MB after 25 forward passes and loses the point; with a 256 MiB balloon freed at the first big
    batch it held less than before and got full marks. Now the balloon is refused."""
    source = (ATTACKS / "batchnorm_train_eval_balloon.py").read_text(encoding="utf-8")
    plain = source.replace("_BALLOON_MIB = 256\n", "_BALLOON_MIB = 0\n", 1)
    assert plain != source
    grader = "test_running_statistics_keep_no_graph"
    result = grade_file("batchnorm-train-eval", write(tmp_path, "plain.py", plain), seed=5)
    outcome = outcomes(result)
    assert outcome[grader][0] == "failed" and "holds" in outcome[grader][1], outcome
    result = grade_file("batchnorm-train-eval", ATTACKS / "batchnorm_train_eval_balloon.py", seed=5)
    outcome = outcomes(result)
    assert outcome[grader][0] == "failed", outcome
    assert REFUSED in outcome[grader][1], outcome
    assert [name for name, (state, _) in outcome.items() if state != "passed"] == [grader], outcome


@pytest.mark.parametrize("exercise, wrong", [("data-eval-loop", "wrong_evaluate_without_no_grad.py"),
                                             ("train-eval-loop", "wrong_evaluate_records_graph.py")])
def test_evaluation_balloon_cannot_hide_a_recorded_graph(exercise, wrong, grade_file):
    """evaluate() without no_grad records a graph over a wide forward (over 100 MB) and loses the grader's points;
    with a 256 MiB balloon freed at the start of evaluate() and taken back at its end, the worker's peak stayed
    below where it started and it got full marks. Now the balloon is refused, and the attack scores exactly what
    the plain mistake does."""
    grader = "test_evaluate_in_eval_mode_without_grad"
    plain = grade_file(exercise, CORPUS / exercise / wrong, seed=5)
    assert outcomes(plain)[grader][0] == "failed", outcomes(plain)
    attack = grade_file(exercise, ATTACKS / f"{exercise.replace('-', '_')}_balloon.py", seed=5)
    outcome = outcomes(attack)
    assert outcome[grader][0] == "failed", outcome
    assert REFUSED in outcome[grader][1], outcome
    assert [name for name, (state, _) in outcome.items() if state != "passed"] == [grader], outcome
    assert attack.score == plain.score, (attack.score, plain.score)
