"""Hidden graders for batchnorm-train-eval: random batches and states, against nn.BatchNorm2d."""

import torch

from grader.judge.checks import CheckFailure, expect_close

C = 3


def batches(rng, device, n, shape=(4, C, 5, 6)):
    return [(torch.randn(shape, generator=rng, dtype=torch.float64) * (1 + k) + k).to(device) for k in range(n)]


def random_state(rng, device, affine=True):
    state = {"running_mean": torch.randn(C, generator=rng, dtype=torch.float64),
             "running_var": torch.rand(C, generator=rng, dtype=torch.float64) + 0.5,
             "num_batches_tracked": torch.tensor(3)}
    if affine:
        state = {"weight": torch.randn(C, generator=rng, dtype=torch.float64),
                 "bias": torch.randn(C, generator=rng, dtype=torch.float64), **state}
    return {k: v.to(device) for k, v in state.items()}


def reference(kwargs, state, xs, modes, grad_outputs=None):
    bn = torch.nn.BatchNorm2d(C, **kwargs).to(xs[0].device, torch.float64)
    if state is not None:
        bn.load_state_dict(state)
    outs, buffers, grads = [], [], []
    for k, (x, mode) in enumerate(zip(xs, modes)):
        bn.train(mode == "train")
        x = x.detach().requires_grad_()
        y = bn(x)
        outs.append(y.detach())
        buffers.append({n: b.detach().clone() for n, b in bn.named_buffers()})
        if grad_outputs is not None:
            grads.append(torch.autograd.grad(y, [x] + list(bn.parameters()), grad_outputs[k]))
    return outs, buffers, grads


def compare(learner, kwargs, state, xs, modes, what):
    got = learner.probe("run", [C], kwargs, state, xs, modes)
    outs, buffers, _ = reference(kwargs, state, xs, modes)
    for k, (mode, a, b) in enumerate(zip(modes, got["outs"], outs)):
        expect_close(a, b, rtol=1e-9, atol=1e-10, what=f"the output of batch {k + 1} ({mode} mode, {what})")
        for name in ("running_mean", "running_var"):
            expect_close(got["buffers"][k].get(name), buffers[k][name], rtol=1e-9, atol=1e-12,
                         what=f"{name} after batch {k + 1} ({mode} mode, {what})")
        if int(got["buffers"][k].get("num_batches_tracked", -1)) != int(buffers[k]["num_batches_tracked"]):
            raise CheckFailure(f"num_batches_tracked after batch {k + 1} is not right ({what})")


def test_train_mode_matches_batchnorm(learner, device, rng):
    """Over 4 training batches, outputs and running statistics (unbiased variance) equal nn.BatchNorm2d's."""
    compare(learner, {}, None, batches(rng, device, 4), ["train"] * 4, "default momentum")
    compare(learner, {"momentum": 0.3, "eps": 1e-3}, random_state(rng, device), batches(rng, device, 3), ["train"] * 3,
            "momentum 0.3, eps 1e-3, loaded state")


def test_eval_mode_uses_running_statistics(learner, device, rng):
    """In eval mode the output uses the running statistics, which do not change; switching back resumes training."""
    compare(learner, {}, random_state(rng, device), batches(rng, device, 5), ["train", "eval", "train", "eval", "eval"],
            "alternating modes")


def test_eval_output_is_per_sample(learner, device, rng):
    """In eval mode a sample's output does not depend on the rest of its batch."""
    state, (x,) = random_state(rng, device), batches(rng, device, 1)
    whole = learner.probe("run", [C], {}, state, [x], ["eval"])["outs"][0]
    alone = learner.probe("run", [C], {}, state, [x[1:2]], ["eval"])["outs"][0]
    expect_close(alone, whole[1:2], rtol=1e-12, atol=1e-12, what="one sample alone against inside its batch (eval)")


def test_cumulative_average_momentum_none(learner, device, rng):
    """momentum=None keeps a cumulative average: factor 1 / num_batches_tracked."""
    compare(learner, {"momentum": None}, None, batches(rng, device, 4), ["train"] * 4, "momentum None")


def test_affine_false(learner, device, rng):
    """affine=False has no weight or bias, only the buffers."""
    got = learner.probe("run", [C], {"affine": False}, None, batches(rng, device, 1), ["train"])
    if got["keys"] != ["running_mean", "running_var", "num_batches_tracked"]:
        raise CheckFailure("with affine=False the state_dict should hold only the three buffers")
    compare(learner, {"affine": False}, random_state(rng, device, affine=False), batches(rng, device, 2),
            ["train", "eval"], "affine=False")


def test_state_dict_matches_batchnorm(learner, device, rng):
    """The state_dict has nn.BatchNorm2d's keys in its order, so states load both ways."""
    got = learner.probe("run", [C], {}, random_state(rng, device), batches(rng, device, 1), ["train"])
    if got["keys"] != list(torch.nn.BatchNorm2d(C).state_dict()):
        raise CheckFailure("the state_dict keys should be weight, bias, running_mean, running_var, num_batches_tracked")


def test_gradients_match_batchnorm(learner, device, rng):
    """In train mode the gradients for the input, weight and bias equal nn.BatchNorm2d's (through the batch statistics)."""
    state, xs = random_state(rng, device), batches(rng, device, 2)
    gos = [torch.randn(x.shape, generator=rng, dtype=torch.float64).to(device) for x in xs]
    got = learner.probe("run", [C], {}, state, xs, ["train", "eval"], gos)
    _, _, want = reference({}, state, xs, ["train", "eval"], gos)
    for k, mode in enumerate(("train", "eval")):
        for name, a, b in zip(("input", "weight", "bias"), got["grads"][k], want[k]):
            expect_close(a, b, rtol=1e-8, atol=1e-10, what=f"the gradient for the {name} in {mode} mode")
