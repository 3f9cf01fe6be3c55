"""Visits the right subtree before the left one: every value is right (the concatenation still puts the left child
first), but node_states lists the right subtree's states before the left subtree's."""

import torch
import torch.nn as nn


class TreeEncoder(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim)
        self.combine = nn.Linear(2 * dim, dim)

    def node_states(self, tree):
        states = []

        def visit(node):
            if isinstance(node, tuple):
                right = visit(node[1])
                left = visit(node[0])
                h = torch.tanh(self.combine(torch.cat((left, right))))
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
