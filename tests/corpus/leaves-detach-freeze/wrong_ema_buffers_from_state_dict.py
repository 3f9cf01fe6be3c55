"""Violates: 'every buffer of target ... a copy of online's': buffers are copied from online.state_dict(), which omits non-persistent buffers (register_buffer(..., persistent=False)), so those are never copied."""
import torch


def round_ste(x):
    return torch.round(x).detach() + x - x.detach()


def freeze(model, module_name):
    modules = dict(model.named_modules())
    owned = [p for p in modules[module_name].parameters()]
    out = []
    for full, p in model.named_parameters():
        if any(p is q for q in owned):
            out.append(full)
    for p in owned:
        p.requires_grad_(False)
    return out


def ema_update(target, online, decay):
    src_p = dict(online.named_parameters())
    src_b = online.state_dict()
    with torch.no_grad():
        for name, p in target.named_parameters():
            p.mul_(decay)
            p.add_(src_p[name] * (1 - decay))
        for name, b in target.named_buffers():
            if name in src_b:
                b.copy_(src_b[name])
