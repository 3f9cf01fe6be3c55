"""Hidden graders for activation-checkpointing: memory kept by the forward pass (read from outside the worker),
gradients with and without dropout, with and without a gradient for x. References are computed here, in the judge."""

import torch

from grader.judge.checks import CheckFailure, expect_close, load_sibling

P = load_sibling(__file__)

MB = 2**20


def config(rng):
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    width = int(torch.randint(3, 8, (1,), generator=rng))
    depth = int(torch.randint(1, 5, (1,), generator=rng))
    batch = int(torch.randint(1, 12, (1,), generator=rng))
    return seed, width, depth, batch


def compare(got, want, what):
    if not isinstance(got, dict):
        raise CheckFailure("the grader could not read the result of checkpointed_forward")
    expect_close(got["out"], want["out"], what=f"the output {what}")
    if not got["backward"]:
        raise CheckFailure(f"the output carries no graph {what}: backward cannot reach the parameters")
    if want["x_grad"] is not None:
        if got["x_grad"] is None:
            raise CheckFailure(f"x gets no gradient {what}")
        expect_close(got["x_grad"], want["x_grad"], what=f"the gradient for x {what}")
    elif got.get("x_grad") is not None:
        # blocks(x) never writes x.grad for an x that does not require grad: a gradient there means the call
        # switched on requires_grad of the caller's x (x.requires_grad_()), changing the tensor it was given
        raise CheckFailure(f"x does not require grad, yet after backward it holds a gradient {what}: "
                           "checkpointed_forward changed the caller's x (its requires_grad); leave x as it was, "
                           "non-reentrant checkpointing gives the parameters their gradients without it")
    for i, (g, w) in enumerate(zip(got["grads"], want["grads"])):
        if w is None:  # a frozen parameter: blocks(x) leaves its .grad alone
            if g is not None:
                raise CheckFailure(f"parameter {i} of the blocks does not require grad, yet it gets a gradient {what}")
            continue
        if g is None:
            raise CheckFailure(f"parameter {i} of the blocks gets no gradient {what}")
        expect_close(g, w, what=f"the gradient of parameter {i} {what}")


def check(learner, device, args, what, probe="run", **kw):
    full = (*args, str(device))
    compare(learner.probe(probe, *full, **kw), P.reference(*full, **kw), what)


# What the worker may hold when a measured forward starts, above its size before the submission loaded (the blocks
# and x the probe built included, and what earlier cases left in the allocator): right files start up to 1.2 MB above
# it. The least a block run plainly keeps is 16 MB, 12 MB over the limit: a balloon within ROOM cannot hide that.
ROOM = 6 * MB


