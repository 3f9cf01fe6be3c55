"""Hidden graders for tree-encoder: random weights and trees of every shape (deep chains leaning either way, a single
leaf, balanced and lopsided trees, repeated tokens and subtrees), shared-weight gradients, post-order states,
batches of different trees, dtypes, calls in a row, gradcheck. Every reference is computed here, in the judge."""

import torch
import torch.nn.functional as F
from torch.autograd.gradcheck import GradcheckError

from grader.judge import kit
from grader.judge.checks import CheckFailure, expect_close, expect_tensor, load_sibling, summarize

probes = load_sibling(__file__)

VOCAB, DIM = 9, 4
TOL = {"rtol": 1e-10, "atol": 1e-12}
NAMES = ("embedding.weight", "combine.weight", "combine.bias")


# ---------------------------------------------------------------- references, computed here


def random_weights(rng, device, dtype=torch.float64, vocab=VOCAB, dim=DIM):
    w = {"embedding.weight": torch.randn(vocab, dim, generator=rng, dtype=torch.float64),
         "combine.weight": torch.randn(dim, 2 * dim, generator=rng, dtype=torch.float64) * 0.6,
         "combine.bias": torch.randn(dim, generator=rng, dtype=torch.float64) * 0.5}
    return {k: v.to(device=device, dtype=dtype) for k, v in w.items()}


def ref_states(tree, w, swap=False, leaf_tanh=False, preorder=False):
    """Every node's state, in post-order (or a near miss of it, to name a learner's mistake)."""
    out = []

    def visit(node):
        slot = len(out)
        if preorder:
            out.append(None)
        if isinstance(node, tuple):
            left, right = visit(node[0]), visit(node[1])
            pair = (right, left) if swap else (left, right)
            h = torch.tanh(F.linear(torch.cat(pair), w["combine.weight"], w["combine.bias"]))
        else:
            h = w["embedding.weight"][node]
            h = torch.tanh(h) if leaf_tanh else h
        if preorder:
            out[slot] = h
        else:
            out.append(h)
        return h

    visit(tree)
    return out


def ref_root(tree, w, **near_miss):
    return ref_states(tree, w, **near_miss)[-1]


def ref_grads(w, outs_fn):
    """Gradients of outs_fn(leaf copies of w) (a scalar) for every parameter; None where it is unused."""
    leaves = {k: v.detach().clone().requires_grad_() for k, v in w.items()}
    loss = outs_fn(leaves)
    grads = torch.autograd.grad(loss, [leaves[k] for k in NAMES], allow_unused=True)
    return dict(zip(NAMES, grads))


def expect_grads(got, want, *, what):
    if isinstance(got, str) and got.startswith("backward failed"):
        raise CheckFailure(f"{what} failed: each call must build a fresh graph from the current weights (a graph kept "
                           "from an earlier call has been freed by its backward)", got)
    if not isinstance(got, dict):
        raise CheckFailure(f"{what}: the outputs must be tensors in the autograd graph of the parameters "
                           "(no .detach(), no torch.no_grad(), no new tensors built from their values)",
                           f"received {summarize(got)}")
    for name in NAMES:
        g, w = got.get(name), want[name]
        if w is None:  # the parameter plays no part: no gradient, or a zero one
            if g is not None and (not isinstance(g, torch.Tensor) or bool(g.abs().max() > 0)):
                raise CheckFailure(f"{what}: {name} is not used, so its gradient must be None or zero")
            continue
        if g is None:
            raise CheckFailure(f"{what}: {name} received no gradient: every node must use the model's own "
                               "parameters (shared, not copied or detached)")
        expect_close(g, w, **TOL, what=f"{what}: the gradient of {name} (the shared weights collect the sum over "
                                       "every node that used them)")


# ---------------------------------------------------------------- trees


def chain_left(tokens):
    tree = tokens[0]
    for t in tokens[1:]:
        tree = (tree, t)
    return tree


def chain_right(tokens):
    tree = tokens[-1]
    for t in reversed(tokens[:-1]):
        tree = (t, tree)
    return tree


