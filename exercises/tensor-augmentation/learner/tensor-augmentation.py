# %% [markdown]
# # Data augmentation without torchvision: ToTensor, Normalize, RandomCrop with padding, RandomHorizontalFlip
#
# `tensor-augmentation` · code / 编写代码 · easy / 简单 · about 20 min / 约 20 分钟
#
# Write, with tensors only (torchvision is not installed):
#
# * `to_tensor(img)`: a `(H, W, C)` uint8 image to float32 `(C, H, W)` in [0, 1] (`ToTensor`), whatever the image's
#   memory layout.
# * `normalize(x, mean, std)`: per channel `(x - mean) / std`, for `(C, H, W)` or `(N, C, H, W)`; mean and std are
#   lists, tuples or 1-D tensors (of any float dtype) with one value per channel, and the result keeps `x`'s dtype and precision (list or tuple values are used at `x`'s precision, not rounded through a float32 `torch.tensor(mean)` first).
# * `random_crop(img, size, padding, generator)`: for `img` of shape `(..., H, W)` (any leading axes, as in
#   torchvision), zero-pad the last two axes by `padding`, draw
#   `top = torch.randint(0, H + 2 * padding - size + 1, (1,), generator=generator)`, then `left` the same way over the
#   width, and return the `size x size` window (of `img`'s dtype; `size` may exceed the image's sides when the padding
#   makes room).
# * `random_hflip(img, p, generator)`: for `img` of shape `(..., H, W)`, draw `torch.rand(1, generator=generator)`
#   (always) and flip the last axis if it is strictly below p (a number equal to p does not flip).
# * `AugmentedDataset(images, labels, size, padding, p=0.5, seed=0)`: a `torch.utils.data.Dataset` over `(N, C, H, W)`
#   images whose item `i` is the tuple `(random_hflip(random_crop(images[i], ...)), labels[i])`, all drawn from one
#   generator of its own seeded once in `__init__`, so that the same seed and access order give the same images, and
#   two datasets alive at once do not disturb each other.
#
# None of these modifies its inputs. Outputs are compared with a reference that draws the same numbers: crops, flips
# and dataset items exactly, `to_tensor` and `normalize` to the rounding of their dtype. The sample answer's transforms never
# run here: torchvision is not even imported.
#
# 只用张量运算编写以下内容（torchvision 没有安装）：
#
# * `to_tensor(img)`：把 `(H, W, C)` 的 uint8 图像转换为取值在 [0, 1] 内的 float32 `(C, H, W)`（即 `ToTensor`），无论图像的内存布局如何。
# * `normalize(x, mean, std)`：逐通道计算 `(x - mean) / std`，适用于 `(C, H, W)` 或 `(N, C, H, W)`；mean 和 std 是列表、元组或一维张量（任意浮点 dtype），每个通道一个值，结果保持 `x` 的 dtype 和精度（列表或元组中的值按 `x` 的精度使用，不要先经过 float32 的 `torch.tensor(mean)` 而被舍入）。
# * `random_crop(img, size, padding, generator)`：对形状为 `(..., H, W)` 的 `img`（前面可以有任意个轴，与 torchvision 一致），在最后两个轴上用 `padding` 做零填充，抽取 `top = torch.randint(0, H + 2 * padding - size + 1, (1,), generator=generator)`，然后以同样的方式在宽度方向上抽取 `left`，返回 `size x size` 的窗口（dtype 与 `img` 相同；当填充留出了空间时，`size` 可以超过图像的边长）。
# * `random_hflip(img, p, generator)`：对形状为 `(..., H, W)` 的 `img`，（总是）抽取 `torch.rand(1, generator=generator)`，若它严格小于 p 则翻转最后一个轴（等于 p 的数不翻转）。
# * `AugmentedDataset(images, labels, size, padding, p=0.5, seed=0)`：一个基于 `(N, C, H, W)` 图像的 `torch.utils.data.Dataset`，其第 `i` 项是元组 `(random_hflip(random_crop(images[i], ...)), labels[i])`，所有随机数都从它自己的一个生成器中抽取，该生成器在 `__init__` 中只设一次种子，这样相同的种子和访问顺序会得到相同的图像，而且同时存在的两个数据集互不干扰。
#
# 这些函数都不修改它们的输入。输出会与一个抽取相同随机数的参考实现比较：裁剪、翻转和数据集条目做精确比较，`to_tensor` 和 `normalize` 的结果允许其 dtype 的舍入误差。示例答案的 transforms 在这里根本不会运行：torchvision 甚至都没有被导入。
#
# Check your work: `prep check tensor-augmentation`. Stuck? `prep hint tensor-augmentation`.
#
# 检查你的答案：`prep check tensor-augmentation`。卡住了？`prep hint tensor-augmentation`。

# %%
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

# %% [markdown]
# torchvision's `ToTensor`, `Normalize`, `RandomCrop(size, padding)` and
# `RandomHorizontalFlip(p)`, written with tensors only, drawing every random number from an
# explicit `torch.Generator` so that a seed reproduces the augmentation exactly.

# %%
def to_tensor(img):
    raise NotImplementedError("tensor-augmentation: your code here")


def normalize(x, mean, std):
    raise NotImplementedError("tensor-augmentation: your code here")


def random_crop(img, size, padding, generator):
    raise NotImplementedError("tensor-augmentation: your code here")


def random_hflip(img, p, generator):
    raise NotImplementedError("tensor-augmentation: your code here")

# %%
class AugmentedDataset(Dataset):
    def __init__(self, images, labels, size, padding, p=0.5, seed=0):
        raise NotImplementedError("tensor-augmentation: your code here")

    def __len__(self):
        raise NotImplementedError("tensor-augmentation: your code here")

    def __getitem__(self, i):
        raise NotImplementedError("tensor-augmentation: your code here")