def test_saves_at_most_block_inputs(learner, rng):
    """The forward pass keeps at most one block-input-sized tensor per block alive for backward (the worker's memory,
    read from outside, with blocks whose inner activations are 16 times larger than their input), and backward still
    gives blocks(x)'s gradients: 4 blocks with x requiring grad, 3 blocks (an odd count) and a single block with x not
    requiring grad, and a single block with x requiring grad; then frozen blocks (parameters not requiring grad), which
    gradients still flow through to earlier blocks or to x, so they are checkpointed too: 4 blocks with the middle two
    frozen and x not requiring grad, and 2 blocks, both frozen, with x requiring grad. Last, batches of one and of two
    samples, each sample a (tokens, 16) sequence of the same 0.5 MB in all: a small batch is no reason to skip
    checkpointing; and 4 blocks with 2 MB block inputs, where one extra input-sized tensor kept per block (8 MB in
    all) exceeds the allocator noise allowed. One block run without checkpoint keeps about 16 MB. The cases run in a
    fresh worker, and each forward pass may start with at most 6 MiB more than the worker held before the submission
    loaded (the blocks and x included): memory taken in advance (a buffer allocated at import, freed inside the
    forward pass and taken back after backward) would hide what the forward pass keeps."""
    seed = int(torch.randint(0, 10_000, (1,), generator=rng))
    # block input 0.5 MB; inside a block, Linear(16, 256)-GELU-Linear(256, 16) saves 2 x 8 MB without checkpointing
    width, batch, expand = 16, 4096, 16
    cases = [(4, True, (), "4 blocks, x requiring grad"), (3, False, (), "3 blocks, x not requiring grad"),
             (1, False, (), "a single block, x not requiring grad"), (1, True, (), "a single block, x requiring grad"),
             (4, False, (1, 2), "4 blocks, the middle two frozen (their parameters do not require grad), x not "
              "requiring grad"),
             (2, True, (0, 1), "2 blocks, both frozen, x requiring grad")]
    cases = [(batch, 0) + case for case in cases]
    # the same 0.5 MB per block input as (1, 4096, 16) and (2, 2048, 16): a batch of 1 or 2 samples
    cases += [(1, batch, 2, True, (), "a batch of one sample, x of shape (1, 4096, 16), 2 blocks, x requiring grad"),
              (2, batch // 2, 3, False, (), "a batch of two samples, x of shape (2, 2048, 16), 3 blocks, x not "
               "requiring grad")]
    # block inputs four times larger (2 MB): one extra input-sized tensor kept per block (such as the operand of an
    # elementwise op applied outside the checkpoint) now shows as 8 MB, twice the allocator noise the limit allows
    cases += [(4 * batch, 0, 4, True, (), "4 blocks, x of shape (16384, 16) (2 MB per block input), x requiring "
               "grad")]
    # all cases in one fresh worker, warmed up by prep's code (one block forward and backward at these sizes) before
    # the submission loads: each measured forward must start within ROOM of that size
    with learner.fresh(warm="warm_up") as clean:
        for i, (n, tokens, depth, x_grad, frozen, what) in enumerate(cases):
            args = (seed + 10 * i, width, depth, n, False, x_grad, "cpu", expand)
            # the blocks' seed goes only with the measured forward (drawn per run): blocks and x both built in the
            # unmeasured prepare would let the output and its gradients be computed there, the plain way, and the
            # measured forward hand them back without saving or recomputing anything
            block_seed = int(torch.randint(0, 2**31 - 1, (1,), generator=rng))
            clean.probe("prepare", *args, frozen=frozen, tokens=tokens, blocks_later=True)
            with clean.measure(room=ROOM) as m:
                clean.probe("forward", block_seed)
            got = clean.probe("backward")
            _expect_checkpointed(got, m, args, n, tokens, depth, frozen, what, n * max(tokens, 1) * width * 8, expand,
                                 block_seed)


def _expect_checkpointed(got, m, args, n, tokens, depth, frozen, what, block_input, expand, block_seed):
    compare(got, P.reference(*args, frozen=frozen, tokens=tokens, block_seed=block_seed),
            f"with checkpointing, at {n * max(tokens, 1)} rows of 16 ({what})")
    limit = depth * block_input + 4 * MB  # the block inputs and the output, plus allocator noise
    if m.kept > limit:
        plain = depth * block_input * (2 * expand + 1)
        raise CheckFailure(
            f"with {what}: after the forward pass the worker holds {m.kept / MB:.1f} MB more, where one input "
            f"per block is {depth * block_input / MB:.1f} MB in all (the plain forward keeps about "
            f"{plain / MB:.0f} MB): inner activations of some block (or more than one input-sized tensor per "
            "block, such as the operand of an elementwise op applied outside the checkpoint) are still saved for "
            "backward; run every block under checkpoint, and nothing else outside it, whatever the number of blocks "
            "or of samples in the batch, whether or not x requires grad, and whether or not the block's own "
            "parameters require grad (gradients still flow through a frozen block)")


