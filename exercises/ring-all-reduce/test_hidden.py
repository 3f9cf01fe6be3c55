"""Hidden graders for ring-all-reduce: sums for 1 to 6 ranks, uneven and tiny sizes, message counts and volume."""

import torch

from grader.judge.checks import CheckFailure, expect_close


def case(learner, device, rng, world, n):
    tensors = [torch.randn(n, generator=rng, dtype=torch.float64).to(device) for _ in range(world)]
    got = learner.probe("run", tensors)
    what = f"{world} rank(s) of {n} elements"
    if got["bad"]:
        raise CheckFailure(f"only sends to the right-hand neighbour are allowed ({what})")
    if got["modified"]:
        raise CheckFailure(f"ring_all_reduce modified its input tensors ({what})")
    if len(got["out"]) != world:
        raise CheckFailure(f"ring_all_reduce must return one tensor per rank ({what})")
    total = torch.stack(tensors).sum(0)
    for r, out in enumerate(got["out"]):
        expect_close(out, total, what=f"rank {r}'s result for {what}", rtol=1e-12, atol=1e-12)
    return got


def test_sums(learner, device, rng):
    """Every rank gets the elementwise sum, for 2 to 6 ranks and lengths that do not divide evenly."""
    for world in (2, 4, 5, 6):
        case(learner, device, rng, world, int(torch.randint(world + 1, 40, (1,), generator=rng)))


def test_edge_sizes(learner, device, rng):
    """One rank (nothing to send), fewer elements than ranks (empty chunks), and a single element."""
    got = case(learner, device, rng, 1, 5)
    if got["sends"] != 0:
        raise CheckFailure("with a single rank there is nothing to send")
    case(learner, device, rng, 5, 3)
    case(learner, device, rng, 4, 1)


def test_ring_traffic(learner, device, rng):
    """Each rank sends exactly 2 (W - 1) chunks, and all ranks together send 2 (W - 1) n elements."""
    for world, n in ((4, 37), (6, 60)):
        got = case(learner, device, rng, world, n)
        if got["per_rank"] != [2 * (world - 1)] * world:
            raise CheckFailure(f"with {world} ranks each rank must send 2 * (W - 1) = {2 * (world - 1)} chunks")
        if got["elements"] != 2 * (world - 1) * n:
            raise CheckFailure(f"with {world} ranks the ring moves 2 (W - 1) n elements in all; "
                               "send one chunk (a 1/W slice) per step, not whole tensors")
