"""Public graders for fix-static-graph-optimize, and the judge's side of every case.

Each function to optimize is drawn per run: a random pure program of a few operations on x and y (with duplicates,
duplicates that appear only after earlier merges, dead chains, calls that differ only in one argument...), sent to the
worker as a spec and built there by the one shared builder of probes.py. The worker sends the returned GraphModule's
graph as plain data and the code it runs; duplicates, dead nodes and the number of calls that should remain are found
here, in the judge, on its own copy of the function built from the trusted probes.py."""

import re

import torch
import torch.fx

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)

CALLS = ("call_function", "call_method", "call_module")
ASSIGN = re.compile(r"^\s+(\w+) = ")


def _in(what):
    return f" ({what})" if what else ""


def check_graph(got, want_calls, what="", inputs=""):
    """No duplicate call, no dead call, the code matches the graph, and exactly want_calls calls remain."""
    if not isinstance(got, dict) or not got.get("is_gm"):
        kind = got.get("type") if isinstance(got, dict) else type(got).__name__
        raise CheckFailure("optimize must return a torch.fx.GraphModule", f"it returned a {kind}; {inputs}")
    calls = [n for n in got["nodes"] if n["op"] in CALLS]
    seen = {}
    for n in calls:
        key = (n["op"], n["target"], n["args"], n["kwargs"])
        if key in seen:
            raise CheckFailure(f"the optimized graph still has duplicate calls{_in(what)}",
                               f"{seen[key]} and {n['name']} are both {n['op']} {n['target']}{n['args']}; {inputs}")
        seen[key] = n["name"]
    dead = [n["name"] for n in calls if n["users"] == 0]
    if dead:
        raise CheckFailure(f"the optimized graph still has calls whose result is unused{_in(what)}",
                           f"dead: {', '.join(dead)}; {inputs}")
    names = {n["name"] for n in got["nodes"]}
    assigned = {m.group(1) for line in got["code"].splitlines() for m in [ASSIGN.match(line.split(";")[0])] if m}
    if assigned - names or {n["name"] for n in calls} - assigned:
        raise CheckFailure(f"the GraphModule's code does not match its graph{_in(what)}: after changing the graph, "
                           "call gm.recompile() so that the module runs the optimized graph",
                           f"the code assigns {sorted(assigned - names)} that the graph no longer has; {inputs}")
    if len(calls) != want_calls:
        targets = sorted(n["target"] for n in calls)
        raise CheckFailure(f"the optimized graph has {len(calls)} calls{_in(what)}, expected {want_calls}: it should have "
                           "no duplicate and no dead call, and keep every distinct one", f"its calls: {targets}; {inputs}")


def check_values(got, want, what="", inputs=""):
    outs = got["outputs"]
    for i, (out, w) in enumerate(zip(outs, want)):
        if isinstance(w, tuple):
            if not isinstance(out, tuple) or len(out) != len(w):
                raise CheckFailure(f"the optimized function must return what fn returns{_in(what)}", inputs)
            for j, (o, ww) in enumerate(zip(out, w)):
                expect_close(o, ww, what=f"output {j} of the optimized function on input {i}{_in(what)}", inputs=inputs)
        else:
            expect_close(out, w, what=f"the optimized function on input {i}{_in(what)}", inputs=inputs)


# ---- drawing a random program (judge side) ----

UNARY = ["sin", "tanh", "cos_method", "exp_method", "count", "sum_pos", "sum_kw", "addc", "mulc"]
BINARY = ["add", "mul", "sub", "cat"]
CONSTANTS = {"addc": [1, 2, 1.0, 0.5, -1.5], "mulc": [2, 3, 2.0, 0.5, -0.25]}
# value kinds: m a (k, 3) float matrix, c a (k, 1) float column, s a float scalar, i an int64 scalar


def _int(rng, low, high):
    return int(torch.randint(low, high + 1, (1,), generator=rng))


def _pick(rng, items):
    return items[_int(rng, 0, len(items) - 1)]


