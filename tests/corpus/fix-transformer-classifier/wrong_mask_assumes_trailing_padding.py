"""Violates: 'the id pad_idx, whatever its value, marks padding': padding is assumed to be trailing; the mask is built from the count of real tokens (position >= length), so left-padded or mid-sentence pad tokens are attended to and averaged."""
import torch
import torch.nn as nn
from torch.nn import TransformerEncoder, TransformerEncoderLayer, Embedding, Linear


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, output_dim, nhead=2, num_layers=1, pad_idx=0,
                 max_len=64):
        super().__init__()
        self.pad_idx = pad_idx
        self.embedding = Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.position = Embedding(max_len, embedding_dim)
        self.encoder = TransformerEncoder(
            TransformerEncoderLayer(d_model=embedding_dim, nhead=nhead, dim_feedforward=hidden_dim,
                                    dropout=0.0, batch_first=True),
            num_layers=num_layers, enable_nested_tensor=False)
        self.fc = Linear(embedding_dim, output_dim)

    def embed(self, x):
        positions = torch.arange(x.shape[-1], device=x.device)
        return self.embedding(x) + self.position(positions).unsqueeze(0)

    def pool(self, h, mask):
        h = h.masked_fill(mask.unsqueeze(-1), 0.0)
        count = (~mask).sum(dim=1, keepdim=True).clamp_min(1)
        return h.sum(dim=1) / count

    def forward(self, x):
        n_real = (x != self.pad_idx).sum(1, keepdim=True)
        mask = torch.arange(x.shape[1], device=x.device).unsqueeze(0) >= n_real
        h = self.encoder(self.embed(x), src_key_padding_mask=mask)
        return self.fc(self.pool(h, mask))


def train(model, x, y, steps, lr=5e-3):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = nn.CrossEntropyLoss()
    model.train()
    for step in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
