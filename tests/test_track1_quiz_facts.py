"""Proofs of the track-1 quizzes (quiz-autograd-graph, quiz-gradient-stability), run on the installed torch.

Each test runs a claim and returns what torch showed; @proves checks it against the quiz's reference ANSWERS and its
graders' KEY (tests/quiz_proofs.py). If one fails after a torch upgrade, the quiz item (and its explanation) must
change with it.
"""

from __future__ import annotations

import math
import warnings

import pytest
import torch
import torch.nn.functional as F

from tests.quiz_proofs import proves

GRAPH = "quiz-autograd-graph"
STABILITY = "quiz-gradient-stability"


# ---------------------------------------------------------------- quiz-autograd-graph


@proves(GRAPH, "q1")
def test_created_tensor_is_leaf():
    t = torch.randn(3, requires_grad=True)
    assert t.grad_fn is None
    return t.is_leaf


@proves(GRAPH, "q2")
def test_result_of_ops_is_not_leaf():
    a = torch.randn(3, requires_grad=True)
    s = (a * torch.randn(3)).sum()
    assert type(s.grad_fn).__name__ == "SumBackward0"
    return s.is_leaf


@proves(GRAPH, "q3")
def test_nonleaf_grad_is_none_unless_retained():
    a = torch.randn(3, requires_grad=True)
    h, kept = a * 3, a * 3
    kept.retain_grad()
    (h + kept).sum().backward()
    assert torch.equal(kept.grad, torch.ones(3))
    with pytest.warns(UserWarning, match="not a leaf"):
        return h.grad is not None


@proves(GRAPH, "q4")
def test_tensor_without_grad_is_leaf():
    y = torch.randn(3) * 2
    assert not y.requires_grad and y.grad_fn is None
    return y.is_leaf


@proves(GRAPH, "q5")
def test_next_functions_point_to_inputs():
    a = torch.randn(2, requires_grad=True)
    c = a * torch.randn(2)
    d = c.sum()
    assert d.grad_fn.next_functions == ((c.grad_fn, 0),)  # from the sum to its input's node, not to consumers
    (acc, _), (none, _) = c.grad_fn.next_functions
    assert type(acc).__name__ == "AccumulateGrad" and acc.variable is a and none is None
    return "b"


@proves(GRAPH, "q6")
def test_integer_sum_records_no_node():
    c = torch.tensor(2) + torch.tensor(3)
    with pytest.raises(RuntimeError, match="floating point"):
        torch.tensor(2, requires_grad=True)
    return c.grad_fn is not None


@proves(GRAPH, "q7")
def test_backward_argument_is_upstream_gradient():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x ** 2
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        y.backward()
    v = torch.tensor([1.0, 0.0, -1.0])
    y.backward(v)
    assert torch.equal(x.grad, v @ torch.diag(2 * x.detach()))  # v^T J, J = diag(2x)
    return "b"


@proves(GRAPH, "q8")
def test_forward_skips_hooks():
    lin = torch.nn.Linear(2, 2)
    calls = []
    lin.register_forward_hook(lambda *_: calls.append(1))
    x = torch.randn(1, 2)
    lin(x)
    assert len(calls) == 1
    lin.forward(x)
    return len(calls) == 2


@proves(GRAPH, "q9")
def test_grad_accumulates():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for _ in range(2):
        (x ** 2).sum().backward()
    return x.grad[2].item()


@proves(GRAPH, "q10")
def test_broadcast_gradient_is_summed_to_the_input_shape():
    a = torch.randn(3, 1, requires_grad=True)
    b = torch.randn(1, 4, requires_grad=True)
    (a * b).sum().backward()
    assert torch.allclose(a.grad, b.detach().sum().expand(3, 1)) and b.grad.shape == (1, 4)
    return {(3, 4): "a", (3, 1): "b", (1, 4): "c"}[tuple(a.grad.shape)]


@proves(GRAPH, "q11")
def test_backward_does_not_recompute_the_loss():
    calls = []
    lin = torch.nn.Linear(3, 1)
    lin.register_forward_hook(lambda *_: calls.append(1))
    loss = lin(torch.randn(4, 3)).pow(2).mean()
    loss.backward()
    assert lin.weight.grad is not None
    return len(calls) != 1  # the forward ran once, before backward; backward ran none


@proves(GRAPH, "q12")
def test_cross_entropy_logit_gradient():
    z = torch.zeros(4, 2, requires_grad=True)
    (g,) = torch.autograd.grad(F.cross_entropy(z, torch.zeros(4, dtype=torch.long)), z)
    return g[0, 0].item()


