"""Public graders for adam-adamw."""

import torch

from grader.judge.checks import compare_trajectories


def torch_trajectory(cls, initial, grads, options):
    params = [torch.nn.Parameter(p.clone()) for p in initial]
    opt = getattr(torch.optim, cls)(params, **options)
    history = []
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = g.clone()
        opt.step()
        history.append(params[0].detach().clone())
    return history


def example(device):
    p0 = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, device=device)
    grads = [[torch.tensor(g, dtype=torch.float64, device=device)]
             for g in ([0.5, 0.5, -4.0], [-1.0, 2.0, -4.0], [0.25, 0.0, 1.0])]
    return p0, grads


def run(learner, cls, initial, grads, options):
    return [step[0] for step in learner.probe("trajectory", cls, initial, grads, options)]


def test_adam_example(learner, device):
    """Adam with lr 0.1: the first step moves every entry by lr against the sign of its gradient."""
    p0, grads = example(device)
    opts = {"lr": 0.1}
    compare_trajectories(run(learner, "Adam", [p0], grads, opts), torch_trajectory("Adam", [p0], grads, opts),
                         what="the parameter", rtol=1e-10, atol=1e-12,
                         inputs="Adam(lr=0.1), p0 = [1, -2, 0.5], grads [0.5, 0.5, -4], [-1, 2, -4], [0.25, 0, 1]")


def test_adamw_example(learner, device):
    """AdamW with lr 0.1 and weight_decay 0.5 shrinks p by (1 - 0.05) before each Adam step."""
    p0, grads = example(device)
    opts = {"lr": 0.1, "weight_decay": 0.5}
    compare_trajectories(run(learner, "AdamW", [p0], grads, opts), torch_trajectory("AdamW", [p0], grads, opts),
                         what="the parameter", rtol=1e-10, atol=1e-12,
                         inputs="AdamW(lr=0.1, weight_decay=0.5), p0 = [1, -2, 0.5], same three gradients")
