"""node_states returns one stacked (nodes, dim) tensor instead of a list of (dim,) tensors."""

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
                h = torch.tanh(self.combine(torch.cat((visit(node[0]), visit(node[1])))))
            else:
                h = self.embedding.weight[node]
            states.append(h)
            return h

        visit(tree)
        return torch.stack(states)

    def forward(self, tree):
        return self.node_states(tree)[-1]

    def encode_batch(self, trees):
        if len(trees) == 0:
            return self.embedding.weight.new_zeros((0, self.embedding.embedding_dim))
        return torch.stack([self(tree) for tree in trees])
