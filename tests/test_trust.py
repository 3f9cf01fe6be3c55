"""Trusted scores: every point is decided by the judge, against every trick we know of.

One test at least per class of attack: bans reached another way (each channel), trusted code in the
worker, learner errors turned into infra errors, unbounded judge writes, shared memory, global state
leaking between graders; plus the judge's outside measurements and the import graph's shape.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from grader import bank, procfs, wire
from grader.judge.failure import CheckFailure
from grader.judge.grading import grade
from grader.judge.remote import Learner
from grader.judge.session import InfraError, LearnerError, Limits, WorkerDied, WorkerSession
from tests.conftest import CORPUS, ROOT, write

# ---------------------------------------------------------------- bans: every channel reaches a trap

BANS = ["torch.optim.adam", "torch.optim.adamw", "torch.nn.init.xavier_uniform_", "torch.nn.functional.softplus",
        "torch._functorch.eager_transforms"]
BAN_OPS = ["aten::_fused_adam*", "aten::_fused_adamw*", "aten::scaled_dot_product_attention",
           "aten::_scaled_dot_product*", "aten::softplus*"]

CHANNELS = {
    # the class and its aliases
    "direct": "return torch.optim.Adam(params())",
    "other_module_namespace": "return sys.modules['torch.optim.adamw'].Adam(params())",
    "functional_form": "p = params()[0]; return torch.optim._functional.adam([p], [p.grad], [torch.zeros(3)], "
                       "[torch.zeros(3)], [], [torch.tensor(1.)], amsgrad=False, beta1=.9, beta2=.99, lr=.1, "
                       "weight_decay=0., eps=1e-8, maximize=False)",
    "private_helper": "return sys.modules['torch.optim.adam']._single_tensor_adam([], [], [], [], [], [], "
                      "foreach=False, grad_scale=None, found_inf=None, amsgrad=False, has_complex=False, beta1=.9, "
                      "beta2=.99, lr=.1, weight_decay=0., eps=1e-8, maximize=False, capturable=False, "
                      "differentiable=False, decoupled_weight_decay=False)",
    "subclasses": "return [c for c in torch.optim.Optimizer.__subclasses__() if c.__name__ == 'Adam'][0](params())",
    "names_from_strings": "return getattr(getattr(torch, 'op' + 'tim'), 'Ad' + 'am')(params())",
    "subclass_it": "return type('Mine', (torch.optim.Adam,), {})(params())",
    # a function of a banned module that says it belongs to another (torch sets the __module__ of
    # torch._functorch.eager_transforms.debug_unwrap, vjp, jacrev... to "torch.func"): a ban of the module missed it
    "module_renamed_function": "return torch.func.debug_unwrap(torch.ones(2))",
    "fused_operator": "p = params()[0]; return torch._fused_adam_([p], [p.grad], [torch.zeros(3)], [torch.zeros(3)], [], "
                      "[torch.tensor(1.)], lr=.1, beta1=.9, beta2=.99, weight_decay=0., eps=1e-8, amsgrad=False, "
                      "maximize=False)",
    # torch's own source, loaded again
    "second_copy_from_disk": "spec = importlib.util.spec_from_file_location('adam_copy', sys.modules['torch.optim.adam'].__file__)\n"
                             "    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); return m.Adam(params())",
    "exec_getsource": "ns = {}; exec(inspect.getsource(sys.modules['torch.optim.adam']), ns); return ns['Adam'](params())",
    "exec_getsource_of_init": "ns = {}; exec(inspect.getsource(torch.nn.init), ns); return ns['xavier_uniform_'](torch.empty(3, 3))",
    "reload": "return importlib.reload(sys.modules['torch.optim.adam']).Adam(params())",
    "reimport_after_delete": "kept = sys.modules.pop('torch.optim.adam')\n"
                             "    try:\n        return importlib.import_module('torch.optim.adam').Adam(params())\n"
                             "    finally:\n        sys.modules['torch.optim.adam'] = kept",
    "bytecode_cache": "return open(importlib.util.cache_from_source(sys.modules['torch.optim.adam'].__file__), 'rb').read()",
    "symlink": "link = os.path.join(os.getcwd(), 'copy.py'); os.symlink(sys.modules['torch.optim.adam'].__file__, link)\n"
               "    return open(link).read()",
    "proc_fd_path": "fd = os.open(os.path.dirname(sys.modules['torch.optim.adam'].__file__), os.O_RDONLY)\n"
                    "    return os.open('adam.py', os.O_RDONLY, dir_fd=fd)",
    "linecache": "text = ''.join(linecache.getlines(sys.modules['torch.optim.adam'].__file__))\n"
                 "    assert text; return text",
    "subprocess_cat": "return subprocess.run(['cat', sys.modules['torch.optim.adam'].__file__], capture_output=True).stdout",
    "gc_heap_walk": "return [o for o in gc.get_objects() if getattr(o, '__name__', '') == 'Adam']",
    "ctypes": "return ctypes.CDLL(None).getpid()",
    # C code: bindings, methods, operators
    "c_binding": "q = torch.randn(1, 2, 3); return torch._C._nn.scaled_dot_product_attention(q, q, q)",
    "functional_alias": "q = torch.randn(1, 2, 3); return torch.nn.functional.scaled_dot_product_attention(q, q, q)",
    "ops_aten": "q = torch.randn(1, 2, 3); return torch.ops.aten.scaled_dot_product_attention.default(q, q, q)",
    "private_kernel": "q = torch.randn(1, 2, 3); return torch.ops.aten._scaled_dot_product_attention_math(q, q, q)",
    "builtin_softplus": "return torch.nn.functional.softplus(torch.randn(3))",
    "softplus_method_free": "return torch._C._nn.softplus(torch.randn(3))",
    "softplus_inference_mode": "with torch.inference_mode():\n        return torch.nn.Softplus()(torch.randn(3))",
    "softplus_out": "out = torch.empty(3); torch._C._nn.softplus(torch.randn(3), out=out); return out",
    "softplus_decomposition": "from torch._decomp import decomposition_table as t\n"
                              "    return t[torch.ops.aten.softplus.default](torch.randn(3), 1, 20)",
    "softplus_reference": "return torch._refs.nn.functional.softplus(torch.randn(3))",
    "xavier": "return torch.nn.init.xavier_uniform_(torch.empty(3, 3))",
}

PRELUDE = '''
import ctypes, gc, importlib, importlib.util, inspect, linecache, os, subprocess, sys
import torch


def params():
    p = torch.nn.Parameter(torch.randn(3))
    p.grad = torch.ones(3)
    return [p]
'''


@pytest.fixture(scope="module")
def sealed_worker(worker_pool):
    source = PRELUDE + "".join(f"\n\ndef via_{name}():\n    {body}\n" for name, body in CHANNELS.items())
    source += "\n\ndef allowed():\n    m = torch.nn.Linear(3, 2)\n    opt = torch.optim.SGD(m.parameters(), lr=0.1)\n" \
              "    m(torch.randn(4, 3)).sum().backward(); opt.step()\n    return torch.tanh(m.weight).sum()\n"
    session = WorkerSession(limits=Limits(call_s=20), pool=worker_pool)
    session.start()
    session.wait_ready()
    session.request({"op": "load", "source": source, "filename": "attack.py", "probes": None,
                     "bans": BANS, "ban_ops": BAN_OPS})
    yield Learner(session, source)
    session.close()


@pytest.mark.parametrize("channel", sorted(CHANNELS))
def test_a_banned_object_cannot_be_reached_by_any_channel(sealed_worker, channel):
    with pytest.raises(LearnerError) as raised:
        value = sealed_worker.call(f"via_{channel}")
        pytest.fail(f"{channel} reached banned functionality: {value!r:.100}")
    assert raised.value.type in ("BannedCallError", "PermissionError", "OSError", "ImportError",
                                 "ModuleNotFoundError", "AssertionError"), raised.value.summary()


def test_what_is_not_banned_still_works_after_the_seal(sealed_worker):
    assert float(sealed_worker.call("allowed")) == pytest.approx(float(sealed_worker.call("allowed")), abs=10)


def test_a_ban_naming_something_torch_lacks_is_prep_s_fault_not_the_learner_s(worker_pool):
    session = WorkerSession(pool=worker_pool)
    session.start()
    session.wait_ready()
    try:
        with pytest.raises(LearnerError) as raised:
            session.request({"op": "load", "source": "x = 1", "filename": "s.py", "probes": None,
                             "bans": ["torch.optim.NoSuchOptimizer"]})
        assert raised.value.type == "ProbeLoadError" and not raised.value.in_learner_code
    finally:
        session.close()


# ---------------------------------------------------------------- trusted code in the worker


def test_patching_the_probes_forges_nothing(tmp_path, grade_file):
    """The probes module is in the worker's sys.modules; rewriting it only changes the learner's own output."""
    wrong = (CORPUS / "autograd-mul" / "wrong_unreduced_broadcast.py").read_text()
    patched = write(tmp_path, "patched.py", wrong + textwrap.dedent('''
        import sys
        _probes = sys.modules.get("prep_probes")
        if _probes is not None:
            _probes.raw_backward = lambda mod, x, y, g: [list(x.shape), list(y.shape)]
        '''))
    plain = grade_file("autograd-mul", CORPUS / "autograd-mul" / "wrong_unreduced_broadcast.py", seed=3)
    forged = grade_file("autograd-mul", patched, seed=3)
    assert forged.score <= plain.score


# "Leaves the caller's inputs as they were": the state before the call comes from the judge's own copies, prepared
# as the probe prepares them, never from a report the worker makes (which the learner's code can rewrite)
FORGED_STATE = {
    "gradient-check": ("wrong_in_place_perturbation.py", "test_inputs_unchanged", """
        _probes._state = lambda inputs: {"values": [], "versions": [], "grads": [], "requires_grad": []}
        """),
    "grads-of-intermediates": ("wrong_backward_into_inputs.py", "test_inputs_left_alone", """
        _probes._state = lambda inputs: []
        """),
    "higher-order-grad": ("wrong_clears_x_grad.py", "test_leaves_x_grad_alone", """
        _probes.state = lambda x: {"values": None, "requires_grad": None, "grad": None}
        """),
}


@pytest.mark.parametrize("exercise_id", sorted(FORGED_STATE))
def test_a_forged_report_of_the_inputs_state_gains_nothing(tmp_path, grade_file, exercise_id):
    """A submission that writes into the caller's inputs and rewrites the probe's state report (so that "before" and
    "after" agree, as they did when the worker reported both) still fails the grader: it is judged against the
    judge's own copy of the state before the call."""
    name, grader, forge = FORGED_STATE[exercise_id]
    wrong = (CORPUS / exercise_id / name).read_text()
    patched = write(tmp_path, "forged_state.py", wrong + textwrap.dedent('''
        import sys
        _probes = sys.modules.get("prep_probes")
        if _probes is not None:
        ''') + textwrap.indent(textwrap.dedent(forge), "    "))
    outcome = {t.name: t.outcome for t in grade_file(exercise_id, patched, seed=3).tests}
    assert outcome[grader] == "failed", outcome


