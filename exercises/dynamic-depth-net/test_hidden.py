"""Hidden graders for dynamic-depth-net: random weights and inputs, gradients of shared weights, training by depth."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, summarize
from grader.judge.kit import adversarial, expect_float

DIMS = [3, 5, 2]


class Reference(nn.Module):
    def __init__(self, i, h, o):
        super().__init__()
        self.fc1, self.mid, self.fc2 = nn.Linear(i, h), nn.Linear(h, h), nn.Linear(h, o)

    def forward(self, x, depth):
        h = F.relu(self.fc1(x))
        for _ in range(depth):
            h = F.relu(self.mid(h))
        return self.fc2(h)


def reference(rng, device, dims=DIMS, scale=0.8):
    model = Reference(*dims).to(device, torch.float64)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=rng, dtype=torch.float64) * scale)
            if p.dim() == 1:
                p.add_(0.5)  # positive biases keep ReLUs alive, so every layer matters
    return model, {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_forward_with_copied_weights(learner, device, rng):
    """With copied weights, forward(x, depth) equals the reference for depths 0, 1, 3 and 5, and for deep calls
    (depths 9 and 13, on a model where every depth 0..13 gives a visibly different output: no cap on the depth)."""
    model, weights = reference(rng, device)
    x = adversarial(rng, (6, 3)).to(device)
    for depth in (0, 1, 3, 5):
        with torch.no_grad():
            want = model(x, depth)
        expect_close(learner.probe("run", DIMS, weights, x, depth)["out"], want, rtol=1e-10, atol=1e-12,
                     what=f"forward(x, depth={depth})")
    while True:  # redraw until no two depths 0..13 give close outputs, so a capped or shortened loop always shows
        model, weights = reference(rng, device)
        x = adversarial(rng, (6, 3)).to(device)
        with torch.no_grad():
            outs = [model(x, d) for d in range(14)]
        big = max(o.abs().max().item() for o in outs)
        if min((outs[a] - outs[b]).abs().max().item() for a in range(14) for b in range(a)) > 1e-6 * (1 + big):
            break
    for depth in (9, 13):
        expect_close(learner.probe("run", DIMS, weights, x, depth)["out"], outs[depth], rtol=1e-10, atol=1e-12,
                     what=f"forward(x, depth={depth}) (mid applied exactly depth times, however large depth is)")


def test_shared_layer_gradients(learner, device, rng):
    """mid is one shared layer: its gradient sums over all its uses; at depth 0 it gets no gradient at all."""
    model, weights = reference(rng, device)
    x = adversarial(rng, (4, 3)).to(device)
    for depth in (0, 1, 3):
        got = learner.probe("run", DIMS, weights, x, depth)
        model.zero_grad(set_to_none=True)
        xr = x.clone().requires_grad_()
        model(xr, depth).sum().backward()
        for name, p in model.named_parameters():
            g = got["grads"].get(name, "missing")
            if p.grad is None:
                if g is not None:
                    raise CheckFailure(f"at depth {depth} {name} is unused, so its .grad must stay None")
                continue
            if not isinstance(g, torch.Tensor):
                raise CheckFailure(f"at depth {depth} {name} should have a gradient")
            expect_close(g, p.grad, rtol=1e-10, atol=1e-12, what=f"the gradient of {name} at depth {depth}")
        expect_close(got["x_grad"], xr.grad, rtol=1e-10, atol=1e-12, what=f"the gradient of x at depth {depth}")


def test_each_call_records_its_own_graph(learner, device, rng):
    """Every call records its own graph for its own depth: several calls on one model (depths 3, 0, 1, 3) with one
    backward over all their outputs give each call's output and the sum of all their gradients."""
    model, weights = reference(rng, device)
    x = adversarial(rng, (4, 3)).to(device)
    depths = [3, 0, 1, 3]
    got = learner.probe("run_sequence", DIMS, weights, x, depths)
    model.zero_grad(set_to_none=True)
    outs = [model(x, d) for d in depths]
    sum(o.sum() for o in outs).backward()
    for k, (d, o) in enumerate(zip(depths, outs)):
        expect_close(got["outs"][k], o.detach(), rtol=1e-10, atol=1e-12, what=f"call {k + 1} (depth {d})'s output")
    for name, p in model.named_parameters():
        g = got["grads"].get(name) if isinstance(got.get("grads"), dict) else None
        if g is None:
            raise CheckFailure(f"{name} received no gradient from calls at depths {depths}: every call must use the "
                               "model's own layers (mid shared, not copied)")
        expect_close(g, p.grad, rtol=1e-10, atol=1e-12,
                     what=f"the gradient of {name} summed over calls at depths {depths}")


