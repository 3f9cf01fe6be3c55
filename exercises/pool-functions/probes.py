"""Trusted helpers for pool-functions, run in the worker. They only drive the learner's Functions and return what
they produced; every reference and comparison is in the graders."""

from grader import drive


def raw_backward(mod, name, x, kernel_size, stride, padding, grad_out):
    """What the Function's backward itself returns, called directly through the output's node (the engine would
    drop the entries for kernel_size, stride and padding, and reduce a gradient of a broadcastable shape)."""
    fn = getattr(mod, name)
    out = fn.apply(x.detach().requires_grad_(), kernel_size, stride, padding)
    node = getattr(out, "grad_fn", None)
    if node is None:
        return "no grad_fn"
    grads = node.apply(grad_out)
    return list(grads) if isinstance(grads, tuple) else [grads]


def noncontiguous(mod, name, x, kernel_size, stride, padding, grad_out):
    """Forward and input gradient of the given wrapper (max_pool2d / avg_pool2d) on views holding x's values:
    transposed storage, a strided slice, channels-last; the incoming gradient non-contiguous too.
    Returns {layout: [output, gradient]}."""
    import torch

    fn = getattr(mod, name)
    found = {}
    bases = {"transposed": lambda t: t.transpose(-1, -2).contiguous().transpose(-1, -2),
             "strided": lambda t: torch.stack([t, torch.zeros_like(t)], dim=-1)[..., 0],
             "channels-last": lambda t: t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)}
    for layout, view in bases.items():
        leaf = x.detach().clone().requires_grad_()
        out = fn(view(leaf), kernel_size, stride, padding)
        out.backward(view(grad_out))
        found[layout] = [out.detach(), leaf.grad]
    return found


def two_calls(mod, name, calls, incoming):
    """Two poolings before one backward (as two branches of a network are): each call is (x, kernel_size, stride,
    padding); the gradient for each x (the harness the grader runs torch's pooling through). Each backward must use
    what its own forward kept."""
    from grader import drive

    return drive.grads_of_calls(getattr(mod, name), calls, incoming)


def grad_mode_after_no_grad(mod, name, x, kernel_size, stride, padding):
    """The wrapper (max_pool2d / avg_pool2d) called inside torch.no_grad(), as a caller's inference code may: whether
    grad mode is still off right after the call, read inside the block (the block's exit would put grad mode back and
    hide a call that switched it on with torch.set_grad_enabled(True) and never back). What the call returns or raises
    under no_grad is not graded here; only a stub's NotImplementedError goes through. A forged answer could only hide
    the learner's own mistake."""
    import torch

    return drive.grad_mode_after_no_grad(lambda: getattr(mod, name)(x, kernel_size, stride, padding))
