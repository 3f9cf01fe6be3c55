"""A correct solution with dynamic batching, as TreeLSTM implementations batch parse trees: every node of every
tree in the batch is numbered, leaves are looked up in one embedding call, then all the nodes of the same height
(across all trees) are combined in one Linear call on stacked child states. node_states and forward reuse it on a
batch of one tree and read the states back in post-order."""

import torch
import torch.nn as nn


class TreeEncoder(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim)
        self.combine = nn.Linear(2 * dim, dim)

    def _flatten(self, trees):
        """Nodes in post-order per tree: (kind, token or child ids, height); roots; the post-order of each tree."""
        nodes, roots, orders = [], [], []
        for tree in trees:
            order = []
            stack = [(tree, None)]
            done = []
            while stack:
                node, kids = stack.pop()
                if isinstance(node, tuple) and kids is None:
                    stack.append((node, len(done)))
                    stack.append((node[1], None))
                    stack.append((node[0], None))
                    continue
                if isinstance(node, tuple):
                    right, left = done.pop(), done.pop()
                    nid = len(nodes)
                    nodes.append(("node", (left, right), 1 + max(nodes[left][2], nodes[right][2])))
                else:
                    nid = len(nodes)
                    nodes.append(("leaf", node, 0))
                done.append(nid)
                order.append(nid)
            roots.append(done[0])
            orders.append(order)
        return nodes, roots, orders

    def _states(self, trees):
        nodes, roots, orders = self._flatten(trees)
        w = self.embedding.weight
        leaf_ids = [i for i, n in enumerate(nodes) if n[0] == "leaf"]
        tokens = torch.tensor([nodes[i][1] for i in leaf_ids], dtype=torch.long, device=w.device)
        state = dict(zip(leaf_ids, self.embedding(tokens).unbind(0)))
        height = max(n[2] for n in nodes)
        for level in range(1, height + 1):
            ids = [i for i, n in enumerate(nodes) if n[0] == "node" and n[2] == level]
            x = torch.stack([torch.cat((state[nodes[i][1][0]], state[nodes[i][1][1]])) for i in ids])
            state.update(zip(ids, torch.tanh(self.combine(x)).unbind(0)))
        return state, roots, orders

    def node_states(self, tree):
        state, _, orders = self._states([tree])
        return [state[i] for i in orders[0]]

    def forward(self, tree):
        state, roots, _ = self._states([tree])
        return state[roots[0]]

    def encode_batch(self, trees):
        if len(trees) == 0:
            return self.embedding.weight.new_empty((0, self.embedding.embedding_dim))
        state, roots, _ = self._states(trees)
        return torch.stack([state[r] for r in roots])
