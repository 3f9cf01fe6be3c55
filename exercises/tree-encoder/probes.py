"""Trusted helpers for tree-encoder, run in the worker: build the learner's TreeEncoder with the judge's weights and
drive it on trees.

Trees cross the wire flat (nested tuples 64 levels deep would exceed the wire's nesting limit): ``to_code`` writes
a tree in postfix order, an int for a leaf and None for "join the last two trees into (left, right)", and
``from_code`` rebuilds the nested tuples here. The probes hand back what the learner's code produced (outputs,
states, gradients as they are, None included); every reference and comparison is in the judge."""

import torch

from grader import drive


def to_code(tree):
    """A tree (int or (left, right)) as a flat postfix list: ints for leaves, None for each internal node."""
    code, stack = [], [tree]
    while stack:  # right-to-left pre-order, reversed below: a postfix order without recursion
        node = stack.pop()
        if isinstance(node, tuple):
            code.append(None)
            stack.append(node[0])
            stack.append(node[1])
        else:
            code.append(int(node))
    return code[::-1]


def from_code(code):
    stack = []
    for item in code:
        if item is None:
            right = stack.pop()
            left = stack.pop()
            stack.append((left, right))
        else:
            stack.append(int(item))
    if len(stack) != 1:
        raise ValueError("a tree code must describe exactly one tree")
    return stack[0]


def build(mod, vocab_size, dim, weights):
    model = mod.TreeEncoder(vocab_size, dim)
    w = weights["combine.weight"]
    model.to(w.device, w.dtype)
    drive.load_parameters(model, weights)
    return model


def _grads(model):
    return {name: None if p.grad is None else p.grad.clone() for name, p in model.named_parameters()}


def _plain(value):
    return value.detach().clone() if isinstance(value, torch.Tensor) else value


def _weighted_sum(outs, cotangents):
    """sum_i (outs[i] * cotangents[i]).sum(), or None when an output is not a tensor of the cotangent's shape."""
    total = None
    for out, cot in zip(outs, cotangents):
        if not isinstance(out, torch.Tensor) or tuple(out.shape) != tuple(cot.shape) or not out.requires_grad:
            return None
        term = (out * cot.to(out.dtype)).sum()
        total = term if total is None else total + term
    return total


def _backward(model, outs, cotangents, catch=False):
    if cotangents is None:
        return None
    loss = _weighted_sum(outs, cotangents)
    if loss is None:
        return "not differentiable"
    try:
        loss.backward()
    except RuntimeError as e:  # e.g. a graph kept from an earlier call and already freed
        if not catch:
            raise
        return f"backward failed: {type(e).__name__}: {str(e)[:300]}"
    return _grads(model)


def forward(mod, vocab_size, dim, weights, codes, cotangents=None):
    """model(tree) for every tree on one model; then one backward of sum_i (out_i * cotangents[i]).sum()."""
    model = build(mod, vocab_size, dim, weights)
    outs = [model(from_code(c)) for c in codes]
    grads = _backward(model, outs, cotangents)
    return {"outs": [_plain(o) for o in outs], "grads": grads}


def states(mod, vocab_size, dim, weights, code, cotangents=None):
    """node_states(tree); then one backward of sum_k (states[k] * cotangents[k]).sum()."""
    model = build(mod, vocab_size, dim, weights)
    got = model.node_states(from_code(code))
    if not isinstance(got, (list, tuple)):
        return {"states": _plain(got), "grads": None}
    grads = None
    if cotangents is not None and len(got) == len(cotangents):
        grads = _backward(model, list(got), cotangents)
    return {"states": type(got)(_plain(s) for s in got), "grads": grads}


def batch(mod, vocab_size, dim, weights, codes, cotangent=None):
    """encode_batch(trees); then one backward of (out * cotangent).sum()."""
    model = build(mod, vocab_size, dim, weights)
    out = model.encode_batch([from_code(c) for c in codes])
    grads = _backward(model, [out], [cotangent]) if cotangent is not None else None
    return {"out": _plain(out), "grads": grads}


def on_meta(mod, vocab_size, dim, codes):
    """The learner's model with its parameters on torch's "meta" device (shapes, dtypes and devices, no data), which
    stands for any device other than the CPU: the device of every result of forward, node_states and encode_batch
    (empty included). A tensor made on the CPU (an index, a zeros) shows here without a GPU."""
    model = mod.TreeEncoder(vocab_size, dim).to("meta")
    trees = [from_code(c) for c in codes]

    def where(value):
        return value.device.type if isinstance(value, torch.Tensor) else type(value).__name__

    states = model.node_states(trees[0])
    return {"forward": [where(model(t)) for t in trees],
            "node_states": [where(s) for s in states] if isinstance(states, (list, tuple)) else [where(states)],
            "encode_batch": where(model.encode_batch(trees)), "encode_batch([])": where(model.encode_batch([]))}


