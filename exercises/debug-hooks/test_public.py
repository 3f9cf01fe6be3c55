"""Public graders for debug-hooks, and the judge's side of every first_nonfinite_module case.

Each model is drawn per run: nested Sequentials with random names, random float64 weights, and traps at random depths
and places (log or sqrt of negatives, log of exact zeros, exp or a scale that overflows, an inf only inside a nested
tuple output, a NaN made by the root's own forward or by a nested container's own forward), some of which fire and some
of which do not. The model travels
to the worker as a spec; the expected answer is found here, in the judge, by building the same model from the trusted
probes.py and watching every module's output with forward hooks."""

import torch

from grader.judge.checks import CheckFailure, load_sibling

P = load_sibling(__file__)

WORDS = ["enc", "dec", "body", "head", "stem", "mid", "proj", "act", "core", "neck", "tail", "trunk", "feat", "out"]


def _int(rng, low, high):
    return int(torch.randint(low, high + 1, (1,), generator=rng))


def _pick(rng, items, weights=None):
    w = torch.tensor(weights if weights is not None else [1.0] * len(items), dtype=torch.float64)
    return items[int(torch.multinomial(w, 1, generator=rng))]


def _names(rng, n):
    """n distinct names for one container: indices (as Sequential gives), words, or words with numbers."""
    style = _int(rng, 0, 2)
    if style == 0:
        return [str(i) for i in range(n)]
    words = [WORDS[i] for i in torch.randperm(len(WORDS), generator=rng)[:n].tolist()]
    return words if style == 1 else [f"{w}{_int(rng, 0, 9)}" for w in words]


def draw_model(rng, width_in=4, nets=False):
    """A random model spec: 2 to 4 top-level items, each a layer or a nested block (up to 3 levels deep), float64
    weights, and traps in random places; sometimes log(out - shift) in the model's own forward. With nets, every nested
    block is a Net whose own forward may end with log(out - shift) too (a container that makes a NaN itself)."""
    width = width_in

    def linear():
        nonlocal width
        out = _int(rng, 3, 6)
        scale = _pick(rng, [0.5, 1.0, 40.0], [3, 3, 1])
        w = torch.randn(out, width, generator=rng, dtype=torch.float64) * scale
        b = torch.randn(out, generator=rng, dtype=torch.float64) * scale
        if _int(rng, 0, 2) == 0:  # a unit that is exactly -1 for every input: relu makes an exact zero
            w[_int(rng, 0, out - 1)] = 0.0
            b[_int(rng, 0, out - 1)] = -1.0
        width = out
        return ["linear", w, b]

    def items(depth):
        n = _int(rng, 2, 4)
        out = []
        while len(out) < n:
            if depth < 2 and _int(rng, 0, 3) == 0:
                if nets:
                    out.append(["net", items(depth + 1), _pick(rng, [None, 100.0])])
                else:
                    out.append(["seq", items(depth + 1)])
                continue
            kind = _pick(rng, ["linear", "tanh", "relu", "log", "exp", "sqrt", "scale", "pair"],
                         [4, 2, 2, 2, 2, 1, 1, 1])
            if kind == "linear":
                out.append(linear())
            elif kind == "scale":
                out.append(["scale", _pick(rng, [0.5, 2.0, -1.0, 1e200], [2, 2, 2, 1])])
            elif kind == "pair":  # the tuple goes straight into First, in the same container
                out.append(["pair", _pick(rng, [0.0, 1000.0]), _int(rng, 0, 1)])
                out.append(["first"])
            else:
                out.append([kind])
        return [[name, item] for name, item in zip(_names(rng, len(out)), out)]

    blocks = items(0)
    return {"blocks": blocks, "shift": _pick(rng, [None, 100.0], [3, 1])}


def _tensors(value):
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _tensors(v)


def _flags(value):
    ts = list(_tensors(value))
    flat = [value] if isinstance(value, torch.Tensor) else [v for v in value if isinstance(v, torch.Tensor)]
    return {"bad": any(not bool(t.isfinite().all()) for t in ts),
            "nan": any(bool(t.isnan().any()) for t in ts),
            "posinf": any(bool((t == float("inf")).any()) for t in ts),
            "flat_bad": any(not bool(t.isfinite().all()) for t in flat),
            "extreme": any(bool(((t.abs() > 1e300) & t.isfinite()).any()) for t in ts)}


def analyse(spec, x):
    """Every module's output in the order their forward passes finish (the root's last), found here with forward
    hooks on the judge's own copy: the answer and, for drawing separating cases, the answers of near-miss methods."""
    m = P.model(spec).to(x.device)
    done, called = [], []
    handles = []
    for name, sub in m.named_modules():
        handles.append(sub.register_forward_hook(
            lambda module, args, out, name=name: done.append(dict(_flags(out), name=name))))
        handles.append(sub.register_forward_pre_hook(
            lambda module, args, name=name: called.append((name, _flags(args)["bad"]))))
    try:
        with torch.no_grad():
            m(x)
    finally:
        for h in handles:
            h.remove()
    subs = [r for r in done if r["name"]]
    order = [n for n, _ in m.named_modules() if n]
    bad = [r["name"] for r in subs if r["bad"]]
    leaves = {n for n, sub in m.named_modules() if n and next(sub.children(), None) is None}

    def first(rows, key):
        return next((r["name"] for r in rows if r[key]), None)

    return {"answer": bad[0] if bad else None,
            "extreme": any(r["extreme"] for r in done),
            "root_bad": done[-1]["bad"],
            "last": bad[-1] if bad else None,
            "nan_only": first(subs, "nan"),
            "nan_posinf": next((r["name"] for r in subs if r["nan"] or r["posinf"]), None),
            "flat": first(subs, "flat_bad"),
            "pre": next((n for n, b in called if n and b), None),
            "module_order": next((n for n in order if n in bad), None),
            "top_level": next((n for n in bad if "." not in n), None),
            "leaves_only": next((n for n in bad if n in leaves), None),
            "container": bool(bad) and bad[0] not in leaves,
            "first_trap": next((n for n, sub in m.named_modules() if n and isinstance(sub, TRAPS)), None)}


