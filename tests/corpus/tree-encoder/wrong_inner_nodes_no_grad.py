"""Computes the inner nodes under torch.no_grad() "to save memory" and only the root with autograd: the values are right, but only the root's use of combine gets a gradient, and the embeddings none."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class TreeEncoder(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim)
        self.combine = nn.Linear(2 * dim, dim)

    def _state(self, node):
        if isinstance(node, tuple):
            return torch.tanh(self.combine(torch.cat((self._state(node[0]), self._state(node[1])))))
        return self.embedding.weight[node]

    def node_states(self, tree):
        states = []

        def visit(node):
            if isinstance(node, tuple):
                visit(node[0]), visit(node[1])
            with torch.no_grad():
                states.append(self._state(node))

        visit(tree)
        states[-1] = self.forward(tree)
        return states

    def forward(self, tree):
        if not isinstance(tree, tuple):
            return self.embedding.weight[tree]
        with torch.no_grad():
            left, right = self._state(tree[0]), self._state(tree[1])
        return torch.tanh(self.combine(torch.cat((left, right))))

    def encode_batch(self, trees):
        if len(trees) == 0:
            return self.embedding.weight.new_zeros((0, self.embedding.embedding_dim))
        return torch.stack([self(tree) for tree in trees])
