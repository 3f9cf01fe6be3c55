"""Trusted helpers for fix-inference-fusion, run in the worker: random layers, folded against unfolded."""

import torch
from torch import nn


def linears(seed, bias1, bias2, device):
    torch.manual_seed(seed)
    fc1 = nn.Linear(5, 7, bias=bias1).to(device).double()
    fc2 = nn.Linear(7, 3, bias=bias2).to(device).double()
    return fc1, fc2


def fused(mod, seed, bias1, bias2, x):
    fc1, fc2 = linears(seed, bias1, bias2, x.device)
    f = mod.fuse_linears(fc1, fc2)
    with torch.no_grad():
        return {"is_linear": isinstance(f, nn.Linear), "out": f(x) if isinstance(f, nn.Module) else None,
                "want": fc2(fc1(x))}


def conv_bn(seed, conv_bias, groups, stride, device):
    torch.manual_seed(seed)
    conv = nn.Conv2d(4, 6, 3, stride=stride, padding=1, groups=groups, bias=conv_bias).to(device).double()
    bn = nn.BatchNorm2d(6, eps=1e-3).to(device).double()
    with torch.no_grad():  # non-trivial running statistics and affine parameters
        bn.running_mean.uniform_(-1, 1)
        bn.running_var.uniform_(0.2, 3.0)
        bn.weight.uniform_(0.5, 2.0)
        bn.bias.uniform_(-1, 1)
    return conv, bn.eval()


def folded(mod, seed, conv_bias, groups, stride, x):
    conv, bn = conv_bn(seed, conv_bias, groups, stride, x.device)
    f = mod.fold_conv_bn(conv, bn)
    with torch.no_grad():
        return {"is_conv": type(f) is nn.Conv2d, "out": f(x) if isinstance(f, nn.Module) else None,
                "want": bn(conv(x))}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(4 * 5 * 5, 3)

    def forward(self, x):
        h = self.drop(torch.relu(self.bn(self.conv(x))))
        return self.fc(h.flatten(1))


def optimized(mod, seed, x):
    torch.manual_seed(seed)
    net = Net().to(x.device)
    net.train()
    net(torch.randn(8, 2, 5, 5, device=x.device))  # move the running statistics away from their defaults
    m = mod.optimized_for_inference(net)
    is_script = isinstance(m, torch.jit.ScriptModule)
    with torch.no_grad():
        out = [m(x), m(x)] if is_script else []
        net.eval()
        want = net(x)
    return {"is_script": is_script, "out": out, "want": want}
