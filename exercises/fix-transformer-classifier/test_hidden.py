"""Hidden graders for fix-transformer-classifier: copied weights, padding invariance, a toy task."""

import warnings

import torch
import torch.nn as nn

from grader.judge.checks import CheckFailure, expect_close, expect_tensor

ARGS = [20, 8, 16, 3, 2, 2]  # vocab, embedding, feed-forward width, classes, heads, layers


class Reference(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, output_dim, nhead=2, num_layers=1, pad_idx=0,
                 max_len=64):
        super().__init__()
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.position = nn.Embedding(max_len, embedding_dim)
        layer = nn.TransformerEncoderLayer(embedding_dim, nhead, dim_feedforward=hidden_dim, dropout=0.0,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
        self.fc = nn.Linear(embedding_dim, output_dim)

    def forward(self, x):
        pad = x == self.pad_idx
        h = self.encoder(self.embedding(x) + self.position(torch.arange(x.shape[1], device=x.device)),
                         src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).to(h.dtype)
        return self.fc((h * keep).sum(1) / keep.sum(1))


def reference(rng, device):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Reference(*ARGS).to(device, torch.float64).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=rng, dtype=torch.float64) * 0.3)
    return model, {k: v.detach().clone() for k, v in model.state_dict().items()}


def padded(rng, device, n=5, T=9, V=20):
    lengths = torch.randint(2, T + 1, (n,), generator=rng)
    x = torch.randint(1, V, (n, T), generator=rng)
    x[torch.arange(T)[None] >= lengths[:, None]] = 0
    return x.to(device)


def test_layers_and_names(learner):
    """The layers are embedding, position, encoder (a TransformerEncoder) and fc, so that weights can be copied in."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = list(Reference(*ARGS).state_dict())
    if learner.probe("keys", ARGS) != want:
        raise CheckFailure("the state_dict keys differ from embedding / position / encoder (TransformerEncoder) / fc")


def test_logits_with_copied_weights(learner, device, rng):
    """With copied weights (eval mode) the logits equal the reference: positions, padding mask, masked mean, fc."""
    for _ in range(2):
        model, weights = reference(rng, device)
        x = padded(rng, device)
        with torch.no_grad():
            want = model(x)
        got = expect_tensor(learner.probe("forward", ARGS, weights, x), what="the logits", shape=(5, 3),
                            dtype=torch.float64, device=device)
        expect_close(got, want, rtol=1e-8, atol=1e-10, what="the logits with copied weights")


def test_padding_changes_nothing(learner, device, rng):
    """Appending padding tokens leaves every sentence's logits unchanged."""
    _, weights = reference(rng, device)
    x = padded(rng, device)
    longer = torch.cat([x, torch.zeros(5, 6, dtype=x.dtype, device=device)], dim=1)
    expect_close(learner.probe("forward", ARGS, weights, longer), learner.probe("forward", ARGS, weights, x),
                 rtol=1e-9, atol=1e-10, what="the logits after appending 6 padding tokens")


def test_word_order_reaches_the_model(learner, device, rng):
    """Positions are encoded: swapping two different tokens of a sentence changes its logits."""
    _, weights = reference(rng, device)
    x = torch.tensor([[3, 5, 8, 11, 2, 0, 0]], device=device)
    swapped = torch.tensor([[5, 3, 8, 11, 2, 0, 0]], device=device)
    a, b = learner.probe("forward", ARGS, weights, x), learner.probe("forward", ARGS, weights, swapped)
    if torch.allclose(a, b):
        raise CheckFailure("the logits do not depend on word order: add position embeddings")


def test_learns_whether_a_sentence_contains_token_7(learner, device, rng):
    """Trained with the given loop, it tells sentences that contain token 7 from those that do not (95%)."""
    def data(n):
        x = padded(rng, device, n, 12)
        return x, (x == 7).any(1).long()

    (x, y), (xt, yt) = data(256), data(256)
    got = learner.probe("learn", [20, 16, 32, 2], x, y, xt, 100, int(torch.randint(0, 1000, (), generator=rng)))
    got = expect_tensor(got, what="the predictions", shape=(256,), device=device)
    if not (got == yt).double().mean() >= 0.95:
        raise CheckFailure("after 100 steps the classifier should reach 95% test accuracy")
