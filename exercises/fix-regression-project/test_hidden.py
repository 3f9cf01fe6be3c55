"""Hidden graders for fix-regression-project: random lines and seeds per run."""

import torch
import torch.nn.functional as F

from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, expect_raises, expect_tensor


def line(rng, n=100, f=2.0, noise=1.0):
    # an intercept of 3 converges slowly (the Hessian's small eigenvalue is about 0.5): 100 epochs are not enough
    x = torch.rand(n, 1, generator=rng) * 10
    return x, f * x + 3.0 + noise * torch.randn(n, 1, generator=rng)


def lstsq(x, y):
    A = torch.cat([x.double(), torch.ones_like(x.double())], 1)
    return torch.linalg.lstsq(A, y.double()).solution[:, 0]


def test_make_line_shapes_and_values(learner, rng):
    """make_line returns float32 (n, 1) tensors following the stated generator recipe, with and without noise, f = 0
    included (y is the noise alone); it draws from its own torch.Generator, so the caller's global random stream is
    left as it was."""
    for kwargs in ({"n": 100, "noise": True, "f": 1, "seed": int(torch.randint(0, 1000, (), generator=rng))},
                   {"n": 7, "noise": True, "f": 3, "seed": 5}, {"n": 12, "noise": False, "f": -1, "seed": 2},
                   {"n": 9, "noise": True, "f": 0, "seed": int(torch.randint(0, 1000, (), generator=rng))}):
        got = learner.probe("make", **kwargs)
        if not isinstance(got, tuple) or len(got) != 2:
            raise CheckFailure("make_line must return a tuple (x, y) of tensors")
        g = torch.Generator().manual_seed(kwargs["seed"])
        x = torch.rand(kwargs["n"], 1, generator=g) * 10
        y = x * kwargs["f"] + (torch.randn(kwargs["n"], 1, generator=g) if kwargs["noise"] else 0)
        expect_close(got[0], x, what=f"x from make_line({kwargs})")
        expect_close(got[1], y, what=f"y from make_line({kwargs})")
    global_seed = int(torch.randint(0, 1000, (), generator=rng))
    kwargs = {"n": 5, "noise": True, "f": 1, "seed": global_seed + 1 + int(torch.randint(0, 1000, (), generator=rng))}
    after = learner.probe("make_then_draw", global_seed, **kwargs)
    expect_close(after, torch.rand(3, generator=torch.Generator().manual_seed(global_seed)),
                 what="the caller's global random numbers after make_line: make_line must draw from its own "
                      "torch.Generator().manual_seed(seed), not reseed or consume the global RNG (torch.manual_seed)")


def test_checked_mse_refuses_mismatched_shapes(learner, device, rng):
    """checked_mse raises ValueError for any shape mismatch and equals F.mse_loss (value and gradient) otherwise, also
    for equal shapes of different dtypes."""
    a = torch.randn(6, 1, generator=rng, dtype=torch.float64).to(device)
    for b in (torch.randn(6, dtype=torch.float64), torch.randn(1, 6, dtype=torch.float64), torch.randn(6, 2, dtype=torch.float64),
              # targets that broadcast INTO the prediction's shape (the result keeps (6, 1)): still a mismatch
              torch.randn(1, 1, dtype=torch.float64), torch.randn(1, dtype=torch.float64),
              torch.tensor(0.5, dtype=torch.float64)):
        expect_raises(lambda: learner.call("checked_mse", a, b.to(device)), "ValueError",
                      what=f"checked_mse with shapes {tuple(a.shape)} and {tuple(b.shape)}")
    p = torch.randn(5, 2, generator=rng, dtype=torch.float64).to(device).requires_grad_()
    t = torch.randn(5, 2, generator=rng, dtype=torch.float64).to(device)
    got = learner.function("checked_mse")(p, t)
    expect_close(got, F.mse_loss(p.detach(), t), rtol=1e-12, atol=1e-14, what="checked_mse for equal shapes")
    (grad,) = torch.autograd.grad(got, p)
    expect_close(grad, 2 * (p.detach() - t) / 10, rtol=1e-10, atol=1e-14, what="the gradient of checked_mse")
    p32 = torch.randn(4, 1, generator=rng).to(device)  # same shape, another dtype: F.mse_loss accepts it (promotes)
    t64 = torch.randn(4, 1, generator=rng, dtype=torch.float64).to(device)
    expect_close(learner.call("checked_mse", p32, t64), F.mse_loss(p32, t64), rtol=1e-12, atol=1e-14,
                 what="checked_mse for equal shapes and different dtypes (float32 against float64): only a shape "
                      "mismatch raises, otherwise it is F.mse_loss")


