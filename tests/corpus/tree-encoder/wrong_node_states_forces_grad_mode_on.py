"""Breaks: README rule "a watched call must also leave torch's global settings (grad mode ...) as it found them". Angle: L. How: node_states forces grad mode on ("results are part of the autograd graph") with set_grad_enabled(True) and never restores."""
"""Reference solution for tree-encoder (seeds 001-18, 000-10, 000-04)."""

# %%
import torch
import torch.nn as nn


# %% [markdown]
# The usual answers to "where do dynamic graphs help?" (image processing, NLP, speech, recommender
# systems) never need one. A recursive network over parse trees does: every sample brings its own tree, so
# the graph autograd records has a different shape for every sample, while one set of weights
# (`embedding` for the leaves, `combine` for every internal node) is shared by all of them.
#
# A tree is an int (a leaf: a token id) or a tuple `(left, right)`. Plain Python recursion builds
# the graph as it goes; autograd adds up the gradients of every use of the shared weights.
#
# Details the graders hold you to: `node_states` lists every node once per occurrence, in
# post-order (left subtree, right subtree, the node itself); a leaf's state is its embedding row
# with no activation; the left child's state comes first in the concatenation; results keep the
# parameters' dtype and device; nothing is cached from one call to the next.

# %%
class TreeEncoder(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim)
        self.combine = nn.Linear(2 * dim, dim)

    def node_states(self, tree):
        ### BEGIN SOLUTION
        torch.set_grad_enabled(True)
        states = []

        def visit(node):
            if isinstance(node, tuple):
                left, right = node
                h = torch.tanh(self.combine(torch.cat((visit(left), visit(right)))))
            else:
                h = self.embedding.weight[node]  # a leaf: its embedding row, no activation
            states.append(h)
            return h

        visit(tree)
        return states
        ### END SOLUTION

    def forward(self, tree):
        ### BEGIN SOLUTION
        return self.node_states(tree)[-1]
        ### END SOLUTION

    def encode_batch(self, trees):
        ### BEGIN SOLUTION
        if len(trees) == 0:
            return self.embedding.weight.new_zeros((0, self.embedding.embedding_dim))
        # one graph per tree, each with its own shape; stack keeps them all in the graph
        return torch.stack([self(tree) for tree in trees])
        ### END SOLUTION
