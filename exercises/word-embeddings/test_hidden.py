"""Hidden graders for word-embeddings: random corpora, weights and batches per run."""

from collections import Counter

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, check_gradients, expect_close, expect_tensor

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
            raise CheckFailure(f"build_vocab is wrong for min_freq={min_freq}: <pad> 0 and <unk> 1, then every word of "
                               "these sentences (and only these: nothing kept from an earlier call) seen at least "
                               "min_freq times, most frequent first, ties in alphabetical order")
    # the last corpus again, same length, same min_freq and same first sentences, but its last two sentences
    # replaced by a new word: a vocabulary kept from the call before (keyed by len(sentences), min_freq or the first
    # sentences) is stale here; then a fresh corpus of the same length at min_freq 1, the first call's key
    again = [list(s) for s in sentences[:-2]] + [["zz"] * 4, ["zz", "w0"]]
    for sents, min_freq in ((again, 3), (corpus(rng, 15), 1)):
        if learner.probe("vocab", sents, min_freq) != reference_vocab(sents, min_freq):
            raise CheckFailure(f"build_vocab is wrong for min_freq={min_freq} on a second corpus with as many "
                               "sentences as an earlier call's: the vocabulary must come from these sentences only "
                               "(nothing kept from an earlier call, e.g. a cache keyed by the number of sentences)")


def test_encode(learner, rng):
    """encode maps unknown words to <unk>, pads with <pad> and truncates to the length, as an int64 (N, length) tensor,
    for a vocabulary from build_vocab and for one whose <pad> and <unk> have other ids (and again on the same sentences
    with another vocabulary); (0, length) for no sentences."""
    vocab = reference_vocab(corpus(rng, 6))
    sentences = corpus(rng, 5) + [[], ["zzz"] * 9, WORDS[:4] + ["zzz"] + WORDS[4:9]]  # the last: truncated, all distinct
    want = torch.tensor([([vocab.get(w, 1) for w in s][:6] + [0] * 6)[:6] for s in sentences])
    expect_close(learner.probe("encode", sentences, vocab, 6), want,
                 what="encode(..., length=6) (each row: the ids of the sentence's first 6 words, unknown words as "
                      "<unk>, then <pad> up to the length)")
    words = [f"w{i}" for i in range(5)]
    other = {"w0": 0, "w1": 1, "w2": 2, "<unk>": 5, "<pad>": 3, "w3": 4, "w4": 6}  # <pad> 3, <unk> 5, a word at 0
    sentences = [[words[int(i)] for i in torch.randint(0, 5, (n,), generator=rng)] + (["new"] if n % 2 else [])
                 for n in (1, 4, 2, 3)] + [[], ["w4", "new", "w0", "w3", "w2", "w1"]]
    want = torch.tensor([([other.get(w, 5) for w in s][:4] + [3] * 4)[:4] for s in sentences])
    expect_close(learner.probe("encode", sentences, other, 4), want,
                 what="encode(..., length=4) with a vocabulary whose <pad> is 3 and <unk> is 5")
    # the same sentences and length again, under a vocabulary with every id moved by 10: each call reads its own
    # vocabulary (rows cached from the call before, keyed by the sentences, answer with the old ids)
    moved = {w: i + 10 for w, i in other.items()}
    expect_close(learner.probe("encode", sentences, moved, 4), want + 10,
                 what="encode(..., length=4) called again on the same sentences with another vocabulary (every id "
                      "moved by 10: <pad> 13, <unk> 15): the ids come from this call's vocabulary")
    expect_close(learner.probe("encode", [], vocab, 6), torch.zeros(0, 6, dtype=torch.int64),
                 what="encode([], vocab, 6): no sentences give an empty (0, length) tensor")


def random_weights(rng, device, V=9, D=4, C=3, pad=0, dtype=torch.float64):
    w = {"embedding.weight": torch.randn(V, D, generator=rng, dtype=torch.float64),
         "fc1.weight": torch.randn(C, D, generator=rng, dtype=torch.float64),
         "fc1.bias": torch.randn(C, generator=rng, dtype=torch.float64)}
    if pad == 0:
        w["embedding.weight"][0] = 0
    # for another pad_idx the padding row keeps non-zero values: only the mask keeps it out
    return {k: v.to(device, dtype) for k, v in w.items()}


