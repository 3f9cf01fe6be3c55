"""Hidden graders for fix-single-logit-mlp: random weights, logits and blobs per run, with fixed separating
cases next to them (logits of +-40 where a sigmoid saturates, logits of exactly 0, tied maxima, stale gradients).
Every reference (losses, gradients, Adam replays, accuracies) is computed here, in the judge."""

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, expect_raises, expect_tensor, summarize
from grader.judge import kit
from grader.judge.kit import adversarial

CONFIGS = [(10, [50, 100], 3), (10, [], 3), (7, [5], 1), (6, [], 1), (5, [8, 4, 6], 2)]


def param_shapes(i, hidden, o):
    sizes, out = [i] + hidden + [o], {}
    for k, (a, b) in enumerate(zip(sizes, sizes[1:])):
        out[f"model.{2 * k}.weight"], out[f"model.{2 * k}.bias"] = (b, a), (b,)
    return out


def random_weights(rng, i, hidden, o, device):
    sizes, out = [i] + hidden + [o], {}
    for k, (a, b) in enumerate(zip(sizes, sizes[1:])):
        out[f"model.{2 * k}.weight"] = adversarial(rng, (b, a), scale=1.0).to(device) / a ** 0.5
        out[f"model.{2 * k}.bias"] = adversarial(rng, (b,), scale=1.0).to(device)
    return out


def reference_model(weights, i, hidden, o, device):
    sizes, layers = [i] + hidden + [o], []
    for a, b in zip(sizes, sizes[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1]).to(device, torch.float64)
    model.load_state_dict({k[len("model."):]: v for k, v in weights.items()})
    return model


def reference_loss(logits, y):
    if logits.shape[1] == 1:
        return F.binary_cross_entropy_with_logits(logits[:, 0], y.to(logits.dtype))
    return F.cross_entropy(logits, y)


def expect_params(got, want, *, what):
    if not isinstance(got, dict) or sorted(map(str, got)) != sorted(want):
        raise CheckFailure(f"{what}: the parameters should be exactly {sorted(want)}",
                           f"received {sorted(map(str, got)) if isinstance(got, dict) else summarize(got)}")


def test_structure_and_parameter_count(learner):
    """model.model is Linear, ReLU, ..., Linear (no ReLU after the last), with exactly Linear's parameters,
    hidden_sizes=[] too, and again when a second model is built from the same list (which stays as it was)."""
    for i, hidden, o in CONFIGS:
        got = learner.probe("describe", i, hidden, o)
        layers = ["Linear", "ReLU"] * len(hidden) + ["Linear"]
        if got.get("layers") != layers:
            raise CheckFailure(f"MultiLayerNN({i}, {hidden}, {o}).model should be {layers}")
        if got.get("layers_again") != layers or got.get("hidden_after") != list(hidden):
            raise CheckFailure(f"a second MultiLayerNN({i}, {hidden}, {o}) built from the same hidden_sizes list "
                               f"should be {layers} too, and the list should stay {list(hidden)}: build the layers "
                               "without changing the caller's list (no append/insert on it)")
        want = param_shapes(i, hidden, o)
        expect_params(got.get("params"), want, what=f"MultiLayerNN({i}, {hidden}, {o})")
        for k, shape in want.items():
            expect_tensor(got["params"][k], what=f"MultiLayerNN({i}, {hidden}, {o}) parameter {k}", shape=shape)


def test_forward_with_copied_weights(learner, device, rng):
    """With given weights the forward pass equals relu(linear(...)) layer by layer, returning raw logits (N, output_size),
    N == 1 included."""
    for i, hidden, o in CONFIGS:
        weights = random_weights(rng, i, hidden, o, device)
        x = adversarial(rng, (9, i)).to(device)
        for rows in (x, x[:1]):  # N == 1 too: still (1, output_size)
            want = reference_model(weights, i, hidden, o, device)(rows).detach()
            expect_close(learner.probe("forward", i, hidden, o, weights, rows), want, rtol=1e-10, atol=1e-12,
                         what=f"MultiLayerNN({i}, {hidden}, {o})(x) for N = {rows.shape[0]}, raw logits of shape (N, {o})")


