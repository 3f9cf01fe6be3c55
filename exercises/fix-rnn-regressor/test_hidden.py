"""Hidden graders for fix-rnn-regressor: random weights, sequences and sine windows per run."""

import torch
import torch.nn as nn

from grader.judge.checks import CheckFailure, expect_close, expect_tensor
from grader.judge import kit
from grader.judge.kit import expect_float


class Reference(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, output_size=1):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        return self.fc(self.rnn(x)[0][:, -1])


def reference(args, rng, device):
    model = Reference(*args).to(device, torch.float64)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=rng, dtype=torch.float64) * 0.5)
    return model, {k: v.detach().clone() for k, v in model.state_dict().items()}


def expect_trained_state(got, model, after):
    """Every parameter of the learner's trained model (the probe's "state") equals the judge's replay, `model`."""
    state = got["state"] if isinstance(got.get("state"), dict) else {}
    for name, p in model.state_dict().items():
        if name not in state:
            raise CheckFailure(f"the trained model has no parameter {name}")
        expect_close(state[name], p.detach(), rtol=1e-8, atol=1e-12, what=f"{name} {after}")


def test_layers_are_rnn_and_fc(learner, rng):
    """The model keeps the seed's rnn (nn.RNN with batch_first=True: model.rnn itself reads and returns (B, T, ...)
    batches) and adds a Linear head named fc, with exactly nn.RNN's and nn.Linear(hidden_size, output_size)'s
    parameter names and shapes."""
    for args in ([3, 4, 2, 2], [5, 7, 1, 1], [2, 3, 3, 4]):
        got = learner.probe("state", args)
        want = [[k, list(v.shape), v.dtype] for k, v in sorted(Reference(*args).named_parameters())]
        if not isinstance(got, list) or [g[0] for g in got if isinstance(g, list)] != [w[0] for w in want]:
            raise CheckFailure(f"SimpleRNN{tuple(args)}'s parameters should be rnn.* (an nn.RNN) and fc.weight / "
                               "fc.bias (the head)")
        for g, w in zip(got, want):
            if g != w:
                raise CheckFailure(f"SimpleRNN{tuple(args)}'s parameter {w[0]} has the wrong shape or dtype")
    # model.rnn is the seed's batch-first RNN: called on its own with a (B, T, input_size) batch (B != T) it gives
    # the (B, T, hidden_size) outputs of each sequence (a time-major RNN fed x.transpose(0, 1) in forward does not)
    args = [3, 5, 2, 1]
    model, weights = reference(args, rng, "cpu")
    x = torch.randn(4, 6, 3, generator=rng, dtype=torch.float64)
    with torch.no_grad():
        want = model.rnn(x)[0]
    expect_close(learner.probe("rnn_outputs", args, weights, x), want, rtol=1e-9, atol=1e-12,
                 what="SimpleRNN(3, 5, 2).rnn on a (4, 6, 3) batch: self.rnn must stay nn.RNN(..., batch_first=True)")


def test_output_is_the_head_of_the_last_step(learner, device, rng):
    """With copied weights the output is fc(out[:, -1]), (B, output_size), for 1 to 3 layers, 1 to 6 steps, batches of
    1 to 10, output sizes 1 to 3."""
    for args in ([3, 8, 1, 1], [5, 6, 2, 2], [2, 4, 3, 3]):
        model, weights = reference(args, rng, device)
        for batch, steps in ((7, 6), (1, 6), (7, 1), (10, 3)):
            x = torch.randn(batch, steps, args[0], generator=rng, dtype=torch.float64).to(device)
            with torch.no_grad():
                want = model(x)
            expect_close(learner.probe("forward", args, weights, x), want, rtol=1e-9, atol=1e-12,
                         what=f"SimpleRNN{tuple(args)} on a {tuple(x.shape)} batch")


def test_samples_do_not_mix(learner, device, rng):
    """Each sequence's prediction depends on that sequence alone: permuting the batch permutes the outputs."""
    args = [4, 6, 2, 1]
    _, weights = reference(args, rng, device)
    x = torch.randn(6, 5, 4, generator=rng, dtype=torch.float64).to(device)
    perm = torch.randperm(6, generator=rng).to(device)
    a, b = learner.probe("forward", args, weights, x), learner.probe("forward", args, weights, x[perm])
    expect_tensor(a, what="the output", shape=(6, 1), dtype=torch.float64, device=device)
    expect_close(b, a[perm], rtol=1e-10, atol=1e-12, what="the outputs of a permuted batch")


