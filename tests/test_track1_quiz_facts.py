"""Every answer key of the track-1 quizzes, checked on the installed torch (quiz-autograd-graph, quiz-gradient-stability).

If one of these fails after a torch upgrade, the quiz's KEY (and its explanation) must change with it.
"""

from __future__ import annotations

import math
import warnings

import pytest
import torch
import torch.nn.functional as F


# ---------------------------------------------------------------- quiz-autograd-graph

def test_created_tensor_is_leaf():  # q1
    assert torch.randn(3, requires_grad=True).is_leaf


def test_result_of_ops_is_not_leaf():  # q2
    a = torch.randn(3, requires_grad=True)
    s = (a * torch.randn(3)).sum()
    assert not s.is_leaf and s.grad_fn is not None


def test_nonleaf_grad_is_none_with_warning():  # q3
    a = torch.randn(3, requires_grad=True)
    h = a * 3
    h.sum().backward()
    with pytest.warns(UserWarning, match="not a leaf"):
        assert h.grad is None


def test_tensor_without_grad_is_leaf():  # q4
    y = torch.randn(3) * 2
    assert y.is_leaf and not y.requires_grad


def test_next_functions_point_to_inputs():  # q5
    a = torch.randn(2, requires_grad=True)
    b = torch.randn(2)
    c = a * b
    d = c.sum()
    assert d.grad_fn.next_functions == ((c.grad_fn, 0),)
    (acc, _), (none, _) = c.grad_fn.next_functions
    assert type(acc).__name__ == "AccumulateGrad" and acc.variable is a and none is None


def test_integer_sum_records_no_node():  # q6
    c = torch.tensor(2) + torch.tensor(3)
    assert c.grad_fn is None and not c.requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        torch.tensor(2, requires_grad=True)


def test_backward_argument_is_upstream_gradient():  # q7
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x ** 2
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        y.backward()
    y.backward(torch.tensor([1.0, 0.0, -1.0]))
    assert torch.equal(x.grad, torch.tensor([2.0, 0.0, -6.0]))


def test_forward_skips_hooks():  # q8
    lin = torch.nn.Linear(2, 2)
    calls = []
    lin.register_forward_hook(lambda *_: calls.append(1))
    x = torch.randn(1, 2)
    lin(x)
    lin.forward(x)
    assert len(calls) == 1


def test_grad_accumulates():  # q9
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for _ in range(2):
        (x ** 2).sum().backward()
    assert torch.equal(x.grad, torch.tensor([4.0, 8.0, 12.0]))


def test_builtin_nodes_are_not_functions():  # q10
    x = torch.randn(2, requires_grad=True)
    node = (x - 1).grad_fn
    assert isinstance(node, torch.autograd.graph.Node)
    assert not isinstance(node, torch.autograd.Function)
    assert type(node).__mro__[1] is object


def test_backward_does_not_recompute_the_loss():  # q11
    calls = []
    lin = torch.nn.Linear(3, 1)
    lin.register_forward_hook(lambda *_: calls.append(1))
    loss = lin(torch.randn(4, 3)).pow(2).mean()
    loss.backward()
    assert len(calls) == 1  # the forward ran once, before backward; backward ran no forward


def test_cross_entropy_logit_gradient():  # q12
    z = torch.zeros(4, 2, requires_grad=True)
    (g,) = torch.autograd.grad(F.cross_entropy(z, torch.zeros(4, dtype=torch.long)), z)
    assert math.isclose(float(g[0, 0]), -0.125)


def test_detach_shares_storage():  # q13
    x = torch.randn(3, requires_grad=True)
    d = x.detach()
    assert d.data_ptr() == x.data_ptr() and not d.requires_grad


def test_autograd_is_exact_not_finite_differences():  # q14
    # reverse mode gives the exact derivative; a central difference in float64 is only close
    x = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(torch.sin(x), x)
    assert math.isclose(float(g), math.cos(0.7), rel_tol=1e-15)


