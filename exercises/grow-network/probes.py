"""The grow-network harness: train, grow mid-training, train on, and record everything raw.

Used on both sides with the same code: the probe `run` drives the learner's `grow` in the worker; the graders load
this file in the judge (load_sibling) and drive a reference grow built on `opt.add_param_group` with the very same
`drive`, so the protocol cannot drift. Only the judge's run is trusted; the worker's is the learner's output.
"""

import torch
from torch import nn


# Per-group settings of the optimizer's one group when the harness is asked for a tuned group (different from the
# optimizer's defaults, as a caller may set them per group): a new group must still get opt.defaults for them.
TUNED = {"adam": {"weight_decay": 0.02, "betas": (0.8, 0.95), "eps": 1e-6},
         "sgd": {"weight_decay": 0.02, "momentum": 0.5, "dampening": 0.1}}


class Scaled(nn.Module):
    """A layer with a parameter of its own next to a child module: both are its parameters (the own one first in
    parameters()), so registering only layer.parameters(recurse=False) (or only the children's) misses some."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.linspace(0.5, 1.5, 2, dtype=torch.float64))
        self.inner = nn.Linear(8, 2).double()

    def forward(self, x):
        return self.inner(x) * self.scale


def _scenario(seed, optimizer, nested, tuned=False, decayed=False, tricky=False, damped=False, bare=False,
              mixed=False, evaluated=False):
    gen = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        if evaluated:  # a BatchNorm in eval mode (frozen statistics, as when fine-tuning): train() changes it
            model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Tanh()).double().eval()
        else:
            model = nn.Sequential(nn.Linear(4, 8), nn.Tanh()).double()
        if tricky:  # two Linears that share one weight (once in layer.parameters()), a bias frozen at grow time
            tied_a, tied_b = nn.Linear(3, 3).double(), nn.Linear(3, 3).double()
            tied_b.weight = tied_a.weight
            first = nn.Sequential(nn.Linear(8, 3).double(), nn.Tanh(), tied_a, nn.Tanh(), tied_b)
        elif mixed:
            first = Scaled()
        elif nested:
            first = nn.Sequential(nn.Linear(8, 3), nn.Tanh(), nn.Linear(3, 2)).double()
        else:
            first = nn.Linear(8, 2).double()
        second = nn.Tanh() if bare else nn.Linear(2, 2, bias=False).double()
    group = {"params": list(model.parameters()), **(TUNED[optimizer] if tuned else {})}
    if tricky:
        group["lr"] = 0.02  # group 0's own lr, which a scheduler records as its initial_lr; opt.defaults' stays
    decay = {"weight_decay": 0.03} if decayed else {}  # the optimizer's own default, not a group's
    if optimizer == "adam":
        opt = torch.optim.Adam([group], lr=0.01, **decay)
    else:
        opt = torch.optim.SGD([group], lr=0.05, momentum=0.9, **decay, **({"dampening": 0.3} if damped else {}))
    data = [(torch.randn(6, 4, generator=gen, dtype=torch.float64), torch.randn(6, 2, generator=gen, dtype=torch.float64))
            for _ in range(6)]
    return model, opt, first, second, data


def _step(model, opt, x, y):
    opt.zero_grad()
    out = model(x)
    loss = ((out[:, :2] - y) ** 2).mean()
    loss.backward()
    opt.step()


def _groups(opt):
    return [{**{k: v for k, v in g.items() if k != "params"}, "n_params": len(g["params"])} for g in opt.param_groups]


def _state(opt, params):
    """The optimizer's state for these parameters: {index: {key: value}} (tensors cloned, numbers as they are)."""
    out = {}
    for i, p in enumerate(params):
        if p in opt.state:
            out[str(i)] = {k: v.clone() if isinstance(v, torch.Tensor) else v for k, v in opt.state[p].items()}
    return out


