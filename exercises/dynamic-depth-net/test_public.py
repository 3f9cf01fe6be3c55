"""Public graders for dynamic-depth-net."""

import torch
import torch.nn.functional as F

from grader.judge.checks import expect_close


def test_depth_example(learner, device):
    """DynamicNN(3, 4, 2) with fixed weights: depth 0 is fc2(relu(fc1(x))); depth 2 applies relu(mid(.)) twice between."""
    g = torch.Generator().manual_seed(0)
    shapes = {"fc1.weight": (4, 3), "fc1.bias": (4,), "mid.weight": (4, 4), "mid.bias": (4,), "fc2.weight": (2, 4),
              "fc2.bias": (2,)}
    w = {k: torch.randn(s, generator=g, dtype=torch.float64).to(device) for k, s in shapes.items()}
    x = torch.tensor([[1.0, -1.0, 0.5], [0.0, 2.0, -0.5]], dtype=torch.float64, device=device)
    for depth in (0, 2):
        h = F.relu(F.linear(x, w["fc1.weight"], w["fc1.bias"]))
        for _ in range(depth):
            h = F.relu(F.linear(h, w["mid.weight"], w["mid.bias"]))
        got = learner.probe("run", [3, 4, 2], w, x, depth)["out"]
        expect_close(got, F.linear(h, w["fc2.weight"], w["fc2.bias"]), rtol=1e-10, atol=1e-12,
                     what=f"DynamicNN(3, 4, 2)(x, depth={depth})", inputs="x [[1, -1, 0.5], [0, 2, -0.5]]")
