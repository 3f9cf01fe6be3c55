# %% [markdown]
# # Fix the sample answer's Transformer text classifier: an encoder, batch_first, positions, a padding mask, pooling
#
# `fix-transformer-classifier` · fix-bug / 修复 bug · medium / 中等 · about 30 min / 约 30 分钟
#
# The stub is the sample answer's `TextClassifier`. Fix it as
# `TextClassifier(vocab_size, embedding_dim, hidden_dim, output_dim, nhead=2, num_layers=1, pad_idx=0, max_len=64)`:
#
# * layers, named exactly so: `embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)`,
#   `position = nn.Embedding(max_len, embedding_dim)`, `encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(
#   embedding_dim, nhead, dim_feedforward=hidden_dim, dropout=0.0, batch_first=True), num_layers,
#   enable_nested_tensor=False)`, `fc = nn.Linear(embedding_dim, output_dim)`;
# * `forward(x)` takes padded token ids `(B, T)` (the id `pad_idx`, whatever its value, marks padding; every sentence
#   has at least one real token) and returns `(B, output_dim)` logits: token plus position embeddings, the encoder with
#   `src_key_padding_mask` set at the padding, the mean of the outputs over the real tokens, then `fc`.
#
# Appending padding must not change the logits, and the given `train` loop must learn a toy task. The sample answer's model
# cannot even be constructed (`num_heads` is not a parameter of `nn.Transformer`).
#
# 初始代码是示例答案的 `TextClassifier`。把它修好，写成 `TextClassifier(vocab_size, embedding_dim, hidden_dim, output_dim, nhead=2, num_layers=1, pad_idx=0, max_len=64)`：
#
# * 各层严格按如下命名：`embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)`、`position = nn.Embedding(max_len, embedding_dim)`、`encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(embedding_dim, nhead, dim_feedforward=hidden_dim, dropout=0.0, batch_first=True), num_layers, enable_nested_tensor=False)`、`fc = nn.Linear(embedding_dim, output_dim)`；
# * `forward(x)` 接受填充后的词元 id `(B, T)`（id `pad_idx` 标记填充，无论它的值是多少；每个句子至少有一个真实词元），返回 `(B, output_dim)` 的 logits：词元嵌入加上位置嵌入，经过在填充位置设置了 `src_key_padding_mask` 的编码器，对真实词元上的输出取平均，然后经过 `fc`。
#
# 在末尾追加填充不能改变 logits，并且给定的 `train` 循环必须能学会一个玩具任务。示例答案的模型甚至无法构造（`num_heads` 不是 `nn.Transformer` 的参数）。
#
# Check your work: `prep check fix-transformer-classifier`. Stuck? `prep hint fix-transformer-classifier`.
#
# 检查你的答案：`prep check fix-transformer-classifier`。卡住了？`prep hint fix-transformer-classifier`。

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