FORGED_PREP_FAILURE = textwrap.dedent('''
    import fcntl, os
    from grader import wire
    # a reply of the learner's own making, written before the worker answers: "prep failed, not your code"
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            if not os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
                continue
            if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE != os.O_WRONLY:
                continue
        except OSError:
            continue
        wire.write_frame(fd, wire.encode({"ok": False, "error": {"type": "ProbeLoadError", "message": "probes.py: boom",
                                                                 "where": "", "in_learner_code": False}}))
        break
    ''')


def test_a_forged_reply_cannot_turn_the_learner_s_failure_into_prep_s(tmp_path, grade_file):
    """Only the reply to `prepare` (sent before any learner code exists) can say that prep failed."""
    wrong = (CORPUS / "autograd-mul" / "wrong_unreduced_broadcast.py").read_text()
    forged = grade_file("autograd-mul", write(tmp_path, "forged.py", FORGED_PREP_FAILURE + wrong), seed=3)
    assert forged.status != "infra_error", forged.message
    assert forged.score <= grade_file("autograd-mul", CORPUS / "autograd-mul" / "wrong_unreduced_broadcast.py",
                                      seed=3).score


# ---------------------------------------------------------------- the learner's error is the learner's

FAKE_TOML = '''schema = 1
id = "fake-trust"
title = "A fake exercise for the trust tests"
kind = "code"
difficulty = "easy"
topics = ["testing"]
seeds = ["000-02"]
time_budget_min = 5
hints = ["none"]

[question]
zh = "假的"
en = "Return things."

[points]
test_stop_iteration = 1
test_memory_error = 1
test_recursion = 1
test_grad_mode_clean = 1
test_default_dtype_clean = 1
test_deterministic_clean = 1
test_fine = 1
'''

FAKE_TESTS = '''
import torch


def test_stop_iteration(learner):
    next(iter(learner.call("items")))


def test_memory_error(learner):
    bytearray(learner.call("size"))


def test_recursion(learner):
    def depth(x):
        return 1 + depth(x) if x else 0
    depth(learner.call("size"))


def test_grad_mode_clean(learner):
    learner.call("grad_off_")
    assert learner.call("grad_enabled") is False  # within one grader, the learner's own change stays


def test_default_dtype_clean(learner):
    learner.call("set_dtype_")
    learner.call("autocast_on_")


def test_deterministic_clean(learner):
    learner.call("set_deterministic_")


def test_fine(learner):
    assert learner.call("grad_enabled") is True, "grad mode leaked from an earlier grader"
    assert learner.call("default_dtype") == torch.float32, "default dtype leaked from an earlier grader"
    assert learner.call("autocast_state") == [False, torch.bfloat16], "autocast leaked from an earlier grader"
    assert learner.call("deterministic") == [False, False], "deterministic algorithms leaked from an earlier grader"
'''

# The setters end in "_" (in place by contract), so the watch lets their change through: what is tested here is that
# the next grader starts clean all the same.
FAKE_SOLUTION = '''
import torch


def items():
    return []


def size():
    return 1 << 62


def grad_off_():
    torch.set_grad_enabled(False)


def grad_enabled():
    return torch.is_grad_enabled()


def set_dtype_():
    torch.set_default_dtype(torch.float64)


def default_dtype():
    return torch.get_default_dtype()


def set_deterministic_():
    torch.use_deterministic_algorithms(True, warn_only=True)


def deterministic():
    return [torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()]


def autocast_on_():
    torch.set_autocast_enabled("cpu", True)
    torch.set_autocast_dtype("cpu", torch.float16)


def autocast_state():
    return [torch.is_autocast_enabled("cpu"), torch.get_autocast_dtype("cpu")]
'''


@pytest.fixture
def fake_exercise(tmp_path):
    folder = tmp_path / "bank" / "exercises" / "fake-trust"
    folder.mkdir(parents=True)
    (folder / "exercise.toml").write_text(FAKE_TOML, encoding="utf-8")
    (folder / "test_hidden.py").write_text(FAKE_TESTS, encoding="utf-8")
    (tmp_path / "bank" / "solutions").mkdir()
    solution = tmp_path / "bank" / "solutions" / "fake-trust.py"
    solution.write_text(FAKE_SOLUTION, encoding="utf-8")
    return bank.load("fake-trust", root=tmp_path / "bank"), solution


def test_learner_data_that_crashes_a_grader_fails_that_grader_and_is_never_an_infra_error(fake_exercise, worker_pool):
    ex, solution = fake_exercise
    result = grade(ex, solution, pool=worker_pool)
    outcomes = {t.name: t for t in result.tests}
    assert result.status == "graded", result.message
    for name in ("test_stop_iteration", "test_memory_error", "test_recursion"):
        assert outcomes[name].outcome == "failed", outcomes[name]
        assert "prep's fault" not in outcomes[name].message
        assert "could not use what your code returned" in outcomes[name].message
    assert outcomes["test_grad_mode_clean"].outcome == "passed"


