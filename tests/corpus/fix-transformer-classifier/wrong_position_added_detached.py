"""Breaks: "token plus position embeddings" (with `position = nn.Embedding(max_len, embedding_dim)` a trained layer; "the given `train` loop must learn"). Angle: N. How: the position embedding is added detached, so position.weight never receives a gradient."""


# %%
import torch
import torch.nn as nn


# %% [markdown]
# The seed's classifier cannot be built (`nn.Transformer` has no `num_heads`; its second
# argument is `nhead`), and would not run if it could: `nn.Transformer` is an encoder-decoder
# that needs a `tgt`, its `batch_first` defaults to False, the head's width is wrong, there
# are no positions and no padding mask, and it returns one logit row per token.

# %%
class TextClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, output_dim, nhead=2, num_layers=1, pad_idx=0,
                 max_len=64):
        super(TextClassifier, self).__init__()
        ### BEGIN SOLUTION
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.position = nn.Embedding(max_len, embedding_dim)
        layer = nn.TransformerEncoderLayer(embedding_dim, nhead, dim_feedforward=hidden_dim, dropout=0.0,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
        self.fc = nn.Linear(embedding_dim, output_dim)
        ### END SOLUTION
        ### BEGIN STUB
        # self.embedding = nn.Embedding(vocab_size, embedding_dim)
        # self.transformer = nn.Transformer(embedding_dim, hidden_dim, num_heads=2)
        # self.fc = nn.Linear(hidden_dim, output_dim)
        ### END STUB

    def forward(self, x):
        ### BEGIN SOLUTION
        pad = x == self.pad_idx  # (B, T), True where attention must not look
        h = self.embedding(x) + self.position(torch.arange(x.shape[1], device=x.device)).detach()
        h = self.encoder(h, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).to(h.dtype)
        return self.fc((h * keep).sum(dim=1) / keep.sum(dim=1).clamp(min=1))  # mean over real tokens
        ### END SOLUTION
        ### BEGIN STUB
        # x = self.embedding(x)
        # x = self.transformer(x)
        # x = self.fc(x)
        # return x
        ### END STUB


# %%
def train(model, x, y, steps, lr=5e-3):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = nn.CrossEntropyLoss()
    model.train()
    for step in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
