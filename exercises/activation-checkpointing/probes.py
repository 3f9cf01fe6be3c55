"""Helpers for activation-checkpointing. In the worker they only drive the learner's code (build the blocks, run
the forward pass, keep its output alive between requests, run backward) and return raw results. The judge loads
this file too (load_sibling) and builds the same blocks and inputs from the same seeds to compute the reference."""

import torch

from grader import drive
from torch import nn

STATE = {}


def make(seed, width, depth, dropout, device="cpu", expand=8, frozen=(), eval_blocks=()):
    """depth blocks Linear(width, expand*width)-GELU-Linear(expand*width, width) [-Dropout(0.3)] in float64; the
    blocks numbered in frozen have parameters that do not require grad, those in eval_blocks are in eval mode."""
    torch.manual_seed(seed)
    layers = []
    for _ in range(depth):
        block = [nn.Linear(width, expand * width), nn.GELU(), nn.Linear(expand * width, width)]
        if dropout:
            block.append(nn.Dropout(0.3))
        layers.append(nn.Sequential(*block))
    blocks = nn.Sequential(*layers).to(device=device, dtype=torch.float64)
    for i in frozen:
        blocks[i].requires_grad_(False)
    for i in eval_blocks:
        blocks[i].eval()
    if depth and len(eval_blocks) == depth:
        blocks.eval()
    return blocks


def make_input(seed, batch, width, x_grad, device="cpu", tokens=0):
    """x of shape (batch, width), or (batch, tokens, width) with tokens: one sample can be large too."""
    g = torch.Generator().manual_seed(seed + 1)
    shape = (batch, tokens, width) if tokens else (batch, width)
    return torch.randn(shape, generator=g, dtype=torch.float64).to(device).requires_grad_(x_grad)


def reference(seed, width, depth, batch, dropout, x_grad, device="cpu", expand=8, frozen=(), eval_blocks=(),
              tokens=0, block_seed=None):
    """The judge's side: blocks(x) without checkpointing, its gradients after out.pow(2).sum().backward(). The blocks
    are built from block_seed where one is given (forward's), from seed otherwise."""
    blocks = make(seed if block_seed is None else block_seed, width, depth, dropout, device, expand, frozen,
                  eval_blocks)
    x = make_input(seed, batch, width, x_grad, device, tokens)
    torch.manual_seed(seed + 2)  # the dropout masks
    out = blocks(x)
    out.pow(2).sum().backward()
    return {"out": out.detach(), "x_grad": None if x.grad is None else x.grad.clone(),
            "grads": [None if p.grad is None else p.grad.clone() for p in blocks.parameters()]}


def swapped(seed, width, depth, dropout, device="cpu", swap_seed=0):
    """The blocks of make(seed, ...) with the last block replaced by a new one built from swap_seed (same shapes, new
    weights): the same nn.Sequential object, other contents."""
    blocks = make(seed, width, depth, dropout, device)
    blocks[depth - 1] = make(swap_seed, width, 1, dropout, device)[0]
    return blocks


def reference_swapped(seed, width, depth, batch, dropout, x_grad, device="cpu", swap_seed=0):
    """The judge's side of run_swapped: blocks(x) and its gradients for the stack whose last block was replaced."""
    blocks = swapped(seed, width, depth, dropout, device, swap_seed)
    x = make_input(seed, batch, width, x_grad, device)
    torch.manual_seed(seed + 2)  # the dropout masks
    out = blocks(x)
    out.pow(2).sum().backward()
    return {"out": out.detach(), "x_grad": None if x.grad is None else x.grad.clone(),
            "grads": [None if p.grad is None else p.grad.clone() for p in blocks.parameters()]}


# ---------------------------------------------------------------- worker side: drive the learner's code


def prepare(mod, seed, width, depth, batch, dropout, x_grad, device="cpu", expand=8, frozen=(), eval_blocks=(),
            tokens=0, blocks_later=False):
    """Build the blocks and the input and keep them for the next requests. With blocks_later, only the input: the
    blocks are built by forward, from the seed the judge sends with it (the measured forward: blocks and x both known
    in this unmeasured request would let the output and its gradients be computed here, where nothing is measured,
    and handed back by the measured forward and the backward after it)."""
    STATE.clear()
    config = (width, depth, dropout, device, expand, frozen, eval_blocks)
    STATE.update(blocks=None if blocks_later else make(seed, *config), config=config,
                 x=make_input(seed, batch, width, x_grad, device, tokens), seed=seed)


def forward(mod, block_seed=None):
    """The learner's forward pass; its output stays alive (with whatever it saved for backward). With block_seed, the
    blocks are built here first, from that seed (drawn by the judge per run)."""
    if block_seed is not None:
        STATE["blocks"] = make(block_seed, *STATE["config"])
    torch.manual_seed(STATE["seed"] + 2)  # the dropout masks
    STATE["out"] = mod.checkpointed_forward(STATE["blocks"], STATE["x"])


