"""Hidden graders for fix-mlp-backprop: random problems per run (both signs, zeros, ties), awkward sizes,
float64 and float32, saturated sigmoids, other memory layouts; every reference is autograd's, in the judge.

Using autograd is not checked here by name: the exercise's bans switch torch.autograd's entry points,
.backward() and torch.func off in the worker, so code that leans on them fails every grader that runs it.
"""

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_tensor, summarize
from grader.judge.kit import adversarial

NAMES = ("x", "W1", "b1", "W2", "b2")
ALL = ("x", "W1", "b1", "W2", "b2", "t")
# (N, D, H, K): several outputs (mean over N*K, not N), a single sample, a single output, all ones,
# and sizes that differ from each other everywhere (so that a transposed product cannot have the right shape); last,
# a square hidden layer (D == H > 1, N and K distinct), where W1 and W1.T have the same shape and only values tell them
# apart
SHAPES = [(6, 4, 5, 3), (1, 3, 4, 2), (5, 2, 3, 1), (1, 1, 1, 1), (7, 3, 2, 4), (5, 3, 3, 2)]


def problem(rng, device, shape, dtype=torch.float64, scale=1.0, same_rows=False):
    n, d, h, k = shape
    x = adversarial(rng, (n, d), scale=scale)
    t = adversarial(rng, (n, k))
    if same_rows:
        x, t = x[:1].expand(n, d).clone(), t[:1].expand(n, k).clone()
    args = (x, adversarial(rng, (h, d), scale=scale), adversarial(rng, (h,), scale=scale),
            adversarial(rng, (k, h)), adversarial(rng, (k,)), t)
    return tuple(a.to(device, dtype) for a in args)


def reference(x, W1, b1, W2, b2, t):
    leaves = [a.detach().clone().requires_grad_() for a in (x, W1, b1, W2, b2)]
    xl, W1l, b1l, W2l, b2l = leaves
    loss = torch.nn.functional.mse_loss(torch.sigmoid(xl @ W1l.T + b1l) @ W2l.T + b2l, t)
    return loss.detach(), dict(zip(NAMES, (g.detach() for g in torch.autograd.grad(loss, leaves))))


def learner_result(learner, args, layout="contiguous", with_grads_after=False):
    """The learner's (loss, grads) for args, checked for form, and the inputs as they were after the call."""
    got = learner.probe("run", *args, layout=layout)
    result = got.get("result") if isinstance(got, dict) else None
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailure("mlp_forward_backward must return a pair (loss, grads)", f"received {summarize(result)}")
    loss, grads = result
    if not isinstance(grads, dict):
        raise CheckFailure("the second result of mlp_forward_backward must be a dict of gradients",
                           f"received {summarize(grads)}")
    if sorted(map(str, grads)) != sorted(NAMES):
        raise CheckFailure('grads must have exactly the keys "W1", "b1", "W2", "b2" and "x"',
                           f"received the keys {sorted(map(str, grads))}")
    if with_grads_after:
        return loss, grads, got.get("inputs_after"), got.get("grads_after")
    return loss, grads, got.get("inputs_after")


def compare(learner, rng, device, names, what, shapes=SHAPES, layout="contiguous", **kw):
    for shape in shapes:
        args = problem(rng, device, shape, same_rows=layout == "expanded", **kw)
        loss, grads, _ = learner_result(learner, args, layout)
        want_loss, want = reference(*args)
        if "loss" in names:
            expect_close(loss, want_loss, rtol=1e-10, atol=1e-12,
                         what=f"the loss (a 0-d tensor, {what}) for N, D, H, K = {shape}")
        for name in names:
            if name != "loss":
                expect_close(grads[name], want[name], rtol=1e-10, atol=1e-12,
                             what=f'grads["{name}"] ({what}) for N, D, H, K = {shape}')


def test_output_layer_grads(learner, device, rng):
    """dL/dW2 and dL/db2 equal autograd's (the sign and the 2/(N*K) of the mean are right), for any sizes."""
    compare(learner, rng, device, ("W2", "b2"), "the output layer")


def test_hidden_layer_grads(learner, device, rng):
    """dL/dW1 and dL/db1 equal autograd's (sigmoid' applied once, in the right place), for any sizes."""
    compare(learner, rng, device, ("W1", "b1"), "the hidden layer")


def test_input_grad(learner, device, rng):
    """dL/dx equals autograd's, for any sizes."""
    compare(learner, rng, device, ("x",), "the input")


def test_loss_and_descent_step(learner, device, rng):
    """The loss is a 0-d tensor equal to nn.MSELoss's, and a small step against your gradients lowers it."""
    compare(learner, rng, device, ("loss",), "random problems")
    args = problem(rng, device, SHAPES[0])
    loss, grads, _ = learner_result(learner, args)
    want_loss, _ = reference(*args)
    for name, a in zip(NAMES, args):
        expect_tensor(grads[name], what=f'grads["{name}"]', shape=a.shape, dtype=a.dtype)
    stepped = [a - 0.05 * grads[n] if n in grads else a for a, n in zip(args, ALL)]
    new_loss, _ = reference(*stepped[:5], args[5])
    if not bool(new_loss < want_loss):
        raise CheckFailure("a gradient-descent step with your gradients (lr 0.05) does not lower the loss: "
                           "check the sign of dL/do")


