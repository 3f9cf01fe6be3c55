"""Hidden graders for custom-loss-once-differentiable: random residuals per run (both signs, zeros, both sides of
delta, thousands), float32 and float64, double backward, what @once_differentiable does, a gradient penalty."""

import torch
import torch.nn.functional as F

from grader import drive
from grader.judge import kit
from grader.judge.checks import CheckFailure, check_gradients, expect_close, expect_tensor, summarize

NAMES = ("HuberLoss", "HuberLossOnce")
ONCE_ERROR = "trying to differentiate twice a function that was marked with @once_differentiable"


def rand(rng, *shape, device, scale=2.0, dtype=torch.float64, **kw):
    return kit.adversarial(rng, shape, device=device, scale=scale, dtype=dtype, **kw)


def reference(pred, target, delta):
    p, t = pred.clone().double().requires_grad_(), target.clone().double().requires_grad_()
    loss = F.huber_loss(p, t, delta=delta)
    gp, gt = torch.autograd.grad(loss, (p, t))
    return loss.detach(), gp, gt


def _run(learner, name, pred, target, delta=None, g_out=None):
    got = learner.probe("run", name, pred, target, delta, g_out=g_out)
    if not isinstance(got, dict):
        raise CheckFailure(f"{name}.apply must return the loss as a tensor", f"received {summarize(got)}")
    return got


def check_run(learner, name, pred, target, delta, what, dtype=torch.float64, g_out=None):
    """The loss and both gradients (under the incoming gradient g_out when given, else 1) against F.huber_loss's;
    then pred, target and g_out must still hold the values that were sent."""
    got = _run(learner, name, pred, target, delta, g_out)
    loss, gp, gt = reference(pred, target, 1.0 if delta is None else delta)
    scale = 1.0 if g_out is None else g_out.double()
    expect_tensor(got["loss"], what=f"the loss of {what}", shape=(), dtype=dtype)
    kit.expect_close_in(got["loss"], loss, dtype=dtype, what=f"the loss of {what}")
    after = got.get("after") if isinstance(got.get("after"), dict) else {}
    for key, sent in (("g_out", g_out), ("pred", pred), ("target", target)):
        if sent is None:
            continue
        now = after.get(key)
        if not isinstance(now, torch.Tensor) or now.shape != sent.shape or not torch.equal(now, sent):
            thing = "the incoming gradient (grad_outputs)" if key == "g_out" else f"the caller's {key}"
            raise CheckFailure(f"{name} changed the values of {thing} in place ({what}): forward and backward must "
                               "only read their inputs and grad_out; compute new tensors (grad_out / n), never write "
                               "into them (div_, mul_, out=)")
    kit.expect_close_in(got["grad_pred"], scale * gp, dtype=dtype, what=f"the gradient for pred of {what}")
    kit.expect_close_in(got["grad_target"], scale * gt, dtype=dtype, what=f"the gradient for target of {what}")


def check_empty(learner, name, shape, dtype, device):
    """An empty pred and target: F.huber_loss's mean of nothing is a NaN 0-d tensor of pred's dtype, and both
    gradients are empty tensors of pred's shape."""
    pred, target = torch.empty(shape, dtype=dtype, device=device), torch.empty(shape, dtype=dtype, device=device)
    got = _run(learner, name, pred, target, 1.0)
    what = f"{name} for empty pred and target of shape {shape} ({dtype})"
    loss = got["loss"]
    if not isinstance(loss, torch.Tensor) or loss.shape != () or loss.dtype != dtype:
        raise CheckFailure(f"the loss of {what} must be a 0-d tensor of pred's dtype", f"received {summarize(loss)}")
    if not torch.isnan(loss):
        raise CheckFailure(f"the loss of {what} must be NaN, as F.huber_loss's mean of no elements is: divide the sum "
                           "by numel (0) or take .mean(), with no special case for empty inputs")
    for key in ("grad_pred", "grad_target"):
        expect_tensor(got[key], what=f"the gradient for {key[5:]} of {what}", shape=shape, dtype=dtype)


