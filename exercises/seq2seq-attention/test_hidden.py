"""Hidden graders for seq2seq-attention: copied weights against a reference, leakage, greedy decoding, learning."""

import torch
import torch.nn as nn

from grader.judge.checks import CheckFailure, expect_close, expect_tensor

V, E, H, BOS = 7, 5, 6, 6
ARGS = [V, E, H, BOS]


class Reference(nn.Module):
    def __init__(self):
        super().__init__()
        self.src_emb, self.tgt_emb = nn.Embedding(V, E), nn.Embedding(V, E)
        self.encoder = nn.GRU(E, H, batch_first=True)
        self.decoder = nn.GRUCell(E + H, H)
        self.out = nn.Linear(2 * H, V)

    def run(self, src, tgt=None, steps=None):
        enc, h_n = self.encoder(self.src_emb(src))
        h, ctx = h_n[0], enc.new_zeros(enc.shape[0], H)
        prev = torch.full_like(src[:, 0], BOS)
        logits, tokens = [], []
        for t in range(tgt.shape[1] if tgt is not None else steps):
            h = self.decoder(torch.cat([self.tgt_emb(prev), ctx], -1), h)
            w = torch.softmax((enc @ h.unsqueeze(-1)).squeeze(-1) / H ** 0.5, -1)
            ctx = (w.unsqueeze(-1) * enc).sum(1)
            logits.append(self.out(torch.cat([h, ctx], -1)))
            prev = tgt[:, t] if tgt is not None else logits[-1].argmax(-1)
            tokens.append(prev)
        return torch.stack(logits, 1) if tgt is not None else torch.stack(tokens, 1)


def reference(rng, device):
    model = Reference().to(device, torch.float64)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=rng, dtype=torch.float64))
    return model, {k: v.detach().clone() for k, v in model.state_dict().items()}


def tokens(rng, device, *shape):
    return torch.randint(0, BOS, shape, generator=rng).to(device)


def test_teacher_forced_logits_with_copied_weights(learner, device, rng):
    """With copied weights, forward(src, tgt) equals the reference decoder with attention, step by step."""
    for S, T in ((5, 4), (3, 6), (1, 1)):
        model, weights = reference(rng, device)
        src, tgt = tokens(rng, device, 3, S), tokens(rng, device, 3, T)
        with torch.no_grad():
            want = model.run(src, tgt)
        expect_close(learner.probe("forward", ARGS, weights, src, tgt), want, rtol=1e-9, atol=1e-12,
                     what=f"the logits for a {S}-token source and a {T}-token target")


def test_no_target_leakage(learner, device, rng):
    """Changing target token t leaves the logits of steps 0..t unchanged and changes step t + 1."""
    _, weights = reference(rng, device)
    src, tgt = tokens(rng, device, 4, 5), tokens(rng, device, 4, 6)
    base = learner.probe("forward", ARGS, weights, src, tgt)
    for t in (0, 2, 4):
        changed = tgt.clone()
        changed[:, t] = (changed[:, t] + 1 + torch.randint(0, BOS - 1, (4,), generator=rng).to(device)) % BOS
        out = learner.probe("forward", ARGS, weights, src, changed)
        expect_close(out[:, :t + 1], base[:, :t + 1], rtol=1e-12, atol=1e-12,
                     what=f"the logits of steps 0..{t} after changing target token {t} (they must not see it)")
        if torch.allclose(out[:, t + 1], base[:, t + 1]):
            raise CheckFailure(f"the logits of step {t + 1} must depend on target token {t} (teacher forcing)")


def test_uses_the_source_through_attention(learner, device, rng):
    """Every source position matters: changing any one source token changes the last step's logits."""
    _, weights = reference(rng, device)
    src, tgt = tokens(rng, device, 2, 5), tokens(rng, device, 2, 3)
    base = learner.probe("forward", ARGS, weights, src, tgt)
    for s in range(5):
        changed = src.clone()
        changed[:, s] = (changed[:, s] + 1) % BOS
        if torch.allclose(learner.probe("forward", ARGS, weights, changed, tgt)[:, -1], base[:, -1]):
            raise CheckFailure(f"the output does not depend on source position {s}")


def test_greedy_decoding(learner, device, rng):
    """greedy(src, steps) feeds back its own argmax from BOS: it equals the reference's tokens (int64)."""
    for steps in (1, 6):
        model, weights = reference(rng, device)
        src = tokens(rng, device, 5, 4)
        with torch.no_grad():
            want = model.run(src, steps=steps)
        got = expect_tensor(learner.probe("greedy", ARGS, weights, src, steps), what="the greedy tokens",
                            shape=(5, steps), dtype=torch.int64, device=device)
        if not torch.equal(got, want):
            raise CheckFailure(f"greedy decoding for {steps} step(s) differs from feeding back the argmax")


def test_learns_to_reverse(learner, device, rng):
    """Trained with the given loop on 2048 random sequences, greedy decoding reverses fresh ones (85% of tokens)."""
    src = torch.randint(0, 8, (2048, 6), generator=rng).to(device)
    test = torch.randint(0, 8, (256, 6), generator=rng).to(device)
    got = learner.probe("learn", [9, 16, 32, 8], src, src.flip(1), test, 150, 0.02,
                        int(torch.randint(0, 1000, (), generator=rng)))
    got = expect_tensor(got, what="the greedy tokens", shape=(256, 6), dtype=torch.int64, device=device)
    if not (got == test.flip(1)).double().mean() >= 0.85:
        raise CheckFailure("after 150 steps greedy decoding should reverse 85% of the tokens of fresh sequences")
