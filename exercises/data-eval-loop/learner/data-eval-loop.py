# %% [markdown]
# # Image classification without torchvision: a normalizing Dataset, seeded loaders, evaluate() and one training epoch
#
# `data-eval-loop` · code / 编写代码 · medium / 中等 · about 35 min / 约 35 分钟
#
# Write the data and evaluation side of an image classifier with tensors only: torchvision is not installed, and the
# graders make small synthetic images.
#
# * `ImageDataset(images, labels, mean, std, generator=None)`: a `torch.utils.data.Dataset` over `images`, a float32
#   tensor `(N, C, H, W)` with values in [0, 1], and `labels`, an int64 tensor `(N,)`; `mean` and `std` are lists of
#   `C` floats. `len(dataset)` is `N`, as an int. `dataset[i]` is the tuple `(x, y)`: `x` a float32 tensor of shape
#   `(C, H, W)` whose channel `c` is `(images[i, c] - mean[c]) / std[c]`, and `y` the label as a Python int.
#   When a `generator` (a `torch.Generator`) is given, every read `dataset[i]` draws exactly one number
#   `torch.rand(1, generator=generator)` from that very generator (not a copy: draws the caller makes from it in
#   between count) and flips `x` along its width (the last axis) when the number is below 0.5; without a generator
#   nothing is flipped. Reading items never modifies `images` or what the dataset stores, so every epoch sees the same
#   normalized images.
# * `make_loader(dataset, batch_size, train, seed=0)`: when `train` is true, return the loader
#   `DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))`, with a
#   generator of its own (each epoch draws a new order from it, and random draws elsewhere do not change it); otherwise
#   `DataLoader(dataset, batch_size=batch_size)`, which gives the samples in order 0, 1, ..., N-1. Both keep the short
#   last batch (`drop_last=False`).
# * `evaluate(model, loader) -> dict`: `loader` is any iterable of `(x, y)` batches (do not call `len()` on it or use
#   `loader.dataset`). Run the model in eval mode under `torch.no_grad()` (BatchNorm's statistics do not change, no
#   graph is recorded, no `.grad` is touched) and return `{"accuracy": correct / total, "loss": mean cross-entropy}`
#   over every sample, both Python floats (prediction = argmax over dim 1; each batch weighted by its size, the short
#   last batch included). Afterwards the model is back in the mode (training or eval) it was in, every submodule too
#   (the graders hand over models whose submodules all share the model's mode), and gradient recording is as the caller had it (on for a caller that had it on, still off for a caller inside `torch.no_grad()`).
# * `train_one_epoch(model, loader, optimizer, loss_fn) -> float`: put the model in training mode; for each batch, zero
#   the gradients, compute `loss_fn(model(x), y)`, back-propagate and take one optimizer step, so that every step uses
#   that batch's own gradient whatever `.grad` held before. Return the epoch's mean loss over all samples (each batch
#   weighted by its size) as a Python float.
#
# The graders build torch's own `DataLoader` and a reference loop with the same seeds, and compare; the models are small
# CNNs with BatchNorm and Dropout, so eval mode changes their outputs. The sample answers load MNIST or an image folder with
# torchvision (not installed, and MNIST without `ToTensor` cannot even be batched), report a training loss averaged per
# batch, and 004-09's answer evaluates without `model.eval()`.
#
# 只用张量编写图像分类器的数据与评估部分：torchvision 没有安装，评分项会生成小的合成图像。
#
# * `ImageDataset(images, labels, mean, std, generator=None)`：一个 `torch.utils.data.Dataset`，数据为 `images`（形状
#   `(N, C, H, W)`、取值在 [0, 1] 之间的 float32 张量）和 `labels`（形状 `(N,)` 的 int64 张量）；`mean` 和 `std` 是含
#   `C` 个浮点数的列表。`len(dataset)` 是 `N`，类型为 int。`dataset[i]` 是元组 `(x, y)`：`x` 是形状为 `(C, H, W)` 的
#   float32 张量，其第 `c` 个通道等于 `(images[i, c] - mean[c]) / std[c]`；`y` 是以 Python int 表示的标签。
#   给定 `generator`（一个 `torch.Generator`）时，每次读取 `dataset[i]` 都从这个生成器本身（不是它的副本：调用方在两次
#   读取之间从它抽取的数也算在内）恰好抽取一个数 `torch.rand(1, generator=generator)`，当这个数小于 0.5 时沿宽度方向
#   （最后一个轴）翻转 `x`；没有生成器时不翻转任何图像。读取样本永远不会修改 `images` 或数据集所存储的内容，因此每个
#   epoch 看到的都是同样的归一化图像。
# * `make_loader(dataset, batch_size, train, seed=0)`：当 `train` 为真时，返回 loader
#   `DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))`，它有自己
#   独立的生成器（每个 epoch 从中抽取一个新的顺序，其他地方的随机抽取不会改变它）；否则返回
#   `DataLoader(dataset, batch_size=batch_size)`，它按 0, 1, ..., N-1 的顺序给出样本。两者都保留较短的最后一个批次
#   （`drop_last=False`）。
# * `evaluate(model, loader) -> dict`：`loader` 是任意一个产生 `(x, y)` 批次的可迭代对象（不要对它调用 `len()`，也不要
#   使用 `loader.dataset`）。在 eval 模式下、`torch.no_grad()` 之中运行模型（BatchNorm 的统计量不变，不记录计算图，
#   不触碰任何 `.grad`），并返回在所有样本上计算的 `{"accuracy": correct / total, "loss": mean cross-entropy}`（准确率
#   与平均交叉熵），两者都是 Python float（预测 = 在 dim 1 上取 argmax；每个批次按其大小加权，包括较短的最后一个批次）。
#   之后模型回到原来所处的模式（训练或 eval），每个子模块也一样（评分项交给你的模型，其所有子模块都与模型处于同一模式），
#   并且梯度记录保持调用者原来的状态（调用者开启时仍为开启，调用者在 `torch.no_grad()` 中时仍为关闭）。
# * `train_one_epoch(model, loader, optimizer, loss_fn) -> float`：把模型置于训练模式；对每个批次，清零梯度，计算
#   `loss_fn(model(x), y)`，反向传播，并执行一次优化器 step，使每一步都使用该批次自己的梯度，无论之前 `.grad` 中存放的
#   是什么。以 Python float 返回该 epoch 在所有样本上的平均 loss（每个批次按其大小加权）。
#
# 评分项用相同的种子构建 torch 自己的 `DataLoader` 和一个参考循环，并进行比较；模型是带有 BatchNorm 和 Dropout 的小型
# CNN，因此 eval 模式会改变它们的输出。示例答案用 torchvision 加载 MNIST 或一个图像文件夹（torchvision 没有安装，而且
# 没有 `ToTensor` 的 MNIST 甚至无法组成批次），报告的训练 loss 是按批次平均的，并且 004-09 的答案在评估时没有调用
# `model.eval()`。
#
# Check your work: `prep check data-eval-loop`. Stuck? `prep hint data-eval-loop`.
#
# 检查你的答案：`prep check data-eval-loop`。卡住了？`prep hint data-eval-loop`。

# %%
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

# %% [markdown]
# The data and evaluation side of an image classifier, without torchvision: a `Dataset` over
# in-memory images that normalizes each item per channel (and flips it when a generator says
# so), the loaders for training (shuffled, seeded) and evaluation (in order), an evaluation that
# runs in eval mode under `torch.no_grad()` and weighs every sample the same, and one training
# epoch.

# %%
class ImageDataset(Dataset):
    def __init__(self, images, labels, mean, std, generator=None):
        raise NotImplementedError("data-eval-loop: your code here")

    def __len__(self):
        raise NotImplementedError("data-eval-loop: your code here")

    def __getitem__(self, i):
        raise NotImplementedError("data-eval-loop: your code here")

# %%
def make_loader(dataset, batch_size, train, seed=0):
    raise NotImplementedError("data-eval-loop: your code here")

# %%
def evaluate(model, loader):
    raise NotImplementedError("data-eval-loop: your code here")


def train_one_epoch(model, loader, optimizer, loss_fn):
    raise NotImplementedError("data-eval-loop: your code here")