def thousands_float32(rng, device):
    """float32 pred and target (delta 1) whose residuals are mostly in the thousands, r = +-m / 4 in [2900, 4000] with
    m = 8k +- 1 (exact in float32, pred - target exact too), plus up to two inside delta. r * r then lies 1/16 above
    a float32 grid point and (|r| - 1)^2 lies 9/16 above one, so a form that subtracts two squares (r^2/2 -
    (|r| - delta)^2/2) is off by 0.25 per large residual, over 6e-5 relative to the loss on every draw, while
    delta * (|r| - delta/2) is exact."""
    n = int(torch.randint(2, 7, (1,), generator=rng))
    k = torch.randint(1451, 2000, (n,), generator=rng)
    m = 8 * k + torch.where(torch.rand(n, generator=rng) < 0.5, -1, 1)
    r = m.double() / 4 * torch.where(torch.rand(n, generator=rng) < 0.5, -1.0, 1.0)
    small = (torch.rand(int(torch.randint(0, 3, (1,), generator=rng)), generator=rng, dtype=torch.float64) - 0.5)
    r = torch.cat([r, (small * 64).round() / 64])
    r = r[torch.randperm(r.numel(), generator=rng)]
    target = torch.randint(-3, 4, r.shape, generator=rng).double()
    return (r + target).float().to(device), target.float().to(device)


def test_values_and_gradients_match_torch(learner, device, rng):
    """Values and gradients equal F.huber_loss's for several shapes and deltas, residuals on both sides of delta and
    in the thousands, exact boundary residuals, float32 and float64, non-contiguous (transposed, strided) pred and
    target, an incoming gradient other than 1 (which backward must only read: grad_outputs, pred and target keep
    their values); in float32 also residuals in the thousands (random ones, and ones where subtracting two squares
    loses the low digits), against the float64 loss rounded to float32; empty pred and target too (shape (0,) and
    (3, 0)): a NaN loss, as F.huber_loss's mean of nothing; and a sum of two losses (other shapes and deltas) applied
    before one backward gets each loss's own gradients."""
    cases = (((7,), 1.0), ((3, 4), 0.5), ((), 2.0), ((5,), 1.0), ((2, 3, 2), 3.0))
    for name in NAMES:
        for k, (shape, delta) in enumerate(cases):
            pred, target = rand(rng, *shape, device=device), rand(rng, *shape, device=device)
            if k == 3:
                pred = pred * 5e3
            check_run(learner, name, pred, target, delta, f"{name} for shape {shape}, delta {delta}")
        # residuals exactly at +-delta, inside, outside and zero
        target = torch.zeros(6, dtype=torch.float64, device=device)
        pred = torch.tensor([0.7, -0.7, 0.0, 0.35, -2.1, 1e3], dtype=torch.float64, device=device)
        check_run(learner, name, pred, target, 0.7, f"{name} for residuals at +-delta, 0, inside and outside")
        pred32, target32 = rand(rng, 9, device=device, dtype=torch.float32), rand(rng, 9, device=device,
                                                                                     dtype=torch.float32)
        check_run(learner, name, pred32, target32, 0.8, f"{name} in float32", dtype=torch.float32)
        pred32, target32 = (rand(rng, 7, device=device, dtype=torch.float32) * 3e3,
                            rand(rng, 7, device=device, dtype=torch.float32))
        delta = float(torch.empty((), dtype=torch.float64).uniform_(0.5, 3.0, generator=rng))
        check_run(learner, name, pred32, target32, delta, f"{name} in float32 for residuals in the thousands",
                  dtype=torch.float32)
        # non-contiguous inputs ("for any shape" includes views): transposed and strided layouts
        for shape, delta in (((4, 3), 0.9), ((2, 5, 3), 1.3)):
            pred, target = rand(rng, *shape, device=device), rand(rng, *shape, device=device)
            for (lp, p), (lt, t) in zip(kit.layouts(pred).items(), reversed(kit.layouts(target).items())):
                check_run(learner, name, p, t, delta, f"{name} for shape {shape} with a {lp} pred and a {lt} "
                          "target (non-contiguous tensors: use reshape, not view)")
        # an explicit incoming gradient (grad_outputs), which backward must only read
        pred, target = rand(rng, 3, 4, device=device), rand(rng, 3, 4, device=device)
        scale = (0.5, 0.75, 1.5, 2.0, 3.0)[int(torch.randint(0, 5, (1,), generator=rng))]
        g_out = torch.tensor(scale, dtype=torch.float64, device=device)
        check_run(learner, name, pred, target, 1.0, f"{name} under an incoming gradient (grad_outputs) other than 1",
                  g_out=g_out)
        pred32, target32 = thousands_float32(rng, device)
        check_run(learner, name, pred32, target32, 1.0, f"{name} in float32 for residuals in the thousands (compute "
                  "delta * (|r| - delta / 2) outside delta: r^2 / 2 minus another square loses the low digits)",
                  dtype=torch.float32)
        check_empty(learner, name, (0,), torch.float64, device)
        check_empty(learner, name, (3, 0), torch.float32, device)
        check_two_losses(learner, name, rng, device)


