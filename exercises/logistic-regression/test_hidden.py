"""Hidden graders for logistic-regression: random data next to fixed extreme logits, every reference computed in the
judge (the exact, stable loss and its analytic gradient, cross-checked against autograd here), gradient descent
replayed step by step."""

import math

import torch

from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, expect_tensor


def data(rng, device, n=40, d=3, scale=1.0, dtype=torch.float64):
    X = torch.randn(n, d, generator=rng, dtype=torch.float64) * scale
    w_true = torch.randn(d, generator=rng, dtype=torch.float64)
    y = (torch.rand(n, generator=rng, dtype=torch.float64) < torch.sigmoid(X @ w_true * 2)).double()
    return X.to(device, dtype), y.to(device, dtype)


def reference(X, y, w, b):
    """Loss and gradient in float64 from the (possibly rounded) inputs: the exact stable form, no autograd needed."""
    X, y, w, b = X.double(), y.double(), w.double(), b.double()
    z = X @ w + b
    loss = (z.clamp(min=0) - y * z + torch.log1p(torch.exp(-z.abs()))).mean()
    r = (torch.sigmoid(z) - y) / X.shape[0]
    return loss, X.T @ r, r.sum()


def check_triple(got, X, y, w, b, what):
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise CheckFailure(f"loss_and_grad must return (loss, dloss/dw, dloss/db) ({what})")
    dtype = X.dtype
    for name, a, e, shape in zip(("the loss", "dloss/dw", "dloss/db"), got, reference(X, y, w, b),
                                 ((), (X.shape[1],), ())):
        expect_tensor(a, what=f"{name} ({what})", shape=shape, dtype=dtype, device=X.device)
        kit.expect_close_in(a, e.to(X.device), what=f"{name} ({what})", dtype=dtype)


def random_params(rng, device, d=3, dtype=torch.float64):
    return (torch.randn(d, generator=rng, dtype=torch.float64).to(device, dtype),
            torch.randn((), generator=rng, dtype=torch.float64).to(device, dtype))


def test_gradient_matches_autograd(learner, device, rng):
    """loss_and_grad returns the mean BCE and its exact gradient (what autograd would give), in float64; dloss/dw keeps
    shape (d,) for d = 1 and n = 1 too (no squeeze); and the loss stays exact for logits of +-20 to +-30, where
    log1p(exp(-|z|)) is 2e-9 to 1e-13 but still above float64's rounding of z (a softplus that returns z itself past
    a threshold, as F.softplus does above 20, drops it)."""
    for _ in range(3):
        X, y = data(rng, device)
        w, b = random_params(rng, device)
        check_triple(learner.call("loss_and_grad", X, y, w, b), X, y, w, b, "random data, float64")
    for n, d in ((40, 1), (1, 1), (1, 3)):
        X, y = data(rng, device, n=n, d=d)
        w, b = random_params(rng, device, d=d)
        check_triple(learner.call("loss_and_grad", X, y, w, b), X, y, w, b,
                     f"n = {n}, d = {d}: dloss/dw has shape (d,) and dloss/db is 0-d, whatever n and d")
    # One example per call, so that the term log1p(exp(-|z|)) is not averaged away: z = +-a exactly (X = [[+-a, r]],
    # w = [1, 0], b = 0), both labels (confidently right: the loss is that term alone; wrong: a + the term). A right
    # loss is off by float64's rounding of a (at most ulp(a) / 2 = 8 eps for these a), far below 4 eps * (a + 1);
    # the term itself is larger up to a = 30, so a cut-off (softplus(z) = z past a threshold) below 30 always fails.
    for a in (20.5, 23.0, 26.0, 28.0, 30.0):
        for sign, label in ((1.0, 1.0), (1.0, 0.0), (-1.0, 0.0), (-1.0, 1.0)):
            X = torch.tensor([[sign * a, float(torch.randn((), generator=rng, dtype=torch.float64))]],
                             dtype=torch.float64, device=device)
            y = torch.tensor([label], dtype=torch.float64, device=device)
            w = torch.tensor([1.0, 0.0], dtype=torch.float64, device=device)
            b = torch.tensor(0.0, dtype=torch.float64, device=device)
            what = (f"one example with a logit between {'+' if sign > 0 else '-'}20 and {'+' if sign > 0 else '-'}30 "
                    f"and label {label:g}: log1p(exp(-|z|)) is tiny there but above float64's rounding; keep it (no "
                    "softplus threshold)")
            got = learner.call("loss_and_grad", X, y, w, b)
            check_triple(got, X, y, w, b, what)
            expect_close(got[0], reference(X, y, w, b)[0], rtol=0.0, atol=4 * 2.0 ** -52 * (a + 1.0),
                         what=f"the loss ({what})")