@proves(GRAPH, "q13")
def test_detach_shares_storage_and_version():
    x = torch.randn(3, requires_grad=True)
    y = torch.sigmoid(x)
    d = y.detach()
    assert not d.requires_grad and d._version == y._version
    d.zero_()  # visible through y, and caught by y's version counter: sigmoid saved y
    assert torch.equal(y.detach(), torch.zeros(3))
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    return d.data_ptr() == y.data_ptr()


@proves(GRAPH, "q14")
def test_autograd_is_exact_reverse_mode():
    # exact derivative formulas, not finite differences: cos(0.7) to the last float64 digit
    x = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(torch.sin(x), x)
    assert g.item() == math.cos(0.7)
    central = (math.sin(0.7 + 1e-6) - math.sin(0.7 - 1e-6)) / 2e-6
    assert central != g.item()
    # reverse mode: one backward gives the gradient for every input, walking the recorded nodes
    w = torch.randn(5, requires_grad=True)
    y = (w.exp() * w).sum()
    assert type(y.grad_fn).__name__ == "SumBackward0"
    y.backward()
    assert torch.allclose(w.grad, (w.exp() * (w + 1)).detach())
    return "c"


# ---------------------------------------------------------------- quiz-gradient-stability


def _deep_sigmoid_mlp(seed, depth=20, width=64):
    torch.manual_seed(seed)
    layers = []
    for _ in range(depth):
        layers += [torch.nn.Linear(width, width), torch.nn.Sigmoid()]
    return torch.nn.Sequential(*layers, torch.nn.Linear(width, 1))


def _linears(model):
    return [m for m in model.modules() if isinstance(m, torch.nn.Linear)]


@proves(STABILITY, "q1")
def test_adam_does_not_move_a_vanished_first_layer():
    model = _deep_sigmoid_mlp(0)
    before = [m.weight.detach().clone() for m in _linears(model)]
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    F.mse_loss(model(torch.randn(32, 64)), torch.randn(32, 1)).backward()
    opt.step()
    moved = [float((m.weight.detach() - w).abs().max()) for m, w in zip(_linears(model), before)]
    assert math.isclose(moved[-1], 1e-3, rel_tol=1e-3)
    return moved[0] > 0.1 * moved[-1]


def _param(grad):
    p = torch.nn.Parameter(torch.zeros(len(grad)))
    p.grad = torch.tensor(grad)
    return p


@proves(STABILITY, "q2", "q9", "q12")
def test_clip_grad_norm_returns_norm_before_clipping():
    p = _param([30.0, 40.0])
    total = torch.nn.utils.clip_grad_norm_([p], 5.0)
    return {"q2": float(total) == 50.0,
            "q9": bool(torch.allclose(p.grad / p.grad.norm(), torch.tensor([0.6, 0.8]))),
            "q12": round(float(p.grad.norm()), 5)}


@proves(STABILITY, "q3")
def test_norm_clipping_bounds_an_exploding_rnn_update():
    torch.manual_seed(0)
    rnn = torch.nn.RNN(4, 16, nonlinearity="relu")
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(2.0 * torch.eye(16))  # a recurrence that doubles the state every step
    out, _ = rnn(torch.ones(40, 1, 4))
    out[-1].sum().backward()
    grads = [p.grad for p in rnn.parameters()]
    assert float(torch.linalg.vector_norm(torch.cat([g.flatten() for g in grads]))) > 1e9  # exploded
    torch.nn.utils.clip_grad_norm_(rnn.parameters(), 1.0)
    clipped = torch.linalg.vector_norm(torch.cat([p.grad.flatten() for p in rnn.parameters()]))
    assert math.isclose(float(clipped), 1.0, rel_tol=1e-4)  # whatever the explosion, the update is bounded
    return "b"


@proves(STABILITY, "q4")
def test_l2_penalty_leaves_the_loss_gradient_alone():
    model = _deep_sigmoid_mlp(1, depth=6, width=8)
    x, y = torch.randn(16, 8), torch.randn(16, 1)
    first = _linears(model)[0].weight
    (g_loss,) = torch.autograd.grad(F.mse_loss(model(x), y), first)
    penalty = 0.1 * sum((p ** 2).sum() for p in model.parameters())
    (g_total,) = torch.autograd.grad(F.mse_loss(model(x), y) + penalty, first)
    data_part = g_total - 0.2 * first.detach()  # remove the penalty's own 2 * lambda * W
    return not torch.allclose(data_part, g_loss, atol=1e-7)


