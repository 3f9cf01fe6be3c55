"""Hidden graders for grads-of-intermediates: random inputs per run, compared with torch.autograd.grad in the judge;
inputs with and without requires_grad, outputs that depend on nothing, the inputs' state afterwards."""

import torch

from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, load_sibling, summarize

probes = load_sibling(__file__)
TOL = dict(rtol=1e-10, atol=1e-12)


def rand(rng, *shape, device, requires_grad=False, dtype=torch.float64):
    return kit.adversarial(rng, shape, device=device, dtype=dtype).requires_grad_(requires_grad)


def reference_grads(name, *inputs):
    leaves = [x.detach().requires_grad_(True) for x in inputs]
    out = probes.FUNCTIONS[name](*leaves).sum()
    if not out.requires_grad:
        return [torch.zeros_like(x) for x in inputs]
    return [g.detach() for g in torch.autograd.grad(out, leaves, allow_unused=True, materialize_grads=True)]


def reference_intermediates(name, *inputs):
    leaves = [x.detach().requires_grad_(True) for x in inputs]
    out, named = probes.INTERMEDIATE[name](*leaves)
    keys = [k for k, t in named.items() if t.requires_grad]
    want = {k: torch.zeros_like(t).detach() for k, t in named.items()}
    total = out.sum()
    if keys and total.requires_grad:
        found = torch.autograd.grad(total, [named[k] for k in keys], allow_unused=True, materialize_grads=True)
        want.update({k: g.detach() for k, g in zip(keys, found)})
    return want


def grads(learner, name, *inputs, preset=False):
    got = learner.probe("grads", name, *inputs, preset=preset)
    value = got.get("value") if isinstance(got, dict) else got
    if not isinstance(value, tuple):
        raise CheckFailure("grads_of must return a tuple with one gradient per input", f"received {summarize(value)}")
    if len(value) != len(inputs):
        raise CheckFailure(f"grads_of must return one gradient per input ({len(inputs)})",
                           f"it returned {len(value)}")
    return got, value


def before_call(inputs, preset):
    """The inputs' state before the learner's call, from the judge's own copies prepared as the probe prepares them
    (never the worker's report of it)."""
    return probes._state(probes.prepared(tuple(x.detach().clone().requires_grad_(x.requires_grad) for x in inputs),
                                         preset))


def left_alone(got, what, before):
    after = got.get("after") if isinstance(got, dict) else None
    if not isinstance(after, list) or len(after) != len(before) or not all(isinstance(a, dict) for a in after):
        raise CheckFailure(f"{what} could not be run", f"received {summarize(got)}")
    for i, (b, a) in enumerate(zip(before, after)):
        if not isinstance(a.get("values"), torch.Tensor) or not torch.equal(a["values"], b["values"]):
            raise CheckFailure(f"{what} changed the values of input {i}")
        if a["requires_grad"] != b["requires_grad"]:
            raise CheckFailure(f"{what} changed requires_grad of input {i}: differentiate detached copies")
        if (a["grad"] is None) != (b["grad"] is None) or (a["grad"] is not None and not torch.equal(a["grad"],
                                                                                                     b["grad"])):
            raise CheckFailure(f"{what} wrote into input {i}'s .grad: differentiate detached copies with "
                               "autograd.grad (and leave a gradient the caller had there as it was)")


