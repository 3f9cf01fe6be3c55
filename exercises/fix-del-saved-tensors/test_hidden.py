"""Hidden graders for fix-del-saved-tensors: saved bytes against the judge's own count, predict's values, and its
memory read from outside the worker (nothing saved during the call, grad mode on afterwards)."""

import pytest
import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling
from grader.judge.remote import received_info

P = load_sibling(__file__)
MB = 2**20
ROOM = MB  # what the submission may hold when the measured predict starts, above the fresh worker's size before it loaded

CASES = {
    "linear_input_grad": "a Linear whose input requires grad (input and weight are saved)",
    "tanh": "tanh (saves its output)",
    "square": "x * x (the same tensor saved twice: one storage)",
    "add": "x + x (saves nothing)",
    "slice": "x[0] * x[-1] (two views of one storage)",
    "mlp": "a Linear-Tanh-Linear stack",
    "param": "x * w with w an nn.Parameter (the Parameter itself is saved, and counts like any tensor)",
    "no_grad": "anything under torch.no_grad()",
    "args": "saved_bytes(torch.mul, a, b): fn's arguments passed through",
    "args_mixed": "saved_bytes(fn, a, b, 3.0) with a tensor and a float argument",
    "embedding": "an nn.Embedding (it saves its int64 indices: every saved storage counts, whatever its dtype)",
    "masked": "x.masked_fill(x > 0, 0) (it saves the bool mask: every saved storage counts, whatever its dtype)",
    "scalar_exponent": "x ** e with e a 0-d tensor that requires grad (0-d saved tensors count too)",
}


def sizes(rng):
    return int(torch.randint(1, 40, (1,), generator=rng)), int(torch.randint(0, 10_000, (1,), generator=rng))


def expect_count(got, name, n, seed, device, what):
    if type(got) is not int:
        raise CheckFailure(f"saved_bytes must return a Python int ({what})")
    if got != P.reference_bytes(name, n, seed, device):
        raise CheckFailure(f"saved_bytes is not right for {what}")


@pytest.mark.parametrize("name", list(CASES))
def test_saved_bytes(learner, device, rng, name):
    """saved_bytes equals the distinct saved storages' bytes for one kind of function, at a random batch size
    (slice also with two empty views of x's storage); no_grad also calls saved_bytes inside the caller's
    torch.no_grad() (the answer is 0)."""
    n, seed = sizes(rng)
    if name == "slice":  # at n = 1, x[0] is all of x's storage: a count of the view's own bytes would pass
        n = max(n, 2)
    expect_count(learner.probe("learner_bytes", name, n, seed, str(device)), name, n, seed, str(device), CASES[name])
    if name == "slice":  # and saved views with no element: their storage (all of x's) counts all the same
        expect_count(learner.probe("learner_bytes", "empty_view", n, seed, str(device)), "empty_view", n, seed,
                     str(device), "x[:0] * x[1:1] (two empty views of x's storage: the storage's bytes count, "
                     "however few elements the view shows)")
    if name == "no_grad":  # and saved_bytes called inside the caller's torch.no_grad(), with fns that would save
        for other in ("tanh", "mlp"):
            got = learner.probe("learner_bytes", other, n, seed, str(device), outer_no_grad=True)
            if type(got) is not int:
                raise CheckFailure("saved_bytes must return a Python int (called under torch.no_grad())")
            if got != P.reference_bytes(other, n, seed, str(device), outer_no_grad=True):
                raise CheckFailure(f"saved_bytes called by the caller under torch.no_grad() must give 0 for "
                                   f"{CASES[other]}: run fn in the caller's grad mode, do not switch recording on")


def test_saved_bytes_called_twice(learner, device, rng):
    """Two calls in a row count each call's own storages (nothing carried over from the first call); also twice on
    the very same fn and arguments, whose input and parameters stay alive between the calls: each call counts them
    again."""
    n, seed = sizes(rng)
    for name in ("tanh", "mlp", "tanh"):
        got = learner.probe("learner_bytes", name, n, seed + 1, str(device))
        expect_count(got, name, n, seed + 1, str(device), f"{CASES[name]}, called after another saved_bytes call")
    for name in ("mlp", "param"):
        got = learner.probe("learner_bytes_twice", name, n, seed + 2, str(device))
        if not isinstance(got, list) or len(got) != 2:
            raise CheckFailure("the grader could not read the results of two saved_bytes calls")
        for i, count in enumerate(got):
            expect_count(count, name, n, seed + 2, str(device),
                         f"{CASES[name]}, call {i + 1} of 2 on the same fn and arguments (the same live tensors are "
                         "saved again: each call counts what its own fn(*args) saved)")


