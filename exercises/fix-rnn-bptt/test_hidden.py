"""Hidden graders for fix-rnn-bptt: nn.RNN as the reference, truncated BPTT replayed in the judge."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, banned_names_used, expect_close

BANNED = ["torch.nn.RNN", "torch.nn.RNNCell", "torch.rnn_tanh", "torch.rnn_tanh_cell", "torch._VF.rnn_tanh",
          "torch._VF.rnn_tanh_cell"]
D, H, C = 3, 5, 4


def reference(rng, device):
    rnn = nn.RNN(D, H, batch_first=True).to(device, torch.float64)
    head = nn.Linear(H, C).to(device, torch.float64)
    with torch.no_grad():
        for p in list(rnn.parameters()) + list(head.parameters()):
            p.copy_(torch.randn(p.shape, generator=rng, dtype=torch.float64) * 0.6)
    return rnn, head


def state(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def test_parameters_like_nn_rnn(learner):
    """ElmanRNN's parameters are named as nn.RNN's and start in U(-1/sqrt(H), 1/sqrt(H))."""
    got = learner.probe("describe", [D, 16])
    if got["names"] != sorted(n for n, _ in nn.RNN(D, 16).named_parameters()):
        raise CheckFailure("the parameters should be weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0")
    if not 0 < got["max_abs"] <= 1 / math.sqrt(16):
        raise CheckFailure("the initial weights should lie in U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))")


def test_forward_and_gradients_match_nn_rnn(learner, device, rng):
    """Outputs, h_n and the gradients for x and every parameter equal nn.RNN's, with and without h0."""
    rnn, _ = reference(rng, device)
    x = torch.randn(4, 6, D, generator=rng, dtype=torch.float64).to(device)
    for h0 in (None, torch.randn(1, 4, H, generator=rng, dtype=torch.float64).to(device)):
        got = learner.probe("forward", [D, H], state(rnn), x, h0)
        rnn.zero_grad()
        xr = x.clone().requires_grad_()
        out, h_n = rnn(xr, h0)
        (out.sum() + h_n.sum()).backward()
        where = "with h0" if h0 is not None else "without h0"
        expect_close(got["out"], out.detach(), rtol=1e-10, atol=1e-12, what=f"the outputs {where}")
        expect_close(got["h_n"], h_n.detach(), rtol=1e-10, atol=1e-12, what=f"h_n {where}")
        expect_close(got["x_grad"], xr.grad, rtol=1e-10, atol=1e-12, what=f"the gradient for x {where}")
        for name, p in rnn.named_parameters():
            expect_close(got["grads"][name], p.grad, rtol=1e-10, atol=1e-12, what=f"the gradient of {name} {where}")


def reference_tbptt(rnn, head, xs, ys, k, lr):
    opt = torch.optim.SGD(list(rnn.parameters()) + list(head.parameters()), lr=lr)
    hidden, losses = None, []
    for t0 in range(0, xs.shape[1], k):
        opt.zero_grad()
        out, hidden = rnn(xs[:, t0:t0 + k], None if hidden is None else hidden.detach())
        loss = F.cross_entropy(head(out).reshape(-1, C), ys[:, t0:t0 + k].reshape(-1))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def test_truncated_bptt_replays(learner, device, rng):
    """train_tbptt takes one step per chunk of k steps, carrying the detached state: k = 1, 3 and T (full BPTT)."""
    for k in (1, 3, 7):
        rnn, head = reference(rng, device)
        xs = torch.randn(3, 7, D, generator=rng, dtype=torch.float64).to(device)
        ys = torch.randint(0, C, (3, 7), generator=rng).to(device)
        got = learner.probe("tbptt", [D, H], state(rnn), state(head), xs, ys, k, 0.1)
        want = reference_tbptt(rnn, head, xs, ys, k, 0.1)
        losses = got["losses"]
        if not isinstance(losses, list) or len(losses) != len(want):
            raise CheckFailure(f"with k = {k}, train_tbptt should take {len(want)} steps (one per chunk)")
        expect_close(torch.tensor(losses, dtype=torch.float64), torch.tensor(want, dtype=torch.float64), rtol=1e-9,
                     atol=1e-12, what=f"the chunk losses with k = {k}")
        for name, p in rnn.named_parameters():
            expect_close(got["state"][name], p.detach(), rtol=1e-9, atol=1e-12, what=f"{name} after training, k = {k}")


def test_sequence_accuracy(learner, device, rng):
    """sequence_accuracy is correct predictions / (B * T), in [0, 1] (the seed's counts reach 160%)."""
    rnn, head = reference(rng, device)
    xs = torch.randn(6, 5, D, generator=rng, dtype=torch.float64).to(device)
    with torch.no_grad():
        pred = head(rnn(xs)[0]).argmax(-1)
    ys = torch.where(torch.rand(6, 5, generator=rng).to(device) < 0.5, pred, torch.randint(0, C, (6, 5), generator=rng).to(device))
    got = learner.probe("accuracy", [D, H], state(rnn), state(head), xs, ys)
    if not isinstance(got, float) or abs(got - (pred == ys).double().mean().item()) > 1e-12:
        raise CheckFailure("sequence_accuracy is not right")


def test_learns_across_chunk_boundaries(learner, device, rng):
    """Predicting the previous token needs the state carried across chunks: 95% accuracy with k = 4."""
    tokens = torch.randint(0, 4, (128, 12), generator=rng)
    xs = F.one_hot(tokens, 4).float().to(device)
    ys = torch.cat([torch.zeros(128, 1, dtype=torch.long), tokens[:, :-1]], 1).to(device)
    got = learner.probe("learn", xs, ys, 40, 4, 0.02, int(torch.randint(0, 1000, (), generator=rng)))
    if not isinstance(got, float) or not got >= 0.95:
        raise CheckFailure("after 40 epochs of truncated BPTT the accuracy should reach 95%")


def test_recurrence_is_your_own(learner, source, device, rng):
    """The recurrence is written out: nn.RNN, nn.RNNCell and torch.rnn_tanh are not used."""
    used = banned_names_used(source, BANNED)
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: write the recurrence yourself")
    rnn, _ = reference(rng, device)
    x = torch.randn(2, 3, D, generator=rng, dtype=torch.float64).to(device)
    expect_close(learner.probe("forward", [D, H], state(rnn), x)["out"], rnn(x)[0].detach(), rtol=1e-10, atol=1e-12,
                 what="the outputs")
