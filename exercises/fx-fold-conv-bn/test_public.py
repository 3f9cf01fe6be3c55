"""Public graders for fx-fold-conv-bn, and the checks the hidden graders share. The worker sends back the returned
graph's call nodes, outputs and what each folded conv gives alone; every reference (the unfused model's outputs, the
graph a right fold leaves, bn(conv(x))) is computed here from the judge's own copy of the model."""

from collections import Counter

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)

TOL = {torch.float64: dict(rtol=1e-10, atol=1e-10), torch.float32: dict(rtol=1e-4, atol=1e-4)}
SPATIAL = (5, 7, 6)


def model_input(name, rng, batch, dtype, device, sizes=SPATIAL):
    channels, dims = P.INPUT.get(name, (2, 2) if name == "Plain2d" else (3, 2))
    return torch.randn(batch, channels, *sizes[:dims], generator=rng, dtype=torch.float64).to(device=device,
                                                                                              dtype=dtype)


def conv_inputs(name, model, rng, dtype, device):
    """One input per folded conv module, for that module alone."""
    out = {}
    for conv_name in P.FOLDED[name]:
        conv = model.get_submodule(conv_name)
        dims = conv.weight.dim() - 2
        out[conv_name] = torch.randn(2, conv.in_channels, *(6, 5, 4)[:dims], generator=rng,
                                     dtype=torch.float64).to(device=device, dtype=dtype)
    return out


def expected_nodes(name, model):
    """The call nodes a right fold leaves: the traced graph's, less the folded BatchNorm calls."""
    want = Counter(map(tuple, P.call_nodes(torch.fx.symbolic_trace(model))))
    for bn, count in P.REMOVED[name].items():
        want[("call_module", bn)] -= count
    return +want


def got_nodes(nodes, what):
    if not isinstance(nodes, list) or not all(isinstance(n, list) and len(n) == 2 for n in nodes):
        raise CheckFailure(f"the grader could not read the returned graph's nodes ({what})")
    return Counter(map(tuple, nodes))


def is_batchnorm(model, target):
    try:
        return isinstance(model.get_submodule(target), torch.nn.modules.batchnorm._BatchNorm)
    except AttributeError:
        return False


def expect_graph(rep, name, model, what, detail=""):
    """The returned graph calls exactly what a right fold leaves: every folded BatchNorm gone, everything else kept."""
    want, got = expected_nodes(name, model), got_nodes(rep["nodes"], what)
    bns = {target for op, target in want | got if op == "call_module" and is_batchnorm(model, target)}
    for key in sorted(set(want) | set(got)):
        if want[key] == got[key]:
            continue
        op, target = key
        if op == "call_module" and target in bns and got[key] > want[key]:
            raise CheckFailure(f"a foldable conv/BatchNorm pair was not folded ({what}): the returned graph still calls "
                               "its BatchNorm", detail)
        if op == "call_module" and target in bns:
            raise CheckFailure(f"a BatchNorm call that must stay is gone from the returned graph ({what})", detail)
        raise CheckFailure(f"the returned graph changed calls other than the folded BatchNorms ({what}): only the "
                           "BatchNorm node of each foldable pair goes", detail)


def expect_outputs(outs, want, dtype, what, detail="", subject="the returned module's output"):
    if not isinstance(outs, list) or len(outs) != len(want):
        raise CheckFailure(f"the grader could not run the returned module on every input ({what})")
    for out, w in zip(outs, want):
        if isinstance(w, tuple):
            if not isinstance(out, (list, tuple)) or len(out) != len(w):
                raise CheckFailure(f"{subject} must be the model's tuple of outputs ({what})", detail)
            for o, wi in zip(out, w):
                expect_close(o, wi, what=f"{subject} ({what})", inputs=detail, **TOL[dtype])
            continue
        expect_close(out, w, what=f"{subject} ({what})", inputs=detail, **TOL[dtype])


def folded_parameters(conv, bn):
    """The folded weight and bias, computed here in float64 from the judge's own modules, in the conv's dtype."""
    with torch.no_grad():
        var, mean = bn.running_var.double(), bn.running_mean.double()
        gamma = bn.weight.double() if bn.weight is not None else torch.ones_like(var)
        beta = bn.bias.double() if bn.bias is not None else torch.zeros_like(var)
        bias = conv.bias.double() if conv.bias is not None else torch.zeros_like(var)
        s = gamma / torch.sqrt(var + bn.eps)
        weight = conv.weight.double() * s.reshape([-1] + [1] * (conv.weight.dim() - 1))
        return {"weight": weight.to(conv.weight.dtype), "bias": ((bias - mean) * s + beta).to(conv.weight.dtype)}


