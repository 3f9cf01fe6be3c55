"""Wrong: the EMA multiplies by decay as a float32 0-d tensor, so a float64 target gets decay rounded to float32
(0.9 becomes 0.899999976...): every averaged parameter is off by about 1e-8, far from float64 precision, while
the task says every parameter becomes decay * target + (1 - decay) * online."""
import torch


def round_ste(x):
    # x - x.detach() is exactly 0 with the identity's gradient; adding round(x) keeps its value exact
    d = x.detach()
    return (x - d) + torch.round(d)


def freeze(model, module_name):
    if not isinstance(module_name, str):
        raise TypeError("module_name must be a string")
    modules = dict(model.named_modules())
    if module_name not in modules:
        raise AttributeError(f"no submodule called {module_name!r}")
    targets = {id(p) for p in modules[module_name].parameters()}
    names = []
    for name, p in model.named_parameters():
        if id(p) in targets:
            if p.requires_grad:
                p.requires_grad_(False)
            names.append(name)
    return list(names)


def ema_update(target, online, decay):
    decay = float(decay)
    tparams = dict(target.named_parameters())
    oparams = dict(online.named_parameters())
    tbufs = dict(target.named_buffers())
    obufs = dict(online.named_buffers())
    with torch.no_grad():
        for name, t in tparams.items():
            o = oparams[name].detach().to(dtype=t.dtype, device=t.device)
            d = torch.tensor(decay, dtype=torch.float32)
            t.mul_(d).add_(o * (1 - d))

        for name, t in tbufs.items():
            t.copy_(obufs[name])
