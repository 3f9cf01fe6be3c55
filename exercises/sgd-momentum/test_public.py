"""Public graders for sgd-momentum."""

import torch

from grader.judge.checks import compare_trajectories


def torch_trajectory(initial, grads, options):
    params = [torch.nn.Parameter(p.clone()) for p in initial]
    opt = torch.optim.SGD(params, **options)
    history = []
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = g.clone()
        opt.step()
        history.append(params[0].detach().clone())
    return history


def run(learner, initial, grads, options):
    return [step[0] for step in learner.probe("trajectory", initial, grads, options)]


def test_plain_sgd_example(learner, device):
    """Without momentum, each step is p = p - lr * grad."""
    p0 = torch.tensor([1.0, -2.0], dtype=torch.float64, device=device)
    grads = [[torch.tensor([0.5, 0.5], dtype=torch.float64, device=device)],
             [torch.tensor([-1.0, 2.0], dtype=torch.float64, device=device)]]
    compare_trajectories(run(learner, [p0], grads, {"lr": 0.1}), torch_trajectory([p0], grads, {"lr": 0.1}),
                         what="the parameter", inputs="p0 = [1, -2], lr = 0.1, grads [0.5, 0.5] then [-1, 2]")


def test_momentum_example(learner, device):
    """With momentum 0.9 the second step moves by lr * (0.9 * g1 + g2)."""
    p0 = torch.tensor([1.0, -2.0], dtype=torch.float64, device=device)
    grads = [[torch.tensor([0.5, 0.5], dtype=torch.float64, device=device)],
             [torch.tensor([-1.0, 2.0], dtype=torch.float64, device=device)]]
    opts = {"lr": 0.1, "momentum": 0.9}
    compare_trajectories(run(learner, [p0], grads, opts), torch_trajectory([p0], grads, opts),
                         what="the parameter", inputs="p0 = [1, -2], lr = 0.1, momentum = 0.9")
