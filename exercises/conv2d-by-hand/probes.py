"""Trusted helpers for conv2d-by-hand, run in the worker. They only drive the learner's conv2d; every reference and
comparison is in the graders.

Tensors cross the wire contiguous, so non-contiguous inputs have to be made here, next to the learner's code.
"""


def views(t):
    """The same values as t (N, C, H, W or O, C', kH, kW) held in non-contiguous layouts."""
    import torch

    wide = torch.stack([t, torch.zeros_like(t)], dim=-1)  # t at every other element of the last dimension
    return {"contiguous": t.contiguous(),
            "transposed": t.transpose(-1, -2).contiguous().transpose(-1, -2),
            "strided": wide[..., 0],
            "channels-last": t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)}


def noncontiguous(mod, x, weight, bias, stride, padding, dilation, groups):
    """conv2d on every pair of layouts of x and weight (bias a strided view), and on a batch that is one sample
    expanded (stride 0 on the batch dimension). Returns {"x layout/weight layout": output, "expanded": output}."""
    import torch

    b = None if bias is None else torch.stack([bias, bias], 1)[:, 0]
    found = {}
    for xn, xv in views(x).items():
        for wn, wv in views(weight).items():
            found[f"{xn}/{wn}"] = mod.conv2d(xv, wv, b, stride, padding, dilation, groups)
    found["expanded"] = mod.conv2d(x[:1].expand(3, -1, -1, -1), weight, b, stride, padding, dilation, groups)
    return found