def test_forward_until_lets_the_input_choose_the_depth(learner, device, rng):
    """forward_until applies mid while mean |h| > threshold (at most max_depth times) and returns (out, depth); like
    forward it records the graph through every layer it applies: the gradients of out.sum() for x and every
    parameter equal forward(x, depth)'s (mid's stays None at depth 0). The h tested is the ReLU output: planted
    thresholds between mean |h| and the mean |.| of the pre-activation (fc1's, then mid's after one and two layers)
    stop at once where the pre-activation would go on; max_depth 10 is reached when nothing else stops it. Called by a
    caller inside torch.no_grad(), it gives the same output and depth and leaves grad mode off."""
    model, weights = reference(rng, device, scale=0.45)
    cases = []
    for k in range(7):
        x = torch.randn(3, 3, generator=rng, dtype=torch.float64).to(device) * float(torch.rand((), generator=rng) * 4)
        threshold = float(torch.rand((), generator=rng)) + 0.3 if k else 1e3  # k = 0: small from the start, depth 0
        with torch.no_grad():
            h0 = F.relu(model.fc1(x))
        max_depth = 6
        if k == 1:  # between mean |h| and the norm of h: only the mean stops at once
            threshold = (h0.abs().mean().item() + h0.norm().item()) / 2
        if k == 2:  # exactly mean |h|: it does not exceed the threshold, so depth 0
            threshold = h0.abs().mean().item()
        if k == 3:  # a tiny threshold: only max_depth stops it
            threshold = 0.0
        if k == 4:  # max_depth 0: never apply mid
            threshold, max_depth = 0.0, 0
        if k == 5:  # below any mean |h|: always max_depth, so gradients through every use of mid are checked
            threshold = -1.0
        cases.append((model, weights, x, threshold, max_depth))
    cases.append((model, weights, cases[0][2], -1.0, 10))  # case 8: deeper than 8, max_depth stops it
    for j in (0, 1, 2):  # cases 9-11: mean |h_j| <= threshold < mean |pre-activation_j|, every earlier mean |h| above
        while True:
            m, w = reference(rng, device, scale=0.45)
            x = torch.randn(3, 3, generator=rng, dtype=torch.float64).to(device) * float(torch.rand((), generator=rng) * 4 + 0.5)
            with torch.no_grad():
                z = m.fc1(x)
                means = [(z.abs().mean().item(), F.relu(z).abs().mean().item())]
                for _ in range(j):
                    z = m.mid(F.relu(z))
                    means.append((z.abs().mean().item(), F.relu(z).abs().mean().item()))
            pre, post = means[j]
            threshold = (pre + post) / 2
            if pre - post > 1e-3 * max(pre, 1e-3) and all(h > threshold + 1e-9 for _, h in means[:j]):
                break
        cases.append((m, w, x, threshold, 6))
    # cases 12-13: the threshold at mean |h| exactly and at the next float64 below it, for an x whose mean |h| is not a
    # float32 number: a test computed in float32 (rounded up or down) goes wrong in one of the two
    while True:
        x = torch.randn(3, 3, generator=rng, dtype=torch.float64).to(device) * float(torch.rand((), generator=rng) * 4 + 0.5)
        with torch.no_grad():
            mean = F.relu(model.fc1(x)).abs().mean().item()
        if mean > 0 and float(torch.tensor(mean, dtype=torch.float32)) != mean:
            break
    cases += [(model, weights, x, mean, 6), (model, weights, x, math.nextafter(mean, -math.inf), 6)]
    for k, (model, weights, x, threshold, max_depth) in enumerate(cases):
        with torch.no_grad():
            h, depth = F.relu(model.fc1(x)), 0
            while depth < max_depth and h.abs().mean().item() > threshold:
                h, depth = F.relu(model.mid(h)), depth + 1
            want = model.fc2(h)
        got = learner.probe("run_until", DIMS, weights, x, threshold, max_depth)
        if "depth" not in got:
            raise CheckFailure("forward_until must return a pair (output tensor, depth used)",
                               f"received {summarize(got.get('result'))}")
        if type(got["depth"]) is not int:
            raise CheckFailure("forward_until's depth must be a Python int", f"received {summarize(got['depth'])}")
        if got["depth"] != depth:
            raise CheckFailure(f"forward_until stopped at the wrong depth (threshold case {k + 1}, max_depth {max_depth}): "
                               "apply mid while mean |h| (h the ReLU output, after fc1 or after the last mid) is "
                               "strictly above the threshold and fewer than max_depth layers have run")
        expect_close(got["out"], want, rtol=1e-10, atol=1e-12, what="forward_until's output")
        model.zero_grad(set_to_none=True)
        xr = x.clone().requires_grad_()
        model(xr, depth).sum().backward()
        grads = got.get("grads") if isinstance(got.get("grads"), dict) else {}
        for name, p in list(model.named_parameters()) + [("x", xr)]:
            g = got.get("x_grad") if name == "x" else grads.get(name)
            if p.grad is None:
                if g is not None:
                    raise CheckFailure(f"forward_until at depth 0 never uses mid, so {name}'s .grad must stay None")
                continue
            if not isinstance(g, torch.Tensor):
                raise CheckFailure(f"forward_until must record the graph through every layer it applies, like "
                                   f"forward: {name} got no gradient from its output (threshold case {k + 1}; "
                                   "apply mid to h itself, not a detached copy)")
            expect_close(g, p.grad, rtol=1e-10, atol=1e-12,
                         what=f"the gradient of {name} through forward_until's output (threshold case {k + 1}: "
                              "each applied mid acts on h itself, not a detached copy)")
    # a forward pass works for a caller inside torch.no_grad() too (inference), and leaves grad mode off for it
    model, weights, x, threshold, max_depth = cases[5]
    with torch.no_grad():
        h, depth = F.relu(model.fc1(x)), 0
        while depth < max_depth and h.abs().mean().item() > threshold:
            h, depth = F.relu(model.mid(h)), depth + 1
        want = model.fc2(h)
    with learner.ambient(grad=False):
        got = learner.probe("run_until", DIMS, weights, x, threshold, max_depth)
    if got.get("depth") != depth or type(got.get("depth")) is not int:
        raise CheckFailure("forward_until called by a caller inside torch.no_grad() stopped at the wrong depth",
                           f"received {summarize(got.get('depth', got.get('result')))}")
    expect_close(got["out"], want, rtol=1e-10, atol=1e-12,
                 what="forward_until's output, called by a caller inside torch.no_grad()")


