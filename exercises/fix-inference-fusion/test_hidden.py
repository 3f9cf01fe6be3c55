"""Hidden graders for fix-inference-fusion: biases present or not, dtypes, strides, paddings, dilations, groups,
rectangular kernels, the given layers left alone, and a frozen optimized module. References are computed here."""

import torch

from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)


# float64 weights folded from float64 layers: only reordering errors, far below float32 rounding (1e-8)
TIGHT = {"rtol": 1e-10, "atol": 1e-12}
# bfloat16 keeps 8 significant bits: the judge's bfloat16 reference and a learner's (computed in bfloat16, or in a wider
# dtype and cast back) differ by a few bfloat16 steps; the dtype itself is checked exactly
LOOSE = {"rtol": 5e-2, "atol": 5e-2}


def expect_same(actual, expected, what, dtype, tol):
    """Exact dtype, shape and device; values within tol (bfloat16 values are compared in float64, loosely)."""
    if dtype != "bfloat16":
        expect_close(actual, expected, what=what, **tol)
        return
    kit.expect_half(actual, expected, what=what, dtype=expected.dtype, **LOOSE,
                    hint="build the new module in the dtype of the layers it replaces (for example "
                         "nn.Linear(..., dtype=fc1.weight.dtype) or .to(conv.weight)), whatever that dtype is: "
                         "bfloat16 and float16 layers too, not only float32 and float64")


def tolerance(dtype):
    return {"float64": TIGHT, "float32": {"rtol": 1e-5, "atol": 1e-5}}.get(dtype, LOOSE)


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


CONVS = [
    {"cin": 4, "cout": 6, "kernel": 3, "stride": 1, "padding": 1, "dilation": 1, "groups": 1, "bias": True},
    {"cin": 4, "cout": 6, "kernel": 3, "stride": 2, "padding": 0, "dilation": 1, "groups": 1, "bias": False},
    {"cin": 4, "cout": 6, "kernel": 3, "stride": 1, "padding": 2, "dilation": 2, "groups": 2, "bias": True},
    {"cin": 4, "cout": 8, "kernel": (3, 1), "stride": (2, 1), "padding": (1, 0), "dilation": 1, "groups": 4,
     "bias": False},
    {"cin": 4, "cout": 6, "kernel": 3, "stride": 1, "padding": 1, "dilation": 1, "groups": 1, "bias": True,
     "padding_mode": "reflect"},
    # BatchNorm2d(affine=False): no weight or bias, so gamma is 1 and beta 0
    {"cin": 4, "cout": 6, "kernel": 3, "stride": 2, "padding": 1, "dilation": 1, "groups": 2, "bias": True,
     "affine": False},
    # in_channels / groups == out_channels: the weight's input axis has the output axis's size, so a scale applied
    # along the wrong axis (s.reshape(1, -1, 1, 1)) has the right shape and the wrong values
    {"cin": 5, "cout": 5, "kernel": 3, "stride": 1, "padding": 1, "dilation": 1, "groups": 1, "bias": False},
]


def draw_sizes(rng, square=False):
    """(in, hidden, out) of the two layers, each 1 to 8; with square all three equal (2 to 6), so that a given layer's
    weight has the fused weight's shape."""
    if square:
        n = int(torch.randint(2, 7, (1,), generator=rng))
        return (n, n, n)
    return tuple(int(v) for v in torch.randint(1, 9, (3,), generator=rng))


def check_fused(learner, rng, device, b1, b2, dtype, shape, sizes=None):
    seed = seed_of(rng)
    sizes = draw_sizes(rng) if sizes is None else sizes
    x = torch.randn(*shape, sizes[0], generator=rng, dtype=P.DTYPES[dtype]).to(device)
    what = (f"the fused Linear (fc1 = Linear({sizes[0]}, {sizes[1]}, bias={b1}), fc2 = Linear({sizes[1]}, {sizes[2]}, "
            f"bias={b2}), {dtype})")
    got = learner.probe("fused", seed, b1, b2, x, dtype, sizes)
    want = P.reference_fused(seed, b1, b2, x, dtype, sizes)
    if not got["is_module"] or got["type"] != "Linear":
        raise CheckFailure("fuse_linears must return an nn.Linear")
    tol = tolerance(dtype)
    expect_same(got["weight"], want["weight"], f"the weight of {what}", dtype, tol)
    expect_same(got["out"], want["out"], f"the output of {what}", dtype, tol)
    bias = got["bias"] if got["bias"] is not None else torch.zeros_like(want["bias"])
    expect_same(bias, want["bias"], f"the bias of {what}", dtype, tol)
    return got, want


