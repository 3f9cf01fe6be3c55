"""Hidden graders for gradient-hooks: random models and batches per run, gradients of both signs and beyond the bound,
a module input that needs no gradient, calls repeated on one model; every reference is computed here, in the judge."""

import math

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, load_sibling
from grader.judge.kit import adversarial

probes = load_sibling(__file__)


def batches(rng, device, n):
    return [(torch.randn(4, 3, generator=rng).to(device), torch.randn(4, 2, generator=rng).to(device))
            for _ in range(n)]


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


def expected_norms(seed, data, frozen=False, tied=False, dtype=None):
    """This batch's own gradient norm of every parameter that requires grad, batch by batch (judge side); with tied,
    the model whose two Linears share one weight (listed once by named_parameters(), its gradient the sum of both
    uses)."""
    model = (probes.tied(seed) if tied else probes.mlp(seed, frozen, dtype)).to(data[0][0].device)
    out = []
    for x, y in data:
        named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
        grads = torch.autograd.grad(probes.loss_of(model, x, y), [p for _, p in named])
        out.append({n: float(g.norm()) for (n, _), g in zip(named, grads)})
    return out


def check_log(log, want, what, rel_tol=1e-6):
    """log holds, for every parameter in want[0], exactly the norms of the listed backward passes, as floats (within
    rel_tol: float32 rounding by default, tighter for a float64 model)."""
    if not isinstance(log, dict):
        raise CheckFailure(f"log_grad_norms must return (a dict of lists, handles) ({what})")
    if sorted(log) != sorted(want[0]):
        raise CheckFailure(f"log must have one key per parameter that requires grad, named as in named_parameters() "
                           f"({what})")
    for name in want[0]:
        logged = log[name]
        expected = [step[name] for step in want]
        if not isinstance(logged, list):
            raise CheckFailure(f"log[{name!r}] must be a list ({what})")
        if len(logged) != len(expected):
            raise CheckFailure(f"log[{name!r}] holds {len(logged)} norm(s) where {len(expected)} backward pass(es) "
                               f"were logged: one entry per backward ({what})")
        if not all(type(v) is float for v in logged):
            raise CheckFailure(f"the logged norms must be Python floats (float(g.norm())), not tensors ({what})")
        if not all(math.isclose(a, b, rel_tol=rel_tol, abs_tol=1e-12) for a, b in zip(logged, expected)):
            raise CheckFailure(f"the logged norms for {name} are not the 2-norms of each backward's own gradient "
                               f"({what})")


def scale_reference(kind, seed, x, y, factor, x2=None, x_grad=True, remove=False, passes=1, pass_factors=None):
    """The judge's reference: the same passes with the scaling done by hand (a tensor hook on the module's inputs);
    pass_factors, if given, is the factor of each pass."""
    x = x.detach().clone().requires_grad_(x_grad)
    x2 = None if x2 is None else x2.detach().clone().requires_grad_(True)
    model, _ = probes.scale_model(kind, seed, x.device, "float64" if x.dtype == torch.float64 else None)
    model.zero_grad(set_to_none=True)
    for i in range(passes):
        f = 1.0 if remove and i == passes - 1 else factor
        if pass_factors is not None:
            f = pass_factors[i]
        if kind == "shared":
            def hooked(t, f=f):  # each call's input gets its own copy: only what lin passes back is scaled
                t = t * 1.0
                t.register_hook(lambda g, f=f: g * f)
                return t
            out = model(x, wrap=hooked)
        elif kind == "bilinear":
            a, b = x * 1.0, x2 * 1.0
            a.register_hook(lambda g, f=f: g * f)
            b.register_hook(lambda g, f=f: g * f)
            out = model(a, b)
        elif kind == "whole":
            h = x * 1.0
            h.register_hook(lambda g, f=f: g * f)
            out = model(h)
        else:
            h = model[1](model[0](x)) if kind == "second" else x
            if h.requires_grad:
                h.register_hook(lambda g, f=f: g * f)
            out = model[2](h) if kind == "second" else model(h)
        F.mse_loss(out, y).backward()
    grads = {"x": x.grad, **{n: p.grad for n, p in model.named_parameters()}}
    if x2 is not None:
        grads["x2"] = x2.grad
    return grads