def replay(x, y, lr, epochs, init_seed):
    """fit_line as the task states it, in the judge: LinearModel's default initialisation right after
    torch.manual_seed(init_seed), float32 (n, 1) data, `epochs` full-batch SGD steps on the MSE."""
    torch.manual_seed(init_seed)
    model = torch.nn.Linear(1, 1)  # what LinearModel() holds, drawn the same way
    X = torch.as_tensor(x, dtype=torch.float32).reshape(-1, 1)
    Y = torch.as_tensor(y, dtype=torch.float32).reshape(-1, 1)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        opt.zero_grad()
        F.mse_loss(model(X), Y).backward()
        opt.step()
    return model.weight.detach(), model.bias.detach()


def fitted(learner, x, y, as_numpy, init_seed, where, **kw):
    got = learner.probe("fit", x, y, as_numpy, init_seed, [0.0, 5.0], **kw)
    if not isinstance(got, dict) or not got.get("is_module"):
        raise CheckFailure(f"fit_line must return the trained nn.Module ({where})")
    if got.get("names") != ["linear.bias", "linear.weight"]:
        raise CheckFailure("fit_line must train the seed's LinearModel (parameters linear.weight and linear.bias)")
    w, b = got["weight"], got["bias"]
    expect_tensor(w, what="the trained model's linear.weight (a float32 Linear(1, 1))", shape=(1, 1),
                  dtype=torch.float32)
    expect_tensor(b, what="the trained model's linear.bias", shape=(1,), dtype=torch.float32)
    expect_close(got["pred"], torch.tensor([[float(b)], [5 * float(w) + float(b)]]), rtol=1e-5, atol=1e-5,
                 what=f"the model's predictions at 0 and 5 ({where})")
    return w, b


def check_fit(learner, rng, as_numpy):
    x, y = line(rng)
    # the tensor case also hands over y of shape (n,): nn.MSELoss would broadcast it against (n, 1) predictions
    where = "numpy float64 data with y of shape (n,)" if as_numpy else "float32 tensors with y of shape (n,)"
    w, b = fitted(learner, x, y, as_numpy, int(torch.randint(0, 1000, (), generator=rng)), where,
                  dtype="float64" if as_numpy else "float32")
    ref = lstsq(x, y)
    fit_loss = F.mse_loss(x.double() * float(w) + float(b), y.double())
    best = F.mse_loss(x.double() * ref[0] + ref[1], y.double())
    if not float(fit_loss) <= 1.01 * float(best) or abs(float(w) - 2.0) > 0.15:
        raise CheckFailure(f"fit_line on {where} should get within 1% of the least-squares loss")


def test_fit_line_on_tensors(learner, rng):
    """fit_line on float32 tensors (x (n, 1), y (n,)) reaches the least-squares fit (MSE within 1%, slope within 0.15)."""
    check_fit(learner, rng, as_numpy=False)


def test_fit_line_on_numpy_arrays(learner, rng):
    """fit_line accepts what the seed's make_line produced: float64 numpy arrays, y of shape (n,)."""
    check_fit(learner, rng, as_numpy=True)