TRAPS = (P.Log, P.Sqrt, P.Exp, P.Pair)  # layers that can break a forward pass (not every one does)


def answer(spec, x):
    """What first_nonfinite_module must return for the model spec describes on input x, found here."""
    return analyse(spec, x)["answer"]


KINDS = {
    # kind: does the analysis make a drawn model one (each separates the right answer from near-miss methods)
    "nested": lambda f: f["answer"] is not None and "." in f["answer"] and f["module_order"] != f["answer"]
    and f["last"] != f["answer"] and f["top_level"] != f["answer"] and f["first_trap"] != f["answer"],
    "top": lambda f: f["answer"] is not None and "." not in f["answer"] and f["last"] != f["answer"]
    and f["pre"] != f["answer"],
    "inf_only": lambda f: f["answer"] is not None and f["nan_only"] != f["answer"],
    "neg_inf": lambda f: f["answer"] is not None and f["nan_posinf"] != f["answer"],
    "tuple": lambda f: f["answer"] is not None and f["flat"] != f["answer"],
    "root": lambda f: f["answer"] is None and f["root_bad"] and f["first_trap"] is not None,
    # a nested container (a Net) whose own forward makes the first NaN from its children's finite outputs
    "container": lambda f: f["container"] and f["leaves_only"] != f["answer"],
    "finite": lambda f: f["answer"] is None and not f["root_bad"] and f["first_trap"] is not None,
}


NET_KINDS = {"container"}  # kinds drawn with nested Nets instead of nested Sequentials


def draw_input(rng):
    n = _int(rng, 2, 5)
    return torch.randn(n, 4, generator=rng, dtype=torch.float64) * _pick(rng, [1.0, 2.0, 5.0])


def draw_case(rng, kind, avoid=()):
    """A random model spec of the given kind whose answer is not in avoid, and an input batch x (float64)."""
    for _ in range(5000):
        spec = draw_model(rng, nets=kind in NET_KINDS)
        x = draw_input(rng)
        f = analyse(spec, x)
        if not f["extreme"] and KINDS[kind](f) and (f["answer"] is None or f["answer"] not in avoid):
            return spec, x
    raise AssertionError(f"prep could not draw a model of kind {kind}")  # the grader's bug, never the learner's


def describe_model(spec):
    def text(item):
        if item[0] == "seq":
            return "Sequential(" + ", ".join(f"{n}={text(i)}" for n, i in item[1]) + ")"
        if item[0] == "net":
            own = "" if item[2] is None else f", then its own forward returns log(out - {item[2]:g})"
            return "Sequential(" + ", ".join(f"{n}={text(i)}" for n, i in item[1]) + own + ")"
        if item[0] == "linear":
            return f"Linear({item[1].shape[1]}, {item[1].shape[0]})"
        if item[0] == "scale":
            return f"Scale({item[1]:g})"
        if item[0] == "pair":
            inner = "Inner(exp(|x| + c), x)" if item[2] else "Inner(x, exp(|x| + c))"
            return f"Pair(c={item[1]:g}: returns (x, {inner}), Inner a namedtuple)"
        return {"tanh": "Tanh()", "relu": "ReLU()", "log": "Log()", "exp": "Exp()", "sqrt": "Sqrt()",
                "first": "First(): pair[0]"}[item[0]]
    own = "" if spec["shift"] is None else f", then its own forward returns log(out - {spec['shift']:g})"
    return f"{text(['seq', spec['blocks']])}{own} (random float64 weights drawn per run)"


def expect_answer(got, want, prop, detail=None):
    value = got.get("got") if isinstance(got, dict) else got
    if type(value) is not type(want) or value != want:
        raise CheckFailure(prop, detail(value) if detail else "")


def test_nan_module_example(learner, device, rng):
    """first_nonfinite_module on a random model (drawn per run) whose first non-finite output comes from a module
    inside a nested block, and no hook is left on the model afterwards."""
    spec, x = draw_case(rng, "nested")
    x = x.to(device)
    want = answer(spec, x)
    got = learner.probe("nonfinite", spec, x)
    inputs = f"model = {describe_model(spec)}; x = {x.tolist()}"
    expect_answer(got, want, f"first_nonfinite_module should return {want!r}",
                  lambda value: f"inputs: {inputs}\nexpected {want!r}\nreceived {value!r}")
    if got["hooks_left"]:
        raise CheckFailure("first_nonfinite_module left hooks registered on the model",
                           f"inputs: {inputs}\nhooks still attached afterwards: {got['hooks_left']}")
