"""Helpers for fix-checkpoint-inference. In the worker they only drive the learner's functions (train a model, save,
load, resume, evaluate) and return raw results: outputs, state dicts, losses, the learner's return values. The judge
loads this file too (load_sibling) and repeats the same training from the same seeds to compute every reference."""

import os
import tempfile

import torch
from torch import nn
from grader import drive

STATE = {}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 3))

    def forward(self, x):
        return self.body(x)


def data(seed, sizes, device="cpu"):
    """(x, labels) batches of the given sizes."""
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(n, 4, generator=g).to(device), torch.randint(0, 3, (n,), generator=g).to(device))
            for n in sizes]


def train(model, opt, batches, seed=None, set_mode=True):
    """Adam steps on cross-entropy in train mode; seed (when given) fixes the dropout masks. With set_mode=False the
    loop does not call model.train() itself: it trains the model in whatever mode it finds it (a loop that set the
    mode once, before it started)."""
    if seed is not None:
        torch.manual_seed(seed)
    if set_mode:
        model.train()
    losses = []
    for x, y in batches:
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def fresh(seed, device="cpu"):
    torch.manual_seed(seed)
    model = Net().to(device)
    return model, torch.optim.Adam(model.parameters(), lr=0.01)


def trained(seed, device="cpu"):
    model, opt = fresh(seed, device)
    train(model, opt, data(seed, [8] * 4, device), seed)
    return model, opt


def _state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _folder():
    return tempfile.mkdtemp()


# ---------------------------------------------------------------- judge side: references


def one_thread(fn):
    """Run a reference with one intra-op thread, as the worker does: Adam turns the last-bit differences of a
    multi-threaded BatchNorm reduction into visible ones (a step is lr * m / sqrt(v) even for a gradient near 0)."""
    def run(*args, **kwargs):
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return fn(*args, **kwargs)
        finally:
            torch.set_num_threads(threads)
    run.__name__, run.__doc__ = fn.__name__, fn.__doc__
    return run


@one_thread
def reference_inference(seed, device="cpu"):
    model, _ = trained(seed, device)
    model.eval()
    with drive.grad_mode(False):
        return {"state": _state(model), "out": model(data(seed + 1, [8], device)[0][0])}


@one_thread
def reference_resume(seed, lr_after, device="cpu"):
    """Six uninterrupted steps; after the third the training loop lowers the learning rate (a schedule)."""
    batches = data(seed, [8] * 6, device)
    model, opt = fresh(seed, device)
    train(model, opt, batches[:3], seed)
    for group in opt.param_groups:
        group["lr"] = lr_after
    rest = train(model, opt, batches[3:])
    return {"losses": rest, "state": _state(model)}


def accuracy_batches(seed, device="cpu"):
    return data(seed + 2, [7, 2, 4, 11], device)  # unequal batch sizes


@one_thread
def reference_accuracy(seed, start_training, device="cpu"):
    """The eval-mode fraction of hits; the state afterwards (unchanged); the output of one forward pass in the mode
    the model was in before (the dropout masks fixed by a seed)."""
    model, _ = trained(seed, device)
    state = _state(model)
    model.eval()
    with drive.grad_mode(False):
        hits = sum(int((model(x).argmax(1) == y).sum()) for x, y in accuracy_batches(seed, device))
    model.train(start_training)
    torch.manual_seed(seed + 5)
    with drive.grad_mode(False):
        after = model(data(seed + 3, [6], device)[0][0])
    return {"value": hits / 24, "state": state, "after": after,
            "requires_grad": [bool(p.requires_grad) for p in model.parameters()]}


class Column(nn.Module):
    """Wraps a classifier: logits (N, C, 1), the class still on dimension 1; in training mode it shifts the classes by
    one (a train-time behaviour of a module that is neither Dropout nor BatchNorm), so only eval mode predicts right."""

    def __init__(self, net, width=1):
        super().__init__()
        self.net = net
        self.width = width

    def forward(self, x):
        out = self.net(x)
        if self.training:
            out = out.roll(1, dims=1)
        return out[:, :, None].expand(-1, -1, self.width)


