"""Hidden graders for nan-source-anomaly: every case is a random computation or model drawn per run (random
operations or layers, shapes, values, and a random place where the first NaN or inf appears, or none), sent to the
worker as a spec; the expected answer is found in the judge by building the same function or model from the trusted
probes.py and watching it with hooks. Each grader mixes kinds in a random order, so no fixed answer (a name, None, an
error) passes it, and each includes a case that separates the near-miss methods it is about."""

import torch

from grader.judge.checks import CheckFailure, load_sibling

T = load_sibling(__file__, "test_public.py")


def draw_batch(rng, kinds, loop=False):
    specs, answers = [], []
    for kind in kinds:
        avoid = answers if kind == "bad" else ()  # the broken cases name different nodes
        spec, outcome = T.draw_case(rng, kind, avoid=avoid, loop=loop)
        specs.append(spec)
        answers.append(outcome)
    order = torch.randperm(len(specs), generator=rng).tolist()
    return [specs[i] for i in order]


def check_batch(learner, device, specs, what, requires_grad=False):
    for spec in specs:
        want = T.reference(spec, str(device))
        got = learner.probe("nonfinite_grad", spec, str(device), requires_grad)
        if not T.matches(got, want):
            if want[0] == "raises":
                raise CheckFailure(f"first_nonfinite_grad must let the error propagate ({what})")
            raise CheckFailure(f"first_nonfinite_grad is wrong for {what}")
        if requires_grad and any(g is not None for g in got["input_grads"]):
            raise CheckFailure("first_nonfinite_grad wrote into the caller's .grad: differentiate copies")


def test_names_the_first_nonfinite_node(learner, device, rng):
    """Random computations whose gradient breaks (NaN or inf) at a random node, among them one where two nodes break
    and the first one backward runs is not the first one a walk of the graph meets, and one where the node that
    receives the broken gradient has another name; a finite one alongside; and one whose gradient overflows only at
    the scale of fn(*inputs).sum() (a mean, or any other starting gradient, misses it); and a function closing over a
    parameter whose branch breaks first (a backward limited to the inputs never runs it)."""
    specs = draw_batch(rng, ["bad", "bad", "order", "outputs", "clean"])
    check_batch(learner, device, specs, "random computations whose gradient breaks at a random node (the first node "
                                        "in the order backward runs them, whose own computed gradients break)")
    spec, outcome = closure_case(rng)
    got = learner.probe("nonfinite_grad_closure", spec, str(device))
    if not T.matches(got, outcome):
        raise CheckFailure("first_nonfinite_grad is wrong for a function that closes over a parameter (a tensor that "
                           "requires grad but is not one of the inputs): run fn(*inputs).sum().backward(), which runs "
                           "every node of the graph, the paths to that parameter included")
    check_fixed_tensor_pow(learner, device, rng)
    check_batch(learner, device, [overflow_at_sum_scale(rng)],
                "a computation whose gradient overflows only when backward starts from fn(*inputs).sum() (a gradient "
                "of 1 for every entry; a mean or another scale gives different gradients)")


def first_bad_node(fn, inputs):
    """The judge's answer for a fixed-structure function: the class name of the first node, in the order backward runs
    them, whose computed gradients are not finite (or None)."""
    leaves = [x.detach().clone().requires_grad_(True) for x in inputs]
    return _first_bad_of(fn(*leaves).sum())


def _first_bad_of(loss, bad=lambda g: not bool(torch.isfinite(g).all())):
    """The class name of the first node, in the order backward runs them from loss, one of whose computed gradients is
    ``bad`` (not finite, by default); None when none is, or when no node runs."""
    if loss.grad_fn is None:
        return None
    found, seen, stack, handles = [], set(), [loss.grad_fn], []
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)

        def hook(grad_inputs, grad_outputs, node=node):
            if not found and any(g is not None and bad(g) for g in grad_inputs):
                found.append(type(node).__name__)
        handles.append(node.register_hook(hook))
        stack.extend(child for child, _ in node.next_functions)
    try:
        loss.backward()
    finally:
        for h in handles:
            h.remove()
    return found[0] if found else None


