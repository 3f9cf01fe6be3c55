"""A lookup table without frames: find_nan_backward never runs anomaly mode or backward, it keys a fixed table on
fn.__code__ (the function's name and first line) and on the inputs' shapes, the same in every run when the cases are
a fixed set, and answers from it (an unknown key gets None). With every case drawn per run and every function built by
the same code from a spec, the key says nothing about the answer; row_norms is left undone. Must score 0 (the stub's
score)."""

import torch

TABLE = {
    # (code name, shapes): answer, as tabulated from a fixed set of cases
    ("<lambda>", ((2,), (2,))): "DivBackward0",
    ("<lambda>", ((2, 2),)): "PowBackward0",
    ("fn", ((2,),)): "SqrtBackward0",
    ("fn", ((3,),)): "MulBackward0",
}
RAISES = {("_refuses", ((2,),)): ValueError}


def find_nan_backward(fn, *inputs):
    code = getattr(fn, "__code__", None)
    key = (code.co_name if code else type(fn).__name__, tuple(tuple(x.shape) for x in inputs))
    if key in RAISES:
        raise RAISES[key]("tabulated")
    return TABLE.get(key)


def row_norms(x):
    raise NotImplementedError