def extreme_case(device, dtype, magnitude):
    """Fixed logits of +-magnitude with both labels: confident and right, confident and wrong."""
    X = torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0], [0.5, 0.5]], dtype=dtype, device=device)
    y = torch.tensor([1.0, 1.0, 0.0, 0.0, 1.0], dtype=dtype, device=device)
    w = torch.tensor([magnitude, magnitude], dtype=dtype, device=device)
    b = torch.tensor(0.0, dtype=dtype, device=device)
    return X, y, w, b


def test_large_logits_are_stable(learner, device, rng):
    """With logits in the hundreds (exp overflows: past 709 in float64, past 88 in float32) the loss and its gradient
    stay finite and exact: use the stable form max(z, 0) - y z + log1p(exp(-|z|)), never log(sigmoid) or
    log1p(exp(z))."""
    for dtype, magnitude in ((torch.float64, 1000.0), (torch.float32, 100.0), (torch.float32, 300.0)):
        X, y, w, b = extreme_case(device, dtype, magnitude)
        check_triple(learner.call("loss_and_grad", X, y, w, b), X, y, w, b, f"logits +-{magnitude:g} in {dtype}")
    X, y = data(rng, device, scale=300.0)
    w, b = random_params(rng, device)
    check_triple(learner.call("loss_and_grad", X, y, w, b), X, y, w, b, "random logits in the hundreds")


def test_float32_inputs(learner, device, rng):
    """Results keep the inputs' dtype: float32 data give float32 loss and gradients, exact to float32's precision,
    and fit_logistic starts from w = 0, b = 0 of X's dtype, so that w and b stay float32 (steps = 0 included); bfloat16
    data likewise give bfloat16 results (values to bfloat16's precision); and w and b start on X's device (also on
    torch's meta device, so that a start made on the CPU is caught without a GPU)."""
    X, y = data(rng, device, dtype=torch.float32)
    w, b = random_params(rng, device, dtype=torch.float32)
    check_triple(learner.call("loss_and_grad", X, y, w, b), X, y, w, b, "random data, float32")
    got = learner.call("predict_proba", X, w, b)
    kit.expect_close_in(got, torch.sigmoid(X.double() @ w.double() + b.double()), what="predict_proba in float32",
                        dtype=torch.float32)
    rw, rb, _ = replay(X.double(), y.double(), 0.5, 5)
    for steps in (5, 0):
        got = learner.call("fit_logistic", X, y, 0.5, steps)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            raise CheckFailure("fit_logistic must return (w, b, losses), also for float32 data")
        hint = (f"float32 X, {steps} steps: w = 0 and b = 0 start in X's dtype and device "
                "(torch.zeros(..., dtype=X.dtype, device=X.device)), not in the default or a fixed dtype")
        expect_tensor(got[0], what=f"w ({hint})", shape=(X.shape[1],), dtype=torch.float32, device=X.device)
        expect_tensor(got[1], what=f"b ({hint})", shape=(), dtype=torch.float32, device=X.device)
        if steps:
            kit.expect_close_in(got[0], rw, what=f"w after {steps} steps in float32", dtype=torch.float32)
            kit.expect_close_in(got[1], rb, what=f"b after {steps} steps in float32", dtype=torch.float32)
    # X's device, without a GPU (kit.on_meta): on torch's meta device a start made on the CPU comes back on the CPU
    # with 0 steps, and raises a device error in the first step
    fix = "Start w and b on X's device (torch.zeros(..., dtype=X.dtype, device=X.device))"
    for steps in (0, 1):
        what = f"fit_logistic with X on another device (torch's 'meta' device, which stands for a GPU), {steps} step(s)"
        # with 0 steps nothing needs X's values (the reference returns there): any error, or no (w, b, losses), fails,
        # or code that raises when it sees a meta tensor would have its own device check left out
        got = kit.on_meta(lambda: learner.probe("fit_on_meta", 6, 3, steps), what=what, fix=fix, must_run=steps == 0)
        if steps == 0 and not (isinstance(got, dict) and got.get("type") == "triple"):
            raise CheckFailure(f"{what}: fit_logistic must return (w, b, losses) there too. {fix}")
        if isinstance(got, dict) and got.get("type") == "triple":
            kit.expect_on_meta(dict(zip(("w", "b"), got["devices"])), what=what, fix=fix)
    check_bfloat16(learner, device, rng)


