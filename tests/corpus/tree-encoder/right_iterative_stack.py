"""A correct solution without recursion: an explicit stack walks the tree in post-order, leaves through
F.embedding with a 0-d index tensor, and combine applied as two half matrices (W[:, :d] h_left + W[:, d:] h_right + b)
instead of one concatenation; encode_batch preallocates nothing and concatenates unsqueezed roots."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class TreeEncoder(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim)
        self.combine = nn.Linear(2 * dim, dim)

    def _leaf(self, token):
        index = torch.tensor(token, device=self.embedding.weight.device)
        return F.embedding(index, self.embedding.weight)

    def node_states(self, tree):
        d = self.embedding.embedding_dim
        w_left, w_right = self.combine.weight[:, :d], self.combine.weight[:, d:]
        order, values = [], []
        stack = [(tree, False)]
        while stack:
            node, expanded = stack.pop()
            if isinstance(node, tuple) and not expanded:
                stack.append((node, True))
                stack.append((node[1], False))
                stack.append((node[0], False))
            elif isinstance(node, tuple):
                right = values.pop()
                left = values.pop()
                h = torch.tanh(w_left @ left + w_right @ right + self.combine.bias)
                values.append(h)
                order.append(h)
            else:
                h = self._leaf(node)
                values.append(h)
                order.append(h)
        return order

    def forward(self, tree):
        return self.node_states(tree)[-1]

    def encode_batch(self, trees):
        w = self.embedding.weight
        rows = [self.forward(t).unsqueeze(0) for t in trees]
        if not rows:
            return torch.empty(0, self.embedding.embedding_dim, dtype=w.dtype, device=w.device)
        return torch.cat(rows)
