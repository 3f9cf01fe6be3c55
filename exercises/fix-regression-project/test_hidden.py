"""Hidden graders for fix-regression-project: random lines and seeds per run."""

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, expect_raises


def line(rng, n=100, f=2.0, noise=1.0):
    # an intercept of 3 converges slowly (the Hessian's small eigenvalue is about 0.5): 100 epochs are not enough
    x = torch.rand(n, 1, generator=rng) * 10
    return x, f * x + 3.0 + noise * torch.randn(n, 1, generator=rng)


def lstsq(x, y):
    A = torch.cat([x.double(), torch.ones_like(x.double())], 1)
    return torch.linalg.lstsq(A, y.double()).solution[:, 0]


def test_make_line_shapes_and_values(learner, rng):
    """make_line returns float32 (n, 1) tensors following the stated generator recipe, with and without noise."""
    for kwargs in ({"n": 100, "noise": True, "f": 1, "seed": int(torch.randint(0, 1000, (), generator=rng))},
                   {"n": 7, "noise": True, "f": 3, "seed": 5}, {"n": 12, "noise": False, "f": -1, "seed": 2}):
        got = learner.probe("make", **kwargs)
        if not isinstance(got, tuple) or len(got) != 2:
            raise CheckFailure("make_line must return a tuple (x, y) of tensors")
        g = torch.Generator().manual_seed(kwargs["seed"])
        x = torch.rand(kwargs["n"], 1, generator=g) * 10
        y = x * kwargs["f"] + (torch.randn(kwargs["n"], 1, generator=g) if kwargs["noise"] else 0)
        expect_close(got[0], x, what=f"x from make_line({kwargs})")
        expect_close(got[1], y, what=f"y from make_line({kwargs})")


def test_checked_mse_refuses_mismatched_shapes(learner, device, rng):
    """checked_mse raises ValueError for any shape mismatch and equals F.mse_loss (value and gradient) otherwise."""
    a = torch.randn(6, 1, generator=rng, dtype=torch.float64).to(device)
    for b in (torch.randn(6, dtype=torch.float64), torch.randn(1, 6, dtype=torch.float64), torch.randn(6, 2, dtype=torch.float64)):
        expect_raises(lambda: learner.call("checked_mse", a, b.to(device)), "ValueError",
                      what=f"checked_mse with shapes {tuple(a.shape)} and {tuple(b.shape)}")
    p = torch.randn(5, 2, generator=rng, dtype=torch.float64).to(device).requires_grad_()
    t = torch.randn(5, 2, generator=rng, dtype=torch.float64).to(device)
    got = learner.function("checked_mse")(p, t)
    expect_close(got, F.mse_loss(p.detach(), t), rtol=1e-12, atol=1e-14, what="checked_mse for equal shapes")
    (grad,) = torch.autograd.grad(got, p)
    expect_close(grad, 2 * (p.detach() - t) / 10, rtol=1e-10, atol=1e-14, what="the gradient of checked_mse")


def check_fit(learner, rng, as_numpy):
    x, y = line(rng)
    # the tensor case also hands over y of shape (n,): nn.MSELoss would broadcast it against (n, 1) predictions
    got = learner.probe("fit", x, y if as_numpy else y.reshape(-1), as_numpy, int(torch.randint(0, 1000, (), generator=rng)), [0.0, 5.0])
    if not got.get("is_module"):
        raise CheckFailure("fit_line must return the trained nn.Module")
    if got["names"] != ["linear.bias", "linear.weight"]:
        raise CheckFailure("fit_line must train the seed's LinearModel (parameters linear.weight and linear.bias)")
    w, b = got["weight"], got["bias"]
    if w.dtype != torch.float32 or w.shape != (1, 1):
        raise CheckFailure("the trained model must be a float32 Linear(1, 1)")
    ref = lstsq(x, y)
    fitted = F.mse_loss(x.double() * float(w) + float(b), y.double())
    best = F.mse_loss(x.double() * ref[0] + ref[1], y.double())
    where = "numpy float64 data with y of shape (n,)" if as_numpy else "float32 tensors with y of shape (n,)"
    if not float(fitted) <= 1.01 * float(best) or abs(float(w) - 2.0) > 0.15:
        raise CheckFailure(f"fit_line on {where} should get within 1% of the least-squares loss")
    expect_close(got["pred"], torch.tensor([[float(b)], [5 * float(w) + float(b)]]), rtol=1e-5, atol=1e-5,
                 what="the model's predictions at 0 and 5")


def test_fit_line_on_tensors(learner, rng):
    """fit_line on float32 tensors (x (n, 1), y (n,)) reaches the least-squares fit (MSE within 1%, slope within 0.15)."""
    check_fit(learner, rng, as_numpy=False)


def test_fit_line_on_numpy_arrays(learner, rng):
    """fit_line accepts what the seed's make_line produced: float64 numpy arrays, y of shape (n,)."""
    check_fit(learner, rng, as_numpy=True)


def test_least_squares(learner, rng):
    """least_squares returns the exact (w, b) of the line fit, as floats, from tensors or numpy arrays."""
    for as_numpy in (False, True):
        x, y = line(rng, n=30, f=float(torch.randn((), generator=rng)))
        got = learner.probe("lsq", x, y, as_numpy)
        if not isinstance(got, (tuple, list)) or len(got) != 2 or not all(isinstance(v, float) for v in got):
            raise CheckFailure("least_squares must return (w, b) as two floats")
        expect_close(torch.tensor(got, dtype=torch.float64), lstsq(x, y), rtol=1e-9, atol=1e-9,
                     what="least_squares' (w, b)" + (" from numpy arrays" if as_numpy else ""))