def test_single_logit_loss_is_binary_cross_entropy(learner, device, rng):
    """For (N, 1) logits the loss is the mean binary cross-entropy with logits (stable at logits of +-40, where a
    sigmoid rounds to 0 or 1, and beyond: no clamping, a logit of -200 for class 1 costs 200 and still has a
    gradient), a 0-d tensor of the logits' dtype (float64, float32 and bfloat16, also for several classes), with
    gradient (sigmoid - y) / N, N == 1 included. The gradient is not compared at a logit of exactly 0: the stable
    formula max(z, 0) - z y + log1p(exp(-|z|)) has the right value there, and autograd takes abs and clamp at 0 by a
    convention of its own (a subgradient), so it is a right answer too."""
    fixed = torch.tensor([[40.0], [-40.0], [0.0], [3.0]], dtype=torch.float64)
    fixed_y = torch.tensor([0, 1, 1, 0])
    # 800 and -750 on the wrong side: exp of them overflows float64 (log1p(exp(-s z)) is not stable there)
    far = torch.tensor([[60.0], [-60.0], [200.0], [-200.0], [-150.0], [120.0], [800.0], [-750.0]], dtype=torch.float64)
    far_y = torch.tensor([0, 1, 1, 1, 0, 0, 0, 1])
    random = adversarial(rng, (12, 1), scale=3.0)
    random_y = torch.randint(0, 2, (12,), generator=rng)
    for logits, y, what in ((fixed, fixed_y, "logits [[40], [-40], [0], [3]] with y [0, 1, 1, 0]"),
                            (far, far_y, "logits far beyond +-40, the wrong class among them (the loss grows "
                             "linearly, with gradient -+1/N: compute it stably, without clamping the logits)"),
                            (random, random_y, "random logits"), (random[:1], random_y[:1], "a single sample, N == 1"),
                            (fixed[:1], fixed_y[:1], "a single sample, N == 1, logit 40 with y 0")):
        logits, y = logits.to(device), y.to(device)
        n = logits.shape[0]
        want = F.binary_cross_entropy_with_logits(logits[:, 0], y.double())
        fn = learner.function("classification_loss")
        leaf = logits.clone().requires_grad_()
        got = fn(leaf, y)
        expect_close(got, want, rtol=1e-10, atol=1e-12, what=f"classification_loss for one logit per sample ({what})")
        (grad,) = torch.autograd.grad(got, leaf)
        away = logits[:, 0] != 0  # at exactly 0, autograd's convention for abs and clamp decides (see above)
        expect_tensor(grad, shape=tuple(logits.shape), dtype=logits.dtype, what=f"the gradient of the single-logit "
                      f"loss ({what})")
        expect_close(grad[away], ((torch.sigmoid(logits) - y.double()[:, None]) / n)[away], rtol=1e-9, atol=1e-12,
                     what=f"the gradient of the single-logit loss ({what})")
    logits32 = random.to(device, torch.float32)
    expect_close(learner.call("classification_loss", logits32, random_y.to(device)),
                 F.binary_cross_entropy_with_logits(logits32[:, 0], random_y.to(device).float()), rtol=1e-5,
                 atol=1e-6, what="classification_loss for float32 logits (a float32 0-d tensor)")
    # 100 and -120 on the wrong side: exp of them overflows float32 (exp(89) is inf already)
    far32 = torch.tensor([[60.0], [-60.0], [80.0], [-80.0], [100.0], [-120.0]], dtype=torch.float32, device=device)
    far32_y = torch.tensor([0, 1, 0, 1, 0, 1], device=device)
    expect_close(learner.call("classification_loss", far32, far32_y),
                 F.binary_cross_entropy_with_logits(far32[:, 0], far32_y.float()), rtol=1e-5, atol=1e-6,
                 what="classification_loss for float32 logits far beyond +-40 (no overflow, no clamping)")
    # any dtype, not only float32 and float64: bfloat16 logits give a bfloat16 loss (one logit and three classes)
    for c in (1, 3):
        logits16 = adversarial(rng, (12, c), scale=3.0).to(device, torch.bfloat16)
        y16 = torch.randint(0, max(c, 2), (12,), generator=rng).to(device)
        expect_half_loss(learner, logits16, y16, c)


