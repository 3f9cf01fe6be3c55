"""Uses the real parameters only at the root and detached copies of them (weight.detach()) at every other node "since the root's gradient is all that matters": combine's gradient comes from the last node only."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class TreeEncoder(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim)
        self.combine = nn.Linear(2 * dim, dim)

    def _state(self, node, root):
        if isinstance(node, tuple):
            x = torch.cat((self._state(node[0], False), self._state(node[1], False)))
            w, b = self.combine.weight, self.combine.bias
            if not root:
                w, b = w.detach(), b.detach()
            return torch.tanh(F.linear(x, w, b))
        return self.embedding.weight[node]

    def node_states(self, tree):
        states = []

        def visit(node, root):
            if isinstance(node, tuple):
                visit(node[0], False), visit(node[1], False)
            states.append(self._state(node, root))

        visit(tree, True)
        return states

    def forward(self, tree):
        return self._state(tree, True)

    def encode_batch(self, trees):
        if len(trees) == 0:
            return self.embedding.weight.new_zeros((0, self.embedding.embedding_dim))
        return torch.stack([self(tree) for tree in trees])
