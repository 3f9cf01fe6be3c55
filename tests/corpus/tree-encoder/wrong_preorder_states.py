"""node_states lists a node before its children (pre-order), so the root comes first; forward takes that first entry."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class TreeEncoder(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim)
        self.combine = nn.Linear(2 * dim, dim)

    def node_states(self, tree):
        states = []

        def visit(node):
            slot = len(states)
            states.append(None)
            if isinstance(node, tuple):
                h = torch.tanh(self.combine(torch.cat((visit(node[0]), visit(node[1])))))
            else:
                h = self.embedding.weight[node]
            states[slot] = h
            return h

        visit(tree)
        return states

    def forward(self, tree):
        return self.node_states(tree)[0]

    def encode_batch(self, trees):
        if len(trees) == 0:
            return self.embedding.weight.new_zeros((0, self.embedding.embedding_dim))
        return torch.stack([self(tree) for tree in trees])