class _Program:
    def __init__(self, rng):
        self.rng, self.ops, self.kinds, self.dead = rng, [], ["m", "m"], set()

    def pool(self, kinds=None):
        return [i for i, k in enumerate(self.kinds) if i not in self.dead and (kinds is None or k in kinds)]

    def arg(self, kinds=None):
        pool = self.pool(kinds)
        if _int(self.rng, 0, 1):  # prefer recent values
            pool = pool[-3:]
        return _pick(self.rng, pool)

    def kind_of(self, op):
        name, k = op[0], P.OPS[op[0]]
        a = [self.kinds[i] for i in op[1:1 + k]]
        c = op[1 + k:]
        if name == "count":
            return "i"
        if name in ("sin", "tanh", "cos_method", "exp_method"):
            return "s" if a[0] == "i" else a[0]
        if name in ("sum_pos", "sum_kw", "sum_kw_swap", "sum_pos_none"):
            return "c" if a[0] == "m" and c[0] == -1 else a[0]
        if name in ("addc", "mulc"):
            return "s" if a[0] == "i" and isinstance(c[0], float) else a[0]
        if name in ("cat", "cat_tuple"):
            return "m"
        if name in ("reshape_shape", "slice_all"):
            return a[0]
        for k in ("m", "c"):
            if k in a:
                return k
        return "i" if a == ["i", "i"] else "s"

    def add(self, op):
        self.ops.append(list(op))
        self.kinds.append(self.kind_of(op))
        return len(self.kinds) - 1

    def random_op(self, unary=None):
        rng = self.rng
        if unary if unary is not None else _int(rng, 0, 1):
            name = _pick(rng, UNARY)
            if name in ("sum_pos", "sum_kw"):
                return [name, self.arg(), _pick(rng, [0, -1])]
            if name in CONSTANTS:
                return [name, self.arg(), _pick(rng, CONSTANTS[name])]
            if name == "exp_method":
                return [name, self.arg(("m", "c"))]
            return [name, self.arg()]
        name = _pick(rng, BINARY)
        if name == "cat":
            return [name, self.arg(("m",)), self.arg(("m",))]
        return [name, self.arg(), self.arg()]

    def randoms(self, low, high):
        for _ in range(_int(self.rng, low, high)):
            self.add(self.random_op())


