"""Public graders for fix-rnn-variable-length."""

import torch

from grader.judge.checks import CheckFailure, expect_close, expect_tensor, load_sibling

P = load_sibling(__file__)


def test_collate_example(learner):
    """Three sequences of lengths from the probe's data set, batch size 3: padded, lengths and labels."""
    data = P.samples(0, 3)
    batch = learner.probe("collated", 0, 3, 3)[0]
    if len(batch) != 3:
        raise CheckFailure("pad_collate must return (padded, lengths, labels)", f"it returned {len(batch)} items")
    padded, lengths, labels = batch
    want_len = torch.tensor([len(s) for s, _ in data])
    expect_close(lengths, want_len, what="lengths", inputs=f"sequence lengths {want_len.tolist()}, 3 features")
    expect_close(padded, torch.nn.utils.rnn.pad_sequence([s for s, _ in data], batch_first=True), what="padded",
                 inputs=f"sequence lengths {want_len.tolist()}, 3 features")
    expect_tensor(labels, what="labels", shape=(3,), dtype=torch.int64)
