"""Public graders for custom-activations."""

import torch

from grader.judge.checks import expect_close

TORCH = {"Sigmoid": torch.sigmoid, "Tanh": torch.tanh, "ReLU": torch.relu}


def test_forward_example(learner, device):
    """Sigmoid, Tanh and ReLU at [-2, 0, 2] equal torch's."""
    x = torch.tensor([-2.0, 0.0, 2.0], dtype=torch.float64, device=device)
    for name, ref in TORCH.items():
        expect_close(learner.call(f"{name}.apply", x), ref(x), what=f"{name}.apply(x)", inputs="x = [-2, 0, 2]")


def test_relu_grad_at_zero(learner, device):
    """The gradient of ReLU at [-1, 0, 1] is [0, 0, 1]: PyTorch's convention is relu'(0) = 0 (the seed says 1)."""
    x = torch.tensor([-1.0, 0.0, 1.0], dtype=torch.float64, device=device, requires_grad=True)
    (g,) = torch.autograd.grad(learner.function("ReLU.apply")(x).sum(), x)
    expect_close(g, torch.tensor([0.0, 0.0, 1.0], dtype=torch.float64, device=device),
                 what="the gradient of ReLU", inputs="x = [-1, 0, 1]")
