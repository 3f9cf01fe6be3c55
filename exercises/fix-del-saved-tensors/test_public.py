"""Public graders for fix-del-saved-tensors. Saved bytes are counted here, in the judge; predict's memory is read
from outside the worker."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling
from grader.judge.remote import received_info

P = load_sibling(__file__)
MB = 2**20
ROOM = MB  # what the submission may hold when the measured predict starts, above the fresh worker's size before it loaded


def expect_int(got, want, what, detail):
    if type(got) is not int:
        raise CheckFailure(f"{what} must be a Python int", f"received {got!r}; {detail}")
    if got != want:
        raise CheckFailure(f"{what} is not right", f"expected {want}, received {got}; {detail}")


def test_saved_bytes_linear_example(learner, device):
    """nn.Linear(5, 3) on a (10, 5) float32 input saves the input only: 200 bytes (with grad) and 0 under no_grad."""
    for name, want in (("linear", 200), ("no_grad", 0)):
        got = learner.probe("learner_bytes", name, 10, 0, str(device))
        expect_int(got, want, f"saved_bytes for the case '{name}'",
                   "lin = nn.Linear(5, 3), x = torch.randn(10, 5)" + (", under torch.no_grad()" if name == "no_grad" else ""))


def test_predict_frees_input(learner):
    """out = predict(model, x) on a 16 MB input, then the caller drops x: the worker holds no more than out afterwards,
    and out equals model(x) without a graph. Measured in a fresh worker that may hold at most 1 MiB more than before
    your code was loaded (memory taken in advance and freed inside predict would hide what stays alive)."""
    seed, n, width, depth = 0, 65536, 64, 2
    inputs = f"2 rounds of (x * w + b, tanh) then Linear(64, 2), float32, x of shape ({n}, {width}) (16 MB)"
    # in a fresh worker, warmed up by the judge's own inference forward before your code loaded (first calls allocate
    # lazily): memory taken at import, freed inside predict, would make room for x or the graph and hide them
    with learner.fresh(warm="warm_up") as clean:
        clean.probe("prepare", seed, width, depth)
        with clean.measure(room=ROOM) as m:
            clean.probe("predict_and_drop", n)
        out = clean.probe("take", "out")
    expect_close(out, P.reference_predict(seed, n, width, depth), what="predict(model, x)", inputs=inputs)
    info = received_info(out)
    if info is not None and info.requires_grad:
        raise CheckFailure("predict's output carries a graph (requires_grad=True, grad_fn is set)", inputs)
    if m.kept > 4 * MB:
        raise CheckFailure("after predict returned and the caller deleted x, the worker still holds "
                           f"{m.kept / MB:.1f} MB more: x (16 MB) or the activations saved for backward are alive",
                           inputs)