def test_grads_match_autograd(learner, device, rng):
    """grads_of equals autograd for products, matmuls, the seed's add - sub, one input and three inputs (0-d ones
    included: a 0-d input gets a 0-d gradient; empty ones too: an empty gradient of the input's dtype), with all,
    none or some inputs requiring grad, float32 too, an output that is zero everywhere (y = 0); each input is its
    own variable, also when the same tensor is passed twice or one input is computed from another."""
    cases = (("add_and_sub", [(3, 2), (3, 2)]), ("product", [(4,), (4,)]), ("matmul", [(2, 3), (3, 4)]),
             ("single", [(5,)]), ("three", [(2, 3), (2, 3), (2, 1)]), ("single", [()]), ("product", [(), (4,)]),
             ("matmul", [(2, 0), (0, 4)]))
    for name, shapes in cases:
        for mode in ("none", "all", "some"):
            inputs = [rand(rng, *s, device=device, requires_grad=(mode == "all" or (mode == "some" and i == 0)))
                      for i, s in enumerate(shapes)]
            _, value = grads(learner, name, *inputs)
            for i, want in enumerate(reference_grads(name, *inputs)):
                expect_close(value[i], want, **TOL, what=f"grads_of for {name}, input {i} ({mode} requiring grad)")
    # each input is an argument of its own: the same tensor passed twice, or an input computed from another, gets
    # the gradient for its position (the others held fixed), not the total through both
    for name in ("add_and_sub", "product"):
        for derived, how in ((False, "the same tensor is passed as both inputs"),
                             (True, "the second input is 2 * the first")):
            x = rand(rng, 3, device=device)
            value = learner.probe("grads_aliased", name, x, derived)
            if not isinstance(value, tuple) or len(value) != 2:
                raise CheckFailure("grads_of must return a tuple with one gradient per input", f"received "
                                   f"{summarize(value)}")
            for i, want in enumerate(reference_grads(name, x, 2 * x if derived else x)):
                expect_close(value[i], want, **TOL, what=f"grads_of for {name} when {how}, input {i}: the gradient "
                             "with respect to each input is that of fn's argument at that position, the others held "
                             "fixed (differentiate a detached copy of each input, even one that requires grad)")
    x, y = rand(rng, 3, device=device, dtype=torch.float32), rand(rng, 3, device=device, dtype=torch.float32)
    _, value = grads(learner, "product", x, y)
    # the reference in float64 from the same float32 inputs: d sin(xy) / dx = y cos(xy), where float32 rounding of xy
    # moves the cosine by up to |xy| eps, so the tolerance follows |y| (|xy| + 1), not the gradient's own size (a
    # float32 autograd and a gradient computed in float64 and cast back both stay within a tenth of it)
    eps = torch.finfo(torch.float32).eps
    xd, yd = x.detach().double(), y.detach().double()
    for i, (want, other) in enumerate(zip(reference_grads("product", xd, yd), (yd, xd))):
        atol = 4 * eps * float((other.abs() * ((xd * yd).abs() + 1)).max())
        expect_close(value[i], want.float(), rtol=4 * eps, atol=atol,
                     what=f"grads_of for product in float32, input {i}")
    # an output that is exactly zero everywhere still has a gradient: sin(x * y) and x @ y at y = 0 give x (x^T) for y
    for name, shapes in (("product", [(4,), (4,)]), ("matmul", [(2, 3), (3, 4)])):
        for requires_grad in (False, True):
            x = rand(rng, *shapes[0], device=device, requires_grad=requires_grad)
            y = torch.zeros(shapes[1], dtype=torch.float64, device=device).requires_grad_(requires_grad)
            _, value = grads(learner, name, x, y)
            for i, want in enumerate(reference_grads(name, x, y)):
                expect_close(value[i], want, **TOL, what=f"grads_of for {name} at y = 0 (an output that is zero "
                             f"everywhere can still have a non-zero gradient), input {i}")


def expect_half(value, want, what):
    """A gradient of a half-precision tensor: its dtype exactly (the tensor's, whatever it is), shape and device too,
    its values compared in float64, loosely (bfloat16 keeps 8 significant bits)."""
    scale = float(want.double().abs().max()) if want.numel() else 0.0
    kit.expect_half(value, want, what=what, dtype=want.dtype, rtol=3e-2, atol=3e-2 * scale + 1e-6,
                    hint="a gradient has its tensor's dtype whatever it is, bfloat16 and float16 included: make "
                         "zeros with torch.zeros_like(t) (or dtype=t.dtype), not with a default dtype or a choice "
                         "between float32 and float64")


