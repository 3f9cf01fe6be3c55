"""Hidden graders for ring-all-reduce: sums for 1 to 6 ranks, uneven and tiny sizes, the exact message schedule,
a link that rounds what it delivers, a link that hands over the sent tensor itself, traffic, untouched inputs.

The judge replays the prescribed ring itself (``simulate``) with the same delivery rule as the probe's ``send``, so
it knows exactly which chunk, with which values, each rank must send at each step: an empty chunk included.
"""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling, summarize

P = load_sibling(__file__)


def simulate(tensors, kind="exact"):
    """The ring the task prescribes: the messages each rank sends, in order, and every rank's result."""
    world = len(tensors)
    chunks = [[c.clone() for c in torch.tensor_split(t, world)] for t in tensors]
    sent = [[] for _ in range(world)]
    for step in range(world - 1):  # reduce-scatter
        msgs = [(r, (r - step) % world, chunks[r][(r - step) % world].clone()) for r in range(world)]
        for r, idx, m in msgs:
            sent[r].append(m)
            chunks[(r + 1) % world][idx] = chunks[(r + 1) % world][idx] + P.link(m, kind)
    for step in range(world - 1):  # all-gather
        msgs = [(r, (r + 1 - step) % world, chunks[r][(r + 1 - step) % world].clone()) for r in range(world)]
        for r, idx, m in msgs:
            sent[r].append(m)
            chunks[(r + 1) % world][idx] = P.link(m, kind)
    return sent, [torch.cat(c) for c in chunks]


def tensors_for(rng, device, world, n, dtype=torch.float64, zeros=()):
    if dtype.is_floating_point:
        return [torch.randn(n, generator=rng, dtype=torch.float64).to(device, dtype) * (r not in zeros)
                for r in range(world)]
    return [torch.randint(-50, 50, (n,), generator=rng).to(device, dtype) for _ in range(world)]


def case(learner, rng, device, world, n, dtype=torch.float64, kind="exact", messages=False, zeros=()):
    tensors = tensors_for(rng, device, world, n, dtype, zeros)
    link = {"exact": "", "float32": ", a rounding link", "same": ", a link that hands over the sent tensor itself"}[kind]
    what = f"{world} rank(s) of {n} element(s), {str(dtype)[6:]}" + link + (
        f", ranks {sorted(zeros)} holding zeros" if zeros else "")
    got = learner.probe("run", tensors, kind)
    log = got["log"] if isinstance(got.get("log"), list) else []
    bad = [(s, d) for s, d, _ in log if d != (s + 1) % world]
    if bad:
        raise CheckFailure(f"only sends to the right-hand neighbour are allowed ({what})")
    for s, d, chunk in log:
        if not isinstance(chunk, torch.Tensor):
            raise CheckFailure(f"send must be given a tensor chunk ({what})", f"received {summarize(chunk)}")
    for before, after in zip(tensors, got["inputs_after"]):
        if not torch.equal(before, after):
            raise CheckFailure(f"ring_all_reduce modified its input tensors ({what}): never write in place into the "
                               "inputs or their views (what send returns may be the sent chunk itself, a view of an "
                               "input: add into your own copy instead)")
    out = got["out"]
    if not isinstance(out, list) or len(out) != world:
        raise CheckFailure(f"ring_all_reduce must return a list with one tensor per rank ({what})")
    if got.get("out_type") != "list":
        raise CheckFailure(f"ring_all_reduce must return a list (-> list[Tensor]), it returned a "
                           f"{got.get('out_type')} ({what}): build the result with [...] or list(...)")
    check_own_memory(got, tensors, world, what)
    want_msgs, want_out = simulate(tensors, kind)
    tol = dict(rtol=1e-12, atol=1e-12) if dtype == torch.float64 else dict(rtol=1e-6, atol=1e-6)
    if not dtype.is_floating_point:
        tol = dict(rtol=0, atol=0)
    for r, o in enumerate(out):
        expect_close(o, want_out[r], **tol, what=f"rank {r}'s result ({what})")
    if messages:
        for r in range(world):
            mine = [c for s, _, c in log if s == r]
            if len(mine) != len(want_msgs[r]):
                raise CheckFailure(f"rank {r} must send exactly 2 (W - 1) = {2 * (world - 1)} chunks, one per step, "
                                   f"an empty chunk included ({what}); it sent {len(mine)}")
            for i, (g, w) in enumerate(zip(mine, want_msgs[r])):
                phase = f"reduce-scatter step {i}" if i < world - 1 else f"all-gather step {i - world + 1}"
                expect_close(g, w, **tol, what=f"the chunk rank {r} sends at {phase} ({what}): see which chunk the "
                             "schedule names and what it must hold by then, in the tensors' dtype (each ring "
                             "addition in that dtype)")
    return got


def check_own_memory(got, tensors, world, what):
    """Each result is a new tensor: writing r + 1 into rank r's result (the probe does, after the call) changes no
    input and no other rank's result."""
    written = got.get("written")
    if isinstance(written, str):
        raise CheckFailure(f"each rank's result must be a tensor of its own that the caller can write into ({what}): "
                           f"writing into it raised {written[:200]}")
    if not isinstance(written, dict):
        return  # not a list of tensors: the checks that follow say so
    for before, after in zip(tensors, written["inputs"]):
        if not torch.equal(before, after):
            raise CheckFailure(f"a rank's result shares memory with an input tensor ({what}): writing into the result "
                               "changed the input. Each result is a new tensor, also with one rank (clone it)")
    for r, o in enumerate(written["out"]):
        if not bool((o == r + 1).all()):
            raise CheckFailure(f"two ranks' results share memory ({what}): writing into one changed another. Each "
                               "rank's copy is a tensor of its own")