def test_log_each_backward(learner, device, rng):
    """Three backward calls (no zero_grad between them) log three norms per parameter: each this backward's own, an
    all-zero gradient's 0.0 included, also when model.zero_grad() runs between backward calls, and on a float64 model
    to float64's precision; on a model whose two Linears share one weight, that weight has one key (its name in named_parameters()) and one norm
    per backward, of its whole gradient."""
    seed, data = seed_of(rng), batches(rng, device, 3)
    got = learner.probe("logging_run", seed, data)
    check_log(got["log"], expected_norms(seed, data), "three backward calls; .grad accumulates, the hooks must not")
    seed, data = seed_of(rng), batches(rng, device, 3)
    data[1] = (torch.zeros_like(data[1][0]), data[1][1])  # all-zero inputs: the first weight's gradient is exactly 0
    got = learner.probe("logging_run", seed, data)
    check_log(got["log"], expected_norms(seed, data), "three backward calls, the second on all-zero inputs (the first "
              "Linear's weight gets an all-zero gradient: its norm 0.0 is logged too)")
    seed, data = seed_of(rng), batches(rng, device, 4)
    got = learner.probe("logging_run", seed, data, zero_before=[[1, True], [3, False]])
    check_log(got["log"], expected_norms(seed, data), "four backward calls, with model.zero_grad() (set_to_none=True) "
              "before the second and zero_grad(set_to_none=False) before the fourth: each entry is still that "
              "backward's own gradient, not a difference of .grad values")
    seed, data = seed_of(rng), [(x.double(), y.double()) for x, y in batches(rng, device, 2)]
    got = learner.probe("logging_run", seed, data, dtype="float64")
    check_log(got["log"], expected_norms(seed, data, dtype="float64"), "a float64 model: each norm to float64's "
              "precision (the gradient's own norm, not one computed in float32)", rel_tol=1e-10)
    seed, data = seed_of(rng), batches(rng, device, 2)
    got = learner.probe("logging_tied", seed, data)
    check_log(got["log"], expected_norms(seed, data, tied=True),
              "a model whose two Linears share one weight: named_parameters() lists it once, so it has one key and "
              "one norm per backward")


def test_log_skips_frozen_parameters(learner, device, rng):
    """A parameter with requires_grad=False is not logged (a hook cannot be registered on it)."""
    seed, data = seed_of(rng), batches(rng, device, 2)
    got = learner.probe("logging_run", seed, data, frozen=True)
    check_log(got["log"], expected_norms(seed, data, frozen=True), "a model with a frozen bias")


def test_log_handles_remove(learner, device, rng):
    """Removing every returned handle stops the logging."""
    seed, data = seed_of(rng), batches(rng, device, 3)
    got = learner.probe("logging_run", seed, data, remove_after=1)
    if got["handles"] < 1:
        raise CheckFailure("log_grad_norms must return the hook handles as a list")
    check_log(got["log"], expected_norms(seed, data)[:1], "every handle removed after the first backward")


def test_log_called_twice(learner, device, rng):
    """Two calls on one model give two independent logs, each logging once per backward; removing the second call's
    handles stops only the second log."""
    seed, data = seed_of(rng), batches(rng, device, 3)
    want = expected_norms(seed, data)
    got = learner.probe("logging_twice", seed, data)
    check_log(got["first"], want[:2], "the first of two calls, both hooked, after two backward passes")
    check_log(got["second"], want[:2], "the second of two calls, both hooked, after two backward passes")
    check_log(got["second_after"], want[:2], "the second call's log after its handles were removed")
    check_log(got["first_after"], want, "the first call's log, still hooked, after a third backward")


