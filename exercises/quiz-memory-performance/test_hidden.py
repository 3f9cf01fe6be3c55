"""Hidden graders for quiz-memory-performance: one per item, with the explanation shown after a right answer.

Every answer here is proven on real torch by tests/test_track3_quiz_facts.py (a test decorated
@proves("quiz-memory-performance", item)); tests/test_quiz_proofs.py fails for any item without its proof.
"""

import math

import pytest

from grader.judge.checks import CheckFailure

KEY = {
    "q1": ("bool", False,
           "It hands unused cached blocks back to the driver; its docstring: it 'doesn't increase the amount of GPU "
           "memory available for PyTorch'. Memory of live tensors is freed by dropping the references."),
    "q2": ("bool", True,
           "Gradients add up in .grad, and the mean over 32 is the average of four means over 8: the same update, "
           "with only one micro-batch's activations alive at a time (BatchNorm statistics still see 8 samples)."),
    "q3": ("bool", True,
           "preserve_rng_state=True (the default) stashes the RNG state before the segment and restores it for the "
           "recomputation, so the gradients equal those without checkpointing; with False a new mask would be "
           "drawn."),
    "q4": ("choice", "d",
           "view, transpose and basic slicing return views: new strides over the same storage. contiguous() on a "
           "non-contiguous tensor copies into fresh memory (as reshape does when no view is possible)."),
    "q5": ("number", 200,
           "Only the input, for the weight's gradient: 10 * 5 * 4 bytes. Under torch.no_grad() it saves 0."),
    "q6": ("bool", True,
           "Each addition links the new graph to the old ones; total_loss += loss.item() keeps a float and frees "
           "them."),
    "q7": ("bool", False,
           "Parameters stay float32; eligible ops (Linear's matmul) cast their inputs and compute in bfloat16, "
           "returning bfloat16 outputs."),
    "q8": ("bool", True,
           "Verified on CPU: the weights are unchanged and the scale goes from 65536 to 32768 (backoff_factor 0.5)."),
    "q9": ("bool", True,
           "Each worker is a subprocess with its own copy of the dataset that prepares whole batches in parallel "
           "with training: the usual fix when the GPU waits for data."),
    "q10": ("choice", "a",
           "From pinned (page-locked) host memory the GPU's copy engine reads directly, so a non_blocking copy runs "
           "asynchronously while kernels compute (Tensor.cuda: non_blocking only has an effect from pinned memory). "
           "The others do not touch transfers."),
    "q11": ("number", 16000000,
           "4 bytes each for the weight, its gradient and Adam's two moment buffers: 16 bytes per parameter before "
           "any activation. Plain SGD keeps no state (8 bytes per parameter)."),
    "q12": ("bool", True,
           "memory_allocated counts the bytes occupied by tensors, memory_reserved everything the caching allocator "
           "holds (roughly what nvidia-smi shows); the gap is cached free blocks, which empty_cache() can hand "
           "back."),
    "q13": ("bool", True,
           "DataParallel is one process that replicates the model on every forward and runs threads under the GIL; "
           "DDP runs one process per GPU and all-reduces gradients in buckets during backward, overlapping "
           "communication with compute."),
    "q14": ("choice", "a",
           "The gradient of a sum needs no values. x * x saves x; tanh and sigmoid save their outputs."),
    "q15": ("choice", "b",
           "Only each segment's input is saved; the segment's forward runs again during backward (about one extra "
           "forward in compute)."),
}


@pytest.mark.parametrize("item", list(KEY))
def test_item(learner, explain, item):
    """One quiz item."""
    answers = learner.get("ANSWERS")
    if not isinstance(answers, dict):
        raise CheckFailure("ANSWERS must be a dict from question ids ('q1', ...) to your answers")
    kind, right, why = KEY[item]
    given = answers.get(item)
    if given is None:
        raise CheckFailure(f"{item} is not answered yet")
    if kind == "choice":
        ok = isinstance(given, str) and given.strip().lower().rstrip(")") == right
        form = "a letter such as 'b'"
    elif kind == "bool":
        ok = given is right
        form = "True or False"
    else:
        ok = isinstance(given, (int, float)) and not isinstance(given, bool) and math.isclose(given, right,
                                                                                             rel_tol=1e-6)
        form = "a number"
    if not ok:
        if kind == "bool" and not isinstance(given, bool) or kind == "number" and isinstance(given, (str, bool)):
            raise CheckFailure(f"{item} should be answered with {form}")
        raise CheckFailure(f"{item} is not right yet")
    explain(f"right: {why}")
