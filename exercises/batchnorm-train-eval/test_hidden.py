"""Hidden graders for batchnorm-train-eval: random batches (both signs, awkward shapes, other memory layouts) and
states per run, against nn.BatchNorm2d run here, in the judge; momentum None, 0.0 and 1.0 as fixed cases.

nn.BatchNorm* and the functional normalisations are not checked here by name: the exercise's bans switch them off
(by identity, and their ATen operators) in the worker, so code that leans on them fails every grader that runs it.
"""

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_tensor, summarize
from grader.judge.kit import adversarial, positive
from grader.judge.remote import received_info

C = 3
BUFFERS = ("running_mean", "running_var", "num_batches_tracked")
# (N, C, H, W): ordinary, a single sample, a single row, sizes that are all different and odd
SHAPES = [(4, C, 5, 6), (1, C, 4, 3), (6, C, 1, 7), (5, C, 3, 3)]


def batches(rng, device, n, shapes=SHAPES, dtype=torch.float64):
    return [(adversarial(rng, shapes[k % len(shapes)]) * (1 + k) + k).to(device, dtype) for k in range(n)]


def random_state(rng, device, affine=True, dtype=torch.float64):
    state = {"running_mean": adversarial(rng, (C,)), "running_var": positive(rng, (C,), low=0.5, high=2.0),
             "num_batches_tracked": torch.tensor(3)}
    if affine:
        state = {"weight": adversarial(rng, (C,)), "bias": adversarial(rng, (C,)), **state}
    return {k: v.to(device) if k == "num_batches_tracked" else v.to(device, dtype) for k, v in state.items()}


def reference(kwargs, state, xs, modes, grad_outputs=None):
    bn = torch.nn.BatchNorm2d(C, **kwargs).to(xs[0].device, xs[0].dtype)
    if state is not None:
        bn.load_state_dict(state)
    outs, buffers, grads = [], [], []
    for k, (x, mode) in enumerate(zip(xs, modes)):
        bn.train(mode.startswith("train"))
        x = x.detach().requires_grad_()
        with torch.set_grad_enabled(not mode.endswith("no_grad")):
            y = bn(x)
        outs.append(y.detach())
        buffers.append({n: b.detach().clone() for n, b in bn.named_buffers()})
        if grad_outputs is not None:
            grads.append(torch.autograd.grad(y, [x] + list(bn.parameters()), grad_outputs[k]))
    return outs, buffers, grads, {k: v.clone() for k, v in bn.state_dict().items()}


def expect_state_keys(learner, kwargs):
    """The module's state_dict keys, in order, before a state is loaded into it (so that a missing buffer is named)."""
    want = list(BUFFERS) if kwargs.get("affine") is False else ["weight", "bias", *BUFFERS]
    got = learner.probe("fresh_state", [C], kwargs)
    keys = got.get("keys") if isinstance(got, dict) else got
    if keys != want:
        raise CheckFailure(f"the state_dict keys should be {', '.join(want)}, in that order (parameters, then buffers "
                           "registered with register_buffer)", f"received {summarize(keys)}")
    for k in want:
        expect_tensor(got["state"].get(k), what=f"the state_dict's {k}", shape=() if k == "num_batches_tracked" else (C,))


def learner_run(learner, kwargs, state, xs, modes, grad_outputs=None, layout="contiguous"):
    if state is not None:
        expect_state_keys(learner, kwargs)
    got = learner.probe("run", [C], kwargs, state, xs, modes, grad_outputs, layout=layout)
    if not isinstance(got, dict) or not isinstance(got.get("outs"), list) or len(got["outs"]) != len(xs):
        raise CheckFailure("MyBatchNorm2d must return one output per batch", f"received {summarize(got)}")
    return got


