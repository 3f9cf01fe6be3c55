"""Public graders for nan-source-anomaly, and the judge's side of every case.

Each case is drawn per run: a random computation (a few differentiable operations on random inputs, some of them
exact zeros or negatives) or a random model, sent to the worker as a spec; the expected answer is found here, in the
judge, by building the same function or model from the trusted probes.py and watching its backward nodes (or its
modules' outputs) with hooks."""

import torch

from grader.drawn import describe, draw, pick, randint
from grader.judge.checks import CheckFailure, load_sibling

P = load_sibling(__file__)

def analyse(spec, device="cpu", keep_extreme=False):
    """Everything about spec's computation the graders need, found here: the outcome (("bad", first node whose
    computed gradients are not finite, in the order backward runs them), ("none", None) or ("raises", type)), and,
    for drawing separating cases, the answers of near-miss methods. None when its numbers are extreme (unless
    keep_extreme: a fixed case built to overflow on purpose)."""
    trace = []
    leaves = P.inputs_of(spec, device, requires_grad=True)
    try:
        loss = P.build(spec, trace)(*leaves).sum()
    except ValueError:
        return {"outcome": ("raises", "ValueError"), "fwd_bad": False}
    values = torch.cat([t.detach().reshape(-1) for t in trace])
    finite = values[torch.isfinite(values)].abs()
    extreme = bool((finite > 1e6).any()) or bool(((finite > 0) & (finite < 1e-6)).any())
    ran, walk, seen, stack, handles = [], [], set(), [loss.grad_fn], []
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        walk.append(node)

        def hook(grad_inputs, grad_outputs, node=node):
            gi = [g for g in grad_inputs if g is not None]
            go = [g for g in grad_outputs if g is not None]
            ran.append({"node": node, "name": type(node).__name__,
                        "bad": any(not bool(torch.isfinite(g).all()) for g in gi),
                        "nan": any(bool(g.isnan().any()) for g in gi),
                        "out_bad": any(not bool(torch.isfinite(g).all()) for g in go),
                        "extreme": any(bool(((g.abs() > 1e6) & torch.isfinite(g)).any()) for g in gi)})
        handles.append(node.register_hook(hook))
        stack.extend(child for child, _ in node.next_functions)
    try:
        try:
            loss.backward()
        except RuntimeError:
            return {"outcome": ("raises", "RuntimeError"), "fwd_bad": False}
    finally:
        for h in handles:
            h.remove()
    if not keep_extreme and (extreme or any(r["extreme"] for r in ran)):
        return None
    first = next((r["name"] for r in ran if r["bad"]), None)
    broken = {r["node"] for r in ran if r["bad"]}
    return {"outcome": ("bad", first) if first else ("none", None),
            "fwd_bad": not bool(values.isfinite().all()),
            "nan_first": next((r["name"] for r in ran if r["nan"]), None),
            "out_first": next((r["name"] for r in ran if r["out_bad"]), None),
            "walk_first": next((type(n).__name__ for n in walk if n in broken), None)}


def reference(spec, device="cpu"):
    """What first_nonfinite_grad must give for spec, found here on device."""
    return analyse(spec, device, keep_extreme=True)["outcome"]


KINDS = {
    # kind: does a drawn computation's analysis make it one
    "bad": lambda f: f["outcome"][0] == "bad",
    "order": lambda f: f["outcome"][0] == "bad" and f["walk_first"] != f["outcome"][1],
    "outputs": lambda f: f["outcome"][0] == "bad" and f["out_first"] != f["outcome"][1],
    "inf_first": lambda f: f["outcome"][0] == "bad" and f["nan_first"] != f["outcome"][1],
    "forward_only": lambda f: f["outcome"][0] == "none" and f["fwd_bad"],
    "clean": lambda f: f["outcome"][0] == "none" and not f["fwd_bad"],
    "raises_value": lambda f: f["outcome"] == ("raises", "ValueError"),
    "raises_runtime": lambda f: f["outcome"] == ("raises", "RuntimeError"),
}


def draw_case(rng, kind, avoid=(), loop=False):
    """A random spec of the given kind whose answer is not in avoid (answers already drawn, to vary them), and its
    outcome on the CPU."""
    for _ in range(5000):
        spec = draw(rng, reduce=False, loop=loop)
        f = analyse(spec)
        if f is not None and KINDS[kind](f) and f["outcome"] not in avoid:
            return spec, f["outcome"]
    raise AssertionError(f"prep could not draw a case of kind {kind}")  # the grader's bug, never the learner's


def draw_model(rng):
    """A random model spec: 2 to 4 top-level items (a layer, or a nested block of 2 or 3), float64 weights, widths
    4 to 6, and traps in random places: log or sqrt after tanh (NaN), log after relu (-inf at exact zeros), exp of
    large values (inf); sometimes log(out - shift) in the model's own forward."""
    width = 4
    blocks, names = [], iter(["enc", "mid", "head", "block", "body"][randint(rng, 0, 1):])

    def one():
        nonlocal width
        kind = pick(rng, ["linear", "tanh", "relu", "log", "exp", "sqrt", "scale"], [4, 2, 2, 2, 1, 1, 1])
        if kind == "linear":
            out = randint(rng, 3, 6)
            scale = pick(rng, [0.5, 1.0, 40.0], [3, 3, 1])
            w = torch.randn(out, width, generator=rng, dtype=torch.float64) * scale
            b = torch.randn(out, generator=rng, dtype=torch.float64) * scale
            if randint(rng, 0, 2) == 0:
                w[randint(rng, 0, out - 1)] = 0.0
                b[randint(rng, 0, out - 1)] = -1.0
            width = out
            return ["linear", w, b]
        if kind == "scale":
            return ["scale", pick(rng, [0.5, 2.0, -1.0])]
        return [kind]

    for i in range(randint(rng, 2, 4)):
        if randint(rng, 0, 2) == 0:
            blocks.append([next(names), [one() for _ in range(randint(rng, 2, 3))]])
        else:
            blocks.append([str(i), one()])
    shift = pick(rng, [None, 100.0], [3, 1])
    return {"blocks": blocks, "shift": shift}, width


