# %% [markdown]
# # A small seq2seq with attention: teacher forcing without target leakage, and greedy decoding
#
# `seq2seq-attention` · code · hard · about 40 min
#
# `Seq2Seq(vocab_size, emb_dim, hidden_dim, bos_idx)` has its layers given (`src_emb`, `tgt_emb`, a GRU `encoder`, a
# GRUCell `decoder` whose input is a target embedding concatenated with the previous context, and `out`). Write:
#
# * `decode_step(prev, h, ctx, enc)`: one decoder step as defined in the notebook (scaled dot-product attention of
#   the new state `h` over the encoder outputs `enc (B, S, H)`), returning `(logits (B, V), h, ctx)`;
# * `forward(src, tgt)`: teacher-forced logits `(B, T, V)` for the target `tgt (B, T)`: step 0 is fed `bos_idx`,
#   step t the true token `tgt[:, t - 1]`, so that step t never sees `tgt[:, t]`;
# * `greedy(src, steps)`: `(B, steps)` int64 tokens, each step fed the previous step's argmax (BOS first).
#
# With copied weights the logits must match the reference exactly (float64, 1e-9). Trained with the given `train`
# loop on a reversal task, greedy decoding must reverse fresh sequences. The seed feeds the decoder the very target
# its loss is computed on, so the target leaks into the input.
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
        raise NotImplementedError("seq2seq-attention: your code here")

    def forward(self, src, tgt):
        raise NotImplementedError("seq2seq-attention: your code here")

    def greedy(self, src, steps):
        raise NotImplementedError("seq2seq-attention: your code here")

# %%
def train(model, src, tgt, steps, lr, batch_size=128):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for i in range(steps):
        j = (i * batch_size) % len(src)
        optimizer.zero_grad()
        logits = model(src[j:j + batch_size], tgt[j:j + batch_size])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[j:j + batch_size].reshape(-1))
        loss.backward()
        optimizer.step()
