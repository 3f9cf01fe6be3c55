"""Helpers for fix-del-saved-tensors. In the worker they only drive the learner's code (build a case, call
saved_bytes or predict, keep or drop tensors between requests) and return raw results; the judge loads this file
too (load_sibling) to build the same cases from the same seeds and count the saved bytes itself."""

import torch
from torch import nn
from grader import drive

STATE = {}


def build(name, n, seed, device="cpu"):
    """(fn, args) for each case, its inputs made here from the seed."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 5, generator=g).to(device)
    other = torch.randn(n, 5, generator=g).to(device)
    w = nn.Parameter(torch.randn(5, generator=g).to(device))
    idx = torch.randint(0, 12, (n,), generator=g).to(device)
    torch.manual_seed(seed)
    lin = nn.Linear(5, 3).to(device)
    mlp = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 2)).to(device)
    emb = nn.Embedding(12, 4).to(device)
    e = torch.tensor(1.5, device=device, requires_grad=True)
    cases = {
        "linear": lambda: (lambda: lin(x), ()),                              # saves x only (x needs no gradient)
        "linear_input_grad": lambda: (lambda: lin(x.requires_grad_()), ()),  # saves x and the weight
        "tanh": lambda: (lambda: torch.tanh(x.requires_grad_()), ()),        # saves its output
        "square": lambda: (lambda: (lambda t: t * t)(x.requires_grad_()), ()),  # saves t twice: one storage
        "add": lambda: (lambda: (lambda t: t + t)(x.requires_grad_()), ()),  # saves nothing
        "no_grad": lambda: (lambda: _no_grad(lin, x), ()),
        "slice": lambda: (lambda: (lambda t: t[0] * t[-1])(x.requires_grad_()), ()),  # two views of x's storage (the grader takes n >= 2)
        # two empty views of x's storage: they hold no element, but what keeps alive is x's whole storage
        "empty_view": lambda: (lambda: (lambda t: t[:0] * t[1:1])(x.requires_grad_()), ()),
        "mlp": lambda: (lambda: mlp(x), ()),
        # x * w with w an nn.Parameter: mul saves x (for w's gradient) and the Parameter itself (for x's)
        "param": lambda: (lambda: x.requires_grad_() * w, ()),
        # arguments passed through saved_bytes(fn, *args): mul saves the other factor (b for a's gradient)
        "args": lambda: (torch.mul, (x.requires_grad_(), other)),
        "args_mixed": lambda: (lambda a, b, scale: torch.tanh(a * scale) * b, (x.requires_grad_(), other, 3.0)),
        # tensors that are not floating point or not at least 1-d count too: embedding saves its int64 indices,
        # masked_fill its bool mask, and x ** e with a 0-d exponent e that requires grad saves e itself
        "embedding": lambda: (lambda: emb(idx), ()),
        "masked": lambda: (lambda: x.requires_grad_().masked_fill(x > 0, 0.0), ()),
        "scalar_exponent": lambda: (lambda: x.requires_grad_() ** e, ()),
        # fn runs backward itself: autograd must get back the tensors it saved
        "backward_inside": lambda: (lambda: mlp(x).pow(2).sum().backward(), ()),
        # fn edits the parameters in place (under no_grad) between its forward and its backward: the saved weights
        # are views of them, so autograd, given back the very tensors it saved, sees the edit; copies would not
        "backward_edit": lambda: (lambda: _backward_edit(mlp, x, edit_scale(seed)), ()),
        # fn runs backward itself after saving a tensor and two views of its storage (x, x[0], x[-1]): autograd must get
        # back each saved tensor itself, not another one that shares its storage
        "backward_views": lambda: (lambda: _backward_views(x.requires_grad_()), ()),
        # fn runs a double backward itself (a gradient with create_graph=True, then the backward of its squared norm):
        # the second-order graph is built from the saved tensors, so autograd must get back the tensors themselves,
        # still attached to the graph, not detached copies of them
        "backward_double": lambda: (lambda: _backward_double(mlp, x), ()),
    }
    return cases[name]()


def edit_scale(seed):
    """The factor backward_edit scales the parameters by: 1.5 to 3, never 1."""
    return 1.5 + 0.25 * (seed % 7)


def _backward_edit(mlp, x, scale):
    loss = mlp(x).pow(2).sum()
    with drive.grad_mode(False):
        for p in mlp.parameters():
            p.mul_(scale)
    loss.backward()


def _backward_views(x):
    (x * x[0] * x[-1]).sum().backward()  # mul saves x and x[0], then the product and x[-1]: x[0], x[-1] share x's storage


def _backward_double(mlp, x):
    params = list(mlp.parameters())
    grads = torch.autograd.grad(mlp(x).pow(2).sum(), params, create_graph=True)
    sum(g.pow(2).sum() for g in grads).backward()


def build_with_model(name, n, seed, device="cpu"):
    """The case's fn (backward_inside, backward_edit, backward_views or backward_double) and the tensors whose gradients fn leaves (the
    MLP's parameters, or backward_views' input x)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 5, generator=g).to(device)
    if name == "backward_views":
        x.requires_grad_()
        return (lambda: _backward_views(x)), [x]
    torch.manual_seed(seed)
    nn.Linear(5, 3)  # the same parameter draws as build()
    mlp = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 2)).to(device)
    if name == "backward_edit":
        return (lambda: _backward_edit(mlp, x, edit_scale(seed))), list(mlp.parameters())
    if name == "backward_double":
        return (lambda: _backward_double(mlp, x)), list(mlp.parameters())
    return (lambda: mlp(x).pow(2).sum().backward()), list(mlp.parameters())


