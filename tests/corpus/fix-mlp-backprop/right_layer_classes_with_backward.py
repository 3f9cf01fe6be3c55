"""A correct solution built from layer classes, each with its own `forward` and `backward` methods
(the pattern of a from-scratch framework): the method name `backward` must not cost anything."""

import torch


class Linear:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, inp):
        self.inp = inp
        return torch.addmm(self.b, inp, self.W.t())

    def backward(self, grad_out):
        self.dW = grad_out.t().mm(self.inp)
        self.db = grad_out.sum(dim=0)
        return grad_out.mm(self.W)


class Sigmoid:
    def forward(self, z):
        self.out = 1.0 / (1.0 + torch.exp(-z))
        return self.out

    def backward(self, grad_out):
        return grad_out * self.out * (1.0 - self.out)


class MSE:
    def forward(self, o, t):
        self.diff = o - t
        return self.diff.pow(2).mean()

    def backward(self):
        return 2.0 * self.diff / self.diff.numel()


def mlp_forward_backward(x, W1, b1, W2, b2, t):
    fc1, act, fc2, crit = Linear(W1, b1), Sigmoid(), Linear(W2, b2), MSE()
    loss = crit.forward(fc2.forward(act.forward(fc1.forward(x))), t)
    dx = fc1.backward(act.backward(fc2.backward(crit.backward())))
    return loss, {"W1": fc1.dW, "b1": fc1.db, "W2": fc2.dW, "b2": fc2.db, "x": dx}