def expect_half_loss(learner, logits, y, c):
    """The loss of bfloat16 logits: a bfloat16 0-d tensor (exactly), its value within bfloat16's rounding of the loss
    computed in float64 from the same logits (8 significant bits: a few of its steps)."""
    from grader.judge.session import LearnerError

    what = f"classification_loss for bfloat16 logits ({'one logit per sample' if c == 1 else f'{c} classes'})"
    try:
        got = learner.call("classification_loss", logits, y)
    except LearnerError as e:
        raise CheckFailure(f"{what} could not be computed: work in the logits' dtype, whatever it is",
                           e.summary()) from None
    wide = logits.double()
    want = (F.binary_cross_entropy_with_logits(wide[:, 0], y.double()) if c == 1 else F.cross_entropy(wide, y))
    kit.expect_half(got, want, what=what, dtype=logits.dtype, rtol=3e-2, atol=1e-2,
                    hint="the loss is a 0-d tensor of the logits' dtype whatever it is, half precision included: "
                         "make the target with y.to(logits.dtype), not y.float() or a choice between float32 and "
                         "float64")


def test_multi_class_loss_and_shape_checks(learner, device, rng):
    """For C >= 2 the loss is F.cross_entropy; any other shapes (targets (N, 1), 1-D or 3-D logits, too few targets,
    scalar targets) raise ValueError."""
    for c in (2, 4):
        logits = adversarial(rng, (10, c), scale=3.0).to(device)
        y = torch.randint(0, c, (10,), generator=rng).to(device)
        expect_close(learner.call("classification_loss", logits, y), F.cross_entropy(logits, y), rtol=1e-10,
                     atol=1e-12, what=f"classification_loss for {c} classes")
        expect_close(learner.call("classification_loss", logits[:1], y[:1]), F.cross_entropy(logits[:1], y[:1]),
                     rtol=1e-10, atol=1e-12, what=f"classification_loss for {c} classes and a single sample (N == 1)")
    one = adversarial(rng, (10, 1)).to(device)
    four = adversarial(rng, (10, 4)).to(device)
    labels = torch.randint(0, 2, (10,), generator=rng).to(device)
    cases = (((one, labels[:, None]), "one logit per sample and targets of shape (N, 1)"),
             ((four, labels[:, None]), "4 classes and targets of shape (N, 1)"),
             ((one[:, 0], labels), "1-D logits"),
             ((four, labels[:5]), "5 targets for 10 samples"),
             ((four.reshape(5, 4, 2), labels.reshape(5, 2)), "3-D logits (N, C, 2) with targets (N, 2)"),
             ((one[:1], labels[0]), "a single sample with a 0-d target"))
    for args, what in cases:
        expect_raises(lambda: learner.call("classification_loss", *args), "ValueError",
                      what=f"classification_loss with {what}")


def test_nonzero_gradient_at_step_zero(learner, device, rng):
    """At the first step the loss and every parameter's gradient equal the reference's (the seed's are 0)."""
    for o in (1, 3):
        weights = random_weights(rng, 10, [16], o, device)
        x = adversarial(rng, (20, 10)).to(device)
        y = torch.randint(0, max(o, 2), (20,), generator=rng).to(device)
        got = learner.probe("first_step_grads", 10, [16], o, weights, x, y)
        model = reference_model(weights, 10, [16], o, device)
        loss = reference_loss(model(x), y)
        loss.backward()
        expect_close(got.get("loss"), loss.detach(), rtol=1e-10, atol=1e-12, what=f"the first step's loss ({o} output(s))")
        want = {"model." + k: p.grad for k, p in model.named_parameters()}
        expect_params(got.get("grads"), want, what=f"the gradients ({o} output(s))")
        for k, g in want.items():
            expect_close(got["grads"][k], g, rtol=1e-9, atol=1e-12,
                         what=f"the first step's gradient of {k} ({o} output(s))")


