"""Wrong: token_accuracy switches grad mode off and back on with torch.set_grad_enabled instead of a with
block, so an evaluation loop that calls it inside torch.no_grad() finds grad mode on afterwards (the task: leave
torch's settings as you found them). Derived from the reference solution for packed-seq-tagger (seeds 001-07, 004-28, 004-13). STUB regions hold the seed's code."""

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
        ### BEGIN SOLUTION
        lengths = torch.as_tensor(lengths).to("cpu", torch.int64)  # pack wants lengths on the CPU
        packed = pack_padded_sequence(self.emb(tokens), lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=tokens.shape[1])
        return self.fc(out)  # (B, T, num_tags)
        ### END SOLUTION
        ### BEGIN STUB
        # embedded = self.emb(tokens)
        # outputs, (hidden, cell) = self.rnn(embedded)
        # out = self.fc(hidden[-1, :, :])
        # return out
        ### END STUB


# %%
def tagging_loss(logits, tags):
    ### BEGIN SOLUTION
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tags.reshape(-1), ignore_index=-100)
    ### END SOLUTION
    ### BEGIN STUB
    # loss_function = nn.CrossEntropyLoss()
    # return loss_function(logits, tags)
    ### END STUB


def token_accuracy(logits, tags):
    ### BEGIN SOLUTION
    torch.set_grad_enabled(False)  # counting needs no graph
    real = tags != -100
    value = ((logits.argmax(-1) == tags) & real).sum().item() / real.sum().item()
    torch.set_grad_enabled(True)
    return value
    ### END SOLUTION
    ### BEGIN STUB
    # _, predicted = torch.max(logits, 1)
    # correct = (predicted == tags).sum().item()
    # return correct / len(tags)
    ### END STUB


def train_tagger(model, tokens, lengths, tags, steps, lr):
    ### BEGIN SOLUTION
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = tagging_loss(model(tokens, lengths), tags)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION
    ### BEGIN STUB
    # loss_function = nn.CrossEntropyLoss()
    # optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    # losses = []
    # for epoch in range(steps):
    #     optimizer.zero_grad()
    #     outputs = model(tokens)
    #     loss = loss_function(outputs, tags)
    #     loss.backward()
    #     optimizer.step()
    #     losses.append(loss.item())
    # return losses
    ### END STUB