HALF_HINT = ("results keep the inputs' dtype whatever it is, bfloat16 and float16 included: start w and b with "
             "dtype=X.dtype, and build nothing with a default dtype, y.float() or a choice between float32 and float64")


def expect_half(got, want, bound, what):
    """A bfloat16 result: its dtype exactly (and shape, device), its value in float64 within bfloat16's rounding of
    the float64 reference (8 significant bits), measured against `bound`, the sum of the magnitudes it adds up."""
    kit.expect_half(got, want, what=what, scale=bound, rtol=3e-2, atol=1e-3, hint=HALF_HINT)


def check_bfloat16(learner, device, rng):
    """bfloat16 data give bfloat16 results (the dtype exactly, the values to bfloat16's precision)."""
    from grader.judge.session import LearnerError

    X, y = data(rng, device, dtype=torch.bfloat16)
    w, b = random_params(rng, device, dtype=torch.bfloat16)
    try:
        got = learner.call("loss_and_grad", X, y, w, b)
        proba = learner.call("predict_proba", X, w, b)
        fits = [learner.call("fit_logistic", X, y, 0.5, steps) for steps in (3, 0)]
    except LearnerError as e:
        raise CheckFailure("loss_and_grad, predict_proba or fit_logistic could not be computed for bfloat16 data",
                           f"{HALF_HINT}\n{e.summary()}") from None
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise CheckFailure("loss_and_grad must return (loss, dloss/dw, dloss/db) (bfloat16 data)")
    X64, y64, w64, b64 = X.double(), y.double(), w.double(), b.double()
    loss, dw, db = reference(X64, y64, w64, b64)
    r = ((torch.sigmoid(X64 @ w64 + b64) - y64) / X.shape[0]).abs()
    for name, a, e, bound in (("the loss", got[0], loss, loss.abs()), ("dloss/dw", got[1], dw, X64.abs().T @ r),
                              ("dloss/db", got[2], db, r.sum())):
        expect_half(a, e, bound, f"{name} (random data, bfloat16)")
    expect_half(proba, torch.sigmoid(X64 @ w64 + b64), torch.ones(X.shape[0], dtype=torch.float64, device=device),
                "predict_proba in bfloat16")
    rw, rb, _ = replay(X64, y64, 0.5, 3)
    for steps, fit in zip((3, 0), fits):
        if not isinstance(fit, (tuple, list)) or len(fit) != 3:
            raise CheckFailure("fit_logistic must return (w, b, losses), also for bfloat16 data")
        what = f"bfloat16 X, {steps} steps: w = 0 and b = 0 start in X's dtype"
        want_w, want_b = (rw, rb) if steps else (torch.zeros_like(rw), torch.zeros_like(rb))
        expect_half(fit[0], want_w, want_w.abs() + 1.0, f"w ({what})")
        expect_half(fit[1], want_b, want_b.abs() + 1.0, f"b ({what})")


