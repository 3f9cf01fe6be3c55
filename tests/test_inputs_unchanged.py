"""A learner function must leave the tensors it is given as it found them, in every exercise.

`x.clamp_()` on the caller's x, `x.data.zero_()`, or `grad_output[mask] = 0` in a backward (autograd may hand the
same incoming gradient to other nodes) corrupt the caller's data while the result can still be right. The worker
hashes every tensor argument of a call before and after it and sends back the ones whose bytes changed; the judge
compares them with what it sent, and only then fails the call. torch's process-wide settings (grad mode, the default
dtype, anomaly detection, autocast, pushed modes) must come through a call unchanged too."""

from __future__ import annotations

import pytest
import torch

from grader.judge.checks import CheckFailure
from grader.judge.remote import Learner
from grader.wire import AMBIENT_CHANGED, INPUTS_WRITTEN
from grader.worker.runtime import Runtime
from tests.conftest import ROOT, write

RIGHT_MUL = (ROOT / "solutions" / "autograd-mul.py").read_text()
FORWARD = "        ctx.save_for_backward(x, y)\n"


def mul_with(tmp_path, name, old, new):
    assert old in RIGHT_MUL
    return write(tmp_path, f"{name}.py", RIGHT_MUL.replace(old, new, 1))


@pytest.mark.parametrize("write_x", ["x.data.mul_(2.0)", "x.detach()[..., :1] = 0.0", "x.numpy()[...] = 7.0"])
def test_a_forward_that_writes_into_its_input_fails_whatever_the_channel(tmp_path, grade_file, write_x):
    """The product is computed before x is touched, so every value the graders compare is right."""
    path = mul_with(tmp_path, "writes_x", FORWARD, "        ctx.save_for_backward(x.clone(), y)\n        out = x * y\n"
                    f"        if x.device.type == 'cpu' and x.numel():\n            {write_x}\n"
                    "        return out\n")
    result = grade_file("autograd-mul", path, seed=2)
    assert not result.full_marks
    messages = [t.message for t in result.tests if t.outcome == "failed"]
    assert any(m.startswith("Mul.apply wrote into its argument 1, a tensor of the caller's") for m in messages), messages


def test_a_backward_that_writes_into_grad_output_fails(tmp_path):
    learner, sent = _runtime_learner(tmp_path, '''
import torch

class Double(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        g.mul_(2.0)
        return g
''')
    fn = learner.function("Double.apply")
    x = torch.linspace(-1, 1, 5, dtype=torch.float64, requires_grad=True)
    with pytest.raises(CheckFailure, match=r"^Double.apply's backward wrote into the incoming gradient"):
        torch.autograd.grad(fn(x).sum(), x)
    assert sent  # the judge sent the calls it checked


def test_right_code_and_in_place_functions_pass(tmp_path):
    learner, _ = _runtime_learner(tmp_path, '''
import torch

def scaled(x, factors):
    y = x.clone()
    y.mul_(2.0)  # in place on its own copy
    return y * factors[0]

def fill_(t, value):  # torch's trailing underscore: changes its argument by contract
    t.fill_(value)
    return t
''')
    x = torch.arange(4, dtype=torch.float64)
    torch.testing.assert_close(learner.call("scaled", x, [torch.tensor(3.0, dtype=torch.float64)]), x * 6)
    torch.testing.assert_close(learner.call("fill_", x, 1.5), torch.full((4,), 1.5, dtype=torch.float64))


def test_a_write_into_a_listed_tensor_names_where_it_was(tmp_path):
    learner, _ = _runtime_learner(tmp_path, '''
def total(parts, scale=None):
    out = sum(p.sum() for p in parts)
    parts[1].zero_()
    return out
''')
    parts = [torch.ones(2), torch.ones(3)]
    with pytest.raises(CheckFailure, match=r"^total wrote into its argument 1, item 1, a tensor of the caller's"):
        learner.call("total", parts)


