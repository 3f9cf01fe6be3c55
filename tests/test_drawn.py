"""grader.drawn: the specs drawn per run, the functions built from them, and the text a learner is shown."""

import math
import re

import pytest
import torch

from grader import drawn


def run_description(spec):
    """Execute describe(spec) as Python: the learner's view of the case must compute what build(spec) computes."""
    # the inputs are shown as nested lists (exact: repr of a float round-trips); here they become tensors again
    text = re.sub(r"(?m)^(    x\d+) = (\[.*\])$", r"\1 = torch.tensor(\2, dtype=torch.float64)", drawn.describe(spec))
    scope = {"torch": torch, "guard": drawn.Guard.apply,
             "repeat": lambda y: drawn.build({"inputs": [y], "ops": [["loop", 0, drawn.LOOP_STEPS]], "reduce": False})(y)}
    exec(text, scope)
    inputs = [x.detach().clone() for x in spec["inputs"]]
    fn = scope["fn"]
    if spec["reduce"]:  # the description names the loss instead of returning it
        exec(text.replace("\n    loss = ", "\n    return "), scope)
        fn = scope["fn"]
    return fn(*inputs)


@pytest.mark.parametrize("reduce,loop", [(True, False), (False, False), (False, True)])
def test_description_computes_what_build_computes(reduce, loop):
    rng = torch.Generator().manual_seed(7)
    compared = 0
    for _ in range(40):
        spec = drawn.draw(rng, reduce=reduce, loop=loop)
        if any(op[0] == "check" for op in spec["ops"]):
            continue  # its refusal is said in a comment, not computed
        want = drawn.build(spec)(*drawn.inputs_of(spec, requires_grad=False))
        got = run_description(spec)
        torch.testing.assert_close(got, want, equal_nan=True, rtol=0, atol=0)
        compared += 1
    assert compared > 20


def test_draw_is_plain_data_and_repeatable():
    a = drawn.draw(torch.Generator().manual_seed(3), reduce=False, loop=True)
    b = drawn.draw(torch.Generator().manual_seed(3), reduce=False, loop=True)
    assert a["ops"] == b["ops"] and all(torch.equal(x, y) for x, y in zip(a["inputs"], b["inputs"]))
    assert a["ops"][0][0] == "loop" and a["reduce"] is False
    for op in a["ops"]:
        assert op[0] in drawn.OPS and all(isinstance(v, (str, int, float)) for v in op)


def test_check_and_guard_raise_the_errors_they_describe():
    x = torch.tensor([1.0, -1.0], dtype=torch.float64, requires_grad=True)
    with pytest.raises(ValueError):
        drawn.build({"inputs": [x], "ops": [["check", 0]], "reduce": True})(x)
    loss = drawn.build({"inputs": [x], "ops": [["guard", 0], ["scale", 1, -0.5]], "reduce": True})(x)
    with pytest.raises(RuntimeError, match="guard"):
        loss.backward()


def test_loop_shares_one_value_many_times():
    x = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    y = drawn.build({"inputs": [x], "ops": [["loop", 0, 40]], "reduce": True})(x)
    (g,) = torch.autograd.grad(y, x)
    assert math.isclose(float(y.detach()), 2.0) and math.isclose(float(g), 1.0)
