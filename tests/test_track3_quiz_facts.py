"""Proofs of the track-3 quizzes, run on the installed torch: quiz-dynamic-graphs, quiz-dynamic-graph-uses,
quiz-dynamic-graph-limits, quiz-compile-and-export, quiz-memory-performance and quiz-autograd-debugging.

Each test runs a claim and returns what torch showed; @proves checks it against the quiz's reference ANSWERS and its
graders' KEY (tests/quiz_proofs.py). CUDA-only behaviour is proven by the docs line it rests on (``cited``, checked
against the installed docstring where the page is generated from one) plus what runs on a CPU. If one of these fails
after a torch upgrade, the quiz item (and its explanation) must change with it.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import io
import math
import os
import warnings
import weakref

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from tests.quiz_proofs import cited, proves

warnings.filterwarnings("ignore", category=DeprecationWarning)

DYN = "quiz-dynamic-graphs"
USES = "quiz-dynamic-graph-uses"
LIMITS = "quiz-dynamic-graph-limits"
COMPILE = "quiz-compile-and-export"
MEMORY = "quiz-memory-performance"
DEBUG = "quiz-autograd-debugging"


def node_names(t):
    """Class names of the backward nodes reachable from t.grad_fn (each node once)."""
    seen, stack, names = set(), [t.grad_fn], []
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        names.append(type(fn).__name__)
        stack.extend(f for f, _ in fn.next_functions)
    return names


def saved_storage_bytes(fn):
    """Bytes of the distinct storages autograd saves for backward while fn runs."""
    storages = {}

    def pack(t):
        storages[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn()
    return sum(storages.values())


class CountingBackend:
    """A torch.compile backend that counts the graphs it is given and runs them as they are."""

    def __init__(self):
        self.graphs = []

    def __call__(self, gm, example_inputs):
        self.graphs.append(gm)
        return gm.forward


@pytest.fixture
def dynamo():
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()


class Gate(nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x * 2
        return x - 10


# ---------------------------------------------------------------- quiz-dynamic-graphs


@proves(DYN, "q1")
def test_elementwise_product():
    z = torch.tensor([1.0, 2.0, 3.0]) * torch.tensor([4.0, 5.0, 6.0])
    return {(16.0, 25.0, 36.0): "a", (4.0, 10.0, 18.0): "b"}[tuple(z.tolist())]


@proves(DYN, "q2")
def test_graph_is_recorded_anew_each_forward():
    lin = nn.Linear(3, 3)
    x = torch.randn(2, 3)
    first, second = lin(x).sum(), lin(x).sum()
    assert first.grad_fn is not None and first.grad_fn is not second.grad_fn  # recorded as the ops ran, twice
    first.backward()
    second.backward()  # each forward recorded its own graph, so each can be walked once
    return True


@proves(DYN, "q3")
def test_backward_without_argument_needs_a_scalar():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        y.backward()
    y.backward(torch.ones_like(y))
    return x.grad is not None


@proves(DYN, "q4")
def test_gradient_of_the_seed_product():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * torch.tensor([4.0, 5.0, 6.0])).sum().backward()
    return x.grad[2].item()


@proves(DYN, "q5")
def test_loop_with_value_dependent_length_backprops():
    def halve_until_small(x):
        steps = 0
        while x.abs().sum() > 1:
            x = x / 2
            steps += 1
        return x.sum(), steps

    grads = []
    for value in (4.0, 40.0):
        x = torch.tensor([value], requires_grad=True)
        y, steps = halve_until_small(x)
        y.backward()
        assert node_names(y).count("DivBackward0") == steps
        grads.append((steps, x.grad.item()))
    assert grads == [(2, 0.25), (6, 2.0 ** -6)]  # a different graph per input, each differentiated exactly
    return True


@proves(DYN, "q6")
def test_trace_freezes_the_branch_of_the_example():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traced = torch.jit.trace(Gate(), (torch.ones(3),))
    assert Gate()(-torch.ones(3)).tolist() == [-11.0, -11.0, -11.0]
    return "b" if traced(-torch.ones(3)).tolist() == [-2.0, -2.0, -2.0] else "a"


@proves(DYN, "q7")
def test_any_python_runs_in_forward_and_can_be_inspected():
    class Tree(nn.Module):  # recursion over a per-sample structure, with a print in forward
        def __init__(self):
            super().__init__()
            self.combine = nn.Linear(8, 4)

        def forward(self, node):
            if isinstance(node, torch.Tensor):
                return node
            left, right = (self(child) for child in node)
            h = torch.tanh(self.combine(torch.cat([left, right])))
            print(f"combined, norm {h.norm().item():.3f}")  # a real value, mid-forward
            return h

    torch.manual_seed(0)
    tree = Tree()
    leaves = [torch.randn(4) for _ in range(3)]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        tree(((leaves[0], leaves[1]), leaves[2])).sum().backward()
        tree((leaves[0], leaves[1])).sum()
    assert out.getvalue().count("combined, norm") == 3 and tree.combine.weight.grad is not None
    return "b"


@proves(DYN, "q8")
def test_compile_breaks_the_graph_at_a_data_dependent_if(dynamo):
    explained = torch._dynamo.explain(Gate())(-torch.ones(3))
    assert explained.graph_break_count >= 1
    out = torch.compile(Gate(), backend="eager")(-torch.ones(3))
    assert out.tolist() == [-11.0, -11.0, -11.0]  # ran, with the branch chosen eagerly
    return False


@proves(DYN, "q9")
def test_export_captures_a_whole_model_and_torchscript_is_deprecated():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    ep = torch.export.export(model, (torch.randn(2, 3),))
    assert isinstance(ep, torch.export.ExportedProgram)
    x = torch.randn(2, 3)
    torch.testing.assert_close(ep.module()(x), model(x))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.jit.trace(model, (x,))
    text = " ".join(str(w.message) for w in caught if issubclass(w.category, DeprecationWarning))
    assert "deprecated" in text and "torch.export" in text
    return "b"


@proves(DYN, "q10")
def test_retain_graph_is_needed_for_a_second_pass_over_saved_tensors():
    lin, x = nn.Linear(3, 4), torch.randn(5, 3)

    def losses():
        h = torch.tanh(lin(x))
        return h.pow(2).mean(), h.abs().mean()

    def raises(run):
        try:
            run(*losses())
        except RuntimeError as error:
            assert "backward through the graph a second time" in str(error)
            return True
        return False

    options = {"a": lambda l1, l2: (l1 + l2).backward(),
               "b": lambda l1, l2: (l1.backward(retain_graph=True), l2.backward()),
               "c": lambda l1, l2: (l1.backward(), l2.backward()),
               "d": lambda l1, l2: torch.autograd.backward([l1, l2])}
    raising = [letter for letter, run in options.items() if raises(run)]
    y = torch.randn(3, requires_grad=True)
    nothing_saved = (y + 1).sum()
    nothing_saved.backward()
    nothing_saved.backward()  # no saved tensors, nothing to free
    assert len(raising) == 1
    return raising[0]


@proves(DYN, "q11")
@proves(COMPILE, "q5")
def test_eager_runs_one_kernel_per_op_inductor_fuses_them(dynamo):
    from unittest import mock

    from torch._inductor.utils import get_code

    def f(x):
        return x.sin().cos().exp()

    x = torch.randn(1000)
    with torch.profiler.profile() as prof:
        f(x)
    eager_ops = [e.name for e in prof.events() if e.name in ("aten::sin", "aten::cos", "aten::exp")]
    assert sorted(eager_ops) == ["aten::cos", "aten::exp", "aten::sin"]  # three kernels, three round trips
    with mock.patch.object(torch._inductor.config, "fx_graph_cache", False):
        code = "\n".join(get_code(torch.compile(f), x))  # Inductor's generated code, not compiled or run
    kernels = {line.split("=")[0].strip() for line in code.splitlines() if "async_compile.cpp_pybinding" in line}
    assert len(kernels) == 1 and "sin" in next(iter(kernels)) and "exp" in next(iter(kernels)), kernels
    return {(DYN, "q11"): "a", (COMPILE, "q5"): "b"}


@proves(DYN, "q12")
@proves(USES, "q5")
def test_a_compiled_static_graph_has_the_same_gradients(dynamo):
    torch.manual_seed(0)
    layers = []
    for _ in range(8):
        layers += [nn.Linear(16, 16), nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.Linear(16, 1))
    x = torch.randn(8, 16)

    def first_grad(run):
        model.zero_grad()
        run(x).pow(2).mean().backward()
        return model[0].weight.grad.clone(), model[-1].weight.grad.norm().item()

    eager, eager_last = first_grad(model)
    compiled, compiled_last = first_grad(torch.compile(model, backend="aot_eager"))  # AOTAutograd's static graph
    torch.testing.assert_close(compiled, eager)
    assert eager.norm().item() / eager_last < 1e-4  # the same vanishing, in either form
    return {(DYN, "q12"): False, (USES, "q5"): False}


# ---------------------------------------------------------------- quiz-dynamic-graph-uses


@proves(USES, "q1")
def test_recursive_net_records_a_graph_shaped_like_each_tree():
    torch.manual_seed(0)
    combine = nn.Linear(8, 4)

    def encode(node):
        if isinstance(node, torch.Tensor):
            return node
        return torch.tanh(combine(torch.cat([encode(node[0]), encode(node[1])])))

    a, b, c, d = (torch.randn(4) for _ in range(4))
    shallow, deep = encode((a, b)), encode((((a, b), c), d))
    assert node_names(shallow).count("TanhBackward0") == 1 and node_names(deep).count("TanhBackward0") == 3
    return "b"


@proves(USES, "q2")
def test_graph_is_exactly_the_ops_that_ran():
    def f(x):
        return (x * 1 + 0).sum()

    easy, hard = torch.zeros(3, requires_grad=True), torch.randn(3, requires_grad=True)
    assert node_names(f(easy)) == node_names(f(hard)) == ["SumBackward0", "AddBackward0", "MulBackward0",
                                                           "AccumulateGrad"]
    return False


@proves(USES, "q3")
def test_shared_weight_gets_the_sum_of_its_uses():
    w = torch.tensor(3.0, requires_grad=True)
    y = torch.tensor(1.0)
    for _ in range(3):
        y = w * y
    y.backward()
    return w.grad.item()


@proves(USES, "q4")
def test_same_module_eager_or_compiled(dynamo):
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh())
    x = torch.randn(2, 3)
    backend = CountingBackend()
    torch.testing.assert_close(torch.compile(model, backend=backend)(x), model(x))
    assert len(backend.graphs) == 1 and model(x).grad_fn is not None  # one module: eager records, compile captures
    return False


@proves(USES, "q6")
def test_inference_mode_records_no_graph():
    lin = nn.Linear(3, 2)
    with torch.inference_mode():
        out = lin(torch.randn(1, 3))
    assert not out.requires_grad and out.is_inference()
    return out.grad_fn is not None


@proves(USES, "q7")
def test_create_graph_gives_a_differentiable_gradient():
    x = torch.tensor(2.0, requires_grad=True)
    (g,) = torch.autograd.grad(x ** 3, x, create_graph=True)
    assert g.item() == 12.0 and g.grad_fn is not None
    g.backward()
    return x.grad.item()


def _gan():
    torch.manual_seed(0)
    return nn.Linear(2, 2), nn.Linear(2, 1), torch.randn(4, 2)


@proves(USES, "q8")
def test_detach_keeps_the_discriminator_loss_out_of_the_generator():
    G, D, z = _gan()
    D(G(z).detach()).mean().backward()
    assert D.weight.grad is not None
    return all(p.grad is None for p in G.parameters())


@proves(USES, "q9")
def test_frozen_discriminator_still_passes_gradient_to_the_generator():
    G, D, z = _gan()
    for p in D.parameters():
        p.requires_grad_(False)
    (-D(G(z)).mean()).backward()
    assert all(p.grad is None for p in D.parameters())
    return all(p.grad is not None for p in G.parameters())


@proves(USES, "q10")
def test_inference_tensors_cannot_be_saved_for_backward():
    lin = nn.Linear(3, 3)
    with torch.no_grad():
        normal = torch.randn(2, 3) * 2
    lin(normal).sum().backward()  # a no_grad tensor is an ordinary tensor afterwards
    with torch.inference_mode():
        t = torch.randn(2, 3) * 2
    with pytest.raises(RuntimeError, match="Inference tensors cannot be saved for backward"):
        lin(t).sum().backward()
    lin(t.clone()).sum().backward()  # a clone made outside inference mode is a normal tensor
    w = torch.randn(2, 3, requires_grad=True)
    (t + w).sum().backward()  # an op that saves nothing may use it
    return True


@proves(USES, "q11")
def test_changing_the_learning_rate_changes_no_graph():
    torch.manual_seed(0)
    lin = nn.Linear(2, 1)
    opt = torch.optim.SGD(lin.parameters(), lr=0.1)
    x = torch.randn(4, 2)
    recorded, moves = [], []
    for lr in (0.1, 0.01):
        opt.param_groups[0]["lr"] = lr
        before = lin.weight.detach().clone()
        opt.zero_grad()
        loss = lin(x).pow(2).mean()
        recorded.append(node_names(loss))
        loss.backward()
        grad = lin.weight.grad.clone()
        opt.step()
        moves.append(torch.allclose(before - lin.weight.detach(), lr * grad))
    assert recorded[0] == recorded[1] and all(moves)  # same graph; the step just reads the new lr
    return False


# ---------------------------------------------------------------- quiz-dynamic-graph-limits


@proves(LIMITS, "q1")
def test_in_place_update_of_a_leaf_needs_no_grad():
    w = torch.randn(3, requires_grad=True)
    w.grad = torch.ones(3)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        w -= 0.1 * w.grad
    with torch.no_grad():
        w -= 0.1 * w.grad
    assert w.is_leaf and w.requires_grad
    return "b"


@proves(LIMITS, "q2", "q7")
def test_bfloat16_keeps_the_range_float16_underflows():
    bf16, fp16 = torch.tensor(1e-8, dtype=torch.bfloat16), torch.tensor(1e-8, dtype=torch.float16)
    assert torch.finfo(torch.bfloat16).tiny < 1e-37 and torch.finfo(torch.float16).tiny > 6e-5
    scaled = torch.tensor(1e-8 * 65536, dtype=torch.float16)  # GradScaler's default scale brings it back
    assert abs(scaled.float().item() / 65536 - 1e-8) < 1e-10
    assert abs(bf16.item() - 1e-8) < 1e-10
    return {"q2": bf16.item() == 0.0, "q7": fp16.item() == 0.0}


@proves(LIMITS, "q3")
def test_eager_does_not_merge_identical_subexpressions():
    x = torch.ones(2, requires_grad=True)
    return node_names(x.exp() + x.exp()).count("ExpBackward0") == 1


@proves(LIMITS, "q4")
def test_gradcheck_compares_backward_with_finite_differences():
    cited("https://docs.pytorch.org/docs/stable/generated/torch.autograd.gradcheck.gradcheck.html",
          "Check gradients computed via small finite differences against analytical gradients",
          torch.autograd.gradcheck)

    class WrongSquare(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x  # should be 2 * x

    x = torch.randn(4, dtype=torch.float64, requires_grad=True)
    assert not torch.autograd.gradcheck(WrongSquare.apply, (x,), raise_exception=False)
    assert torch.autograd.gradcheck(lambda t: t * t, (x,))
    return "a"


@proves(LIMITS, "q5")
def test_gradcheck_needs_float64():
    torch.manual_seed(0)
    x32 = torch.randn(4, requires_grad=True)
    x64 = torch.randn(4, dtype=torch.float64, requires_grad=True)
    with pytest.warns(UserWarning, match="not a double precision"):
        assert not torch.autograd.gradcheck(torch.sigmoid, (x32,), raise_exception=False)
    assert torch.autograd.gradcheck(torch.sigmoid, (x64,))
    return "d"


@proves(LIMITS, "q6")
def test_saved_tensors_dominate_autograd_memory():
    mlp = nn.Sequential(*[nn.Sequential(nn.Linear(256, 256), nn.Tanh()) for _ in range(4)])
    small, large = torch.randn(512, 256), torch.randn(1024, 256)
    assert len(node_names(mlp(small))) == len(node_names(mlp(large))) < 40  # a few dozen small node objects
    grown = saved_storage_bytes(lambda: mlp(large)) - saved_storage_bytes(lambda: mlp(small))
    assert grown == 5 * 512 * 256 * 4  # the input and four tanh outputs: megabytes, growing with the batch
    with torch.no_grad():
        assert saved_storage_bytes(lambda: mlp(small)) == 0
    return "b"


@proves(LIMITS, "q8")
def test_item_cuts_the_graph():
    x = torch.tensor([2.0], requires_grad=True)
    options = {"a": x * 2, "b": torch.tensor(x.item()), "c": x.view(-1), "d": torch.cat([x, x])}
    cut = [letter for letter, y in options.items() if y.grad_fn is None]
    assert len(cut) == 1
    return cut[0]


@proves(LIMITS, "q9")
def test_inplace_on_a_saved_tensor_raises_at_backward():
    x = torch.randn(3, requires_grad=True)
    y = torch.sigmoid(x)  # sigmoid saves its output
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    return True


@proves(LIMITS, "q10")
def test_item_on_cuda_synchronizes():
    cited("https://docs.pytorch.org/docs/stable/notes/cuda.html#asynchronous-execution",
          "By default, GPU operations are asynchronous. When you call a function that uses the GPU, the operations "
          "are enqueued to the particular device, but not necessarily executed until later.")
    cited("https://docs.pytorch.org/docs/stable/notes/cuda.html#asynchronous-execution",
          "PyTorch automatically performs necessary synchronization when copying data between CPU and GPU or "
          "between two GPUs.")
    cited("https://docs.pytorch.org/docs/stable/generated/torch.cuda.set_sync_debug_mode.html",
          "Set the debug mode for cuda synchronizing operations.", torch.cuda.set_sync_debug_mode)
    # .item() is that copy: it dispatches to _local_scalar_dense, which reads the value back to the host
    with torch.profiler.profile() as prof:
        torch.ones(2).sum().item()
    assert any(e.name == "aten::_local_scalar_dense" for e in prof.events())
    if torch.cuda.is_available():
        loss = torch.ones(2, device="cuda").sum()
        torch.cuda.set_sync_debug_mode("error")
        try:
            with pytest.raises(RuntimeError, match="synchroniz"):
                loss.item()
        finally:
            torch.cuda.set_sync_debug_mode("default")
    return True


@proves(LIMITS, "q11")
def test_inplace_on_a_tensor_nobody_saved_is_fine():
    x = torch.randn(3, requires_grad=True)
    y = x * 2
    y.add_(1)
    y.sum().backward()
    return not torch.equal(x.grad, torch.full((3,), 2.0))


# ---------------------------------------------------------------- quiz-compile-and-export


@proves(COMPILE, "q1")
def test_export_raises_on_a_data_dependent_branch():
    for strict in (False, True):
        with pytest.raises(Exception, match="data-dependent|Data-dependent"):
            torch.export.export(Gate(), (torch.ones(3),), strict=strict)
    return "b"


@proves(COMPILE, "q2")
def test_print_is_a_graph_break(dynamo):
    def f(x):
        y = x * 2
        print("debug")
        return y + 1

    with contextlib.redirect_stdout(io.StringIO()):
        e = torch._dynamo.explain(f)(torch.ones(3))
    return (e.graph_count, e.graph_break_count) == (2, 1)


@proves(COMPILE, "q3")
def test_a_size_change_recompiles_once_then_dynamic(dynamo):
    backend = CountingBackend()
    f = torch.compile(lambda x: (x * 2).sin().sum(), backend=backend)
    for n in (4, 5, 6, 7):
        f(torch.randn(n))
    assert len(backend.graphs) == 2
    return len(backend.graphs) == 4


USE_RELU = True


@proves(COMPILE, "q4")
def test_a_failed_guard_on_a_global_recompiles(dynamo):
    global USE_RELU

    def f(x):
        return torch.relu(x) if USE_RELU else torch.tanh(x)

    backend = CountingBackend()
    cf = torch.compile(f, backend=backend)
    x = -torch.ones(3)
    try:
        USE_RELU = True
        assert cf(x).tolist() == [0.0, 0.0, 0.0] and len(backend.graphs) == 1
        USE_RELU = False
        out = cf(x)
    finally:
        USE_RELU = True
    assert torch.allclose(out, torch.tanh(x)) and len(backend.graphs) == 2
    assert torch._dynamo.config.recompile_limit == 8
    return "b"


@proves(COMPILE, "q6")
def test_fullgraph_turns_a_graph_break_into_an_error(dynamo):
    def f(x):
        y = x * 2
        print("debug")
        return y + 1

    with pytest.raises(torch._dynamo.exc.Unsupported):
        with contextlib.redirect_stdout(io.StringIO()):
            torch.compile(f, fullgraph=True, backend="eager")(torch.ones(3))
    return True


@proves(COMPILE, "q7")
def test_compilation_happens_at_the_first_call(dynamo):
    backend = CountingBackend()
    compiled = torch.compile(nn.Linear(3, 2), backend=backend)
    assert backend.graphs == []
    compiled(torch.randn(4, 3))
    return len(backend.graphs) == 1


@proves(COMPILE, "q8")
def test_fork_in_eager_python_runs_before_returning():
    cited("https://docs.pytorch.org/docs/stable/generated/torch.jit.fork.html",
          "If run in pure python, fork will not execute in parallel.", torch.jit.fork)
    ran = []

    def fn(t):
        ran.append(1)
        return t * 2

    fut = torch.jit.fork(fn, torch.ones(2))
    assert ran == [1] and type(fut).__name__ == "Future"  # done before fork returned: no parallelism
    torch.testing.assert_close(torch.jit.wait(fut), torch.full((2,), 2.0))
    return False


@proves(COMPILE, "q9")
def test_fx_cannot_trace_a_value_dependent_if():
    def f(x):
        if x.sum() > 0:
            return x
        return -x

    with pytest.raises(torch.fx.proxy.TraceError, match="control flow"):
        torch.fx.symbolic_trace(f)
    return False


@proves(COMPILE, "q10")
def test_custom_op_in_a_full_graph(dynamo):
    @torch.library.custom_op("prep_track3::twice", mutates_args=())
    def twice(x: torch.Tensor) -> torch.Tensor:
        return x * 2

    @twice.register_fake
    def _(x):
        return torch.empty_like(x)

    backend = CountingBackend()
    out = torch.compile(lambda t: twice(t) + 1, fullgraph=True, backend=backend)(torch.ones(2))
    torch.testing.assert_close(out, torch.full((2,), 3.0))
    targets = [str(n.target) for n in backend.graphs[0].graph.nodes]
    return len(backend.graphs) == 1 and any("twice" in t for t in targets)


@proves(COMPILE, "q11")
def test_common_subexpression_elimination_merges_identical_nodes():
    from torch.fx.passes.dialect.common.cse_pass import CSEPass

    gm = torch.fx.symbolic_trace(lambda x: x.exp() + x.exp())
    assert [n.target for n in gm.graph.nodes].count("exp") == 2
    merged = CSEPass()(gm).graph_module
    assert [n.target for n in merged.graph.nodes].count("exp") == 1  # same op, same input: one node
    unused = torch.fx.symbolic_trace(lambda x: (x.exp(), x.sin())[1])
    unused.graph.eliminate_dead_code()  # what removes unused nodes is dead-code elimination (b)
    assert [n.target for n in unused.graph.nodes].count("exp") == 0
    return "a"


@proves(COMPILE, "q12")
def test_export_specializes_the_batch():
    ep = torch.export.export(nn.Linear(3, 2), (torch.randn(2, 3),))
    ep.module()(torch.randn(2, 3))
    with pytest.raises(Exception):
        ep.module()(torch.randn(5, 3))
    batch = torch.export.Dim("batch")
    dynamic = torch.export.export(nn.Linear(3, 2), (torch.randn(2, 3),), dynamic_shapes={"input": {0: batch}})
    assert dynamic.module()(torch.randn(5, 3)).shape == (5, 2)
    return False


@proves(COMPILE, "q13")
def test_torch_cond_exports_both_branches():
    class CondGate(nn.Module):
        def forward(self, x):
            return torch.cond(x.sum() > 0, lambda x: x * 2, lambda x: x - 10, (x,))

    ep = torch.export.export(CondGate(), (torch.ones(3),))
    assert ep.module()(torch.ones(3)).tolist() == [2.0, 2.0, 2.0]
    return ep.module()(-torch.ones(3))[0].item()


@proves(COMPILE, "q14")
def test_compiled_module_state_dict_is_prefixed():
    model = nn.Linear(2, 2)
    compiled = torch.compile(model)
    assert list(compiled.state_dict()) == ["_orig_mod.weight", "_orig_mod.bias"]
    assert compiled._orig_mod is model  # shared, not copied
    assert compiled.state_dict()["_orig_mod.weight"].data_ptr() == model.weight.data_ptr()
    return list(compiled.state_dict()) == list(model.state_dict())


# ---------------------------------------------------------------- quiz-memory-performance


@proves(MEMORY, "q1")
def test_empty_cache_frees_no_live_tensor():
    cited("https://docs.pytorch.org/docs/stable/generated/torch.cuda.empty_cache.html",
          "Release all unoccupied cached memory currently held by the caching allocator", torch.cuda.empty_cache)
    cited("https://docs.pytorch.org/docs/stable/generated/torch.cuda.empty_cache.html",
          "empty_cache doesn't increase the amount of GPU memory available for PyTorch.", torch.cuda.empty_cache)
    if torch.cuda.is_available():
        t = torch.ones(1 << 20, device="cuda")
        held = torch.cuda.memory_allocated()
        torch.cuda.empty_cache()
        assert torch.cuda.memory_allocated() == held and t.sum().item() == 1 << 20
    return False


@proves(MEMORY, "q2")
def test_gradient_accumulation_equals_the_big_batch():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 1))
    x, y = torch.randn(32, 6), torch.randn(32, 1)
    F.mse_loss(model(x), y).backward()
    big = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    for i in range(4):
        (F.mse_loss(model(x[8 * i:8 * i + 8]), y[8 * i:8 * i + 8]) / 4).backward()
    assert saved_storage_bytes(lambda: model(x[:8].clone())) < saved_storage_bytes(lambda: model(x))  # less alive
    return all(torch.allclose(p.grad, g, atol=1e-6) for p, g in zip(model.parameters(), big))


@proves(MEMORY, "q3")
def test_checkpoint_replays_the_dropout_mask():
    import torch.utils.checkpoint as cp

    torch.manual_seed(0)
    segment = nn.Sequential(nn.Linear(8, 8), nn.Dropout(0.5), nn.Tanh())
    x = torch.randn(4, 8, requires_grad=True)

    def grad(run):
        torch.manual_seed(1)
        x.grad = None
        run().sum().backward()
        return x.grad.clone()

    plain = grad(lambda: segment(x))
    replayed = grad(lambda: cp.checkpoint(segment, x, use_reentrant=False))
    redrawn = grad(lambda: cp.checkpoint(segment, x, use_reentrant=False, preserve_rng_state=False))
    assert not torch.equal(redrawn, plain)  # without the stashed RNG state, a new mask: wrong gradients
    return bool(torch.equal(replayed, plain))


@proves(MEMORY, "q4")
def test_views_share_storage_contiguous_copies():
    x = torch.randn(4, 6)
    options = {"a": x.view(-1), "b": x.t(), "c": x[::2], "d": x.t().contiguous()}
    fresh = [k for k, t in options.items() if t.untyped_storage().data_ptr() != x.untyped_storage().data_ptr()]
    assert len(fresh) == 1
    return fresh[0]


@proves(MEMORY, "q5", "q14")
def test_what_autograd_saves():
    lin = nn.Linear(5, 3)
    x = torch.randn(10, 5)

    def under_no_grad():
        with torch.no_grad():
            lin(x)

    assert saved_storage_bytes(under_no_grad) == 0
    v = torch.randn(10, 5, requires_grad=True)
    options = {"a": lambda: v + v, "b": lambda: v * v, "c": lambda: torch.tanh(v), "d": lambda: torch.sigmoid(v)}
    nothing = [k for k, op in options.items() if saved_storage_bytes(op) == 0]
    assert len(nothing) == 1
    return {"q5": saved_storage_bytes(lambda: lin(x)), "q14": nothing[0]}


@proves(MEMORY, "q6")
def test_accumulating_loss_tensor_keeps_graphs():
    lin = nn.Linear(4, 1)

    def alive(as_float):
        total, refs = 0.0, []
        for _ in range(3):
            h = torch.tanh(lin(torch.randn(8, 4)))
            refs.append(weakref.ref(h))
            loss = h.pow(2).mean()
            total += loss.item() if as_float else loss
            del h, loss
        gc.collect()
        return [r() is not None for r in refs]

    assert alive(as_float=True) == [False] * 3
    return all(alive(as_float=False))


@proves(MEMORY, "q7")
def test_autocast_keeps_parameters():
    lin = nn.Linear(4, 4)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = lin(torch.randn(2, 4))
    assert out.dtype == torch.bfloat16
    return lin.weight.dtype == torch.bfloat16


@proves(MEMORY, "q8")
def test_grad_scaler_skips_an_inf_step():
    p = nn.Parameter(torch.ones(2))
    opt = torch.optim.SGD([p], lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=65536.0)
    scaler.scale((p * float("inf")).sum()).backward()
    scaler.step(opt)
    scaler.update()
    return bool(torch.equal(p.detach(), torch.ones(2))) and scaler.get_scale() == 32768.0


class _WhoLoads(torch.utils.data.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        return os.getpid()


@proves(MEMORY, "q9")
def test_dataloader_workers_are_processes():
    loader = torch.utils.data.DataLoader(_WhoLoads(), batch_size=2, num_workers=2)
    pids = {int(pid) for batch in loader for pid in batch}
    assert len(pids) == 2
    return os.getpid() not in pids


@proves(MEMORY, "q10")
def test_pinned_memory_lets_copies_overlap():
    cited("https://docs.pytorch.org/docs/stable/notes/cuda.html#use-pinned-memory-buffers",
          "Host to GPU copies are much faster when they originate from pinned (page-locked) memory.")
    cited("https://docs.pytorch.org/docs/stable/notes/cuda.html#use-pinned-memory-buffers",
          "Once you pin a tensor or storage, you can use asynchronous GPU copies. Just pass an additional "
          "non_blocking=True argument to a to() or a cuda() call. This can be used to overlap data transfers with "
          "computation.")
    cited("https://docs.pytorch.org/docs/stable/generated/torch.Tensor.cuda.html",
          "non_blocking (bool, optional): If True and the source is in pinned memory, the copy will be asynchronous "
          "with respect to the host. Otherwise, the argument has no effect.", torch.Tensor.cuda)
    cited("https://docs.pytorch.org/docs/stable/data.html#torch.utils.data.DataLoader",
          "pin_memory (bool, optional): If True, the data loader will copy Tensors into device/CUDA pinned memory "
          "before returning them.", torch.utils.data.DataLoader)
    return "a"


@proves(MEMORY, "q11")
def test_adam_costs_sixteen_bytes_per_parameter():
    model = nn.Linear(1000, 1000, bias=False)
    assert sum(p.numel() for p in model.parameters()) == 1_000_000
    opt = torch.optim.Adam(model.parameters())
    model(torch.randn(2, 1000)).sum().backward()
    opt.step()
    state = opt.state[model.weight]
    assert sorted(state) == ["exp_avg", "exp_avg_sq", "step"]
    return sum(t.nbytes for t in (model.weight, model.weight.grad, state["exp_avg"], state["exp_avg_sq"]))


@proves(MEMORY, "q12")
def test_reserved_memory_covers_allocated_memory():
    cited("https://docs.pytorch.org/docs/stable/generated/torch.cuda.memory_allocated.html",
          "Return the current GPU memory occupied by tensors in bytes for a given device.", torch.cuda.memory_allocated)
    cited("https://docs.pytorch.org/docs/stable/generated/torch.cuda.memory_reserved.html",
          "Return the current GPU memory managed by the caching allocator in bytes for a given device.",
          torch.cuda.memory_reserved)
    cited("https://docs.pytorch.org/docs/stable/notes/cuda.html#cuda-memory-management",
          "PyTorch uses a caching memory allocator to speed up memory allocations. This allows fast memory "
          "deallocation without device synchronizations. However, the unused memory managed by the allocator will "
          "still show as if used in nvidia-smi.")
    if torch.cuda.is_available():
        t = torch.ones(1 << 20, device="cuda")
        del t
        assert torch.cuda.memory_reserved() >= torch.cuda.memory_allocated()
    return True


@proves(MEMORY, "q13")
def test_docs_recommend_ddp_over_data_parallel():
    cited("https://docs.pytorch.org/docs/stable/generated/torch.nn.DataParallel.html",
          "It is recommended to use torch.nn.parallel.DistributedDataParallel, instead of this class, to do "
          "multi-GPU training, even if there is only a single node.", nn.DataParallel)
    assert "find_unused_parameters" in inspect.signature(nn.parallel.DistributedDataParallel).parameters
    return True


@proves(MEMORY, "q15")
def test_checkpoint_saves_less_and_recomputes():
    import torch.utils.checkpoint as cp

    blocks = nn.Sequential(*[nn.Sequential(nn.Linear(32, 128), nn.GELU(), nn.Linear(128, 32)) for _ in range(3)])
    x = torch.randn(16, 32, requires_grad=True)
    calls = []
    blocks[0].register_forward_hook(lambda m, i, o: calls.append(1))
    plain = saved_storage_bytes(lambda: blocks(x).sum())
    checkpointed = saved_storage_bytes(lambda: cp.checkpoint(blocks, x, use_reentrant=False).sum().backward())
    assert checkpointed < plain and len(calls) == 3  # plain forward, checkpointed forward, its recomputation
    return "b"


# ---------------------------------------------------------------- quiz-autograd-debugging


@proves(DEBUG, "q1")
def test_backward_of_a_loss_computed_under_no_grad():
    model = nn.Linear(2, 1)
    with torch.no_grad():
        loss = model(torch.randn(3, 2)).pow(2).mean()
    assert loss.grad_fn is None and not loss.requires_grad
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not have a grad_fn"):
        loss.backward()
    return "a"


@proves(DEBUG, "q2", "q3")
def test_anomaly_mode_checks_backward_outputs_only():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = torch.tensor([0.5], requires_grad=True)
        forward_nan_raised = False
        try:
            with torch.autograd.detect_anomaly():
                y = torch.log(x - 1)  # nan forward, finite backward 1 / (x - 1)
                assert torch.isnan(y).all()
                y.sum().backward()
        except RuntimeError:
            forward_nan_raised = True
        assert torch.isfinite(x.grad).all()
        z = torch.tensor([0.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan values"):
            with torch.autograd.detect_anomaly():
                (torch.sqrt(z) * 0).sum().backward()
    return {"q2": "b", "q3": bool(forward_nan_raised)}


@proves(DEBUG, "q4")
def test_tensor_hook_replaces_the_gradient():
    x = torch.ones(2, requires_grad=True)
    h = x * 3
    seen = []
    h.register_hook(lambda g: seen.append(g.clone()) or g * 10)
    h.sum().backward()
    assert seen[0].tolist() == [1.0, 1.0]
    return x.grad[0].item()


@proves(DEBUG, "q5")
def test_forward_hook_until_removed():
    lin, calls = nn.Linear(2, 2), []
    handle = lin.register_forward_hook(lambda m, i, o: calls.append(1))
    lin(torch.ones(1, 2))
    lin(torch.ones(1, 2))
    assert len(calls) == 2
    handle.remove()
    lin(torch.ones(1, 2))
    return len(calls) == 2


@proves(DEBUG, "q6")
def test_numpy_needs_detach():
    t = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Use tensor.detach\(\).numpy\(\) instead"):
        t.numpy()
    t.detach().numpy()
    return True


@proves(DEBUG, "q7")
def test_zero_grad_sets_none_by_default():
    cited("https://docs.pytorch.org/docs/stable/generated/torch.optim.Optimizer.zero_grad.html",
          "set_to_none (bool, optional): Instead of setting to zero, set the grads to None. Default: True",
          torch.optim.Optimizer.zero_grad)
    p = nn.Parameter(torch.ones(2))
    opt = torch.optim.SGD([p], lr=0.1)
    p.sum().backward()
    opt.zero_grad()
    return "b" if p.grad is None else "a"


@proves(DEBUG, "q8")
def test_batchnorm_needs_two_values_per_channel_in_training():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        bn(torch.randn(1, 3))
    bn.eval()
    assert bn(torch.randn(1, 3)).shape == (1, 3)
    return True


@proves(DEBUG, "q9")
def test_autograd_grad_leaves_dot_grad_alone():
    w = torch.ones(2, requires_grad=True)
    (g,) = torch.autograd.grad((w * w).sum(), [w])
    assert g.tolist() == [2.0, 2.0]
    return w.grad is not None


@proves(DEBUG, "q10")
def test_dropout_draws_a_new_mask_each_call():
    torch.manual_seed(0)
    drop = nn.Dropout(0.5)
    x = torch.ones(1000)
    same = torch.equal(drop(x), drop(x))
    drop.eval()
    assert torch.equal(drop(x), x)
    return bool(same)
