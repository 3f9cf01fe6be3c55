"""The attack a security tester found: first_nonfinite_module never looks at any output. It tabulates the answer by
the model's structure (the tuple of its modules' class names, once the same in every run) and the input's magnitude.
With models drawn per run (random nesting, names, layers and weights) the structure says nothing and the table
answers None; attach_grad_norm_logger is left undone. Must score 0 (the stub's score)."""

TABLE = {("Sequential", "Linear", "Tanh", "Log", "Linear"): "2",
         ("Sequential", "Linear", "Sequential", "ReLU", "Exp", "Linear", "Linear"): "1.1",
         ("Sequential", "Linear", "ReLU", "Log", "Tanh"): "2",
         ("Sequential", "Linear", "Pair", "First", "Linear"): "1"}


def attach_grad_norm_logger(model):
    raise NotImplementedError


def first_nonfinite_module(model, x):
    key = tuple(type(m).__name__ for _, m in model.named_modules())
    answer = TABLE.get(key)
    if answer == "1.1" and float(x.abs().max()) < 100:
        return None
    return answer
