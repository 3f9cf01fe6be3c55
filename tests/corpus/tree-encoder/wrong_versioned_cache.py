"""Violates "Each call builds its own graph from the parameters' current values: nothing is kept from one call to the next": caches node_states per tree, invalidated only when the parameters' version counters change, so two calls with no update in between share one graph and the second call's backward fails."""
import torch
import torch.nn as nn


class TreeEncoder(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim)
        self.combine = nn.Linear(2 * dim, dim)

    def node_states(self, tree):
        key = (tree, self.embedding.weight._version, self.combine.weight._version, self.combine.bias._version,
               self.embedding.weight.dtype)
        cache = self.__dict__.setdefault("_cache", {})
        if key in cache:
            return list(cache[key])
        out = []

        def visit(node):
            if isinstance(node, tuple):
                left = visit(node[0])
                right = visit(node[1])
                h = torch.tanh(self.combine(torch.cat([left, right])))
            else:
                h = self.embedding.weight[node]
            out.append(h)
            return h

        visit(tree)
        cache[key] = out
        return list(out)

    def forward(self, tree):
        return self.node_states(tree)[-1]

    def encode_batch(self, trees):
        w = self.embedding.weight
        if len(trees) == 0:
            return w.new_zeros((0, w.shape[1]))
        return torch.stack([self.forward(t) for t in trees])
