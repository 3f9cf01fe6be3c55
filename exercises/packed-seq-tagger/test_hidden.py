"""Hidden graders for packed-seq-tagger: random weights, padded batches and a context-dependent tagging task."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from grader.judge.checks import CheckFailure, expect_close, expect_tensor

V, E, H, C = 12, 5, 6, 4


class Reference(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, num_tags, cell="lstm", bidirectional=False, pad_idx=0):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_idx)
        self.rnn = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell](emb_dim, hidden_dim, batch_first=True,
                                                                         bidirectional=bidirectional)
        self.fc = nn.Linear(hidden_dim * (2 if bidirectional else 1), num_tags)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.emb(tokens), lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = pad_packed_sequence(self.rnn(packed)[0], batch_first=True, total_length=tokens.shape[1])
        return self.fc(out)


def reference(args, rng, device):
    model = Reference(*args).to(device, torch.float64)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=rng, dtype=torch.float64) * 0.5)
    return model, {k: v.detach().clone() for k, v in model.state_dict().items()}


def padded_batch(rng, device, n=5, T=9, low=1, longest=None):
    lengths = torch.randint(low, (longest or T) + 1, (n,), generator=rng)
    lengths[0] = longest or T
    tokens = torch.randint(1, V, (n, T), generator=rng)  # non-zero junk after each length: it must not be read
    return tokens.to(device), lengths.to(device)


def real(lengths, T):
    return torch.arange(T, device=lengths.device)[None] < lengths[:, None]


def test_logits_with_copied_weights(learner, device, rng):
    """With copied weights (emb, rnn, fc kept as given), the logits of every real token equal the packed reference."""
    for cell, bi in (("rnn", False), ("gru", False), ("lstm", False), ("gru", True), ("lstm", True)):
        args = [V, E, H, C, cell, bi]
        model, weights = reference(args, rng, device)
        # in the last case no sentence fills the batch: the logits must still cover all T positions
        tokens, lengths = padded_batch(rng, device, longest=7 if bi and cell == "lstm" else None)
        with torch.no_grad():
            want = model(tokens, lengths)
        got = expect_tensor(learner.probe("forward", args, weights, tokens, lengths), shape=tuple(want.shape),
                            dtype=torch.float64, device=device, what=f"the logits ({cell}, bidirectional={bi})")
        mask = real(lengths, tokens.shape[1])
        expect_close(got[mask], want[mask], rtol=1e-9, atol=1e-12,
                     what=f"the logits of the real tokens ({cell}, bidirectional={bi})")


def test_padding_does_not_leak(learner, device, rng):
    """A sentence tagged inside a padded batch gets the same logits as when it is tagged alone (bidirectional too)."""
    for cell in ("lstm", "gru"):
        args = [V, E, H, C, cell, True]
        _, weights = reference(args, rng, device)
        tokens, lengths = padded_batch(rng, device, low=2)
        batch = learner.probe("forward", args, weights, tokens, lengths)
        for b in range(1, 4):
            n = int(lengths[b])
            alone = learner.probe("forward", args, weights, tokens[b:b + 1, :n], lengths[b:b + 1])
            expect_close(batch[b, :n], alone[0], rtol=1e-9, atol=1e-12,
                         what=f"the logits of a {n}-token sentence in a padded batch against alone ({cell})")


def test_tagging_loss_ignores_padding(learner, device, rng):
    """tagging_loss is the mean cross-entropy over tags != -100, and padded positions get exactly zero gradient."""
    logits = torch.randn(4, 7, C, generator=rng, dtype=torch.float64).to(device).requires_grad_()
    tags = torch.randint(0, C, (4, 7), generator=rng).to(device)
    tags[real(torch.tensor([7, 3, 5, 1], device=device), 7).logical_not()] = -100
    fn = learner.function("tagging_loss")
    got = fn(logits, tags)
    want = F.cross_entropy(logits.detach().reshape(-1, C), tags.reshape(-1), ignore_index=-100)
    expect_close(got, want, rtol=1e-10, atol=1e-12, what="tagging_loss on a padded batch")
    (grad,) = torch.autograd.grad(got, logits)
    pad = tags == -100
    if not bool((grad[pad] == 0).all()) or not bool((grad[~pad].abs().sum(-1) > 0).all()):
        raise CheckFailure("the gradient must be zero exactly at padded positions, and only there")


def test_token_accuracy(learner, device, rng):
    """token_accuracy is correct real tokens / real tokens, as a float (never above 1, unlike the seed's)."""
    for _ in range(3):
        logits = torch.randn(6, 8, C, generator=rng, dtype=torch.float64).to(device)
        tags = torch.randint(0, C, (6, 8), generator=rng).to(device)
        tags[real(torch.randint(0, 9, (6,), generator=rng).to(device), 8).logical_not()] = -100
        tags[0, 0] = 1
        keep = tags != -100
        want = ((logits.argmax(-1) == tags) & keep).sum().item() / keep.sum().item()
        got = learner.call("token_accuracy", logits, tags)
        if not isinstance(got, float) or abs(got - want) > 1e-12:
            raise CheckFailure("token_accuracy is not right (it must be a float over the real tokens only)")


def tagging_data(rng, n, device, T=10):
    lengths = torch.randint(3, T + 1, (n,), generator=rng)
    tokens = torch.randint(1, 10, (n, T), generator=rng) * real(lengths, T)
    prev = torch.cat([torch.zeros(n, 1, dtype=torch.long), tokens[:, :-1]], 1)
    tags = (tokens + prev) % 5
    tags[~real(lengths, T)] = -100
    return tokens.to(device), lengths.to(device), tags.to(device)


def test_learns_context_dependent_tags(learner, device, rng):
    """Tag = (token + previous token) % 5 needs the context: an LSTM tagger reaches 95% held-out token accuracy."""
    args = [10, 16, 32, 5, "lstm", False]
    torch.manual_seed(int(torch.randint(0, 1000, (), generator=rng)))
    weights = {k: v.to(device) for k, v in Reference(*args).state_dict().items()}
    data, test = tagging_data(rng, 200, device), tagging_data(rng, 200, device)
    got = learner.probe("train_and_score", args, weights, list(data), list(test[:2]), 80, 0.03)
    losses = got["losses"]
    if not isinstance(losses, list) or len(losses) != 80 or not all(isinstance(v, float) for v in losses):
        raise CheckFailure("train_tagger must return one float loss per step")
    pred, tags = got["logits"].argmax(-1), test[2]
    keep = tags != -100
    if not ((pred == tags) & keep).sum().item() / keep.sum().item() >= 0.95:
        raise CheckFailure("after 80 Adam steps the held-out token accuracy should reach 95%")


def test_train_takes_full_batch_adam_steps(learner, device, rng):
    """train_tagger is one zero_grad / forward / tagging_loss / backward / Adam step per step: replayed in the judge."""
    args = [10, 6, 8, 5, "gru", False]
    model, weights = reference(args, rng, device)
    model.float()
    data = tagging_data(rng, 16, device)
    got = learner.probe("train_and_score", args, {k: v.float() for k, v in weights.items()}, list(data),
                        list(data[:2]), 6, 0.05)["losses"]
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    want = []
    for _ in range(6):
        opt.zero_grad()
        loss = F.cross_entropy(model(data[0], data[1]).reshape(-1, 5), data[2].reshape(-1), ignore_index=-100)
        loss.backward()
        opt.step()
        want.append(loss.item())
    if not isinstance(got, list) or len(got) != 6 or not all(isinstance(v, float) for v in got):
        raise CheckFailure("train_tagger must return one float loss per step")
    expect_close(torch.tensor(got, dtype=torch.float64), torch.tensor(want, dtype=torch.float64), rtol=1e-4,
                 atol=1e-6, what="the losses of 6 Adam steps")