def calls_in_a_row(mod, vocab_size, dim, weights, code_a, code_b, cot_a, cot_b, delta, twice=None):
    """One model used as a training loop would use it: forward(A) and backward; gradients reset to None and the
    weights moved in place by delta (an optimizer step); forward(A) twice, forward(B), then one backward of
    (second A * cot_a).sum() + (B * cot_b).sum(); then node_states(B) and encode_batch([A, B]) twice each. Then, for
    each of forward(A), node_states(B) and encode_batch([A, B]) (twice: {kind: [cotangents 1, cotangents 2]}):
    gradients reset to None, two calls with no update in between, and each call's outputs back-propagated on their
    own (two backward calls, no retain_graph); the gradients after both."""
    model = build(mod, vocab_size, dim, weights)
    a, b = from_code(code_a), from_code(code_b)
    first = model(a)
    grads_first = _backward(model, [first], [cot_a], catch=True)
    for p in model.parameters():
        p.grad = None
    with drive.grad_mode(False):
        for name, p in model.named_parameters():
            p.add_(delta[name].to(p.dtype))
    model(a)  # a call whose output nobody uses: it must not add to any gradient
    second = model(a)
    out_b = model(b)
    grads_second = _backward(model, [second, out_b], [cot_a, cot_b], catch=True)
    states_b = [model.node_states(b) for _ in range(2)]
    batches = [model.encode_batch([a, b]) for _ in range(2)]
    calls = {"forward": lambda: [model(a)], "states": lambda: list(model.node_states(b)),
             "batch": lambda: [model.encode_batch([a, b])]}
    grads_twice = {}
    for kind, cots in (twice or {}).items():
        for p in model.parameters():
            p.grad = None
        outs = [calls[kind](), calls[kind]()]
        got = _backward(model, outs[0], cots[0], catch=True)
        grads_twice[kind] = _backward(model, outs[1], cots[1], catch=True) if isinstance(got, dict) else got
    return {"first": _plain(first), "grads_first": grads_first, "second": _plain(second), "b": _plain(out_b),
            "grads_second": grads_second, "grads_twice": grads_twice,
            "states_b": [type(st)(_plain(s) for s in st) if isinstance(st, (list, tuple)) else _plain(st)
                         for st in states_b],
            "batches": [_plain(x) for x in batches]}


def encode_root(mod, vocab_size, dim, embedding, weight, bias, code):
    """forward(tree) with the given parameter values (for gradcheck: one evaluation of the learner's forward)."""
    model = build(mod, vocab_size, dim, {"embedding.weight": embedding, "combine.weight": weight,
                                         "combine.bias": bias})
    with drive.grad_mode(False):
        return _plain(model(from_code(code)))


def encode_root_vjp(mod, vocab_size, dim, embedding, weight, bias, code, cotangent):
    """The gradients of (forward(tree) * cotangent).sum() for the three parameters, as the learner's graph gives
    them (None where a parameter got none)."""
    model = build(mod, vocab_size, dim, {"embedding.weight": embedding, "combine.weight": weight,
                                         "combine.bias": bias})
    grads = _backward(model, [model(from_code(code))], [cotangent])
    if not isinstance(grads, dict):
        return grads
    return [grads.get("embedding.weight"), grads.get("combine.weight"), grads.get("combine.bias")]


def kept_and_replaced(mod, vocab_size, dim, weights, code, new_weights):
    """forward, node_states and encode_batch on one model, every result dropped. Then every parameter is replaced by
    a new nn.Parameter holding new_weights (what `module.weight = nn.Parameter(...)` or load_state_dict(assign=True)
    does): `replaced` is forward(tree) after that; then model.float(): `as_float32` is forward(tree) in float32."""
    model = build(mod, vocab_size, dim, weights)
    tree = from_code(code)
    out = model(tree)
    states = model.node_states(tree)
    batch = model.encode_batch([tree, tree])
    del out, states, batch
    for name, value in new_weights.items():
        owner, attr = name.rsplit(".", 1)
        setattr(model.get_submodule(owner), attr, torch.nn.Parameter(value.detach().clone()))
    try:
        replaced = _plain(model(tree))
    except Exception as e:  # reported: judged as a wrong value, with what was raised
        replaced = f"raised {type(e).__name__}: {str(e)[:300]}"
    model.float()
    try:
        as_float32 = _plain(model(tree))
    except Exception as e:
        as_float32 = f"raised {type(e).__name__}: {str(e)[:300]}"
    return {"replaced": replaced, "as_float32": as_float32}


def grad_mode_after_no_grad(mod, vocab_size, dim, weights, code):
    """forward, node_states and encode_batch on one tree, each called inside torch.no_grad() as a caller's inference
    code may: for each, whether grad mode is still off right after the call, read inside the block (the block's exit
    would put grad mode back and hide a call that switched it on with torch.set_grad_enabled(True) and never back).
    What the calls return or raise under no_grad is not graded; only a stub's NotImplementedError goes through. A
    forged answer could only hide the learner's own mistake."""
    model = build(mod, vocab_size, dim, weights)
    tree = from_code(code)
    calls = {"forward": lambda: model(tree), "node_states": lambda: model.node_states(tree),
             "encode_batch": lambda: model.encode_batch([tree])}
    return {name: drive.grad_mode_after_no_grad(call) for name, call in calls.items()}
