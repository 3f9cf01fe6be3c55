"""predict switches recording off with torch.set_grad_enabled(False) and back ON with torch.set_grad_enabled(True),
whatever the caller had: called inside the caller's torch.no_grad() block it leaves recording on (the README: leave
torch's process-wide settings as you found them). Every call made with recording on passes."""
import torch


def saved_bytes(fn, *args):
    seen = {}

    def pack(t):
        s = t.untyped_storage()
        seen[s.data_ptr()] = s.nbytes()
        return t

    def unpack(t):
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        fn(*args)
    return int(sum(seen.values()))


def predict(model, x):
    torch.set_grad_enabled(False)
    out = model(x)
    torch.set_grad_enabled(True)
    return out
