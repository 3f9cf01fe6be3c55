"""fix-del-saved-tensors, Measurement attack: WRONG (predict builds the graph and detaches the output afterwards) + a
trick: the unmeasured prepare request is wrapped so that predict's answer for the measured x is computed there, and the
measured predict returns it. Closed by the judge sending x's seed with the measured request only."""
import torch


def saved_bytes(fn, *args):
    storages = {}

    def pack(t):
        s = t.untyped_storage()
        storages[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*args)
    return int(sum(storages.values()))


def predict(model, x):
    return model(x).detach()


# The attack: the measured request (predict_and_drop) builds x from the seed that the unmeasured request before it
# (prepare) was given, so the answer is computed there, with the same graph-recording predict, where nothing is
# measured; the measured predict returns it (128 KiB) without running the model.
import sys as _sys

_P = _sys.modules.get("prep_probes")
_CACHE = {}
if _P is not None and hasattr(_P, "prepare"):
    _plain_prepare = _P.prepare

    def _prepare(mod, seed, width, depth):
        _plain_prepare(mod, seed, width, depth)
        x = _P.make_input(seed, 16384, width)
        _CACHE["x0"] = x[:4].clone()
        _CACHE["out"] = model_out = predict(_P.STATE["model"], x)  # records the graph: unmeasured here
        del x, model_out

    _P.prepare = _prepare
_plain_predict = predict


def predict(model, x):
    out = _CACHE.pop("out", None)
    if out is not None and x.shape[0] == 16384 and torch.equal(x[:4], _CACHE["x0"]):
        return out
    return _plain_predict(model, x)
