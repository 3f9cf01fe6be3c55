"""Hidden graders for fix-checkpoint-inference: exact resume with Adam, inference outputs, accuracy."""

import math

import torch

from grader.judge.checks import CheckFailure, expect_close


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


def test_inference_outputs(learner, device, rng):
    """The loaded model is in eval mode everywhere and gives the trained model's eval outputs, twice the same."""
    got = learner.probe("inference_report", seed_of(rng), str(device))
    if not got["same_state"] or not got["all_eval"]:
        raise CheckFailure("load_for_inference must load every tensor of the state_dict and return the model in eval mode")
    for out in got["outs"]:
        expect_close(out, got["want"], what="the loaded model's output")


def test_resume_is_exact(learner, device, rng):
    """Saving after 3 Adam steps and resuming gives the same losses as 6 uninterrupted steps."""
    got = learner.probe("resume_report", seed_of(rng), str(device))
    if got["epoch"] != 3:
        raise CheckFailure("resume must return the epoch stored by save_checkpoint")
    if not all(math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-7) for a, b in zip(got["straight"], got["resumed"])):
        raise CheckFailure("training resumed from the checkpoint does not continue like the uninterrupted run: "
                           "restore the optimizer's state too")


def test_accuracy(learner, device, rng):
    """accuracy is the fraction of arg-max hits in eval mode, records no graph, and keeps the model's mode."""
    # In train mode, dropout can leave 24 predictions unchanged by chance: three draws make that vanishingly rare.
    for start_training in (True, True, True, False):
        got = learner.probe("accuracy_report", seed_of(rng), start_training, str(device))
        if not isinstance(got["value"], float) or not math.isclose(got["value"], got["want"], abs_tol=1e-9):
            raise CheckFailure("accuracy must be the fraction (0 to 1) of correct arg-max predictions in eval mode")
        if got["saved"]:
            raise CheckFailure("accuracy records a graph (tensors were saved for backward)")
        if not got["mode_kept"]:
            raise CheckFailure("after accuracy, the model must be back in the train/eval mode it was in before")