def test_every_grader_starts_from_clean_global_state(fake_exercise, worker_pool):
    ex, solution = fake_exercise
    result = grade(ex, solution, pool=worker_pool)
    fine = next(t for t in result.tests if t.name == "test_fine")
    assert fine.outcome == "passed", fine.message


def test_each_grader_starts_the_workers_random_numbers_from_its_seed(worker_pool):
    """reset(seed) seeds the worker's generator as torch.manual_seed(seed) would (prep seeds only the devices it
    runs on, skipping torch's queued seeding of absent accelerators): learner code that draws random numbers
    (dropout, an init) draws the same ones for the same seed, and others for another."""
    import torch

    with WorkerSession(pool=worker_pool) as session:
        session.wait_ready()
        session.request({"op": "load", "source": "import torch\ndef draw():\n    return torch.rand(4)\n",
                         "filename": "draw.py"})
        learner = Learner(session)
        drawn = {}
        for seed in (5, 6, 5):
            learner.reset(seed)
            drawn.setdefault(seed, []).append(learner.call("draw"))
    assert torch.equal(drawn[5][0], torch.rand(4, generator=torch.Generator().manual_seed(5)))
    assert torch.equal(drawn[5][0], drawn[5][1]) and not torch.equal(drawn[5][0], drawn[6][0])


# ---------------------------------------------------------------- bounded time: judge writes have deadlines


def test_a_frame_write_to_a_reader_that_never_reads_times_out():
    read_end, write_end = os.pipe()
    try:
        started = time.monotonic()
        with pytest.raises(wire.FrameTimeout):
            wire.write_frame(write_end, b"x" * (4 << 20), deadline=time.monotonic() + 0.5)
        assert time.monotonic() - started < 2.0
        assert os.get_blocking(write_end)  # left as it was found
    finally:
        os.close(read_end)
        os.close(write_end)


ANSWER_THEN_STOP = """
import os, time
from grader import wire

def answer_then_stop():
    fake = wire.encode({"ok": True, "value": None})
    for fd in range(3, 256):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
                wire.write_frame(fd, fake)
                wire.write_frame(fd, fake)
        except OSError:
            pass
    time.sleep(3600)

def anything(x):
    return x
"""


@pytest.mark.parametrize("mode", ["spawned", "forked"])
def test_a_worker_that_stops_reading_requests_cannot_block_the_judge(mode, worker_pool):
    """It answers the current call and the next one in advance, then never reads again: the judge's next
    request (a few MB) fills the pipe, and its write must give up at the call's deadline."""
    import torch

    session = WorkerSession(limits=Limits(call_s=2, wall_s=30), pool=worker_pool if mode == "forked" else None)
    session.start()
    session.wait_ready()
    try:
        session.request({"op": "load", "source": ANSWER_THEN_STOP, "filename": "a.py", "probes": None, "bans": []})
        learner = Learner(session, ANSWER_THEN_STOP)
        assert learner.call("answer_then_stop") is None  # the forged answer arrives
        started = time.monotonic()
        with pytest.raises(WorkerDied) as died:
            learner.call("anything", torch.zeros(1 << 20, dtype=torch.float64))
            learner.call("anything", torch.zeros(1 << 20, dtype=torch.float64))
        assert died.value.status == "timeout"
        assert time.monotonic() - started < 2 + 5
    finally:
        session.close()


@pytest.mark.parametrize("mode", ["spawned", "forked"])
def test_a_reply_flood_that_never_reads_ends_within_the_budget(mode, worker_pool):
    attack = ROOT / "tests" / "redteam" / "reply_flood_no_read.py"
    started = time.monotonic()
    result = grade(bank.load("autograd-mul"), attack, limits=Limits(wall_s=15, call_s=3),
                   pool=worker_pool if mode == "forked" else None)
    assert time.monotonic() - started < 15 + 30
    assert result.score == 0 and result.status != "infra_error", (result.status, result.message)


# ---------------------------------------------------------------- shared memory is counted and cleaned up


def _sysv_of_mine() -> set[int]:
    return {o.ident for o in procfs.sysv_objects(("shm",)) if o.cuid == os.getuid()}


@pytest.mark.exclusive  # another test's worker could create and close /dev/shm files meanwhile
@pytest.mark.parametrize("attack", ["sysv_shm_bomb", "posix_shm_fill"])
def test_shared_memory_is_counted_against_the_limit_and_removed_afterwards(attack, worker_pool):
    before_sysv = _sysv_of_mine()
    before_files = set(os.listdir("/dev/shm"))
    path = ROOT / "tests" / "redteam" / f"{attack}.py"
    baseline = grade(bank.load("autograd-mul"), CORPUS / "autograd-mul" / "wrong_swapped_gradients.py", seed=5,
                     pool=worker_pool).score
    result = grade(bank.load("autograd-mul"), path, limits=Limits(memory_mb=900, wall_s=60), pool=worker_pool, seed=5)
    assert result.score <= baseline and result.status != "infra_error", (result.status, result.message)
    if attack == "sysv_shm_bomb":  # 3.5 GiB of segments cannot fit in 900 MB: the judge must have counted them
        assert result.status == "memory_limit", (result.status, result.message)
    assert _sysv_of_mine() <= before_sysv, "System V segments outlived the submission"
    left = {f for f in set(os.listdir("/dev/shm")) - before_files if f.startswith("prep-redteam")}
    assert not left, f"/dev/shm files outlived the submission: {left}"


# ---------------------------------------------------------------- measurements come from outside the worker

MEASURED = '''
import torch
KEEP = []
def keep(mb):
    KEEP.append(torch.ones(mb * 131072, dtype=torch.float64))
def transient(mb):
    return float(torch.ones(mb * 131072, dtype=torch.float64).sum())
'''


@pytest.mark.parametrize("mode", ["spawned", "forked"])
def test_the_judge_measures_memory_kept_and_peaks_from_outside(mode, worker_pool):
    session = WorkerSession(pool=worker_pool if mode == "forked" else None)
    session.start()
    session.wait_ready()
    try:
        session.request({"op": "load", "source": MEASURED, "filename": "m.py", "probes": None, "bans": []})
        learner = Learner(session, MEASURED)
        learner.rss_floor = learner.memory()  # as learner.fresh() does (there, before the code is loaded)
        with learner.measure(room=2**30) as kept:
            learner.call("keep", 64)
        with learner.measure(room=2**30) as passing:
            learner.call("transient", 96)
        with learner.measure() as unbounded:
            learner.call("transient", 1)
        with pytest.raises(InfraError, match="use learner.fresh"):
            unbounded.kept  # memory figures need the bound on what was held before; CPU time does not
        assert unbounded.cpu_s >= 0
        assert 60 << 20 < kept.kept < 72 << 20
        assert passing.kept < 8 << 20 and 90 << 20 < passing.peak_growth < 104 << 20
        assert passing.cpu_s >= 0 and passing.wall_s > 0
    finally:
        session.close()


def test_cpu_burnt_on_the_short_run_cannot_hide_a_per_step_encoder(grade_file):
    """seq2seq-attention tells "encodes once" from "encodes per decoder step" by CPU time read from outside; a
    submission that burns CPU on purpose in its one-step run made the 30-step run look no dearer (full marks for that
    grader before). The judge also bounds the 30-step run by its own timing of the reference, which the learner's
    code cannot inflate."""
    attack = ROOT / "tests" / "measure_attacks" / "seq2seq_attention_padded_one_step.py"
    outcome = {t.name: (t.outcome, t.message) for t in grade_file("seq2seq-attention", attack, seed=3).tests}
    grader = "test_teacher_forced_logits_with_copied_weights"
    assert outcome[grader][0] == "failed" and "encodes the source again" in outcome[grader][1], outcome