def compare(learner, kwargs, state, xs, modes, what, layout="contiguous", tol=(1e-9, 1e-10)):
    got = learner_run(learner, kwargs, state, xs, modes, layout=layout)
    outs, buffers, _, _ = reference(kwargs, state, xs, modes)
    rtol, atol = tol
    for k, (mode, a, b) in enumerate(zip(modes, got["outs"], outs)):
        shape = tuple(xs[k].shape)
        expect_close(a, b, rtol=rtol, atol=atol, what=f"the output of batch {k + 1} of shape {shape} ({mode} mode, {what})")
        mine = got["buffers"][k] if isinstance(got["buffers"][k], dict) else {}
        for name in BUFFERS:
            if name not in mine:
                raise CheckFailure(f"{name} is not among the module's buffers: register it with register_buffer")
            # in eval mode a buffer that moved is the eval path's fault, whatever the case is about
            rule = (", which leaves running_mean, running_var and num_batches_tracked as they were"
                    if mode.startswith("eval") else "")
            expect_close(mine.get(name), buffers[k][name], rtol=rtol, atol=atol * 0.01,
                         what=f"{name} after batch {k + 1} ({mode} mode{rule}; {what})")
    return got


def test_train_mode_matches_batchnorm(learner, device, rng):
    """Over several training batches (one sample, one row, odd sizes, channels_last, strided and H/W-transposed
    layouts, float32,
    channel means large against their spread, train-mode calls under torch.no_grad(), calls from a caller inside
    torch.no_grad(), which finds grad mode still off afterwards), outputs and running statistics
    (unbiased variance) equal nn.BatchNorm2d's."""
    compare(learner, {}, None, batches(rng, device, 4), ["train"] * 4, "default momentum")
    # the random shapes change N at every batch: a correction n / (n - 1) remembered per N, per (H, W) or from the
    # first batch passed them; here one N comes back with other H, W, and one H, W with another N
    same_n_or_hw = [(4, C, 5, 6), (4, C, 2, 3), (2, C, 2, 3), (2, C, 5, 6)]
    compare(learner, {}, None, batches(rng, device, 4, shapes=same_n_or_hw), ["train"] * 4,
            "one module over batches (4, 3, 5, 6), (4, 3, 2, 3), (2, 3, 2, 3), (2, 3, 5, 6): the unbiased variance "
            "of each batch uses that batch's own N * H * W")
    far = [x + 1e5 for x in batches(rng, device, 2)]  # E[x^2] - E[x]^2 loses about 1e-6 here
    # the outputs' own rounding here is about 1e-10 (x - mean at 1e5 in float64), E[x^2] - E[x]^2's error about 1e-6
    compare(learner, {}, random_state(rng, device), far, ["train", "eval"],
            "channel means near 1e5 with unit spread; the train batch's variance from centred values, the eval "
            "batch normalised with the running statistics", tol=(1e-9, 1e-8))
    compare(learner, {}, random_state(rng, device), batches(rng, device, 3), ["train_no_grad", "train", "train_no_grad"],
            "train mode under torch.no_grad() still updates the running statistics and num_batches_tracked")
    with learner.ambient(grad=False):  # called from a caller inside torch.no_grad(), which keeps grad mode off
        compare(learner, {}, random_state(rng, device), batches(rng, device, 3),
                ["train_as_called", "eval_as_called", "train_as_called"],
                "called by a caller inside torch.no_grad() (forward must leave grad mode off for that caller)")
    compare(learner, {"momentum": 0.3, "eps": 1e-3}, random_state(rng, device), batches(rng, device, 3), ["train"] * 3,
            "momentum 0.3, eps 1e-3, loaded state")
    for layout in ("channels_last", "strided", "hw_transposed"):
        compare(learner, {}, random_state(rng, device), batches(rng, device, 2), ["train", "eval"],
                f"{layout} input", layout=layout)
    compare(learner, {}, random_state(rng, device, dtype=torch.float32), batches(rng, device, 2, dtype=torch.float32),
            ["train", "eval"], "float32", tol=(1e-5, 1e-5))


def test_eval_mode_uses_running_statistics(learner, device, rng):
    """In eval mode the output uses the running statistics, which do not change; switching back resumes training;
    eval mode uses the module's own eps."""
    compare(learner, {}, random_state(rng, device), batches(rng, device, 5), ["train", "eval", "train", "eval", "eval"],
            "alternating modes")
    for eps in (0.1, 1e-9):
        compare(learner, {"eps": eps}, random_state(rng, device), batches(rng, device, 3), ["eval", "train", "eval"],
                f"eps={eps}: eval mode must use self.eps too")