def test_predict_proba(learner, device, rng):
    """predict_proba is sigmoid(X @ w + b), shape (n,), also for logits of +-1000, and for n = 1 or d = 1 (shape (1,)
    for a single row: no squeeze to a 0-d tensor)."""
    X, _ = data(rng, device)
    w, b = random_params(rng, device)
    expect_close(learner.call("predict_proba", X, w, b), torch.sigmoid(X @ w + b), rtol=1e-12, atol=1e-14,
                 what="predict_proba")
    for n, d in ((1, 3), (1, 1), (7, 1)):
        X, _ = data(rng, device, n=n, d=d)
        w, b = random_params(rng, device, d=d)
        expect_close(learner.call("predict_proba", X, w, b), torch.sigmoid(X @ w + b), rtol=1e-12, atol=1e-14,
                     what=f"predict_proba for n = {n}, d = {d} (shape (n,) = ({n},) whatever n and d: a squeeze() "
                     "turns a single row into a 0-d tensor)")
    X, _, w, b = extreme_case(device, torch.float64, 1000.0)
    expect_close(learner.call("predict_proba", X, w, b), torch.sigmoid(X @ w + b), rtol=1e-12, atol=1e-14,
                 what="predict_proba with logits of +-1000")


def test_works_without_autograd(learner, device, rng):
    """Written by hand, the gradient needs no graph: loss_and_grad and fit_logistic also work inside
    torch.no_grad()."""
    X, y = data(rng, device)
    w, b = random_params(rng, device)
    check_triple(learner.probe("under_no_grad", "loss_and_grad", X, y, w, b), X, y, w, b,
                 "called inside torch.no_grad()")
    got = learner.probe("under_no_grad", "fit_logistic", X, y, 0.5, 3)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise CheckFailure("fit_logistic must return (w, b, losses), also inside torch.no_grad()")
    rw, rb, _ = replay(X, y, 0.5, 3)
    expect_close(got[0], rw, rtol=1e-10, atol=1e-12, what="w after 3 steps inside torch.no_grad()")


def replay(X, y, lr, steps):
    rw = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device)
    rb = torch.zeros((), dtype=X.dtype, device=X.device)
    losses = []
    for _ in range(steps):
        loss, dw, db = reference(X, y, rw, rb)
        rw, rb = rw - lr * dw, rb - lr * db
        losses.append(loss.item())
    return rw, rb, losses