def test_a_measured_call_must_be_right_too(grade_file):
    """The worker can tell a measured call from the others (its request carries no watch_inputs; its inputs are the
    large ones). seq2seq-attention's timed runs were never compared with a reference: a forward and greedy that encode
    per step but answer None when measured had the two graders' 5 points. The timed calls' values are checked now."""
    attack = ROOT / "tests" / "measure_attacks" / "seq2seq_attention_wrong_when_measured.py"
    outcome = {t.name: (t.outcome, t.message) for t in grade_file("seq2seq-attention", attack, seed=3).tests}
    for grader in ("test_teacher_forced_logits_with_copied_weights", "test_greedy_decoding"):
        assert outcome[grader][0] == "failed" and "measured" in outcome[grader][1], outcome


def test_a_measured_call_gets_inputs_drawn_per_run(grade_file):
    """hessian-vector-product measured hvp on fixed inputs (big_inputs(n)): an hvp that forms H passed "never forms
    the Hessian" by forming it at import, where nothing is measured, and returning the two cached answers (16 KiB)
    from the measured calls. The judge now draws x and v per run, so no answer exists before the call."""
    attack = ROOT / "tests" / "measure_attacks" / "hessian_vector_product_answer_at_import.py"
    outcome = {t.name: (t.outcome, t.message) for t in grade_file("hessian-vector-product", attack, seed=3).tests}
    grader = "test_hvp_never_forms_the_hessian"
    assert outcome[grader][0] == "failed" and "forms H" in outcome[grader][1], outcome
    assert [name for name, (state, _) in outcome.items() if state != "passed"] == [grader], outcome


@pytest.mark.parametrize("exercise, attack, grader, says", [
    ("fix-del-saved-tensors", "fix_del_saved_tensors_answer_in_prepare.py", "test_predict_saves_nothing", ""),
    ("fix-loss-accumulation", "fix_loss_accumulation_cached_losses.py", "test_train_epoch_returns_only_floats",
     "still held"),
    ("batchnorm-train-eval", "batchnorm_train_eval_only_counts_when_measured.py",
     "test_running_statistics_keep_no_graph", "after the 25 measured forward passes"),
    ("fix-checkpoint-inference", "fix_checkpoint_inference_answer_in_prepare.py", "test_accuracy_records_no_graph",
     "accuracy is not right"),
    ("custom-activations", "custom_activations_saves_nothing_when_measured.py",
     "test_sigmoid_and_tanh_keep_only_their_output", "kept while measured"),
    ("custom-activations", "custom_activations_remakes_x_in_backward.py",
     "test_sigmoid_and_tanh_keep_only_their_output", "kept while measured"),
])
def test_a_measured_call_gets_no_answer_from_an_unmeasured_one(exercise, attack, grader, says, grade_file):
    """A measured call whose inputs an unmeasured request knew in full can be answered there, where nothing is
    measured, and the measured call hand the answer back without the work: fix-del-saved-tensors' measured predict ran
    on an x made from the seed the unmeasured prepare was given (a submission that wraps the worker's prepare computed
    predict's output there, graph and all; 21/21 before), and
    fix-loss-accumulation ran the measured epoch once unmeasured on the same seed (its losses, cached, were returned
    without training; 8/8 before). The part that decides the answer now goes with the measured request only, drawn
    per run. (The fix-del attack may also fail on the room bound, since its precomputation leaves memory behind.)
    The same for a measured value nobody checked: batchnorm-train-eval's measured forward passes were checked only
    for num_batches_tracked (a module that only counted there had 14/14; now the running statistics and the outputs'
    sums are compared, seed from 2**31), custom-activations' measured Functions never ran backward (saving nothing
    there and answering zeros had 16/16; now a backward with a gradient drawn per run, on an x drawn per run), and
    fix-checkpoint-inference's measured accuracy ran on a model the unmeasured prepare_big built (accuracy computed
    there and handed back had 9/9; now the model's seed goes with the measured request only)."""
    outcome = {t.name: (t.outcome, t.message) for t in
               grade_file(exercise, ROOT / "tests" / "measure_attacks" / attack, seed=3).tests}
    assert outcome[grader][0] == "failed" and says in outcome[grader][1], outcome


# ---------------------------------------------------------------- the import graph


def _imports(path: Path) -> set[str]:
    """Every grader module the file imports, at any depth (lazy imports inside functions count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert not node.level, f"{path}: grader uses absolute imports only"
            found.add(node.module or "")
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {m for m in found if m == "grader" or m.startswith("grader.")}


def _graph() -> dict[str, set[str]]:
    package = ROOT / "grader"
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
               for p in package.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    return graph


def test_the_import_graph_of_grader_has_no_cycles():
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if state.get(nxt) is None:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if state.get(node) is None:
            visit(node)


def test_worker_and_judge_share_only_leaf_modules():
    graph = _graph()
    leaves = {"grader.wire", "grader.procfs", "grader.drive", "grader.drawn", "grader.plain_shapes", "grader.seeding",
              "grader"}
    for name, deps in graph.items():
        if name.startswith("grader.worker"):
            assert not {d for d in deps if d.startswith("grader.judge")}, f"{name} imports the judge"
            assert deps <= leaves | {d for d in deps if d.startswith("grader.worker")}, f"{name}: {deps}"
        if name.startswith("grader.judge"):
            assert not {d for d in deps if d.startswith("grader.worker")}, f"{name} imports the worker"
    for leaf in ("grader.wire", "grader.procfs", "grader.drive", "grader.drawn", "grader.seeding"):
        assert graph[leaf] <= {"grader"}, f"{leaf} must stay a leaf, imports {graph[leaf]}"


@pytest.mark.parametrize("where", ["memfd", "socket", "xattr", "shm_subdir", "symlink_names"])
def test_memory_parked_outside_the_resident_set_is_measured(where, grade_file):
    """A plain forward that parks every saved tensor where no resident-set figure shows it keeps as much as one that
    keeps them in RAM: in a memfd (in no folder: the measurement counts memfds and deleted files), in unix socket
    buffers (kernel memory, sent without a write call: a measured worker cannot create sockets or pipes), in extended
    attributes of a scratch file (refused in every worker), in files in a subfolder of /dev/shm (no folders there),
    or in the names and targets of symlinks (no symlinks)."""
    attacks = ROOT / "tests" / "measure_attacks"
    plain = grade_file("activation-checkpointing", attacks / "activation_checkpointing_plain.py", seed=5)
    parked = grade_file("activation-checkpointing", attacks / f"activation_checkpointing_{where}.py", seed=5)
    assert not plain.full_marks
    assert parked.score <= plain.score, [(t.name, t.outcome) for t in parked.tests]


@pytest.mark.parametrize("exercise", ["activation-checkpointing", "fix-del-saved-tensors"])
def test_memory_parked_in_files_on_disk_is_measured(exercise, grade_file):
    """Saved tensors written to files outside the scratch folder (torch.save in a saved-tensors hook) are held all
    the same: the bytes the worker writes in a measured block count as memory at the peak and as memory kept."""
    import glob
    import shutil

    attacks = ROOT / "tests" / "measure_attacks"
    stem = exercise.replace("-", "_")
    before = set(glob.glob("/var/tmp/prep-offload-*")) | set(glob.glob("/tmp/prep-offload-*"))
    try:
        plain = grade_file(exercise, attacks / f"{stem}_plain.py", seed=5)
        parked = grade_file(exercise, attacks / f"{stem}_disk.py", seed=5)
    finally:  # outside its scratch folder, what the worker wrote is not prep's to clean up: the test does
        for folder in (set(glob.glob("/var/tmp/prep-offload-*")) | set(glob.glob("/tmp/prep-offload-*"))) - before:
            shutil.rmtree(folder, ignore_errors=True)
    assert not plain.full_marks
    assert parked.score <= plain.score, [(t.name, t.outcome, t.message) for t in parked.tests if t.outcome == "passed"]


# Run a command as this user, without CAP_SYS_PTRACE when that user is root: /proc then shows the judge what it shows
# an ordinary user (a non-dumpable process's counters are refused).
_WITHOUT_PTRACE = """
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if os.geteuid() == 0 and libc.prctl(24, 19, 0, 0, 0) != 0:  # PR_CAPBSET_DROP, CAP_SYS_PTRACE
    sys.exit(f"cannot drop CAP_SYS_PTRACE: {os.strerror(ctypes.get_errno())}")
