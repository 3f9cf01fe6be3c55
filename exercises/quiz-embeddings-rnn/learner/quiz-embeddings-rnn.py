# %% [markdown]
# # Quiz: what nn.Embedding and nn.RNN compute, and what the sample answers get wrong about them
#
# `quiz-embeddings-rnn` · quiz / 测验 · easy / 简单 · about 12 min / 约 12 分钟
#
# Twelve questions on word embeddings and recurrent layers, answered per real PyTorch (several sample answers are
# wrong). Fill in the `ANSWERS` dict: a letter for multiple choice, True or False, or a number. Each item is graded on
# its own, and its explanation is shown once you get it right.
#
# 十二道题，关于词嵌入和循环层，按真实的 PyTorch 作答（有几个示例答案是错的）。填写 `ANSWERS` 字典：选择题填一个字母，判断题填 True 或 False，或者填一个数字。每道题单独评分，答对后会显示它的解释。
#
# Check your work: `prep check quiz-embeddings-rnn`. Stuck? `prep hint quiz-embeddings-rnn`.
#
# 检查你的答案：`prep check quiz-embeddings-rnn`。卡住了？`prep hint quiz-embeddings-rnn`。

# %% [markdown]
# Answer each question in the `ANSWERS` dict below:
#
# * multiple choice: the letter, as a string (`"b"`);
# * true/false: `True` or `False`;
# * numeric: a number.
#
# **q1** (true/false). `emb(idx)` equals `F.one_hot(idx, V).float() @ emb.weight` for `emb = nn.Embedding(V, d)`.
#
# **q2** (true/false). After `emb(idx).sum().backward()`, the rows of `emb.weight.grad` for indices that do not occur
# in `idx` are exactly 0.
#
# **q3** (numeric). `emb = nn.Embedding(6, 3, padding_idx=0)`, `idx = torch.tensor([[1, 2, 2, 0]])`, then
# `emb(idx).sum().backward()`. What is `emb.weight.grad[2, 0]`?
#
# **q4** (numeric). In q3, what is `emb.weight.grad[0, 0]`?
#
# **q5** (true/false). `nn.Embedding` (like word2vec or GloVe) gives a word different vectors in different sentences.
#
# **q6** (true/false). `emb = nn.Embedding.from_pretrained(vectors)`, with default arguments, is updated by training:
# `emb.weight.requires_grad` is True.
#
# **q7** (multiple choice). One step of `nn.RNN` (default settings) computes: a) `h = tanh(W_ih x + b_ih + W_hh h +
# b_hh)`  b) `h = W_ih x + W_hh h`  c) `h = sigmoid(W_ih x)`  d) `h = relu(W_hh h)`
#
# **q8** (true/false). With the tanh removed from the recurrence, the last hidden state is still a nonlinear function
# of the inputs.
#
# **q9** (true/false). Two sequences of lengths 3 and 1, padded into `x` of shape (2, 3, 4), go through `rnn =
# nn.RNN(4, 5, batch_first=True)` as `pack_padded_sequence(x, [3, 1], batch_first=True, enforce_sorted=False)`. In `_,
# h_n = rnn(packed)`, `h_n[0, 1]` is the second sequence's hidden state after its one real step.
#
# **q10** (multiple choice). A loop calls `loss.backward()` at every time step through a hidden state it never
# detaches (and never steps an optimizer). At the second step: a) all is fine  b) RuntimeError "Trying to backward
# through the graph a second time"  c) a shape error  d) the gradients become NaN
#
# **q11** (true/false). For a one-layer, unidirectional `nn.RNN(batch_first=True)` on an unpadded batch, `out[:, -1]`
# equals `h_n[0]`.
#
# **q12** (numeric). How many parameters does `nn.LSTM(10, 20)` have?

# %%
ANSWERS = {
    "q1": None,
    "q2": None,
    "q3": None,
    "q4": None,
    "q5": None,
    "q6": None,
    "q7": None,
    "q8": None,
    "q9": None,
    "q10": None,
    "q11": None,
    "q12": None,
}
