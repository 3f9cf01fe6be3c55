"""Public graders for word-embeddings."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def test_vocab_and_encode_example(learner):
    """Vocabulary by frequency, then alphabetically, after <pad> = 0 and <unk> = 1; encode pads and maps unknowns."""
    sentences = [["the", "dog", "runs"], ["the", "cat", "runs", "quickly"]]
    want = {"<pad>": 0, "<unk>": 1, "runs": 2, "the": 3, "cat": 4, "dog": 5, "quickly": 6}
    got = learner.probe("vocab", sentences, 1)
    if got != want:
        raise CheckFailure("build_vocab is not right", f"inputs: {sentences}\nexpected {want}\nreceived {got!r:.200}")
    codes = learner.probe("encode", [["the", "bird", "runs"]], want, 5)
    expect_close(codes, torch.tensor([[3, 1, 2, 0, 0]]), what="encode([['the', 'bird', 'runs']], vocab, 5)",
                 inputs="the vocabulary above")


def test_sentence_logits_example(learner, device):
    """SentenceClassifier pools a sentence to one vector: a (2, 4) batch gives (2, 3) logits, padding ignored."""
    g = torch.Generator().manual_seed(0)
    weights = {"embedding.weight": torch.randn(6, 2, generator=g, dtype=torch.float64),
               "fc1.weight": torch.randn(3, 2, generator=g, dtype=torch.float64),
               "fc1.bias": torch.zeros(3, dtype=torch.float64)}
    weights["embedding.weight"][0] = 0
    weights = {k: v.to(device) for k, v in weights.items()}
    x = torch.tensor([[1, 2, 0, 0], [3, 4, 5, 5]], device=device)
    e = weights["embedding.weight"]
    pooled = torch.stack([(e[1] + e[2]) / 2, (e[3] + e[4] + 2 * e[5]) / 4])
    expect_close(learner.probe("forward", [6, 2, 3], weights, x), pooled @ weights["fc1.weight"].T, rtol=1e-10,
                 atol=1e-12, what="the sentence logits", inputs="x = [[1, 2, 0, 0], [3, 4, 5, 5]], pad 0")