os.execv(sys.argv[1], sys.argv[1:])
"""


def test_a_worker_that_hides_its_counters_fails_the_measurement(tmp_path):
    """A worker that makes itself non-dumpable hides its peak and the bytes it writes from a judge of its own user
    (here: the disk offload, which those bytes catch): the measured grader fails and says why, instead of passing."""
    import glob
    import shutil

    prep = str(Path(sys.executable).with_name("prep"))
    attack = ROOT / "tests" / "measure_attacks" / "activation_checkpointing_nondumpable.py"
    before = set(glob.glob("/var/tmp/prep-offload-*")) | set(glob.glob("/tmp/prep-offload-*"))
    try:
        proc = subprocess.run([sys.executable, "-c", _WITHOUT_PTRACE, prep, "check", "activation-checkpointing",
                               "--file", str(attack), "--seed", "5"], capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PREP_HOME": str(tmp_path / "home"), "PREP_LANG": "en"})
    finally:
        for folder in (set(glob.glob("/var/tmp/prep-offload-*")) | set(glob.glob("/tmp/prep-offload-*"))) - before:
            shutil.rmtree(folder, ignore_errors=True)
    if "cannot drop CAP_SYS_PTRACE" in proc.stderr:
        pytest.skip(proc.stderr.strip())
    assert "activation-checkpointing: 6/9 points" in proc.stdout, proc.stdout + proc.stderr
    assert "FAIL  test_saves_at_most_block_inputs" in proc.stdout
    assert "prep could not measure your code's memory from outside: the worker made its process unreadable" \
        in proc.stdout


def test_a_measured_exercise_allows_threads_but_no_other_process(tmp_path):
    """Where graders measure the worker from outside, work done in a child that exits before the reading leaves no
    trace in the worker's figures: the worker of such an exercise may start threads (torch's pools, jit.fork) but no
    process (fork, vfork, clone without CLONE_THREAD, posix_spawn, subprocess, multiprocessing), and no kernel buffer
    that could hold data outside its figures (sockets, pipes; files and memfds it may still use)."""
    script = textwrap.dedent("""
        import multiprocessing, os, subprocess, threading, torch
        from grader.worker import seal
        assert seal.forbid_processes() is None
        seen = []
        t = threading.Thread(target=seen.append, args=("thread",)); t.start(); t.join()
        torch.set_num_threads(2)
        x = torch.randn(512, 512)
        seen.append(bool(torch.isfinite(x @ x).all()))
        fut = torch.jit.fork(torch.mm, x, x); seen.append(torch.jit.wait(fut).shape == (512, 512))
        for name, start in (("fork", os.fork), ("subprocess", lambda: subprocess.run(["true"])),
                            ("posix_spawn", lambda: os.posix_spawn("/bin/true", ["true"], {})),
                            ("multiprocessing", lambda: multiprocessing.get_context("fork").Process(target=print).start())):
            try:
                if start() == 0:
                    os._exit(0)
                seen.append(name + " started")
            except OSError as e:
                seen.append(name + " refused" if e.errno == 1 else name + " " + str(e))
        import socket
        for name, make in (("socketpair", socket.socketpair), ("pipe", os.pipe),
                           ("tcp socket", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))):
            try:
                make()
                seen.append(name + " made")
            except OSError as e:
                seen.append(name + " refused" if e.errno == 1 else name + " " + str(e))
        fd = os.memfd_create("ok")
        seen.append(os.write(fd, b"files still work") == 16)
        print(seen)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == str(["thread", True, True, "fork refused", "subprocess refused",
                                       "posix_spawn refused", "multiprocessing refused", "socketpair refused",
                                       "pipe refused", "tcp socket refused", True])


def test_a_hessian_formed_in_a_child_process_is_refused(grade_file):
    """hvp that forms H in a forked child (which exits before the judge reads the worker's peak) does not pass
    "never forms H": the exercise measures its worker, so its worker cannot fork."""
    attacks = ROOT / "tests" / "measure_attacks"
    result = grade_file("hessian-vector-product", attacks / "hessian_vector_product_fork.py", seed=5)
    outcome = {t.name: t.outcome for t in result.tests}
    assert outcome["test_hvp_never_forms_the_hessian"] == "failed", outcome
    assert outcome["test_hessian_matches_autograd"] == "passed", outcome  # the rest of the file runs as before


_TRIM_UNDER_SEAL = """
import ctypes, sys
import torch
from grader.worker import seal

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096

seal.install(["torch.optim.Adam"], [])
kept = [torch.ones(64) for _ in range(20_000)]  # ~5 MiB of small tensors from glibc's heap
del kept
freed = rss()
seal.trim_heap()  # the hook lets this one foreign function through
trimmed = rss()
try:
    ctypes.CDLL(None).malloc_trim(0)  # anything else of ctypes stays refused
    other = "allowed"
except PermissionError:
    other = "refused"
print(freed - trimmed > 2 * 2**20 if sys.platform == "linux" else True, other)
"""


