"""Public graders for fix-del-saved-tensors."""

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


def test_saved_bytes_linear_example(learner, device):
    """nn.Linear(5, 3) on a (10, 5) float32 input saves the input only: 200 bytes (with grad) and 0 under no_grad."""
    for name, want in (("linear", 200), ("no_grad", 0)):
        got = learner.probe("learner_bytes", name, 10, 0, str(device))
        if got != want:
            raise CheckFailure(f"saved_bytes is not right for the case '{name}'",
                               f"expected {want}, received {got!r}; lin = nn.Linear(5, 3), x = torch.randn(10, 5)"
                               + (", under torch.no_grad()" if name == "no_grad" else ""))


def test_predict_frees_input(learner, device):
    """After out = predict(model, x) and del x, the input is gone and out has no graph."""
    got = learner.probe("predict_report", 4, 0, "float32", str(device))
    expect_close(got["out"], got["want"], what="predict(model, x)", inputs="a 5-16-2 MLP, x of shape (4, 5)")
    if got["has_graph"] or got["requires_grad"]:
        raise CheckFailure("predict's output still carries a graph (grad_fn is set): backward's saved tensors live on")
    if not got["x_freed"]:
        raise CheckFailure("after del x, the input is still alive: something still references it")
