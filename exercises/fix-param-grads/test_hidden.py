"""Hidden graders for fix-param-grads: random layers and batches per run, stale gradients, shape checks."""

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_raises, load_sibling

probes = load_sibling(__file__)


def rand(rng, *shape, device):
    return torch.randn(shape, generator=rng, dtype=torch.float64).to(device)


def problem(rng, device, kind="linear", n=10):
    shapes = {"linear": [(3, 5), (3,)], "sequential": [(6, 4), (6,), (2, 6), (2,)],
              "norm": [(6, 4), (6,), (6,), (6,), (2, 6), (2,)], "norm_train": [(6, 4), (6,), (6,), (6,), (2, 6), (2,)],
              "shared": [(4, 4), (4,)], "tied": [(4, 4), (4,), (4,)],
              "partial": [(6, 4), (6,), (2, 6), (2,), (2, 6), (2,)]}[kind]
    params = [rand(rng, *s, device=device) for s in shapes]
    din, dout = {"linear": (5, 3), "shared": (4, 4), "tied": (4, 4)}.get(kind, (4, 2))
    return params, rand(rng, n, din, device=device), rand(rng, n, dout, device=device)


def reference(kind, params, x, t):
    layer = probes.make_layer(kind, params)
    loss = torch.nn.MSELoss()(layer(x), t)
    live = [(n, p) for n, p in layer.named_parameters() if p.requires_grad]
    grads = torch.autograd.grad(loss, [p for _, p in live], allow_unused=True)
    want = {n: None for n, _ in layer.named_parameters()}  # None: frozen or unused, autograd gives no gradient
    want.update((n, None if g is None else g.detach()) for (n, _), g in zip(live, grads))
    return want


def check(got, want, what):
    if not isinstance(got, dict) or sorted(map(str, got)) != sorted(want):
        raise CheckFailure(f"param_grads must return a dict keyed by the parameter names, one entry per "
                           f"layer.named_parameters() and nothing else: no buffers ({what})")
    for name, w in want.items():
        if w is None:
            if got[name] is not None:
                raise CheckFailure(f"the entry for {name} must be None: it gets no gradient from this loss (a frozen "
                                   f"parameter, or one the forward never uses) ({what})")
            continue
        expect_close(got[name], w, rtol=1e-10, atol=1e-12, what=f"the gradient of {name} ({what})")


def test_param_grads_match_autograd(learner, device, rng):
    """For nn.Linear(5, 3), a Sequential of two Linear layers, one with a BatchNorm1d (whose running statistics
    are buffers: no entry for them; in eval mode, and in training mode, where layer(x) normalises with the batch's
    statistics: the layer is called in the mode it is in) and one that uses the same Linear twice (its parameters are named once by
    named_parameters(): one entry each, holding the gradient of both uses), and two Linears that share one weight (tied:
    the weight is named once, under its first name), every parameter's gradient equals
    autograd's, one entry per named parameter; a frozen parameter (requires_grad False) and one the forward never uses
    keep their entries, None; x and t keep their values."""
    for kind, n in (("linear", 10), ("linear", 1), ("sequential", 7), ("norm", 8), ("norm_train", 8), ("shared", 6),
                    ("tied", 6), ("partial", 5)):
        params, x, t = problem(rng, device, kind, n)
        got = learner.probe("param_grads", kind, params, x, t)
        what = {"shared": "a Sequential that uses one Linear twice: named_parameters() names each shared "
                          "parameter once",
                "tied": "a Sequential of two Linears that share one weight (tied weights): named_parameters() names "
                        "the shared weight once, '0.weight', not also '2.weight'"}.get(kind, f"{kind}, batch {n}")
        check(got["value"], reference(kind, params, x, t), what)
        for name, before, after in zip(("x", "t"), (x, t), got["inputs_after"]):
            expect_close(after, before, rtol=0.0, atol=0.0,
                         what=f"the caller's {name} after param_grads (it must not be changed in place)")


def test_stale_grads_do_not_leak(learner, device, rng):
    """With old gradients already in .grad (or after a second call), the result is this batch's gradient only."""
    for kind in ("linear", "sequential"):
        params, x, t = problem(rng, device, kind)
        stale = [rand(rng, *p.shape, device=device) for p in params]
        want = reference(kind, params, x, t)
        got = learner.probe("param_grads", kind, params, x, t, stale=stale)
        check(got["value"], want, f"{kind} with stale gradients in .grad (they accumulate unless cleared)")
        got = learner.probe("param_grads", kind, params, x, t, calls=2)
        check(got["value"], want, f"{kind}, the second of two calls")


