"""Public graders for fix-apex-amp."""

from grader.judge.checks import CheckFailure, load_sibling

P = load_sibling(__file__)


def test_autocast_example(learner, device):
    """One step: the first Linear's output is bfloat16, parameters and gradients stay float32."""
    got = learner.probe("run", 0, 1, str(device))
    if got["linear_dtypes"] != ["torch.bfloat16"]:
        raise CheckFailure("the forward pass does not run under autocast with bfloat16",
                           f"the first Linear returned {got['linear_dtypes']}")
    if got["param_dtypes"] != ["torch.float32"] or got["grad_dtypes"] != ["torch.float32"]:
        raise CheckFailure("parameters and gradients must stay float32 (autocast does not convert the model)",
                           f"parameters: {got['param_dtypes']}, gradients: {got['grad_dtypes']}")