def reference_gradients(n, seed, device="cpu", name="backward_inside"):
    """The gradients fn leaves when autograd gets back the very tensors it saved (hooks that hand them back as they
    are; with hooks torch skips its version-counter check, so backward_edit's backward sees the edited weights)."""
    fn, leaves = build_with_model(name, n, seed, device)
    with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        fn()
    return [p.grad for p in leaves]


def learner_gradients(mod, n, seed, device="cpu", name="backward_inside"):
    """saved_bytes(fn) where fn runs forward and backward; the learner's count and the gradients fn left."""
    fn, leaves = build_with_model(name, n, seed, device)
    count = mod.saved_bytes(fn)
    return {"count": count, "grads": [None if p.grad is None else p.grad.detach() for p in leaves]}


def _no_grad(lin, x):
    with drive.grad_mode(False):
        return lin(x.requires_grad_())


def reference_bytes(name, n, seed, device="cpu", outer_no_grad=False):
    """The judge's count: distinct saved storages, in bytes (with outer_no_grad, fn runs inside the caller's
    torch.no_grad(): nothing is saved)."""
    storages = {}

    def pack(t):
        storages[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
        return t

    fn, args = build(name, n, seed, device)
    with drive.grad_mode(not outer_no_grad), torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn(*args)
    return sum(storages.values())


def learner_bytes(mod, name, n, seed, device="cpu", outer_no_grad=False):
    """The learner's saved_bytes(fn, *args) for one case, as it returned it (with outer_no_grad, called inside
    torch.no_grad())."""
    fn, args = build(name, n, seed, device)
    if outer_no_grad:
        with drive.grad_mode(False):
            return mod.saved_bytes(fn, *args)
    return mod.saved_bytes(fn, *args)


def learner_bytes_twice(mod, name, n, seed, device="cpu"):
    """The learner's saved_bytes(fn, *args) called twice in a row on the same fn and arguments (the case built once,
    so its input and parameters are the same live tensors both times), as it returned them."""
    fn, args = build(name, n, seed, device)
    return [mod.saved_bytes(fn, *args), mod.saved_bytes(fn, *args)]


# ---------------------------------------------------------------- predict


class Scale(nn.Module):
    """x * w + b per feature: with w requiring grad, the product saves x."""

    def __init__(self, width):
        super().__init__()
        self.w = nn.Parameter(torch.rand(width) + 0.5)
        self.b = nn.Parameter(torch.randn(width) * 0.1)

    def forward(self, x):
        return x * self.w + self.b


def make_model(seed, width, depth, dtype=torch.float32, device="cpu", norm=False):
    """depth rounds of Scale-Tanh, then Linear(width, 2): a training forward saves about one input-sized tensor per
    round, an inference forward saves nothing. With norm, a BatchNorm1d comes first (in training mode, as every new
    module is: model(x) normalizes with the batch's statistics)."""
    torch.manual_seed(seed)
    layers = [nn.BatchNorm1d(width)] if norm else []
    for _ in range(depth):
        layers += [Scale(width), nn.Tanh()]
    return nn.Sequential(*layers, nn.Linear(width, 2)).to(device=device, dtype=dtype)


def make_input(seed, n, width, dtype=torch.float32, device="cpu"):
    g = torch.Generator().manual_seed(seed + 1)
    return torch.randn(n, width, generator=g, dtype=dtype).to(device)


def reference_predict(seed, n, width, depth, dtype_name="float32", device="cpu", norm=False):
    dtype = getattr(torch, dtype_name)
    model = make_model(seed, width, depth, dtype, device, norm)
    with drive.grad_mode(False):
        return model(make_input(seed, n, width, dtype, device))


def predict_values(mod, seed, n, width, depth, dtype_name="float32", device="cpu", norm=False, x_requires_grad=False):
    """The learner's predict(model, x), as it returned it. With x_requires_grad, x is a leaf that requires grad (a
    caller's input that is itself being optimized, or one left over from a training step)."""
    dtype = getattr(torch, dtype_name)
    x = make_input(seed, n, width, dtype, device).requires_grad_(x_requires_grad)
    return mod.predict(make_model(seed, width, depth, dtype, device, norm), x)


def predict_grad_mode_after_no_grad(mod, seed, n, width, depth):
    """predict(model, x) called inside a caller's torch.no_grad() block: whether grad mode is still on right after it
    returns, read inside the block (its exit would put grad mode back and hide a predict that switched recording on
    with torch.set_grad_enabled(True) at its end). The learner's output: a forged answer can only hide its own
    mistake."""
    model = make_model(seed, width, depth)
    x = make_input(seed, n, width)
    return drive.grad_mode_after_no_grad(lambda: mod.predict(model, x))


def warm_up(mod=None):
    """Before any submission is loaded into a fresh worker (learner.fresh): what a right predict computes (an
    inference forward, nothing saved) on the graders' model at a small size, so that one-off costs (the first use of
    these kernels) are paid before the judge reads the worker's size."""
    model = make_model(0, 64, 12)
    with drive.grad_mode(False):
        model(make_input(0, 256, 64))


def prepare(mod, seed, width, depth):
    STATE.clear()
    STATE.update(model=make_model(seed, width, depth), seed=seed, width=width)


def predict_and_drop(mod, n, x_seed=None):
    """x is made here (from x_seed where the judge sends one, drawn per run: made from prepare's seed, x would be known
    in the unmeasured prepare, where predict's answer could be computed in advance); out = predict(model, x) is
    kept; then this request drops its own reference to x."""
    x = make_input(STATE["seed"] if x_seed is None else x_seed, n, STATE["width"])
    STATE["out"] = mod.predict(STATE["model"], x)
    del x


def forward_after(mod, n):
    """A plain model(x) after predict returned, kept alive: with gradient recording on, it keeps its graph."""
    x = make_input(STATE["seed"] + 7, n, STATE["width"])
    STATE["after"] = STATE["model"](x)
    del x


def gradients_after(mod, n):
    """A caller's training step after predict returned: the gradients of a plain model(x)'s loss. With gradient
    recording left off, model(x) records no graph and autograd.grad raises."""
    x = make_input(STATE["seed"] + 7, n, STATE["width"])
    model = STATE["model"]
    loss = model(x).square().sum()
    return list(torch.autograd.grad(loss, list(model.parameters())))


def reference_gradients_after(seed, n, width, depth):
    """What gradients_after returns when predict left gradient recording (and the model) as it found them."""
    model = make_model(seed, width, depth)
    with drive.grad_mode(True):
        loss = model(make_input(seed + 7, n, width)).square().sum()
        return list(torch.autograd.grad(loss, list(model.parameters())))


def take(mod, key):
    """Hand back a kept value (the learner's output) and drop the kept tensors (the model stays)."""
    value = STATE.pop(key, None)
    STATE.pop("out", None)
    STATE.pop("after", None)
    return value