def check_fixed_tensor_pow(learner, device, rng):
    """x ** e * 2 with a tensor exponent e in (0.2, 0.9) and one exact zero in x (drawn per run): its power node,
    PowBackward1 (not ...Backward0), computes inf (and NaN) there."""
    n = int(torch.randint(3, 7, (1,), generator=rng))
    x = (torch.rand(n, generator=rng, dtype=torch.float64) + 0.5).to(device)
    x[int(torch.randint(0, n, (1,), generator=rng))] = 0.0
    e = (torch.rand(n, generator=rng, dtype=torch.float64) * 0.7 + 0.2).to(device)
    want = first_bad_node(T.P.FIXED_FNS["tensor_pow"], [x, e])
    assert want == "PowBackward1", f"prep's tensor-exponent case names {want}"  # the grader's bug, never the learner's
    got = learner.probe("nonfinite_grad_fixed", "tensor_pow", [x, e])
    if not T.matches(got, ("bad", want)):
        raise CheckFailure("first_nonfinite_grad is wrong for x ** e * 2 with a tensor exponent e and an exact zero in "
                           "x: watch every node the backward pass runs, whatever its class name")


def first_bad_without(spec, skip):
    """The judge's answer of a near miss: the first broken node when input `skip` does not require grad (what a
    backward limited to the other inputs runs, e.g. torch.autograd.grad with respect to them)."""
    leaves = T.P.inputs_of(spec, "cpu", requires_grad=True)
    leaves[skip].requires_grad_(False)
    return _first_bad_of(T.P.build(spec)(*leaves).sum())


def first_nan_or_posinf(spec):
    """The judge's answer of a near miss: the first node (in backward order) whose computed gradients hold a NaN or a
    +inf, what a check that forgets -inf (isnan | isposinf, or g == inf) names."""
    leaves = T.P.inputs_of(spec, "cpu", requires_grad=True)
    return _first_bad_of(T.P.build(spec)(*leaves).sum(), bad=lambda g: bool((g.isnan() | g.isposinf()).any()))


def neg_inf_first_case(rng):
    """A broken computation whose first broken node (in backward order) computes a -inf gradient and neither NaN nor
    +inf there, so a check for NaN and +inf only names a later node or None."""
    for _ in range(5000):
        spec, outcome = T.draw_case(rng, "bad")
        if first_nan_or_posinf(spec) != outcome[1]:
            return spec
    raise AssertionError("prep could not draw a -inf case")  # the grader's bug, never the learner's


def closure_case(rng):
    """A broken computation of two or more inputs whose first broken node (in backward order) lies on a path that
    leads only to the first input, which fn closes over (a parameter) instead of taking it as an input: a backward
    limited to the passed inputs never runs that node."""
    for _ in range(5000):
        spec, outcome = T.draw_case(rng, "bad")
        if len(spec["inputs"]) >= 2 and first_bad_without(spec, 0) != outcome[1]:
            return spec, outcome
    raise AssertionError("prep could not draw a closure case")  # the grader's bug, never the learner's


def overflow_at_sum_scale(rng):
    """A computation whose gradient overflows only at the scale of fn(*inputs).sum(): the gradient reaching the first
    multiplication is c * 1e200 with c in [2.5e108, 3.4e108], inf when every entry's upstream gradient is 1 (a sum),
    finite when it is 1 / n (a mean, n >= 2) or smaller."""
    n = int(torch.randint(2, 6, (1,), generator=rng))
    x = (torch.rand(n, generator=rng, dtype=torch.float64) + 0.5) * 1e-300
    c = 2.5e108 + float(torch.rand((), generator=rng, dtype=torch.float64)) * 0.9e108
    spec = {"inputs": [x], "ops": [["scale", 0, 1e200], ["scale", 1, c]], "reduce": False}
    assert T.reference(spec)[0] == "bad", "prep's overflow case no longer overflows"  # the grader's bug
    return spec


