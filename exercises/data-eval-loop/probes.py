"""Trusted helpers for data-eval-loop, run in the worker: build the models and data, hand them to the learner's
dataset, loader, evaluation and training code, and return what came back (and the state afterwards).

They only drive the learner's code and return raw results. The graders load this file in the judge too
(load_sibling), to build the same models and data from the same seeds and compute every reference there.
"""

import torch
import torch.nn.functional as F
from grader import drive


class Loader:
    """An iterable of (x, y) batches and nothing more: no len(), no indexing, no .dataset (the task's "any
    iterable")."""

    def __init__(self, batches, once=False):
        self._batches = list(batches)
        self._once, self._used = once, False

    def __iter__(self):
        """With once, a one-shot iterable like a generator: a second pass yields nothing."""
        if self._once and self._used:
            return iter(())
        self._used = True
        return iter(self._batches)


class IndexDataset(torch.utils.data.Dataset):
    """Item i is (a (1, 2, 2) float32 image filled with i, the label i % 3): a batch shows which samples it holds."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return torch.full((1, 2, 2), float(i)), i % 3


def make_cnn(seed, channels=1, hw=8, classes=3, width=4, p=0.5, dtype=torch.float64, tie=False):
    """Conv2d(3x3, padding 1) -> BatchNorm2d -> ReLU -> MaxPool2d(2) -> Flatten -> Dropout(p) -> Linear, with
    weights and BatchNorm running statistics from a seeded generator (so eval mode and training mode differ). With
    tie, the Linear's rows 0 and 1 are zero (bias too) and class 2's logit is negative: the logits of classes 0 and 1
    are exactly equal and the largest, for every input."""
    g = torch.Generator().manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(channels, width, 3, padding=1), torch.nn.BatchNorm2d(width), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Dropout(p),
        torch.nn.Linear(width * (hw // 2) ** 2, classes))
    model.to(dtype)
    with drive.grad_mode(False):
        for prm in model.parameters():
            prm.copy_(torch.randn(prm.shape, generator=g, dtype=dtype) * 0.5)
        model[1].running_mean.copy_(torch.randn(width, generator=g, dtype=dtype) * 0.5)
        model[1].running_var.copy_(torch.rand(width, generator=g, dtype=dtype) + 0.5)
        if tie:
            model[-1].weight[:2] = 0
            model[-1].bias[:2] = 0
            model[-1].weight[2] = -model[-1].weight[2].abs()  # its input is >= 0 (ReLU, max-pool): class 2 < 0
            model[-1].bias[2] = -model[-1].bias[2].abs() - 0.1
    return model


def make_wide_cnn(seed, width, hw, depth, classes=3):
    """Conv2d(1, width, 3, padding 1) -> BatchNorm2d -> Dropout -> depth x Tanh -> Flatten -> Linear, float32: an
    evaluation that records a graph keeps the BatchNorm input and every Tanh output, (n, width, hw, hw) each."""
    g = torch.Generator().manual_seed(seed)
    layers = [torch.nn.Conv2d(1, width, 3, padding=1), torch.nn.BatchNorm2d(width), torch.nn.Dropout(0.5)]
    layers += [torch.nn.Tanh() for _ in range(depth)]
    model = torch.nn.Sequential(*layers, torch.nn.Flatten(), torch.nn.Linear(width * hw * hw, classes))
    with drive.grad_mode(False):
        for prm in model.parameters():
            prm.copy_(torch.randn(prm.shape, generator=g) * 0.3)
        model[1].running_mean.copy_(torch.randn(width, generator=g) * 0.1)
        model[1].running_var.copy_(torch.rand(width, generator=g) + 0.5)
    return model


def wide_batches(seed, sizes, hw, classes=3):
    g = torch.Generator().manual_seed(seed + 1)
    return [(torch.rand(n, 1, hw, hw, generator=g), torch.randint(0, classes, (n,), generator=g)) for n in sizes]


def state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def grads(model):
    return [None if p.grad is None else p.grad.detach().clone() for p in model.parameters()]


def _dataset(mod, images, labels, mean, std, seed):
    if seed is None:
        return mod.ImageDataset(images, labels, mean, std), None
    g = torch.Generator().manual_seed(seed)
    return mod.ImageDataset(images, labels, mean, std, generator=g), g


def dataset_items(mod, images, labels, mean, std, seed, order, draws=None, global_seed=0):
    """ImageDataset(images, labels, mean, std[, generator seeded with `seed`]): len() and the items read in
    `order`; before the k-th read the caller draws draws[k] numbers from the same generator (when given). The
    global RNG is seeded with `global_seed` first. Returns the length, the items, and `images` afterwards."""
    torch.manual_seed(global_seed)
    ds, g = _dataset(mod, images, labels, mean, std, seed)
    items = []
    for k, i in enumerate(order):
        if g is not None and draws and draws[k]:
            torch.rand(draws[k], generator=g)
        items.append(ds[i])
    return {"len": len(ds), "items": items, "images_after": images}


def loader_epochs(mod, n, batch_size, train, seed, epochs=2):
    """make_loader over IndexDataset(n); `epochs` passes over it, with unrelated global random draws (a reseed,
    then a few numbers, as dropout would take) between them. seed None: make_loader's default."""
    ds = IndexDataset(n)
    loader = mod.make_loader(ds, batch_size, train) if seed is None else mod.make_loader(ds, batch_size, train, seed)
    out = []
    for e in range(epochs):
        out.append([[x, y] for x, y in loader])
        torch.manual_seed(1000 + e)
        torch.rand(5)
    return out