def test_eval_output_is_per_sample(learner, device, rng):
    """In eval mode a sample's output does not depend on the rest of its batch, and inference under no_grad
    leaves the input unchanged."""
    state, (x,) = random_state(rng, device), batches(rng, device, 1)
    whole = learner_run(learner, {}, state, [x], ["eval"])["outs"][0]
    alone = learner_run(learner, {}, state, [x[1:2]], ["eval"])["outs"][0]
    expect_close(alone, whole[1:2], rtol=1e-12, atol=1e-12, what="one sample alone against inside its batch (eval)")
    expect_state_keys(learner, {})
    got = learner.probe("infer", state, x)
    want = reference({}, state, [x], ["eval"])[0][0]
    expect_close(got.get("out"), want, rtol=1e-9, atol=1e-10, what="the output in eval mode under torch.no_grad()")
    expect_close(got.get("input_after"), x, rtol=0, atol=0,
                 what="the input after an eval-mode call under torch.no_grad() (it must not be modified)")


def test_cumulative_average_momentum_none(learner, device, rng):
    """momentum=None keeps a cumulative average: factor 1 / num_batches_tracked, from a fresh and a loaded state."""
    compare(learner, {"momentum": None}, None, batches(rng, device, 4), ["train"] * 4, "momentum None")
    compare(learner, {"momentum": None}, random_state(rng, device), batches(rng, device, 2), ["train"] * 2,
            "momentum None, loaded state with num_batches_tracked 3")


def test_explicit_momentum_values(learner, device, rng):
    """An explicit momentum is used as given: 0.0 leaves the running statistics where they are (num_batches_tracked
    still counts), 1.0 replaces them by the last batch's."""
    for m in (0.0, 1.0):
        compare(learner, {"momentum": m}, random_state(rng, device), batches(rng, device, 3), ["train"] * 3,
                f"momentum {m}")


def test_affine_false(learner, device, rng):
    """affine=False has no weight or bias, only the buffers."""
    got = learner.probe("fresh_state", [C], {"affine": False})
    if not isinstance(got, dict) or got.get("keys") != list(BUFFERS):
        raise CheckFailure("with affine=False the state_dict should hold only running_mean, running_var and "
                           "num_batches_tracked, in that order", f"received {summarize(got)}")
    compare(learner, {"affine": False}, random_state(rng, device, affine=False), batches(rng, device, 2),
            ["train", "eval"], "affine=False")


def test_state_dict_matches_batchnorm(learner, device, rng):
    """A fresh state_dict has nn.BatchNorm2d's keys in its order, shapes (C,), float32 values ones/zeros and a 0-d
    int64 num_batches_tracked; after training, the parameters are untouched and the state loads into nn.BatchNorm2d."""
    got = learner.probe("fresh_state", [C], {})
    want = torch.nn.BatchNorm2d(C).state_dict()
    if not isinstance(got, dict) or got.get("keys") != list(want):
        raise CheckFailure("the state_dict keys should be weight, bias, running_mean, running_var, num_batches_tracked, "
                           "in that order", f"received {summarize(got.get('keys') if isinstance(got, dict) else got)}")
    for k, w in want.items():
        expect_close(got["state"].get(k), w, rtol=0, atol=0, what=f"the fresh state_dict's {k}")
    state, xs = random_state(rng, device), batches(rng, device, 3)
    got = learner_run(learner, {}, state, xs, ["train"] * 3)
    _, _, _, want = reference({}, state, xs, ["train"] * 3)
    mine = got.get("state") if isinstance(got.get("state"), dict) else {}
    for k, w in want.items():
        expect_close(mine.get(k), w, rtol=1e-9, atol=1e-12,
                     what=f"the state_dict's {k} after 3 training batches (parameters must not move; no two "
                          "parameters or buffers may share storage)")


def test_gradients_match_batchnorm(learner, device, rng):
    """In train mode the gradients for the input, weight and bias equal nn.BatchNorm2d's (through the batch
    statistics); in eval mode too (through the running statistics, as constants)."""
    state, xs = random_state(rng, device), batches(rng, device, 3)
    modes = ["train", "eval", "train"]
    gos = [adversarial(rng, tuple(x.shape)).to(device) for x in xs]
    got = learner_run(learner, {}, state, xs, modes, gos)
    _, _, want, _ = reference({}, state, xs, modes, gos)
    if not isinstance(got.get("grads"), list) or len(got["grads"]) != len(xs):
        raise CheckFailure("the gradients could not be computed for every batch", f"received {summarize(got.get('grads'))}")
    for k, mode in enumerate(modes):
        if not isinstance(got["grads"][k], list) or len(got["grads"][k]) != 3:
            raise CheckFailure("named_parameters() must give exactly weight and bias")
        for name, a, b in zip(("input", "weight", "bias"), got["grads"][k], want[k]):
            if a is None:
                raise CheckFailure(f"the {name} gets no gradient in {mode} mode (batch {k + 1}): the output must depend "
                                   f"on it through the autograd graph (do not detach it), in eval mode too")
            expect_close(a, b, rtol=1e-8, atol=1e-10, what=f"the gradient for the {name} in {mode} mode (batch {k + 1})")


