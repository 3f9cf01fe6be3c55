"""A correct solution through a helper class: the tuples are first turned into Node objects, then each call
evaluates them recursively with a memo that lives only for that call (a subtree object that appears twice is
computed once, and listed once per occurrence); functional forms F.linear and torch.index_select."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Node:
    def __init__(self, token=None, children=()):
        self.token, self.children = token, children

    @classmethod
    def parse(cls, tree, seen=None):
        seen = {} if seen is None else seen
        key = id(tree)
        if key not in seen:
            if isinstance(tree, tuple):
                seen[key] = cls(children=(cls.parse(tree[0], seen), cls.parse(tree[1], seen)))
            else:
                seen[key] = cls(token=int(tree))
        return seen[key]


class TreeEncoder(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim)
        self.combine = nn.Linear(2 * dim, dim)

    def _walk(self, node, memo, out):
        for child in node.children:
            self._walk(child, memo, out)
        if id(node) not in memo:
            if node.children:
                left, right = (memo[id(c)] for c in node.children)
                memo[id(node)] = torch.tanh(F.linear(torch.cat([left, right], -1), self.combine.weight,
                                                     self.combine.bias))
            else:
                w = self.embedding.weight
                memo[id(node)] = torch.index_select(w, 0, torch.tensor([node.token], device=w.device))[0]
        out.append(memo[id(node)])

    def node_states(self, tree):
        out = []
        self._walk(Node.parse(tree), {}, out)
        return out

    def forward(self, tree):
        return self.node_states(tree)[-1]

    def encode_batch(self, trees):
        if not trees:
            return self.combine.bias.new_zeros(0, self.combine.out_features)
        return torch.stack([self(t) for t in trees], 0)
