"""Hidden graders for fix-rnn-regressor: random weights, sequences and sine windows per run."""

import torch
import torch.nn as nn

from grader.judge.checks import CheckFailure, expect_close, expect_tensor


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


def test_layers_are_rnn_and_fc(learner):
    """The model keeps the seed's rnn (nn.RNN, batch_first) and adds a Linear head named fc."""
    got = learner.probe("state_keys", [3, 4, 2, 2])
    want = sorted(Reference(3, 4, 2, 2).state_dict())
    if got != want:
        raise CheckFailure("SimpleRNN's parameters should be rnn.* (an nn.RNN) and fc.weight / fc.bias (the head)")


def test_output_is_the_head_of_the_last_step(learner, device, rng):
    """With copied weights the output is fc(out[:, -1]) for 1 or 2 layers, 1 or 6 steps, batches of 1 or 7."""
    for args in ([3, 8, 1, 1], [5, 6, 2, 2]):
        model, weights = reference(args, rng, device)
        for batch, steps in ((7, 6), (1, 6), (7, 1)):
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
    """float64 input gives float64 output: the initial hidden state follows x's dtype and device."""
    x = torch.randn(3, 4, 2, generator=rng, dtype=torch.float64).to(device)
    expect_tensor(learner.probe("forward", [2, 5, 2], None, x), what="the output for float64 input", shape=(3, 1),
                  dtype=torch.float64, device=device)


def windows(rng, n, device, steps=20):
    freq = 0.2 + 0.4 * torch.rand(n, 1, generator=rng, dtype=torch.float64)
    phase = 6.28 * torch.rand(n, 1, generator=rng, dtype=torch.float64)
    s = torch.sin(freq * torch.arange(steps + 1, dtype=torch.float64) + phase)
    s = s + 0.05 * torch.randn(n, steps + 1, generator=rng, dtype=torch.float64)
    return s[:, :steps, None].to(device), s[:, steps:].to(device)


def test_fit_takes_full_batch_adam_steps(learner, device, rng):
    """fit() is full-batch Adam on the MSE: its losses match a replay in the judge, step by step."""
    args = [1, 6, 1, 1]
    model, weights = reference(args, rng, device)
    x, y = windows(rng, 32, device, steps=8)
    got = learner.probe("fit_and_predict", args, weights, x, y, x, 10, 0.01)["losses"]
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    want = []
    for _ in range(10):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        want.append(loss.item())
    if not isinstance(got, list) or len(got) != 10 or not all(isinstance(v, float) for v in got):
        raise CheckFailure("fit() must return one float loss per step")
    expect_close(torch.tensor(got, dtype=torch.float64), torch.tensor(want, dtype=torch.float64), rtol=1e-8,
                 atol=1e-12, what="the losses of 10 Adam steps")


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