@proves(STABILITY, "q5")
def test_sigmoid_derivative_peaks_at_a_quarter():
    x = torch.linspace(-10, 10, 20001, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(torch.sigmoid(x).sum(), x)
    assert abs(float(x.detach()[g.argmax()])) < 1e-12  # at x = 0
    return round(float(g.max()), 12)


@pytest.mark.parametrize("seed", [0, 1, 2])
@proves(STABILITY, "q6")
def test_deep_sigmoid_ratio_below_1e_12(seed):
    model = _deep_sigmoid_mlp(seed)
    F.mse_loss(model(torch.randn(32, 64)), torch.randn(32, 1)).backward()
    norms = [float(m.weight.grad.norm()) for m in _linears(model)]
    ratio = norms[0] / norms[-1]
    return "d" if ratio < 1e-12 else "c" if ratio < 1e-6 else "b" if ratio < 0.1 else "a"


@proves(STABILITY, "q7")
def test_where_does_not_stop_a_nan_gradient():
    x = torch.tensor([-1.0, 4.0], requires_grad=True)
    y = torch.where(x > 0, torch.sqrt(x), torch.zeros_like(x))
    assert torch.isfinite(y).all()  # the forward looks fine
    y.sum().backward()
    assert math.isnan(x.grad[0].item()) and x.grad[1].item() == 0.25
    safe = torch.tensor([-1.0, 4.0], requires_grad=True)
    torch.where(safe > 0, torch.sqrt(safe.clamp(min=1e-12)), torch.zeros_like(safe)).sum().backward()
    assert torch.equal(safe.grad, torch.tensor([0.0, 0.25]))
    return x.grad[0].item() == 0.0


@proves(STABILITY, "q8")
def test_l1_does_not_revive_a_vanished_gradient_residuals_do():
    torch.manual_seed(0)
    width, depth = 64, 20
    linears = [torch.nn.Linear(width, width) for _ in range(depth)]
    x, head = torch.randn(32, width), torch.nn.Linear(width, 1)

    def first_grad(residual, l1):
        h = x
        for lin in linears:
            h = h + torch.sigmoid(lin(h)) if residual else torch.sigmoid(lin(h))
        loss = head(h).pow(2).mean() + l1 * sum(p.abs().sum() for p in linears[0].parameters())
        (g,) = torch.autograd.grad(loss, linears[0].weight)
        return g

    plain, with_l1, residual = first_grad(False, 0.0), first_grad(False, 1e-3), first_grad(True, 0.0)
    signal = with_l1 - 1e-3 * torch.sign(linears[0].weight.detach())  # what the data loss sends back under L1
    assert plain.norm() < 1e-10 and torch.allclose(signal, plain, atol=1e-12)
    assert residual.norm() > 1e-3  # a residual path keeps the signal (as normalisation and good init do)
    return "d"


@proves(STABILITY, "q10")
def test_clip_grad_value_changes_direction():
    p = _param([3.0, 0.5])
    torch.nn.utils.clip_grad_value_([p], 1.0)
    assert torch.equal(p.grad, torch.tensor([1.0, 0.5]))
    return bool(torch.allclose(p.grad / p.grad.norm(), torch.tensor([3.0, 0.5]) / math.hypot(3.0, 0.5)))


@proves(STABILITY, "q11")
def test_textbook_tanh_is_nan_at_100_in_float32():
    x = torch.tensor(100.0)
    y = (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))
    assert torch.isinf(torch.exp(x)) and torch.tanh(x).item() == 1.0
    return "c" if torch.isnan(y) else "b" if torch.isinf(y) else "a"


@proves(STABILITY, "q13")
def test_unscale_before_clipping_under_grad_scaler():
    def run(unscale_first):
        p = torch.nn.Parameter(torch.tensor([3.0, 4.0]))
        opt = torch.optim.SGD([p], lr=1.0)
        scaler = torch.amp.GradScaler("cpu", init_scale=1024.0)
        scaler.scale(0.5 * (p * p).sum()).backward()  # true gradient [3, 4], norm 5
        if unscale_first:
            scaler.unscale_(opt)
        seen = float(torch.nn.utils.clip_grad_norm_([p], 1.0))
        scaler.step(opt)
        scaler.update()
        return seen, p.detach()

    seen, stepped = run(unscale_first=True)
    assert seen == 5.0 and torch.allclose(stepped, torch.tensor([2.4, 3.2]))  # clipped to norm 1, unscaled once
    seen_scaled, _ = run(unscale_first=False)
    assert seen_scaled == 5.0 * 1024  # clipping the scaled gradients measures the wrong norm
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = torch.amp.GradScaler.unscale_.__doc__
    assert "clip_grad_norm_" in doc  # the docstring's own example: unscale_, then clip, then step
    return "a"
