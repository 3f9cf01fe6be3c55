"""A lookup table without frames: never runs backward or the model; keys a fixed table on fn.__code__ (the function's
name) and the inputs' shapes, and on the model's class and layer names, all the same in every run when the cases are a
fixed set (an unknown key gets None). With every case drawn per run and every function and model built by the same
code from a spec, the keys say nothing about the answer. Must score 0 (the stub's score)."""

GRADS = {
    ("<lambda>", ((6,),)): "SqrtBackward0",
    ("<lambda>", ((8,),)): "LogBackward0",
    ("_sqrt_then_log", ((6,), (6,))): "LogBackward0",
    ("_log_then_sqrt", ((6,), (6,))): "SqrtBackward0",
    ("_reused_in_a_loop", ((5,),)): "SqrtBackward0",
    ("fn", ((2,),)): "SqrtBackward0",
}
RAISES = {("_bad_input", ((3,),)): ValueError, ("_no_graph", ((3,),)): RuntimeError}
MODELS = {
    ("Sequential", ("Linear", "Tanh", "Log", "Linear")): "2",
    ("Sequential", ("Linear", "ReLU", "Log", "Tanh")): "2",
    ("Sequential", ("Sequential", "Sequential")): "head.1",
    ("RootLog", ("Linear",)): "",
}


def first_nonfinite_grad(fn, *inputs):
    code = getattr(fn, "__code__", None)
    key = (code.co_name if code else type(fn).__name__, tuple(tuple(x.shape) for x in inputs))
    if key in RAISES:
        raise RAISES[key]("tabulated")
    return GRADS.get(key)


def first_nonfinite_module(model, x):
    key = (type(model).__name__, tuple(type(m).__name__ for m in model.children()))
    return MODELS.get(key)
