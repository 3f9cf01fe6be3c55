"""Public graders for grads-of-intermediates."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_add_and_sub_example(learner, device):
    """For the seed's add(x, y) - sub(x, y) = 2y, grads_of gives zeros for x (not None) and 2 for y."""
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
    y = torch.tensor([[5.0, 6.0], [7.0, 8.0]], device=device)
    got = learner.probe("grads", "add_and_sub", x, y)["value"]
    inputs = "x = [[1, 2], [3, 4]], y = [[5, 6], [7, 8]], fn = add(x, y) - sub(x, y)"
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise CheckFailure("grads_of must return one gradient per input", f"inputs: {inputs}")
    expect_close(got[0], torch.zeros(2, 2, device=device), what="the gradient for x", inputs=inputs)
    expect_close(got[1], torch.full((2, 2), 2.0, device=device), what="the gradient for y", inputs=inputs)


def test_mlp_intermediates_example(learner, device):
    """intermediate_grads gives d loss / d z, a and o for a tiny tanh MLP (zeros for an unused intermediate)."""
    x = torch.tensor([[1.0, -1.0]], dtype=torch.float64, device=device)
    W1 = torch.tensor([[0.5, 0.25], [-0.5, 1.0]], dtype=torch.float64, device=device)
    W2 = torch.tensor([[1.0, -2.0]], dtype=torch.float64, device=device)
    got = learner.probe("intermediates", "mlp", x, W1, W2)["value"]
    inputs = ("x = [[1, -1]], W1 = [[0.5, 0.25], [-0.5, 1]], W2 = [[1, -2]]; z = x W1^T, a = tanh(z), o = a W2^T, "
              "loss = mean(o^2) + terms that do not depend on z, a or o")
    if not isinstance(got, dict):
        raise CheckFailure("intermediate_grads must return a dict", f"inputs: {inputs}")
    z = x @ W1.T
    a = torch.tanh(z)
    o = a @ W2.T
    d_o = 2 * o
    d_a = d_o @ W2
    d_z = d_a * (1 - a ** 2)
    for name, want in (("o", d_o), ("a", d_a), ("z", d_z), ("dead", torch.zeros_like(z))):
        expect_close(got.get(name), want, what=f"the gradient for {name}", inputs=inputs)
