"""Right: the reference with its layers registered in another order (embedding, encoder, fc, then position, as when
the position table is added to the seed's layers last): the task names the layers but not their order, so the
state_dict's keys come in another order and the names, shapes and dtypes are the same."""

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
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        layer = nn.TransformerEncoderLayer(embedding_dim, nhead, dim_feedforward=hidden_dim, dropout=0.0,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
        self.fc = nn.Linear(embedding_dim, output_dim)
        self.position = nn.Embedding(max_len, embedding_dim)

    def forward(self, x):
        pad = x == self.pad_idx  # (B, T), True where attention must not look
        h = self.embedding(x) + self.position(torch.arange(x.shape[1], device=x.device))
        h = self.encoder(h, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).to(h.dtype)
        return self.fc((h * keep).sum(dim=1) / keep.sum(dim=1).clamp(min=1))  # mean over real tokens


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