def test_predict(learner, device, rng):
    """predict gives int64 class indices (N,): class 1 where the single logit is > 0 (exactly 0 is class 0);
    the argmax otherwise, the first of tied maxima (for any number of classes and tied columns: rows of 4 and 17 equal
    logits, maxima tied at several places; near-ties closer than a softmax can tell apart: the argmax of the logits).
    A batch of one sample (N == 1) still gives shape (1,)."""
    one = torch.cat([torch.tensor([[0.0], [1e-9], [-1e-9]]), adversarial(rng, (30, 1))]).double()
    many = torch.cat([torch.tensor([[1.0, 1.0, 0.0], [0.0, 2.0, 2.0], [-1.0, -1.0, -1.0]]),
                      adversarial(rng, (30, 3))]).double()
    four = torch.cat([torch.tensor([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [-5.0, -5.0, -5.0, -5.0],
                                    [0.0, 4.0, 1.0, 4.0]]), adversarial(rng, (8, 4))]).double()
    wide = adversarial(rng, (8, 17)).double()
    wide[0] = 3.0  # all 17 tied
    wide[1] = -0.25
    for r in range(2, 8):  # the row's maximum planted at 2 to 6 random columns, the first of them at a random place
        cols = torch.randperm(17, generator=rng)[:r]
        wide[r, cols] = wide[r].abs().max() + 1.0
    singles = [one[i:i + 1] for i in range(3)] + [many[i:i + 1] for i in range(3)] + [many[:1, :2], one[3:4]]
    singles += [four[1:2], wide[:1]]
    # near-ties: the maximum beats an earlier column by less than the dtype's rounding of 1 (0 against 1e-17 in
    # float64, 1e-8 in float32), so that a softmax (or sigmoid) on the way makes them equal and the first one wins:
    # the argmax is of the logits themselves
    near = {}
    for dtype, delta in ((torch.float64, 1e-17), (torch.float32, 1e-8)):
        rows = -1.0 - torch.rand(6, 5, generator=rng, dtype=torch.float64)
        for r in range(6):
            i, j = sorted(torch.randperm(5, generator=rng)[:2].tolist())
            rows[r, i], rows[r, j] = 0.0, delta
        near[dtype] = rows.to(dtype)
    for logits in (one, many, one.float(), many.float(), four, four.float(), wide, wide.float(), *singles,
                   near[torch.float64], near[torch.float32]):
        logits = logits.to(device)
        want = (logits[:, 0] > 0).long() if logits.shape[1] == 1 else logits.argmax(1)
        got = learner.call("predict", logits)
        expect_tensor(got, what=f"predict for {logits.shape[0]} sample(s) with {logits.shape[1]} column(s): int64 "
                      "of shape (N,), N == 1 included", shape=want.shape, dtype=torch.int64)
        if not torch.equal(got, want):
            if logits.shape[1] == 1:
                raise CheckFailure("predict is wrong for logits with 1 column (zeros, tiny logits, or signs): with "
                                   "one logit the class is 1 exactly where the logit is > 0, a logit of exactly 0 is "
                                   "class 0, and a tiny positive logit is class 1 (compare the logit itself with 0: a "
                                   "sigmoid rounds tiny logits to 0.5)")
            raise CheckFailure(f"predict is wrong for logits with {logits.shape[1]} column(s) (ties, zeros, or signs): "
                               "for C >= 2 it is the argmax of the logits, the first of tied maxima (topk and sort do "
                               "not promise which of tied entries comes first; a softmax before the argmax rounds "
                               "near-ties into ties)")


def blobs(rng, n, classes, device):
    # centres at least 5 apart: the best classifier is then right about 99% of the time, so a right train_classifier
    # reaches 95% on every draw (closer centres, about 1 draw in 70, made the verdict depend on the seed)
    centres = torch.randn(classes, 10, generator=rng, dtype=torch.float64) * 2.0
    while float(torch.pdist(centres).min()) < 5.0:
        centres = torch.randn(classes, 10, generator=rng, dtype=torch.float64) * 2.0
    y = torch.randint(0, classes, (2 * n,), generator=rng)
    x = centres[y] + torch.randn(2 * n, 10, generator=rng, dtype=torch.float64)
    return x[:n].to(device), y[:n].to(device), x[n:].to(device), y[n:].to(device)


def float_losses(got, epochs):
    if not isinstance(got, list) or len(got) != epochs or not all(type(v) is float for v in got):
        raise CheckFailure(f"train_classifier must return a list of {epochs} Python floats, one loss per epoch",
                           f"received {summarize(got)}")
    return got


def test_trains_single_logit_and_multiclass(learner, device, rng):
    """train_classifier learns: a 1-logit binary MLP and a 3-class MLP both reach 95% held-out accuracy."""
    for classes, out in ((2, 1), (3, 3)):
        x, y, xt, yt = blobs(rng, 200, classes, device)
        got = learner.probe("train", 10, [32], out, random_weights(rng, 10, [32], out, device), x, y, xt, 150, 0.01)
        losses = float_losses(got.get("losses"), 150)
        if not losses[-1] < 0.5 * losses[0]:
            raise CheckFailure(f"the loss should fall during training ({out} output(s))")
        pred = expect_tensor(got.get("pred"), what=f"predict after training ({out} output(s))", shape=yt.shape)
        if not float((pred.long() == yt).double().mean()) >= 0.95:
            raise CheckFailure(f"held-out accuracy with {out} output(s) should reach 95%")


