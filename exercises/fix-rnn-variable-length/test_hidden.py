"""Hidden graders for fix-rnn-variable-length: a ragged DataLoader, padding ignored, a final small batch."""

import math

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


def test_collate_all_batches(learner, rng):
    """Every batch of a DataLoader with pad_collate (the last one smaller) is padded with zeros, with lengths and labels."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    data = P.samples(seed, 10)
    batches = learner.probe("collated", seed, 10, 4)
    if len(batches) != 3:
        raise CheckFailure("the DataLoader should yield 3 batches for 10 samples at batch size 4")
    for i, (padded, lengths, labels) in enumerate(batches):
        chunk = data[4 * i:4 * i + 4]
        expect_close(padded, torch.nn.utils.rnn.pad_sequence([s for s, _ in chunk], batch_first=True),
                     what=f"padded, batch {i}")
        expect_close(lengths, torch.tensor([len(s) for s, _ in chunk]), what=f"lengths, batch {i}")
        expect_close(labels, torch.stack([y for _, y in chunk]), what=f"labels, batch {i}")


def test_last_outputs(learner, device, rng):
    """last_outputs equals running each sequence alone (2-layer RNN and GRU), whatever the padding holds."""
    for gru in (False, True):
        got = learner.probe("last_outputs", int(torch.randint(0, 10_000, (1,), generator=rng)), 5, gru, str(device))
        expect_close(got["got"], got["want"], what=f"last_outputs for a 2-layer {'GRU' if gru else 'RNN'}")


def test_train_epochs(learner, rng):
    """Two epochs over 10 samples at batch size 4 (last batch 2): losses equal fresh-state training, as floats."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    got = learner.probe("learner_train", seed, 10, 4, 2)
    if isinstance(got, str):
        raise CheckFailure("train_epoch must return a list of Python floats, one per batch")
    want = P.reference_train(seed, 10, 4, 2)
    if len(got) != len(want):
        raise CheckFailure(f"train_epoch must take one step per batch ({len(want) // 2} per epoch)")
    if not all(math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-7) for a, b in zip(got, want)):
        raise CheckFailure("the losses differ from training where every batch starts from a fresh zero state")