def test_zeros_not_none(learner, device, rng):
    """An unused input, an input only seen through detach(), a constant output and an output that depends only on a
    parameter all give zeros of the input's shape (and dtype, bfloat16 included), not None."""
    for name in ("unused", "through_detach", "constant", "param_only"):
        for requires_grad in (False, True):
            x, y = (rand(rng, 3, device=device, requires_grad=requires_grad),
                    rand(rng, 3, device=device, requires_grad=requires_grad))
            _, value = grads(learner, name, x, y)
            for i, want in enumerate(reference_grads(name, x, y)):
                expect_close(value[i], want, **TOL, what=f"grads_of for {name}, input {i}")
        # new zeros at every call: a caller that writes into a returned gradient must not change the next answer
        x, y = rand(rng, 3, device=device), rand(rng, 3, device=device, requires_grad=True)
        value = learner.probe("grads_after_writing", name, x, y)
        if not isinstance(value, tuple) or len(value) != 2:
            raise CheckFailure("grads_of must return a tuple with one gradient per input", f"received {summarize(value)}")
        for i, want in enumerate(reference_grads(name, x, y)):
            expect_close(value[i], want, **TOL, what=f"grads_of for {name}, input {i}, called again after the caller "
                         "wrote into the tensors the first call returned: return new zeros at every call "
                         "(torch.zeros_like), not one tensor kept between calls")
        # any dtype, not only float32 and float64: bfloat16 inputs get bfloat16 gradients, zeros included
        x, y = (rand(rng, 3, device=device, dtype=torch.bfloat16),
                rand(rng, 3, device=device, requires_grad=True, dtype=torch.bfloat16))
        _, value = grads(learner, name, x, y)
        for i, want in enumerate(reference_grads(name, x, y)):
            expect_half(value[i], want, f"grads_of for {name}, bfloat16 input {i}")


def test_inputs_left_alone(learner, device, rng):
    """The inputs keep their values, requires_grad and .grad (None, or a gradient the caller had left there):
    grads_of and intermediate_grads never accumulate into them. And grad mode: called inside a caller's no_grad block,
    neither leaves it switched on."""
    for preset in (False, True):
        x, y = rand(rng, 3, device=device, requires_grad=True), rand(rng, 3, device=device)
        got, value = grads(learner, "product", x, y, preset=preset)
        left_alone(got, "grads_of" + (" (with .grad already set)" if preset else ""), before_call((x, y), preset))
        for i, want in enumerate(reference_grads("product", x, y)):
            expect_close(value[i], want, **TOL, what=f"grads_of for product, input {i}")
        args = (rand(rng, 2, 3, device=device, requires_grad=True), rand(rng, 4, 3, device=device),
                rand(rng, 1, 4, device=device, requires_grad=True))
        got = learner.probe("intermediates", "mlp", *args, preset=preset)
        if not isinstance(got, dict):
            raise CheckFailure("intermediate_grads could not be run", f"received {summarize(got)}")
        left_alone(got, "intermediate_grads" + (" (with .grad already set)" if preset else ""),
                   before_call(args, preset))
    # torch's settings too: called inside a caller's torch.no_grad() block, grad mode is off again after the call
    for target, name, args in (("grads_of", "product", (rand(rng, 3, device=device, requires_grad=True),
                                                         rand(rng, 3, device=device))),
                               ("intermediate_grads", "mlp", (rand(rng, 2, 3, device=device, requires_grad=True),
                                                              rand(rng, 4, 3, device=device),
                                                              rand(rng, 1, 4, device=device)))):
        if learner.probe("grad_mode_after_no_grad", target, name, *args) is not False:
            raise CheckFailure(f"{target} called inside torch.no_grad() left grad mode on after it: the caller's "
                               "no_grad block no longer holds for the code after the call",
                               "use with torch.enable_grad(): around the code that needs a graph (it puts the "
                               "caller's mode back), not torch.set_grad_enabled(True)")