def two_loaders(mod, n, batch_size, seed, shared=False):
    """Two training loaders built with the same seed, alive at once, read alternately: A, B, A, B. With shared, both
    calls get the same dataset object (the same arguments twice)."""
    first = IndexDataset(n)
    a = mod.make_loader(first, batch_size, True, seed)
    b = mod.make_loader(first if shared else IndexDataset(n), batch_size, True, seed)
    return [[[x, y] for x, y in loader] for loader in (a, b, a, b)]


def eval_run(mod, model_seed, batches, training, preset_grads, tie=False, frozen=False):
    """evaluate() on make_cnn(model_seed) left in training (or eval) mode, the batches in a one-shot iterable, with .grad preset to 0.5 (or None);
    returns what it returned, the state, the gradients, every parameter's requires_grad and every submodule's mode
    afterwards, and whether gradient recording is on. With tie, the model's logits of classes 0 and 1 are equal (see
    make_cnn); with frozen, every other parameter (the first, the third, ...) has requires_grad=False."""
    model = make_cnn(model_seed, tie=tie)
    model.train(training)
    if frozen:
        for p in list(model.parameters())[::2]:
            p.requires_grad_(False)
    if preset_grads:
        for p in model.parameters():
            p.grad = torch.full_like(p, 0.5)
    returned = mod.evaluate(model, Loader(batches, once=True))
    return {"returned": returned, "state": state(model), "grads": grads(model),
            "requires_grad": [p.requires_grad for p in model.parameters()],
            "modes": [m.training for m in model.modules()], "grad_mode_after": torch.is_grad_enabled()}


_KEPT = []


def warm_up(mod=None):
    """Before any submission is loaded into a fresh worker (learner.fresh): what a right evaluate() does on the wide
    CNN (eval mode, forwards under no_grad, summed cross-entropy, argmax and counting, Python floats back), at a
    small size, so that its one-off costs are paid before the judge reads the worker's size."""
    model = make_wide_cnn(0, 16, 8, 6)
    training = model.training
    model.eval()
    correct, loss, count = 0, 0.0, 0
    with drive.grad_mode(False):
        for x, y in Loader(wide_batches(0, [64, 16], 8), once=True):
            out = model(x)
            loss += F.cross_entropy(out, y, reduction="sum").item()
            correct += int((out.argmax(dim=1) == y).sum())
            count += len(y)
    model.train(training)
    return {"accuracy": correct / count, "loss": loss / count}


def eval_wide(mod, seed, width, hw, depth, sizes):
    """evaluate() on the wide model (the graders measure the worker's memory from outside around this call); the
    returned value is kept in a module global until the next call."""
    _KEPT.clear()
    model = make_wide_cnn(seed, width, hw, depth)
    returned = mod.evaluate(model, Loader(wide_batches(seed, sizes, hw), once=True))
    _KEPT.append(returned)
    return returned


def smoothed_cross_entropy(logits, y):
    """A loss_fn other than plain cross-entropy: label smoothing 0.3."""
    return F.cross_entropy(logits, y, label_smoothing=0.3)


LOSS_FNS = {"ce": F.cross_entropy, "smooth": smoothed_cross_entropy}


def train_run(mod, model_seed, batches, lr, momentum, stale, rng_seed, loss="ce"):
    """train_one_epoch with SGD on make_cnn(model_seed) handed over in eval mode (with stale, .grad holds earlier
    gradients), with the loss_fn LOSS_FNS[loss]; the global RNG (dropout) is seeded with rng_seed just before.
    Returns what it returned and the state afterwards."""
    model = make_cnn(model_seed)
    model.eval()
    if stale:
        g = torch.Generator().manual_seed(model_seed + 7)
        for p in model.parameters():
            p.grad = torch.randn(p.shape, generator=g, dtype=p.dtype)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    torch.manual_seed(rng_seed)
    returned = mod.train_one_epoch(model, Loader(batches), opt, LOSS_FNS[loss])
    return {"returned": returned, "state": state(model), "training_after": model.training}


def pipeline(mod, train_images, train_labels, test_images, test_labels, mean, std, flip_seed, loader_seed,
             batch_size, model_seed, lr, epochs):
    """The whole thing: the learner's datasets (the training one flipping with a generator seeded with flip_seed)
    and loaders, a float32 CNN, `epochs` rounds of train_one_epoch then evaluate on the test loader (the global RNG
    seeded with 100 + epoch before each training epoch). Returns the losses, the metrics, the final state and the
    training images afterwards."""
    train_ds = mod.ImageDataset(train_images, train_labels, mean, std,
                                generator=torch.Generator().manual_seed(flip_seed))
    test_ds = mod.ImageDataset(test_images, test_labels, mean, std)
    train_loader = mod.make_loader(train_ds, batch_size, True, loader_seed)
    test_loader = mod.make_loader(test_ds, batch_size, False)
    model = make_cnn(model_seed, channels=train_images.shape[1], hw=train_images.shape[-1], dtype=torch.float32)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    losses, metrics = [], []
    for e in range(epochs):
        torch.manual_seed(100 + e)
        losses.append(mod.train_one_epoch(model, train_loader, opt, F.cross_entropy))
        metrics.append(mod.evaluate(model, test_loader))
    return {"losses": losses, "metrics": metrics, "state": state(model), "images_after": train_images}