def test_follows_the_input_dtype(learner, device, rng):
    """float64 input gives float64 output, float32 float32 and bfloat16 bfloat16: the initial hidden state follows
    x's dtype and device at every call (one model converted to float64 after a float32 call too; also on torch's meta
    device, so that an h0 made on the CPU is caught without a GPU)."""
    x = torch.randn(3, 4, 2, generator=rng, dtype=torch.float64).to(device)
    expect_tensor(learner.probe("forward", [2, 5, 2], None, x), what="the output for float64 input", shape=(3, 1),
                  dtype=torch.float64, device=device)
    x = torch.randn(5, 2, 3, generator=rng).to(device)
    expect_tensor(learner.probe("forward", [3, 4, 1, 2], None, x), what="the output for float32 input", shape=(5, 2),
                  dtype=torch.float32, device=device)
    # any dtype, not only the two named: a bfloat16 model on bfloat16 input needs a bfloat16 h0 (nn.RNN refuses a
    # float32 one)
    from grader.judge.session import LearnerError

    x = torch.randn(4, 3, 2, generator=rng).to(device, torch.bfloat16)
    what = "the output for bfloat16 input (a bfloat16 model)"
    try:
        out = learner.probe("forward", [2, 3, 2], None, x)
    except LearnerError as e:
        raise CheckFailure(f"{what} could not be computed: make h0 with x's dtype and device (x.new_zeros(...), or "
                           "torch.zeros(..., dtype=x.dtype, device=x.device)), whatever that dtype is, not a choice "
                           "between float32 and float64", e.summary()) from None
    expect_tensor(out, what=what, shape=(4, 1), dtype=torch.bfloat16, device=device)
    # the same model called again after .to(float64), with a batch of the same size: h0 follows x at every call
    x = torch.randn(3, 4, 2, generator=rng).to(device)
    what = "the second output of one model, called on float32 input, then converted with .to(torch.float64) and " \
           "called on the same input in float64 (a batch of the same size)"
    try:
        got = learner.probe("forward_then_converted", [2, 5, 1, 2], x, torch.float64)
    except LearnerError as e:
        raise CheckFailure(f"{what} could not be computed: make h0 from x at every call (x.new_zeros(...)); an h0 kept "
                           "from an earlier call (cached by batch size, or stored on the model) keeps that call's "
                           "dtype and device", e.summary()) from None
    got = kit.expect_tensors(got, 2, what=what)
    first = expect_tensor(got[0], what="the first output (float32)", shape=(3, 2), dtype=torch.float32, device=device)
    second = expect_tensor(got[1], what=what, shape=(3, 2), dtype=torch.float64, device=device)
    expect_close(second, first.double(), rtol=1e-4, atol=1e-5, what=what + " (the same weights, so the same values "
                 "up to float32 rounding)")
    # any device, without a GPU (kit.on_meta): on torch's meta device an h0 made on the CPU is refused by nn.RNN, or
    # the output lands on the CPU
    what = "the model and input on another device (torch's 'meta' device, which stands for any non-CPU device)"
    got = kit.on_meta(lambda: learner.probe("forward_on_meta", [2, 3, 2], [4, 3, 2], torch.float32), what=what,
                      fix="Make h0 on x's device (x.new_zeros(...), or torch.zeros(..., device=x.device, "
                          "dtype=x.dtype)): on a GPU the same code fails",
                      refused=lambda message: "device" in message and "meta" in message,
                      must_run=True)  # the reference runs on meta: an error there is no reason to leave the check out
    if got is not None and (got.get("type") != "Tensor" or got.get("device") != "meta" or got.get("shape") != [4, 1]):
        raise CheckFailure(f"{what} must give a (4, 1) output on x's device",
                           f"received a {got.get('type')} on {got.get('device')} of shape {got.get('shape')}")


def windows(rng, n, device, steps=20):
    freq = 0.2 + 0.4 * torch.rand(n, 1, generator=rng, dtype=torch.float64)
    phase = 6.28 * torch.rand(n, 1, generator=rng, dtype=torch.float64)
    s = torch.sin(freq * torch.arange(steps + 1, dtype=torch.float64) + phase)
    s = s + 0.05 * torch.randn(n, steps + 1, generator=rng, dtype=torch.float64)
    return s[:, :steps, None].to(device), s[:, steps:].to(device)


def float_losses(got, steps):
    losses = got.get("losses") if isinstance(got, dict) else None
    if not isinstance(losses, list):
        raise CheckFailure("fit() must return a list of the losses")
    if len(losses) != steps:
        raise CheckFailure(f"fit() must return one loss per step ({steps} steps), it returned {len(losses)}")
    for i, v in enumerate(losses):
        expect_float(v, what=f"fit()'s loss {i}")
    return losses


