"""Hidden graders for fix-rnn-bptt: nn.RNN as the reference (in the judge), truncated BPTT replayed in the judge.

nn.RNN, nn.GRU and torch's recurrent kernels are switched off in the worker (see bans and ban_ops): code that
relies on them fails every grader that runs it, with a message naming what it used.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, expect_tensor
from grader.judge.kit import expect_float

D, H, C = 3, 5, 4


def reference(rng, device, d=D, h=H, dtype=torch.float64):
    rnn = nn.RNN(d, h, batch_first=True).to(device, dtype)
    head = nn.Linear(h, C).to(device, dtype)
    with torch.no_grad():
        for p in list(rnn.parameters()) + list(head.parameters()):
            p.copy_(torch.randn(p.shape, generator=rng, dtype=torch.float64) * 0.6)
    return rnn, head


def state(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def test_parameters_like_nn_rnn(learner):
    """ElmanRNN's parameters are nn.RNN's (names, shapes, float32) and start uniform in [-1/sqrt(H), 1/sqrt(H)]: every
    value inside, both ends reached, centred on 0 (checked on 4416 values, so no seed decides it); loaded into nn.RNN
    they give the fresh model's own output."""
    d, h = 3, 64
    x = torch.randn(2, 3, d, generator=torch.Generator().manual_seed(0))
    got = learner.probe("fresh", [d, h], x)
    params = got.get("params") if isinstance(got, dict) else None
    rnn = nn.RNN(d, h, batch_first=True)
    want = dict(rnn.named_parameters())
    if not isinstance(params, dict) or sorted(params) != sorted(want):
        raise CheckFailure("the parameters should be exactly weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0")
    bound = 1 / math.sqrt(h)
    for name, w in want.items():
        g = expect_tensor(params[name], what=name, shape=tuple(w.shape), dtype=torch.float32)
        if float(g.abs().max()) > bound * (1 + 1e-6):
            raise CheckFailure(f"{name} has initial values outside [-1/sqrt(hidden_size), 1/sqrt(hidden_size)]")
        if not (float(g.min()) < -0.5 * bound and float(g.max()) > 0.5 * bound):
            raise CheckFailure(f"{name} should spread over the whole of [-1/sqrt(hidden_size), 1/sqrt(hidden_size)], "
                               "both signs")
    pooled = torch.cat([params[n].reshape(-1).double() for n in want])
    if abs(float(pooled.mean())) > 0.1 * bound or not 0.9 < float(pooled.std()) / (bound / math.sqrt(3)) < 1.1:
        raise CheckFailure("the initial values should be uniform in [-1/sqrt(hidden_size), 1/sqrt(hidden_size)]")
    rnn.load_state_dict(params)
    with torch.no_grad():
        out, h_n = rnn(x)
    result = got.get("out")
    if not isinstance(result, list) or len(result) != 2:
        raise CheckFailure("forward must return (out, h_n)")
    expect_close(result[0], out, rtol=1e-5, atol=1e-6, what="a fresh ElmanRNN's output (float32)")
    expect_close(result[1], h_n, rtol=1e-5, atol=1e-6, what="a fresh ElmanRNN's h_n (float32)")