def check_two_losses(learner, name, rng, device):
    """A sum of two losses, both applied before one backward (other shapes, other deltas): each backward reads what
    its own forward kept."""
    first = (rand(rng, 5, device=device), rand(rng, 5, device=device), 0.5)
    second = (rand(rng, 2, 3, device=device), rand(rng, 2, 3, device=device), 2.5)
    calls, incoming = [first, second], [torch.ones((), dtype=torch.float64, device=device)] * 2
    kit.expect_own_gradients(lambda: learner.probe("two_losses", name, calls, incoming),
                             drive.grads_of_calls(lambda p, t, d: F.huber_loss(p, t, delta=d), calls, incoming),
                             ("a", "b", "c", "d"), rtol=1e-10, atol=1e-12,
                             what=f"{name}.apply(a, b, 0.5) + {name}.apply(c, d, 2.5) back-propagated together (a of "
                                  "shape (5,), c of shape (2, 3))")


def test_only_one_input_requires_grad(learner, device, rng):
    """With only pred, or only target, requiring grad, that input still gets its gradient (and the loss its value)."""
    for name in NAMES:
        pred, target = rand(rng, 7, device=device), rand(rng, 7, device=device)
        loss, gp, gt = reference(pred, target, 0.9)
        for pred_needs in (True, False):
            got = learner.probe("run", name, pred, target, 0.9, pred_needs, not pred_needs)
            if not isinstance(got, dict):
                raise CheckFailure(f"{name}.apply must return the loss as a tensor", f"received {summarize(got)}")
            only = "pred" if pred_needs else "target"
            kit.expect_close_in(got["loss"], loss, dtype=torch.float64, what=f"the loss of {name} when only {only} "
                                "requires grad")
            kit.expect_close_in(got["grad_pred"] if pred_needs else got["grad_target"], gp if pred_needs else gt,
                                dtype=torch.float64, what=f"the gradient of {name} for {only} when only {only} "
                                "requires grad")


def test_default_delta_is_one(learner, device, rng):
    """Called as .apply(pred, target), delta defaults to 1.0 (residuals on both sides of 1)."""
    pred, target = rand(rng, 8, device=device), rand(rng, 8, device=device)
    pred = torch.cat([pred, torch.tensor([0.5, 1.5, -3.0], dtype=torch.float64, device=device)])
    target = torch.cat([target, torch.zeros(3, dtype=torch.float64, device=device)])
    for name in NAMES:
        check_run(learner, name, pred, target, None, f"{name}.apply(pred, target)")


def test_gradcheck(learner, device, rng):
    """gradcheck passes for both classes, with respect to pred and target."""
    for name in NAMES:
        pred = rand(rng, 5, device=device, zeros=False).requires_grad_()
        target = rand(rng, 5, device=device, zeros=False).requires_grad_()
        check_gradients(learner.function(f"{name}.apply"), (pred, target), what=name,
                        reference=lambda p, t: F.huber_loss(p, t), fast=True)


def test_gradgradcheck_differentiable_version(learner, device, rng):
    """HuberLoss supports double backward (save the inputs, not an intermediate computed in forward)."""
    pred = rand(rng, 5, device=device, zeros=False).requires_grad_()
    target = rand(rng, 5, device=device, zeros=False).requires_grad_()
    check_gradients(learner.function("HuberLoss.apply"), (pred, target), what="HuberLoss",
                    reference=lambda p, t: F.huber_loss(p, t), second_order=True, fast=True)