def test_sums(learner, device, rng):
    """Every rank gets the elementwise sum (shape (n,), the inputs' dtype) for 2 to 6 ranks and lengths that do not
    divide evenly, in float64, float32 and int64; the inputs are left unchanged also when send returns the very tensor
    that was sent (so code that adds into a received tensor in place writes into the sender's chunk); and the results
    of one call keep their values after a second call of the same size (each result is a new tensor), also when the
    second call's inputs differ from the first's in one entry per rank (nothing is remembered between calls)."""
    for world, n in ((2, 7), (4, 37), (5, 23), (6, 60)):
        case(learner, rng, device, world, n)
    case(learner, rng, device, 3, 10, torch.float32)
    case(learner, rng, device, 4, 9, torch.int64)
    for world, n in ((2, 5), (3, 10), (5, 23)):
        case(learner, rng, device, world, n, kind="same")
    case(learner, rng, device, 4, 9, torch.int64, kind="same")
    # two calls of the same size: the results of the first are the caller's, and still hold their sums after the
    # second call (buffers kept from one call to the next and written again are caught)
    first, second = tensors_for(rng, device, 3, 10), tensors_for(rng, device, 3, 10)
    # then a second call whose inputs equal the first's but for one entry per rank, drawn among the middle ones:
    # results remembered from an earlier call, keyed by a few entries (the first ones, the last ones, the shape),
    # come back stale
    near = [t.clone() for t in first]
    for t in near:
        t[int(torch.randint(3, 7, (1,), generator=rng))] += 1.0 + torch.rand((), generator=rng, dtype=t.dtype).item()
    for second, how in ((second, ""), (near, ", the second call's inputs equal to the first's but for one entry per "
                                              "rank: compute every call's ring afresh, nothing remembered")):
        got = learner.probe("run_twice", first, second)
        for name, ts in (("first", first), ("second", second)):
            out = got.get(name) if isinstance(got, dict) else None
            if not isinstance(out, list) or len(out) != 3 or not all(isinstance(o, torch.Tensor) for o in out):
                raise CheckFailure("ring_all_reduce must return a list with one tensor per rank (two calls in a row, "
                                   "3 ranks of 10 elements)")
            for r, (o, w) in enumerate(zip(out, simulate(ts)[1])):
                expect_close(o, w, rtol=1e-12, atol=1e-12,
                             what=f"rank {r}'s result of the {name} of two calls in a row (3 ranks of 10 elements, "
                                  "float64), read after the second call: each call returns new tensors, never buffers "
                                  f"kept from an earlier call and written again{how}")


def test_edge_sizes(learner, device, rng):
    """One rank (nothing to send, the result equals the input and is a new tensor), fewer elements than ranks (empty chunks), a single
    element, and n equal to W."""
    got = case(learner, rng, device, 1, 5)
    if got["log"]:
        raise CheckFailure("with a single rank there is nothing to send")
    case(learner, rng, device, 5, 3)
    case(learner, rng, device, 4, 1)
    case(learner, rng, device, 3, 3)


def test_message_schedule(learner, device, rng):
    """Each rank sends, step by step, exactly the chunk the schedule names with the values it holds by then: chunk
    (r - s) % W in reduce-scatter step s, chunk (r + 1 - s) % W in all-gather step s; empty chunks are sent too. The
    chunks are in the tensors' own dtype (float32 and float16 too): every addition of the ring is done in that
    dtype, not accumulated in a wider one."""
    for world, n in ((3, 8), (4, 2), (5, 3), (2, 1), (4, 13)):
        case(learner, rng, device, world, n, messages=True)
    case(learner, rng, device, 3, 10, torch.float32, messages=True)
    case(learner, rng, device, 5, 17, torch.float16, messages=True)


def test_uses_what_send_returns(learner, device, rng):
    """Through a link that rounds what it delivers to float32, every message and every result equals the ring built
    on what send returned (not on the sender's own chunk)."""
    for world, n in ((3, 11), (4, 4), (5, 2)):
        case(learner, rng, device, world, n, kind="float32", messages=True)
    # all but one rank hold zeros: a rank's own partial chunk already equals the full sum, and only the rounded copy
    # that send returns is right (code that keeps its own copy when it "agrees" with what arrived is caught)
    world = 4
    keep = int(torch.randint(0, world, (1,), generator=rng))
    case(learner, rng, device, world, 9, kind="float32", messages=True, zeros=tuple(r for r in range(world) if r != keep))


def test_ring_traffic(learner, device, rng):
    """Each rank sends exactly 2 (W - 1) chunks, and all ranks together send 2 (W - 1) n elements."""
    for world, n in ((4, 37), (6, 60), (5, 3)):
        got = case(learner, rng, device, world, n)
        log = got["log"]
        per_rank = [sum(1 for s, _, _ in log if s == r) for r in range(world)]
        if per_rank != [2 * (world - 1)] * world:
            raise CheckFailure(f"with {world} ranks each rank must send 2 * (W - 1) = {2 * (world - 1)} chunks, an empty "
                               "one included")
        if sum(c.numel() for _, _, c in log) != 2 * (world - 1) * n:
            raise CheckFailure(f"with {world} ranks the ring moves 2 (W - 1) n elements in all; "
                               "send one chunk (a 1/W slice) per step, not whole tensors")