def data(rng, device, n=256):
    x = (torch.rand(n, 3, generator=rng, dtype=torch.float64) * 2 - 1).to(device)
    return x, torch.sin(x.sum(1, keepdim=True)) * torch.tensor([[1.0, -1.0]], dtype=torch.float64, device=device)


def seed_with_a_depth_zero_step(rng, steps, max_depth):
    """A seed whose draws have a depth-0 step after a deeper one (where zero_grad's set_to_none matters for Adam)."""
    while True:
        seed = int(torch.randint(0, 10_000, (), generator=rng))
        g = torch.Generator().manual_seed(seed)
        ds = [int(torch.randint(0, max_depth + 1, (1,), generator=g)) for _ in range(steps)]
        if 0 in ds[1:] and ds[0] > 0 and max(ds[: ds.index(0, 1)]) > 0:
            return seed


def replay(model, x, y, steps, lr, max_depth, seed):
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    depths, losses = [], []
    for _ in range(steps):
        depths.append(int(torch.randint(0, max_depth + 1, (1,), generator=g)))
        opt.zero_grad()
        loss = F.mse_loss(model(x, depths[-1]), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return depths, losses


def expect_history(got, steps):
    if not isinstance(got, dict) or sorted(map(str, got)) != ["depths", "losses"]:
        raise CheckFailure('train_dynamic must return {"losses": [...], "depths": [...]}', f"received {summarize(got)}")
    if not isinstance(got["depths"], list) or len(got["depths"]) != steps or not all(type(d) is int for d in got["depths"]):
        raise CheckFailure(f"depths must be a list of {steps} Python ints", f"received {summarize(got['depths'])}")
    if not isinstance(got["losses"], list) or len(got["losses"]) != steps:
        raise CheckFailure(f"losses must be a list of {steps} Python floats", f"received {summarize(got['losses'])}")
    for v in got["losses"]:
        expect_float(v, what="each loss")


def test_training_draws_a_depth_per_step(learner, device, rng):
    """train_dynamic draws depth = randint(0, max_depth + 1) from its own seeded generator each step, then zero_grad
    (to None), the loss, backward and one Adam step: depths, losses and the final parameters match a replay, with a
    depth-0 step (mid has no gradient: Adam leaves it alone) and a model arriving with stale gradients. The draws
    come from g alone: torch's global generator, seeded by the caller, is where the caller left it afterwards.
    Two calls on one model (other lr, length, seed) each train with their own fresh Adam and generator."""
    for stale in (False, True):
        model, weights = reference(rng, device)
        x, y = data(rng, device, 64)
        seed = seed_with_a_depth_zero_step(rng, 12, 3)
        global_seed = int(torch.randint(0, 10_000, (), generator=rng))
        stale_grads = {k: adversarial(rng, tuple(v.shape)).to(device) for k, v in weights.items()} if stale else None
        got = learner.probe("train", DIMS, weights, x, y, 12, 0.01, 3, seed, stale_grads=stale_grads,
                            global_seed=global_seed)
        returned = got.get("returned") if isinstance(got, dict) else got
        expect_history(returned, 12)
        depths, losses = replay(model, x, y, 12, 0.01, 3, seed)
        what = " (the model arriving with stale gradients)" if stale else ""
        if returned["depths"] != depths:
            raise CheckFailure("the depths drawn per step are not the ones torch.Generator().manual_seed(seed) gives")
        after = got.get("global_rng_after")
        if not isinstance(after, torch.Tensor) or not torch.equal(after, torch.Generator().manual_seed(global_seed)
                                                                          .get_state()):
            raise CheckFailure("train_dynamic changed torch's global random generator: draw the depths from your own "
                               "g = torch.Generator().manual_seed(seed) and leave the caller's global RNG alone (no "
                               "torch.manual_seed, no draws without generator=g)")
        expect_close(torch.tensor(returned["losses"], dtype=torch.float64), torch.tensor(losses, dtype=torch.float64),
                     rtol=1e-8, atol=1e-12, what=f"the losses of 12 training steps{what} (each step: zero_grad() to "
                                                 "None, the loss it records, backward, one Adam step)")
        for name, p in model.named_parameters():
            expect_close(got["params"].get(name), p.detach(), rtol=1e-8, atol=1e-12,
                         what=f"{name} after 12 training steps{what} (at a depth-0 step mid has no gradient and Adam "
                              "must leave it alone: zero_grad() sets gradients to None)")
    # why: state kept across calls (an optimizer or generator cached per model, a step counter) is right on a first
    # call only; train twice on one model with another lr, length and seed, and replay each with a fresh Adam.
    model, weights = reference(rng, device)
    x, y = data(rng, device, 32)
    runs = [(3, 0.01, 2, int(torch.randint(0, 10_000, (), generator=rng))),
            (4, 0.05, 3, int(torch.randint(0, 10_000, (), generator=rng)))]
    got = learner.probe("train_twice", DIMS, weights, x, y, runs)
    returned = got.get("returned") if isinstance(got, dict) else None
    if not isinstance(returned, list) or len(returned) != 2:
        raise CheckFailure("train_dynamic could not be called twice on one model", f"received {summarize(got)}")
    for k, (run, ret) in enumerate(zip(runs, returned), start=1):
        expect_history(ret, run[0])
        depths, losses = replay(model, x, y, *run)
        call = (f"call {k} of 2 on one model (steps={run[0]}, lr={run[1]}, max_depth={run[2]}, its own seed): each "
                "call makes its own Adam with its own lr and its own generator, nothing is kept from the call before")
        if ret["depths"] != depths:
            raise CheckFailure(f"the depths drawn per step are wrong at {call}")
        expect_close(torch.tensor(ret["losses"], dtype=torch.float64), torch.tensor(losses, dtype=torch.float64),
                     rtol=1e-8, atol=1e-12, what=f"the losses at {call}")


def test_learns_at_every_depth(learner, device, rng):
    """After 400 steps with random depths, the shared network fits y = ±sin(x1 + x2 + x3) at every depth 0..3."""
    torch.manual_seed(int(torch.randint(0, 10_000, (), generator=rng)))
    model = Reference(3, 32, 2).to(device, torch.float64)
    weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
    x, y = data(rng, device)
    got = learner.probe("train", [3, 32, 2], weights, x, y, 400, 0.02, 3, int(torch.randint(0, 10_000, (), generator=rng)))
    predictions = got.get("predictions") if isinstance(got, dict) else None
    if not isinstance(predictions, list) or len(predictions) != 4:
        raise CheckFailure("the trained model could not be evaluated at depths 0..3", f"received {summarize(predictions)}")
    worst = 0.0
    for d, pred in enumerate(predictions):
        if not isinstance(pred, torch.Tensor) or tuple(pred.shape) != tuple(y.shape):
            raise CheckFailure(f"the trained model's output at depth {d} has the wrong form", f"received {summarize(pred)}")
        worst = max(worst, float(F.mse_loss(pred.to(y.dtype), y)))
    # var(y) is about 0.4: trained at one depth only, the other depths stay above 0.4
    if not worst < 0.15:
        raise CheckFailure("after training, the MSE at every depth 0..3 should be below 0.15")