def expect_alone(rep, name, model, convs, dtype, what, detail=""):
    """The module under each folded conv's name (dotted names of nested modules included) is a convolution whose
    parameters are the folded weight and bias (its state dict holds exactly those two, and both are nn.Parameters), and
    it gives bn(conv(x)) on its own."""
    alone, params = rep["alone"], rep.get("params")
    if not isinstance(alone, dict) or not isinstance(params, dict):
        raise CheckFailure(f"the grader could not run the folded conv modules ({what})")
    for conv_name, bn_name in P.FOLDED[name].items():
        got = alone.get(conv_name)
        if isinstance(got, str):
            raise CheckFailure(f"the returned module has no submodule under a folded conv's name ({what}): the folded "
                               "convolution replaces the conv module under the same name", detail)
        conv, bn = model.get_submodule(conv_name), model.get_submodule(bn_name)
        state, want_state = params.get(conv_name), folded_parameters(conv, bn)
        if not isinstance(state, dict) or sorted(state) != ["bias", "weight"]:
            keys = sorted(state) if isinstance(state, dict) else state
            raise CheckFailure(f"the module under a folded conv's name must be a convolution whose state dict holds "
                               f"exactly 'weight' and 'bias', the folded ones ({what}): the BatchNorm goes into the "
                               "conv's parameters, not into a wrapper or a second module", f"its state dict keys: {keys}"
                               + (f"; {detail}" if detail else ""))
        names = (rep.get("param_names") or {}).get(conv_name)
        if names != ["bias", "weight"]:
            raise CheckFailure(f"the folded conv's weight and bias must be its parameters ({what}): the BatchNorm goes "
                               "into the conv's parameters (nn.Parameter), not into buffers or plain attributes",
                               f"its parameters: {names}" + (f"; {detail}" if detail else ""))
        for key in ("weight", "bias"):
            expect_close(state[key], want_state[key], what=f"the folded conv's {key} ({what})", inputs=detail,
                         **TOL[dtype])
        with torch.no_grad():
            want = bn(conv(convs[conv_name]))
        expect_close(got, want, what=f"a folded conv module on its own, against bn(conv(x)) ({what})", inputs=detail,
                     **TOL[dtype])


def run_fold(learner, name, seed, dtype, device, rng, batches=(1, 3), sizes=(SPATIAL, (8, 6, 5)), perturb=()):
    """The learner's fold on the model; the judge's model and the inputs used."""
    model = P.build(name, seed, dtype, device)
    xs = [model_input(name, rng, b, dtype, device, s) for b, s in zip(batches, sizes)]
    convs = conv_inputs(name, model, rng, dtype, device)
    rep = learner.probe("fold", name, seed, dtype, device, xs, convs, tuple(perturb))
    if not isinstance(rep, dict) or not rep.get("is_graph_module"):
        got = rep.get("type") if isinstance(rep, dict) else type(rep).__name__
        raise CheckFailure("fold_conv_bn must return a torch.fx.GraphModule", f"it returned a {got}")
    with torch.no_grad():
        want = [model(x) for x in xs]
    return rep, model, xs, convs, want


def check_fold(learner, name, seed, dtype, device, rng, what):
    """Outputs, graph and every folded conv alone, for one model."""
    rep, model, xs, convs, want = run_fold(learner, name, seed, dtype, device, rng)
    expect_outputs(rep["outputs"], want, dtype, what)
    expect_graph(rep, name, model, what)
    expect_alone(rep, name, model, convs, dtype, what)


def test_fold_example(learner, device):
    """Conv2d(2, 3, 3, bias=False) then BatchNorm2d(3), float64, eval mode: the folded module gives the same output,
    its graph has no BatchNorm call left, and its `conv` alone gives bn(conv(x))."""
    detail = ("model: conv = Conv2d(2, 3, 3, bias=False), bn = BatchNorm2d(3) with running statistics, forward(x) = "
              "bn(conv(x)), float64, eval mode (probes.Plain2d, seed 0); x = torch.linspace(-2, 2, 50).reshape(1, 2, 5, 5)")
    model = P.build("Plain2d", 0, torch.float64, device)
    x = torch.linspace(-2, 2, 50, dtype=torch.float64, device=device).reshape(1, 2, 5, 5)
    rep = learner.probe("fold", "Plain2d", 0, torch.float64, device, [x], {"conv": x}, ())
    if not isinstance(rep, dict) or not rep.get("is_graph_module"):
        got = rep.get("type") if isinstance(rep, dict) else type(rep).__name__
        raise CheckFailure("fold_conv_bn must return a torch.fx.GraphModule", f"it returned a {got}; {detail}")
    with torch.no_grad():
        want = model(x)
    expect_outputs(rep["outputs"], [want], torch.float64, "the example", detail)
    expect_graph(rep, "Plain2d", model, "the example",
                 f"{detail}; expected call nodes {sorted(expected_nodes('Plain2d', model))}, received {rep['nodes']}")
    expect_alone(rep, "Plain2d", model, {"conv": x}, torch.float64, "the example", detail)
