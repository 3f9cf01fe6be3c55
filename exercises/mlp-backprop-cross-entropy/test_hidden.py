"""Hidden graders for mlp-backprop-cross-entropy: random problems per run (both signs, zeros, ties), awkward
sizes, float64 and float32, logits in the hundreds (random and a fixed case whose rows differ by ~1600 and whose
true class is ~800 below the row maximum); every reference is F.cross_entropy and autograd, in the judge.

Using autograd or the built-in losses is not checked here by name: the exercise's bans switch them off in the
worker, so code that leans on them fails every grader that runs it.
"""

import torch

from grader.judge.checks import CheckFailure, expect_close, summarize
from grader.judge.kit import adversarial

NAMES = ("x", "W1", "b1", "W2", "b2")
ALL = ("x", "y", "W1", "b1", "W2", "b2")
# (N, D, H, C): a batch of 16 with 4 classes, a single sample, two classes, a single class, and sizes that
# differ everywhere (a transposed product cannot have the right shape)
SHAPES = [(16, 5, 6, 4), (1, 3, 4, 3), (7, 2, 3, 2), (3, 1, 1, 1), (5, 3, 2, 6)]


def problem(rng, device, shape, dtype=torch.float64, scale=1.0):
    n, d, h, c = shape
    y = torch.randint(0, c, (n,), generator=rng)
    if n >= c:  # every class at least once
        y[torch.randperm(n, generator=rng)[:c]] = torch.arange(c)
    args = (adversarial(rng, (n, d)), y, adversarial(rng, (h, d)), adversarial(rng, (h,)),
            adversarial(rng, (c, h), scale=scale), adversarial(rng, (c,), scale=scale))
    return tuple(a.to(device) if a.dtype == torch.int64 else a.to(device, dtype) for a in args)


def far_apart_logits(device, pre=5.0):
    """Saturated tanh units (h = +-tanh(pre): pre 5, or 400, where tanh is exactly +-1 and a tanh written as
    (e^2z - 1) / (e^2z + 1) overflows to inf / inf = nan) and logits near [800, 790, -10] and [-800, -790, 10]: the
    rows' maxima differ by ~790, and each true class sits ~800 below its row's maximum (exp underflows to 0)."""
    f64 = dict(dtype=torch.float64, device=device)
    return (torch.tensor([[pre], [-pre]], **f64), torch.tensor([2, 0], device=device),
            torch.tensor([[1.0]], **f64), torch.tensor([0.0], **f64),
            torch.tensor([[800.0], [790.0], [-10.0]], **f64), torch.tensor([0.0, 0.0, 0.0], **f64))


def reference(x, y, W1, b1, W2, b2):
    leaves = [a.detach().clone().requires_grad_() for a in (x, W1, b1, W2, b2)]
    xl, W1l, b1l, W2l, b2l = leaves
    loss = torch.nn.functional.cross_entropy(torch.tanh(xl @ W1l.T + b1l) @ W2l.T + b2l, y)
    return loss.detach(), dict(zip(NAMES, (g.detach() for g in torch.autograd.grad(loss, leaves))))


def learner_result(learner, args, as_called=False):
    """The learner's (loss, grads) for args, checked for form, and the inputs as they were after the call (made under
    torch.no_grad(), or with as_called in the caller's own grad mode, on by default)."""
    got = learner.probe("run", *args, as_called=as_called)
    result = got.get("result") if isinstance(got, dict) else None
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailure("tanh_mlp_ce_backward must return a pair (loss, grads)", f"received {summarize(result)}")
    loss, grads = result
    if not isinstance(grads, dict):
        raise CheckFailure("the second result of tanh_mlp_ce_backward must be a dict of gradients",
                           f"received {summarize(grads)}")
    if sorted(map(str, grads)) != sorted(NAMES):
        raise CheckFailure('grads must have exactly the keys "W1", "b1", "W2", "b2" and "x"',
                           f"received the keys {sorted(map(str, grads))}")
    return loss, grads, got.get("inputs_after")


def check(learner, args, names, what, rtol=1e-10, atol=1e-12, as_called=False):
    loss, grads, _ = learner_result(learner, args, as_called)
    want_loss, want = reference(*args)
    if "loss" in names:
        expect_close(loss, want_loss, rtol=rtol, atol=atol, what=f"the loss (a 0-d tensor, {what})")
    for name in names:
        if name != "loss":
            expect_close(grads[name], want[name], rtol=rtol, atol=atol, what=f'grads["{name}"] ({what})')


def compare(learner, rng, device, names, what, shapes=SHAPES, scale=1.0, **kw):
    for shape in shapes:
        check(learner, problem(rng, device, shape, scale=scale), names, f"{what}, N, D, H, C = {shape}", **kw)


