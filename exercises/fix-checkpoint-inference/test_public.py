"""Public graders for fix-checkpoint-inference. The judge repeats the training from the same seeds and computes every
reference itself; the worker only runs the learner's functions and sends back outputs and state dicts."""

from grader.judge.checks import CheckFailure, expect_close, load_sibling

# The fraction as a float32 mean rounds it (`(pred == y).float().mean().item()`, a right way): 1e-6 is far below
# one sample of the few dozen counted, so a miscount still fails.
ACCURACY_TOL = 1e-6

P = load_sibling(__file__)


def expect_state(got, want, what, inputs=""):
    if not isinstance(got, dict) or sorted(got) != sorted(want):
        raise CheckFailure(f"{what} does not have the saved model's state_dict entries",
                           f"expected keys {sorted(want)}, received {sorted(got) if isinstance(got, dict) else got!r}")
    for key, w in want.items():
        expect_close(got[key], w, what=f"{what}[{key!r}]", inputs=inputs)


def test_load_for_inference_example(learner, device):
    """A trained Linear-BatchNorm-ReLU-Dropout-Linear net, saved and loaded into a fresh instance: the saved weights and
    buffers, and twice the trained model's eval-mode output (BatchNorm's running statistics, no dropout)."""
    inputs = "seed 0: Net trained for 4 Adam steps, saved, loaded into Net() built from seed 100; a batch of 8 inputs"
    got = learner.probe("inference", 0, str(device))
    want = P.reference_inference(0, str(device))
    if not got["is_module"]:
        raise CheckFailure("load_for_inference must return the model (an nn.Module)", f"it returned a {got['type']}")
    expect_state(got["state"], want["state"], "the loaded model's state_dict()", inputs)
    for i, out in enumerate(got["outs"]):
        expect_close(out, want["out"], what=f"the loaded model's output (call {i + 1}; load_for_inference must return "
                     "it in eval mode, every submodule: BatchNorm's running statistics, no dropout)",
                     inputs=inputs + ", in eval mode")


def test_accuracy_example(learner, device):
    """accuracy on batches of 7, 2, 4 and 11 samples, called on a model in train mode: the eval-mode fraction of hits."""
    got = learner.probe("accuracy", 0, True, str(device))
    want = P.reference_accuracy(0, True, str(device))
    inputs = "seed 0: Net trained for 4 Adam steps, left in train mode; 24 samples in batches of 7, 2, 4, 11"
    if type(got["value"]) is not float:
        raise CheckFailure("accuracy must return a Python float", f"received {got['value']!r}; {inputs}")
    if abs(got["value"] - want["value"]) > ACCURACY_TOL:
        raise CheckFailure("accuracy is not the eval-mode fraction of correct arg-max predictions",
                           f"expected {want['value']!r}, received {got['value']!r}; {inputs}")
