"""Right: round_ste through a zero-valued x - x.detach(); freeze by identity through the submodule's own
parameters; ema_update with lerp_ over named parameters and named buffers, looked up by name."""
import torch


def round_ste(x):
    return (x - x.detach()) + torch.round(x.detach())


def freeze(model, module_name):
    sub = model.get_submodule(module_name)
    mine = set(map(id, sub.parameters()))
    frozen = [n for n, p in model.named_parameters() if id(p) in mine]
    for p in sub.parameters():
        p.requires_grad = False
    return frozen


@torch.no_grad()
def ema_update(target, online, decay):
    on_p = dict(online.named_parameters())
    for n, p in target.named_parameters():
        p.lerp_(on_p[n].to(p.dtype), 1.0 - decay)
    on_b = dict(online.named_buffers())
    for n, b in target.named_buffers():
        b.copy_(on_b[n])
