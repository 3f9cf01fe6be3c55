"""Wrong: linear_grad_norms through torch.func.grad of a functional_call over the Linear weights. It cannot run on
a model with BatchNorm1d in train mode (the functional transform refuses BatchNorm's in-place update of its captured
running statistics), and on two Linear modules sharing one weight it looks the second name up in named_parameters,
which lists a shared tensor once (KeyError). The stable net (post-LayerNorm residual blocks) is right."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def make_deep_sigmoid_mlp(depth, width):
    """The network that vanishes: depth x (Linear(width, width), Sigmoid), then Linear(width, 1)."""
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(width, 1))

from torch.func import functional_call, grad


def linear_grad_norms(model, x, y):
    names = {id(m.weight): n for n, m in model.named_modules() if isinstance(m, nn.Linear)}
    params = dict(model.named_parameters())
    order = [n + ".weight" if n else "weight" for n, m in model.named_modules() if isinstance(m, nn.Linear)]
    wanted = {k: params[k] for k in order}
    rest = {k: v.detach() for k, v in params.items() if k not in wanted}
    buffers = dict(model.named_buffers())

    def loss_fn(w):
        return F.mse_loss(functional_call(model, {**rest, **w, **buffers}, (x,)), y)

    g = grad(loss_fn)({k: v.detach() for k, v in wanted.items()})
    return [torch.linalg.vector_norm(g[k]).item() for k in order]


class _Res(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.lin = nn.Linear(width, width)
        self.ln = nn.LayerNorm(width)

    def forward(self, x):
        return self.ln(x + F.relu(self.lin(x)))


def make_stable_deep_net(depth, width):
    return nn.Sequential(*[_Res(width) for _ in range(depth)], nn.Linear(width, 1))