# ---------------------------------------------------------------- quiz-gradient-stability

def _deep_sigmoid_mlp(seed, depth=20, width=64):
    torch.manual_seed(seed)
    layers = []
    for _ in range(depth):
        layers += [torch.nn.Linear(width, width), torch.nn.Sigmoid()]
    return torch.nn.Sequential(*layers, torch.nn.Linear(width, 1))


def _linears(model):
    return [m for m in model.modules() if isinstance(m, torch.nn.Linear)]


def test_adam_does_not_move_a_vanished_first_layer():  # q1
    model = _deep_sigmoid_mlp(0)
    before = [m.weight.detach().clone() for m in _linears(model)]
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    F.mse_loss(model(torch.randn(32, 64)), torch.randn(32, 1)).backward()
    opt.step()
    moved = [float((m.weight.detach() - w).abs().max()) for m, w in zip(_linears(model), before)]
    assert moved[0] < 1e-9 and math.isclose(moved[-1], 1e-3, rel_tol=1e-3)


def _param(grad):
    p = torch.nn.Parameter(torch.zeros(len(grad)))
    p.grad = torch.tensor(grad)
    return p


def test_clip_grad_norm_returns_norm_before_clipping():  # q2, q9, q12
    p = _param([30.0, 40.0])
    total = torch.nn.utils.clip_grad_norm_([p], 5.0)
    assert float(total) == 50.0
    assert math.isclose(float(p.grad.norm()), 5.0, rel_tol=1e-6)
    assert torch.allclose(p.grad / p.grad.norm(), torch.tensor([0.6, 0.8]))


def test_clip_grad_value_changes_direction():  # q10
    p = _param([3.0, 0.5])
    torch.nn.utils.clip_grad_value_([p], 1.0)
    assert torch.equal(p.grad, torch.tensor([1.0, 0.5]))


def test_l2_penalty_leaves_the_loss_gradient_alone():  # q4
    model = _deep_sigmoid_mlp(1, depth=6, width=8)
    x, y = torch.randn(16, 8), torch.randn(16, 1)
    first = _linears(model)[0].weight
    (g_loss,) = torch.autograd.grad(F.mse_loss(model(x), y), first)
    penalty = 0.1 * sum((p ** 2).sum() for p in model.parameters())
    (g_total,) = torch.autograd.grad(F.mse_loss(model(x), y) + penalty, first)
    assert torch.allclose(g_total - 0.2 * first.detach(), g_loss, atol=1e-7)


def test_sigmoid_derivative_peaks_at_a_quarter():  # q5
    x = torch.linspace(-10, 10, 20001, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(torch.sigmoid(x).sum(), x)
    assert math.isclose(float(g.max()), 0.25, rel_tol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_deep_sigmoid_ratio_below_1e_12(seed):  # q6
    model = _deep_sigmoid_mlp(seed)
    F.mse_loss(model(torch.randn(32, 64)), torch.randn(32, 1)).backward()
    norms = [float(m.weight.grad.norm()) for m in _linears(model)]
    assert norms[0] / norms[-1] < 1e-12


def test_anomaly_mode_misses_a_forward_only_nan():  # q7
    x = torch.tensor([0.5], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autograd.detect_anomaly():
            y = torch.log(x - 1)
            assert bool(torch.isnan(y).all())
            y.sum().backward()  # no error: the backward of log is finite here
    assert torch.equal(x.grad, torch.tensor([-2.0]))


def test_textbook_tanh_is_nan_at_100_in_float32():  # q11
    x = torch.tensor(100.0)
    assert bool(torch.isnan((torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))))


def test_anomaly_mode_names_the_nan_backward():  # q13
    x = torch.tensor([0.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autograd.detect_anomaly():
            with pytest.raises(RuntimeError, match="SqrtBackward0"):
                (torch.sqrt(x) * 0).sum().backward()