def adam_replay(weights, i, hidden, o, x, y, epochs, lr, device):
    model = reference_model(weights, i, hidden, o, device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        opt.zero_grad()
        loss = reference_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, {"model." + k: p.detach() for k, p in model.named_parameters()}


def test_training_takes_plain_adam_steps(learner, device, rng):
    """Each epoch is one zero_grad / forward / loss / backward / Adam(lr) step, gradients the model arrived with
    play no part, and each recorded loss is the one its step was computed from: losses and final parameters
    match a replay in the judge. A second call on the same model trains with its own lr (an optimizer kept from
    the first call, with that call's lr and moments, is not Adam with learning rate lr)."""
    for classes, out, lr, stale in ((2, 1, 0.05, False), (3, 3, 0.02, True), (2, 1, 0.03, True)):
        x, y, xt, _ = blobs(rng, 60, classes, device)
        weights = random_weights(rng, 10, [8], out, device)
        stale_grads = {k: adversarial(rng, tuple(v.shape)).to(device) for k, v in weights.items()} if stale else None
        got = learner.probe("train", 10, [8], out, weights, x, y, xt, 12, lr, stale_grads=stale_grads)
        losses = float_losses(got.get("losses"), 12)
        want_losses, want_params = adam_replay(weights, 10, [8], out, x, y, 12, lr, device)
        what = f"{out} output(s), lr {lr}" + (", the model arriving with stale gradients" if stale else "")
        expect_close(torch.tensor(losses, dtype=torch.float64), torch.tensor(want_losses, dtype=torch.float64),
                     rtol=1e-8, atol=1e-10, what=f"the losses of 12 epochs of full-batch Adam ({what}; each epoch is "
                     "zero_grad, forward, classification_loss, backward and one step of plain torch.optim.Adam with "
                     "learning rate lr, and records the loss that step was computed from, taken before the step)")
        expect_params(got.get("params"), want_params, what=f"the model after training ({what})")
        for k, w in want_params.items():
            expect_close(got["params"][k], w, rtol=1e-6, atol=1e-9, what=f"{k} after 12 epochs ({what})")
    # a second call on the same trained model, with another learning rate and epoch count: the judge replays both
    # calls, each a fresh full-batch Adam with its own lr, the second starting from the first one's parameters
    classes, out = (2, 1) if bool(torch.randint(0, 2, (), generator=rng)) else (3, 3)
    x, y, xt, _ = blobs(rng, 60, classes, device)
    weights = random_weights(rng, 10, [8], out, device)
    lr1 = float(torch.empty(()).uniform_(0.02, 0.05, generator=rng))
    lr2 = lr1 * float(torch.empty(()).uniform_(0.1, 0.3, generator=rng))
    e1, e2 = 4 + int(torch.randint(0, 4, (), generator=rng)), 3 + int(torch.randint(0, 4, (), generator=rng))
    got = learner.probe("train", 10, [8], out, weights, x, y, xt, e1, lr1, again=(e2, lr2))
    float_losses(got.get("losses"), e1)
    losses = float_losses(got.get("losses_again"), e2)
    _, mid = adam_replay(weights, 10, [8], out, x, y, e1, lr1, device)
    want_losses, want_params = adam_replay(mid, 10, [8], out, x, y, e2, lr2, device)
    what = (f"a second train_classifier call on the same model ({e2} epochs with lr {lr2:.4g}, after {e1} epochs with "
            f"lr {lr1:.4g}: each call is a fresh full-batch Adam with its own learning rate, so create the optimizer "
            "inside train_classifier, not once per model or per module)")
    expect_close(torch.tensor(losses, dtype=torch.float64), torch.tensor(want_losses, dtype=torch.float64),
                 rtol=1e-8, atol=1e-10, what=f"the losses of {what}")
    expect_params(got.get("params"), want_params, what=f"the model after {what}")
    for k, w in want_params.items():
        expect_close(got["params"][k], w, rtol=1e-6, atol=1e-9, what=f"{k} after {what}")
