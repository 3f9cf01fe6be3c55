"""Trusted helpers for magnitude-pruning, run in the worker: prune a Linear with the learner's code and train it.

They hand back what the learner's code produced (masks, names, outputs, gradients as they are, None included);
every reference (torch.nn.utils.prune with the same mask) and every comparison is in the judge."""

import torch
import torch.nn.functional as F
from grader import drive


def linear(weight, bias):
    m = torch.nn.Linear(weight.shape[1], weight.shape[0]).to(weight.device, weight.dtype)
    with drive.grad_mode(False):
        m.weight.copy_(weight)
        m.bias.copy_(bias)
    return m


def _returned(value, name):
    """The probes go on with what the learner's function returned (the task says it returns the module)."""
    if not isinstance(value, torch.nn.Module):
        raise TypeError(f"{name} returned {type(value).__name__}: it must return the module, as torch's pruning "
                        "functions do")
    return value


def _values(t):
    """A detached copy of a tensor's values as they are now (anything else as it is)."""
    return t.detach().clone() if isinstance(t, torch.Tensor) else t


def names(m):
    """The module's parameter and buffer names, and how many forward (pre-)hooks it holds: the judge checks them."""
    return {"params": sorted(n for n, _ in m.named_parameters()), "buffers": sorted(n for n, _ in m.named_buffers()),
            "hooks": len(m._forward_pre_hooks) + len(m._forward_hooks)}


def mask(mod, weight, amount, parameter=False):
    """The learner's mask (as returned: a mask that requires grad shows as such) and the weight afterwards; with
    parameter=True the weight is handed over as an nn.Parameter."""
    if parameter:
        weight = torch.nn.Parameter(weight)
    got = mod.l1_unstructured_mask(weight, amount)
    return {"mask": got, "weight_after": weight.detach()}


def global_masks(mod, tensors, amount):
    got = mod.global_l1_masks(tensors, amount)
    return {"masks": got, "tensors_after": tensors}


def prune_and_train(mod, weight, bias, amount, x, y, steps, lr, optimizer_first=False, eval_after_step=False):
    """Prune, then take SGD steps (momentum 0.9) on the module's parameters; with optimizer_first the optimizer is
    built before pruning, over the Parameter the module had then. After each step: the output on x (a forward pass
    recomputes the weight; with eval_after_step, that forward runs in eval mode, the module back in training mode
    after it), and the gradient weight_orig had at that step (None if it had none); weight_orig's values
    right after pruning and after the last step."""
    m = linear(weight, bias)
    opt = torch.optim.SGD(m.parameters(), lr=lr, momentum=0.9) if optimizer_first else None
    m = _returned(mod.prune_linear(m, amount), "prune_linear")
    weight_raw = m.__dict__.get("weight", getattr(m, "weight", None))
    weight_now = weight_raw.detach().clone() if isinstance(weight_raw, torch.Tensor) else weight_raw
    orig_now = _values(getattr(m, "weight_orig", None))
    if opt is None:
        opt = torch.optim.SGD(m.parameters(), lr=lr, momentum=0.9)
    with drive.grad_mode(False):
        first = m(x)
    outs, grads = [], []
    for _ in range(steps):
        opt.zero_grad()
        F.mse_loss(m(x), y).backward()
        g = getattr(m, "weight_orig", None)
        grads.append(None if g is None or g.grad is None else g.grad.clone())
        opt.step()
        with drive.grad_mode(False):
            if eval_after_step:
                m.eval()
            outs.append(m(x))
            if eval_after_step:
                m.train()
    return {"first_out": first, "outs": outs, "grads": grads, "mask": getattr(m, "weight_mask", None),
            "weight": m.weight, "weight_after_pruning": weight_now, "weight_set_by_pruning": weight_raw,
            "orig_after_pruning": orig_now,
            "orig_after_training": _values(getattr(m, "weight_orig", None)), **names(m)}


def prune_then_remove(mod, weight, bias, amount, x, y, lr, second=False, trained=False):
    """Prune, make it permanent, then: the names, the weight's values, the output after doubling the weight in place
    (a hook left behind would recompute it), and the output after one SGD step on module.parameters(). With second,
    another Linear (same weights) is pruned after the first and stays pruned while the first one's pruning is removed:
    its output after doubling its weight_orig in place (its own hook must still recompute its weight). With trained,
    the pruned layer first takes one SGD step (momentum 0.9) and goes to remove_pruning with no forward after it, as at
    the end of a training loop: module.weight, as the last forward computed it, is then out of date."""
    m = linear(weight, bias)
    m = _returned(mod.prune_linear(m, amount), "prune_linear")
    if trained:
        opt = torch.optim.SGD(m.parameters(), lr=lr, momentum=0.9)
        opt.zero_grad()
        F.mse_loss(m(x), y).backward()
        opt.step()
    other = _returned(mod.prune_linear(linear(weight, bias), amount), "prune_linear") if second else None
    m = _returned(mod.remove_pruning(m), "remove_pruning")
    report = names(m)
    report["weight"] = m.weight.detach().clone()
    with drive.grad_mode(False):
        m.weight.mul_(2)
        report["out_after_doubling"] = m(x)
        m.weight.div_(2)
    opt = torch.optim.SGD(m.parameters(), lr=lr)
    opt.zero_grad()
    F.mse_loss(m(x), y).backward()
    opt.step()
    with drive.grad_mode(False):
        report["out_after_step"] = m(x)
    if other is not None:
        with drive.grad_mode(False):
            other.weight_orig.mul_(2)
            report["second_out_after_doubling_orig"] = other(x)
    return report


def prune_swap_mask(mod, weight, bias, amount, x, new_mask):
    """Prune, then replace the weight_mask buffer by another 0/1 tensor (module.weight_mask = new_mask, as a user or
    another pruning step may): the output of the next forward."""
    m = linear(weight, bias)
    m = _returned(mod.prune_linear(m, amount), "prune_linear")
    m.weight_mask = new_mask
    with drive.grad_mode(False):
        return m(x)
