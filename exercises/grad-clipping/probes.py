"""Helpers for grad-clipping: one harness that drives a clipping function over fresh parameters. In the worker it
drives the learner's functions and returns raw results; the judge runs the very same harness with
torch.nn.utils' functions to compute the references."""

import torch

from grader import drive


def _strided(g):
    """The values of g in a non-contiguous tensor: transposed storage for 2 or more dimensions, every other element
    of a larger buffer otherwise."""
    if g.dim() >= 2:
        return g.transpose(0, 1).contiguous().transpose(0, 1)
    return torch.stack([g, torch.zeros_like(g)], -1)[..., 0]


def _params(grads, graph=False, noncontiguous=False, frozen=False, plain=False):
    """Fresh parameters whose .grad holds the given gradients (None: no gradient). With graph, each .grad carries a
    graph, as after backward(create_graph=True): it is g * w for a leaf w of ones that requires grad. With
    noncontiguous, each .grad is a non-contiguous tensor (see _strided). With plain, each is a plain leaf tensor that
    requires grad rather than an nn.Parameter (torch's clipping takes any tensor)."""
    params, weights = [], []
    for g in grads:
        p = torch.zeros(g.shape if g is not None else (2,), dtype=g.dtype if g is not None else torch.float64,
                        device=g.device if g is not None else "cpu")
        p = p.requires_grad_(True) if plain else torch.nn.Parameter(p)
        if g is not None and graph:
            w = torch.ones_like(g, requires_grad=True)
            weights.append(w)
            p.grad = g.clone() * w
        elif g is not None and noncontiguous:
            p.grad = _strided(g)
        else:
            p.grad = None if g is None else g.clone()
        if frozen:  # requires_grad off, .grad set all the same (torch's clipping still counts and clips it)
            p.requires_grad_(False)
        params.append(p)
    return params, weights


def _listed(params, order):
    """The parameters as the caller lists them: order gives indices into params, one may come twice (tied weights
    listed twice); None lists each once."""
    return params if order is None else [params[i] for i in order]


def _report(params, originals, returned, weights):
    """The returned value, every .grad afterwards, and the values of the gradient tensors the parameters held before
    the call (read through those objects: equal to .grad only if they were changed in place). With graph-carrying
    gradients, also whether the returned value requires grad and the gradient of sum(.grad ** 2) for the leaves w
    (what a later second-order step would see)."""
    out = {"returned": returned, "grads": [None if p.grad is None else p.grad.detach() for p in params],
           "originals": [None if o is None else o.detach().clone() for o in originals]}
    if weights:
        out["returned_requires_grad"] = isinstance(returned, torch.Tensor) and returned.requires_grad
        out["returned"] = returned.detach() if isinstance(returned, torch.Tensor) else returned
        squares = sum((p.grad * p.grad).sum() for p in params if p.grad is not None)
        try:
            out["second_order"] = list(torch.autograd.grad(squares, weights, allow_unused=True))
        except RuntimeError as e:  # the learner's in-place change broke the graph, or .grad lost it: reported as is
            out["second_order_error"] = str(e).split("\n")[0][:160]
    return out


def run_norm(fn, grads, max_norm, norm_type=2.0, as_generator=False, single=False, graph=False, noncontiguous=False,
             order=None, frozen=False, plain=False, again=None):
    """With again (a list of gradients, one per entry of grads), fn is called a second time on the same parameters
    after their .grad tensors were overwritten in place with those values; the report is of that second call."""
    params, weights = _params(grads, graph, noncontiguous, frozen, plain)
    originals = [p.grad for p in params]
    listed = _listed(params, order)
    if single:
        total = fn(params[0], max_norm, norm_type)
    else:
        total = fn((p for p in listed) if as_generator else listed, max_norm, norm_type)
    if again is not None:
        with drive.grad_mode(False):
            for p, g in zip(params, again):
                if p.grad is not None and g is not None:
                    p.grad.copy_(g)
        total = fn((p for p in listed) if as_generator else listed, max_norm, norm_type)
    return _report(params, originals, total, weights)


def run_value(fn, grads, clip_value, single=False, graph=False, noncontiguous=False, order=None, frozen=False,
              plain=False):
    params, weights = _params(grads, graph, noncontiguous, frozen, plain)
    originals = [p.grad for p in params]
    listed = _listed(params, order)
    out = fn(params[0] if single else (p for p in listed), clip_value)
    return _report(params, originals, out, weights)


def norm(mod, *args, **kwargs):
    return run_norm(mod.clip_grad_norm, *args, **kwargs)


def value(mod, *args, **kwargs):
    return run_value(mod.clip_grad_value, *args, **kwargs)
