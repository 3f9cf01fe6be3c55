"""Trusted helpers for batchnorm-train-eval, run in the worker: drive the learner's MyBatchNorm2d through batches.

They hand back what the module produced (outputs, its buffers as they are after each batch, gradients, its state
dict); every reference and comparison is in the judge. Buffers come back cloned but not detached, so the judge sees
whether they still require grad (a graph kept in the running statistics)."""

import torch
from grader import drive

_KEPT = []  # the module forward_passes built, kept alive until its (fresh) worker ends, for the judge's measurement


def _layout(x, layout):
    if layout == "channels_last":
        return x.contiguous(memory_format=torch.channels_last)
    if layout == "strided":
        return torch.stack([x, x], dim=-1)[..., 0]
    if layout == "hw_transposed":  # the same values stored with W outside H: .view(N, C, -1) cannot flatten it
        return x.transpose(2, 3).contiguous().transpose(2, 3)
    return x


def run(mod, args, kwargs, state, batches, modes, grad_outputs=None, layout="contiguous"):
    """Forward each batch in the given mode ("train" or "eval"; "train_no_grad" is train mode under torch.no_grad();
    "train_as_called" and "eval_as_called" call the module in the grad mode the request started in, with no block
    around it);
    after each, the output, the buffers and (with grad_outputs) the gradients for the input and the parameters in
    named_parameters() order (None for one the output does not depend on)."""
    bn = mod.MyBatchNorm2d(*args, **kwargs).to(batches[0].device, batches[0].dtype)
    if state is not None:
        bn.load_state_dict(state)
    outs, buffers, grads = [], [], []
    for k, (x, mode) in enumerate(zip(batches, modes)):
        bn.train(mode.startswith("train"))
        x = _layout(x.detach(), layout).requires_grad_()
        if mode.endswith("as_called"):
            y = bn(x)
        else:
            with drive.grad_mode(not mode.endswith("no_grad")):
                y = bn(x)
        outs.append(y.detach().clone())
        buffers.append({n: b.clone() for n, b in bn.named_buffers()})
        if grad_outputs is not None:
            params = [p for _, p in bn.named_parameters()]
            if isinstance(y, torch.Tensor) and y.requires_grad:
                grads.append(list(torch.autograd.grad(y, [x] + params, grad_outputs[k], allow_unused=True)))
            else:
                grads.append([None] * (1 + len(params)))
    return {"outs": outs, "buffers": buffers, "grads": grads, "state": dict(bn.state_dict())}


def fresh_state(mod, args, kwargs):
    """The state_dict of a freshly built module (its tensors as they are) and its keys in order."""
    bn = mod.MyBatchNorm2d(*args, **kwargs)
    state = bn.state_dict()
    return {"keys": list(state), "state": {k: v.clone() for k, v in state.items()}}


def forward_passes(mod, channels, shape, steps, seed):
    """`steps` forward passes in train mode (no backward, grad mode on), the module kept alive afterwards. Returns
    num_batches_tracked, the running statistics (detached clones) and two sums of each output, sum(y^2) and
    sum(y * x^2), so that the judge can check the measured passes' values too (the seed comes only with this
    request)."""
    gen = torch.Generator().manual_seed(seed)
    bn = mod.MyBatchNorm2d(channels).double()
    _KEPT.append(bn)
    sums = []
    for _ in range(steps):
        x = torch.randn(shape, generator=gen, dtype=torch.float64).requires_grad_()
        y = bn(x)
        with drive.grad_mode(False):
            if isinstance(y, torch.Tensor) and y.shape == x.shape:
                y = y.detach().double()
                sums.append([float(y.square().sum()), float((y * x.detach().square()).sum())])
            else:
                sums.append(None)
        del y
    buffers = dict(bn.named_buffers())
    return {"tracked": int(bn.num_batches_tracked),
            **{name: buffers[name].detach().clone() if isinstance(buffers.get(name), torch.Tensor) else None
               for name in ("running_mean", "running_var")},
            "sums": sums}


def warm_up(mod=None):
    """Before any submission is loaded into a fresh worker (learner.fresh): what a right module does in
    forward_passes (float64 train-mode forwards of inputs that require grad: batch mean and variance, the running
    statistics updated under no_grad, normalise, scale and shift), at a small size, so that its one-off costs are
    paid before the judge reads the worker's size."""
    gen = torch.Generator().manual_seed(0)
    weight = torch.ones(3, dtype=torch.float64, requires_grad=True)
    bias = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    running_mean, running_var = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    tracked = torch.tensor(0)
    for _ in range(3):
        x = torch.randn((4, 3, 16, 16), generator=gen, dtype=torch.float64).requires_grad_()
        mean, var = x.mean(dim=(0, 2, 3)), x.var(dim=(0, 2, 3), unbiased=False)
        with drive.grad_mode(False):
            tracked += 1
            running_mean.mul_(0.9).add_(mean.detach(), alpha=0.1)
            running_var.mul_(0.9).add_(var.detach() * 1024 / 1023, alpha=0.1)
        y = (x - mean[None, :, None, None]) / torch.sqrt(var[None, :, None, None] + 1e-5)
        y * weight[None, :, None, None] + bias[None, :, None, None]
    return int(tracked)


def infer(mod, state, x):
    """Eval mode under torch.no_grad() on a plain input (as at inference): the output and the input afterwards."""
    bn = mod.MyBatchNorm2d(state["running_mean"].shape[0]).to(x.device, x.dtype)
    bn.load_state_dict(state)
    bn.eval()
    with drive.grad_mode(False):
        y = bn(x)
    return {"out": y, "input_after": x}