def test_forward_and_gradients_match_nn_rnn(learner, device, rng):
    """Outputs (B, T, H), h_n (1, B, H) and the gradients for x, every parameter and a given h0 equal nn.RNN's, with
    and without h0, for batches of 1 to 4, one step or six, in float64 and float32, and with hidden_size 1 (and
    input_size 1): no axis of size 1 may be squeezed away; and inside torch.no_grad() with a given h0, left as it
    was."""
    for B, T, dtype, d, h in ((4, 6, torch.float64, D, H), (1, 1, torch.float64, D, H), (3, 5, torch.float32, D, H),
                              (3, 4, torch.float64, D, 1), (1, 3, torch.float64, 1, 1)):
        rnn, _ = reference(rng, device, d=d, h=h, dtype=dtype)
        x = torch.randn(B, T, d, generator=rng, dtype=torch.float64).to(device, dtype)
        # float32: parameter gradients sum B*T products and our kernel sums in another order than nn.RNN's, so
        # 1e-5/1e-6 failed a right answer about once in 100 draws; 1e-4/1e-5 leaves 3.5x margin over 6000 draws
        # (the float64 cases, at 1e-10, are where wrong arithmetic is caught).
        tol = dict(rtol=1e-10, atol=1e-12) if dtype == torch.float64 else dict(rtol=1e-4, atol=1e-5)
        for h0 in (None, torch.randn(1, B, h, generator=rng, dtype=torch.float64).to(device, dtype)):
            got = learner.probe("forward", [d, h], state(rnn), x, h0)
            rnn.zero_grad()
            xr = x.clone().requires_grad_()
            h0r = None if h0 is None else h0.clone().requires_grad_()
            out, h_n = rnn(xr, h0r)
            (out.sum() + h_n.sum()).backward()
            where = (f"{'with' if h0 is not None else 'without'} h0, B = {B}, T = {T}, input_size = {d}, "
                     f"hidden_size = {h}, {str(dtype)[6:]}")
            expect_close(got["out"], out.detach(), **tol, what=f"the outputs {where}")
            expect_close(got["h_n"], h_n.detach(), **tol, what=f"h_n {where}")
            expect_close(got["x_grad"], xr.grad, **tol, what=f"the gradient for x {where}")
            if h0 is not None:
                if got.get("h0_grad") is None:
                    raise CheckFailure(f"h0 got no gradient ({where}): nn.RNN back-propagates into a given h0 (use it "
                                       "as it is, not detached or copied without its graph)")
                expect_close(got["h0_grad"], h0r.grad, **tol, what=f"the gradient for h0 {where}")
            grads = got["grads"] if isinstance(got.get("grads"), dict) else {}
            for name, p in rnn.named_parameters():
                expect_close(grads.get(name), p.grad, **tol, what=f"the gradient of {name} {where}")
    # Inside the caller's torch.no_grad() (an evaluation loop), with a given h0: the same values, and h0 left as it was
    # (a forward that reuses h0's storage for the running state, where no graph forbids it, fails this call).
    rnn, _ = reference(rng, device)
    x = torch.randn(3, 4, D, generator=rng, dtype=torch.float64).to(device)
    h0 = torch.randn(1, 3, H, generator=rng, dtype=torch.float64).to(device)
    got = learner.probe("forward_no_grad", [D, H], state(rnn), x, h0)
    with torch.no_grad():
        out, h_n = rnn(x, h0)
    where = "inside torch.no_grad(), with h0, B = 3, T = 4, float64"
    if not isinstance(got, dict):
        raise CheckFailure(f"forward must return (out, h_n) ({where})")
    expect_close(got["out"], out, rtol=1e-10, atol=1e-12, what=f"the outputs {where}")
    expect_close(got["h_n"], h_n, rtol=1e-10, atol=1e-12, what=f"h_n {where}")


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
    """train_tbptt takes one step per chunk of k steps (the last chunk shorter when k does not divide T), carrying the
    detached state: k = 1, 3, 7 = T (full BPTT) and 10 > T; losses as floats, the RNN's and the head's parameters after
    the last chunk equal a replay in the judge. The parameters arrive with a leftover .grad (zero before each
    backward, not after the step), and train_tbptt is called twice on the same model (each call starts from zeros:
    nothing is carried over from the previous call)."""
    for k, B in ((1, 3), (3, 2), (7, 3), (10, 1)):
        rnn, head = reference(rng, device)
        xs = torch.randn(B, 7, D, generator=rng, dtype=torch.float64).to(device)
        ys = torch.randint(0, C, (B, 7), generator=rng).to(device)
        got = learner.probe("tbptt", [D, H], state(rnn), state(head), xs, ys, k, 0.1, 2, 0.5)
        if not isinstance(got, list) or len(got) != 2:
            raise CheckFailure(f"train_tbptt could not be called twice on one model (k = {k})")
        for call, result in enumerate(got):
            where = f"k = {k}" + (", a second call on the same model" if call else "")
            want = reference_tbptt(rnn, head, xs, ys, k, 0.1)
            losses = result.get("losses") if isinstance(result, dict) else None
            if not isinstance(losses, list):
                raise CheckFailure(f"train_tbptt must return a list of the chunk losses ({where})")
            if len(losses) != len(want):
                raise CheckFailure(f"with T = 7 and k = {k}, train_tbptt should take {len(want)} step(s), one per "
                                   f"chunk; it returned {len(losses)} loss(es)")
            for i, v in enumerate(losses):
                expect_float(v, what=f"train_tbptt's loss {i}")
            for i, (g, w) in enumerate(zip(losses, want)):
                if not math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-12):
                    if i == 0 and call == 1:
                        hint = (" (it must start from zeros again: keep nothing from the previous call, or check the "
                                "step of the previous call's last chunk)")
                    elif i == 0:
                        hint = " (the first chunk is already off: check the loss of one chunk)"
                    else:
                        hint = (" (the earlier chunks match: check the state carried into this chunk and the step "
                                "before it, with the gradients zeroed before each backward)")
                    raise CheckFailure(f"with {where}, the loss of chunk {i} is wrong{hint}")
            for part, module in (("state", rnn), ("head", head)):
                params = result.get(part) if isinstance(result.get(part), dict) else {}
                for name, p in module.named_parameters():
                    expect_close(params.get(name), p.detach(), rtol=1e-9, atol=1e-12,
                                 what=f"{'' if part == 'state' else 'head.'}{name} after training, {where} (the "
                                      "parameters arrived with a leftover .grad: zero the gradients before each "
                                      "chunk's backward)")


