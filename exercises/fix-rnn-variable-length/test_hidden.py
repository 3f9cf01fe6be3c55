"""Hidden graders for fix-rnn-variable-length: a ragged DataLoader, padding ignored, a final small batch.

Data comes from the trusted probes module, loaded here too; every reference (padding, RNN outputs, the training
replay) is computed in the judge. Lengths are never sorted (fixed unsorted cases always come with random ones).
"""

import math

import torch
from torch import nn

from grader.judge.checks import CheckFailure, expect_close, expect_tensor, load_sibling
from grader.judge.kit import expect_float

P = load_sibling(__file__)

UNSORTED = [3, 7, 1, 5, 2, 6, 4, 7, 1, 2]  # ties, the longest first and in the middle, the shortest in the middle


def test_collate_all_batches(learner, rng):
    """Every batch of a DataLoader with pad_collate (the last one smaller) is padded with zeros to its own longest
    sequence, with int64 lengths and labels in the samples' order, in float32, float64 and bfloat16 (float64 batches
    whose sequences all have one length included: padded keeps their dtype there too), batch size 1 included;
    sequences holding an all-zero feature row (last, first, or the only row) keep their full length."""
    for n, bs, lengths, dtype, zero_rows in ((10, 4, UNSORTED, torch.float32, False),
                                             (10, 4, None, torch.float32, False),
                                             (5, 3, [2, 6, 6, 1, 3], torch.float64, False),
                                             (4, 2, [3, 3, 5, 5], torch.float64, False),
                                             (2, 1, [4, 2], torch.float32, False),
                                             (7, 3, [3, 1, 5, 2, 4, 6, 2], torch.float32, True),
                                             (6, 4, None, torch.bfloat16, False)):  # any dtype, half precision too
        seed = int(torch.randint(0, 10_000, (1,), generator=rng))
        data = P.samples(seed, n, lengths=lengths, dtype=dtype, zero_rows=zero_rows)
        batches = learner.probe("collated", seed, n, bs, lengths, dtype, zero_rows)
        count = math.ceil(n / bs)
        if not isinstance(batches, list) or len(batches) != count:
            raise CheckFailure(f"the DataLoader should yield {count} batches for {n} samples at batch size {bs}")
        for i, batch in enumerate(batches):
            if not isinstance(batch, list) or len(batch) != 3:
                raise CheckFailure("pad_collate must return three things: (padded, lengths, labels)")
            padded, lens, labels = batch
            chunk = data[bs * i:bs * i + bs]
            what = f"batch {i} of {count} (batch size {bs}, {str(dtype)[6:]}" + (
                ", sequences with an all-zero feature row: a zero row is a real step, count it in lengths)"
                if zero_rows else ")")
            want = nn.utils.rnn.pad_sequence([s for s, _ in chunk], batch_first=True)
            if isinstance(padded, torch.Tensor) and padded.dtype != want.dtype:
                raise CheckFailure(f"padded, {what}, has dtype {padded.dtype}, expected {want.dtype} (the sequences' "
                                   "dtype)", "padded keeps the sequences' dtype whatever it is, bfloat16 and float16 "
                                   "included: build it with dtype=seqs[0].dtype (or pad_sequence, or new_zeros), not "
                                   "with a default dtype or a choice between float32 and float64")
            expect_close(padded, want, what=f"padded, {what}: row i is sample i's sequence, in the samples' order "
                         "(never sorted), followed by zeros after its end")
            expect_close(lens, torch.tensor([len(s) for s, _ in chunk]), what=f"lengths, {what}")
            expect_close(labels, torch.stack([y for _, y in chunk]), what=f"labels, {what}")


def rnn_weights(rng, gru, layers, features=3, hidden=5):
    ref = (nn.GRU if gru else nn.RNN)(features, hidden, num_layers=layers, batch_first=True).double()
    with torch.no_grad():
        for p in ref.parameters():
            p.copy_(torch.randn(p.shape, generator=rng, dtype=torch.float64) * 0.5)
    return ref, {k: v.detach().clone() for k, v in ref.state_dict().items()}


