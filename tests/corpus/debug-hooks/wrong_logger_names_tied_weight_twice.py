"""Wrong: attach_grad_norm_logger walks named_parameters(remove_duplicate=False): a weight shared by two layers
gets a second key under its alias name (and a second hook). The task: "log is a new dict from every name of
model.named_parameters()" (which names a shared parameter once)."""
import torch


def attach_grad_norm_logger(model):
    log = {name: [] for name, _ in model.named_parameters(remove_duplicate=False)}
    handles = []
    for name, p in model.named_parameters(remove_duplicate=False):
        if p.requires_grad:
            # the gradient of this pass, before accumulation; norm in float64
            handles.append(p.register_hook(lambda g, name=name: log[name].append(torch.linalg.vector_norm(g.double()).item())))
    return log, tuple(handles)


class _Found(Exception):
    pass


def _bad(out):
    if isinstance(out, torch.Tensor):
        return bool((~torch.isfinite(out)).any()) if out.is_floating_point() or out.is_complex() else False
    if isinstance(out, (tuple, list)):
        return any(_bad(o) for o in out)
    if isinstance(out, dict):
        return any(_bad(o) for o in out.values())
    return False


def first_nonfinite_module(model, x):
    names = {m: n for n, m in model.named_modules() if m is not model}

    def hook(module, inputs, output):
        if module in names and _bad(output):
            raise _Found(names[module])   # stop the forward pass at the first one

    handle = torch.nn.modules.module.register_module_forward_hook(hook)
    try:
        model(x)
    except _Found as found:
        return found.args[0]
    finally:
        handle.remove()
    return None