def check_intermediates(learner, name, args, keys, dtype=torch.float64):
    got = learner.probe("intermediates", name, *args)
    value = got.get("value") if isinstance(got, dict) else got
    if not isinstance(value, dict):
        raise CheckFailure("intermediate_grads must return a dict from names to gradients",
                           f"received {summarize(value)}")
    want = reference_intermediates(name, *args)
    if sorted(value) != sorted(want):
        raise CheckFailure(f"intermediate_grads must return exactly one entry per named tensor ({name})",
                           f"names: {sorted(want)}; received: {sorted(str(k) for k in value)}")
    for k in keys:
        if dtype == torch.float64:
            expect_close(value.get(k), want[k], **TOL, what=f"the gradient for the intermediate {k!r} ({name})")
        elif dtype == torch.bfloat16:
            expect_half(value.get(k), want[k], f"the gradient for the intermediate {k!r} ({name}, inputs in {dtype}: "
                        "the gradient has its tensor's dtype)")
        else:
            kit.expect_close_in(value.get(k), want[k], dtype=dtype,
                                what=f"the gradient for the intermediate {k!r} ({name}, inputs in {dtype}: the "
                                "gradient has its tensor's dtype)")


def test_intermediates_match_autograd(learner, device, rng):
    """Gradients for the MLP's pre-activation, activation and output equal autograd's, inputs with or without
    requires_grad, and in float32 (the gradients in float32 too, as the intermediates are)."""
    for n, rg in ((1, False), (5, True)):
        args = (rand(rng, n, 3, device=device, requires_grad=rg), rand(rng, 4, 3, device=device),
                rand(rng, 2, 4, device=device, requires_grad=rg))
        check_intermediates(learner, "mlp", args, ("z", "a", "o"))
    for rg in (False, True):
        args = (rand(rng, 3, 3, device=device, requires_grad=rg, dtype=torch.float32),
                rand(rng, 4, 3, device=device, dtype=torch.float32),
                rand(rng, 2, 4, device=device, requires_grad=rg, dtype=torch.float32))
        check_intermediates(learner, "mlp", args, ("z", "a", "o"), dtype=torch.float32)


def test_intermediate_not_on_the_path(learner, device, rng):
    """An intermediate the loss never uses, uses only through detach(), that does not require grad, or that depends
    only on a parameter, and every intermediate of an output that does not require grad: zeros (of the intermediate's
    dtype, bfloat16 included); with such a tensor named first, every other name still gets its own gradient."""
    args = (rand(rng, 3, 3, device=device), rand(rng, 4, 3, device=device), rand(rng, 2, 4, device=device))
    check_intermediates(learner, "mlp", args, ("dead", "cut", "frozen"))
    args = tuple(rand(rng, *s, device=device, dtype=torch.bfloat16) for s in ((3, 3), (4, 3), (2, 4)))
    check_intermediates(learner, "mlp", args, ("dead", "cut", "frozen", "z", "a", "o"), dtype=torch.bfloat16)
    check_intermediates(learner, "frozen_only", (rand(rng, 4, device=device, dtype=torch.bfloat16),), ("f", "g"),
                        dtype=torch.bfloat16)
    check_intermediates(learner, "vector_out", (rand(rng, 4, device=device),), ("p",))
    check_intermediates(learner, "detached_out", (rand(rng, 4, device=device),), ("a",))
    check_intermediates(learner, "frozen_only", (rand(rng, 4, device=device),), ("f", "g"))
    # a tensor that does not require grad named before those that do: each name keeps its own gradient
    check_intermediates(learner, "frozen_first", (rand(rng, 5, device=device),), ("c", "h", "u", "out"))


def test_shared_intermediate_and_view(learner, device, rng):
    """An intermediate used twice gets the sum of both paths; a view of it gets its own gradient; a non-scalar output
    is summed, and when it is itself named its gradient is ones; one tensor named twice gets its gradient under both
    names."""
    check_intermediates(learner, "shared", (rand(rng, 4, device=device),), ("s", "v"))
    check_intermediates(learner, "vector_out", (rand(rng, 5, device=device),), ("h", "out"))
    # one tensor under two names: both names get its gradient
    check_intermediates(learner, "aliased", (rand(rng, 4, device=device),), ("h", "again"))