def test_grad_left_in_parameters(learner, device, rng):
    """Afterwards each parameter's .grad holds exactly this batch's gradient; x.grad stays None. With stale gradients
    in every .grad beforehand, a frozen parameter and one the forward never uses have .grad None afterwards (no
    gradient from this batch: not the stale one, not zeros)."""
    for kind in ("linear", "partial"):
        params, x, t = problem(rng, device, kind)
        stale = [rand(rng, *p.shape, device=device) for p in params]
        got = learner.probe("param_grads", kind, params, x, t, stale=stale)
        for name, w in reference(kind, params, x, t).items():
            left = got["left_in_grad"][name]
            if w is None:
                if left is not None:
                    raise CheckFailure(f"{name}.grad must be None afterwards: this batch gives it no gradient (frozen, "
                                       "or unused by the forward); clear .grad with zero_grad(set_to_none=True)")
                continue
            if left is None:
                raise CheckFailure(f"{name}.grad is None afterwards: leave this batch's gradient in .grad")
            expect_close(left, w, rtol=1e-10, atol=1e-12, what=f"{name}.grad after param_grads")
        if got["x_grad"] is not None:
            raise CheckFailure("x.grad must stay None: the input does not require grad")


def test_target_shape_checked(learner, device, rng):
    """A target whose shape differs from the output's raises ValueError (nn.MSELoss would broadcast it)."""
    params, x, _ = problem(rng, device)
    for shape in ((10, 1), (10,), (3,), (3, 10), (1, 10, 3)):
        t = rand(rng, *shape, device=device)
        expect_raises(lambda: learner.probe("param_grads", "linear", params, x, t), "ValueError",
                      what=f"param_grads with a target of shape {shape} for an output of shape (10, 3) (compare "
                           "shapes, not sizes)")
    got = learner.probe("param_grads", "linear", params, x, rand(rng, 10, 3, device=device))
    if not isinstance(got["value"], dict):
        raise CheckFailure("param_grads must return a dict")


def test_result_kept_after_a_later_call(learner, device, rng):
    """The dict returned is the caller's: zeroing .grad in place and a later call on another batch do not change the
    gradients it holds."""
    for kind in ("linear", "sequential"):
        params, x, t = problem(rng, device, kind)
        _, x2, t2 = problem(rng, device, kind)
        got = learner.probe("param_grads", kind, params, x, t, later=(x2, t2))
        check(got["value"], reference(kind, params, x, t),
              f"{kind}: the first call's result after .grad was zeroed in place and a second call ran on another "
              "batch (return copies, not the .grad tensors themselves)")


def test_manual_grads_match_autograd(learner, device, rng):
    """linear_mse_grads (called inside torch.inference_mode()) equals autograd for several shapes (N = 1 and K = 1
    included), in float64 and float32, for a non-contiguous x too, returned as a tuple; x, W, b and t keep their
    values."""
    for (n, d, k), dtype in (((10, 5, 3), torch.float64), ((1, 4, 2), torch.float64), ((6, 3, 1), torch.float64),
                             ((8, 5, 4), torch.float32), ((5, 3, 2), "transposed")):
        transposed = dtype == "transposed"
        dtype = torch.float64 if transposed else dtype
        x, W, b, t = (rand(rng, *s, device=device).to(dtype) for s in ((n, d), (k, d), (k,), (n, k)))
        if transposed:
            x = x.T.contiguous().T
        got, after = learner.probe("manual", x, W, b, t, inputs_after=True, raw=True)
        for name, before, now in zip(("x", "W", "b", "t"), (x, W, b, t), after):
            expect_close(now, before, rtol=0.0, atol=0.0,
                         what=f"the caller's {name} after linear_mse_grads (it must not be changed in place: "
                              "compute the residual in a new tensor)")
        if isinstance(got, list) and len(got) == 3:
            raise CheckFailure("linear_mse_grads must return a tuple (dW, db, dx), not a list: `return dW, db, dx`")
        if not isinstance(got, tuple) or len(got) != 3:
            raise CheckFailure("linear_mse_grads must return (dW, db, dx) (it runs inside torch.inference_mode(): "
                               "compute by hand, autograd records nothing there)")
        leaves = [a.clone().requires_grad_() for a in (W, b, x)]
        want = torch.autograd.grad(torch.nn.functional.mse_loss(leaves[2] @ leaves[0].T + leaves[1], t), leaves)
        tol = dict(rtol=1e-10, atol=1e-12) if dtype == torch.float64 else dict(rtol=1e-4, atol=1e-6)
        for name, g, w in zip(("dW", "db", "dx"), got, want):
            expect_close(g, w.detach(), what=f"{name} for N, D, K = {n, d, k} in {dtype}", **tol)
