"""Public graders for grad-clipping."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_norm_example(learner, device):
    """Gradients [3, 4] and [12] have total norm 13; clipped to max_norm 1.3 they become a tenth (almost) of that."""
    grads = [torch.tensor([3.0, 4.0], dtype=torch.float64, device=device),
             torch.tensor([12.0], dtype=torch.float64, device=device)]
    got = learner.probe("norm", grads, 1.3)
    inputs = "grads [3, 4] and [12], max_norm = 1.3"
    expect_close(got["returned"], torch.tensor(13.0, dtype=torch.float64, device=device),
                 what="the returned total norm (a 0-d tensor)", inputs=inputs)
    coef = 1.3 / (13.0 + 1e-6)
    for i, g in enumerate(grads):
        expect_close(got["grads"][i], g * coef, what=f"gradient {i} after clipping", inputs=inputs)


def test_value_example(learner, device):
    """clip_grad_value with 0.5 clamps [-2, 0.1, 3] to [-0.5, 0.1, 0.5], in place, and returns None."""
    got = learner.probe("value", [torch.tensor([-2.0, 0.1, 3.0], dtype=torch.float64, device=device)], 0.5)
    want = torch.tensor([-0.5, 0.1, 0.5], dtype=torch.float64, device=device)
    inputs = "grad [-2, 0.1, 3], clip_value = 0.5"
    expect_close(got["grads"][0], want, what="the gradient after clip_grad_value", inputs=inputs)
    expect_close(got["originals"][0], want, inputs=inputs,
                 what="the gradient tensor the parameter held before the call (clip_grad_value must modify .grad in "
                      "place, with clamp_, not assign a new tensor)")
    if got["returned"] is not None:
        raise CheckFailure("clip_grad_value must return None", f"inputs: {inputs}\nreceived {got['returned']!r:.100}")
