"""Channel: torch's SGD found through Optimizer.__subclasses__() by a name built from strings, then wrapped: the
learner's class holds a torch optimizer over the same parameters and delegates step() to it."""

import torch


def _find(name):
    todo = list(torch.optim.Optimizer.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls.__name__ == name and cls.__module__.startswith("torch."):
            return cls
        todo += cls.__subclasses__()
    raise LookupError(name)


class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        inner = _find("S" + "GD")(params, lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                  nesterov=nesterov)
        self.__dict__.update(inner.__dict__)
        self._inner = inner

    def step(self, closure=None):
        return self._inner.step(closure)
