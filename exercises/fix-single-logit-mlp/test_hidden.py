"""Hidden graders for fix-single-logit-mlp: random weights, logits and blobs per run."""

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, expect_raises

CONFIGS = [(10, [50, 100], 3), (10, [], 3), (7, [5], 1), (6, [], 1), (5, [8, 4, 6], 2)]


def count(i, hidden, o):
    sizes = [i] + hidden + [o]
    return sum(a * b + b for a, b in zip(sizes, sizes[1:]))


def random_weights(rng, i, hidden, o, device):
    sizes, out = [i] + hidden + [o], {}
    for k, (a, b) in enumerate(zip(sizes, sizes[1:])):
        out[f"model.{2 * k}.weight"] = torch.randn(b, a, generator=rng, dtype=torch.float64).to(device) / a ** 0.5
        out[f"model.{2 * k}.bias"] = torch.randn(b, generator=rng, dtype=torch.float64).to(device)
    return out


def reference_forward(weights, n_layers, x):
    for k in range(n_layers):
        x = F.linear(x, weights[f"model.{2 * k}.weight"], weights[f"model.{2 * k}.bias"])
        if k < n_layers - 1:
            x = F.relu(x)
    return x


def test_structure_and_parameter_count(learner):
    """Linear and ReLU alternate, no ReLU after the last Linear, and the parameter count is exact, hidden_sizes=[] too."""
    for i, hidden, o in CONFIGS:
        got = learner.probe("describe", i, hidden, o)
        layers = ["Linear", "ReLU"] * len(hidden) + ["Linear"]
        if got["layers"] != layers:
            raise CheckFailure(f"MultiLayerNN({i}, {hidden}, {o}).model should be {layers}")
        if got["count"] != count(i, hidden, o):
            raise CheckFailure(f"MultiLayerNN({i}, {hidden}, {o}) has the wrong number of parameters")


def test_forward_with_copied_weights(learner, device, rng):
    """With given weights the forward pass equals relu(linear(...)) layer by layer, returning raw logits."""
    for i, hidden, o in CONFIGS:
        weights = random_weights(rng, i, hidden, o, device)
        x = torch.randn(9, i, generator=rng, dtype=torch.float64).to(device)
        expect_close(learner.probe("forward", i, hidden, o, weights, x), reference_forward(weights, len(hidden) + 1, x),
                     rtol=1e-10, atol=1e-12, what=f"MultiLayerNN({i}, {hidden}, {o})(x)")


def test_single_logit_loss_is_binary_cross_entropy(learner, device, rng):
    """For (N, 1) logits the loss is mean binary cross-entropy with logits, and its gradient is (sigmoid - y) / N."""
    logits = (torch.randn(12, 1, generator=rng, dtype=torch.float64) * 3).to(device).requires_grad_()
    y = torch.randint(0, 2, (12,), generator=rng).to(device)
    want = F.binary_cross_entropy_with_logits(logits.detach()[:, 0], y.double())
    fn = learner.function("classification_loss")
    got = fn(logits, y)
    expect_close(got, want, rtol=1e-10, atol=1e-12, what="classification_loss for one logit per sample")
    (grad,) = torch.autograd.grad(got, logits)
    expect_close(grad, (torch.sigmoid(logits.detach()) - y.double()[:, None]) / 12, rtol=1e-9, atol=1e-12,
                 what="the gradient of the single-logit loss")


def test_multi_class_loss_and_shape_checks(learner, device, rng):
    """For C >= 2 logits the loss is cross-entropy; wrong shapes (targets (N, 1), 1-D logits) raise ValueError."""
    logits = torch.randn(10, 4, generator=rng, dtype=torch.float64).to(device)
    y = torch.randint(0, 4, (10,), generator=rng).to(device)
    expect_close(learner.call("classification_loss", logits, y), F.cross_entropy(logits, y), rtol=1e-10, atol=1e-12,
                 what="classification_loss for 4 classes")
    one = torch.randn(10, 1, dtype=torch.float64, device=device)
    labels = torch.randint(0, 2, (10,), generator=rng).to(device)
    for args, what in (((one, labels[:, None]), "targets of shape (N, 1)"), ((one[:, 0], labels), "1-D logits"),
                       ((logits, y[:5]), "5 targets for 10 samples")):
        expect_raises(lambda: learner.call("classification_loss", *args), "ValueError",
                      what=f"classification_loss with {what}")


