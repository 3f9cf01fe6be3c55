# %% [markdown]
# # Fix the sample answer's load_from_checkpoint: state_dicts, eval mode, exact resume, accuracy without a graph
#
# `fix-checkpoint-inference` · fix-bug / 修复 bug · easy / 简单 · about 20 min / 约 20 分钟
#
# The stub is the sample answer's code. Replace it with plain PyTorch:
#
# * `save_checkpoint(model, optimizer, epoch, path)` writes the model's state, the optimizer's state and `epoch` to the
#   file `path`.
# * `load_for_inference(model, path) -> nn.Module` loads the weights saved in the file `path` (buffers included) into
#   `model`, a fresh instance of the same class, and returns `model` ready for inference (every submodule in eval mode).
# * `resume(model, optimizer, path) -> int` restores model and optimizer from the file `path` so that training continues
#   exactly like an uninterrupted run (learning rate and Adam's moments included), and returns the saved epoch.
# * `accuracy(model, batches) -> float`: over `(x, labels)` batches, not necessarily of equal sizes, the fraction in
#   [0, 1] of all samples whose arg-max over dimension 1 equals the label (logits may have more dimensions, (N, C, 1) with labels (N, 1) say: compare entry by entry, reshaping neither, and count every label entry: the fraction of all entries that match), computed in eval mode without recording a
#   graph; the model is left in the train/eval mode it was in, its state unchanged.
#
# 初始代码是示例答案的代码。把它换成普通的 PyTorch：
#
# * `save_checkpoint(model, optimizer, epoch, path)` 把模型的状态、优化器的状态和 `epoch` 写入文件 `path`。
# * `load_for_inference(model, path) -> nn.Module` 把保存在文件 `path` 中的权重（包括 buffer）加载到 `model`（同一个类的一个新实例）中，并返回已准备好做推理的 `model`（每个子模块都处于 eval 模式）。
# * `resume(model, optimizer, path) -> int` 从文件 `path` 恢复模型和优化器，使训练与一次没有中断的训练完全一样地继续下去（包括学习率和 Adam 的矩估计），并返回保存的 epoch。
# * `accuracy(model, batches) -> float`：在若干 `(x, labels)` 批次上（各批大小不一定相同），返回所有样本中第 1 维上 arg-max 等于标签的样本所占的比例（logits 可能有更多维度，比如 (N, C, 1) 配 (N, 1) 的标签：逐项比较，两者都不要改变形状，并计入每个标签元素：即所有元素中匹配者所占的比例），取值在 [0, 1] 内，在 eval 模式下计算且不记录计算图；模型保持原来的 train/eval 模式，其状态不变。
#
# Check your work: `prep check fix-checkpoint-inference`. Stuck? `prep hint fix-checkpoint-inference`.
#
# 检查你的答案：`prep check fix-checkpoint-inference`。卡住了？`prep hint fix-checkpoint-inference`。

# %%
import torch

# %% [markdown]
# The seed loads a model for inference with `model = CNN.load_from_checkpoint(checkpoint_path)`. That is PyTorch
# Lightning's API: a plain `nn.Module` has no such method (`AttributeError`). Plain PyTorch saves and loads
# `state_dict()`s, and a checkpoint that must resume training exactly holds the optimizer's state too (Adam's
# moments, its step count). The seed also never calls `model.eval()`: `torch.no_grad()` stops recording the graph, but
# Dropout still drops and BatchNorm still uses batch statistics until the model is switched to eval mode.
#
# * `save_checkpoint(model, optimizer, epoch, path)`: write model state, optimizer state and epoch to the file `path`.
# * `load_for_inference(model, path)`: load the weights saved in the file `path` (buffers included) into `model` (a
#   freshly built instance of the same class) and return `model` ready for inference (every submodule in eval mode).
# * `resume(model, optimizer, path) -> int`: restore model and optimizer from the file `path` so that training
#   continues exactly as if it had never stopped (learning rate and Adam's moments included); return the saved epoch.
# * `accuracy(model, batches) -> float`: the fraction of all samples whose arg-max class equals the label, over
#   `(x, labels)` batches of any sizes, computed in eval mode without recording a graph (the graders read the worker's
#   memory from outside); the model's train/eval mode and its state are the same afterwards as before.

# %%
def save_checkpoint(model, optimizer, epoch, path):
    raise NotImplementedError("fix-checkpoint-inference: your code here")


def load_for_inference(model, path):
    model = type(model).load_from_checkpoint(path)
    return model


def resume(model, optimizer, path):
    raise NotImplementedError("fix-checkpoint-inference: your code here")


def accuracy(model, batches):
    with torch.no_grad():
        correct = 0
        total = 0
        for x, y in batches:
            outputs = model(x)
            _, predicted = torch.max(outputs, 1)
            total += y.size(0)
            correct += (predicted == y).sum().item()
    return 100 * correct / total
