"""The grader kit's helpers decide points in many exercises: each one passes what is right and fails what the
exercises rely on it to catch."""

import pytest
import torch

from grader.judge import kit
from grader.judge.checks import CheckFailure
from grader.judge.session import LearnerError


def test_expect_half_passes_a_right_result_in_any_order():
    x = torch.randn(64, 32, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    w = torch.randn(32, 8, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    want = x @ w
    scale = x.abs() @ w.abs()
    in_half = x.bfloat16() @ w.bfloat16()  # rounded at every step
    wide_then_cast = (x.bfloat16().double() @ w.bfloat16().double()).bfloat16()
    for got in (in_half, wide_then_cast):
        kit.expect_half(got, want, what="x @ w", scale=scale)


def test_expect_half_checks_the_dtype_exactly_whatever_the_values():
    want = torch.linspace(-2, 2, 9, dtype=torch.float64)
    with pytest.raises(CheckFailure, match=r"has dtype torch.float32, expected torch.bfloat16") as e:
        kit.expect_half(want.float(), want, what="r", hint="keep x's dtype")
    assert e.value.detail == "keep x's dtype"
    kit.expect_half(want.half(), want, what="r", dtype=torch.float16)
    with pytest.raises(CheckFailure, match="has dtype torch.bfloat16, expected torch.float16"):
        kit.expect_half(want.bfloat16(), want, what="r", dtype=torch.float16)


def test_expect_half_fails_wrong_shapes_values_and_non_finite():
    want = torch.linspace(-2, 2, 9, dtype=torch.float64)
    with pytest.raises(CheckFailure, match="shape"):
        kit.expect_half(want[:8].bfloat16(), want, what="r")
    with pytest.raises(CheckFailure, match="off by more than bfloat16's rounding"):
        kit.expect_half((want * 1.1).bfloat16(), want, what="r")
    for bad in (float("nan"), float("inf")):
        got = want.clone()
        got[3] = bad
        with pytest.raises(CheckFailure):
            kit.expect_half(got.bfloat16(), want, what="r")


def test_expect_half_bounds_a_sum_by_its_terms_magnitudes():
    want = torch.tensor([0.0], dtype=torch.float64)  # 1000 - 1000: the value is 0, the terms are not
    got = torch.tensor([4.0], dtype=torch.bfloat16)  # a bfloat16 step at 1000 is 4
    with pytest.raises(CheckFailure):
        kit.expect_half(got, want, what="a sum")
    kit.expect_half(got, want, what="a sum", scale=torch.tensor([2000.0], dtype=torch.float64))


def learner_error(message):
    return LearnerError({"type": "RuntimeError", "message": message, "in_learner_code": True})


def raising(error):
    def run():
        raise error
    return run


def test_on_meta_fails_a_device_error_with_the_fix():
    error = learner_error("Expected all tensors to be on the same device, but found meta and cpu")
    with pytest.raises(CheckFailure) as e:
        kit.on_meta(raising(error), what="forward on meta", fix="Make h0 on x's device.")
    assert str(e.value).startswith("forward on meta: your code raised RuntimeError: Expected all tensors")
    assert str(e.value).endswith("Make h0 on x's device.")


def test_on_meta_leaves_the_check_out_when_the_error_is_not_about_devices():
    error = learner_error("Tensor.item() cannot be called on meta tensors")
    assert kit.on_meta(raising(error), what="w", fix="f") is None
    narrow = learner_error("Expected on the same device")  # this check recognises only its own error
    assert kit.on_meta(raising(narrow), what="w", fix="f", refused=lambda m: "1D CPU int64" in m) is None
    assert kit.on_meta(lambda: {"out": "meta"}, what="w", fix="f") == {"out": "meta"}


def test_on_meta_lets_other_errors_through():
    with pytest.raises(KeyError):  # the grader's own bug is not the learner's device error, nor a skip
        kit.on_meta(raising(KeyError("devices")), what="w", fix="f")


def test_expect_on_meta_names_every_result_left_elsewhere():
    kit.expect_on_meta({"forward": ["meta", "meta"], "batch": "meta"}, what="w", fix="f")
    with pytest.raises(CheckFailure) as e:
        kit.expect_on_meta({"forward": ["meta", "cpu"], "batch": "cpu", "states": "meta"}, what="on meta",
                           fix="Build on the parameters' device.")
    assert str(e.value) == ("on meta: forward is on cpu, batch is on cpu instead of the given tensors' device. "
                            "Build on the parameters' device.")


class ScaleOnCtx(torch.autograd.Function):
    """y = x * s, keeping s on ctx: right however many calls wait for one backward."""

    @staticmethod
    def forward(ctx, x, s):
        ctx.s = s
        return x * s

    @staticmethod
    def backward(ctx, g):
        return g * ctx.s, None


class ScaleOnClass(torch.autograd.Function):
    """The same, keeping s on the class: the second call overwrites what the first call's backward reads."""

    @staticmethod
    def forward(ctx, x, s):
        ScaleOnClass.s = s
        return x * s

    @staticmethod
    def backward(ctx, g):
        return g * ScaleOnClass.s, None


def two_scalings():
    x1, x2 = torch.linspace(-1, 1, 5, dtype=torch.float64), torch.linspace(-2, 2, 3, dtype=torch.float64)
    return [(x1, 2.0), (x2, -3.0)], [torch.full((5,), 0.5, dtype=torch.float64), torch.ones(3, dtype=torch.float64)]


def test_grads_of_calls_gives_each_calls_gradient_and_leaves_the_callers_tensors_alone():
    from grader import drive

    calls, incoming = two_scalings()
    want = drive.grads_of_calls(lambda x, s: x * s, calls, incoming)
    torch.testing.assert_close(want, [incoming[0] * 2.0, incoming[1] * -3.0], rtol=0, atol=0)
    torch.testing.assert_close(drive.grads_of_calls(ScaleOnCtx.apply, calls, incoming), want, rtol=0, atol=0)
    assert not any(x.requires_grad or x.grad is not None for x, _ in calls)
    on_class = drive.grads_of_calls(ScaleOnClass.apply, calls, incoming)
    assert not torch.equal(on_class[0], want[0])  # the first call's backward read the second call's s


def test_expect_own_gradients_fails_per_call_state_with_the_fix():
    from grader import drive

    calls, incoming = two_scalings()
    want = drive.grads_of_calls(lambda x, s: x * s, calls, incoming)
    kit.expect_own_gradients(lambda: drive.grads_of_calls(ScaleOnCtx.apply, calls, incoming), want, ("x1", "x2"),
                             what="two scalings")
    with pytest.raises(CheckFailure) as e:
        kit.expect_own_gradients(lambda: drive.grads_of_calls(ScaleOnClass.apply, calls, incoming), want,
                                 ("x1", "x2"), what="two scalings")
    assert e.value.prop == f"the gradient for x1 of two scalings has the wrong values (tensor-likes are not close!): " \
                           f"{kit.OWN_CTX}"
    with pytest.raises(CheckFailure, match="must be a list of tensors, not a single tensor"):
        kit.expect_own_gradients(lambda: want[0], want, ("x1", "x2"), what="two scalings")
    with pytest.raises(CheckFailure, match="must hold 2 tensor"):
        kit.expect_own_gradients(lambda: want[:1], want, ("x1", "x2"), what="two scalings")


def test_learner_reply_names_the_learners_raise_and_the_likeliest_fix():
    assert kit.learner_reply(lambda: [1.0], what="w", fix="f") == [1.0]
    with pytest.raises(CheckFailure) as e:
        kit.learner_reply(raising(learner_error("boom")), what="two calls", fix="keep it on ctx")
    assert e.value.prop == "two calls: your code raised RuntimeError: boom. Keep it on ctx"
    banned = LearnerError({"type": "BannedCallError", "message": "torch.mul is ruled out", "in_learner_code": True})
    with pytest.raises(LearnerError):  # the ban's own message reaches the learner
        kit.learner_reply(raising(banned), what="w", fix="f")
    stub = LearnerError({"type": "NotImplementedError", "message": "your code here", "in_learner_code": True})
    with pytest.raises(LearnerError):  # counted with the other graders that wait for the stub to be filled in
        kit.learner_reply(raising(stub), what="w", fix="f")


SQUARE = '''
import torch

class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return BACKWARD
'''


@pytest.mark.parametrize("backward, right", [("2 * x * g", True), ("2 * x.detach() * g", False),
                                             ("2 * x * g.detach()", False), ("2 * x * g + 0 * x * x", True)])
def test_the_double_backward_check_of_a_learner_function_follows_the_inputs_and_the_incoming_gradient(
        tmp_path, backward, right):
    """check_gradients(second_order=True) on a learner.function checks the backward as a function of its own (one
    round trip per evaluation): a backward whose values are right but which cuts the graph to x or to g fails."""
    from grader.judge.checks import check_gradients
    from tests.test_inputs_unchanged import _runtime_learner

    learner, sent = _runtime_learner(tmp_path, SQUARE.replace("BACKWARD", backward))
    fn = learner.function("Square.apply")
    assert callable(fn.derivative)
    x = torch.linspace(-1.5, 2.0, 7, dtype=torch.float64).requires_grad_()
    check = lambda: check_gradients(fn, (x,), what="Square", reference=torch.square, second_order=True, fast=True)
    if right:
        check()
        assert any(r.get("order") == 2 for r in sent)  # the double backward ran in the worker
    else:
        with pytest.raises(CheckFailure, match="^the double backward of Square disagrees with central differences"):
            check()


def test_expect_raises_takes_the_type_or_a_subclass_of_it_and_nothing_else():
    """A task that says "raise ValueError" is met by a subclass of ValueError, as every except clause and pytest.raises
    would have it; the worker sends the names of the classes an exception derives from."""
    from grader.judge.checks import expect_raises

    subclass = LearnerError({"type": "ShapeMismatch", "message": "shapes differ", "in_learner_code": True,
                             "bases": ["ValueError", "Exception", "BaseException", "object"]})
    expect_raises(raising(subclass), "ValueError", what="checked_mse")
    expect_raises(raising(LearnerError({"type": "ValueError"})), "ValueError", what="checked_mse")
    for wrong, raised in ((subclass, "RuntimeError"), (LearnerError({"type": "TypeError"}), "ValueError")):
        with pytest.raises(CheckFailure) as e:
            expect_raises(raising(wrong), raised, what="checked_mse")
        assert e.value.prop == f"checked_mse should raise {raised}"
    with pytest.raises(CheckFailure, match="^checked_mse should raise ValueError"):
        expect_raises(lambda: 1.0, "ValueError", what="checked_mse")


def test_the_worker_names_the_classes_an_exception_derives_from():
    from grader.worker.runtime import Runtime

    runtime = Runtime()
    runtime.handle({"op": "load", "source": "class ShapeMismatch(ValueError):\n    pass\n\n"
                                            "def f():\n    raise ShapeMismatch('no')\n", "filename": "s.py"})
    error = LearnerError(runtime.handle({"op": "call", "target": "f", "args": []})["error"])
    assert error.type == "ShapeMismatch" and error.bases[:2] == ("ValueError", "Exception")
    assert error.is_a("ValueError") and error.is_a("ShapeMismatch") and not error.is_a("TypeError")


def test_an_error_inside_torchscript_is_placed_at_the_learner_s_line():
    """TorchScript runs the learner's function in its own interpreter: no Python frame of the learner's file, yet its
    traceback names the file and line. The learner hears "your code raised ... (line 3, in TorchScript: ...)", not
    that the grader raised it away from their file."""
    from grader.judge.grading import learner_error_message
    from grader.worker.runtime import Runtime

    runtime = Runtime()
    source = ("import torch\n\n@torch.jit.script\ndef f(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:\n"
              "    return x + y.expand_as(x)\n")
    runtime.handle({"op": "load", "source": source, "filename": "mine.py"})
    reply = runtime.handle({"op": "call", "target": "f", "args": [torch.ones(3, 1), torch.ones(4)]})
    error = LearnerError(reply["error"])
    assert error.in_learner_code
    said = learner_error_message(error)
    assert said.startswith("your code raised RuntimeError") and said.endswith(
        "(line 5, in TorchScript: return x + y.expand_as(x))"), said