def test_fit_line_is_full_batch_sgd(learner, rng):
    """fit_line takes exactly `epochs` full-batch SGD steps with lr `lr` from LinearModel's initialisation, on data of
    any float dtype (numpy float16 and torch float16 tensors included) and either y shape: a few epochs, replayed in
    the judge, land on the same weights; epochs=0 takes no step (the model keeps its initialisation); and 1000 epochs
    on a noiseless line, where the loss is nearly 0 and
    barely moves long before the last epoch while the intercept still creeps toward its value (no early stopping)."""
    x, y = line(rng, n=40)
    # the noiseless case is fixed (its x and its init seed), so that its verdict never depends on the run's seed
    xq = torch.rand(40, 1, generator=torch.Generator().manual_seed(0)) * 10
    cases = ((False, "float64", False, 5, 0.01, x, y, None), (True, "float32", False, 3, 0.02, x, y, None),
             (True, "float16", True, 4, 0.01, x, y, None), (False, "float16", False, 2, 0.01, x, y, None),
             (False, "float32", True, 1, 0.03, x, y, None),
             (False, "float32", False, 0, 0.01, x, y, None), (False, "float32", True, 1000, 0.02, xq, 2.0 * xq + 3.0, 5))
    for as_numpy, dtype, flat_y, epochs, lr, x, y, init in cases:
        where = (f"{'numpy' if as_numpy else 'torch'} {dtype} data, y of shape {'(n,)' if flat_y else '(n, 1)'}, "
                 f"{epochs} epochs at lr {lr}{' on a noiseless line' if epochs == 1000 else ''}")
        seed = int(torch.randint(0, 1000, (), generator=rng)) if init is None else init
        w, b = fitted(learner, x, y, as_numpy, seed, where, dtype=dtype, flat_y=flat_y, lr=lr, epochs=epochs)
        xs = x.double().numpy().astype(dtype) if as_numpy else x.to(getattr(torch, dtype))
        ys = y.double().numpy().astype(dtype) if as_numpy else y.to(getattr(torch, dtype))
        rw, rb = replay(xs, ys, lr, epochs, seed)
        # the causes a replay cannot tell apart, named: another start (a draw before LinearModel(), a model kept from
        # an earlier call), another number of steps, lr or batch, or data not converted to float32 (n, 1)
        how = ("a new LinearModel() built first, from the caller's random state, then exactly `epochs` full-batch SGD "
               "steps at lr on float32 (n, 1) data")
        expect_close(w, rw, rtol=1e-5, atol=1e-6, what=f"the weight after fit_line ({where}; {how})")
        expect_close(b, rb, rtol=1e-5, atol=1e-6, what=f"the bias after fit_line ({where}; {how})")


def test_least_squares(learner, rng):
    """least_squares returns the exact (w, b) of the line fit, as floats, from tensors or numpy arrays of any float
    dtype, y flat or a column, tensors that require grad included."""
    for as_numpy, dtype, flat_y, requires_grad in ((False, "float32", False, False), (True, "float64", True, False),
                                                   (True, "float32", False, False), (False, "float64", True, True),
                                                   (False, "float32", False, True), (False, "float16", True, False)):
        x, y = line(rng, n=30, f=float(torch.randn((), generator=rng)))
        if dtype == "float64":  # digits a float32 cannot hold: a detour through float32 loses them
            x = x.double() + torch.rand(x.shape, generator=rng, dtype=torch.float64) * 1e-3
            y = y.double() + torch.rand(y.shape, generator=rng, dtype=torch.float64) * 1e-3
        xs = x.to(getattr(torch, dtype))
        ys = y.to(getattr(torch, dtype))
        got = learner.probe("lsq", x, y, as_numpy, dtype, flat_y, requires_grad)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise CheckFailure("least_squares must return (w, b)")
        for name, v in zip(("w", "b"), got):
            kit.expect_float(v, what=f"least_squares' {name}")
        expect_close(torch.tensor(list(got), dtype=torch.float64), lstsq(xs, ys), rtol=1e-9, atol=1e-9,
                     what=f"least_squares' (w, b) from {'numpy' if as_numpy else 'torch'} {dtype} data"
                          f"{' that requires grad (detach it before any numpy conversion)' if requires_grad else ''}")
