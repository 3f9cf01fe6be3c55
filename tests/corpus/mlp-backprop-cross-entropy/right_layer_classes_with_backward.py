"""A correct solution from layer classes with their own forward/backward methods (a from-scratch framework),
the softmax cross-entropy as a class whose backward gives (softmax - onehot) / N."""

import torch


class Dense:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, a):
        self.a = a
        return a @ self.W.T + self.b

    def backward(self, g):
        self.dW, self.db = g.T @ self.a, g.sum(0)
        return g @ self.W


class Tanh:
    def forward(self, z):
        self.h = torch.tanh(z)
        return self.h

    def backward(self, g):
        return g * (1 - self.h ** 2)


class SoftmaxCrossEntropy:
    def forward(self, logits, y):
        shifted = logits - logits.amax(dim=1, keepdim=True)
        self.log_p = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
        self.y = y
        return -self.log_p.gather(1, y[:, None]).mean()

    def backward(self):
        g = self.log_p.exp()
        g[torch.arange(g.shape[0], device=g.device), self.y] -= 1
        return g / g.shape[0]


def tanh_mlp_ce_backward(x, y, W1, b1, W2, b2):
    l1, act, l2, ce = Dense(W1, b1), Tanh(), Dense(W2, b2), SoftmaxCrossEntropy()
    loss = ce.forward(l2.forward(act.forward(l1.forward(x))), y)
    dx = l1.backward(act.backward(l2.backward(ce.backward())))
    return loss, {"W1": l1.dW, "b1": l1.db, "W2": l2.dW, "b2": l2.db, "x": dx}
