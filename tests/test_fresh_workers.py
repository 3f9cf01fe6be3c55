"""Memory taken in advance cannot hide a measured call (issue #10). Every grader that measures memory runs its
measured call in a fresh worker (learner.fresh) that refuses a call starting with more than a little memory above its
size before the submission loaded. Each attack in tests/measure_attacks/ is a mistake a measured grader catches, plus
a balloon allocated at import and freed inside the measured call (taken back afterwards where that helps): each got
that grader's points when it measured in the graders' worker. Now the balloon is refused, and the rest of the file is
graded as before. (hessian-vector-product's and custom-activations' attacks are in test_trust.py.)"""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS, ROOT, write

ATTACKS = ROOT / "tests" / "measure_attacks"
REFUSED = "already held"  # measure(room=...) refuses a call that starts with memory taken in advance


def outcomes(result):
    return {t.name: (t.outcome, t.message) for t in result.tests}


def test_activation_checkpointing_balloon_cannot_hide_kept_activations(grade_file):
    """A plain forward keeps every block's inner activations (66 MB for 4 blocks) and loses the measured grader's
    3 points; with a 256 MiB balloon freed at the start of each measured forward and taken back once its output was
    freed, the worker held less after the forward than before it, and the file got full marks. The cases now run
    in a fresh worker, where the balloon is refused before the forward pass runs."""
    grader = "test_saves_at_most_block_inputs"
    plain = outcomes(grade_file("activation-checkpointing", CORPUS / "activation-checkpointing" /
                                "wrong_plain_forward.py", seed=5))
    assert plain[grader][0] == "failed" and "holds" in plain[grader][1], plain
    outcome = outcomes(grade_file("activation-checkpointing", ATTACKS / "activation_checkpointing_balloon.py", seed=5))
    assert outcome[grader][0] == "failed", outcome
    assert REFUSED in outcome[grader][1], outcome
    assert [name for name, (state, _) in outcome.items() if state != "passed"] == [grader], outcome


def test_custom_function_ctx_balloon_cannot_hide_an_unneeded_gradient(grade_file):
    """A MatMul whose backward forms both gradients and only then drops the one not needed (an n x n matrix, 32 MiB)
    loses the measured grader's point; with a 256 MiB balloon freed at the start of a big backward and taken back
    by the next forward, backward's peak did not rise, and the file got full marks. Measured in a fresh worker, with
    room for the product's inputs the judge built and 4 MiB more, the balloon is refused."""
    grader = "test_matmul_never_computes_unneeded_gradient"
    plain = outcomes(grade_file("custom-function-ctx", CORPUS / "custom-function-ctx" /
                                "wrong_computes_then_drops.py", seed=5))
    assert plain[grader][0] == "failed" and "rose by" in plain[grader][1], plain
    outcome = outcomes(grade_file("custom-function-ctx", ATTACKS / "custom_function_ctx_balloon.py", seed=5))
    assert outcome[grader][0] == "failed", outcome
    assert REFUSED in outcome[grader][1], outcome
    assert [name for name, (state, _) in outcome.items() if state != "passed"] == [grader], outcome


def test_fix_checkpoint_inference_balloon_cannot_hide_a_recorded_graph(grade_file):
    """An accuracy that runs the model with autograd recording (its graph, about 13 x 4 MB, alive while the forward
    runs) loses the measured grader's point; with a 256 MiB balloon freed at the start of each big call and taken back
    at its end, the worker's peak never rose, and the file got full marks. Measured in a fresh worker, with room for
    the model and batches the judge built and 1 MiB more, the balloon is refused."""
    grader = "test_accuracy_records_no_graph"
    plain = outcomes(grade_file("fix-checkpoint-inference", CORPUS / "fix-checkpoint-inference" /
                                "wrong_accuracy_with_graph.py", seed=5))
    assert plain[grader][0] == "failed" and "as if a graph were recorded" in plain[grader][1], plain
    outcome = outcomes(grade_file("fix-checkpoint-inference", ATTACKS / "fix_checkpoint_inference_balloon.py", seed=5))
    assert outcome[grader][0] == "failed", outcome
    assert REFUSED in outcome[grader][1], outcome
    assert [name for name, (state, _) in outcome.items() if state != "passed"] == [grader], outcome


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
    assert "torch.compile" not in outcome["test_train_epoch_returns_only_floats"][1], outcome


def test_memory_a_compiled_helper_holds_is_refused_with_a_word_on_torch_compile(grade_file):
    """A right fix-loss-accumulation whose loss is a torch.compile'd helper: what Dynamo keeps after its first compile
    (an unmeasured call) is held before the measured ones, which are refused like a balloon, and the message says
    that torch.compile is the reason (the source's text only picks the hint; the refusal is the same for any file)."""
    outcome = outcomes(grade_file("fix-loss-accumulation", ATTACKS / "fix_loss_accumulation_compiled_helper.py",
                                  seed=5))
    assert outcome["test_train_matches_reference"][0] == "passed", outcome
    grader = "test_train_epoch_returns_only_floats"
    assert outcome[grader][0] == "failed", outcome
    assert "already held" in outcome[grader][1] and "torch.compile keeps" in outcome[grader][1], outcome


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


def test_a_worker_of_its_own_stopped_in_a_measured_grader_says_why(grade_file, tmp_path):
    """A measured call runs in a worker of its own (learner.fresh): when that worker is stopped (here a backward that
    never ends on the big measured product), the result says what stopped it, never that prep failed."""
    from grader.judge.session import Limits

    source = (CORPUS / "custom-function-ctx" / "right_naive_row_loop.py").read_text(encoding="utf-8")
    stuck = source.replace("        a, b = ctx.saved_tensors\n        ga = None\n",
                           "        a, b = ctx.saved_tensors\n        while a.numel() > 10**6 or b.numel() > 10**6:\n"
                           "            pass\n        ga = None\n", 1)
    assert stuck != source
    path = write(tmp_path, "custom-function-ctx.py", stuck)
    result = grade_file("custom-function-ctx", path, seed=5, limits=Limits(call_s=3.0, wall_s=90.0))
    assert result.status == "timeout", (result.status, result.message)
    assert "still running" in result.message and "prep's fault" not in result.message, result.message
    assert outcomes(result)["test_matmul_never_computes_unneeded_gradient"][0] == "failed"
