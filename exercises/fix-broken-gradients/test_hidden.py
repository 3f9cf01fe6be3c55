"""Hidden graders for fix-broken-gradients: values and vector-Jacobian products against the true functions."""

import pytest
import torch

from grader.judge.checks import CheckFailure, expect_close

TRUE = {
    "unit_vector": lambda x: x / x.norm(),
    "double_sigmoid": lambda x: torch.sigmoid(x) * 2,
    "positive_tanh": lambda x: torch.tanh(x).clamp(min=0),
    "square_via_numpy": lambda x: x ** 2,
}


def rand(rng, device, shape=(6,)):
    x = torch.randn(shape, generator=rng, dtype=torch.float64) * 2
    x[x.abs() < 1e-3] = 0.5  # keep away from tanh's kink at 0
    return x.to(device)


@pytest.mark.parametrize("name", list(TRUE))
def test_function(learner, device, rng, name):
    """One fixed function: the same values, and the true gradient for a random incoming gradient."""
    fn = learner.function(name)
    for shape in ((6,), (2, 3)):
        x = rand(rng, device, shape).requires_grad_()
        out = fn(x)
        want = TRUE[name](x)
        expect_close(out, want.detach(), what=f"{name}(x)")
        v = torch.randn(out.shape, generator=rng, dtype=torch.float64).to(device)
        try:
            (got,) = torch.autograd.grad(out, x, v)
        except RuntimeError as e:
            raise CheckFailure(f"back-propagating through {name} fails", str(e).splitlines()[0]) from None
        (ref,) = torch.autograd.grad(want, x, v)
        expect_close(got, ref, what=f"the gradient of {name}")


def test_two_gradients(learner, device, rng):
    """two_gradients returns (exp(x), 2 exp(2x)), the gradients of both losses, the same when called again on the same
    x, and leaves x.grad None. Then on an x whose .grad the caller already set: the same gradients (x.grad plays no
    part in them), and x.grad left exactly as it was (not accumulated into, not reset to None)."""
    x = rand(rng, device)
    preset = torch.randn(x.shape, generator=rng, dtype=torch.float64).to(device) + 3.0
    for grad in (None, preset):
        got = learner.probe("two_gradients", x, 2, grad)
        before = "" if grad is None else ", on an x whose .grad was already set"
        for k, answer in enumerate(got["answers"]):
            call = ("the first call" if k == 0 else "a second call on the same x") + before
            if not isinstance(answer, list) or len(answer) != 2:
                raise CheckFailure(f"two_gradients must return a tuple of two gradients ({call})")
            expect_close(answer[0], torch.exp(x), what=f"the gradient of exp(x).sum() ({call})")
            expect_close(answer[1], 2 * torch.exp(2 * x), what=f"the gradient of (exp(x) ** 2).sum() ({call})")
        if grad is None and got["x_grad"] is not None:
            raise CheckFailure("two_gradients must leave x.grad untouched (None): torch.autograd.grad returns the "
                               "gradients without accumulating them into .grad")
        after = got["x_grad"]
        if grad is not None and (not isinstance(after, torch.Tensor) or after.shape != grad.shape
                                 or not torch.equal(after, grad)):
            raise CheckFailure("two_gradients must leave x.grad untouched: an x.grad the caller had set must be "
                               "exactly as it was afterwards (use torch.autograd.grad, which never writes .grad)")