def clamp_case(rng, device, n=12):
    x = adversarial(rng, (n,), device=device)
    w = adversarial(rng, (n,), device=device, zeros=False)
    up = adversarial(rng, (n,), device=device, scale=4.0, extremes=50.0)
    return x, w, up


def test_clamp_grad(learner, device, rng):
    """The gradient reaching t (both signs, beyond the bound on each side, zeros) is clamped before it flows back to
    x, in every backward, for bounds 0.5, 3, 0 and 0.3 (float64: the bound float32 cannot hold); with t used twice,
    their sum is clamped once; two tensors hooked at once (bounds 0.5 and 3) are each clamped with their own bound;
    when t is the second output of a split, t's own gradient is clamped."""
    x, w, up = clamp_case(rng, device)
    for bound in (0.5, 3.0, 0.0, 0.3):  # 0.3: a bound float32 cannot hold, for float64 gradients
        got = learner.probe("clamp_run", x, w, up, bound, passes=2)
        expect_close(got["x_grad"], 2 * w * up.clamp(-bound, bound), rtol=1e-12, atol=1e-12,
                     what=f"x.grad after two backward passes with the gradient at t clamped to [-{bound}, {bound}] "
                          "(gradients of both signs, some beyond the bound)")
    other = adversarial(rng, tuple(up.shape), device=device, scale=4.0)
    other[0], other[1] = -up[0], up[1]  # the two uses cancel at one entry and add up at another
    got = learner.probe("clamp_run", x, w, up, 1.0, twice=other)
    expect_close(got["x_grad"], w * (up + other).clamp(-1.0, 1.0), rtol=1e-12, atol=1e-12,
                 what="x.grad when t is used twice: the hook must clamp the total gradient reaching t")
    # two tensors hooked at once with bounds of their own (0.5 and 3): each hook keeps its own bound, not the one
    # of the latest call; an entry of 2 on each side is clamped by the first and not by the second
    w2 = adversarial(rng, (12,), device=device, zeros=False)
    up2 = adversarial(rng, (12,), device=device, scale=4.0, extremes=50.0)
    up1 = up.clone()
    up1[0], up1[1], up2[0], up2[1] = 2.0, -2.0, 2.0, -2.0
    got = learner.probe("clamp_two_run", x, w, w2, up1, up2, 0.5, 3.0)
    expect_close(got, 2 * (w * up1.clamp(-0.5, 0.5) + w2 * up2.clamp(-3.0, 3.0)), rtol=1e-12, atol=1e-12,
                 what="x.grad with t1 = x * w1 clamped to [-0.5, 0.5] and t2 = x * w2 clamped to [-3, 3], both hooks "
                      "in place, two backward passes (each hook must clamp with the bound of its own call: keep "
                      "bound in the hook's closure, not in a variable that the next call overwrites)")
    # t = b in a, b = (x * 1).split(n): a's gradient is inside the bound, every entry of b's beyond it, so b's own
    # gradient must come back clamped (a hook on the shared backward node's first output misses it)
    n = 6
    xs = adversarial(rng, (2 * n,), device=device)
    up_a = adversarial(rng, (n,), device=device).clamp(-0.9, 0.9)
    r = adversarial(rng, (n,), device=device, zeros=False)
    up_b = torch.where(r < 0, -1.5 + r, 1.5 + r)
    expect_close(learner.probe("clamp_split_run", xs, up_a, up_b, 1.0), torch.cat([up_a, up_b.clamp(-1.0, 1.0)]),
                 rtol=1e-12, atol=1e-12,
                 what="x.grad with a, b = (x * 1).split(n) and the gradient at b clamped (the gradient flowing back "
                      "through b itself must be clamped: hook t, not the first output of t's backward node)")


def test_clamp_handle_removes(learner, device, rng):
    """After handle.remove() the gradient is no longer clamped."""
    x, w, up = clamp_case(rng, device)
    expect_close(learner.probe("clamp_run", x, w, up, 0.1, remove=True)["x_grad"], w * up, rtol=1e-12, atol=1e-12,
                 what="x.grad after the clamp hook's handle was removed")


