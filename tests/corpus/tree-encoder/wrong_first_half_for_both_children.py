"""Applies the left half of combine.weight to both children, h = tanh(W[:, :d] (h_left + h_right) + b): the right half is never used."""

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
            if isinstance(node, tuple):
                left, right = node
                h = torch.tanh(F.linear(visit(left) + visit(right), self.combine.weight[:, : self.embedding.embedding_dim], self.combine.bias))
            else:
                h = self.embedding.weight[node]
            states.append(h)
            return h

        visit(tree)
        return states

    def forward(self, tree):
        return self.node_states(tree)[-1]

    def encode_batch(self, trees):
        if len(trees) == 0:
            return self.embedding.weight.new_zeros((0, self.embedding.embedding_dim))
        return torch.stack([self(tree) for tree in trees])