def column_labels(y, width):
    """(N, width) labels for Column(net, width): the true class in column 0, the next class (mod 3) in column 1; an
    arg-max matches at most one of them, so counting N samples instead of N * width entries can exceed 1."""
    return torch.stack([(y + k) % 3 for k in range(width)], dim=1)


@one_thread
def reference_accuracy_columns(seed, width, device="cpu"):
    """The eval-mode fraction of hits of Column(net, width) over every entry of its (N, width) labels."""
    model, _ = trained(seed, device)
    model.eval()
    with drive.grad_mode(False):
        hits = sum(int((model(x).argmax(1)[:, None] == column_labels(y, width)).sum())
                   for x, y in accuracy_batches(seed, device))
    return hits / (24 * width)


@one_thread
def reference_accuracy_shifted(seed, device="cpu"):
    """The fraction of hits when Column is left in training mode (its classes shifted) and the rest is in eval mode."""
    model, _ = trained(seed, device)
    model.eval()
    with drive.grad_mode(False):
        hits = sum(int((model(x).roll(1, dims=1).argmax(1) == y).sum()) for x, y in accuracy_batches(seed, device))
    return hits / 24


# ---------------------------------------------------------------- worker side: drive the learner's code


def inference(mod, seed, device="cpu"):
    """Train, save_checkpoint, train the saved model one more step (the file must hold the state at save time, not
    follow the objects), then load_for_inference into a fresh model built from another seed; run it twice."""
    model, opt = trained(seed, device)
    path = os.path.join(_folder(), "ckpt.pt")
    mod.save_checkpoint(model, opt, 4, path)
    train(model, opt, data(seed + 7, [8], device), seed + 7)
    other, _ = fresh(seed + 100, device)
    loaded = mod.load_for_inference(other, path)
    report = {"is_module": isinstance(loaded, nn.Module), "type": type(loaded).__qualname__}
    if report["is_module"]:
        report["state"] = _state(loaded)  # before any forward pass (one in train mode would move the statistics)
        x = data(seed + 1, [8], device)[0][0]
        with drive.grad_mode(False):
            report["outs"] = [loaded(x), loaded(x)]
            report["given_out"] = other(x)  # the model that was passed in
    return report


def resume(mod, seed, epoch, lr_after, device="cpu", loop_sets_mode=True):
    """Three steps, a learning-rate change, save_checkpoint; a decoy checkpoint saved to another file afterwards; the
    saved model and optimizer then train three more steps (the checkpoint must not follow them); resume from the first
    file into a fresh model (in training mode, as built) and optimizer; three more steps with
    the dropout stream where the uninterrupted run has it, by a loop that calls model.train() (or, with
    loop_sets_mode=False, one that trains the model in the mode resume left it in)."""
    batches = data(seed, [8] * 6, device)
    model, opt = fresh(seed, device)
    train(model, opt, batches[:3], seed)
    for group in opt.param_groups:
        group["lr"] = lr_after
    rng_state = torch.get_rng_state()
    folder = _folder()
    path = os.path.join(folder, "ckpt.pt")
    mod.save_checkpoint(model, opt, epoch, path)
    decoy, decoy_opt = trained(seed + 50, device)
    mod.save_checkpoint(decoy, decoy_opt, epoch + 7, os.path.join(folder, "other.pt"))
    # the saved run goes on after its checkpoint (the file must hold the state at save time, not follow the objects)
    torch.set_rng_state(rng_state)
    train(model, opt, batches[3:])
    model2, opt2 = fresh(seed + 100, device)
    got_epoch = mod.resume(model2, opt2, path)
    torch.set_rng_state(rng_state)
    rest = train(model2, opt2, batches[3:], set_mode=loop_sets_mode)
    return {"epoch": got_epoch, "losses": rest, "state": _state(model2)}


