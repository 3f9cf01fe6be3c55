"""Violates: 'greedy(src, steps): (B, steps) int64 tokens'. The token buffer copies src's dtype: for an int32 src the result is int32 (and BOS is fed as int32)."""
# %% [markdown]
# # A small seq2seq with attention: teacher forcing without target leakage, and greedy decoding
#
# `seq2seq-attention` · code · hard · about 40 min
#
# `Seq2Seq(vocab_size, emb_dim, hidden_dim, bos_idx)` has its layers given (`src_emb`, `tgt_emb`, a GRU `encoder`, a
# GRUCell `decoder` whose input is a target embedding concatenated with the previous context, and `out`). Write:
#
# * `decode_step(prev, h, ctx, enc)`: one decoder step for the previous tokens `prev (B,)`, the state `h (B, H)`, the
#   context `ctx (B, H)` and the encoder outputs `enc (B, S, H)`. It computes `h = decoder(cat(tgt_emb(prev), ctx), h)`,
#   then the new `ctx` by scaled dot-product attention of that new `h` over `enc` (scores `enc[:, s] . h / sqrt(H)`,
#   softmax over s, weighted sum of `enc`), and `logits = out(cat(h, ctx))`; it returns `(logits (B, V), h, ctx)`.
# * `forward(src, tgt)`: teacher-forced logits `(B, T, V)` for the target `tgt (B, T)`. It encodes `src (B, S)` once
#   and starts the decoder from the encoder's final state and a zero context; step 0 is fed `bos_idx`, step t the true
#   token `tgt[:, t - 1]`, so that step t never sees `tgt[:, t]`.
# * `greedy(src, steps)`: `(B, steps)` int64 tokens, started as in `forward`, each step fed the previous step's argmax
#   (BOS first).
#
# With copied weights the logits must match the reference exactly (float64, 1e-9) for any batch size, any `bos_idx` and
# source and target lengths that differ. Trained with the given `train` loop on a reversal task, greedy decoding must
# reverse fresh sequences. The sample answer feeds the decoder the very target its loss is computed on, so the target leaks into
# the input.
#
# Check your work: `prep check seq2seq-attention`. Stuck? `prep hint seq2seq-attention`.

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F

# %% [markdown]
# A GRU encoder reads the source; a GRUCell decoder writes the target one token at a time.
# Step t of the decoder (prev = BOS at t = 0; h starts at the encoder's final state, ctx at 0):
#
#     h   = decoder(cat(tgt_emb(prev), ctx), h)
#     ctx = sum_s softmax_s(enc[:, s] . h / sqrt(H)) * enc[:, s]      (attention over the encoder outputs)
#     logits_t = out(cat(h, ctx))
#
# Teacher forcing feeds the true previous token: prev = tgt[:, t - 1]. Step t must never see
# tgt[:, t] itself, or the model learns to copy its input. Greedy decoding feeds back its own argmax.

# %%
class Seq2Seq(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, bos_idx):
        super().__init__()
        self.bos_idx = bos_idx
        self.src_emb = nn.Embedding(vocab_size, emb_dim)
        self.tgt_emb = nn.Embedding(vocab_size, emb_dim)
        self.encoder = nn.GRU(emb_dim, hidden_dim, batch_first=True)
        self.decoder = nn.GRUCell(emb_dim + hidden_dim, hidden_dim)
        self.out = nn.Linear(2 * hidden_dim, vocab_size)

    def decode_step(self, prev, h, ctx, enc):
        x = torch.cat((self.tgt_emb(prev), ctx), 1)
        h_new = self.decoder(x, h)
        H = h_new.size(1)
        scores = torch.bmm(enc, h_new.unsqueeze(-1)).squeeze(-1) * H ** -0.5
        attn = F.softmax(scores, dim=1)
        ctx_new = torch.bmm(attn.unsqueeze(1), enc).squeeze(1)
        logits = self.out(torch.cat((h_new, ctx_new), 1))
        return logits, h_new, ctx_new

    def forward(self, src, tgt):
        enc, last = self.encoder(self.src_emb(src))
        h = last.squeeze(0)
        ctx = h.new_zeros(h.shape)
        prev = tgt.new_full((tgt.size(0),), self.bos_idx)
        steps = []
        for t in range(tgt.size(1)):
            logits, h, ctx = self.decode_step(prev, h, ctx, enc)
            steps.append(logits.unsqueeze(1))
            prev = tgt[:, t]
        return torch.cat(steps, 1)

    def greedy(self, src, steps):
        enc, last = self.encoder(self.src_emb(src))
        h = last.squeeze(0)
        ctx = h.new_zeros(h.shape)
        prev = src.new_full((src.size(0),), self.bos_idx).long()
        picked = []
        tokens = src.new_zeros(src.size(0), steps)
        for _ in range(steps):
            logits, h, ctx = self.decode_step(prev, h, ctx, enc)
            prev = torch.max(logits, dim=1).indices
            picked.append(prev)
        for t, p in enumerate(picked):
            tokens[:, t] = p
        return tokens


def train(model, src, tgt, steps, lr, batch_size=128):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for i in range(steps):
        j = (i * batch_size) % len(src)
        optimizer.zero_grad()
        logits = model(src[j:j + batch_size], tgt[j:j + batch_size])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[j:j + batch_size].reshape(-1))
        loss.backward()
        optimizer.step()