def _double(learner, name, rng, device):
    pred, target = rand(rng, 6, device=device), rand(rng, 6, device=device)
    g_out = torch.tensor(1.5, dtype=torch.float64, device=device)
    got = learner.probe("double_backward", name, pred, target, g_out)
    if not isinstance(got, dict):
        raise CheckFailure(f"{name} could not be differentiated with create_graph=True", f"received {summarize(got)}")
    _, gp, _ = reference(pred, target, 1.0)
    return got, pred, target, gp


def test_once_version_refuses_double_backward(learner, device, rng):
    """HuberLossOnce's backward is @once_differentiable: the first backward works even with create_graph=True and
    gives the right gradient, without a graph under a plain incoming gradient; under an incoming gradient that
    requires grad, .backward() through the gradient raises PyTorch's once_differentiable error."""
    got, _, _, gp = _double(learner, "HuberLossOnce", rng, device)
    first, second = got["first"], got["second"]
    expect_close(first["grad"], gp, rtol=1e-12, atol=1e-12, what="HuberLossOnce's gradient taken with create_graph=True")
    expect_close(second["grad"], 1.5 * gp, rtol=1e-12, atol=1e-12,
                 what="HuberLossOnce's gradient under an incoming gradient of 1.5 that requires grad")
    if first["requires_grad"]:
        raise CheckFailure("HuberLossOnce's gradient carries a graph (requires_grad=True) under a plain incoming "
                           "gradient: with @once_differentiable its backward runs without recording")
    if second["error"] is None or ONCE_ERROR not in second["error"]:
        raise CheckFailure("calling .backward() through HuberLossOnce's gradient (taken under an incoming gradient that "
                           f"requires grad) should raise PyTorch's error '{ONCE_ERROR}': decorate its backward with "
                           "torch.autograd.function.once_differentiable")


def test_differentiable_version_allows_double_backward(learner, device, rng):
    """HuberLoss's gradient, taken with create_graph=True, requires grad and can be back-propagated to pred and to
    the incoming gradient, with the right values."""
    got, pred, target, gp = _double(learner, "HuberLoss", rng, device)
    first, second = got["first"], got["second"]
    expect_close(first["grad"], gp, rtol=1e-12, atol=1e-12, what="HuberLoss's gradient taken with create_graph=True")
    if not first["requires_grad"] or second["error"] is not None:
        raise CheckFailure("HuberLoss's gradient must be differentiable: no @once_differentiable, no detach in backward")
    grads = second["grads"]
    if not isinstance(grads, list) or len(grads) != 2 or any(not isinstance(t, torch.Tensor) for t in grads):
        raise CheckFailure("differentiating HuberLoss's gradient must give gradients for pred and the incoming "
                           "gradient", f"received {summarize(grads)}")
    p = pred.clone().requires_grad_()
    go = torch.tensor(1.5, dtype=torch.float64, device=device, requires_grad=True)
    (g,) = torch.autograd.grad(F.huber_loss(p, target), p, go, create_graph=True)
    want_p, want_go = torch.autograd.grad((g * g).sum(), (p, go))
    expect_close(grads[0], want_p, rtol=1e-10, atol=1e-12, what="the second derivative of HuberLoss for pred")
    expect_close(grads[1], want_go, rtol=1e-10, atol=1e-12,
                 what="the derivative of HuberLoss's gradient for the incoming gradient")


def want_penalty(pred, target, delta):
    p = pred.clone().requires_grad_()
    (g,) = torch.autograd.grad(F.huber_loss(p, target, delta=delta), p, create_graph=True)
    want = (g * g).sum()
    (want_grad,) = torch.autograd.grad(want, p)
    return want.detach(), want_grad


# every cause of a penalty without a graph back to pred: the message names each, since the grader cannot tell them apart
NO_GRAPH_TO_PRED = ("grad_penalty must stay differentiable with respect to the caller's pred: build it from HuberLoss "
                    "(HuberLossOnce's gradient cannot be differentiated again), take the gradient with "
                    "create_graph=True, of a loss built from pred itself when pred requires grad (a detached copy "
                    "cuts the penalty off from pred)")


