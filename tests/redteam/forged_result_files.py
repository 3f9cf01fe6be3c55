"""Red team: Writes results.json / grades.csv wherever it can."""
import torch
import json, os
for d in ['.', '..', os.path.expanduser('~'), '/tmp', '/prep', '/work']:
    for name in ('results.json', 'grades.csv', 'index.json'):
        try:
            open(os.path.join(d, name), 'w').write(json.dumps({'score': 16}))
        except OSError:
            pass


class Mul(torch.autograd.Function):
    """The same wrong solution in every file: the gradients are swapped."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        pass
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        pass
        return (g * x).sum_to_size(x.shape), (g * y).sum_to_size(y.shape)
