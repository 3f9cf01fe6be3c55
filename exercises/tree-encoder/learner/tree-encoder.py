# %% [markdown]
# # A recursive tree encoder: one set of shared weights, a graph shaped by each sample's own tree
#
# `tree-encoder` · code / 编写代码 · medium / 中等 · about 30 min / 约 30 分钟
#
# A tree is a Python int (a leaf: a token id in `range(vocab_size)`) or a tuple `(left, right)` of two trees (an
# internal node); trees are at most 64 levels deep. `TreeEncoder(vocab_size, dim)` is given, with two layers,
# `embedding = nn.Embedding(vocab_size, dim)` and `combine = nn.Linear(2 * dim, dim)`: its only parameters, shared by
# every node of every tree. Write:
#
# * `node_states(tree) -> list[Tensor]`: the state of every node, each of shape `(dim,)`, in post-order (the left
#   subtree's states, then the right subtree's, then the node's own), one entry per node, repeated tokens and
#   subtrees included. A leaf's state is its embedding row `embedding.weight[token]`, with no activation; an internal
#   node's state is `tanh(combine(cat([h_left, h_right])))`, the left child's state first.
# * `forward(tree) -> Tensor` of shape `(dim,)`: the root's state, the last entry of `node_states(tree)`.
# * `encode_batch(trees) -> Tensor` of shape `(len(trees), dim)`: row `i` is `forward(trees[i])`, for a list of
#   trees of different shapes, in the order given; `encode_batch([])` is an empty `(0, dim)` tensor.
#
# Every result has the dtype (float32 or float64) and the device of the parameters, and is part of the autograd
# graph: a loss's gradient reaches `embedding` and `combine` through every node that used them, and each shared
# parameter collects the sum over all its uses. Each call builds its own graph from the parameters' current values:
# nothing is kept from one call to the next.
#
# Here the graph autograd records follows each sample's own tree, which is where a dynamic graph is really needed;
# the sample answers' applications (image processing, NLP models with many parameters, speech, recommender systems) run on
# static graphs just as well.
#
# 树要么是一个 Python int（叶子：`range(vocab_size)` 中的一个词元 id），要么是由两棵树组成的 tuple `(left, right)`（内部节点）；树的深度至多 64 层。`TreeEncoder(vocab_size, dim)` 已经给出，它有两个层：`embedding = nn.Embedding(vocab_size, dim)` 和 `combine = nn.Linear(2 * dim, dim)`，这是它仅有的参数，由每棵树的每个节点共享。编写：
#
# * `node_states(tree) -> list[Tensor]`：每个节点的状态，每个状态的形状为 `(dim,)`，按后序排列（先是左子树的各个状态，然后是右子树的，最后是该节点自己的），每个节点一项，重复的词元和重复的子树也各算一项。叶子的状态是它的嵌入行 `embedding.weight[token]`，不加激活函数；内部节点的状态是 `tanh(combine(cat([h_left, h_right])))`，左子节点的状态在前。
# * `forward(tree) -> Tensor`，形状为 `(dim,)`：根节点的状态，即 `node_states(tree)` 的最后一项。
# * `encode_batch(trees) -> Tensor`，形状为 `(len(trees), dim)`：对于由形状各不相同的树组成的列表，第 `i` 行是 `forward(trees[i])`，按给定的顺序排列；`encode_batch([])` 是一个形状为 `(0, dim)` 的空张量。
#
# 每个结果的 dtype（float32 或 float64）和 device 都与参数相同，并且属于自动求导的计算图：损失的梯度经由每一个用到 `embedding` 和 `combine` 的节点传到它们，每个共享参数汇集它所有使用处的梯度之和。每次调用都根据参数的当前值构建自己的计算图：不从一次调用保留任何东西到下一次调用。
#
# 这里自动求导记录的计算图随每个样本自己的树而变化，这正是真正需要动态计算图的地方；而示例答案所列的应用（图像处理、参数众多的 NLP 模型、语音、推荐系统）在静态计算图上运行得同样好。
#
# Check your work: `prep check tree-encoder`. Stuck? `prep hint tree-encoder`.
#
# 检查你的答案：`prep check tree-encoder`。卡住了？`prep hint tree-encoder`。

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
        raise NotImplementedError("tree-encoder: your code here")

    def forward(self, tree):
        raise NotImplementedError("tree-encoder: your code here")

    def encode_batch(self, trees):
        raise NotImplementedError("tree-encoder: your code here")