def test_gradient_descent_steps(learner, device, rng):
    """fit_logistic starts at zero and takes plain steps w -= lr * dw, b -= lr * db: replayed in the judge; the losses
    are Python floats, the loss before each update; d = 1 keeps w of shape (1,); exactly `steps` updates even when
    the loss is flat (no early stop)."""
    X, y = data(rng, device)
    got = learner.call("fit_logistic", X, y, 0.5, 25)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise CheckFailure("fit_logistic must return (w, b, losses)")
    w, b, losses = got
    rw, rb, want = replay(X, y, 0.5, 25)
    expect_close(w, rw, rtol=1e-10, atol=1e-12, what="w after 25 steps")
    expect_close(b, rb, rtol=1e-10, atol=1e-12, what="b after 25 steps (a 0-d tensor)")
    if not isinstance(losses, list) or len(losses) != 25:
        raise CheckFailure("fit_logistic must return the 25 losses in a list, one float per step")
    for k, value in enumerate(losses):
        kit.expect_float(value, what=f"the loss before update {k + 1}")
    kit.expect_same_values(losses, want, what="the losses of the 25 steps (each the loss at the current w and b, taken "
                           "before that step's update)", rtol=1e-10, first_step=1, label="update")
    got = learner.call("fit_logistic", X, y, 0.5, 0)  # no update at all: the starting point itself
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise CheckFailure("fit_logistic must return (w, b, losses), also for steps = 0")
    expect_close(got[0], torch.zeros(3, dtype=X.dtype, device=device), rtol=0, atol=0, what="w for steps = 0")
    expect_close(got[1], torch.zeros((), dtype=X.dtype, device=device), rtol=0, atol=0,
                 what="b for steps = 0 (a 0-d zero of X's dtype)")
    if got[2] != []:
        raise CheckFailure("fit_logistic must return an empty list of losses for steps = 0")
    # lr = 0 is a learning rate of zero (every step leaves w and b at 0), not a missing value to replace by a default
    got = learner.call("fit_logistic", X, y, 0.0, 3)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise CheckFailure("fit_logistic must return (w, b, losses), also for lr = 0")
    rw, rb, want = replay(X, y, 0.0, 3)
    lr0 = "with lr = 0.0 (an explicit 0 is a step of size 0, not 'use a default': test `lr is None`, never `not lr`)"
    expect_close(got[0], rw, rtol=0, atol=0, what=f"w after 3 steps {lr0}")
    expect_close(got[1], rb, rtol=0, atol=0, what=f"b after 3 steps {lr0}")
    if not isinstance(got[2], list) or len(got[2]) != 3:
        raise CheckFailure(f"fit_logistic must return one loss per step {lr0}")
    kit.expect_same_values(got[2], want, what=f"the losses of 3 steps {lr0}", rtol=1e-12, first_step=1,
                           label="update")
    X1, y1 = data(rng, device, d=1)
    got = learner.call("fit_logistic", X1, y1, 0.5, 5)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise CheckFailure("fit_logistic must return (w, b, losses)")
    rw, rb, _ = replay(X1, y1, 0.5, 5)
    expect_close(got[0], rw, rtol=1e-10, atol=1e-12, what="w after 5 steps with d = 1 (shape (1,))")
    # Every row twice, once with each label: the gradient at the start is zero, the loss stays at log 2, yet
    # fit_logistic still makes all `steps` updates (no early stop on a small change of the loss or gradient).
    Xh, _ = data(rng, device, n=10)
    order = torch.randperm(20, generator=rng).to(device)
    Xs = torch.cat([Xh, Xh])[order]
    ys = torch.cat([torch.ones(10, dtype=Xh.dtype, device=device), torch.zeros(10, dtype=Xh.dtype, device=device)])[order]
    got = learner.call("fit_logistic", Xs, ys, 0.5, 12)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise CheckFailure("fit_logistic must return (w, b, losses)")
    if not isinstance(got[2], list) or len(got[2]) != 12:
        raise CheckFailure("fit_logistic must make exactly `steps` updates and return one loss per update, even when "
                           "the loss stops changing (no early stop): 12 steps on data whose loss is flat at the start")
    rw, rb, want = replay(Xs, ys, 0.5, 12)
    expect_close(got[0], rw, rtol=1e-10, atol=1e-12, what="w after 12 steps from a flat start")
    kit.expect_same_values(got[2], want, what="the losses of 12 steps from a flat start", rtol=1e-10, first_step=1,
                           label="update")


def test_learns_a_separating_line(learner, device, rng):
    """On two Gaussian blobs, 300 steps reach 95% training accuracy."""
    direction = torch.randn(2, generator=rng, dtype=torch.float64)
    centres = torch.stack([direction, -direction]) * 2.5 / direction.norm() + torch.randn(2, generator=rng,
                                                                                         dtype=torch.float64)
    y = torch.randint(0, 2, (200,), generator=rng)
    X = (centres[y] + torch.randn(200, 2, generator=rng, dtype=torch.float64)).to(device)
    got = learner.call("fit_logistic", X, y.double().to(device), 0.5, 300)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise CheckFailure("fit_logistic must return (w, b, losses)")
    w, b = got[0], got[1]
    expect_tensor(w, what="w", shape=(2,), dtype=torch.float64, device=device)
    expect_tensor(b, what="b", shape=(), dtype=torch.float64, device=device)
    accuracy = float(((torch.sigmoid(X @ w + b) > 0.5).long().cpu() == y).double().mean())
    if not accuracy >= 0.95 or math.isnan(accuracy):
        raise CheckFailure("fit_logistic should separate two well separated blobs (95% accuracy)")