def backward(mod):
    """out.pow(2).sum().backward() on the output kept by forward; the raw output and gradients."""
    out = STATE.pop("out", None)
    report = {"out": out.detach() if isinstance(out, torch.Tensor) else out, "backward": False}
    if isinstance(out, torch.Tensor) and out.requires_grad:
        out.pow(2).sum().backward()
        report["backward"] = True
    x, blocks = STATE["x"], STATE["blocks"]
    report["x_grad"] = None if x.grad is None else x.grad.detach().clone()
    report["grads"] = [None if p.grad is None else p.grad.detach().clone() for p in blocks.parameters()]
    STATE.clear()
    return report


def warm_up(mod=None):
    """Before any submission is loaded into a fresh worker (learner.fresh): what a right checkpointed_forward and the
    probes around it do, at the measured sizes (one block of Linear(16, 256)-GELU-Linear(256, 16) on 4096 rows of 16,
    on (2, 2048, 16) sequences and on 16384 rows), forward and backward, with x requiring grad or not, so that
    one-off costs (torch.utils.checkpoint's first call, first use of these kernels at this size) are paid before the
    judge reads the worker's size."""
    from torch.utils.checkpoint import checkpoint

    for seed, (batch, tokens), x_grad in ((0, (4096, 0), True), (1, (4096, 0), False), (2, (2, 2048), True),
                                          (3, (16384, 0), True)):
        blocks = make(seed, 16, 1, False, "cpu", 16)
        x = make_input(seed, batch, 16, x_grad, "cpu", tokens)
        h = x
        for block in blocks:
            h = checkpoint(block, h, use_reentrant=False)
        h.pow(2).sum().backward()


def run(mod, seed, width, depth, batch, dropout, x_grad, device="cpu", expand=8, frozen=(), eval_blocks=()):
    """prepare, forward and backward in one request."""
    prepare(mod, seed, width, depth, batch, dropout, x_grad, device, expand, frozen, eval_blocks)
    forward(mod)
    return backward(mod)


def run_grad(mod, seed, width, depth, batch, dropout, x_grad, device="cpu", expand=8, frozen=(), eval_blocks=()):
    """prepare and forward, then torch.autograd.grad(out.pow(2).sum(), ...) for x (when it requires grad) and every
    parameter that requires grad, instead of backward(): the raw output and gradients, in backward's report format."""
    prepare(mod, seed, width, depth, batch, dropout, x_grad, device, expand, frozen, eval_blocks)
    forward(mod)
    out = STATE.pop("out", None)
    x, blocks = STATE["x"], STATE["blocks"]
    params = list(blocks.parameters())
    report = {"out": out.detach() if isinstance(out, torch.Tensor) else out, "backward": False, "x_grad": None,
              "grads": [None] * len(params)}
    wrt = ([x] if x.requires_grad else []) + [p for p in params if p.requires_grad]
    if isinstance(out, torch.Tensor) and out.requires_grad and wrt:
        got = list(torch.autograd.grad(out.pow(2).sum(), wrt, allow_unused=True))
        report["backward"] = True
        if x.requires_grad:
            g = got.pop(0)
            report["x_grad"] = None if g is None else g.detach().clone()
        for i, p in enumerate(params):
            if p.requires_grad:
                g = got.pop(0)
                report["grads"][i] = None if g is None else g.detach().clone()
    STATE.clear()
    return report


def run_swapped(mod, seed, width, depth, batch, dropout, x_grad, device="cpu", swap_seed=0):
    """A caller that reuses its nn.Sequential: checkpointed_forward (and backward) on make(seed, ...), then the last
    block replaced in place by a new block (blocks[-1] = ..., the same Sequential object), the gradients cleared, and
    checkpointed_forward again on a new x: the second run's raw output and gradients."""
    prepare(mod, seed, width, depth, batch, dropout, x_grad, device)
    blocks = STATE["blocks"]
    forward(mod)
    backward(mod)
    blocks[depth - 1] = make(swap_seed, width, 1, dropout, device)[0]
    blocks.zero_grad(set_to_none=True)
    STATE.update(blocks=blocks, x=make_input(seed, batch, width, x_grad, device), seed=seed)
    forward(mod)
    return backward(mod)


def grad_mode_after_no_grad(mod, seed, width, depth, batch, dropout, x_grad, device="cpu"):
    """checkpointed_forward called inside torch.no_grad(), as a caller's evaluation code may: whether grad mode is
    still off right after the call, read inside the block (the block's exit would put grad mode back and hide a call
    that switched it on with torch.set_grad_enabled(True) and never back). What the call returns or raises under
    no_grad is not graded; only a stub's NotImplementedError goes through. A forged answer could only hide the
    learner's own mistake."""
    blocks = make(seed, width, depth, dropout, device)
    x = make_input(seed, batch, width, x_grad, device)
    return drive.grad_mode_after_no_grad(lambda: mod.checkpointed_forward(blocks, x))