def test_a_list_or_dict_changed_in_place_fails_and_a_new_one_passes(tmp_path):
    learner, _ = _runtime_learner(tmp_path, '''
def encode(sentences, vocab):
    for s in sentences:
        for w in s:
            vocab.setdefault(w, len(vocab))  # grows the caller's vocab
    return [[vocab[w] for w in s] for s in sentences]

def pad(sentences, length):
    for s in sentences:
        s.extend(["<pad>"] * (length - len(s)))  # pads the caller's inner lists
    return sentences

def encode_right(sentences, vocab):
    vocab = dict(vocab)
    for s in sentences:
        for w in s:
            vocab.setdefault(w, len(vocab))
    return [[vocab[w] for w in s] for s in sentences]
''')
    sentences, vocab = [["a", "b"], ["c"]], {"a": 0}
    with pytest.raises(CheckFailure, match=r"^encode changed a dict it was given \(argument 2\): after the call"):
        learner.call("encode", sentences, vocab)
    with pytest.raises(CheckFailure, match=r"^pad changed a list it was given \(argument 1\)"):
        learner.call("pad", sentences, 3)
    assert learner.call("encode_right", sentences, vocab) == [[0, 1], [2]]
    assert sentences == [["a", "b"], ["c"]] and vocab == {"a": 0}  # the judge's own are never touched


def test_a_forged_report_of_a_write_is_ignored_and_a_true_one_is_checked_in_the_judge():
    x = torch.arange(3, dtype=torch.float64)
    forged = _FakeSession({INPUTS_WRITTEN: [["args", 0], ["args", 9], "junk"], "after": [x.clone(), x, x],
                           "value": 5.0})
    assert Learner(forged).call("f", x) == 5.0  # equal bits, a path to nothing, a path that is no path
    true = _FakeSession({INPUTS_WRITTEN: [["args", 0]], "after": [torch.where(x == 0, -0.0, x)], "value": 5.0})
    with pytest.raises(CheckFailure, match="f wrote into its argument 1"):
        Learner(true).call("f", x)  # -0.0 where 0.0 was sent: every bit counts
    assert true.requests[-1]["watch_inputs"] is True
    Learner(forged).call("kaiming_uniform_", x)
    assert "watch_inputs" not in forged.requests[-1]


def test_a_probe_is_watched_too_unless_its_name_ends_in_an_underscore():
    x = torch.arange(3, dtype=torch.float64)
    session = _FakeSession({INPUTS_WRITTEN: [["args", 1, 0]], "after": [x + 1], "value": 2.0})
    learner = Learner(session)
    with pytest.raises(CheckFailure, match="^your code wrote into a tensor that prep passed to it"):
        learner.probe("run", 3, [x])
    assert session.requests[-1]["watch_inputs"] is True
    assert learner.probe("step_", 3, [x]) is session.reply  # not read as a report: the judge asked for none
    assert "watch_inputs" not in session.requests[-1]  # unwatched: the worker sends the plain value


def test_calls_inside_a_measured_block_are_not_watched():
    session = _FakeSession(1.0)
    session.measure = lambda reset=False: {"rss": 0.0, "peak": 0.0, "cpu": 0.0, "written": 0.0}
    learner = Learner(session)
    with learner.measure():
        learner.call("f", torch.zeros(2))
    assert "watch_inputs" not in session.requests[-1]
    learner.call("f", torch.zeros(2))
    assert session.requests[-1]["watch_inputs"] is True