def test_last_outputs(learner, device, rng):
    """last_outputs equals running each sequence alone from a zero state (RNN of 1 and 2 layers, a 2-layer GRU),
    whatever the padding holds (huge values, nan), for unsorted lengths and a batch of 1; shape (batch, hidden).
    padded may also run past the longest sequence (padding columns after every sequence's end, equal lengths
    included), so the last real step is never simply padded's last column. With finite padding, a backward through it
    gives the rnn's parameters the gradients of running each sequence alone."""
    cases = ((False, 1, UNSORTED[:6], 1e3, 0), (False, 2, UNSORTED[3:8], float("nan"), 0),
             (True, 2, UNSORTED[:5], -1e3, 0), (True, 1, [4], 1e3, 0),
             (False, 2, [4, 4, 4], float("nan"), 3), (True, 1, [3, 5, 2], 1e3, 2), (False, 1, [2], float("nan"), 1))
    for gru, layers, lengths, junk, extra in cases:
        ref, weights = rnn_weights(rng, gru, layers)
        data = P.samples(int(torch.randint(0, 10_000, (1,), generator=rng)), len(lengths), lengths=lengths,
                         dtype=torch.float64)
        lens = torch.tensor(lengths)
        padded = nn.utils.rnn.pad_sequence([s for s, _ in data], batch_first=True)
        padded = torch.cat([padded, padded.new_zeros(len(lengths), extra, padded.shape[2])], dim=1)
        padded[torch.arange(padded.shape[1]).expand(len(lengths), -1) >= lens[:, None]] = junk
        with torch.no_grad():
            want = torch.cat([ref(s[None])[1][-1] for s, _ in data])
        kind = f"a {layers}-layer {'GRU' if gru else 'RNN'}, {len(lengths)} sequence(s), padding {junk}" + (
            f", {extra} padding column(s) after the longest sequence" if extra else "")
        got = learner.probe("last_outputs", gru, {k: v.to(device) for k, v in weights.items()}, padded.to(device),
                            lens.to(device))
        expect_tensor(got, what=f"last_outputs for {kind}", shape=(len(lengths), 5), dtype=torch.float64,
                      device=device)
        expect_close(got, want.to(device), rtol=1e-10, atol=1e-12,
                     what=f"last_outputs for {kind} (row i must be the top layer's output at sequence i's own last "
                          "real step, in the batch's order, as running sequence i alone from a zero state gives it)")
        if junk != junk:  # nan padding: only the values are asked for (gradients are, for finite padding)
            continue
        g = torch.randn(len(lengths), 5, generator=rng, dtype=torch.float64)
        outs = torch.cat([ref(s[None])[1][-1] for s, _ in data])
        names, params = zip(*ref.named_parameters())
        wants = torch.autograd.grad((outs * g).sum(), params)
        grads = learner.probe("last_outputs_grads", gru, {k: v.to(device) for k, v in weights.items()},
                              padded.to(device), lens.to(device), g.to(device))
        if not isinstance(grads, dict):
            raise CheckFailure(f"last_outputs must be differentiable ({kind}): its result must stay in autograd's "
                               "graph, so that a loss on it trains the rnn (no detach(), no torch.no_grad(), no "
                               "copy through .data, .item() or numpy)")
        for name, want_grad in zip(names, wants):
            if grads.get(name) is None:
                raise CheckFailure(f"a backward through last_outputs gives the rnn's {name} no gradient ({kind}): "
                                   "the result must depend on the rnn's parameters through autograd's graph")
            expect_close(grads[name], want_grad.to(device), rtol=1e-9, atol=1e-12,
                         what=f"the gradient of the rnn's {name} through last_outputs ({kind}), against running each "
                         "sequence alone")


def expect_training(got, want, fault):
    """The learner's per-epoch losses and final parameters equal the judge's replay; fault says what to fix."""
    epochs = got.get("losses") if isinstance(got, dict) else None
    for e, (g, w) in enumerate(zip(epochs or [], want["losses"])):
        if not isinstance(g, list):
            raise CheckFailure("train_epoch must return a list of the batch losses")
        if len(g) != len(w):
            raise CheckFailure(f"train_epoch must take one step per batch ({len(w)} per epoch, the last batch "
                               f"smaller), it returned {len(g)} loss(es)")
        for i, v in enumerate(g):
            expect_float(v, what=f"train_epoch's loss {i}")
        for i, (a, b) in enumerate(zip(g, w)):
            if not math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-7):
                raise CheckFailure(f"the loss of batch {i} in epoch {e} differs from {fault}")
    state = got.get("state") if isinstance(got, dict) and isinstance(got.get("state"), dict) else {}
    for name, p in want["state"].items():
        expect_close(state.get(name), p, rtol=1e-5, atol=1e-6,
                     what=f"the model's {name} after two epochs differs from {fault}")


def first_two_orders_differ(seed):
    """Whether the shuffling loader of P._setup(seed, ...) yields another order on its second pass than on its first
    (so that an epoch that iterates the loader an extra time sees other batches)."""
    _, _, loader = P._setup(seed, 10, 4, UNSORTED, True, True)
    first, second = ([b[0] for b in loader] for _ in range(2))
    return any(a.shape != b.shape or not torch.equal(a, b) for a, b in zip(first, second))


def test_train_epochs(learner, rng):
    """Two epochs over 10 samples at batch size 4 (last batch 2), the parameters holding stale gradients (1000 each)
    before the first batch: per epoch a list of Python floats, one per batch, equal to fresh-state training replayed in
    the judge (gradients zeroed before each batch's backward), and the same parameters afterwards. Adam's first step
    moves each element by about lr * sign(gradient), and fc.bias's gradient sums to 0 over the classes, so a first step
    taken with the stale gradients moves some element the other way. Then the same with a shuffling DataLoader (a new
    order from the global RNG each pass): each epoch takes the batches of exactly one pass over the loader, so code
    that iterates the loader an extra time (to peek at a batch) trains on another order."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    got = learner.probe("learner_train", seed, 10, 4, 2, UNSORTED, True)
    want = P.reference_train(seed, 10, 4, 2, UNSORTED, True)
    expect_training(got, want, "training where each batch runs zero_grad, forward from a fresh zero state "
                               "(h=None), cross-entropy, backward and step, in that order (the gradients are zeroed "
                               "before every batch's backward, the first one included: the parameters may hold "
                               "gradients before the first batch)")
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    while not first_two_orders_differ(seed):
        seed += 1
    got = learner.probe("learner_train", seed, 10, 4, 2, UNSORTED, True, True)
    want = P.reference_train(seed, 10, 4, 2, UNSORTED, True, True)
    expect_training(got, want, "training on a shuffling DataLoader where each epoch iterates the loader exactly once "
                               "and trains on its batches in the order they come (iterating it again, even to peek at "
                               "one batch, draws a new order)")