def without_graph(rng):
    """A drawn computation (broken somewhere) whose result is detached at the end: fn(*inputs).sum() has no grad_fn,
    so backward raises RuntimeError."""
    spec, _ = T.draw_case(rng, "bad")
    spec = {**spec, "ops": spec["ops"] + [["detach", len(spec["inputs"]) + len(spec["ops"]) - 1]]}
    assert T.reference(spec) == ("raises", "RuntimeError"), "prep's detached case no longer raises"  # grader's bug
    return spec


def test_inf_gradients_count(learner, device, rng):
    """An inf (not NaN) gradient counts: computations whose first broken gradient is inf (anomaly mode and a NaN-only
    check miss it or name a later node), one whose first broken gradient is -inf only (a check for NaN and +inf
    misses it), and one more broken one."""
    specs = draw_batch(rng, ["inf_first", "inf_first", "bad"])
    specs.insert(int(torch.randint(0, len(specs) + 1, (1,), generator=rng)), neg_inf_first_case(rng))
    check_batch(learner, device, specs, "computations whose first non-finite gradient is an inf or a -inf: "
                                        "NaN, inf and -inf all count as non-finite (torch.isfinite)")


def float64_only_cases(rng):
    """Two float64 computations whose gradients are finite in float64 but not in float32, so that differentiating
    copies made in another dtype (torch.tensor(x.tolist()), x.float()) names a node where the answer is None: sqrt of
    values near 1e-50 (float32 rounds them to 0, where sqrt's gradient is inf; in float64 it is about 5e24), and a
    scale by 1e200 (inf in float32, finite in float64). Values drawn per run."""
    n = T.randint(rng, 2, 5)
    tiny = (torch.rand(n, generator=rng, dtype=torch.float64) + 0.5) * 1e-50
    plain = torch.rand(n, generator=rng, dtype=torch.float64) * 1.5 + 0.5
    specs = [{"inputs": [tiny], "ops": [["sqrt", 0]], "reduce": False},
             {"inputs": [plain], "ops": [["scale", 0, 1e200]], "reduce": False}]
    for spec in specs:
        assert T.reference(spec) == ("none", None), "prep's float64-only case changed"  # the grader's bug
    return specs


def large_finite_grad_case(rng):
    """A float64 computation whose gradients are finite but huge: x * c with c near 1e308, so each entry's gradient is
    c (finite) while their sum overflows (a check of g.sum() instead of every entry names MulBackward0). Values drawn
    per run."""
    n = T.randint(rng, 2, 5)
    x = torch.rand(n, generator=rng, dtype=torch.float64) * 0.4 + 0.5
    c = (0.6 + float(torch.rand((), generator=rng, dtype=torch.float64)) * 0.3) * 1.7976931348623157e308
    spec = {"inputs": [x], "ops": [["scale", 0, c]], "reduce": False}
    assert T.reference(spec) == ("none", None), "prep's large-gradient case changed"  # the grader's bug
    return spec


def test_none_when_backward_is_finite(learner, device, rng):
    """No non-finite gradient gives None: NaN or inf made only in the forward pass with finite gradients, a clean
    computation; a broken one alongside; float64 computations whose gradients are finite in float64 but would
    overflow in float32 (the copies keep the inputs' dtype); and one whose gradients are finite but sum to inf."""
    specs = draw_batch(rng, ["forward_only", "forward_only", "clean", "bad"])
    check_batch(learner, device, specs, "computations whose gradients are all finite (some with NaN or inf in the "
                                        "forward pass only) mixed with a broken one")
    check_batch(learner, device, float64_only_cases(rng),
                "float64 inputs whose gradients are finite in float64 (sqrt of values near 1e-50, a scale by 1e200) but "
                "not in float32: differentiate copies of the inputs in their own dtype "
                "(x.detach().clone().requires_grad_()), not float32 copies")
    check_batch(learner, device, [large_finite_grad_case(rng)],
                "a computation whose gradients are finite but near 1e308 (their sum overflows, no entry does): check "
                "every entry (torch.isfinite(g).all()), not a sum or another reduction of the gradient")