def balanced(tokens):
    if len(tokens) == 1:
        return tokens[0]
    half = len(tokens) // 2
    return (balanced(tokens[:half]), balanced(tokens[half:]))


def zigzag(tokens):
    tree = tokens[0]
    for i, t in enumerate(tokens[1:]):
        tree = (tree, t) if i % 2 else (t, tree)
    return tree


def random_tree(rng, leaves, vocab=VOCAB):
    if leaves == 1:
        return int(torch.randint(0, vocab, (), generator=rng))
    k = int(torch.randint(1, leaves, (), generator=rng))
    return (random_tree(rng, k, vocab), random_tree(rng, leaves - k, vocab))


def tokens(rng, n, vocab=VOCAB):
    return [int(t) for t in torch.randint(0, vocab, (n,), generator=rng)]


def distinct_pair(rng):
    a, b = tokens(rng, 2)
    return a, (b if b != a else (a + 1) % VOCAB)


def node_count(tree):
    return 1 if not isinstance(tree, tuple) else 1 + node_count(tree[0]) + node_count(tree[1])


def shapes(rng):
    """(description, tree) for every kind of shape; the separating cases are always present."""
    a, b = distinct_pair(rng)
    sub = random_tree(rng, 3)
    return [
        ("a single leaf with token 0", 0),
        (f"a single leaf with token {VOCAB - 1}", VOCAB - 1),
        ("a pair of two different tokens", (a, b)),
        ("the same pair mirrored", (b, a)),
        ("a left-leaning chain of 64 leaves (64 levels)", chain_left(tokens(rng, 64))),
        ("a right-leaning chain of 64 leaves (64 levels)", chain_right(tokens(rng, 64))),
        ("a zigzag chain of 9 leaves", zigzag(tokens(rng, 9))),
        ("a balanced tree of 16 leaves", balanced(tokens(rng, 16))),
        ("a lopsided tree (a leaf beside a balanced subtree of 8)", (a, balanced(tokens(rng, 8)))),
        ("a tree whose leaves are all one token", ((a, a), (a, (a, a)))),
        ("a tree with a repeated subtree", ((sub, sub), sub)),
        ("a random tree of 11 leaves", random_tree(rng, 11)),
        ("a random tree of 6 leaves", random_tree(rng, 6)),
    ]


def name_the_miss(got, tree, w, what):
    """After a mismatch with the reference: say which near miss the learner's value matches, if any."""
    if not isinstance(got, torch.Tensor) or got.shape != (DIM,) or got.dtype != torch.float64:
        return
    for near_miss, meaning in (({"swap": True}, "combine must see cat([h_left, h_right]), the left child first"),
                               ({"leaf_tanh": True}, "a leaf's state is its embedding row itself, with no tanh")):
        if torch.allclose(got, ref_root(tree, w, **near_miss), rtol=1e-9, atol=1e-12):
            raise CheckFailure(f"{what}: {meaning}")


def codes(trees):
    return [probes.to_code(t) for t in trees]


def outs_of(got, count, what):
    outs = got.get("outs") if isinstance(got, dict) else None
    if not isinstance(outs, list) or len(outs) != count:
        raise CheckFailure(f"{what}: expected {count} outputs", f"received {summarize(outs)}")
    return outs


# ---------------------------------------------------------------- graders


def test_forward_matches_reference(learner, device, rng):
    """forward(tree) equals the reference on every kind of tree: single leaves (tokens 0 and vocab_size - 1), a pair
    and its mirror, 64-leaf chains leaning left and right, zigzag, balanced, lopsided, repeated tokens and subtrees,
    random trees."""
    w = random_weights(rng, device)
    cases = shapes(rng)
    got = learner.probe("forward", VOCAB, DIM, w, codes([t for _, t in cases]))
    for (desc, tree), out in zip(cases, outs_of(got, len(cases), "forward on 13 trees")):
        what = f"forward on {desc}"
        want = ref_root(tree, w)
        expect_tensor(out, what=what, shape=(DIM,), dtype=torch.float64, device=want.device)
        try:
            expect_close(out, want, **TOL, what=what)
        except CheckFailure:
            name_the_miss(out, tree, w, what)
            raise