def _finite(out):
    """Whether every tensor of an output (a tensor, or tuples, lists and dicts of them, however nested, such as an
    LSTM's (out, (h, c))) is finite."""
    if isinstance(out, (tuple, list, dict)):
        return all(_finite(o) for o in (out.values() if isinstance(out, dict) else out))
    return not isinstance(out, torch.Tensor) or bool(torch.isfinite(out).all())


def module_outcome(spec, x):
    """The names of the modules whose outputs are not finite, in the order outputs are produced, found here."""
    m = P.model(spec).to(x.device)
    bad = []
    handles = [sub.register_forward_hook(
        lambda module, args, out, name=name: bad.append(name) if not _finite(out) else None)
        for name, sub in m.named_modules()]
    try:
        with torch.no_grad():
            m(x)
    finally:
        for h in handles:
            h.remove()
    return bad


MODEL_KINDS = {
    # kind: do the non-finite names make it one (near-miss answers separated: the last name, top-level only)
    "nested": lambda bad: bool(bad) and "." in bad[0] and bad[-1] != bad[0],
    "top": lambda bad: bool(bad) and bad[0] != "" and "." not in bad[0] and bad[-1] != bad[0],
    "root": lambda bad: bad == [""],
    "finite": lambda bad: not bad,
}


def draw_model_case(rng, kind):
    """A random model spec of the given kind, and an input batch x (float64) for it."""
    for _ in range(5000):
        spec, _ = draw_model(rng)
        x = torch.randn(randint(rng, 2, 5), 4, generator=rng, dtype=torch.float64) * 2
        if MODEL_KINDS[kind](module_outcome(spec, x)):
            return spec, x
    raise AssertionError(f"prep could not draw a model of kind {kind}")  # the grader's bug, never the learner's


def describe_model(spec):
    def text(item):
        if item[0] == "linear":
            return f"Linear({item[1].shape[1]}, {item[1].shape[0]})"
        if item[0] == "scale":
            return f"Scale({item[1]})"
        if item[0] == "same":
            return f"the module {item[1]} again"
        if item[0] == "lstm":
            return f"LSTM({item[1].shape[1]}, {item[2].shape[1]})"
        if item[0] == "aux":
            return f"Aux({item[1]!r})"
        return {"tanh": "Tanh()", "relu": "ReLU()", "log": "Log()", "exp": "Exp()", "sqrt": "Sqrt()", "fail": "Fail()",
                "first": "First()", "main": "Main()"}[item[0]]
    parts = [f"{name}={text(item) if isinstance(item[0], str) else 'Sequential(' + ', '.join(map(text, item)) + ')'}"
             for name, item in spec["blocks"]]
    own = "" if spec["shift"] is None else f", then its own forward returns log(out - {spec['shift']})"
    return f"Sequential({', '.join(parts)}){own} (random float64 weights drawn per run)"


def answer_text(outcome):
    return {"bad": repr(outcome[1]), "none": "None", "raises": f"raises {outcome[1]}"}[outcome[0]]


def received_text(got):
    return f"raises {got['raised']}" if got["raised"] else repr(got["value"])


def matches(got, outcome):
    if outcome[0] == "raises":
        return got["raised"] == outcome[1]
    return got["raised"] is None and type(got["value"]) is (str if outcome[0] == "bad" else type(None)) \
        and got["value"] == outcome[1]


def test_sqrt_example(learner, device, rng):
    """first_nonfinite_grad on a random small computation whose gradient breaks at a random node (drawn per run; an
    inf counts, which anomaly mode would miss)."""
    spec, _ = draw_case(rng, "inf_first")
    want = reference(spec, str(device))
    got = learner.probe("nonfinite_grad", spec, str(device))
    if not matches(got, want):
        raise CheckFailure(f"first_nonfinite_grad should return {answer_text(want)}",
                           f"inputs: {describe(spec)}\nexpected {answer_text(want)}\nreceived {received_text(got)}")


def test_forward_hooks_example(learner, device, rng):
    """first_nonfinite_module on a random small model whose forward breaks inside a nested block (drawn per run)."""
    spec, x = draw_model_case(rng, "nested")
    x = x.to(device)
    want = module_outcome(spec, x)[0]
    got = learner.probe("nonfinite", spec, x)
    if got["value"] != want or type(got["value"]) is not str:
        raise CheckFailure(f"first_nonfinite_module should return {want!r}",
                           f"inputs: {describe_model(spec)}, x = {x.tolist()}\nexpected {want!r}\n"
                           f"received {got['value']!r}")