def test_loss_matches_cross_entropy(learner, device, rng):
    """The loss is a 0-d tensor equal to F.cross_entropy (mean over the batch) of the logits, for any sizes; also
    called by a caller with grad mode on (the default), which finds it still on afterwards; and two calls in a row on
    problems of the same sizes each keep their own results (the first call's, read after the second call, are still
    the first problem's)."""
    compare(learner, rng, device, ("loss",), "random problems")
    check(learner, problem(rng, device, SHAPES[0]), ("loss", *NAMES),
          f"a fresh random problem, N, D, H, C = {SHAPES[0]}, called with grad mode on (outside torch.no_grad(); "
          "grad mode must still be on afterwards)", as_called=True)
    # a buffer (or one-hot, or dict) kept between calls and written again by the next call of the same sizes changes
    # what the caller holds from the first call: read both results after both calls
    first, second = problem(rng, device, SHAPES[4]), problem(rng, device, SHAPES[4])
    got = learner.probe("run_twice", first, second)
    if not isinstance(got, list) or len(got) != 2:
        raise CheckFailure("tanh_mlp_ce_backward could not be called twice in a row", f"received {summarize(got)}")
    for k, (result, args) in enumerate(zip(got, (first, second))):
        which = ("first", "second")[k]
        if not isinstance(result, (tuple, list)) or len(result) != 2 or not isinstance(result[1], dict) \
                or sorted(map(str, result[1])) != sorted(NAMES):
            raise CheckFailure(f"the {which} of two calls in a row must return (loss, grads) with the five keys",
                               f"received {summarize(result)}")
        want_loss, want = reference(*args)
        what = (f"two calls in a row, N, D, H, C = {SHAPES[4]}, the {which} call's results read after the second "
                "call (each call must return tensors of its own, not a buffer a later call writes again)")
        expect_close(result[0], want_loss, rtol=1e-10, atol=1e-12, what=f"the loss ({what})")
        for name in NAMES:
            expect_close(result[1][name], want[name], rtol=1e-10, atol=1e-12, what=f'grads["{name}"] ({what})')


def test_output_layer_grads(learner, device, rng):
    """dL/dW2 and dL/db2 equal autograd's: (softmax - onehot) / N through the output layer."""
    compare(learner, rng, device, ("W2", "b2"), "the output layer")


def test_hidden_layer_grads(learner, device, rng):
    """dL/dW1 and dL/db1 equal autograd's: through tanh' = 1 - tanh^2."""
    compare(learner, rng, device, ("W1", "b1"), "the hidden layer")


def test_input_grad(learner, device, rng):
    """dL/dx equals autograd's."""
    compare(learner, rng, device, ("x",), "the input")


def test_large_logits_stay_finite(learner, device, rng):
    """With logits in the hundreds (random, and rows far apart with the true class far below the maximum),
    the loss and the gradients are finite and exact: a log-softmax stable per row; also with pre-activations of
    +-400, where tanh is exactly +-1 (a tanh computed from exp(2z) overflows there)."""
    check(learner, far_apart_logits(device), ("loss",) + NAMES, "logits near +-800, rows ~790 apart",
          rtol=1e-9, atol=1e-10)
    check(learner, far_apart_logits(device, pre=400.0), ("loss",) + NAMES,
          "logits near +-800, rows ~790 apart, pre-activations +-400 (tanh saturated: use torch.tanh)",
          rtol=1e-9, atol=1e-10)
    compare(learner, rng, device, ("loss",) + NAMES, "logits in the hundreds", shapes=SHAPES[:1] + SHAPES[4:],
            scale=300.0, rtol=1e-9, atol=1e-10)


def test_float32(learner, device, rng):
    """float32 inputs give a float32 0-d loss and float32 gradients of the inputs' shapes, close to autograd's."""
    for shape in (SHAPES[0], SHAPES[3]):
        args = problem(rng, device, shape, dtype=torch.float32)
        loss, grads, _ = learner_result(learner, args)
        want_loss, want = reference(*args)
        expect_close(loss, want_loss, rtol=1e-5, atol=1e-6, what=f"the loss in float32 for N, D, H, C = {shape}")
        for name in NAMES:
            expect_close(grads[name], want[name], rtol=1e-4, atol=1e-6,
                         what=f'grads["{name}"] in float32 for N, D, H, C = {shape}')


def test_inputs_unchanged(learner, device, rng):
    """tanh_mlp_ce_backward leaves every input as it was (y and the weights included), on a random problem and on
    logits in the hundreds. Only the inputs are checked here: the loss and the gradients have their own graders."""
    for args in (problem(rng, device, SHAPES[0]), far_apart_logits(device)):
        sent = [a.clone() for a in args]
        _, _, after = learner_result(learner, args)
        if not isinstance(after, list) or len(after) != 6:
            raise CheckFailure("the inputs could not be read back after your call", f"received {summarize(after)}")
        for name, a, b in zip(ALL, after, sent):
            expect_close(a, b, rtol=0, atol=0, what=f"the input {name} after your call (it must not be modified)")
