"""Hidden graders for activation-checkpointing: saved bytes, recomputation, gradients with and without dropout."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def config(rng):
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    width = int(torch.randint(4, 10, (1,), generator=rng))
    depth = int(torch.randint(2, 5, (1,), generator=rng))
    batch = int(torch.randint(8, 24, (1,), generator=rng))
    return seed, width, depth, batch


def compare(learner, device, args, what):
    got = learner.probe("run", *args, True, str(device))
    plain = learner.probe("run", *args, False, str(device))
    expect_close(got["out"], plain["out"], what=f"the output {what}")
    if args[-1]:
        if got["x_grad"] is None:
            raise CheckFailure(f"x gets no gradient {what}")
        expect_close(got["x_grad"], plain["x_grad"], what=f"the gradient for x {what}")
    for i, (a, b) in enumerate(zip(got["grads"], plain["grads"])):
        if a is None:
            raise CheckFailure(f"parameter {i} gets no gradient {what}")
        expect_close(a, b, what=f"the gradient of parameter {i} {what}")
    return got, plain


def test_saves_at_most_block_inputs(learner, device, rng):
    """The forward saves at most one input-sized tensor per block (here under a third of the plain forward)."""
    seed, width, depth, batch = config(rng)
    got, plain = compare(learner, device, (seed, width, depth, batch, False, True), "with checkpointing")
    limit = depth * batch * width * 8  # one float64 activation of the block's input size per block
    if got["saved"] > limit:
        raise CheckFailure("checkpointed_forward still saves the blocks' inner activations for backward")


def test_recomputes_in_backward(learner, device, rng):
    """Each block runs once in the forward pass and once more during backward (recomputation)."""
    seed, width, depth, batch = config(rng)
    got = learner.probe("run", seed, width, depth, batch, False, True, True, str(device))
    if got["forward_calls"] != [1] * depth:
        raise CheckFailure("each block must run exactly once during the forward pass")
    if got["calls"] != [2] * depth:
        raise CheckFailure("each block must be recomputed exactly once during backward (that is what checkpointing does)")


def test_gradients_input_without_grad(learner, device, rng):
    """With x not requiring grad, every parameter still gets the plain forward's gradient."""
    seed, width, depth, batch = config(rng)
    compare(learner, device, (seed, width, depth, batch, False, False), "when x does not require grad")


def test_gradients_with_dropout(learner, device, rng):
    """With Dropout in the blocks, the recomputation uses the same masks: gradients equal the plain forward's."""
    seed, width, depth, batch = config(rng)
    compare(learner, device, (seed, width, depth, batch, True, True), "with dropout in the blocks")