def test_clamp_leaves_caller_gradient(learner, device, rng):
    """The hook returns a new tensor: the gradient passed to t.backward(g) by the caller keeps its values."""
    x, w, up = clamp_case(rng, device)
    got = learner.probe("clamp_run", x, w, up, 0.5)
    expect_close(got["x_grad"], w * up.clamp(-0.5, 0.5), rtol=1e-12, atol=1e-12,
                 what="x.grad with the gradient at t clamped")
    expect_close(got["upstream"], up, rtol=0.0, atol=0.0,
                 what="the caller's gradient tensor g after t.backward(g): the hook changed it in place (clamp_); "
                      "return g.clamp(...) instead")
    # a bound no entry reaches: nothing to clamp, and the hook must still return a new tensor, not g itself (the
    # driver writes into what the hook returned, after the backward, and reads the caller's g back)
    big = float(up.abs().max()) + 1.0
    got = learner.probe("clamp_alias_run", x, w, up, big)
    expect_close(got["result"], up, rtol=0.0, atol=0.0,
                 what=f"the gradient the clamp hook returns when no entry is beyond the bound {big}")
    expect_close(got["upstream"], up, rtol=0.0, atol=0.0,
                 what=f"the caller's gradient tensor g after t.backward(g) with a bound ({big}) no entry reaches "
                      "and a write into the tensor the hook returned (when g changed, that tensor shares memory "
                      "with g: the hook returned the gradient it received; return g.clamp(-bound, bound), a new "
                      "tensor, even when nothing needs clamping)")


def scale_case(rng, device, n=5):
    return torch.randn(n, 3, generator=rng).to(device), torch.randn(n, 2, generator=rng).to(device)


def compare_scaled(got, want, what, rtol=1e-5, atol=1e-7):
    if not isinstance(got, dict):
        raise CheckFailure(f"the scaling run returned nothing to compare ({what})")
    for name, w in want.items():
        if w is None:
            if got.get(name) is not None:
                raise CheckFailure(f"{name}.grad must stay None ({what})")
            continue
        expect_close(got.get(name), w.detach(), rtol=rtol, atol=atol, what=f"the gradient of {name} ({what})")