def test_gradients_input_without_grad(learner, device, rng):
    """With x not requiring grad, every parameter still gets the plain forward's gradient (and one block or several),
    also with every block in eval mode (eval mode changes Dropout, not whether parameters get gradients). Then the
    gradients taken with torch.autograd.grad instead of backward(), with and without a gradient for x: non-reentrant
    checkpointing (use_reentrant=False) supports it, the reentrant kind raises. Called inside a caller's no_grad
    block, it leaves grad mode off."""
    seed, width, depth, batch = config(rng)
    check(learner, device, (seed + 3, 5, 2, 4, False, False),
          "when x does not require grad, gradients taken with torch.autograd.grad (checkpoint with use_reentrant=False)",
          probe="run_grad")
    check(learner, device, (seed + 4, 4, 2, 3, True, True),
          "when x requires grad, gradients taken with torch.autograd.grad (checkpoint with use_reentrant=False)",
          probe="run_grad")
    check(learner, device, (seed, width, depth, batch, False, False), "when x does not require grad")
    check(learner, device, (seed + 1, 5, 3, 4, False, False), "when x does not require grad (3 blocks)")
    check(learner, device, (seed + 2, 5, 3, 4, True, False),
          "when x does not require grad and every block is in eval mode (the parameters still get blocks(x)'s "
          "gradients: do not run the blocks under no_grad)", eval_blocks=(0, 1, 2))
    # torch's settings are the caller's: inside a caller's no_grad block, grad mode is still off after the call
    if learner.probe("grad_mode_after_no_grad", seed + 5, 4, 2, 3, False, False, str(device)) is not False:
        raise CheckFailure("checkpointed_forward called inside torch.no_grad() left grad mode on after it: the "
                           "caller's no_grad block no longer holds for the code after the call",
                           "never call torch.set_grad_enabled(True) here: whether a graph is recorded is the "
                           "caller's choice (parameters get gradients under the default grad mode anyway)")


def test_gradients_with_dropout(learner, device, rng):
    """With Dropout in the blocks, the recomputation uses the same masks: output and gradients equal the plain forward's,
    with and without a gradient for x. Each block runs in the mode the caller left it in, as in blocks(x): all blocks
    in eval mode (no dropout at all), and block 1 of 3 in eval mode while the others train."""
    seed, width, depth, batch = config(rng)
    check(learner, device, (seed, width, depth, batch, True, True), "with dropout in the blocks")
    check(learner, device, (seed + 1, 6, 3, 16, True, False), "with dropout in the blocks, x without grad")
    check(learner, device, (seed + 2, width, 3, batch, True, True),
          "with dropout in the blocks and the blocks in eval mode (blocks(x) then drops nothing: leave each block's "
          "training flag as the caller set it)", eval_blocks=(0, 1, 2))
    check(learner, device, (seed + 3, width, 3, batch, True, False),
          "with dropout in the blocks, block 1 in eval mode and blocks 0 and 2 training (run each block in the mode "
          "the caller set)", eval_blocks=(1,))


def test_gradients_random_stacks(learner, device, rng):
    """Random depths (1 to 4 blocks), widths and batch sizes (1 included), x requiring grad: output and gradients.
    Then a caller that reuses its nn.Sequential after replacing its last block (the same object, other contents):
    the second call follows the blocks as they are now."""
    seed, width, depth, batch = config(rng)
    check(learner, device, (seed, width, depth, batch, False, True), f"for {depth} block(s)")
    check(learner, device, (seed + 1, 3, 1, 1, False, True), "for a single block and a batch of 1")
    args = (seed + 5, width, depth, batch, False, True, str(device))
    compare(learner.probe("run_swapped", *args, swap_seed=seed + 6), P.reference_swapped(*args, swap_seed=seed + 6),
            f"for {depth} block(s) when the caller calls it again after replacing the last block of the same "
            "nn.Sequential (blocks[-1] = new_block): run the blocks the Sequential holds at each call, keep nothing "
            "from an earlier call")