def test_shared_weight_gradients(learner, device, rng):
    """One backward through several trees of different shapes: every parameter's gradient equals the reference's,
    the sum over every node (and every tree) that used it."""
    w = random_weights(rng, device)
    a, b = distinct_pair(rng)
    groups = [
        ("deep chains leaning left and right", [chain_left(tokens(rng, 30)), chain_right(tokens(rng, 30))]),
        ("random trees, a single leaf and a tree of one repeated token",
         [random_tree(rng, 7), a, ((b, b), (b, (b, b))), random_tree(rng, 5), (a, b)]),
        ("a single leaf", [b]),
    ]
    for desc, trees in groups:
        cots = [kit.adversarial(rng, (DIM,), device=device) for _ in trees]
        got = learner.probe("forward", VOCAB, DIM, w, codes(trees), cots)
        outs_of(got, len(trees), f"forward on {desc}")
        want = ref_grads(w, lambda p: sum((ref_root(t, p) * c).sum() for t, c in zip(trees, cots)))
        expect_grads(got.get("grads"), want, what=f"one backward through {desc}")


def test_node_states_in_post_order(learner, device, rng):
    """node_states(tree) lists every node's state once per occurrence, in post-order (left subtree, right subtree,
    the node), leaves included, the last one the root; each is part of the graph (gradients of a loss on all the
    states equal the reference's)."""
    w = random_weights(rng, device)
    a, b = distinct_pair(rng)
    sub = (a, (b, a))
    cases = [("a single leaf", b), ("a pair of two different tokens", (a, b)),
             ("a tree with a repeated subtree", ((sub, b), sub)), ("a right-leaning chain of 6 leaves",
                                                                   chain_right(tokens(rng, 6))),
             ("a random tree of 8 leaves", random_tree(rng, 8))]
    for desc, tree in cases:
        want = ref_states(tree, w)
        cots = [kit.adversarial(rng, (DIM,), device=device) for _ in want]
        got = learner.probe("states", VOCAB, DIM, w, probes.to_code(tree), cots)
        states = got.get("states") if isinstance(got, dict) else None
        if not isinstance(states, list):
            raise CheckFailure(f"node_states on {desc} must return a list of tensors", f"received {summarize(states)}")
        if len(states) != len(want):
            raise CheckFailure(f"node_states on {desc} must hold one state per node ({node_count(tree)} nodes: "
                               "every leaf and every internal node, repeated ones included)",
                               f"received {len(states)} entries")
        for k, (g, s) in enumerate(zip(states, want)):
            expect_tensor(g, what=f"node_states on {desc}, entry {k}", shape=(DIM,), dtype=torch.float64,
                          device=s.device)
        if not all(torch.allclose(g, s, rtol=1e-9, atol=1e-12) for g, s in zip(states, want)):
            pre = ref_states(tree, w, preorder=True)
            if all(torch.allclose(g, s, rtol=1e-9, atol=1e-12) for g, s in zip(states, pre)):
                raise CheckFailure(f"node_states on {desc} is in pre-order: list a node after its subtrees "
                                   "(post-order: left subtree, right subtree, the node)")
        for k, (g, s) in enumerate(zip(states, want)):
            expect_close(g, s, **TOL, what=f"node_states on {desc}, entry {k} (post-order: left subtree, right "
                                           "subtree, the node itself)")
        want_g = ref_grads(w, lambda p: sum((s * c).sum() for s, c in zip(ref_states(tree, p), cots)))
        expect_grads(got.get("grads"), want_g, what=f"a backward through all of node_states on {desc}")


