"""Violates: 'set requires_grad=False on every parameter of the submodule': parameters are chosen by full-name prefix (name == m or name.startswith(m + '.')), right for enc/encoder and 1/11, but a parameter tied with another module (listed in named_parameters() under its first name, e.g. head.weight is embed.weight) is neither frozen nor returned."""
import torch


def round_ste(x):
    return torch.round(x).detach() + x - x.detach()


def freeze(model, module_name):
    modules = dict(model.named_modules())
    owned = [p for p in modules[module_name].parameters()]
    out = []
    for full, p in model.named_parameters():
        if full.startswith(module_name + '.') or module_name == '':
            out.append(full)
            p.requires_grad_(False)
    return out


def ema_update(target, online, decay):
    src_p = dict(online.named_parameters())
    src_b = dict(online.named_buffers())
    with torch.no_grad():
        for name, p in target.named_parameters():
            p.mul_(decay)
            p.add_(src_p[name] * (1 - decay))
        for name, b in target.named_buffers():
            b.copy_(src_b[name])
