"""encode_batch builds a new tensor from the roots' values (torch.tensor of their lists): right values, no graph."""

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
        w = self.embedding.weight
        return torch.tensor([self(tree).tolist() for tree in trees], dtype=w.dtype, device=w.device).reshape(
            len(trees), self.embedding.embedding_dim)