def test_batch_of_different_trees(learner, device, rng):
    """encode_batch on trees of different shapes (not sorted by size, a tree given twice, single leaves): row i is
    forward(trees[i]), in the order given, and gradients flow to every parameter; one tree gives one row; an empty
    list gives a (0, dim) tensor of the parameters' dtype."""
    w = random_weights(rng, device)
    a, b = distinct_pair(rng)
    twice = random_tree(rng, 5)
    trees = [random_tree(rng, 6), a, chain_left(tokens(rng, 10)), twice, (a, b), chain_right(tokens(rng, 7)), (b, a),
             twice, b, balanced(tokens(rng, 4))]
    cot = kit.adversarial(rng, (len(trees), DIM), device=device)
    got = learner.probe("batch", VOCAB, DIM, w, codes(trees), cot)
    out = got.get("out") if isinstance(got, dict) else None
    what = f"encode_batch on {len(trees)} trees of different shapes"
    expect_tensor(out, what=what, shape=(len(trees), DIM), dtype=torch.float64, device=w["combine.bias"].device)
    want = torch.stack([ref_root(t, w) for t in trees])
    for i in range(len(trees)):
        expect_close(out[i], want[i], **TOL, what=f"{what}: row {i} (row i is forward(trees[i]), in the given order)")
    expect_grads(got.get("grads"), ref_grads(w, lambda p: (torch.stack([ref_root(t, p) for t in trees]) * cot).sum()),
                 what=what)

    single = random_tree(rng, 4)
    one = learner.probe("batch", VOCAB, DIM, w, codes([single]))
    expect_close(one.get("out") if isinstance(one, dict) else one, ref_root(single, w).unsqueeze(0), **TOL,
                 what="encode_batch on a list of one tree")
    empty = learner.probe("batch", VOCAB, DIM, w, [])
    expect_tensor(empty.get("out") if isinstance(empty, dict) else empty, what="encode_batch([])", shape=(0, DIM),
                  dtype=torch.float64, device=w["combine.bias"].device)


def test_dtypes_follow_the_parameters(learner, device, rng):
    """With float32 parameters, forward, node_states and encode_batch (empty included) give float32 results equal
    to the reference within float32 rounding; and with the parameters on torch's meta device (which stands for a
    GPU) every result is there too; called inside a caller's no_grad block, they leave grad mode off."""
    w = random_weights(rng, device, dtype=torch.float32)
    w64 = {k: v.double() for k, v in w.items()}
    trees = [random_tree(rng, 8), chain_left(tokens(rng, 6)), int(tokens(rng, 1)[0])]
    got = learner.probe("forward", VOCAB, DIM, w, codes(trees))
    for k, (tree, out) in enumerate(zip(trees, outs_of(got, len(trees), "forward in float32"))):
        kit.expect_close_in(out, ref_root(tree, w64), dtype=torch.float32, what=f"forward on tree {k} in float32")
    states = learner.probe("states", VOCAB, DIM, w, probes.to_code(trees[0])).get("states")
    want = ref_states(trees[0], w64)
    kit.expect_tensors(states, len(want), what="node_states in float32")
    for k, (g, s) in enumerate(zip(states, want)):
        kit.expect_close_in(g, s, dtype=torch.float32, what=f"node_states in float32, entry {k}")
    out = learner.probe("batch", VOCAB, DIM, w, codes(trees)).get("out")
    kit.expect_close_in(out, torch.stack([ref_root(t, w64) for t in trees]), dtype=torch.float32,
                        what="encode_batch in float32")
    empty = learner.probe("batch", VOCAB, DIM, w, []).get("out")
    expect_tensor(empty, what="encode_batch([]) with float32 parameters", shape=(0, DIM), dtype=torch.float32,
                  device=w["combine.bias"].device)
    # torch's settings are the caller's: called inside a no_grad block, no method leaves grad mode switched on
    after = learner.probe("grad_mode_after_no_grad", VOCAB, DIM, w, probes.to_code(trees[0]))
    left_on = [name for name, on in after.items() if on is not False] if isinstance(after, dict) else ["its methods"]
    if left_on:
        raise CheckFailure(f"{', '.join(left_on)} called inside torch.no_grad() left grad mode on after it: the "
                           "caller's no_grad block no longer holds for the code after the call",
                           "never call torch.set_grad_enabled(True) in the model: grad mode is the caller's choice "
                           "(under no_grad the results simply carry no graph)")
    # the parameters' device, without a GPU (kit.on_meta): on torch's meta device a tensor made on the CPU raises a
    # device error or leaves a result on the CPU
    what = "with the parameters on another device (torch's 'meta' device, which stands for a GPU)"
    fix = ("Make every tensor on the parameters' device (device=self.embedding.weight.device, or "
           "weight.new_zeros(...) / new_tensor)")
    got = kit.on_meta(lambda: learner.probe("on_meta", VOCAB, DIM, codes(trees)), what=what, fix=fix)
    if isinstance(got, dict):
        kit.expect_on_meta(got, what=what, fix=fix)