def test_free_heap_pages_go_back_before_a_measured_call_even_under_a_seal():
    """A right answer that loops over rows frees thousands of small tensors, whose pages glibc keeps resident: before
    a measured call the worker gives them back (seal.trim_heap, in op_collect), also where an exercise's bans have
    installed the audit hook that refuses ctypes; everything else of ctypes stays refused there."""
    proc = subprocess.run([sys.executable, "-c", _TRIM_UNDER_SEAL], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["True", "refused"], proc.stdout


_CONFINED = """
import os, sys, tempfile, threading
from grader.worker import seal
scratch = tempfile.mkdtemp(prefix="prep-confined-")
outside = sys.argv[1]
why = seal.confine_writes([scratch])
if why is not None:
    print("SKIP", why)
    sys.exit(0)
seen = []
def attempt(name, act):
    try:
        act()
        seen.append(name + " done")
    except OSError as e:
        seen.append(name + " refused")
attempt("scratch file", lambda: open(os.path.join(scratch, "ok.txt"), "w").write("ok"))
attempt("/dev/null", lambda: open("/dev/null", "w").write("ok"))
attempt("/dev/shm", lambda: os.unlink(tempfile.mkstemp(dir="/dev/shm")[1]))
attempt("a terminal", lambda: open("/dev/ptmx", "w"))  # world-writable, like the learner's own /dev/pts/N
attempt("file outside", lambda: open(outside, "w"))
attempt("folder outside", lambda: os.mkdir(outside + ".d"))
t = threading.Thread(target=attempt, args=("file outside from a thread", lambda: open(outside, "a")))
t.start(); t.join()
attempt("judge memory", lambda: open(f"/proc/{os.getppid()}/mem", "r+b"))
attempt("scratch folder", lambda: os.mkdir(os.path.join(scratch, "sub")))
attempt("/dev/shm folder", lambda: os.mkdir(tempfile.mktemp(dir="/dev/shm")))  # invisible to the judge's ledger
attempt("symlink", lambda: os.symlink("x" * 200, os.path.join(scratch, "link")))  # names and targets: unaccounted
import multiprocessing
attempt("posix semaphore", lambda: multiprocessing.Lock())  # sem_open: a regular file made and linked in /dev/shm
why = seal.forbid_hidden_stores()
if why is None:
    attempt("xattr", lambda: os.setxattr(os.path.join(scratch, "ok.txt"), "user.saved", b"x" * 1000))
    import ctypes
    def add_key():
        libc = ctypes.CDLL(None, use_errno=True)
        nr = {"x86_64": 248, "aarch64": 217}[os.uname().machine]
        if libc.syscall(nr, b"user", b"prep-test", b"secret", 6, -3) < 0:  # KEY_SPEC_SESSION_KEYRING
            raise OSError(ctypes.get_errno(), "add_key")
    attempt("key", add_key)
print(seen)
"""


def test_the_worker_writes_only_in_its_scratch_folder_and_cannot_reach_the_judge(tmp_path):
    """Learner code runs as the learner's own user in `prep check`: Landlock lets it write only in its scratch folder
    (and /dev/shm, /dev/null, the GPUs: not a terminal), from any thread, and not trace or write the memory of a process
    outside (its parent, the judge); no symlinks, and in /dev/shm only regular files (what shm_open and sem_open make);
    seccomp refuses extended attributes and keys (kernel memory no figure shows; keys outlive the worker)."""
    outside = tmp_path / "grader_on_disk.py"
    proc = subprocess.run([sys.executable, "-c", _CONFINED, str(outside)], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    if proc.stdout.startswith("SKIP"):
        pytest.skip(proc.stdout.strip())
    assert proc.stdout.strip() == str(["scratch file done", "/dev/null done", "/dev/shm done", "a terminal refused",
                                       "file outside refused",
                                       "folder outside refused", "file outside from a thread refused",
                                       "judge memory refused", "scratch folder done", "/dev/shm folder refused",
                                       "symlink refused", "posix semaphore done", "xattr refused", "key refused"])
    assert not outside.exists()


def test_a_submission_cannot_rewrite_the_hidden_graders_it_is_graded_by(tmp_path):
    """tests/redteam/rewrite_graders.py finds the bank the judge grades with ($PREP_BANK, in the judge's environment)
    and turns every hidden grader into an empty pass before the judge loads them: the files stay as they were and the
    submission scores what the same wrong code scores without the trick."""
    bank = tmp_path / "bank"
    shutil.copytree(ROOT / "exercises" / "autograd-mul", bank / "exercises" / "autograd-mul",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (bank / "solutions").mkdir()
    shutil.copy(ROOT / "solutions" / "autograd-mul.py", bank / "solutions")
    graders = {p: p.read_bytes() for p in (bank / "exercises" / "autograd-mul").glob("test_*.py")}
    prep = str(Path(sys.executable).with_name("prep"))
    env = {**os.environ, "PREP_BANK": str(bank), "PREP_HOME": str(tmp_path / "home"), "PREP_LANG": "en"}

    def score(path: Path) -> str:
        proc = subprocess.run([prep, "check", "autograd-mul", "--file", str(path), "--seed", "5"],
                              capture_output=True, text=True, timeout=300, env=env)
        first = proc.stdout.splitlines()[0] if proc.stdout else proc.stderr
        assert first.startswith("autograd-mul: "), proc.stdout + proc.stderr
        return first.split()[1]

    attacked = score(ROOT / "tests" / "redteam" / "rewrite_graders.py")
    assert {p: p.read_bytes() for p in graders} == graders, "a hidden grader was rewritten"
    assert attacked == score(ROOT / "tests" / "corpus" / "autograd-mul" / "wrong_swapped_gradients.py")


def test_a_write_outside_the_scratch_folder_is_explained(tmp_path, grade_file):
    """A submission that saves to an absolute path elsewhere is refused by the confinement, and the learner is told
    why and what to do instead, whichever way the refusal is worded (Python's PermissionError, torch.save's)."""
    for name, line in (("open", "open('/var/tmp/prep_answers.txt', 'w')"),
                       ("torch_save", "torch.save(torch.ones(2), '/var/tmp/prep_model.pt')")):
        path = write(tmp_path, f"{name}.py", f"import torch\n{line}\n")
        result = grade_file("autograd-mul", path)
        assert result.status == "not_gradable"
        assert "Permission denied" in result.message
        assert ("[prep runs your code in a scratch folder, its current folder, and lets it create or change files only "
                "there: use a relative path or the tempfile module]") in result.message, result.message


def test_tempfile_in_a_forked_worker_uses_its_scratch_folder(tmp_path, grade_file):
    """A worker forked from a zygote gets its own TMPDIR, and Python's tempfile follows it (not the zygote's cached
    choice, /tmp, where the confinement would refuse the write): tempfile.mkdtemp() at load and in a call works."""
    reference = (ROOT / "solutions" / "autograd-mul.py").read_text()
    path = write(tmp_path, "uses_tempfile.py", reference.replace(
        "import torch", "import os, tempfile, torch\ntorch.save(torch.ones(1), os.path.join(tempfile.mkdtemp(), 'm.pt'))", 1))
    result = grade_file("autograd-mul", path)
    assert result.full_marks, result.message or [(t.name, t.message) for t in result.tests if t.outcome != "passed"]


@pytest.mark.parametrize("attack", ["prealloc", "prealloc_small", "balloon"])
def test_memory_taken_in_advance_cannot_hide_a_measured_call(attack, grade_file):
    """hvp that forms H in memory it took before the measured call (a buffer allocated at import, for every size or
    only for the small one; or a balloon released at the start of hvp to make room for H) shows no growth in the
    worker the graders use: each of these got full marks. The measurement now runs in a fresh worker whose size
    the judge reads before the submission loads, and refuses a call that starts with more than 1 MiB taken
    in advance."""
    attacks = ROOT / "tests" / "measure_attacks"
    result = grade_file("hessian-vector-product", attacks / f"hessian_vector_product_{attack}.py", seed=5)
    outcome = {t.name: (t.outcome, t.message) for t in result.tests}
    assert outcome["test_hvp_never_forms_the_hessian"][0] == "failed", outcome
    assert outcome["test_hessian_matches_autograd"][0] == "passed", outcome  # the rest of the file runs as before
    assert outcome["test_hvp_matches_autograd"][0] == "passed", outcome
    # the buffer (or balloon) is held when the call starts: refused before it runs, and told why
    assert "already held" in outcome["test_hvp_never_forms_the_hessian"][1], outcome


def test_a_fresh_measuring_worker_leaves_room_for_a_right_answer(grade_file, tmp_path):
    """The reference passes the fresh-worker measurement (the worker is warmed up before the judge reads its size),
    and so does a right file that keeps a small table at import (256 KiB, under the 1 MiB room)."""
    source = (ROOT / "solutions" / "hessian-vector-product.py").read_text(encoding="utf-8")
    for name, text in (("reference.py", source),
                       ("table.py", source.replace("import torch\n", "import torch\n\n_TABLE = torch.ones(32768, "
                                                   "dtype=torch.float64)  # 256 KiB kept from import\n", 1))):
        assert name == "reference.py" or "_TABLE" in text
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = grade_file("hessian-vector-product", path, seed=5)
        assert result.full_marks, (name, [(t.name, t.message) for t in result.tests if t.outcome != "passed"])


def test_a_balloon_cannot_hide_what_a_function_keeps(grade_file):
    """custom-activations' Sigmoid that keeps x alive with its output (a mistake the grader catches) got full marks
    when it freed a 128 MiB balloon inside the measured call and took it back once the output was freed: the
    memory kept looked like the output alone. Measured in a fresh worker, the balloon is refused."""
    attacks = ROOT / "tests" / "measure_attacks"
    result = grade_file("custom-activations", attacks / "custom_activations_balloon.py", seed=5)
    outcome = {t.name: (t.outcome, t.message) for t in result.tests}
    assert outcome["test_sigmoid_and_tanh_keep_only_their_output"][0] == "failed", outcome
    assert "already held" in outcome["test_sigmoid_and_tanh_keep_only_their_output"][1], outcome
    assert outcome["test_backward_values"][0] == "passed", outcome  # the rest of the file runs as before


def test_a_probe_rewritten_to_keep_nothing_cannot_hide_what_a_function_keeps(grade_file):
    """custom-activations' probe keeps the Function's output alive while the judge reads the worker's size; the
    submission can rewrite that probe (it runs beside it) so that nothing stays alive, and then a Sigmoid that saves x
    besides its output measured as keeping nothing at all: full marks. The grader now also requires the output itself
    to be in the measurement, so a probe that kept nothing fails it."""
    attacks = ROOT / "tests" / "measure_attacks"
    result = grade_file("custom-activations", attacks / "custom_activations_forgets_output.py", seed=5)
    outcome = {t.name: (t.outcome, t.message) for t in result.tests}
    assert outcome["test_sigmoid_and_tanh_keep_only_their_output"][0] == "failed", outcome
    assert "less than the output itself" in outcome["test_sigmoid_and_tanh_keep_only_their_output"][1], outcome
    assert [name for name, (state, _) in outcome.items() if state != "passed"] == [
        "test_sigmoid_and_tanh_keep_only_their_output"], outcome


# ---------------------------------------------------------------- round 12: what the judge's own code trips on

SWAPPED = CORPUS / "autograd-mul" / "wrong_swapped_gradients.py"


@pytest.mark.parametrize("mode", ["spawned", "forked"])
def test_a_forged_reply_the_decoder_trips_on_is_the_learner_s_failure(mode, grade_file):
    """tests/redteam/forged_reply_unhashable_tensor_key.py writes, while it loads, a frame whose tensor is named by a
    list: wire.decode raised TypeError, not WireError, and it escaped grade() (prep check: a traceback and no result;
    prep grade: infra_error, an empty score). A reply the judge cannot read ends the worker as crashed."""
    attack = ROOT / "tests" / "redteam" / "forged_reply_unhashable_tensor_key.py"
    result = grade_file("autograd-mul", attack, seed=3, **({"pool": None} if mode == "spawned" else {}))
    assert result.status == "crashed", (result.status, result.message)
    assert result.score <= grade_file("autograd-mul", SWAPPED, seed=3).score


def _frame_body(tree: object, tensors: dict | None = None) -> bytes:
    import json

    from safetensors.torch import save

    return save(tensors or {}, metadata={"prep": json.dumps({"v": 1, "tree": tree})})


@pytest.mark.parametrize("tree", [{"$tensor": []}, {"$tensor": {"$dict": {}}}, {"$dtype": []}, {"$dtype": "Tensor"},
                                  {"$dtype": "complex64"}, {"$dtype": "_inductor"}, {"$tuple": [{"$tensor": [1]}]}],
                         ids=repr)
def test_every_malformed_reply_is_a_wire_error(tree):
    """The decoder refuses what the protocol does not allow with WireError only, which the judge turns into the
    learner's crash; any other exception from the judge's own code escaped as prep's failure."""
    with pytest.raises(wire.WireError):
        wire.decode(_frame_body(tree))


def test_a_dtype_name_imports_nothing_into_the_judge():
    """decode looked a dtype up with getattr(torch, name): "_inductor", "_dynamo", "onnx" and "_export" are torch's
    lazy modules, imported into the judge for a name the worker chose (about a second of the judge's CPU each, kept in
    a warm judge). Only the allowed dtypes' names are looked up now."""
    code = ("import sys, json\nfrom grader import wire\nfrom safetensors.torch import save\n"
            "before = set(sys.modules)\n"
            "for name in ('_inductor', '_dynamo', 'onnx', '_export'):\n"
            "    try:\n"
            "        wire.decode(save({}, metadata={'prep': json.dumps({'v': 1, 'tree': {'$dtype': name}})}))\n"
            "    except wire.WireError:\n"
            "        pass\n"
            "print(sorted(set(sys.modules) - before))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]", done.stdout[:500]
    assert wire.decode(_frame_body({"$dtype": "bfloat16"})) is __import__("torch").bfloat16


def test_lone_surrogates_from_the_worker_never_reach_a_utf8_writer(tmp_path, grade_file):
    """JSON carries lone surrogates ("\\udc80"), which no UTF-8 writer accepts: a backward that raised
    ValueError("bad \\udc80 gradient") made prep check's report crash with UnicodeEncodeError. Every string the judge
    decodes is valid Unicode (each lone surrogate becomes "?")."""
    got = wire.decode(_frame_body({"$dict": {"k\udc80": {"$str": "v\ud800"}, "o": {"$opaque": "T\udcff",
                                                                                 "summary": "s\udc80"}}}))
    for text in [*got, got["k?"], got["o"].type_name, got["o"].summary]:
        text.encode("utf-8")
    attack = write(tmp_path, "surrogates.py", SWAPPED.read_text().replace(
        "        x, y = ctx.saved_tensors\n", "        raise ValueError('bad \\udc80\\ud800 gradient')\n", 1))
    assert "udc80" in attack.read_text()
    result = grade_file("autograd-mul", attack, seed=3)
    assert any("bad ?? gradient" in t.message for t in result.tests), [t.message for t in result.tests]
    for t in result.tests:
        t.message.encode("utf-8")
    result.message.encode("utf-8")


DEEP_FOLDERS = '''
import os
_p = os.getcwd()
for _ in range(1500):
    _p = os.path.join(_p, "a")
    try:
        os.mkdir(_p)
    except OSError:
        break
'''


def test_folders_nested_past_the_recursion_limit_are_measured_and_removed(tmp_path):
    """procfs walks and removes a folder of any depth: os.walk and shutil.rmtree recurse once per level in Python
    3.11, and a worker can nest thousands of folders in its scratch folder (past PATH_MAX too, through directory
    handles)."""
    top = tmp_path / "scratch"
    top.mkdir()
    (top / "f").write_bytes(b"x" * 10000)
    fd = os.open(top, os.O_RDONLY)
    try:
        for _ in range(3000):
            os.mkdir("aa", dir_fd=fd)
            below = os.open("aa", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = below
        os.close(os.open("deep", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=fd))
    finally:
        os.close(fd)
    (top / "closed" / "inner").mkdir(parents=True)
    (top / "closed" / "inner" / "f").write_text("x")
    os.chmod(top / "closed", 0o000)
    assert procfs.folder_bytes(str(top)) >= 10000
    procfs.remove_tree(str(top))
    assert not top.exists()


@pytest.mark.parametrize("mode", ["spawned", "forked"])
def test_a_scratch_folder_nested_past_the_recursion_limit_is_graded_and_removed(mode, tmp_path, grade_file):
    """A submission that nests 1500 folders in its scratch folder at import made prep check raise RecursionError (the
    judge's memory reading walked them with os.walk, TemporaryDirectory's cleanup with shutil.rmtree) and leave the
    folders in /tmp, and killed the zygote's request loop in prep grade. It is graded like the same wrong code, and its
    scratch folder is gone afterwards."""
    before = {p for p in Path(tempfile.gettempdir()).glob("prep-worker-*")}
    attack = write(tmp_path, "deep.py", DEEP_FOLDERS + SWAPPED.read_text())
    result = grade_file("autograd-mul", attack, seed=3, **({"pool": None} if mode == "spawned" else {}))
    assert result.status == "graded", (result.status, result.message)
    assert result.score == grade_file("autograd-mul", SWAPPED, seed=3).score
    left = [p for p in Path(tempfile.gettempdir()).glob("prep-worker-*") if p not in before and (p / "a").exists()]
    assert left == [], left


def test_on_meta_with_must_run_fails_every_learner_error():
    """kit.on_meta left a device check out whenever the learner's code raised an error that names no device, so code
    that raises the moment it sees a meta tensor (`if X.is_meta: raise ...`) dodged its own device check on a machine
    without a GPU: logistic-regression's fit_logistic with w and b started on the CPU got 12/12 instead of 11/12.
    Where the reference runs the call on meta, the grader passes must_run=True and every error fails."""
    from grader.judge import kit

    def dodge():
        raise LearnerError({"type": "NotImplementedError", "message": "Cannot copy out of meta tensor; no data!"})

    assert kit.on_meta(dodge, what="fit on meta", fix="start on X's device") is None
    with pytest.raises(CheckFailure, match="start on X's device"):
        kit.on_meta(dodge, what="fit on meta", fix="start on X's device", must_run=True)
    reply = {"devices": ["meta"]}
    assert kit.on_meta(lambda: reply, what="fit on meta", fix="", must_run=True) == reply


def _logistic_meta_dodge(tmp_path):
    right = (ROOT / "solutions" / "logistic-regression.py").read_text(encoding="utf-8")
    cpu_start = right.replace("w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device)",
                              "w = torch.zeros(X.shape[1], dtype=X.dtype)", 1).replace(
        "b = torch.zeros((), dtype=X.dtype, device=X.device)", "b = torch.zeros((), dtype=X.dtype)", 1)
    assert cpu_start.count("device=X.device") == right.count("device=X.device") - 2
    dodge = cpu_start.replace("def fit_logistic(X, y, lr, steps):\n", "def fit_logistic(X, y, lr, steps):\n"
                              "    if X.device.type == 'meta':\n"
                              "        raise NotImplementedError('Cannot copy out of meta tensor; no data!')\n", 1)
    assert dodge != cpu_start
    return write(tmp_path, "cpu_start.py", cpu_start), write(tmp_path, "meta_dodge.py", dodge)


def test_raising_on_a_meta_tensor_does_not_dodge_logistic_regression_s_device_check(tmp_path, grade_file):
    """The same CPU start, with and without the dodge: the dodge must not score more."""
    plain, dodge = _logistic_meta_dodge(tmp_path)
    assert grade_file("logistic-regression", dodge, seed=1).score <= grade_file("logistic-regression", plain,
                                                                                seed=1).score


# ---------------------------------------------------------------- round 18: the judge's newest readers

def test_a_coding_cookie_whose_codec_fails_oddly_is_not_gradable(grade_file):
    """tests/redteam/coding_cookie_undefined.py names "undefined" in its PEP 263 cookie: a codec Python has, whose
    decode raises a bare UnicodeError (so does punycode's on most text), where the judge caught UnicodeDecodeError
    only. It escaped grade(): prep check printed a traceback, prep grade gave infra_error and no score."""
    result = grade_file("autograd-mul", ROOT / "tests" / "redteam" / "coding_cookie_undefined.py", seed=1)
    assert result.status == "not_gradable", (result.status, result.message)
    assert result.score == 0


def test_an_exception_with_a_huge_name_is_the_learner_s_failure_at_that_grader_only(tmp_path, grade_file):
    """tests/redteam/huge_exception_name.py raises, in backward, an exception whose class name is 20 MB long: the
    worker's error reply outgrew what the judge reads, the worker was stopped as if it had sent a malformed reply, and
    the graders after it (the forward graders the code passes) lost their points. The worker cuts the name (and the
    line text) now; the judge cuts what a forged reply says too."""
    attack = ROOT / "tests" / "redteam" / "huge_exception_name.py"
    plain = write(tmp_path, "plain.py", attack.read_text().replace('"E" * (20 << 20)', '"E"'))
    result, same = grade_file("autograd-mul", attack, seed=1), grade_file("autograd-mul", plain, seed=1)
    assert result.status == same.status == "graded", (result.status, result.message)
    assert result.score == same.score > 0
    assert max(len(t.message) for t in result.tests) < 3000


def test_a_grader_s_message_is_bounded_whatever_the_learner_s_data_holds(grade_file):
    """tests/redteam/huge_check_detail.py leaves buffers with 4 MB names in a model: the state_dict grader quoted the
    unexpected keys, and its message (in every export, results.json and gradebook comment) was 12 MB. The judge cuts
    every grader's message, whatever a check put in it."""
    from grader.judge.grading import MAX_MESSAGE_CHARS

    result = grade_file("data-eval-loop", ROOT / "tests" / "redteam" / "huge_check_detail.py", seed=1)
    assert result.status == "graded", (result.status, result.message)
    failed = [t for t in result.tests if t.outcome == "failed"]
    assert failed and not result.full_marks
    assert max(len(t.message) for t in result.tests) < MAX_MESSAGE_CHARS + 100
    assert any("more characters not shown" in t.message for t in failed)


def test_a_forged_error_reply_is_cut_to_what_the_worker_sends():
    from grader.judge.session import LearnerError

    e = LearnerError({"type": "T" * 10**6, "message": "m" * 10**6, "where": "line 1: " + "w" * 10**6})
    assert len(e.type) <= 200 and len(e.message) <= 2000 and len(e.where) <= 400
    assert len(e.summary()) < 3000


# ---------------------------------------------------------------- round 20: what the judge keeps of a reply

def test_the_judge_keeps_no_reply_of_a_grader_that_already_failed(grade_file, monkeypatch):
    """tests/redteam/judge_balloon_in_failed_graders.py answers every forward with a 16 MB tensor. The judge kept each
    failed grader's exception, and its traceback the grader's frames and the replies they held (past the records,
    through pytest's reference cycles, until a full collection): the judge's memory grew by one reply per failed
    grader, with no limit (256 MB replies: 2.4 GB in logistic-regression's 8 graders). Checked with the collector off,
    as a judge whose heap is torch's seldom runs it: when each grader's outcome is recorded, no large tensor from an
    earlier grader is alive (nor the reply wire.decode's recursive closure held in a cycle of its own)."""
    import gc

    import torch

    from grader.judge import plugin

    alive: list[int] = []

    def large_tensors() -> int:
        return sum(1 for o in gc.get_objects() if isinstance(o, torch.Tensor) and o.numel() >= 1 << 20)

    class Records(list):
        def append(self, record):
            super().append(record)
            if record.outcome == "failed":
                alive.append(large_tensors())

    init = plugin.GradingPlugin.__init__

    def counting_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.records = Records()

    monkeypatch.setattr(plugin.GradingPlugin, "__init__", counting_init)
    was_enabled = gc.isenabled()
    gc.collect()
    before = large_tensors()  # other tests in this process may keep some of their own (pytest -n auto mixes them)
    gc.disable()
    try:
        result = grade_file("autograd-mul", ROOT / "tests" / "redteam" / "judge_balloon_in_failed_graders.py", seed=1)
    finally:
        if was_enabled:
            gc.enable()
    assert result.status == "graded" and result.score == 0, (result.status, result.message)
    assert len(alive) >= 5 and max(alive) == before, (before, alive)


# ---------------------------------------------------------------- round 22: what printing a reply costs the judge

def test_printing_what_a_learner_sent_costs_the_judge_no_time(grade_file):
    """tests/redteam/judge_repr_bomb.py answers every forward with a dict of tensors of shape (2,) * 12. A grader that
    says what it received gave the dict to repr(), and torch formats every number of a tensor none of whose dimensions
    is longer than its edge items: half a minute of the judge's CPU per message, minutes per check, with no deadline
    (a batch's judge held for hours by a 16 MB reply). What a learner sent is described at a bounded cost, and a
    tensor's repr in the judge is too (an f-string in an exercise's grader prints one)."""
    import resource

    import torch

    from grader.judge.checks import bound_tensor_repr, summarize

    def judge_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    before = judge_cpu()
    result = grade_file("autograd-mul", ROOT / "tests" / "redteam" / "judge_repr_bomb.py", seed=1)
    spent = judge_cpu() - before
    assert result.score == 0 and not result.full_marks, (result.status, result.message)
    assert spent < 15, f"the judge spent {spent:.0f} s of CPU on one check"  # 3.5 s here; 60 s and more before
    bound_tensor_repr()
    big = torch.zeros((2,) * 20)  # a million numbers: torch's own repr formats every one (minutes)
    started = judge_cpu()
    texts = [repr(big), str(big), f"{big}", summarize({"a": [big] * 10, "b": {"c": big}}), summarize("x" * 10**7)]
    assert judge_cpu() - started < 1 and max(map(len, texts)) < 500, [t[:200] for t in texts]
    from grader.judge.checks import REPR_FULL_PER_GRADER, reset_repr_budget

    reset_repr_budget()
    small = torch.zeros((3,) * 6)  # 729 numbers, printed in full by torch: a dict of 80,000 of them took an hour
    assert repr(torch.tensor([1.5, 2.0])) == "tensor([1.5000, 2.0000])"  # small tensors print as torch prints them
    started = judge_cpu()
    text = repr({f"k{i}": small for i in range(20 * REPR_FULL_PER_GRADER)})
    assert judge_cpu() - started < 10 and "tensor(shape=(3, 3, 3, 3, 3, 3)" in text