def _feature(p, kind):
    rng = p.rng
    if kind == "seed_example":  # a repeated call, with other calls in between
        op = p.random_op()
        p.add(op)
        p.randoms(0, 2)
        p.add(op)
    elif kind == "nested":  # duplicates that appear only once earlier duplicates are merged, 2 or 3 levels deep
        u = p.random_op(unary=True)
        a, b = p.add(u), p.add(u)
        for _ in range(_int(rng, 1, 2)):
            g = _pick(rng, ["add", "mul", "sub"])
            w = p.arg()
            first = [g, a, w] if _int(rng, 0, 1) else [g, w, a]
            second = [g, b, w] if first[1] == a else [g, w, b]
            if _int(rng, 0, 1):
                a, b = p.add(first), p.add(second)
            else:
                h = p.random_op(unary=True)
                a = p.add(first)
                b = p.add(second)
                h1, h2 = [h[0], a] + h[2:], [h[0], b] + h[2:]
                a, b = p.add(h1), p.add(h2)
        # a cascade through a list argument: torch.cat([a, w]) and torch.cat([b, w]) are duplicates once b is merged
        # into a (a pass that rewires only the top-level arguments of b's users misses it)
        u = [_pick(rng, ["sin", "tanh", "cos_method"]), p.arg(("m",))]
        a, b = p.add(u), p.add(u)
        w = p.arg(("m",))
        p.add(["cat", a, w])
        p.add(["cat", b, w])
    elif kind == "dead":  # a dead chain (a call used only by dead calls), and a dead call on a live value
        start = len(p.kinds)
        p.add(p.random_op())
        for _ in range(_int(rng, 1, 2)):
            p.add(_chain(p, len(p.kinds) - 1))
        p.dead.update(range(start, len(p.kinds)))
        live = p.arg()
        p.dead.add(p.add(["mul", live, p.arg()]))
    elif kind == "different_arguments":  # calls that differ only in a keyword argument or a constant: all kept
        a = p.arg()
        p.add(["sum_kw", a, 0])
        p.add(["sum_kw", a, -1])
        name = _pick(rng, ["addc", "mulc"])
        c1, c2 = _pick(rng, [(1, 2), (2, 3), (0.5, -1.5)])
        b = p.arg()
        p.add([name, b, c1])
        p.add([name, b, c2])
        m1, m2 = p.arg(("m",)), p.arg(("m",))
        if m1 != m2:
            p.add(["sub", m1, m2])
            p.add(["sub", m2, m1])
        # argument forms that differ: an explicit None keyword, a tuple against a list (not -0.0 against 0.0: keying
        # constants by type and value, which merges them, is a reading the task allows)
        a, d = p.arg(), _pick(rng, [0, -1])
        p.add(["sum_pos", a, d])
        p.add(["sum_pos_none", a, d])
        m1, m2 = p.arg(("m",)), p.arg(("m",))
        p.add(["cat", m1, m2])
        p.add(["cat_tuple", m1, m2])
    elif kind == "constants":  # 1 against 1.0 on an integer result, a positional against a keyword argument
        n = p.add(["count", p.arg()])
        c = _pick(rng, [1, 2])
        p.add(["addc", n, c])
        p.add(["addc", n, float(c)])
        a, d = p.arg(), _pick(rng, [0, -1])
        p.add(["sum_pos", a, d])
        p.add(["sum_kw", a, d])
    elif kind == "lists_and_methods":  # repeated torch.cat of a list, repeated method calls, a cat in the other order
        a, b = p.arg(("m",)), p.arg(("m",))
        while b == a:
            b = p.arg(("m",))
        p.add(["cat", a, b])
        p.randoms(0, 1)
        p.add(["cat", a, b])
        p.add(["cat", b, a])
        m = _pick(rng, ["cos_method", "exp_method"])
        v = p.arg(("m", "c"))
        p.add([m, v])
        p.add([m, v])
        # the same call written differently: keyword arguments in the other order; two x.shape reads (getattr calls)
        a, d = p.arg(), _pick(rng, [0, -1])
        p.add(["sum_kw", a, d])
        p.add(["sum_kw_swap", a, d])
        r = p.arg()
        p.add(["reshape_shape", r])
        p.add(["reshape_shape", r])
        # the same index with slices twice (x[:, :]): slice objects are unhashable in Python 3.11, and a pass that skips
        # calls it cannot hash keeps both
        v = p.arg(("m", "c"))
        p.add(["slice_all", v])
        p.add(["slice_all", v])


def _chain(p, i):
    op = p.random_op(unary=True)
    return [op[0], i] + op[2:] if op[0] != "exp_method" else ["cos_method", i]


def _fold(p, kind):
    """Combine every live value nothing uses into the result (dead values stay unused)."""
    used = {i for op in p.ops for i in op[1:1 + P.OPS[op[0]]]}
    ends = [i for i in range(2, len(p.kinds)) if i not in used and i not in p.dead]
    if not ends:  # every live value feeds a dead one: one more call makes the result
        ends = [p.add(p.random_op())]
    if kind == "constants":  # return the int and float results themselves: merging them changes a dtype
        keep = [i for i in ends if p.kinds[i] == "i" or p.ops[i - 2][0] == "addc" and p.kinds[p.ops[i - 2][1]] == "i"]
        rest = [i for i in ends if i not in keep]
    elif len(ends) > 1 and _int(p.rng, 0, 1):
        keep, rest = ends[:1], ends[1:]
    else:
        keep, rest = [], ends
    acc = None
    for i in rest:
        acc = i if acc is None else p.add(["add", acc, i] if _int(p.rng, 0, 1) else ["add", i, acc])
    out = keep + ([acc] if acc is not None else [])
    return out if len(out) > 1 or kind == "constants" else out[0]


