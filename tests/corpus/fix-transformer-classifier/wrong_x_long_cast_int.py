"""VIOLATES "forward(x) takes padded token ids (B, T) (the id pad_idx, whatever its value, marks padding)": compares x.to(torch.uint8) == pad_idx to build the mask 'to save memory', so ids >= 256 wrap around and a real token id pad_idx + 256 is taken for padding (and a pad_idx >= 256 never matches)."""

import torch
from torch import nn


def _masked_mean(h, real):
    w = real.to(h.dtype).unsqueeze(-1)
    return torch.einsum("btd,btk->bd", h, w) / w.sum(dim=1)


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, output_dim, nhead=2, num_layers=1, pad_idx=0,
                 max_len=64):
        super().__init__()
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.position = nn.Embedding(max_len, embedding_dim)
        block = nn.TransformerEncoderLayer(embedding_dim, nhead, dim_feedforward=hidden_dim, dropout=0.0,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(block, num_layers, enable_nested_tensor=False)
        self.fc = nn.Linear(embedding_dim, output_dim)

    def forward(self, x):
        pad = x.to(torch.uint8).eq(self.pad_idx % 256)
        steps = torch.arange(x.size(1), device=x.device)
        h = self.embedding(x) + self.position(steps).unsqueeze(0)
        h = self.encoder(h, src_key_padding_mask=pad)
        return self.fc(_masked_mean(h, ~pad))


def train(model, x, y, steps, lr=5e-3):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = nn.CrossEntropyLoss()
    model.train()
    for step in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
