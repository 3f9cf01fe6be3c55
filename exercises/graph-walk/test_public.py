"""Public graders for graph-walk: the seed's sigmoid(nn.Linear(2, 1)(x)) with x requiring grad."""

from collections import Counter

import torch

from grader.judge.checks import CheckFailure


def test_linear_sigmoid_example(learner, device):
    """graph_nodes lists the 6 nodes of sigmoid(Linear(2, 1)(x)) once each, outputs before inputs; 3 leaves."""
    f64 = dict(dtype=torch.float64, device=device)
    args = (torch.tensor([[1.0, 2.0], [3.0, 4.0]], **f64), torch.tensor([[0.5, -0.5]], **f64), torch.tensor([0.1], **f64))
    inputs = "x = [[1, 2], [3, 4]] (requires grad), linear = nn.Linear(2, 1), out = torch.sigmoid(linear(x))"
    got = learner.probe("nodes", "linear_sigmoid", *args)
    if got["type"] != "list":
        raise CheckFailure("graph_nodes must return a list of nodes", f"it returned a {got['type']}")
    want = Counter({"SigmoidBackward0": 1, "AddmmBackward0": 1, "TBackward0": 1, "AccumulateGrad": 3})
    if Counter(got["names"]) != want:  # a check of the trusted enumeration itself
        raise CheckFailure("the example graph is not what this grader expects (a different torch version?)")
    idx = got["indices"]
    if sorted(idx) != list(range(got["n"])):
        names = [got["names"][i] if i >= 0 else "(not a node of this graph)" for i in idx]
        raise CheckFailure("graph_nodes must list every node of the graph exactly once",
                           f"inputs: {inputs}\nexpected (in some topological order): {dict(want)}\nreceived: {names}")
    pos = {i: p for p, i in enumerate(idx)}
    for a, b in got["edges"]:
        if pos[a] > pos[b]:
            raise CheckFailure("graph_nodes must list each node before the nodes in its next_functions",
                               f"inputs: {inputs}\n{got['names'][a]} comes after {got['names'][b]}, one of its inputs")
    leaves = learner.probe("leaves", "linear_sigmoid", *args)
    if leaves["type"] != "list" or sorted(leaves["names"]) != ["bias", "weight", "x"]:
        raise CheckFailure("leaf_tensors must return x, linear.weight and linear.bias, once each",
                           f"inputs: {inputs}\nreceived: {leaves.get('names', leaves['type'])}")