def test_predict_values(learner, device, rng):
    """predict returns model(x) without a graph, in float32 and float64, for batches of 1 and more; and for a model
    with a BatchNorm1d in training mode, model(x) as the model is (batch statistics), not switched to eval(); and for
    an x that itself requires grad, still without a graph."""
    for dtype in ("float32", "float64"):
        for n, norm, x_grad in ((1, False, False), (int(torch.randint(2, 30, (1,), generator=rng)), False, False),
                                (int(torch.randint(2, 30, (1,), generator=rng)), True, False),
                                (int(torch.randint(2, 30, (1,), generator=rng)), False, True)):
            seed = int(torch.randint(0, 10_000, (1,), generator=rng))
            out = learner.probe("predict_values", seed, n, 6, 3, dtype, str(device), norm, x_grad)
            expect_close(out, P.reference_predict(seed, n, 6, 3, dtype, str(device), norm),
                         what=f"predict(model, x) in {dtype}" + (
                             " for a model with a BatchNorm1d in training mode (return model(x) as the caller's "
                             "model is: do not switch it to eval())" if norm else ""))
            info = received_info(out)
            if info is not None and info.requires_grad:
                raise CheckFailure("predict's output carries a graph (requires_grad=True)" + (
                    " for an x that requires grad: freezing the parameters does not stop autograd from recording "
                    "the operations on x; switch recording off (torch.no_grad() or torch.inference_mode())"
                    if x_grad else ""))


