"""Reference answers for quiz-embeddings-rnn. tests/test_track2_quiz_facts.py checks each claim on real torch."""

# %% [markdown]
# **q1** (true/false). `emb(idx)` equals `F.one_hot(idx, V).float() @ emb.weight` for `emb = nn.Embedding(V, d)`.
#
# **q2** (true/false). After `emb(idx).sum().backward()`, the rows of `emb.weight.grad` for indices that do not occur
# in `idx` are exactly 0.
#
# **q3** (number). `emb = nn.Embedding(6, 3, padding_idx=0)`, `idx = torch.tensor([[1, 2, 2, 0]])`, then
# `emb(idx).sum().backward()`. What is `emb.weight.grad[2, 0]`?
#
# **q4** (number). In q3, what is `emb.weight.grad[0, 0]`?
#
# **q5** (true/false). `nn.Embedding` (like word2vec or GloVe) gives a word different vectors in different sentences.
#
# **q6** (choice). GloVe vectors are fitted to: a) global word co-occurrence counts b) next-sentence labels
# c) character n-gram CNN features d) pixel statistics
#
# **q7** (choice). One step of `nn.RNN` (default settings) computes: a) `h = tanh(W_ih x + b_ih + W_hh h + b_hh)`
# b) `h = W_ih x + W_hh h` c) `h = sigmoid(W_ih x)` d) `h = relu(W_hh h)`
#
# **q8** (true/false). With the tanh removed from the recurrence, the last hidden state is still a nonlinear function
# of the inputs.
#
# **q9** (choice). Which is not a layer in `torch.nn`? a) `RNN` b) `LSTM` c) `GRU` d) `GRNN`
#
# **q10** (choice). A loop calls `loss.backward()` at every time step through a hidden state it never detaches (and
# never steps an optimizer). At the second step: a) all is fine b) RuntimeError "Trying to backward through the
# graph a second time" c) a shape error d) the gradients become NaN
#
# **q11** (true/false). For a one-layer, unidirectional `nn.RNN(batch_first=True)`, `out[:, -1]` equals `h_n[0]`.
#
# **q12** (number). How many parameters does `nn.LSTM(10, 20)` have?

# %%
### BEGIN SOLUTION
ANSWERS = {"q1": True, "q2": True, "q3": 2.0, "q4": 0.0, "q5": False, "q6": "a", "q7": "a", "q8": False,
           "q9": "d", "q10": "b", "q11": True, "q12": 2560}
### END SOLUTION
### BEGIN STUB
# ANSWERS = {"q1": None, "q2": None, "q3": None, "q4": None, "q5": None, "q6": None, "q7": None, "q8": None,
#            "q9": None, "q10": None, "q11": None, "q12": None}
### END STUB