def test_nonzero_gradient_at_step_zero(learner, device, rng):
    """A single-logit MLP gets a non-zero loss and gradient at its first step (the seed's loss is 0, its gradient 0)."""
    weights = random_weights(rng, 10, [16], 1, device)
    x = torch.randn(20, 10, generator=rng, dtype=torch.float64).to(device)
    y = torch.randint(0, 2, (20,), generator=rng).to(device)
    got = learner.probe("first_step_grad_norm", 10, [16], weights, x, y)
    if not float(got["loss"]) > 0.01 or not float(got["norm"]) > 1e-6:
        raise CheckFailure("the first step's loss and gradient must not be zero")


def test_predict(learner, device, rng):
    """predict: class 1 where the single logit is > 0; argmax over classes otherwise."""
    one = torch.randn(30, 1, generator=rng, dtype=torch.float64).to(device)
    many = torch.randn(30, 3, generator=rng, dtype=torch.float64).to(device)
    for logits, want in ((one, (one[:, 0] > 0).long()), (many, many.argmax(1))):
        got = learner.call("predict", logits)
        if not isinstance(got, torch.Tensor) or got.shape != want.shape or not torch.equal(got.long(), want):
            raise CheckFailure(f"predict is wrong for logits with {logits.shape[1]} column(s)")


def blobs(rng, n, classes, device):
    centres = torch.randn(classes, 10, generator=rng, dtype=torch.float64) * 2.0
    y = torch.randint(0, classes, (2 * n,), generator=rng)
    x = centres[y] + torch.randn(2 * n, 10, generator=rng, dtype=torch.float64)
    return x[:n].to(device), y[:n].to(device), x[n:].to(device), y[n:].to(device)


def test_trains_single_logit_and_multiclass(learner, device, rng):
    """train_classifier learns: a 1-logit binary MLP and a 3-class MLP both reach 95% held-out accuracy."""
    for classes, out in ((2, 1), (3, 3)):
        x, y, xt, yt = blobs(rng, 200, classes, device)
        got = learner.probe("train_and_score", 10, [32], out, random_weights(rng, 10, [32], out, device),
                            x, y, xt, yt, 150, 0.01)
        losses = got["losses"]
        if not isinstance(losses, list) or len(losses) != 150 or not all(isinstance(v, float) for v in losses):
            raise CheckFailure("train_classifier must return one float loss per epoch")
        if not losses[-1] < 0.5 * losses[0]:
            raise CheckFailure(f"the loss should fall during training ({out} output(s))")
        if not float(got["accuracy"]) >= 0.95:
            raise CheckFailure(f"held-out accuracy with {out} output(s) should reach 95%")


def test_training_takes_plain_adam_steps(learner, device, rng):
    """Each epoch is one zero_grad / forward / loss / backward / Adam step: the losses match a replay in the judge."""
    x, y, xt, yt = blobs(rng, 60, 2, device)
    weights = random_weights(rng, 10, [8], 1, device)
    got = learner.probe("train_and_score", 10, [8], 1, weights, x, y, xt, yt, 12, 0.05)["losses"]
    model = torch.nn.Sequential(torch.nn.Linear(10, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1)).to(device, torch.float64)
    model.load_state_dict({k[len("model."):]: v for k, v in weights.items()})
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    want = []
    for _ in range(12):
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(x)[:, 0], y.double())
        loss.backward()
        opt.step()
        want.append(loss.item())
    if not isinstance(got, list) or len(got) != 12 or not all(isinstance(v, float) for v in got):
        raise CheckFailure("train_classifier must return one float loss per epoch")
    expect_close(torch.tensor(got, dtype=torch.float64), torch.tensor(want, dtype=torch.float64), rtol=1e-8,
                 atol=1e-10, what="the losses of 12 epochs of full-batch Adam")
