# %% [markdown]
# # Fix the seed's Transformer text classifier: an encoder, batch_first, positions, a padding mask, pooling
#
# `fix-transformer-classifier` · fix-bug · medium · about 30 min
#
# The stub is the seed's `TextClassifier`. Fix it as
# `TextClassifier(vocab_size, embedding_dim, hidden_dim, output_dim, nhead=2, num_layers=1, pad_idx=0, max_len=64)`:
#
# * layers, named exactly so: `embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)`,
#   `position = nn.Embedding(max_len, embedding_dim)`, `encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(
#   embedding_dim, nhead, dim_feedforward=hidden_dim, dropout=0.0, batch_first=True), num_layers,
#   enable_nested_tensor=False)`, `fc = nn.Linear(embedding_dim, output_dim)`;
# * `forward(x)` takes padded token ids `(B, T)` (pad_idx marks padding) and returns `(B, output_dim)` logits: token
#   plus position embeddings, the encoder with `src_key_padding_mask` set at the padding, the mean of the outputs over
#   the real tokens, then `fc`.
#
# Appending padding must not change the logits, and the given `train` loop must learn a toy task. The seed's model
# cannot even be constructed (`num_heads` is not a parameter of `nn.Transformer`).
#
# Check your work: `prep check fix-transformer-classifier`. Stuck? `prep hint fix-transformer-classifier`.

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
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.transformer = nn.Transformer(embedding_dim, hidden_dim, num_heads=2)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        x = self.embedding(x)
        x = self.transformer(x)
        x = self.fc(x)
        return x

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