def bag(weights, x, pad=0):
    pooled = F.embedding_bag(x, weights["embedding.weight"], mode="mean", padding_idx=pad)
    return F.linear(pooled, weights["fc1.weight"], weights["fc1.bias"])


def padded(rng, device, B=5, T=7, V=9, pad=0):
    """Sentences of 1..T words, any id but pad (0 included when pad != 0), then pad; the last one all padding."""
    x = torch.randint(0, V - 1, (B, T), generator=rng)
    x = x + (x >= pad).long()
    lengths = torch.randint(1, T + 1, (B,), generator=rng)
    x[torch.arange(T)[None] >= lengths[:, None]] = pad
    if B > 1:
        x[-1] = pad  # an all-padding sentence pools to zeros
    return x.to(device)


CASES = ((0, 5, torch.float64), (4, 3, torch.float64), (2, 1, torch.float32))  # pad_idx, batch size, dtype


def test_masked_mean_equals_embedding_bag(learner, device, rng):
    """The pooled sentence vector is the mean over the tokens that are not pad_idx (zeros for an all-padding
    sentence): the (B, n_classes) logits equal nn.EmbeddingBag(mode='mean')'s, for pad_idx 0, 4 and 2, float64 and
    float32, a batch of 1 included, with a pad_idx token inside the first sentence (words after it still count); and
    with bfloat16 weights the logits are bfloat16 (the weights' dtype)."""
    for pad, B, dtype in CASES:
        weights, x = random_weights(rng, device, pad=pad, dtype=dtype), padded(rng, device, B=B, pad=pad)
        x[0, 1], x[0, 2], x[0, 3] = pad, (pad + 1) % 9, (pad + 2) % 9  # a padding token between words
        tol = dict(rtol=1e-10, atol=1e-12) if dtype == torch.float64 else dict(rtol=1e-5, atol=1e-6)
        expect_close(learner.probe("forward", [9, 4, 3, pad], weights, x), bag(weights, x, pad), **tol,
                     what=f"the sentence logits (pad_idx {pad}, batch of {B}, {str(dtype)[6:]}; "
                          "the first sentence has a padding token between words: skip it, keep the words after it)")
    # bfloat16 weights: the logits stay in the weights' dtype (values compared loosely, in float64, with the pooling
    # done in float64 on the same bfloat16 weights)
    from grader.judge.session import LearnerError

    pad = int(torch.randint(0, 9, (), generator=rng))
    weights, x = random_weights(rng, device, pad=pad, dtype=torch.bfloat16), padded(rng, device, B=4, pad=pad)
    what = f"the sentence logits with bfloat16 weights (pad_idx {pad})"
    try:
        got = learner.probe("forward", [9, 4, 3, pad], weights, x)
    except LearnerError as e:
        raise CheckFailure(f"{what} could not be computed: pool in the weights' dtype (a mask or a count made with "
                           ".float() turns the pooled vector into float32, which a bfloat16 fc1 refuses)",
                           e.summary()) from None
    want = bag({k: v.double() for k, v in weights.items()}, x, pad)
    expect_tensor(got, what=what, shape=want.shape, dtype=torch.bfloat16, device=want.device)
    expect_close(got.double(), want, rtol=5e-2, atol=5e-2, what=what)


def test_padding_changes_nothing(learner, device, rng):
    """Appending padding (pad_idx, whatever its value) to a batch leaves every sentence's logits unchanged."""
    for pad in (0, 4):
        weights, x = random_weights(rng, device, pad=pad), padded(rng, device, pad=pad)
        longer = torch.cat([x, torch.full((x.shape[0], 5), pad, dtype=x.dtype, device=device)], dim=1)
        expect_close(learner.probe("forward", [9, 4, 3, pad], weights, longer),
                     learner.probe("forward", [9, 4, 3, pad], weights, x), rtol=1e-12, atol=1e-12,
                     what=f"the logits after appending 5 padding tokens (pad_idx {pad})")