def measured_reference(shape, steps, seed):
    """What forward_passes should give, from nn.BatchNorm2d here: the running statistics after `steps` train-mode
    passes over the same batches, and each output's sums of y^2 and y * x^2."""
    gen = torch.Generator().manual_seed(seed)
    bn = torch.nn.BatchNorm2d(shape[1]).double().train()
    sums = []
    with torch.no_grad():
        for _ in range(steps):
            x = torch.randn(shape, generator=gen, dtype=torch.float64)
            y = bn(x)
            sums.append(torch.tensor([float(y.square().sum()), float((y * x.square()).sum())], dtype=torch.float64))
    return {"running_mean": bn.running_mean.clone(), "running_var": bn.running_var.clone(), "sums": sums}


MB = 1 << 20
# The forward passes are measured in a fresh worker (learner.fresh) that may hold at most this much more, when the
# call starts, than before the submission was loaded: memory taken in advance (a balloon allocated at import and
# freed at the first big batch) would otherwise make room for the kept graphs without the worker growing.
ROOM = MB


def test_running_statistics_keep_no_graph(learner, device, rng):
    """After a train step the running statistics are plain tensors (no requires_grad, no graph), and forward passes in
    train mode without backward do not pile up memory through them (what the worker holds after 25 of them is
    measured from outside, in a fresh worker that may hold at most 1 MiB more than before the submission was loaded:
    memory taken in advance, such as a buffer allocated at import and freed during the passes, would hide it)."""
    xs = batches(rng, device, 3)
    got = compare(learner, {}, random_state(rng, device), xs, ["train", "train", "eval"], "after training steps")
    for k, bufs in enumerate(got["buffers"]):
        for name in BUFFERS:
            info = received_info(bufs[name])
            if info is not None and info.requires_grad:
                raise CheckFailure(f"{name} requires grad after batch {k + 1}: the running statistics keep the "
                                   "batch's graph (update them from detached statistics, under torch.no_grad())")
    steps, shape = 25, (16, C, 64, 64)  # 25 batches of 1.5 MB: a kept graph holds every one of them
    # drawn per run from 2**31 and sent only with the measured request; the measured passes' values are checked too
    # (a module that only counted when measured, with no statistics and no output, had this grader's point)
    seed = int(torch.randint(0, 2**31 - 1, (), generator=rng))
    with learner.fresh(warm="warm_up") as clean, clean.measure(room=ROOM) as m:
        got = clean.probe("forward_passes", C, shape, steps, seed)
    tracked = got.get("tracked") if isinstance(got, dict) else got
    if tracked != steps:
        raise CheckFailure(f"num_batches_tracked should be {steps} after {steps} training batches", f"received {tracked!r}")
    want = measured_reference(shape, steps, seed)
    for name in ("running_mean", "running_var"):
        expect_close(got.get(name), want[name], rtol=1e-9, atol=1e-12,
                     what=f"{name} after the {steps} measured forward passes in train mode")
    sums = got.get("sums")
    if not isinstance(sums, list) or len(sums) != steps:
        raise CheckFailure(f"the {steps} measured forward passes must each return an output of the input's shape")
    for k, (a, b) in enumerate(zip(sums, want["sums"])):
        if not isinstance(a, list) or len(a) != 2:
            raise CheckFailure(f"the output of measured forward pass {k + 1} should have the input's shape")
        expect_close(torch.tensor(a, dtype=torch.float64), b, rtol=1e-9, atol=1e-6,
                     what=f"the output of measured forward pass {k + 1} (its sums of y^2 and y * x^2)")
    if m.kept > 16 * MB:
        raise CheckFailure(f"after {steps} forward passes in train mode the module holds {m.kept / MB:.0f} MB more: "
                           "the running statistics keep each batch's graph alive")