def test_grad_penalty(learner, device, rng):
    """grad_penalty is ||d loss / d pred||^2 and its own gradient with respect to pred is right (residuals on both
    sides of delta, and always some exactly 0). In the second case the caller's pred already has a .grad: the penalty ignores it, and pred.grad
    is left exactly as it was (take the gradient with torch.autograd.grad, never .backward(), which writes
    pred.grad). A third pred is not a leaf (leaf * 1.0): the penalty's gradient reaches its leaf. Last, empty preds
    (shapes (0,) and (3, 0)): the penalty is 0 and still differentiable with respect to pred."""
    for delta, preset in ((1.0, False), (0.7, True)):
        pred, target = rand(rng, 6, device=device), rand(rng, 6, device=device)
        grad = rand(rng, 6, device=device, zeros=False) if preset else None
        want, want_grad = want_penalty(pred, target, delta)
        got = learner.probe("penalty", pred, target, delta, True, grad)
        if not isinstance(got, dict):
            raise CheckFailure("grad_penalty could not be run", f"received {summarize(got)}")
        with_grad = " with a .grad already on pred" if preset else ""
        expect_close(got["value"], want, rtol=1e-12, atol=1e-14, what=f"grad_penalty (delta {delta}){with_grad}")
        if preset:
            after = got.get("grad_after")
            if not isinstance(after, torch.Tensor) or after.shape != grad.shape or not torch.equal(after, grad):
                raise CheckFailure("grad_penalty changed the caller's pred.grad: leave pred as it was (take the "
                                   "gradient with torch.autograd.grad(..., create_graph=True), not .backward())")
        if got["grad"] is None:
            raise CheckFailure(NO_GRAPH_TO_PRED)
        expect_close(got["grad"], want_grad, rtol=1e-10, atol=1e-14,
                     what=f"the gradient of grad_penalty (delta {delta})")
    # always, whatever the draw: residuals of exactly 0 (the loss is smooth there, its second derivative 1), next to
    # residuals well inside and outside delta: a backward whose unused where() branch divides by |r| is NaN there
    target = rand(rng, 6, device=device)
    pred = target + torch.tensor([0.0, 0.0, 0.3, -0.45, 2.5, -3.0], dtype=torch.float64, device=device)
    want, want_grad = want_penalty(pred, target, 1.0)
    got = learner.probe("penalty", pred, target, 1.0, True, None)
    if not isinstance(got, dict):
        raise CheckFailure("grad_penalty could not be run", f"received {summarize(got)}")
    what = "grad_penalty (delta 1) where some residuals pred - target are exactly 0"
    expect_close(got["value"], want, rtol=1e-12, atol=1e-14, what=what)
    if got["grad"] is None:
        raise CheckFailure(NO_GRAPH_TO_PRED)
    expect_close(got["grad"], want_grad, rtol=1e-10, atol=1e-14,
                 what=f"the gradient of {what} (the loss is smooth at a zero residual: a backward built with where() "
                      "must keep its other branch finite there, or its NaN reaches the second derivative)")
    # a pred that is not a leaf (pred = w * x in a training step): the penalty is differentiable with respect to it,
    # so its gradient reaches the leaf upstream (a detached copy of pred, taken whenever pred is not a leaf, cuts it)
    pred, target = rand(rng, 7, device=device), rand(rng, 7, device=device)
    want, want_grad = want_penalty(pred, target, 0.8)
    got = learner.probe("penalty_nonleaf", pred, target, 0.8)
    if not isinstance(got, dict):
        raise CheckFailure("grad_penalty could not be run", f"received {summarize(got)}")
    expect_close(got["value"], want, rtol=1e-12, atol=1e-14,
                 what="grad_penalty (delta 0.8) for a pred that is not a leaf")
    if got["grad"] is None:
        raise CheckFailure("grad_penalty must stay differentiable with respect to pred also when pred is not a leaf "
                           "(pred = w * x): its gradient did not reach the leaf pred was computed from",
                           "differentiate pred itself whenever it requires grad (leaf or not); only a pred that does "
                           "not require grad needs a detached copy")
    expect_close(got["grad"], want_grad, rtol=1e-10, atol=1e-14,
                 what="the gradient of grad_penalty (delta 0.8) for a pred that is not a leaf, with respect to its "
                      "leaf")
    # an empty pred (the loss takes any shape, empty too): the penalty is 0 and still differentiable with respect to
    # pred, its gradient an empty tensor; a backward that answers empty inputs with fresh zeros (no history) leaves
    # HuberLoss's gradient without a graph there, so the penalty cannot be differentiated
    for shape in ((0,), (3, 0)):
        pred = torch.empty(shape, dtype=torch.float64, device=device)
        target = torch.empty(shape, dtype=torch.float64, device=device)
        want, want_grad = want_penalty(pred, target, 1.0)
        got = learner.probe("penalty", pred, target, 1.0, True, None)
        if not isinstance(got, dict):
            raise CheckFailure("grad_penalty could not be run", f"received {summarize(got)}")
        what = f"grad_penalty (delta 1) for an empty pred and target of shape {shape}"
        expect_close(got["value"], want, rtol=1e-12, atol=1e-14, what=what)
        if got["grad"] is None:
            raise CheckFailure(f"{what} must stay differentiable with respect to pred (its gradient an empty tensor)",
                               "HuberLoss's backward must build its gradient from pred and target also when they "
                               "are empty (clamp(pred - target, -delta, delta) / n): new zeros carry no graph")
        expect_close(got["grad"], want_grad, what=f"the gradient of {what}")


