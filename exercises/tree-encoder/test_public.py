"""Public graders for tree-encoder: small fixed trees whose states you can work out by hand."""

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, load_sibling, summarize

probes = load_sibling(__file__)

VOCAB, DIM = 4, 2
INPUTS = ("vocab_size 4, dim 2, embedding.weight [[1, 0], [0, 1], [0.5, -0.5], [-1, 2]], "
          "combine.weight [[0.5, -1, 0.25, 0], [0, 0.5, -0.5, 1]], combine.bias [0.1, -0.2]")


def weights(device):
    w = {"embedding.weight": [[1.0, 0.0], [0.0, 1.0], [0.5, -0.5], [-1.0, 2.0]],
         "combine.weight": [[0.5, -1.0, 0.25, 0.0], [0.0, 0.5, -0.5, 1.0]],
         "combine.bias": [0.1, -0.2]}
    return {k: torch.tensor(v, dtype=torch.float64, device=device) for k, v in w.items()}


def states_of(tree, w):
    """Every node's state in post-order, computed here."""
    out = []

    def visit(node):
        if isinstance(node, tuple):
            h = torch.tanh(F.linear(torch.cat((visit(node[0]), visit(node[1]))), w["combine.weight"],
                                    w["combine.bias"]))
        else:
            h = w["embedding.weight"][node]
        out.append(h)
        return h

    visit(tree)
    return out


def test_small_tree_example(learner, device):
    """forward(3) is embedding row 3; forward(((0, 1), 2)) is tanh(combine(cat([tanh(combine(cat([e0, e1]))), e2])))."""
    w = weights(device)
    trees = [3, ((0, 1), 2), (2, (1, 0))]
    got = learner.probe("forward", VOCAB, DIM, w, [probes.to_code(t) for t in trees])
    for tree, out in zip(trees, got["outs"]):
        expect_close(out, states_of(tree, w)[-1], rtol=1e-10, atol=1e-12, what=f"forward({tree})", inputs=INPUTS)


def test_node_states_example(learner, device):
    """node_states(((0, 1), 2)) is [e0, e1, h(0, 1), e2, h_root]: post-order, leaves included."""
    w = weights(device)
    tree = ((0, 1), 2)
    got = learner.probe("states", VOCAB, DIM, w, probes.to_code(tree))["states"]
    want = states_of(tree, w)
    if not isinstance(got, list) or len(got) != len(want):
        raise CheckFailure(f"node_states({tree}) must be a list of {len(want)} tensors, one per node "
                           "(3 leaves and 2 internal nodes)", f"received {summarize(got)}")
    names = ["leaf 0", "leaf 1", "node (0, 1)", "leaf 2", "the root"]
    for k, (g, s) in enumerate(zip(got, want)):
        expect_close(g, s, rtol=1e-10, atol=1e-12, what=f"node_states({tree})[{k}] ({names[k]})", inputs=INPUTS)


def test_batch_example(learner, device):
    """encode_batch([((0, 1), 2), 3, (2, (1, 0))]) stacks the three roots into a (3, 2) tensor."""
    w = weights(device)
    trees = [((0, 1), 2), 3, (2, (1, 0))]
    got = learner.probe("batch", VOCAB, DIM, w, [probes.to_code(t) for t in trees])["out"]
    expect_close(got, torch.stack([states_of(t, w)[-1] for t in trees]), rtol=1e-10, atol=1e-12,
                 what="encode_batch([((0, 1), 2), 3, (2, (1, 0))])", inputs=INPUTS)
