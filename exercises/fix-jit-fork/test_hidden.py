"""Hidden graders for fix-jit-fork: values on random and broadcast inputs, the forked sum, fork_all's results for
several lists of functions and its traced forks and waits. Graphs are read here, in the judge."""

import re

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)
G = load_sibling(__file__, "test_public.py")


def _tensor(rng, shape, dtype, device):
    if dtype.is_floating_point:
        return torch.randn(shape, generator=rng, dtype=torch.float64).to(device=device, dtype=dtype)
    return torch.randint(-50, 50, shape, generator=rng).to(device=device, dtype=dtype)


def test_script_values(learner, device, rng):
    """my_function returns the tuple (x + y, x * y) for random inputs of several shapes, broadcasting included, and
    of several dtypes (float32, float64, integers, mixed): each output has the dtype torch's x + y and x * y have,
    with their values (no cast, no loss of precision); the function is scripted, not traced (its graph's inputs are
    plain Tensors, not specialized to an example)."""
    f32, f64, i64, i32 = torch.float32, torch.float64, torch.int64, torch.int32
    for (xs, xd), (ys, yd) in ((((3,), f32), ((3,), f32)), (((2, 4), f32), ((2, 4), f32)),
                               (((3, 1), f32), ((4,), f32)), (((2, 3), f64), ((3,), f64)),
                               (((4,), i64), ((2, 4), i64)), (((3, 1), i32), ((3,), f64)),
                               (((2, 2), i64), ((2, 2), f32))):
        x, y = _tensor(rng, xs, xd, device), _tensor(rng, ys, yd, device)
        what = f"for shapes {xs} and {ys}, dtypes {xd} and {yd}"
        got = learner.probe("script_facts", x, y)
        G.script_structure(got, what)
        G.expect_pair(got["out"], x, y, what)
        header = got["graph"].split("):", 1)[0] if isinstance(got["graph"], str) else ""
        if any(t.strip() != "Tensor" for t in re.findall(r"%[\w.]+ : ([^,\n]+)", header)):
            raise CheckFailure("my_function must be scripted (@torch.jit.script): its graph's inputs are specialized to "
                               "one example's types and shapes, as torch.jit.trace records them")


def test_script_forks_the_sum(learner, device, rng):
    """In my_function's graph, the first output (x + y) is the value waited for from the forked task."""
    x, y = torch.randn(4, generator=rng).to(device), torch.randn(4, generator=rng).to(device)
    G.script_structure(learner.probe("script_facts", x, y), "random inputs")


def _count(which):
    repeated = ", some of them listed more than once (fork each entry)" if which == "repeated" else ""
    return f"for {len(P.FNS[which])} function(s){repeated}"


def test_fork_all(learner, device, rng):
    """fork_all returns a list of the waited results in the order of fns, for one function, four, five with
    results of different shapes, six where the same functions are listed more than once (one result per
    entry), and none (an empty list), on a float x, an int64 one and one with no elements, and the same functions
    again on another x of the same shape (nothing is kept from an earlier call); the results are those of
    the forked calls (functions whose value changes with each call give their first call's value). On an x that
    requires grad the results are fn(x) themselves, connected to x: the gradient of a weighted sum of them reaches x
    (no x.detach(), no torch.no_grad() around the forks)."""
    for which in ("one", "four", "shapes", "repeated", "none"):
        x = torch.randn(6, generator=rng).to(device)
        G.expect_results(learner.probe("fork_all_eager", which, x), P.reference_fork_all(which, x),
                         _count(which))
    # the same four functions again on another x of the same shape and dtype: a result remembered from an earlier
    # call (a cache keyed by the functions, x's shape or its id) shows here, named as such
    x = torch.randn(6, generator=rng).to(device)
    G.expect_results(learner.probe("fork_all_eager", "four", x), P.reference_fork_all("four", x),
                     f"{_count('four')}, a second call with the same functions on another x of the same shape "
                     "(compute every fn(x) afresh: keep nothing from an earlier call)")
    # an int64 x: each result is fn(x) itself, its dtype included (no cast of x)
    x = torch.randint(-50, 50, (6,), generator=rng).to(device)
    G.expect_results(learner.probe("fork_all_eager", "shapes", x), P.reference_fork_all("shapes", x),
                     f"{_count('shapes')}, on an int64 x (fork fn(x) with x as it is)")
    # an x with no elements: every function is still forked, one (empty) result per function
    x = torch.randn(0, generator=rng).to(device)
    G.expect_results(learner.probe("fork_all_eager", "four", x), P.reference_fork_all("four", x),
                     f"{_count('four')}, on an x with no elements (still one result per function)")
    # functions whose value changes with each call: the results are those of the forked calls, each function called
    # once per entry (not called again after the waits)
    x = torch.randn(6, generator=rng).to(device)
    G.expect_results(learner.probe("fork_all_fresh", 3, x), [x * (i + 1) + 100 for i in range(3)],
                     "for 3 functions whose value changes with each call (start each once with torch.jit.fork and "
                     "return what its wait gives)")
    for which in ("four", "repeated"):
        x = torch.randn(6, generator=rng, dtype=torch.float64).to(device)
        got = learner.probe("fork_all_grad", which, x)
        what = f"{_count(which)}, on an x that requires grad"
        G.expect_results(got.get("out"), P.reference_fork_all(which, x), what)
        if "error" in got:
            raise CheckFailure(f"fork_all's results must be fn(x) with their autograd graph ({what}): "
                               "back-propagating from them to x fails; fork fn(x) itself, without detaching x or "
                               "switching off grad mode", got["error"])
        xr = x.clone().requires_grad_()
        (want,) = torch.autograd.grad(sum((i + 1) * r.sum() for i, r in enumerate(P.reference_fork_all(which, xr))),
                                      xr)
        expect_close(got["grad"], want, what=f"the gradient reaching x through fork_all's results ({what})")


def test_fork_all_forks_each(learner, device, rng):
    """Traced, fork_all records one prim::fork per function, all before the first aten::wait, and the trace gives the
    same results; a function listed more than once in fns is forked once per entry."""
    for which in ("one", "shapes", "repeated"):
        x = torch.randn(6, generator=rng).to(device)
        traced = learner.probe("fork_all_traced", which, x)
        G.fork_structure(traced, len(P.FNS[which]), _count(which))
        G.expect_results(traced["out"], P.reference_fork_all(which, x), f"traced, {_count(which)}")
