"""node_states lists only the internal nodes (the leaves are left out); a single leaf still gives its embedding."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class TreeEncoder(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim)
        self.combine = nn.Linear(2 * dim, dim)

    def _encode(self, node, states):
        if isinstance(node, tuple):
            h = torch.tanh(self.combine(torch.cat((self._encode(node[0], states), self._encode(node[1], states)))))
            states.append(h)
            return h
        return self.embedding.weight[node]

    def node_states(self, tree):
        states = []
        root = self._encode(tree, states)
        return states or [root]

    def forward(self, tree):
        return self._encode(tree, [])

    def encode_batch(self, trees):
        if len(trees) == 0:
            return self.embedding.weight.new_zeros((0, self.embedding.embedding_dim))
        return torch.stack([self(tree) for tree in trees])