def test_grad_penalty_contract(learner, device, rng):
    """grad_penalty returns a 0-d tensor of pred's dtype (float64, and float32 for a float32 pred that requires grad:
    not upcast to float64), works when pred does not require grad without switching on the caller's requires_grad
    (not even for the time of the call: the result's graph must not hold the caller's pred), and uses the default
    delta of 1.0; called inside a caller's no_grad block, it leaves grad mode off."""
    pred, target = rand(rng, 5, device=device), rand(rng, 5, device=device)
    want, _ = want_penalty(pred, target, 1.0)
    got = learner.probe("penalty", pred, target, None, False)
    if not isinstance(got, dict):
        raise CheckFailure("grad_penalty could not be run", f"received {summarize(got)}")
    expect_tensor(got["value"], what="grad_penalty(pred, target) for a pred without requires_grad", shape=(),
                  dtype=torch.float64, device=device)
    expect_close(got["value"], want, rtol=1e-12, atol=1e-14,
                 what="grad_penalty(pred, target) for a pred without requires_grad")
    if got.get("pred_unchanged") is not True:
        raise CheckFailure("grad_penalty switched on requires_grad of the caller's pred: differentiate a detached "
                           "copy (pred.detach().requires_grad_()) and leave the caller's tensor as it was")
    if got.get("reaches_pred") is not False:
        raise CheckFailure("grad_penalty switched on requires_grad of the caller's pred during the call (and off again "
                           "afterwards): the penalty's graph holds the caller's pred itself, so a later backward could "
                           "write its .grad",
                           "never touch the caller's requires_grad, not even for the time of the call: differentiate a "
                           "detached copy (pred.detach().requires_grad_())")
    if learner.probe("penalty_grad_mode_after_no_grad", pred, target) is not False:
        raise CheckFailure("grad_penalty called inside torch.no_grad() left grad mode on after it: the caller's no_grad "
                           "block no longer holds for the code after the call",
                           "use with torch.enable_grad(): around the code that needs a graph (it puts the caller's "
                           "mode back), not torch.set_grad_enabled(True)")
    pred32, target32 = pred.float(), target.float()
    got = learner.probe("penalty", pred32, target32, 1.0, True)
    if not isinstance(got, dict):
        raise CheckFailure("grad_penalty could not be run on float32 inputs", f"received {summarize(got)}")
    expect_tensor(got["value"], what="grad_penalty(pred, target) for a float32 pred (a 0-d tensor of pred's dtype)",
                  shape=(), dtype=torch.float32, device=device)
    want32, _ = want_penalty(pred32.double(), target32.double(), 1.0)
    expect_close(got["value"], want32.float(), rtol=1e-5, atol=1e-6,
                 what="grad_penalty(pred, target) for a float32 pred")
