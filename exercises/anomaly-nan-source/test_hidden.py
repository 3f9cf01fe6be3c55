"""Hidden graders for anomaly-nan-source: every find_nan_backward case is a random computation drawn per run (random
operations, shapes, values, and a random node where the first NaN appears, or none), sent to the worker as a spec;
the expected answer is found in the judge by running anomaly mode on the same computation built from the trusted
probes.py. Each grader mixes kinds in a random order, so no fixed answer (a name, None, an error) passes it. Row norms
in two dtypes and layouts, zero and small rows."""

import pytest
import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling
from grader.judge.kit import layouts

T = load_sibling(__file__, "test_public.py")

BATCHES = {
    # grader id: (kinds drawn, what they are, for messages)
    "nan_at_random_node": (["nan", "nan", "nan", "clean"],
                           "computations whose backward makes a NaN at a random node (and one whose backward is "
                           "finite)"),
    "nan_after_inf": (["nan_after_inf", "nan_after_inf", "inf_only"],
                      "computations where a node's gradient is inf and the NaN first appears at a later node (inf * "
                      "0), and one where the inf never meets a 0"),
    "nan_in_forward_only": (["forward_only", "forward_only", "forward_leak"],
                            "a NaN made in the forward pass whose gradient is finite (None), and one that a later "
                            "node's backward turns into a NaN gradient"),
    "inf_gradient": (["inf_only", "inf_only", "nan"],
                     "infinite but not NaN gradients (None), and a NaN gradient"),
    "clean": (["clean", "clean", "nan"], "functions whose backward is finite, and a NaN gradient"),
}


def draw_batch(rng, kinds):
    specs, answers = [], []
    for kind in kinds:
        avoid = answers if kind == "nan" else ()  # the NaN cases name different nodes
        spec, outcome = T.draw_case(rng, kind, avoid=avoid)
        specs.append(spec)
        answers.append(outcome)
    order = torch.randperm(len(specs), generator=rng).tolist()
    return [specs[i] for i in order]


def check_batch(learner, device, specs, what):
    for spec in specs:
        want = T.reference(spec, str(device))
        got = learner.probe("find", spec, str(device))
        if not T.matches(got, want):
            if want[0] == "raises":
                raise CheckFailure(f"find_nan_backward must let an error that is not anomaly mode's NaN report "
                                   f"propagate ({what})")
            raise CheckFailure(f"find_nan_backward is wrong for {what}")
        if got["anomaly_on"]:
            raise CheckFailure(f"anomaly detection is still switched on after find_nan_backward "
                               f"{'raised' if got['raised'] else 'returned'} ({what}): use the context manager, "
                               "which restores the mode whatever happens")


@pytest.mark.parametrize("name", list(BATCHES))
def test_find(learner, device, rng, name):
    """find_nan_backward on random computations of one kind mixed with another, and anomaly mode is off afterwards."""
    kinds, what = BATCHES[name]
    check_batch(learner, device, draw_batch(rng, kinds), what)


def test_other_errors_propagate(learner, device, rng):
    """A ValueError raised by fn (for some inputs) and a RuntimeError raised by a backward node that is not anomaly
    mode's NaN report propagate, and so do backward's own RuntimeErrors (a loss without a graph, a node returning a
    gradient of the wrong shape, whose message also starts with "Function"); anomaly detection
    is off afterwards all the same; a NaN and a clean case alongside."""
    specs = draw_batch(rng, ["raises_value", "raises_runtime", "nan", "clean"])
    check_batch(learner, device, specs, "a function that raises ValueError for its inputs, a backward node that "
                                        "raises RuntimeError, a NaN gradient, a finite backward")
    spec, _ = T.draw_case(rng, "nan")  # then detached at the end: the loss has no graph, backward raises
    spec = {**spec, "ops": spec["ops"] + [["detach", len(spec["inputs"]) + len(spec["ops"]) - 1]]}
    assert T.reference(spec) == ("raises", "RuntimeError"), "prep's detached case no longer raises"  # grader's bug
    check_batch(learner, device, [spec], "a loss that does not require grad (every path detached): backward's "
                                         "RuntimeError must propagate, not be skipped")
    spec, _ = T.draw_case(rng, "nan")  # then through a node whose backward returns a wrongly shaped gradient
    spec = {**spec, "ops": spec["ops"] + [["misshape", len(spec["inputs"]) + len(spec["ops"]) - 1]]}
    assert T.reference(spec) == ("raises", "RuntimeError"), "prep's misshape case no longer raises"  # grader's bug
    check_batch(learner, device, [spec], "a backward node that returns a gradient of the wrong shape: autograd's "
                                         "RuntimeError (\"Function ... returned an invalid gradient\") is not anomaly "
                                         "mode's NaN report and must propagate")


def norm_case(rng, dtype):
    """Random rows with two zero rows, a row with one non-zero entry, and a row of small norm (~1e-4)."""
    x = torch.randn(7, 4, generator=rng, dtype=torch.float64)
    x[1] = 0.0
    x[4] = 0.0
    x[2] = 0.0
    x[2, 3] = -2.5
    x[5] *= 1e-4
    return x.to(dtype)


def test_row_norms(learner, device, rng):
    """row_norms: values and gradients (for a random incoming gradient) equal the true norm's, zero rows get a zero
    gradient, in float64 and float32, for contiguous and non-contiguous inputs."""
    for dtype, (rtol, atol) in ((torch.float64, (1e-12, 1e-12)), (torch.float32, (1e-5, 1e-6))):
        base = norm_case(rng, dtype)
        g = torch.randn(base.shape[0], generator=rng, dtype=torch.float64).to(device, dtype)
        for layout, x in layouts(base.to(device)).items():
            got = learner.probe("norm_grad", x, g)
            x64 = x.double()
            norm = x64.norm(dim=1)
            grad = torch.where(norm[:, None] > 0, x64 / norm.clamp_min(1e-300)[:, None], torch.zeros_like(x64))
            expect_close(got["out"], norm.to(dtype), what=f"row_norms(x) ({dtype}, {layout} input)", rtol=rtol,
                         atol=atol)
            expect_close(got["grad"], (g.double()[:, None] * grad).to(dtype), rtol=rtol, atol=atol,
                         what=f"the gradient of row_norms(x) ({dtype}, {layout} input, zero and small rows)")
