"""Trusted helpers for custom-loss-once-differentiable, run in the worker. They only drive the learner's code and
return what it produced; every reference and comparison is in the graders."""

import torch

from grader import drive


def run(mod, name, pred, target, delta=None, pred_needs=True, target_needs=True, g_out=None):
    """The loss and its gradients for pred and target (for those that require grad; None for the other), taken
    under the incoming gradient g_out when one is given (grad_outputs); then pred, target and g_out as they are
    after the call (the judge compares them with what it sent). pred and target keep the layout they arrive with."""
    p = pred.detach().requires_grad_(pred_needs)
    t = target.detach().requires_grad_(target_needs)
    fn = getattr(mod, name)
    loss = fn.apply(p, t) if delta is None else fn.apply(p, t, delta)
    wanted = [x for x in (p, t) if x.requires_grad]
    grads = iter(torch.autograd.grad(loss, wanted, g_out, allow_unused=True))  # None: backward returned no gradient
    return {"loss": loss, "grad_pred": next(grads) if pred_needs else None,
            "grad_target": next(grads) if target_needs else None,
            "after": {"pred": p.detach(), "target": t.detach(), "g_out": g_out}}


def two_losses(mod, name, calls, incoming):
    """Two applications before one backward, as a sum of two losses is: each call is (pred, target, delta); the
    gradients for the four inputs (the harness the grader runs its reference through). Each backward must use what
    its own forward kept (on ctx)."""
    return drive.grads_of_calls(getattr(mod, name).apply, calls, incoming)


def double_backward(mod, name, pred, target, g_out):
    """Differentiate the gradient again, as a gradient penalty does.

    1. The first backward with create_graph=True and a plain incoming gradient: the gradient, and whether it
       carries a graph (requires_grad).
    2. The same with an incoming gradient that itself requires grad (g_out); then (grad * grad).sum().backward(),
       which runs every node behind it: the error message if that raises, else the gradients it left in pred.grad
       and g_out.grad.
    """
    p = pred.detach().requires_grad_(True)
    fn = getattr(mod, name)
    (g,) = torch.autograd.grad(fn.apply(p, target), p, create_graph=True)
    first = {"grad": g, "requires_grad": bool(g.requires_grad)}
    go = g_out.detach().requires_grad_(True)
    (g2,) = torch.autograd.grad(fn.apply(p, target), p, go, create_graph=True)
    second = {"grad": g2, "requires_grad": bool(g2.requires_grad), "error": None, "grads": None}
    try:
        (g2 * g2).sum().backward()
        second["grads"] = [p.grad, go.grad]
    except RuntimeError as e:
        second["error"] = str(e)[:300]
    return {"first": first, "second": second}


def penalty(mod, pred, target, delta, pred_requires_grad=True, grad=None):
    """The learner's penalty, (when pred requires grad) its gradient with respect to pred, whether pred still has
    the requires_grad it was given, and (when a .grad is preset on pred: the caller's earlier gradient) pred.grad
    after the call, as it is then."""
    p = pred.detach().requires_grad_(pred_requires_grad)
    if grad is not None:
        p.grad = grad.detach().clone()
    value = mod.grad_penalty(p, target) if delta is None else mod.grad_penalty(p, target, delta)
    unchanged = bool(p.requires_grad) == pred_requires_grad
    after = None if p.grad is None else p.grad.detach().clone()
    reaches = _graph_holds(value, p)
    if not pred_requires_grad or not (isinstance(value, torch.Tensor) and value.requires_grad):
        return {"value": value, "grad": None, "pred_unchanged": unchanged, "grad_after": after,
                "reaches_pred": reaches}
    (g,) = torch.autograd.grad(value, p, allow_unused=True)  # None: the penalty does not reach the caller's pred
    return {"value": value, "grad": g, "pred_unchanged": unchanged, "grad_after": after, "reaches_pred": reaches}


def _graph_holds(value, leaf):
    """Whether the graph of value holds leaf itself (an AccumulateGrad node for it): a property of the result. A
    pred that did not require grad is in it only if its requires_grad was switched on during the call."""
    if not isinstance(value, torch.Tensor) or value.grad_fn is None:
        return False
    seen, stack = set(), [value.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if getattr(node, "variable", None) is leaf:
            return True
        stack.extend(n for n, _ in node.next_functions)
    return False


def penalty_nonleaf(mod, pred, target, delta):
    """The learner's penalty for a pred that is not a leaf (leaf * 1.0, its leaf requiring grad), and the penalty's
    gradient with respect to that leaf (None when the penalty's graph does not reach it)."""
    leaf = pred.detach().requires_grad_()
    p = leaf * 1.0
    value = mod.grad_penalty(p, target, delta)
    if not (isinstance(value, torch.Tensor) and value.requires_grad):
        return {"value": value, "grad": None}
    (g,) = torch.autograd.grad(value, leaf, allow_unused=True)
    return {"value": value, "grad": g}


def penalty_grad_mode_after_no_grad(mod, pred, target):
    """grad_penalty(pred, target) called inside torch.no_grad(), as a caller's evaluation code may: whether grad mode
    is still off right after the call, read inside the block (the block's exit would put grad mode back and hide a
    call that switched it on with torch.set_grad_enabled(True) and never back). What the call returns or raises under
    no_grad is not graded (the task does not say); only a stub's NotImplementedError goes through. A forged answer
    could only hide the learner's own mistake."""
    return drive.grad_mode_after_no_grad(lambda: mod.grad_penalty(pred, target))