def test_each_call_builds_its_own_graph(learner, device, rng):
    """One model used as training uses it: forward and backward; gradients reset and the weights moved in place (an
    optimizer step); then forward again (plus a call nobody uses) and backward: every value follows the current
    weights, every gradient comes from that call's graph only; node_states and encode_batch called twice give the
    same results. Then forward, node_states and encode_batch are each called twice with no update in between and
    each call's result is back-propagated on its own: each call has its own graph (none shared with, or freed by,
    the other call's backward), and the gradients add up over both calls. After every parameter is replaced by a new
    nn.Parameter, and after model.float(), forward follows the new parameters."""
    w = random_weights(rng, device)
    a, b = distinct_pair(rng)
    tree_a = ((a, random_tree(rng, 4)), (b, a))
    tree_b = chain_right(tokens(rng, 5))
    cot_a, cot_b = (kit.adversarial(rng, (DIM,), device=device) for _ in range(2))
    delta = {k: torch.randn(v.shape, generator=rng, dtype=torch.float64).to(device) * 0.3 for k, v in w.items()}
    moved = {k: w[k] + delta[k] for k in w}
    n_b = len(ref_states(tree_b, w))
    twice = {"forward": [[kit.adversarial(rng, (DIM,), device=device)] for _ in range(2)],
             "states": [[torch.randn(DIM, generator=rng, dtype=torch.float64).to(device) for _ in range(n_b)]
                        for _ in range(2)],
             "batch": [[torch.randn(2, DIM, generator=rng, dtype=torch.float64).to(device)] for _ in range(2)]}
    got = learner.probe("calls_in_a_row", VOCAB, DIM, w, probes.to_code(tree_a), probes.to_code(tree_b), cot_a, cot_b,
                        delta, twice)
    expect_close(got["first"], ref_root(tree_a, w), **TOL, what="the first forward")
    expect_grads(got["grads_first"], ref_grads(w, lambda p: (ref_root(tree_a, p) * cot_a).sum()),
                 what="the first backward")
    after = "after the weights were moved in place (values must follow the current weights: cache nothing between calls)"
    expect_close(got["second"], ref_root(tree_a, moved), **TOL, what=f"forward on the same tree {after}")
    expect_close(got["b"], ref_root(tree_b, moved), **TOL, what=f"forward on another tree {after}")
    expect_grads(got["grads_second"],
                 ref_grads(moved, lambda p: (ref_root(tree_a, p) * cot_a).sum() + (ref_root(tree_b, p) * cot_b).sum()),
                 what="the second backward (it must see only the graphs of the outputs it was given, built from the "
                      "current weights)")
    want_states = ref_states(tree_b, moved)
    for call, states in enumerate(got["states_b"], start=1):
        states = kit.expect_tensors(states, len(want_states), what=f"node_states, call {call} on the same tree")
        for k, (g, s) in enumerate(zip(states, want_states)):
            expect_close(g, s, **TOL, what=f"node_states, call {call} on the same tree, entry {k}")
    want_batch = torch.stack([ref_root(tree_a, moved), ref_root(tree_b, moved)])
    for call, out in enumerate(got["batches"], start=1):
        expect_close(out, want_batch, **TOL, what=f"encode_batch, call {call} with the same trees")
    results = {"forward": lambda p: [ref_root(tree_a, p)], "states": lambda p: ref_states(tree_b, p),
               "batch": lambda p: [torch.stack([ref_root(tree_a, p), ref_root(tree_b, p)])]}
    described = {"forward": "forward on the same tree", "states": "node_states on the same tree",
                 "batch": "encode_batch with the same trees"}
    grads_twice = got.get("grads_twice") if isinstance(got.get("grads_twice"), dict) else {}
    for kind, cots in twice.items():
        want = ref_grads(moved, lambda p, kind=kind, cots=cots: sum(
            (o * c).sum() for cot in cots for o, c in zip(results[kind](p), cot)))
        expect_grads(grads_twice.get(kind), want,
                     what=f"{described[kind]} called twice with no update in between, each call back-propagated on "
                          "its own (each call builds its own graph: none is shared between calls)")

    # a parameter replaced by a new one (module.weight = nn.Parameter(...), model.float()) is what the next call
    # uses: nothing of an earlier call (cached weight slices) may stand in for it
    new = random_weights(rng, device)
    got = learner.probe("kept_and_replaced", VOCAB, DIM, w, probes.to_code(tree_a), new)
    expect_close(got.get("replaced"), ref_root(tree_a, new), **TOL,
                 what="forward after every parameter was replaced by a new nn.Parameter (module.weight = "
                      "nn.Parameter(...)): each call must read the module's current parameters")
    kit.expect_close_in(got.get("as_float32"), ref_root(tree_a, new), dtype=torch.float32,
                        what="forward after model.float() on a model already called in float64")


