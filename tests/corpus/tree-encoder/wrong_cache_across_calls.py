"""Memoizes subtree states in a dict on self (to skip shared subtrees) and never clears it: after the weights change, a tree seen before keeps its old state, and its old graph."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class TreeEncoder(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim)
        self.combine = nn.Linear(2 * dim, dim)

    def node_states(self, tree):
        if not hasattr(self, "cache"):
            self.cache = {}
        states = []

        def visit(node):
            if node not in self.cache:
                if isinstance(node, tuple):
                    self.cache[node] = torch.tanh(self.combine(torch.cat((visit(node[0]), visit(node[1])))))
                else:
                    self.cache[node] = self.embedding.weight[node]
            elif isinstance(node, tuple):
                visit(node[0]), visit(node[1])
            states.append(self.cache[node])
            return self.cache[node]

        visit(tree)
        return states

    def forward(self, tree):
        return self.node_states(tree)[-1]

    def encode_batch(self, trees):
        if len(trees) == 0:
            return self.embedding.weight.new_zeros((0, self.embedding.embedding_dim))
        return torch.stack([self(tree) for tree in trees])