def test_float32_shapes_and_dtypes(learner, device, rng):
    """float32 inputs give a float32 0-d loss and float32 gradients of exactly the inputs' shapes, close to autograd's;
    float16 and bfloat16 inputs likewise keep their own dtype (no result promoted to float32), with values close to
    autograd's in float64 to the precision of that dtype."""
    for shape in (SHAPES[0], SHAPES[3]):
        args = problem(rng, device, shape, dtype=torch.float32)
        loss, grads, _ = learner_result(learner, args)
        want_loss, want = reference(*args)
        expect_close(loss, want_loss, rtol=1e-5, atol=1e-6, what=f"the loss in float32 for N, D, H, K = {shape}")
        for name in NAMES:
            expect_close(grads[name], want[name], rtol=1e-4, atol=1e-6,
                         what=f'grads["{name}"] in float32 for N, D, H, K = {shape}')
    for dtype in (torch.float16, torch.bfloat16):
        name_of = str(dtype).replace("torch.", "")
        args = problem(rng, device, SHAPES[0], dtype=dtype, scale=0.5)
        loss, grads, _ = learner_result(learner, args)
        # autograd in float64 on the same (rounded) low-precision values; the learner's result must keep the dtype
        want_loss, want = reference(*(a.double() for a in args))
        expect_tensor(loss, what=f"the loss for {name_of} inputs (a 0-d {name_of} tensor)", shape=(), dtype=dtype)
        tol = 0.03 if dtype == torch.float16 else 0.15
        expect_close(loss.double(), want_loss, rtol=tol, atol=tol, what=f"the loss for {name_of} inputs")
        for name, a in zip(NAMES, args):
            expect_tensor(grads[name], what=f'grads["{name}"] for {name_of} inputs (the dtype of {name})',
                          shape=a.shape, dtype=dtype)
            expect_close(grads[name].double(), want[name], rtol=tol, atol=tol,
                         what=f'grads["{name}"] for {name_of} inputs')


def test_large_preactivations(learner, device, rng):
    """With |x W1^T| in the tens (saturated sigmoids), the gradients are finite and still exact; and with hidden
    pre-activations in the thousands, of both signs (where exp(z) and exp(-z) overflow in float64, and autograd gives
    sigmoid' = 0), every gradient is still finite and exact in float64 and float32."""
    compare(learner, rng, device, NAMES, "saturated sigmoids", shapes=SHAPES[:1], scale=6.0)
    for dtype, tol in ((torch.float64, (1e-10, 1e-12)), (torch.float32, (1e-4, 1e-6))):
        for shape in (SHAPES[0], SHAPES[4]):
            x, W1, b1, W2, b2, t = problem(rng, device, shape, dtype=torch.float64)
            # |x W1^T| <= D * 30 * 30 < 5000 here, so unit 0's pre-activation is above 5000 and unit 1's below -5000
            # for every row, whatever the draw
            x, W1 = x.clamp(-30, 30), W1.clamp(-30, 30)
            b1 = b1.clone()
            b1[0], b1[1] = 1e4, -1e4
            args = tuple(a.to(dtype) for a in (x, W1, b1, W2, b2, t))
            loss, grads, _ = learner_result(learner, args)
            want_loss, want = reference(*args)
            what = f"pre-activations of +-1e4 in {str(dtype).replace('torch.', '')}"
            expect_close(loss, want_loss, rtol=tol[0], atol=tol[1], what=f"the loss ({what}) for N, D, H, K = {shape}")
            for name in NAMES:
                expect_close(grads[name], want[name], rtol=tol[0], atol=tol[1],
                             what=f'grads["{name}"] ({what}) for N, D, H, K = {shape} (sigmoid\' must not overflow '
                                  "for large |z|: h * (1 - h) cannot)")


def test_noncontiguous_inputs(learner, device, rng):
    """Transposed, strided and expanded (non-contiguous) views of the inputs give the same gradients."""
    for layout in ("transposed", "strided", "expanded"):
        compare(learner, rng, device, ("loss",) + NAMES, f"{layout} inputs", shapes=SHAPES[:1] + SHAPES[4:],
                layout=layout)


def test_inputs_unchanged(learner, device, rng):
    """mlp_forward_backward leaves every input as it was (no in-place update of x, the weights or t, and no .grad
    attached to them: the gradients are returned in the dict only), and is right."""
    for shape in (SHAPES[0], SHAPES[1]):
        args = problem(rng, device, shape)
        sent = [a.clone() for a in args]
        loss, grads, after, grads_after = learner_result(learner, args, with_grads_after=True)
        want_loss, want = reference(*sent)
        expect_close(loss, want_loss, rtol=1e-10, atol=1e-12, what=f"the loss for N, D, H, K = {shape}")
        for name in NAMES:
            expect_close(grads[name], want[name], rtol=1e-10, atol=1e-12, what=f'grads["{name}"] for N, D, H, K = {shape}')
        if not isinstance(after, list) or len(after) != 6:
            raise CheckFailure("the inputs could not be read back after your call", f"received {summarize(after)}")
        for name, a, b in zip(ALL, after, sent):
            expect_close(a, b, rtol=0, atol=0, what=f"the input {name} after your call (it must not be modified)")
        if not isinstance(grads_after, list) or len(grads_after) != 6:
            raise CheckFailure("the inputs' .grad could not be read back after your call",
                               f"received {summarize(grads_after)}")
        for name, g in zip(ALL, grads_after):
            if g is not None:
                raise CheckFailure(f"the input {name} has a .grad after your call: do not modify the inputs (return "
                                   "the gradients in the dict only, never store them in the caller's tensors' .grad)")