class _Encoded(torch.autograd.Function):
    """The learner's forward(tree) as a judge-side function of the three parameters: forward and backward are the
    learner's (through probes), gradcheck runs here."""

    @staticmethod
    def forward(ctx, learner, code, embedding, weight, bias):
        ctx.learner, ctx.code = learner, code
        ctx.save_for_backward(embedding, weight, bias)
        out = learner.probe("encode_root", 3, 2, embedding.detach(), weight.detach(), bias.detach(), code)
        expect_tensor(out, what="forward(tree)", shape=(2,), dtype=torch.float64, device=embedding.device)
        return out.detach().clone()

    @staticmethod
    def backward(ctx, grad):
        params = ctx.saved_tensors
        got = ctx.learner.probe("encode_root_vjp", 3, 2, *(p.detach() for p in params), ctx.code, grad.detach())
        if not isinstance(got, list) or len(got) != 3:
            raise CheckFailure("forward(tree) must be part of the autograd graph of the parameters",
                               f"backward gave {summarize(got)}")
        grads = [torch.zeros_like(p) if g is None else g for g, p in zip(got, params)]
        for g, p, name in zip(grads, params, NAMES):
            expect_tensor(g, what=f"the gradient of {name}", shape=p.shape, dtype=p.dtype)
        return (None, None, *grads)


def test_gradcheck_per_sample_graph(learner, device, rng):
    """torch.autograd.gradcheck in float64 on the graph of one small tree ((0, (1, 2)), 1): the gradients autograd
    gives for embedding.weight, combine.weight and combine.bias agree with central differences of forward."""
    tree = ((0, (1, 2)), 1)
    w = random_weights(rng, device, vocab=3, dim=2)
    params = tuple(w[k].clone().requires_grad_() for k in NAMES)
    code = probes.to_code(tree)
    with torch.no_grad():
        expect_close(_Encoded.apply(learner, code, *params), ref_root(tree, w), **TOL,
                     what="forward on ((0, (1, 2)), 1)")
    try:
        torch.autograd.gradcheck(lambda e, W, b: _Encoded.apply(learner, code, e, W, b), params, eps=1e-6,
                                 atol=1e-5, rtol=1e-3)
    except GradcheckError:
        raise CheckFailure("the gradients of forward on ((0, (1, 2)), 1) disagree with central differences of forward "
                           "(gradcheck in float64)") from None