def test_predict_saves_nothing(learner, rng):
    """During predict nothing is saved for backward: the worker's peak memory (read from outside) stays at what an
    inference forward needs, not the 12 activations a training forward keeps (building the graph and detaching
    afterwards still pays for it). Measured in a fresh worker that may hold at most 1 MiB more than before your code
    was loaded: memory taken in advance (a buffer allocated at import and freed inside predict to make room for the
    graph) would hide the graph from the measurement."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    # x's seed goes only with the measured request: the model is built in the unmeasured prepare, and an x known
    # there would let predict's answer be computed in advance (graph and all) and returned by the measured call
    x_seed = int(torch.randint(0, 2**31 - 2, (1,), generator=rng))
    n, width, depth = 16384, 64, 12  # one activation is 4 MB; a training forward saves about 13 of them
    with learner.fresh(warm="warm_up") as clean:
        clean.probe("prepare", seed, width, depth)
        with clean.measure(room=ROOM) as m:
            clean.probe("predict_and_drop", n, x_seed)
        out = clean.probe("take", "out")
    with torch.no_grad():
        want = P.make_model(seed, width, depth)(P.make_input(x_seed, n, width))
    expect_close(out, want, what="predict(model, x) on a 4 MB input")
    if m.peak_growth > 8 * 4 * MB:
        raise CheckFailure("while predict ran, the worker's memory rose as if a graph were recorded "
                           f"({m.peak_growth / MB:.0f} MB at the peak, where an inference forward needs about 16 MB): "
                           "nothing may be saved for backward, not even for a moment")


def test_grad_mode_after_predict(learner, rng):
    """predict works without a graph, and after it returns gradient recording is on again: the caller's own training
    step (model(x), a loss, its gradients) works and gives the right gradients. (Judged by values: a lower bound on
    the worker's memory, which this grader once used, any code can inflate.)"""
    from grader.judge.session import LearnerError

    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    width, depth = 64, 12
    learner.probe("prepare", seed, width, depth)
    learner.probe("predict_and_drop", 4)
    try:
        grads = learner.probe("gradients_after", 64)
    except LearnerError as e:
        raise CheckFailure("after predict returned, a training forward by the caller recorded no graph (its backward "
                           "failed): predict left gradient recording switched off", e.summary()) from None
    want = P.reference_gradients_after(seed, 64, width, depth)
    if not isinstance(grads, list) or len(grads) != len(want):
        raise CheckFailure("after predict returned, the caller's training step did not give one gradient per parameter")
    for i, (g, w) in enumerate(zip(grads, want)):
        expect_close(g, w, what=f"the gradient of parameter {i} in the caller's training step after predict (predict "
                                "must leave gradient recording, and the model, as it found them)")
    out = learner.probe("take", "out")  # predict itself must have worked, without a graph
    expect_close(out, P.reference_predict(seed, 4, width, depth), what="predict(model, x)")
    info = received_info(out)
    if info is not None and info.requires_grad:
        raise CheckFailure("predict's output carries a graph (requires_grad=True)")
    # a caller that runs predict inside its own torch.no_grad() block: recording must still be off after predict
    # returns (a predict that ends with torch.set_grad_enabled(True) passes every call made with recording on)
    if learner.probe("predict_grad_mode_after_no_grad", seed, 4, width, depth) is not False:
        raise CheckFailure("predict, called inside a caller's torch.no_grad() block, left gradient recording on after "
                           "it: the caller's no_grad no longer holds for the code after the call",
                           "switch recording off only inside a with block (with torch.no_grad(): or with "
                           "torch.inference_mode():), never with torch.set_grad_enabled(...) left behind: leave torch's "
                           "settings as you found them")


def test_saved_bytes_backward_inside(learner, device, rng):
    """fn runs forward and backward itself: saved_bytes counts the forward's saved storages, and autograd still gets
    the saved tensors back (the gradients fn leaves in the model are right). Then fn scales the parameters in place
    (under no_grad) between its forward and its backward: given back the very tensors it saved (the saved weights
    are views of the parameters), autograd's backward sees the edited weights; given copies made when they were
    saved, it would silently use the old ones. Then fn saves a tensor and two views of its storage and runs backward:
    each saved tensor must come back itself, not another one that shares its storage. Last, fn runs a double backward
    (create_graph=True), whose backward saves the tensors it unpacks: copies handed back would be saved (and counted)
    as new storages."""
    from grader.judge.session import LearnerError

    n, seed = sizes(rng)
    for name, what, hint in (
            ("backward_inside", "a function that runs backward itself",
             "the hooks must hand autograd back the tensors it saved"),
            ("backward_edit", "a function that edits its parameters in place and then runs backward",
             "the hooks must hand autograd back the very tensors it saved, not copies"),
            ("backward_views", "a function that saves x and two views of it (x * x[0] * x[-1]) and runs backward",
             "x, x[0] and x[-1] share one storage: key the byte count by storage, but hand autograd back each saved "
             "tensor itself, not one looked up by its storage"),
            ("backward_double", "a function that runs a double backward (a gradient with create_graph=True, then "
             "the backward of its squared norm)",
             "its backward with create_graph=True saves the tensors it unpacks: if unpack hands back copies "
             "(t.clone(), t.detach().clone()), the copies are saved again as new storages and the count grows; "
             "unpack must hand back the very tensors that were saved")):
        if name == "backward_views":
            n = max(n, 2)  # x[0] and x[-1] are then two different views of x's storage
        try:
            got = learner.probe("learner_gradients", n, seed, str(device), name)
        except LearnerError as e:
            raise CheckFailure(f"saved_bytes raised on {what}: autograd must still work inside fn ({hint})",
                               e.summary()) from None
        if not isinstance(got, dict):
            raise CheckFailure(f"saved_bytes could not be run on {what}")
        # the gradients first: a wrong tensor handed back also changes what a double backward saves (and so the count)
        for i, (g, w) in enumerate(zip(got.get("grads", ()), P.reference_gradients(n, seed, str(device), name))):
            tensor = "x" if name == "backward_views" else f"parameter {i}"
            if g is None:
                raise CheckFailure(f"backward inside fn left no gradient ({what}): the saved tensors must reach "
                                   "autograd unchanged")
            expect_close(g, w, what=f"the gradient of {tensor} computed by backward inside fn, for {what} ({hint})")
        expect_count(got.get("count"), name, n, seed, str(device),
                     f"{what}: {hint}" if name == "backward_double" else what)
