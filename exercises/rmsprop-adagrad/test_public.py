"""Public graders for rmsprop-adagrad."""

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


def test_rmsprop_example(learner, device):
    """RMSprop with lr 0.01: the first step divides g by sqrt(0.01 * g * g) + eps, i.e. moves by about 0.1."""
    p0, grads = example(device)
    opts = {"lr": 0.01}
    compare_trajectories(run(learner, "RMSprop", [p0], grads, opts), torch_trajectory("RMSprop", [p0], grads, opts),
                         what="the parameter", rtol=1e-10, atol=1e-12,
                         inputs="RMSprop(lr=0.01), p0 = [1, -2, 0.5], grads [0.5, 0.5, -4], [-1, 2, -4], [0.25, 0, 1]")


def test_adagrad_example(learner, device):
    """Adagrad with lr 0.1: the first step moves every entry by lr; later steps shrink as the sum grows."""
    p0, grads = example(device)
    opts = {"lr": 0.1}
    compare_trajectories(run(learner, "Adagrad", [p0], grads, opts), torch_trajectory("Adagrad", [p0], grads, opts),
                         what="the parameter", rtol=1e-10, atol=1e-12,
                         inputs="Adagrad(lr=0.1), p0 = [1, -2, 0.5], the same three gradients")
