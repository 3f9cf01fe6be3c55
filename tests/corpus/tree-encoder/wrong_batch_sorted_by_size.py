"""encode_batch encodes the trees from the largest to the smallest (as level-batching code does) and never puts the rows back in the order given."""

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
                h = torch.tanh(self.combine(torch.cat((visit(left), visit(right)))))
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
        order = sorted(range(len(trees)), key=lambda i: -len(self.node_states(trees[i])))
        return torch.stack([self(trees[i]) for i in order])