def test_leaves_caller_inputs_clean(learner, device, rng):
    """The caller's inputs (which require grad here) get no .grad, and the answers are still right; a caller that runs
    it inside torch.no_grad() finds grad mode still off when the call returns or raises (switched on, if at all, only
    inside a with torch.enable_grad() block, never by torch.set_grad_enabled(True) left behind). What it answers
    there is not graded: the task does not say."""
    specs = draw_batch(rng, ["bad", "clean"])
    check_batch(learner, device, specs, "inputs that require grad", requires_grad=True)
    for spec in draw_batch(rng, ["bad", "clean"]):
        got = learner.probe("nonfinite_grad", spec, str(device), False, True)
        if not isinstance(got, dict) or got.get("grad_mode_after") is not False:
            raise CheckFailure("first_nonfinite_grad, called inside torch.no_grad(), returned (or raised) with grad mode on: the "
                               "caller's setting must be as it was. Switch grad mode on only inside a "
                               "`with torch.enable_grad():` block (torch.set_grad_enabled(True) stays on after it)")


def test_shared_graph_in_time(learner, device, rng):
    """A value reused at every step of a 40-step loop (2 ** 40 paths, over a hundred nodes), then random operations
    (broken at a random node, or not): each node is visited once."""
    specs = draw_batch(rng, ["bad", "clean"], loop=True)
    check_batch(learner, device, specs, "a graph whose nodes are shared by many paths")


def test_other_errors_propagate(learner, device, rng):
    """An error that is not about a non-finite gradient is not swallowed: a ValueError from fn (for some inputs), a
    RuntimeError from a backward node, backward's own RuntimeError for a result without a graph; a broken and a clean
    computation alongside."""
    specs = draw_batch(rng, ["raises_value", "raises_runtime", "bad", "clean"])
    check_batch(learner, device, specs, "a function that raises ValueError for its inputs, a backward node that "
                                        "raises RuntimeError, a broken and a finite backward")
    check_batch(learner, device, [without_graph(rng)],
                "a function whose result does not require grad (every path detached): backward's RuntimeError must "
                "propagate, not be skipped")
    spec, _ = T.draw_case(rng, "bad")
    spec = {**spec, "ops": spec["ops"] + [["misshape", len(spec["inputs"]) + len(spec["ops"]) - 1]]}
    assert T.reference(spec) == ("raises", "RuntimeError"), "prep's misshape case no longer raises"  # grader's bug
    check_batch(learner, device, [spec], "a backward node that returns a gradient of the wrong shape: autograd's "
                                         "RuntimeError must propagate")


def lstm_case(rng):
    """A model with an LSTM, whose output is a tuple (out, (h, c)), made non-finite by a NaN weight: the LSTM is the
    first module whose output contains NaN (a check of plain tensor outputs only names a later module)."""
    hidden = T.randint(rng, 3, 5)
    w = torch.randn(4, 4, generator=rng, dtype=torch.float64)
    b = torch.randn(4, generator=rng, dtype=torch.float64)
    w_ih = torch.randn(4 * hidden, 4, generator=rng, dtype=torch.float64) * 0.5
    w_ih[T.randint(rng, 0, 4 * hidden - 1), T.randint(rng, 0, 3)] = float("nan")
    w_hh = torch.randn(4 * hidden, hidden, generator=rng, dtype=torch.float64) * 0.5
    b_ih, b_hh = torch.randn(2, 4 * hidden, generator=rng, dtype=torch.float64)
    head = torch.randn(3, hidden, generator=rng, dtype=torch.float64), torch.randn(3, generator=rng, dtype=torch.float64)
    spec = {"blocks": [["0", ["linear", w, b]], ["rnn", ["lstm", w_ih, w_hh, b_ih, b_hh]], ["1", ["first"]],
                       ["head", ["linear", *head]]], "shift": None}
    x = torch.randn(T.randint(rng, 2, 5), 4, generator=rng, dtype=torch.float64)
    assert T.module_outcome(spec, x)[0] == "rnn", "prep's LSTM case no longer breaks at the LSTM"  # grader's bug
    return spec, x