def test_a_call_that_leaves_a_torch_setting_changed_fails_and_one_inside_a_with_block_passes(tmp_path):
    learner, _ = _runtime_learner(tmp_path, '''
import torch

def predict(x):
    torch.set_grad_enabled(False)  # never switched back on: the caller's training loop stops learning
    return x * 2

def widen(x):
    torch.set_default_dtype(torch.float64)
    return x.double()

def predict_right(x):
    with torch.no_grad():
        return x * 2

class Double(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        torch.autograd.set_detect_anomaly(True)
        return g * 2
''')
    x = torch.arange(3, dtype=torch.float32)
    try:
        with pytest.raises(CheckFailure, match=r"^predict left torch's process-wide settings changed \(grad mode was "
                           r"on before and off after\)"):
            learner.call("predict", x)
        torch.set_grad_enabled(True)
        with pytest.raises(CheckFailure, match=r"default dtype was torch.float32 before and torch.float64 after"):
            learner.call("widen", x)
        torch.set_default_dtype(torch.float32)
        torch.testing.assert_close(learner.call("predict_right", x), x * 2)
        fn = learner.function("Double.apply")
        leaf = torch.ones(2, dtype=torch.float64, requires_grad=True)
        with pytest.raises(CheckFailure, match=r"^Double's backward left torch's process-wide settings changed "
                           r"\(anomaly detection was off before and on after\)"):
            torch.autograd.grad(fn(leaf).sum(), leaf)
    finally:  # the worker ran in this process: put back what it changed
        torch.set_grad_enabled(True)
        torch.set_default_dtype(torch.float32)
        torch.autograd.set_detect_anomaly(False)


def test_calls_can_start_from_a_callers_state_and_a_setting_forced_and_never_restored_then_shows(tmp_path):
    """torch.set_grad_enabled(True) left on is invisible to a caller whose grad mode was on already: learner.ambient
    starts the call from grad mode off (as inside torch.no_grad()), or from float64 as the default dtype."""
    learner, sent = _runtime_learner(tmp_path, '''
import torch

def forced(x):
    torch.set_grad_enabled(True)
    return x * 2

def state(x):
    return [torch.is_grad_enabled(), str(torch.get_default_dtype()), (x / 2).dtype == torch.float32]

def scaled(x):
    with torch.enable_grad():
        return x * 2
''')
    x = torch.arange(3, dtype=torch.float32)
    torch.testing.assert_close(learner.call("forced", x), x * 2)  # grad mode was on: nothing to see
    with learner.ambient(grad=False):
        with pytest.raises(CheckFailure, match=r"^forced left torch's process-wide settings changed \(grad mode was "
                           r"off before and on after\)"):
            learner.call("forced", x)
        assert learner.call("state", x) == [False, "torch.float32", True]
        torch.testing.assert_close(learner.call("scaled", x), x * 2)  # a with block puts it back
    with learner.ambient(default_dtype=torch.float64):
        assert learner.call("state", torch.arange(3)) == [True, "torch.float64", False]
    assert learner.call("state", x) == [True, "torch.float32", True]  # the worker's own state came back
    assert "ambient" not in sent[-1] and sent[-2]["ambient"] == {"default_dtype": "float64"}
    assert torch.is_grad_enabled() and torch.get_default_dtype() == torch.float32


def test_a_reported_setting_change_fails_even_with_no_argument_written():
    session = _FakeSession({INPUTS_WRITTEN: [], "after": [], "value": 1.0,
                            AMBIENT_CHANGED: [["CPU autocast", "off", "on"]]})
    with pytest.raises(CheckFailure, match=r"^your code left torch's process-wide settings changed \(CPU autocast "
                       r"was off before and on after\)"):
        Learner(session).probe("run", torch.zeros(2))


class _FakeSession:
    def __init__(self, reply):
        self.reply, self.requests = reply, []

    def request(self, tree, place=None):
        self.requests.append(tree)
        return self.reply


class _RuntimeSession:
    """The worker's Runtime in this process, behind the judge's Learner (no wire): enough to test the protocol's two
    halves together."""

    def __init__(self, runtime, sent):
        self.runtime, self.sent = runtime, sent

    def request(self, tree, place=None):
        self.sent.append(tree)
        copied = {k: _copy(v) for k, v in tree.items()}  # the wire copies every tensor
        reply = self.runtime.handle(copied)
        if not reply["ok"]:
            raise RuntimeError(reply["error"])
        return _copy(reply["value"])


def _copy(value):
    if isinstance(value, torch.Tensor):
        return value.detach().clone().requires_grad_(value.requires_grad)
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def _runtime_learner(tmp_path, source):
    runtime, sent = Runtime(), []
    runtime.handle({"op": "load", "source": source, "filename": str(tmp_path / "submission.py")})
    return Learner(_RuntimeSession(runtime, sent)), sent
