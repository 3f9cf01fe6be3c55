"""Hidden graders for word-embeddings: random corpora, weights and batches per run."""

from collections import Counter

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, check_gradients, expect_close

WORDS = [f"w{i}" for i in range(12)]


def corpus(rng, n):
    return [[WORDS[int(i)] for i in torch.randint(0, 12, (int(torch.randint(1, 7, (), generator=rng)),), generator=rng)]
            for _ in range(n)]


def reference_vocab(sentences, min_freq=1):
    counts = Counter(w for s in sentences for w in s)
    words = sorted((w for w, c in counts.items() if c >= min_freq), key=lambda w: (-counts[w], w))
    return {"<pad>": 0, "<unk>": 1, **{w: i + 2 for i, w in enumerate(words)}}


def test_build_vocab(learner, rng):
    """build_vocab orders words by count (descending) then alphabetically, after <pad> and <unk>, honouring min_freq."""
    for min_freq in (1, 2, 3):
        sentences = corpus(rng, 15)
        if learner.probe("vocab", sentences, min_freq) != reference_vocab(sentences, min_freq):
            raise CheckFailure(f"build_vocab is wrong for min_freq={min_freq}")


def test_encode(learner, rng):
    """encode maps unknown words to <unk>, pads with <pad> and truncates to the length, as an int64 tensor."""
    vocab = reference_vocab(corpus(rng, 6))
    sentences = corpus(rng, 5) + [[], ["zzz"] * 9]
    want = torch.tensor([([vocab.get(w, 1) for w in s][:6] + [0] * 6)[:6] for s in sentences])
    expect_close(learner.probe("encode", sentences, vocab, 6), want, what="encode(..., length=6)")


def random_weights(rng, device, V=9, D=4, C=3):
    w = {"embedding.weight": torch.randn(V, D, generator=rng, dtype=torch.float64),
         "fc1.weight": torch.randn(C, D, generator=rng, dtype=torch.float64),
         "fc1.bias": torch.randn(C, generator=rng, dtype=torch.float64)}
    w["embedding.weight"][0] = 0
    return {k: v.to(device) for k, v in w.items()}


def bag(weights, x):
    pooled = F.embedding_bag(x, weights["embedding.weight"], mode="mean", padding_idx=0)
    return F.linear(pooled, weights["fc1.weight"], weights["fc1.bias"])


def padded(rng, device, B=5, T=7, V=9):
    x = torch.randint(1, V, (B, T), generator=rng)
    lengths = torch.randint(1, T + 1, (B,), generator=rng)
    x[torch.arange(T)[None] >= lengths[:, None]] = 0
    x[-1] = 0  # an all-padding sentence pools to zeros
    return x.to(device)


def test_masked_mean_equals_embedding_bag(learner, device, rng):
    """The pooled sentence vector is the mean over non-padding tokens: the logits equal nn.EmbeddingBag(mode='mean')'s."""
    weights, x = random_weights(rng, device), padded(rng, device)
    expect_close(learner.probe("forward", [9, 4, 3], weights, x), bag(weights, x), rtol=1e-10, atol=1e-12,
                 what="the sentence logits")


def test_padding_changes_nothing(learner, device, rng):
    """Appending padding to a batch leaves every sentence's logits unchanged."""
    weights, x = random_weights(rng, device), padded(rng, device)
    longer = torch.cat([x, torch.zeros(x.shape[0], 5, dtype=x.dtype, device=device)], dim=1)
    expect_close(learner.probe("forward", [9, 4, 3], weights, longer), learner.probe("forward", [9, 4, 3], weights, x),
                 rtol=1e-12, atol=1e-12, what="the logits after appending 5 padding tokens")


def test_gradient_only_in_used_rows(learner, device, rng):
    """The embedding gradient is zero in the padding row and in every row whose word is absent from the batch."""
    weights, x = random_weights(rng, device), padded(rng, device, V=6)
    x[0, 0] = 7  # make sure some row above 5 is used and rows 6 and 8 are not
    got = learner.probe("embedding_grad", [9, 4, 3], weights, x)
    w = {k: v.clone().requires_grad_(k == "embedding.weight") for k, v in weights.items()}
    bag(w, x).sum().backward()
    expect_close(got, w["embedding.weight"].grad, rtol=1e-10, atol=1e-12, what="the gradient of embedding.weight")


def test_sgns_loss(learner, device, rng):
    """sgns_loss = -mean(log sigmoid(u_o . v_c) + sum_k log sigmoid(-u_k . v_c)); its gradients pass gradcheck."""
    c, o = (torch.randn(6, 4, generator=rng, dtype=torch.float64).to(device) for _ in range(2))
    n = torch.randn(6, 3, 4, generator=rng, dtype=torch.float64).to(device)
    want = -(F.logsigmoid((c * o).sum(-1)) + F.logsigmoid(-(n * c[:, None]).sum(-1)).sum(-1)).mean()
    expect_close(learner.call("sgns_loss", c, o, n), want, rtol=1e-10, atol=1e-12, what="sgns_loss")
    check_gradients(learner.function("sgns_loss"), (c[:3].requires_grad_(), o[:3].requires_grad_(),
                                                     n[:3].requires_grad_()), what="sgns_loss", fast=True)


def topic_corpus(rng, n):
    sentences, labels = [], []
    for _ in range(n):
        topic = int(torch.randint(0, 2, (), generator=rng))
        words = [f"{'ab'[topic]}{int(i)}" for i in torch.randint(0, 8, (int(torch.randint(1, 4, (), generator=rng)),), generator=rng)]
        words += ["the", "of", "and", "it"][:int(torch.randint(0, 5, (), generator=rng))]
        order = torch.randperm(len(words), generator=rng)
        sentences.append([words[int(i)] for i in order])
        labels.append(topic)
    return sentences, torch.tensor(labels)


def test_learns_sentence_topics(learner, device, rng):
    """Sentences of topic words and shared filler: vocabulary, encoding and pooled classifier reach 95% test accuracy."""
    (train_s, train_y), (test_s, test_y) = topic_corpus(rng, 200), topic_corpus(rng, 200)
    got = learner.probe("learn", train_s, train_y.to(device), test_s, 8, 60, int(torch.randint(0, 1000, (), generator=rng)))
    if not isinstance(got, torch.Tensor) or got.shape != (200,) or not (got.cpu() == test_y).double().mean() >= 0.95:
        raise CheckFailure("the trained classifier should label 95% of the test sentences' topics correctly")