def accuracy(mod, seed, start_training, device="cpu", column=False, width=1):
    """The learner's accuracy on a trained model in the given mode (its .grad still holding the last batch's
    gradients); then the state, the gradients before and after, which parameters require grad, and one forward
    pass. With column, the model is wrapped in Column (logits (N, C, 1), labels (N, 1)) and only the accuracy is
    returned."""
    model, _ = trained(seed, device)
    if column:
        model = Column(model, width)
        model.train(start_training)
        batches = [(x, column_labels(y, width)) for x, y in accuracy_batches(seed, device)]
        return {"value": mod.accuracy(model, batches)}
    model.train(start_training)
    grads_before = [None if p.grad is None else p.grad.detach().clone() for p in model.parameters()]
    value = mod.accuracy(model, accuracy_batches(seed, device))
    state = _state(model)
    grads_after = [None if p.grad is None else p.grad.detach().clone() for p in model.parameters()]
    requires_grad = [bool(p.requires_grad) for p in model.parameters()]
    torch.manual_seed(seed + 5)
    with drive.grad_mode(False):
        after = model(data(seed + 3, [6], device)[0][0])
    return {"value": value, "state": state, "after": after, "grads_before": grads_before, "grads_after": grads_after,
            "requires_grad": requires_grad}


def accuracy_grad_mode_after_no_grad(mod, seed, device="cpu"):
    """Whether grad mode is still on right after the learner's accuracy runs inside a caller's torch.no_grad() block
    (drive.grad_mode_after_no_grad): an accuracy that switches recording off and back on with
    torch.set_grad_enabled leaves it on there. The learner's output: a forged answer can only hide its own mistake."""
    model, _ = trained(seed, device)
    model.eval()
    return drive.grad_mode_after_no_grad(lambda: mod.accuracy(model, accuracy_batches(seed, device)))


# ---------------------------------------------------------------- a large model, to read memory from outside


class Scale(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.w = nn.Parameter(torch.rand(width) + 0.5)
        self.b = nn.Parameter(torch.randn(width) * 0.1)

    def forward(self, x):
        return x * self.w + self.b


def big_model(seed, width=64, depth=12):
    """depth rounds of Scale-Tanh and a Linear(width, 10): a forward that records a graph saves about one input-sized
    tensor per round, an inference forward saves nothing."""
    torch.manual_seed(seed)
    layers = []
    for _ in range(depth):
        layers += [Scale(width), nn.Tanh()]
    return nn.Sequential(*layers, nn.Linear(width, 10))


def big_batches(seed, n=16384, width=64, count=2):
    g = torch.Generator().manual_seed(seed + 1)
    return [(torch.randn(n, width, generator=g), torch.randint(0, 10, (n,), generator=g)) for _ in range(count)]


@one_thread
def reference_big_accuracy(seed, model_seed=None):
    model = big_model(seed if model_seed is None else model_seed)
    with drive.grad_mode(False):
        batches = big_batches(seed)
        return sum(int((model(x).argmax(1) == y).sum()) for x, y in batches) / sum(len(y) for _, y in batches)


def warm_up(mod=None):
    """Before any submission is loaded into a fresh worker (learner.fresh): what a right accuracy computes on the large
    model (eval mode, forward passes under no_grad and under inference_mode, argmax, hits counted), at the measured
    size, so that one-off costs (first use of these kernels at this size) are paid before the judge reads the
    worker's size."""
    model, batches = big_model(0), big_batches(0)
    model.eval()
    for context in (torch.no_grad, torch.inference_mode):
        with context():
            sum(int((model(x).argmax(1) == y).sum().item()) for x, y in batches) / sum(len(y) for _, y in batches)
    model.train()


def prepare_big(mod, seed, model_later=False):
    """The batches (and, without model_later, the model) for big_accuracy. With model_later the model is built by the
    measured big_accuracy from a seed sent only with it: a model known here, where nothing is measured, would let
    accuracy's answer be computed in advance (graph and all) and handed back by the measured call."""
    STATE.clear()
    STATE.update(batches=big_batches(seed))
    if not model_later:
        STATE.update(model=big_model(seed))


def big_accuracy(mod, model_seed=None):
    model = STATE["model"] if model_seed is None else big_model(model_seed)
    return mod.accuracy(model, STATE["batches"])


def clear(mod):
    STATE.clear()