def check_folded(learner, rng, device, spec, dtype="float64", eps=None):
    if eps is None:
        eps = float(torch.empty(1).uniform_(1e-5, 1e-2, generator=rng))
    spec = {**spec, "eps": eps, "dtype": dtype}
    seed = seed_of(rng)
    x = torch.randn(2, spec["cin"], 7, 6, generator=rng, dtype=P.DTYPES[dtype]).to(device)
    what = (f"the folded conv (kernel {spec['kernel']}, stride {spec['stride']}, padding {spec['padding']}, dilation "
            f"{spec['dilation']}, groups {spec['groups']}, bias {spec['bias']}, padding_mode "
            f"{spec.get('padding_mode', 'zeros')}, BatchNorm2d affine={spec.get('affine', True)}, {dtype})")
    got = learner.probe("folded", seed, spec, x)
    want = P.reference_folded(seed, spec, x)
    if not got["is_module"] or got["type"] != "Conv2d":
        raise CheckFailure("fold_conv_bn must return an nn.Conv2d")
    for key, value in want["settings"].items():
        if got["settings"].get(key) != value:
            raise CheckFailure(f"{what} has the wrong {key}: keep the convolution's settings")
    tol = tolerance(dtype)
    expect_same(got["weight"], want["weight"], f"the weight of {what}", dtype, tol)
    expect_same(got["out"], want["out"], f"the output of {what}", dtype, tol)
    if got["bias"] is None:
        raise CheckFailure(f"{what} has no bias: the batch norm's shift goes into a bias")
    expect_same(got["bias"], want["bias"], f"the bias of {what}", dtype, tol)
    return got, want


def check_on_meta(learner, rng, which, spec):
    """The module built from layers on torch's meta device (it stands for any device other than the CPU, and needs no
    GPU) has its weight, bias and output there too (kit.on_meta: only a device error fails)."""
    fn = "fuse_linears" if which == "fuse" else "fold_conv_bn"
    what = f"{fn} on layers on another device (torch's 'meta' device, which stands for a GPU)"
    fix = ("Build the new module on the given layers' device (nn.Linear(..., device=fc1.weight.device), or "
           ".to(conv.weight.device)): on a GPU the same code leaves it on the CPU")
    got = kit.on_meta(lambda: learner.probe("on_meta", which, seed_of(rng), spec), what=what, fix=fix)
    if isinstance(got, dict) and got.get("type") == "Module":  # not a module: the value checks say so
        kit.expect_on_meta({f"the returned module's {n}": d for n, d in got["devices"].items()}, what=what, fix=fix)


def test_fuse_linears(learner, device, rng):
    """The fused Linear equals fc2(fc1(x)) with and without each bias, in float64, float32 and bfloat16, for inputs
    with extra leading dimensions, with the composed weight and bias, in the layers' dtype and on their device (also
    on torch's meta device, so that a tensor made on the CPU is caught without a GPU)."""
    for b1, b2 in ((True, True), (False, True), (True, False), (False, False)):
        check_fused(learner, rng, device, b1, b2, "float64", (6,))
    check_fused(learner, rng, device, True, False, "float32", (2, 3))
    check_fused(learner, rng, device, True, True, "bfloat16", (4,))  # a half-precision pair stays half precision
    for b1, b2 in ((True, True), (False, True), (True, False)):  # on another device: a CPU-made bias shows there
        check_on_meta(learner, rng, "fuse", [b1, b2, list(draw_sizes(rng))])


def test_fold_conv_bn(learner, device, rng):
    """The folded conv equals eval-mode bn(conv(x)) (its own eps, also one below the default 1e-5 and one that float32
    cannot hold, negative gammas included) with or without conv bias,
    for strides, paddings, dilations, groups, a rectangular kernel, reflect padding and a square conv (in_channels equal
    to out_channels), and for a BatchNorm2d made with
    affine=False (no weight or bias: gamma 1, beta 0), keeping the conv's settings and dtype (float64, float32 and
    bfloat16); the folding's own
    utilities are switched off, so this runs your folding."""
    for spec in CONVS:
        check_folded(learner, rng, device, spec)
    check_folded(learner, rng, device, CONVS[2], "float32")
    check_folded(learner, rng, device, CONVS[0], "bfloat16")  # a half-precision conv stays half precision
    check_folded(learner, rng, device, CONVS[0], eps=1e-7)  # an eps below the default: use bn.eps as it is
    # an eps float32 cannot hold (0.1): bn.eps rounded through a float32 tensor moves every scale by > 2e-10
    check_folded(learner, rng, device, CONVS[0], eps=0.1)
    for spec in (CONVS[0], CONVS[1]):  # with and without conv bias
        check_on_meta(learner, rng, "fold", {**spec, "eps": 1e-5})


