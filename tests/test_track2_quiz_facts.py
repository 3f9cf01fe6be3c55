"""Track 2 quiz answers, checked on the installed torch: if torch changes behaviour, these fail first."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent


def key(exercise_id: str) -> dict:
    """The KEY of an exercise's hidden graders: item -> (kind, answer, explanation)."""
    path = ROOT / "exercises" / exercise_id / "test_hidden.py"
    spec = importlib.util.spec_from_file_location(f"facts_{exercise_id.replace('-', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {item: answer for item, (_, answer, _) in module.KEY.items()}


def reference_answers(exercise_id: str) -> dict:
    namespace: dict = {}
    exec((ROOT / "solutions" / f"{exercise_id}.py").read_text(), namespace)
    return namespace["ANSWERS"]


@pytest.mark.parametrize("exercise_id", ["quiz-cnn-pooling", "quiz-embeddings-rnn"])
def test_reference_answers_match_the_key(exercise_id):
    assert reference_answers(exercise_id) == key(exercise_id)


# ---------------------------------------------------------------- quiz-cnn-pooling


def cnn_pooling(item):
    return key("quiz-cnn-pooling")[item]


def test_conv2d_is_cross_correlation():
    x, w = torch.randn(1, 1, 5, 5, dtype=torch.float64), torch.randn(1, 1, 3, 3, dtype=torch.float64)
    by_hand = sum(w[0, 0, m, n] * x[0, 0, m:m + 3, n:n + 3] for m in range(3) for n in range(3))
    unflipped = torch.stack([(x[0, 0, i:i + 3, j:j + 3] * w[0, 0]).sum() for i in range(3) for j in range(3)]).view(3, 3)
    assert torch.allclose(F.conv2d(x, w)[0, 0], unflipped) and torch.allclose(by_hand, unflipped)
    assert not torch.allclose(F.conv2d(x, w.flip(-1, -2))[0, 0], unflipped)
    assert cnn_pooling("q1") == "b"


def test_output_sizes():
    assert torch.nn.Conv2d(1, 1, 3, 1, 1)(torch.zeros(1, 1, 28, 28)).shape[-1] == cnn_pooling("q2") == 28
    side = torch.nn.MaxPool2d(2)(torch.nn.Conv2d(1, 1, 3)(torch.zeros(1, 1, 32, 32))).shape[-1]
    assert side == cnn_pooling("q3") == 15
    assert torch.nn.MaxPool2d(3).stride == cnn_pooling("q8") == 3
    assert torch.zeros(4, 32, 14, 14).view(-1, 32 * 7 * 7).shape[0] == cnn_pooling("q9") == 16


def test_convolution_is_shift_equivariant_not_rotation_invariant():
    g = torch.Generator().manual_seed(0)
    x, w = torch.randn(1, 1, 16, 16, generator=g, dtype=torch.float64), torch.randn(1, 1, 3, 3, generator=g, dtype=torch.float64)
    conv = torch.nn.Conv2d(1, 1, 3, padding=1, padding_mode="circular", bias=False).double()
    conv.weight.data.copy_(w)
    with torch.no_grad():
        shifted = conv(x.roll(1, -1))
        assert torch.allclose(shifted, conv(x).roll(1, -1)) and cnn_pooling("q5") is True
        assert not torch.allclose(conv(x.rot90(1, (-2, -1))), conv(x).rot90(1, (-2, -1)))
        assert not torch.allclose(conv(x.rot90(1, (-2, -1))), conv(x))
    assert cnn_pooling("q4") is False


def test_pooling_facts():
    x = torch.randn(1, 1, 8, 8, generator=torch.Generator().manual_seed(1))
    assert not torch.equal(F.max_pool2d(x.roll(1, -1), 2), F.max_pool2d(x, 2)) and cnn_pooling("q6") is False
    x = torch.randn(1, 1, 4, 4, requires_grad=True)
    F.avg_pool2d(x, 2).sum().backward()
    assert torch.equal(x.grad, torch.full_like(x, 0.25)) and cnn_pooling("q7") == 0.25


# ---------------------------------------------------------------- quiz-embeddings-rnn


def emb_rnn(item):
    return key("quiz-embeddings-rnn")[item]


def test_embedding_facts():
    emb = torch.nn.Embedding(6, 3, padding_idx=0)
    idx = torch.tensor([[1, 2, 2, 0]])
    assert torch.equal(emb(idx), F.one_hot(idx, 6).float() @ emb.weight) and emb_rnn("q1") is True
    emb(idx).sum().backward()
    g = emb.weight.grad
    assert torch.equal(g[3:], torch.zeros(3, 3)) and emb_rnn("q2") is True
    assert g[2, 0].item() == emb_rnn("q3") == 2.0 and g[0, 0].item() == emb_rnn("q4") == 0.0
    # one vector per word type, whatever the sentence around it
    plain = torch.nn.Embedding(10, 4)
    assert torch.equal(plain(torch.tensor([3, 5]))[0], plain(torch.tensor([3, 7]))[0]) and emb_rnn("q5") is False
    assert emb_rnn("q6") == "a"  # knowledge item (GloVe is fitted to co-occurrence counts), not checkable by running


def test_rnn_step_and_linearity():
    rnn = torch.nn.RNN(4, 5, batch_first=True).double()
    x = torch.randn(2, 3, 4, dtype=torch.float64)
    out, h_n = rnn(x)
    h = torch.zeros(2, 5, dtype=torch.float64)
    for t in range(3):
        h = torch.tanh(x[:, t] @ rnn.weight_ih_l0.T + rnn.bias_ih_l0 + h @ rnn.weight_hh_l0.T + rnn.bias_hh_l0)
    assert torch.allclose(h, h_n[0]) and emb_rnn("q7") == "a"
    assert torch.equal(out[:, -1], h_n[0]) and emb_rnn("q11") is True

    def linear_rnn(inp):  # the seed's recurrence without a nonlinearity
        h = torch.zeros(2, 5, dtype=torch.float64)
        for t in range(3):
            h = inp[:, t] @ rnn.weight_ih_l0.T + h @ rnn.weight_hh_l0.T + rnn.bias_hh_l0
        return h

    with torch.no_grad():
        zero = linear_rnn(torch.zeros_like(x))
        assert torch.allclose(linear_rnn(3 * x) - zero, 3 * (linear_rnn(x) - zero)) and emb_rnn("q8") is False


def test_recurrent_layers_that_exist():
    assert all(hasattr(torch.nn, n) for n in ("RNN", "LSTM", "GRU")) and not hasattr(torch.nn, "GRNN")
    assert emb_rnn("q9") == "d"
    assert sum(p.numel() for p in torch.nn.LSTM(10, 20).parameters()) == emb_rnn("q12") == 2560


def test_backward_through_an_undetached_hidden_state_twice():
    cell = torch.nn.RNNCell(3, 4)
    h = torch.zeros(1, 4)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        for t in range(2):
            h = cell(torch.randn(1, 3), h)
            h.sum().backward()
    assert emb_rnn("q10") == "b"