def replay(model, x, y, steps, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    want = []
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        want.append(loss.item())
    return want


def test_fit_takes_full_batch_adam_steps(learner, device, rng):
    """fit() is full-batch Adam on the MSE (a batch of 29, 2 layers): its losses and the parameters after the last step
    match a replay in the judge, step by step; also from a start next to the optimum, where Adam's first steps
    overshoot and the loss goes up: still exactly `steps` steps (no early stop); and with output_size 3 for 60 steps
    (the loss is MSELoss(model(x), y) on (B, 3) targets, not on a column or summed over outputs, and the learning rate
    stays lr: no schedule); a new model trained with an lr used before (nothing kept between fit calls); and with a
    model that arrives with gradients left in its .grad, which must not leak into the first step."""
    args = [1, 6, 2, 1]
    model, weights = reference(args, rng, device)
    x, y = windows(rng, 29, device, steps=8)
    got = learner.probe("fit_and_predict", args, weights, x, y, x, 10, 0.01)
    losses = float_losses(got, 10)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    want = []
    for _ in range(10):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        want.append(loss.item())
    expect_close(torch.tensor(losses, dtype=torch.float64), torch.tensor(want, dtype=torch.float64), rtol=1e-8,
                 atol=1e-12, what="the losses of 10 Adam steps")
    expect_trained_state(got, model, "after 10 steps (the last step must be applied too)")
    args3 = [2, 5, 1, 3]
    model3, weights3 = reference(args3, rng, device)
    x3 = torch.randn(13, 4, 2, generator=rng, dtype=torch.float64).to(device)
    y3 = torch.randn(13, 3, generator=rng, dtype=torch.float64).to(device)
    got = learner.probe("fit_and_predict", args3, weights3, x3, y3, x3, 60, 0.02)
    losses = float_losses(got, 60)
    want = replay(model3, x3, y3, 60, 0.02)
    expect_close(torch.tensor(losses, dtype=torch.float64), torch.tensor(want, dtype=torch.float64), rtol=1e-8,
                 atol=1e-12, what="the losses of 60 Adam steps with output_size 3 (nn.MSELoss()(model(x), y) on (B, 3) "
                 "targets, learning rate lr at every step)")
    # a second model trained with the first one's lr: an optimizer (or its state) kept from an earlier fit call, keyed
    # by the lr or built once, would step the first model's parameters, or carry its moments, into this one
    model, weights = reference(args, rng, device)
    x, y = windows(rng, 29, device, steps=8)
    got = learner.probe("fit_and_predict", args, weights, x, y, x, 4, 0.01)
    expect_close(torch.tensor(float_losses(got, 4), dtype=torch.float64),
                 torch.tensor(replay(model, x, y, 4, 0.01), dtype=torch.float64), rtol=1e-8, atol=1e-12,
                 what="the losses of 4 Adam steps on a new model, trained after another one with the same lr (build "
                 "the optimizer over this model's parameters in every fit call: keep nothing from an earlier call)")
    model, weights = reference(args, rng, device)
    x, y = windows(rng, 29, device, steps=8)
    stale = float(torch.empty(()).uniform_(0.5, 2.0, generator=rng)) * (1 if int(torch.randint(0, 2, (), generator=rng))
                                                                         else -1)
    got = learner.probe("fit_and_predict", args, weights, x, y, x, 4, 0.01, stale)
    want = replay(model, x, y, 4, 0.01)  # the judge's replay starts with no gradients at all
    expect_close(torch.tensor(float_losses(got, 4), dtype=torch.float64), torch.tensor(want, dtype=torch.float64),
                 rtol=1e-8, atol=1e-12, what=f"the losses of 4 Adam steps on a model that arrives with {stale:.3g} in "
                 "every parameter's .grad (what .grad held before fit must not leak into the first step: zero the "
                 "gradients before each backward)")
    expect_trained_state(got, model, "after 4 steps on a model that arrives with gradients left in its .grad (they "
                         "must not leak into the first step: zero the gradients before each backward, not after the "
                         "step)")
    for _ in range(100):  # redrawn until the judge's own replay has a rising loss: the verdict never depends on the seed
        model, weights = reference(args, rng, device)
        x, _ = windows(rng, 29, device, steps=8)
        with torch.no_grad():
            y = model(x) + 1e-3 * torch.randn(29, 1, generator=rng, dtype=torch.float64).to(device)
        want = replay(model, x, y, 8, 0.05)
        if any(b > a for a, b in zip(want, want[1:])):
            break
    else:
        raise AssertionError("prep could not draw a rising loss")  # the grader's bug, never the learner's
    got = learner.probe("fit_and_predict", args, weights, x, y, x, 8, 0.05)
    if isinstance(got, dict) and isinstance(got.get("losses"), list) and len(got["losses"]) < 8:
        raise CheckFailure(f"fit() must take exactly `steps` steps, even when the loss goes up (8 steps from next to "
                           f"the optimum, where Adam overshoots), it returned {len(got['losses'])} losses: no early stop")
    losses = float_losses(got, 8)
    expect_close(torch.tensor(losses, dtype=torch.float64), torch.tensor(want, dtype=torch.float64), rtol=1e-8,
                 atol=1e-12, what="the losses of 8 Adam steps from next to the optimum (the loss rises: keep stepping)")


def test_learns_to_predict_a_sine(learner, device, rng):
    """Trained on windows of noisy sines, it predicts the next value at under half the error of repeating the last one."""
    args = [1, 16, 1, 1]
    _, weights = reference(args, rng, device)
    with torch.no_grad():
        for k in weights:
            weights[k] = weights[k] * 0.5
    (x, y), (xt, yt) = windows(rng, 256, device), windows(rng, 256, device)
    got = learner.probe("fit_and_predict", args, weights, x, y, xt, 200, 0.01)
    pred = expect_tensor(got["pred"], what="the predictions", shape=(256, 1), device=device)
    mse, naive = float(((pred - yt) ** 2).mean()), float(((xt[:, -1] - yt) ** 2).mean())
    if not mse < 0.5 * naive:
        raise CheckFailure("after 200 Adam steps the test MSE should be under half that of repeating the last value")
