"""Correct, another way: attention with einsum and an explicit max-shifted softmax, the decoder state kept in a small
dataclass, the teacher-forced inputs built with torch.roll, and greedy written as a separate loop."""

from dataclasses import dataclass

import torch as T
from torch import nn
from torch.nn import functional as NF


@dataclass
class _State:
    enc: T.Tensor
    h: T.Tensor
    ctx: T.Tensor


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
        new_h = self.decoder(T.cat((self.tgt_emb(prev), ctx), -1), h)
        scores = T.einsum("bsh,bh->bs", enc, new_h) * enc.size(-1) ** -0.5
        e = (scores - scores.max(dim=-1, keepdim=True).values).exp()
        weights = e / e.sum(-1, keepdim=True)
        new_ctx = T.einsum("bs,bsh->bh", weights, enc)
        return self.out(T.cat((new_h, new_ctx), -1)), new_h, new_ctx

    def _encode(self, src):
        enc, last = self.encoder(self.src_emb(src))
        return _State(enc, last.squeeze(0), T.zeros_like(enc[:, 0]))

    def forward(self, src, tgt):
        state = self._encode(src)
        fed = T.roll(tgt, shifts=1, dims=1)
        fed[:, 0] = self.bos_idx
        outs = []
        for t in range(tgt.size(1)):
            logits, state.h, state.ctx = self.decode_step(fed[:, t], state.h, state.ctx, state.enc)
            outs.append(logits.unsqueeze(1))
        return T.cat(outs, dim=1)

    def greedy(self, src, steps):
        state = self._encode(src)
        token = src.new_full((src.size(0),), self.bos_idx)
        picked = []
        for _ in range(steps):
            logits, state.h, state.ctx = self.decode_step(token, state.h, state.ctx, state.enc)
            token = logits.argmax(-1)
            picked.append(token)
        if not picked:  # steps == 0
            return src.new_zeros(src.size(0), 0, dtype=T.long)
        return T.stack(picked, 1).long()


def train(model, src, tgt, steps, lr, batch_size=128):
    optimizer = T.optim.Adam(model.parameters(), lr=lr)
    for i in range(steps):
        j = (i * batch_size) % len(src)
        optimizer.zero_grad()
        logits = model(src[j:j + batch_size], tgt[j:j + batch_size])
        loss = NF.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[j:j + batch_size].reshape(-1))
        loss.backward()
        optimizer.step()
