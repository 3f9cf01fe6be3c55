"""Public graders for fix-rnn-variable-length."""

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_tensor, load_sibling

P = load_sibling(__file__)


def test_collate_example(learner):
    """Three sequences of lengths 2, 4 and 1 (3 features), batch size 3: padded (3, 4, 3) with zeros after each end,
    lengths [2, 4, 1] and the labels, int64, in the samples' order."""
    data = P.samples(0, 3, lengths=[2, 4, 1])
    batches = learner.probe("collated", 0, 3, 3, [2, 4, 1])
    if not isinstance(batches, list) or len(batches) != 1:
        raise CheckFailure("a DataLoader over 3 samples with batch size 3 should yield one batch")
    batch = batches[0]
    if not isinstance(batch, list) or len(batch) != 3:
        raise CheckFailure("pad_collate must return (padded, lengths, labels)", f"it returned {batch!r:.100}")
    padded, lengths, labels = batch
    inputs = "sequence lengths [2, 4, 1], 3 features"
    expect_close(padded, torch.nn.utils.rnn.pad_sequence([s for s, _ in data], batch_first=True), what="padded",
                 inputs=inputs)
    expect_close(lengths, torch.tensor([2, 4, 1]), what="lengths", inputs=inputs)
    expect_close(labels, torch.stack([y for _, y in data]), what="labels", inputs=inputs)
    expect_tensor(labels, what="labels", shape=(3,), dtype=torch.int64)
