"""Trusted scores: every point is decided by the judge, against every trick we know of.

One test at least per class of attack: bans reached another way (each channel), trusted code in the
worker, learner errors turned into infra errors, unbounded judge writes, shared memory, global state
leaking between graders; plus the judge's outside measurements and the import graph's shape.
"""

from __future__ import annotations

import ast
import os
import textwrap
import time
from pathlib import Path

import pytest

from grader import bank, procfs, wire
from grader.judge.grading import grade
from grader.judge.remote import Learner
from grader.judge.session import LearnerError, Limits, WorkerDied, WorkerSession
from tests.conftest import CORPUS, ROOT, write

# ---------------------------------------------------------------- bans: every channel reaches a trap

BANS = ["torch.optim.adam", "torch.optim.adamw", "torch.nn.init.xavier_uniform_", "torch.nn.functional.softplus"]
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
    learner.call("grad_off")
    assert learner.call("grad_enabled") is False  # within one grader, the learner's own change stays


def test_default_dtype_clean(learner):
    learner.call("set_dtype")
    learner.call("autocast_on")


def test_deterministic_clean(learner):
    learner.call("set_deterministic")


def test_fine(learner):
    assert learner.call("grad_enabled") is True, "grad mode leaked from an earlier grader"
    assert learner.call("default_dtype") == torch.float32, "default dtype leaked from an earlier grader"
    assert learner.call("autocast_state") == [False, torch.bfloat16], "autocast leaked from an earlier grader"
    assert learner.call("deterministic") == [False, False], "deterministic algorithms leaked from an earlier grader"
'''

FAKE_SOLUTION = '''
import torch


def items():
    return []


def size():
    return 1 << 62


def grad_off():
    torch.set_grad_enabled(False)


def grad_enabled():
    return torch.is_grad_enabled()


def set_dtype():
    torch.set_default_dtype(torch.float64)


def default_dtype():
    return torch.get_default_dtype()


def set_deterministic():
    torch.use_deterministic_algorithms(True, warn_only=True)


def deterministic():
    return [torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()]


def autocast_on():
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
        with learner.measure() as kept:
            learner.call("keep", 64)
        with learner.measure() as passing:
            learner.call("transient", 96)
        assert 60 << 20 < kept.kept < 72 << 20
        assert passing.kept < 8 << 20 and 90 << 20 < passing.peak_growth < 104 << 20
        assert passing.cpu_s >= 0 and passing.wall_s > 0
    finally:
        session.close()


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
    leaves = {"grader.wire", "grader.procfs", "grader.drive", "grader.drawn", "grader"}
    for name, deps in graph.items():
        if name.startswith("grader.worker"):
            assert not {d for d in deps if d.startswith("grader.judge")}, f"{name} imports the judge"
            assert deps <= leaves | {d for d in deps if d.startswith("grader.worker")}, f"{name}: {deps}"
        if name.startswith("grader.judge"):
            assert not {d for d in deps if d.startswith("grader.worker")}, f"{name} imports the worker"
    for leaf in ("grader.wire", "grader.procfs", "grader.drive", "grader.drawn"):
        assert graph[leaf] <= {"grader"}, f"{leaf} must stay a leaf, imports {graph[leaf]}"


def test_memory_parked_in_a_memfd_is_measured(grade_file):
    """A plain forward that parks every saved tensor in a memfd (pages no resident-set figure shows, in no
    folder) keeps as much as one that keeps them in RAM: the measurement counts memfds and deleted files."""
    attacks = ROOT / "tests" / "measure_attacks"
    plain = grade_file("activation-checkpointing", attacks / "activation_checkpointing_plain.py", seed=5)
    parked = grade_file("activation-checkpointing", attacks / "activation_checkpointing_memfd.py", seed=5)
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