def test_sequence_accuracy(learner, device, rng):
    """sequence_accuracy is correct predictions / (B * T) as a Python float, in [0, 1] (the seed's reach 160%); one
    prediction per position (argmax), also when logits are tied at the maximum."""
    for B, T in ((6, 5), (1, 3), (4, 1)):
        rnn, head = reference(rng, device)
        xs = torch.randn(B, T, D, generator=rng, dtype=torch.float64).to(device)
        with torch.no_grad():
            pred = head(rnn(xs)[0]).argmax(-1)
        ys = torch.where(torch.rand(B, T, generator=rng).to(device) < 0.5, pred,
                         torch.randint(0, C, (B, T), generator=rng).to(device))
        ys[0, 0] = (pred[0, 0] + 1) % C  # never all correct
        got = expect_float(learner.probe("accuracy", [D, H], state(rnn), state(head), xs, ys),
                           what="sequence_accuracy")
        if abs(got - (pred == ys).double().mean().item()) > 1e-6:  # a float32 mean rounds in the 8th digit: fine
            raise CheckFailure(f"sequence_accuracy has the wrong value for B = {B}, T = {T}: it is correct predictions "
                               "over all B * T positions")
    # tied logits: a head with zero weights and classes 0 and 1 tied at the top. Each position has one prediction
    # (argmax picks one of the tied classes), and the targets are half 0 and half 1, so the accuracy is one half
    # whichever of the two a tie-break picks; counting a target tied with the maximum as correct gives 100%.
    rnn, head = reference(rng, device)
    with torch.no_grad():
        head.weight.zero_()
        head.bias.copy_(torch.tensor([1.0, 1.0, -1.0, -2.0], dtype=torch.float64))
    xs = torch.randn(4, 3, D, generator=rng, dtype=torch.float64).to(device)
    ys = torch.tensor([0, 1] * 6)[torch.randperm(12, generator=rng)].reshape(4, 3).to(device)
    got = expect_float(learner.probe("accuracy", [D, H], state(rnn), state(head), xs, ys), what="sequence_accuracy")
    if abs(got - 0.5) > 1e-6:
        raise CheckFailure("sequence_accuracy has the wrong value when logits are tied at the maximum: a position "
                           "counts as correct when the one predicted class (argmax) is the target, not whenever the "
                           "target's logit equals the maximum")


def test_learns_across_chunk_boundaries(learner, device, rng):
    """Predicting the previous token needs the state carried across chunks: 95% accuracy with k = 4."""
    tokens = torch.randint(0, 4, (128, 12), generator=rng)
    xs = F.one_hot(tokens, 4).float().to(device)
    ys = torch.cat([torch.zeros(128, 1, dtype=torch.long), tokens[:, :-1]], 1).to(device)
    got = learner.probe("learn", xs, ys, 40, 4, 0.02, int(torch.randint(0, 1000, (), generator=rng)))
    got = expect_float(got, what="sequence_accuracy after training")
    if not got >= 0.95:
        raise CheckFailure("after 40 epochs of truncated BPTT the accuracy should reach 95%")