def nested_output_case(container):
    """A model whose first module returns its input x (finite) with a side output log(x) nested in a container
    (a tuple inside a tuple, or a dict holding a list holding a dict), and an input with a negative entry: that module
    is the only one whose output contains NaN (a check of top-level tensors only finds none)."""
    def make(rng):
        name = T.pick(rng, ["aux", "side", "heads"], [1, 1, 1])
        head = torch.randn(3, 4, generator=rng, dtype=torch.float64), torch.randn(3, generator=rng, dtype=torch.float64)
        spec = {"blocks": [[name, ["aux", container]], ["0", ["main"]], ["head", ["linear", *head]]], "shift": None}
        x = torch.randn(T.randint(rng, 2, 5), 4, generator=rng, dtype=torch.float64)
        x[T.randint(rng, 0, x.shape[0] - 1), T.randint(rng, 0, 3)] = -1.0 - float(torch.rand((), generator=rng))
        assert T.module_outcome(spec, x) == [name], "prep's nested-output case changed"  # the grader's bug
        return spec, x
    return make


def shared_case(rng):
    """One Log module registered under two names (act, then a second name): finite at its first call, NaN at its
    second; named_modules() names it by its first name only."""
    second = T.pick(rng, ["act2", "again", "reuse"], [1, 1, 1])
    head = torch.randn(3, 4, generator=rng, dtype=torch.float64), torch.randn(3, generator=rng, dtype=torch.float64)
    spec = {"blocks": [["0", ["exp"]], ["act", ["log"]], ["1", ["scale", -1.0]], [second, ["same", "act"]],
                       ["head", ["linear", *head]]], "shift": None}
    x = torch.rand(T.randint(rng, 2, 5), 4, generator=rng, dtype=torch.float64) + 0.5  # positive: -x has no log
    assert T.module_outcome(spec, x)[0] == "act", "prep's shared-module case changed"  # the grader's bug
    return spec, x


def shared_case_later(rng):
    """One Log module registered under two names, finite at its first call and NaN at its second, but another module
    between the two calls is the first to output NaN: the answer is that module (a check that keeps only each
    module's last output, or judges modules in the order of their first calls, names the shared one)."""
    second = T.pick(rng, ["act2", "again", "reuse"], [1, 1, 1])
    head = torch.randn(3, 4, generator=rng, dtype=torch.float64), torch.randn(3, generator=rng, dtype=torch.float64)
    spec = {"blocks": [["0", ["exp"]], ["act", ["log"]], ["1", ["scale", -1.0]], ["2", ["log"]],
                       [second, ["same", "act"]], ["head", ["linear", *head]]], "shift": None}
    x = torch.rand(T.randint(rng, 2, 5), 4, generator=rng, dtype=torch.float64) + 0.5  # exp(x) > 1: log(.) > 0
    assert T.module_outcome(spec, x)[0] == "2", "prep's later shared-module case changed"  # the grader's bug
    return spec, x


def neg_inf_case(rng):
    """ReLU then Log on an input with a non-positive entry in every row: log(0) = -inf, and no NaN and no +inf, so
    that Log is the first module whose output is non-finite (a check for NaN or +inf only names a later module, or
    none)."""
    name = T.pick(rng, ["log", "act", "lg"], [1, 1, 1])
    head = torch.randn(3, 4, generator=rng, dtype=torch.float64), torch.randn(3, generator=rng, dtype=torch.float64)
    spec = {"blocks": [["0", ["relu"]], [name, ["log"]], ["head", ["linear", *head]]], "shift": None}
    x = torch.rand(T.randint(rng, 2, 5), 4, generator=rng, dtype=torch.float64) + 0.5
    for row in range(x.shape[0]):
        x[row, T.randint(rng, 0, 3)] = -float(torch.rand((), generator=rng))  # relu gives 0, log gives -inf
    assert T.module_outcome(spec, x)[0] == name, "prep's -inf case changed"  # the grader's bug
    return spec, x


