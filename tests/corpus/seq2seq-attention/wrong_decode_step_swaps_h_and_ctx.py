"""decode_step returns (logits, ctx, h) and forward / greedy unpack it the same way: their logits are right,
but decode_step's own result breaks the stated order (logits, h, ctx)."""

import torch
import torch.nn as nn
import torch.nn.functional as F


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
        h = self.decoder(torch.cat([self.tgt_emb(prev), ctx], dim=1), h)
        ctx = F.scaled_dot_product_attention(h[:, None, :], enc, enc)[:, 0, :]
        return self.out(torch.cat([h, ctx], dim=1)), ctx, h

    def _start(self, src):
        enc, h_n = self.encoder(self.src_emb(src))
        return enc, h_n[-1], torch.zeros_like(h_n[-1])

    def forward(self, src, tgt):
        enc, h, ctx = self._start(src)
        bos = torch.full((tgt.shape[0], 1), self.bos_idx, dtype=tgt.dtype, device=tgt.device)
        inputs = torch.cat([bos, tgt[:, :-1]], dim=1)  # shifted right: step t sees tokens < t
        steps = []
        for t in range(inputs.shape[1]):
            logits, ctx, h = self.decode_step(inputs[:, t], h, ctx, enc)
            steps.append(logits)
        return torch.stack(steps, dim=1)

    def greedy(self, src, steps):
        enc, h, ctx = self._start(src)
        prev = torch.full((src.shape[0],), self.bos_idx, dtype=torch.long, device=src.device)
        out = torch.empty(src.shape[0], steps, dtype=torch.long, device=src.device)
        for t in range(steps):
            logits, ctx, h = self.decode_step(prev, h, ctx, enc)
            prev = logits.argmax(dim=1)
            out[:, t] = prev
        return out


def train(model, src, tgt, steps, lr, batch_size=128):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for i in range(steps):
        j = (i * batch_size) % len(src)
        optimizer.zero_grad()
        logits = model(src[j:j + batch_size], tgt[j:j + batch_size])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[j:j + batch_size].reshape(-1))
        loss.backward()
        optimizer.step()