def drive(grow, seed, lr, optimizer="adam", nested=False, twice=False, scheduled_lr=None, tuned=False,
          second_lr="same", decayed=False, tricky=False, damped=False, bare=False, cleared=False, mixed=False,
          evaluated=False, report_errors=False):
    """Two steps, (optionally change group 0's lr, as a scheduler would), grow, two steps, (grow a second layer, with
    lr again or with second_lr, None meaning grow without lr, and take one more step), then record: what grow
    returned, the groups' hyper-parameters, the optimizer's defaults, the state of the old parameters right after the
    (first) grow and at the end, every parameter of the model and of the new layers. With tuned, the old group has
    hyper-parameters of its own (TUNED), not the optimizer's defaults; with decayed, the optimizer was built with a
    weight decay of its own (a default a new group must take); with tricky, group 0 has its own lr and a LambdaLR
    scheduler, the layer has two Linears sharing one weight and a bias frozen while grow runs (unfrozen after),
    and grow is called between a backward and its step; with damped, SGD is built with a dampening of its own (its
    momentum buffers start from the first gradient, undamped); with bare, the second layer has no parameters
    (nn.Tanh(): its group is empty, as add_param_group makes it); with cleared, grow runs right after
    opt.zero_grad(), when every .grad is None (the optimizer's state for the old parameters is there all the same);
    with mixed, the layer has a parameter of its own next to a child Linear (Scaled); with evaluated, the model holds a
    BatchNorm1d and is in eval mode (frozen statistics) the whole time: grow must leave the model's mode alone."""
    model, opt, first, second, data = _scenario(seed, optimizer, nested, tuned, decayed, tricky, damped, bare, mixed,
                                                evaluated)
    scheduler = torch.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 0.5 ** epoch) if tricky else None
    for x, y in data[:2]:
        _step(model, opt, x, y)
        if scheduler is not None:
            scheduler.step()
    if scheduled_lr is not None:
        opt.param_groups[0]["lr"] = scheduled_lr
    old = list(model.parameters())
    if tricky:  # gradients pending when grow is called (backward done, step not yet), and a bias frozen for now
        opt.zero_grad()
        model(data[2][0]).sum().backward()
        first[0].bias.requires_grad_(False)
    if cleared:  # grow at the start of an epoch, after zero_grad: no .grad anywhere, the state stays
        opt.zero_grad(set_to_none=True)
    returned = grow(model, opt, first, lr)
    state_after_grow = _state(opt, old)
    try:
        if tricky:
            opt.step()  # the pending gradients of the old parameters
            first[0].bias.requires_grad_(True)
        for x, y in data[2:4]:
            _step(model, opt, x, y)
        if twice:
            returned = [returned, grow(model, opt, second, lr if second_lr == "same" else second_lr)]
            _step(model, opt, *data[4])
    except Exception as e:  # training after grow failed (a new group the optimizer cannot step): report what grow
        # left behind, raw, so that the judge can name the setting; the judge's own run never gets here
        if not report_errors:
            raise
        return {"step_error": f"{type(e).__name__}: {e}"[:300], "returned": returned, "groups": _groups(opt),
                "defaults": dict(opt.defaults), "modules": len(model)}
    return {"returned": returned, "groups": _groups(opt), "defaults": dict(opt.defaults),
            "state_after_grow": state_after_grow,
            "state": _state(opt, old), "modules": len(model),
            "params": [p.detach().clone() for p in model.parameters()],
            "layer_params": [p.detach().clone() for p in first.parameters()] + (
                [p.detach().clone() for p in second.parameters()] if twice else [])}


def run(mod, seed, lr, optimizer="adam", nested=False, twice=False, scheduled_lr=None, tuned=False, second_lr="same",
        decayed=False, tricky=False, damped=False, bare=False, cleared=False, mixed=False, evaluated=False,
        report_errors=False):
    """The harness with the learner's grow (report_errors: a failing step after grow comes back as step_error)."""
    return drive(mod.grow, seed, lr, optimizer, nested, twice, scheduled_lr, tuned, second_lr, decayed, tricky,
                 damped, bare, cleared, mixed, evaluated, report_errors)
