"""Public graders for fix-checkpoint-inference."""

from grader.judge.checks import CheckFailure, expect_close


def test_load_for_inference_example(learner, device):
    """A trained Linear-BatchNorm-ReLU-Dropout-Linear net, saved and loaded: same weights, eval mode, same outputs."""
    got = learner.probe("inference_report", 0, str(device))
    if not got["same_state"]:
        raise CheckFailure("the loaded model's state_dict differs from the saved model's")
    if not got["all_eval"]:
        raise CheckFailure("load_for_inference must return the model in eval mode (Dropout, BatchNorm)")
    for out in got["outs"]:
        expect_close(out, got["want"], what="the loaded model's output", inputs="seed 0, a batch of 8 inputs")