def draw(rng, kind):
    """A random spec with the feature kind names, alongside random other calls, that separates the near-miss passes
    of SEPARATES[kind] from the rule; its values on random inputs stay moderate."""
    for _ in range(200):
        p = _Program(rng)
        p.randoms(1, 3)
        _feature(p, kind)
        if kind != "seed_example":  # a repeated call in every case: no grader passes a pass that merges nothing
            _feature(p, "seed_example")
        p.randoms(0, 2)
        spec = {"ops": p.ops, "out": _fold(p, kind)}
        if kind == "dead":  # fn(x, y, w) ignores w: the module must keep every input of fn
            spec["unused_input"] = True
        xs = torch.randn(n_inputs(spec), 3, 3, generator=rng, dtype=torch.float64)
        outs = P.build(spec)(*xs)
        outs = outs if isinstance(outs, tuple) else (outs,)
        if all(bool(torch.isfinite(o).all()) and float(o.abs().max()) < 1e4 for o in outs) and separates(spec, kind):
            return spec
    raise AssertionError(f"prep could not draw a program of kind {kind}")  # the grader's bug, never the learner's


def n_inputs(spec):
    return 3 if spec.get("unused_input") else 2


def _value_key(a):
    """Arguments compared by value, as a naive pass would (1 == 1.0, lists as tuples)."""
    if isinstance(a, (list, tuple)):
        return tuple(_value_key(x) for x in a)
    if isinstance(a, dict):
        return tuple(sorted((k, _value_key(v)) for k, v in a.items()))
    return a


def _skip_unhashable(n):
    try:
        hash((n.args, tuple(n.kwargs.items())))
    except TypeError:
        return id(n)
    return KEYS["rule"](n)


def _skip_getattr(n):
    return id(n) if n.target is getattr else KEYS["rule"](n)


KEYS = {
    # keyword arguments are the same whatever order they are written in
    "rule": lambda n: (n.op, n.target, repr(n.args), repr(dict(sorted(n.kwargs.items())))),
    "ordered_kwargs": lambda n: (n.op, n.target, repr(n.args), repr(n.kwargs)),
    "drop_none": lambda n: (n.op, n.target, repr(n.args), repr({k: v for k, v in sorted(n.kwargs.items()) if v is not None})),
    "skip_getattr": _skip_getattr,
    "skip_unhashable": _skip_unhashable,
    "target_only": lambda n: (n.op, n.target),
    "no_kwargs": lambda n: (n.op, n.target, repr(n.args)),
    "by_value": lambda n: (n.op, n.target, _value_key(n.args), _value_key(n.kwargs)),
}


def calls_left(spec, key="rule", cse=True, snapshot=False, dce="full", rewire="all"):
    """How many calls remain after CSE (keyed on op, target, args and kwargs, after earlier merges) and DCE, found
    here on the judge's own trace of the function; the other arguments give near-miss passes, used only to make sure
    each drawn case separates them from the rule."""
    gm = torch.fx.symbolic_trace(P.build(spec))
    graph, seen = gm.graph, {}
    nodes = [n for n in graph.nodes if n.op in CALLS]
    keys = {n: KEYS[key](n) for n in nodes} if snapshot else None
    for node in nodes if cse else []:
        k = keys[node] if snapshot else KEYS[key](node)
        if k in seen and rewire == "top":  # only top-level arguments rewired: a list argument keeps the old node
            for user in list(node.users):
                user.args = tuple(seen[k] if x is node else x for x in user.args)
                user.kwargs = {n: (seen[k] if v is node else v) for n, v in user.kwargs.items()}
            if not node.users:
                graph.erase_node(node)
        elif k in seen:
            node.replace_all_uses_with(seen[k])
            graph.erase_node(node)
        else:
            seen[k] = node
    if dce == "full":
        graph.eliminate_dead_code()
    elif dce == "single":
        for node in list(graph.nodes):
            if node.op in CALLS and not node.users:
                graph.erase_node(node)
    return sum(n.op in CALLS for n in graph.nodes)