def test_scale_grad_to_inputs(learner, device, rng):
    """The gradient reaching the module's input (and everything before it) is scaled, for factors 0, -1 and 3.5; its
    own parameters' are not; a module with two inputs scales both; a hook on a whole Sequential scales its input's
    gradient once and none of its layers'; a module called twice on an input that also skips
    past it scales what it passes back at each call, and nothing else; two calls on one module (factors 2 and -3)
    each scale by their own factor (-6 in all); on an nn.Identity, whose grad_input is the caller's own gradient
    tensor, that tensor keeps its values."""
    for factor in (0.0, -1.0, 3.5):
        seed, (x, y) = seed_of(rng), scale_case(rng, device)
        compare_scaled(learner.probe("scale_run", "second", seed, x, y, factor),
                       scale_reference("second", seed, x, y, factor),
                       f"the second layer's input gradient scaled by {factor}")
    # a float64 model and a factor float32 cannot hold (0.1): the factor multiplies in the gradient's own dtype
    seed, (x, y) = seed_of(rng), scale_case(rng, device)
    x, y = x.double(), y.double()
    compare_scaled(learner.probe("scale_run", "second", seed, x, y, 0.1), scale_reference("second", seed, x, y, 0.1),
                   "a float64 model, the second layer's input gradient scaled by 0.1 (multiply by the Python float "
                   "itself: torch.tensor(0.1) is a float32 0.1, about 1.5e-9 off)", rtol=1e-12, atol=1e-14)
    seed, (x, y) = seed_of(rng), scale_case(rng, device)
    x2 = torch.randn(5, 4, generator=rng).to(device)
    compare_scaled(learner.probe("scale_run", "bilinear", seed, x, y, -2.5, x2=x2),
                   scale_reference("bilinear", seed, x, y, -2.5, x2=x2),
                   "nn.Bilinear: the gradients to both of its inputs scaled by -2.5")
    seed, (x, y) = seed_of(rng), scale_case(rng, device)
    compare_scaled(learner.probe("scale_run", "shared", seed, x, y, 3.0),
                   scale_reference("shared", seed, x, y, 3.0),
                   "a Linear called twice on an input that also skips past it: only what the module passes back is "
                   "scaled, once per call (not the input's whole gradient)")
    seed, (x, y) = seed_of(rng), scale_case(rng, device)
    compare_scaled(learner.probe("scale_run", "whole", seed, x, y, -2.0),
                   scale_reference("whole", seed, x, y, -2.0),
                   "the hook on a whole nn.Sequential (Linear, Tanh, Linear): only what the Sequential passes back to "
                   "its input is scaled by -2, once; its layers' own gradients are unchanged (hook the module you are "
                   "given, not each of its submodules)")
    seed, (x, y) = seed_of(rng), scale_case(rng, device)
    compare_scaled(learner.probe("scale_twice_run", "second", seed, x, y, (2.0, -3.0)),
                   scale_reference("second", seed, x, y, -6.0),
                   "two scale_grad_to_inputs calls on one module, factors 2 and -3: each hook scales by its own "
                   "factor (keep it in the hook's closure, not on the module)")
    x = adversarial(rng, (4, 3), device=device)
    g = adversarial(rng, (4, 3), device=device, zeros=False)
    got = learner.probe("scale_identity_run", x, g, 3.0)
    expect_close(got["x_grad"], 3.0 * g, rtol=1e-12, atol=1e-12,
                 what="x.grad through an nn.Identity whose input gradient is scaled by 3")
    expect_close(got["upstream"], g, rtol=0.0, atol=0.0,
                 what="the caller's gradient tensor g after y.backward(g) through an nn.Identity (the hook must "
                      "not scale grad_input in place with mul_: return a new tuple of g * factor)")


def test_scale_none_grad_input(learner, device, rng):
    """On a first layer whose input needs no gradient, grad_input is (None,): it stays None and the parameters'
    gradients are still right; when the input does need one, it is scaled."""
    seed, (x, y) = seed_of(rng), scale_case(rng, device)
    compare_scaled(learner.probe("scale_run", "first", seed, x, y, 2.0, x_grad=False),
                   scale_reference("first", seed, x, y, 2.0, x_grad=False),
                   "a first layer whose input needs no gradient (grad_input is (None,))")
    compare_scaled(learner.probe("scale_run", "first", seed, x, y, 2.0),
                   scale_reference("first", seed, x, y, 2.0),
                   "a first layer whose input needs a gradient")


def test_scale_handle_removes(learner, device, rng):
    """Each backward is scaled once (two passes are not compounded); after handle.remove() nothing is scaled; with two
    hooks on one module (factors 2 and 3), removing the second's handle leaves the first's factor 2."""
    seed, (x, y) = seed_of(rng), scale_case(rng, device)
    compare_scaled(learner.probe("scale_run", "second", seed, x, y, 3.0, passes=2),
                   scale_reference("second", seed, x, y, 3.0, passes=2),
                   "two forward and backward passes, each scaled by 3")
    compare_scaled(learner.probe("scale_run", "second", seed, x, y, 3.0, passes=2, remove=True),
                   scale_reference("second", seed, x, y, 3.0, passes=2, remove=True),
                   "two passes, the handle removed before the second")
    compare_scaled(learner.probe("scale_twice_run", "second", seed, x, y, (2.0, 3.0), remove_second_before=1,
                                 passes=2),
                   scale_reference("second", seed, x, y, 0.0, passes=2, pass_factors=(6.0, 2.0)),
                   "two hooks on one module (factors 2 and 3), the second's handle removed before the second pass: "
                   "that pass is scaled by 2 only")
