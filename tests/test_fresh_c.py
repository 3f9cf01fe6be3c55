"""Memory taken in advance cannot hide a measured call (issue #10), helper C's exercises: fix-del-saved-tensors,
fix-loss-accumulation and grad-accumulation measure in a fresh worker (learner.fresh) that refuses a call starting
with more than a little memory taken above its size before the submission loaded. Each attack is a wrong answer the
measured grader catches, plus a balloon taken at import and freed inside the measured call: each got the measured
grader's points before."""

from __future__ import annotations

from tests.conftest import ROOT

ATTACKS = ROOT / "tests" / "measure_attacks"


def outcomes(result):
    return {t.name: (t.outcome, t.message) for t in result.tests}


def test_a_balloon_cannot_hide_the_graph_predict_builds(grade_file):
    """fix-del-saved-tensors: predict that builds the graph and detaches the output (caught by the peak measured in
    test_predict_saves_nothing) got full marks when it freed a 128 MiB balloon at the start of a large predict and
    took it back once the output was dropped. Measured in a fresh worker, the balloon is refused."""
    plain = grade_file("fix-del-saved-tensors", ATTACKS / "fix_del_saved_tensors_plain.py", seed=5)
    assert outcomes(plain)["test_predict_saves_nothing"][0] == "failed", outcomes(plain)
    result = grade_file("fix-del-saved-tensors", ATTACKS / "fix_del_saved_tensors_balloon.py", seed=5)
    outcome = outcomes(result)
    assert outcome["test_predict_saves_nothing"][0] == "failed", outcome
    assert "already held" in outcome["test_predict_saves_nothing"][1], outcome
    assert outcome["test_predict_values"][0] == "passed", outcome  # the rest of the file runs as before
    assert outcome["test_grad_mode_after_predict"][0] == "passed", outcome
    assert result.score <= plain.score  # the balloon earns nothing over the plain mistake


def test_a_balloon_cannot_hide_the_input_predict_keeps(grade_file):
    """fix-del-saved-tensors: predict that keeps the caller's input in a global (caught by what the worker keeps in
    test_predict_frees_input) passed that grader when it freed a 64 MiB balloon inside the measured call, so the
    worker held less afterwards. Measured in a fresh worker, the balloon is refused."""
    outcome = outcomes(grade_file("fix-del-saved-tensors", ATTACKS / "fix_del_saved_tensors_balloon_kept.py", seed=5))
    assert outcome["test_predict_frees_input"][0] == "failed", outcome
    assert "already held" in outcome["test_predict_frees_input"][1], outcome
    assert outcome["test_saved_bytes_linear_example"][0] == "passed", outcome


def test_a_balloon_cannot_hide_the_graph_evaluate_records(grade_file):
    """fix-loss-accumulation: evaluate without no_grad (caught by the peak measured in test_evaluate_records_no_graph)
    got full marks when it freed a 128 MiB balloon at the start of a large evaluate. Measured in a fresh worker, the
    balloon is refused."""
    result = grade_file("fix-loss-accumulation", ATTACKS / "fix_loss_accumulation_balloon.py", seed=5)
    outcome = outcomes(result)
    assert outcome["test_evaluate_records_no_graph"][0] == "failed", outcome
    assert "already held" in outcome["test_evaluate_records_no_graph"][1], outcome
    assert outcome["test_evaluate"][0] == "passed", outcome  # the rest of the file runs as before
    assert outcome["test_train_epoch_returns_only_floats"][0] == "failed", outcome  # the balloon is refused there too


def test_a_balloon_cannot_hide_the_graphs_train_epoch_keeps(grade_file):
    """fix-loss-accumulation: train_epoch that keeps every loss tensor in a module list (caught by what the worker
    keeps in test_train_epoch_returns_only_floats) got full marks when it freed a 128 MiB balloon at the start of the
    epoch over large tables. Measured in a fresh worker, the balloon is refused."""
    outcome = outcomes(grade_file("fix-loss-accumulation", ATTACKS / "fix_loss_accumulation_balloon_kept.py", seed=5))
    assert outcome["test_train_epoch_returns_only_floats"][0] == "failed", outcome
    assert "already held" in outcome["test_train_epoch_returns_only_floats"][1], outcome
    assert outcome["test_train_matches_reference"][0] == "passed", outcome


def test_a_balloon_cannot_hide_a_whole_batch_at_once(grade_file):
    """grad-accumulation: accumulated_grads on the full batch and train_accumulated on each group concatenated (each
    caught by the peak its measured grader reads) got full marks when they freed a 192 MiB balloon at the start of a
    large call and took it back before returning. Measured in a fresh worker, the balloon is refused."""
    result = grade_file("grad-accumulation", ATTACKS / "grad_accumulation_balloon.py", seed=5)
    outcome = outcomes(result)
    for name in ("test_runs_one_micro_batch_at_a_time", "test_training_runs_one_micro_batch_at_a_time"):
        assert outcome[name][0] == "failed", outcome
        assert "already held" in outcome[name][1], outcome
    assert outcome["test_equal_chunks"][0] == "passed", outcome  # the rest of the file runs as before
    assert outcome["test_training_matches_large_batches"][0] == "passed", outcome