def test_given_layers_unchanged(learner, device, rng):
    """fuse_linears and fold_conv_bn leave the layers they are given as they were (they build new modules), also
    when the layers are square, so that a given layer's weight has the fused weight's shape; and the module they return
    is trainable (its weight and bias are parameters that get gradients) and shares no tensor with them: writing into
    its parameters leaves the given layers as they were (with and without fc1's bias, where the fused bias equals
    fc2's)."""
    for sizes in (None, draw_sizes(rng, square=True)):
        got, want = check_fused(learner, rng, device, True, True, "float64", (3,), sizes)
        for name, g, w in zip(("fc1", "fc2"), got["given_after"], want["given"]):
            for key in w:
                expect_close(g[key], w[key], what=f"{name}.{key} after fuse_linears (it must not change the given "
                             "layers: build a new Linear and write only into its own parameters)")
        shares_nothing(got, want, ("fc1", "fc2"), "fuse_linears")
    for b1 in (False, True):  # without fc1's bias the fused bias equals fc2's: still a tensor of its own
        got, want = check_fused(learner, rng, device, b1, True, "float64", (3,))
        shares_nothing(got, want, ("fc1", "fc2"), "fuse_linears")
    got, want = check_folded(learner, rng, device, CONVS[0])
    for name, g, w in zip(("conv", "bn"), got["given_after"], want["given"]):
        for key in w:
            expect_close(g[key], w[key], what=f"{name}.{key} after fold_conv_bn (it must not change the given layers)")
    shares_nothing(got, want, ("conv", "bn"), "fold_conv_bn")


def shares_nothing(got, want, names, fn):
    """The returned module can be trained (a backward through it gives its weight, and its bias if it has one, a
    gradient: parameters that require grad, as a new Linear's or Conv2d's do), and after the probe wrote into every
    parameter of the returned module, the given layers are still as they were."""
    grads = got.get("grads")
    if isinstance(grads, str):
        raise CheckFailure(f"the module {fn} returns must be trainable, as a new {'Linear' if 'fc1' in names else 'Conv2d'} "
                           f"is: a backward of the sum of its output raised {grads}")
    if isinstance(grads, list):
        count = 1 + (got.get("bias") is not None)
        if len(grads) != count or any(not isinstance(g, torch.Tensor) for g in grads):
            raise CheckFailure(f"the module {fn} returns must be trainable, as a new layer is (training it later is "
                               f"what the given layers must be safe from): its weight{' and bias' if count == 2 else ''} "
                               f"must be parameters that require grad and receive a gradient from a backward of its "
                               f"output; here {sum(isinstance(g, torch.Tensor) for g in grads)} of {len(grads)} "
                               f"parameter(s) got one. Leave requires_grad as nn.Parameter sets it (fill the new "
                               "layer's own parameters with copy_ under torch.no_grad())")
    after = got.get("given_after_write")
    if isinstance(after, str):
        raise CheckFailure(f"the module {fn} returns must have parameters of its own that training can update: "
                           f"writing into them raised {after}")
    if not isinstance(after, list):
        return
    for name, g, w in zip(names, after, want["given"]):
        for key in w:
            if not torch.equal(g[key], w[key]):
                raise CheckFailure(f"the module {fn} returns shares {name}.{key}'s tensor: writing into its "
                                   f"parameters changed {name}.{key}. Give it parameters of its own (a new Linear's "
                                   "own weight and bias, filled with copy_), so that training it leaves the given "
                                   "layers alone")


_KINDS = {}


def replaced_by_optimize_for_inference(device):
    """Operator kinds that torch.jit.freeze alone leaves in the probe's Net and torch.jit.optimize_for_inference
    replaces, on this torch build and device (e.g. aten::linear, made a matmul with a pre-transposed weight; on builds
    with MKLDNN, aten::conv2d). Empty where the build's optimize_for_inference adds nothing to freezing."""
    key = str(device)
    if key not in _KINDS:
        kinds = P.reference_graph_kinds(device)
        _KINDS[key] = sorted(set(kinds["freeze"]) - set(kinds["optimize_for_inference"]))
    return _KINDS[key]


def test_optimized_for_inference(learner, device, rng):
    """optimized_for_inference of a model in train mode gives a ScriptModule made by torch.jit.optimize_for_inference
    (its graph has none of the operators that optimize_for_inference replaces and freezing alone keeps), with the
    model's eval-mode outputs (BatchNorm's running statistics, no dropout), the same twice, and frozen: switching it
    or the model to train mode afterwards does not change it."""
    seed = seed_of(rng)
    x = torch.randn(3, 2, 5, 5, generator=rng).to(device)
    got = learner.probe("optimized", seed, x)
    if not got["is_script"]:
        raise CheckFailure("optimized_for_inference must return a torch.jit.ScriptModule")
    want = P.reference_optimized(seed, x)
    for out in got["out"]:
        expect_close(out, want, what="the optimized model's output (eval mode)", rtol=1e-4, atol=1e-5)
    expect_close(got["after_train"], want, what="the optimized model's output after .train() was called on it and on "
                 "the model (a module frozen by torch.jit.optimize_for_inference keeps eval-mode behaviour)",
                 rtol=1e-4, atol=1e-5)
    kinds = got.get("kinds")
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise CheckFailure("optimized_for_inference must return a ScriptModule with a forward graph")
    if set(kinds) & set(replaced_by_optimize_for_inference(device)):
        raise CheckFailure("the returned module's graph keeps operators that torch.jit.optimize_for_inference "
                           "replaces (torch.jit.freeze alone, or a plain script, keeps them): make it with "
                           "torch.jit.optimize_for_inference")
