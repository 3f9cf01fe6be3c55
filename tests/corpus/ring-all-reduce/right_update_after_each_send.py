"""Right (renamed from wrong_update_while_sending after grading): each receiver updates right after its sender's send. Within one step rank r sends chunk (r - s) % W and receives chunk (r - 1 - s) % W, never the chunk it sends, so the result and the message schedule equal the two-phase loop's."""

"""Reference solution for ring-all-reduce (seeds 001-34, 001-38)."""

# %%
import torch


# %% [markdown]
# Data-parallel training averages gradients with an **all-reduce**; NCCL and gloo do it with a *ring*, whose cost per
# rank does not grow with the number of ranks. Here you write one by hand, with the ranks simulated in one process
# (the graders can then count every message; `fix-data-parallel-gloo` runs real processes).
#
# `ring_all_reduce(tensors, send)`: `tensors[r]` is rank r's 1-D tensor (all of length n); return a list whose entry r
# is rank r's copy of the elementwise sum over all ranks. Ranks talk only through `send(src, dst, chunk)`, which
# delivers `chunk` from rank `src` to rank `dst` and returns what `dst` receives; only to the right-hand neighbour,
# `dst == (src + 1) % W`. Split each tensor into W chunks with `torch.tensor_split(t, W)` (chunks may be empty when
# n < W). Then:
#
# 1. **reduce-scatter**, W - 1 steps: at step s every rank r sends its chunk `(r - s) % W` to rank r + 1, which adds
#    it to its own copy of that chunk. Afterwards rank r holds the full sum of chunk `(r + 1) % W`.
# 2. **all-gather**, W - 1 steps: at step s every rank r sends its chunk `(r + 1 - s) % W` (complete by now) to rank
#    r + 1, which overwrites its copy.
#
# Each rank sends 2 (W - 1) chunks, about 2 n (W - 1) / W elements: nearly 2 n whatever W is. Do not modify the
# input tensors.

# %%
def ring_all_reduce(tensors, send):
    ### BEGIN SOLUTION
    world = len(tensors)
    chunks = [[c.clone() for c in torch.tensor_split(t, world)] for t in tensors]
    for step in range(world - 1):  # reduce-scatter
        for r in range(world):
            idx = (r - step) % world
            received = send(r, (r + 1) % world, chunks[r][idx])
            chunks[(r + 1) % world][idx] = chunks[(r + 1) % world][idx] + received
    for step in range(world - 1):  # all-gather
        messages = [(r, (r + 1 - step) % world, send(r, (r + 1) % world, chunks[r][(r + 1 - step) % world]))
                    for r in range(world)]
        for r, idx, received in messages:
            chunks[(r + 1) % world][idx] = received
    return [torch.cat(c) for c in chunks]
    ### END SOLUTION