def expected_calls(spec):
    return calls_left(spec)


# near-miss passes each kind of case must separate from the rule (by the number of calls left)
SEPARATES = {
    "seed_example": [dict(cse=False)],
    "nested": [dict(cse=False), dict(snapshot=True), dict(rewire="top")],
    "dead": [dict(dce="none"), dict(dce="single")],
    "different_arguments": [dict(key="target_only"), dict(key="no_kwargs"), dict(key="by_value"), dict(key="drop_none")],
    "constants": [dict(key="by_value"), dict(key="target_only")],
    "lists_and_methods": [dict(cse=False), dict(key="target_only"), dict(key="ordered_kwargs"), dict(key="skip_getattr"),
                          dict(key="skip_unhashable")],
}


def separates(spec, kind):
    want = calls_left(spec)
    return calls_left(spec, cse=False) != want and all(calls_left(spec, **variant) != want for variant in SEPARATES[kind])


def describe(spec):
    """spec as Python, for messages."""
    names = ["x", "y"]
    lines = []
    for op in spec["ops"]:
        name, k = op[0], P.OPS[op[0]]
        a = [names[i] for i in op[1:1 + k]]
        c = op[1 + k:]
        text = {"sin": lambda: f"torch.sin({a[0]})", "tanh": lambda: f"torch.tanh({a[0]})",
                "cos_method": lambda: f"{a[0]}.cos()", "exp_method": lambda: f"{a[0]}.exp()",
                "count": lambda: f"({a[0]} > 0).sum()",
                "sum_pos": lambda: f"torch.sum({a[0]}, {c[0]!r}, keepdim=True)",
                "sum_kw": lambda: f"torch.sum({a[0]}, dim={c[0]!r}, keepdim=True)",
                "addc": lambda: f"{a[0]} + {c[0]!r}", "mulc": lambda: f"{a[0]} * {c[0]!r}",
                "add": lambda: f"{a[0]} + {a[1]}", "mul": lambda: f"{a[0]} * {a[1]}", "sub": lambda: f"{a[0]} - {a[1]}",
                "cat": lambda: f"torch.cat([{a[0]}, {a[1]}]).sum(0, keepdim=True)",
                "sum_kw_swap": lambda: f"torch.sum({a[0]}, keepdim=True, dim={c[0]!r})",
                "sum_pos_none": lambda: f"torch.sum({a[0]}, {c[0]!r}, keepdim=True, dtype=None)",
                "cat_tuple": lambda: f"torch.cat(({a[0]}, {a[1]})).sum(0, keepdim=True)",
                "reshape_shape": lambda: f"{a[0]}.reshape({a[0]}.shape)"}[name]()
        names.append(f"v{len(names) - 2}")
        lines.append(f"{names[-1]} = {text}")
    out = spec["out"]
    lines.append("return " + (", ".join(names[i] for i in out) if isinstance(out, list) else names[out]))
    return f"def fn(x, y{', w' if spec.get('unused_input') else ''}):\n    " + "\n    ".join(lines)


def test_seed_example(learner, device, rng):
    """optimize(fn) for a small random program with a repeated call (drawn per run) keeps every distinct live call
    once, and computes the same values."""
    spec = draw(rng, "seed_example")
    x = torch.randint(-3, 4, (2, 3), generator=rng).to(device, torch.float64)
    y = torch.randint(-3, 4, (2, 3), generator=rng).to(device, torch.float64)
    inputs = f"{describe(spec)}\nx = {x.tolist()}, y = {y.tolist()} (float64)"
    got = learner.probe("report", spec, [(x, y)])
    check_graph(got, expected_calls(spec), "", inputs)
    want = P.build(spec)(x, y)
    check_values(got, [want], "", inputs)