def large_finite_output_case(rng):
    """A module whose output is finite but near 1e308 in every entry (its sum overflows), scaled back down by the next
    one: every output is finite, so the answer is None (a check of output.sum() names the first module)."""
    name = T.pick(rng, ["big", "up", "scale"], [1, 1, 1])
    c = (0.6 + float(torch.rand((), generator=rng, dtype=torch.float64)) * 0.3) * 1.7976931348623157e308
    spec = {"blocks": [[name, ["scale", c]], ["down", ["scale", 1e-300]]], "shift": None}
    x = torch.rand(T.randint(rng, 2, 5), 4, generator=rng, dtype=torch.float64) * 0.4 + 0.5
    assert T.module_outcome(spec, x) == [], "prep's large-output case changed"  # the grader's bug
    return spec, x


def check_models(learner, device, rng, kinds, hooks, extra=()):
    cases = [T.draw_model_case(rng, kind) for kind in kinds] + [make(rng) for make in extra]
    for i in torch.randperm(len(cases), generator=rng).tolist():
        spec, x = cases[i]
        x = x.to(device)
        bad = T.module_outcome(spec, x)
        want = bad[0] if bad else None
        got = learner.probe("nonfinite", spec, x)
        if got["value"] != want or type(got["value"]) is not type(want):
            raise CheckFailure("first_nonfinite_module is wrong for random models (a culprit inside a nested block, "
                               "a top-level one, the model's own forward, none, a module whose output is a tuple such "
                               "as an LSTM's (out, (h, c)) or nests its tensors in tuples, lists and dicts, a module "
                               "registered under two names: its name in model.named_modules(); NaN, inf and -inf "
                               "all count as non-finite)")
        if hooks and got["hooks_left"]:
            raise CheckFailure("hooks are still attached to the model afterwards: keep the handles and call "
                               ".remove() on each")


def test_first_nonfinite_module(learner, device, rng):
    """The first non-finite output of random models: a culprit inside a nested block, a top-level one, the root
    module itself (""), none; an LSTM whose tuple output (out, (h, c)) contains NaN; modules whose output holds its
    only NaN deep inside containers (a tuple in a tuple; a dict of a list of a dict): every tensor of an output counts;
    a module registered under two names (reported by its name in named_modules(), the first), also when another
    module between its two calls is the first to output NaN; a module whose output holds -inf and nothing else
    non-finite (log(0) after a ReLU); a module whose finite outputs near 1e308 sum to inf (every entry is checked, not
    a sum)."""
    check_models(learner, device, rng, ["nested", "top", "root", "finite"], hooks=False,
                 extra=[lstm_case, nested_output_case("tuple"), nested_output_case("dict"), shared_case,
                        shared_case_later, neg_inf_case, large_finite_output_case])


def test_hooks_removed(learner, device, rng):
    """Every hook first_nonfinite_module registers is removed before it returns (random models, broken and finite;
    the answers must be right too), also when the model's forward raises."""
    check_models(learner, device, rng, ["nested", "finite"], hooks=True)
    spec, x = T.draw_model_case(rng, T.pick(rng, ["nested", "finite"], [1, 1]))
    spec = {**spec, "blocks": spec["blocks"] + [["broken", ["fail"]]]}
    got = learner.probe("nonfinite", spec, x.to(device), True)
    if got["hooks_left"]:
        raise CheckFailure("hooks are still attached to the model after its forward raised: remove them in a "
                           "finally block (or a context manager) so they go on every exit")
