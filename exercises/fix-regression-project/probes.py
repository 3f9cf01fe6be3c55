"""Trusted helpers for fix-regression-project, run in the worker: feed the learner's code numpy or torch data."""

import torch


def _data(x, y, as_numpy):
    if as_numpy:  # what the seed's make_line hands over: float64 arrays, y flat
        return x.cpu().double().numpy(), y.cpu().double().reshape(-1).numpy()
    return x, y


def make(mod, **kwargs):
    return mod.make_line(**kwargs)


def fit(mod, x, y, as_numpy, init_seed, values, **kwargs):
    """Fit with the learner's fit_line (torch.manual_seed(init_seed) first); report the model and predictions."""
    torch.manual_seed(init_seed)
    model = mod.fit_line(*_data(x, y, as_numpy), **kwargs)
    if not isinstance(model, torch.nn.Module):
        return {"is_module": False}
    params = dict(model.named_parameters())
    with torch.no_grad():
        pred = model(torch.tensor(values, dtype=torch.float32).reshape(-1, 1))
    return {"is_module": True, "names": sorted(params), "weight": params["linear.weight"].detach().clone(),
            "bias": params["linear.bias"].detach().clone(), "pred": pred}


def lsq(mod, x, y, as_numpy):
    return mod.least_squares(*_data(x, y, as_numpy))