def test_gradient_only_in_used_rows(learner, device, rng):
    """The embedding gradient is zero in the padding row (pad_idx 0 or not) and in every row whose word is absent
    from the batch; elsewhere it is the mean-pooling gradient."""
    for pad in (0, 3):
        weights, x = random_weights(rng, device, pad=pad), padded(rng, device, V=6, pad=pad)
        x[0, 0] = 7  # make sure some row above 5 is used and rows 6 and 8 are not
        got = learner.probe("embedding_grad", [9, 4, 3, pad], weights, x)
        w = {k: v.clone().requires_grad_(k == "embedding.weight") for k, v in weights.items()}
        bag(w, x, pad).sum().backward()
        expect_close(got, w["embedding.weight"].grad, rtol=1e-10, atol=1e-12,
                     what=f"the gradient of embedding.weight (pad_idx {pad})")


def reference_sgns(c, o, n):
    c, o, n = c.double(), o.double(), n.double()
    return -(F.logsigmoid((c * o).sum(-1)) + F.logsigmoid(-(n * c[:, None]).sum(-1)).sum(-1)).mean()


def test_sgns_loss(learner, device, rng):
    """sgns_loss = -mean(log sigmoid(u_o . v_c) + sum_k log sigmoid(-u_k . v_c)), a 0-d tensor in the inputs' dtype;
    also for B = 1, K = 1 and for K = 1 with B > 1; its gradients pass gradcheck."""
    c, o = (torch.randn(6, 4, generator=rng, dtype=torch.float64).to(device) for _ in range(2))
    n = torch.randn(6, 3, 4, generator=rng, dtype=torch.float64).to(device)
    expect_close(learner.call("sgns_loss", c, o, n), reference_sgns(c, o, n), rtol=1e-10, atol=1e-12,
                 what="sgns_loss (minus the mean over the batch of log sigmoid(context . center) plus the sum over "
                      "the K negatives of log sigmoid(-negative . center))")
    c1, o1, n1 = c[:1].float(), o[:1].float(), n[:1, :1].float()  # B = 1, K = 1, float32
    expect_close(learner.call("sgns_loss", c1, o1, n1), reference_sgns(c1, o1, n1).float(), rtol=1e-5, atol=1e-6,
                 what="sgns_loss for B = 1, K = 1 in float32")
    c4, o4, n4 = c[:4], o[:4], n[:4, :1]  # K = 1 with B = 4: the sum over k is over one negative, not over the batch
    expect_close(learner.call("sgns_loss", c4, o4, n4), reference_sgns(c4, o4, n4), rtol=1e-10, atol=1e-12,
                 what="sgns_loss for B = 4, K = 1 (negatives of shape (4, 1, D): keep the k dimension)")
    check_gradients(learner.function("sgns_loss"), (c[:3].clone().requires_grad_(), o[:3].clone().requires_grad_(),
                                                     n[:3].clone().requires_grad_()), what="sgns_loss", fast=True)


def test_sgns_loss_is_stable(learner, device, rng):
    """sgns_loss stays finite and right when dot products reach the hundreds, of either sign (float64 and float32):
    log sigmoid must not be computed as log(sigmoid(.))."""
    for dtype in (torch.float64, torch.float32):
        c = torch.full((3, 4), 6.0, dtype=torch.float64)
        o = torch.randn(3, 4, generator=rng, dtype=torch.float64).sign() * 6.0  # c . o in [-144, 144]
        o[0] = -6.0  # one positive pair scored -144: log sigmoid(-144) underflows if taken as log(sigmoid)
        n = torch.randn(3, 2, 4, generator=rng, dtype=torch.float64).sign() * 6.0
        n[1, 0] = 6.0  # one negative scored +144
        c, o, n = (t.to(device, dtype) for t in (c, o, n))
        expect_close(learner.call("sgns_loss", c, o, n), reference_sgns(c, o, n).to(dtype), rtol=1e-6, atol=1e-6,
                     what=f"sgns_loss with dot products of +-144 ({str(dtype)[6:]})")


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
