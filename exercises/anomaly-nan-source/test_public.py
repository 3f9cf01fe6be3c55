"""Public graders for anomaly-nan-source, and the judge's side of every find_nan_backward case.

Each case is drawn per run: a random computation (a few differentiable operations on random inputs, some of them
exact zeros or negatives), sent to the worker as a spec; the expected answer is found here, in the judge, by building
the same function from the trusted probes.py and running anomaly mode on it."""

import re
import warnings

import torch

from grader.drawn import describe, draw, pick, randint
from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)

def anomaly_run(spec, device="cpu"):
    """reference(spec, device), and which output of the reported node holds the NaN (None unless a NaN is reported)."""
    fn = P.build(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with torch.autograd.detect_anomaly():
                fn(*P.inputs_of(spec, device)).backward()
        except RuntimeError as e:
            match = re.search(r"Function '(\w+)' returned nan values(?: in its (\d+)th output)?", str(e))
            if match is None:
                return ("raises", "RuntimeError"), None
            return ("nan", match.group(1)), (int(match.group(2)) if match.group(2) is not None else None)
        except ValueError:
            return ("raises", "ValueError"), None
    return ("none", None), None


def reference(spec, device="cpu"):
    """What find_nan_backward must give for spec, found here: ("nan", node name), ("none", None) or ("raises", type)."""
    return anomaly_run(spec, device)[0]


def features(spec):
    """Facts about spec's computation on the CPU, for drawing cases of a kind (None if its numbers are extreme):
    outcome, whether the forward pass makes a NaN, the nodes whose computed gradients are not finite (in the order
    backward runs them, without anomaly mode), and the loss's node."""
    outcome, nan_output = anomaly_run(spec)
    trace, seen, bad = [], set(), []
    fn = P.build(spec, trace)
    try:
        loss = fn(*P.inputs_of(spec))
    except ValueError:
        return {"outcome": outcome, "fwd_nan": False, "bad": [], "loss_node": None, "nan_output": nan_output}
    values = torch.cat([t.detach().reshape(-1) for t in trace])
    finite = values[torch.isfinite(values)].abs()
    if bool((finite > 1e6).any()) or bool(((finite > 0) & (finite < 1e-6)).any()):
        return None
    handles, stack = [], [loss.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)

        def hook(grad_inputs, grad_outputs, node=node):
            gs = [g for g in grad_inputs if g is not None]
            if any(not bool(torch.isfinite(g).all()) for g in gs):
                bad.append(type(node).__name__)
            if any(bool(((g.abs() > 1e6) & torch.isfinite(g)).any()) for g in gs):
                bad.append("(extreme)")
        handles.append(node.register_hook(hook))
        stack.extend(child for child, _ in node.next_functions)
    try:
        loss.backward()
    except RuntimeError:
        pass
    for h in handles:
        h.remove()
    if "(extreme)" in bad:
        return None
    return {"outcome": outcome, "fwd_nan": bool(values.isnan().any()), "bad": bad,
            "loss_node": type(loss.grad_fn).__name__ if loss.grad_fn is not None else None, "nan_output": nan_output}


KINDS = {
    # kind: does a drawn computation's features make it one
    "nan": lambda f: f["outcome"][0] == "nan",
    "nan_later_output": lambda f: f["outcome"][0] == "nan" and f["nan_output"] not in (0, None),  # "in its 1th output"
    "nan_after_inf": lambda f: f["outcome"][0] == "nan" and bool(f["bad"]) and f["bad"][0] != f["outcome"][1],
    "inf_only": lambda f: f["outcome"][0] == "none" and bool(f["bad"]),
    "forward_only": lambda f: f["outcome"][0] == "none" and f["fwd_nan"],
    "forward_leak": lambda f: f["outcome"][0] == "nan" and f["fwd_nan"],
    "clean": lambda f: f["outcome"][0] == "none" and not f["bad"] and not f["fwd_nan"],
    "raises_value": lambda f: f["outcome"] == ("raises", "ValueError"),
    "raises_runtime": lambda f: f["outcome"] == ("raises", "RuntimeError"),
}


def draw_case(rng, kind, avoid=()):
    """A random spec of the given kind whose answer is not in avoid (answers already drawn, to vary them), and its
    outcome on the CPU."""
    for _ in range(5000):
        spec = draw(rng, reduce=True)
        f = features(spec)
        if f is not None and KINDS[kind](f) and f["outcome"] not in avoid:
            return spec, f["outcome"]
    raise AssertionError(f"prep could not draw a case of kind {kind}")  # the grader's bug, never the learner's


def answer_text(outcome):
    return {"nan": repr(outcome[1]), "none": "None", "raises": f"raises {outcome[1]}"}[outcome[0]]


def received_text(got):
    return f"raises {got['raised']}" if got["raised"] else repr(got["got"])


def matches(got, outcome):
    if outcome[0] == "raises":
        return got["raised"] == outcome[1]
    return got["raised"] is None and type(got["got"]) is (str if outcome[0] == "nan" else type(None)) \
        and got["got"] == outcome[1]


def test_find_example(learner, device, rng):
    """find_nan_backward on a random small computation in which anomaly mode reports a node (drawn per run)."""
    spec, _ = draw_case(rng, "nan")
    want = reference(spec, str(device))
    got = learner.probe("find", spec, str(device))
    if not matches(got, want):
        raise CheckFailure(f"find_nan_backward should return {answer_text(want)}",
                           f"inputs: {describe(spec)}\nexpected {answer_text(want)}\nreceived {received_text(got)}")
    if got["anomaly_on"]:
        raise CheckFailure("anomaly detection is still switched on after find_nan_backward",
                           f"inputs: {describe(spec)}")


def test_row_norms_example(learner, device, rng):
    """row_norms of a small matrix with a zero row (rows drawn per run): the norms, and the gradient 0 for the zero
    row and x / norm for the others."""
    triples = [(3.0, 4.0), (5.0, 12.0), (8.0, 6.0), (0.0, 2.0), (7.0, 24.0)]
    n = randint(rng, 2, 4)
    rows = [list(triples[randint(rng, 0, len(triples) - 1)]) for _ in range(n)]
    rows = [[v if randint(rng, 0, 1) else -v for v in r] for r in rows]
    rows[randint(rng, 0, n - 1)] = [0.0, 0.0]
    x = torch.tensor(rows, dtype=torch.float64, device=device)
    norm = torch.tensor([(a * a + b * b) ** 0.5 for a, b in rows], dtype=torch.float64, device=device)
    grad = torch.tensor([[a / m, b / m] if m else [0.0, 0.0] for (a, b), m in zip(rows, norm.tolist())],
                        dtype=torch.float64, device=device)
    got = learner.probe("norm_grad", x)
    expect_close(got["out"], norm, what="row_norms(x)", inputs=f"x = {rows}")
    expect_close(got["grad"], grad, what="the gradient of row_norms(x).sum()", inputs=f"x = {rows}")
