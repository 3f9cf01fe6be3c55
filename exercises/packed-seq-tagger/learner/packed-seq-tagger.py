# %% [markdown]
# # A sequence tagger over padded batches: per-token logits, packed sequences, a loss that ignores padding
#
# `packed-seq-tagger` · fix-bug · medium · about 35 min
#
# The stubs are the seed's NER model and loop. Fix them:
#
# * `SeqTagger(vocab_size, emb_dim, hidden_dim, num_tags, cell="lstm", bidirectional=False, pad_idx=0)` keeps the given
#   layers (`emb`, `rnn`, `fc`); `forward(tokens, lengths)` takes a padded `(B, T)` batch of token ids and the `(B,)`
#   lengths (a tensor on any device) and returns logits `(B, T, num_tags)`. Pack the batch so that no recurrence reads
#   the padding: at every real position the logits must equal those of the same sentence run alone (bidirectional
#   included). Logits at padded positions are not graded.
# * `tagging_loss(logits, tags)`: mean cross-entropy over the tokens whose tag is not -100 (the padding).
# * `token_accuracy(logits, tags)`: correct real tokens / real tokens, as a Python float.
# * `train_tagger(model, tokens, lengths, tags, steps, lr)`: full-batch Adam on `tagging_loss`; returns the losses
#   as floats. A tagger must learn tags that depend on the previous token.
#
# The seed classifies each sentence from its last hidden state while its labels are per token, hands `(B, T, C)`
# logits to `CrossEntropyLoss`, and divides its accuracy by the batch size.
#
# Check your work: `prep check packed-seq-tagger`. Stuck? `prep hint packed-seq-tagger`.

# %%
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

# %% [markdown]
# Sequence tagging needs one prediction per token. The seed's NER model reads only the
# last hidden state (one prediction per sentence), feeds (B, T, C) logits straight to
# `CrossEntropyLoss`, and divides its accuracy by the batch size. Real batches are also
# padded: pack them, so that no recurrence (in either direction) reads the padding.

# %%
class SeqTagger(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, num_tags, cell="lstm", bidirectional=False, pad_idx=0):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_idx)
        rnn = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell]
        self.rnn = rnn(emb_dim, hidden_dim, batch_first=True, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden_dim * (2 if bidirectional else 1), num_tags)

    def forward(self, tokens, lengths):
        embedded = self.emb(tokens)
        outputs, (hidden, cell) = self.rnn(embedded)
        out = self.fc(hidden[-1, :, :])
        return out

# %%
def tagging_loss(logits, tags):
    loss_function = nn.CrossEntropyLoss()
    return loss_function(logits, tags)


def token_accuracy(logits, tags):
    _, predicted = torch.max(logits, 1)
    correct = (predicted == tags).sum().item()
    return correct / len(tags)


def train_tagger(model, tokens, lengths, tags, steps, lr):
    loss_function = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for epoch in range(steps):
        optimizer.zero_grad()
        outputs = model(tokens)
        loss = loss_function(outputs, tags)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
