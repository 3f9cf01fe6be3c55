"""Hidden graders for dynamic-depth-net: random weights and inputs, gradients of shared weights, training by depth."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close

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
    """With copied weights, forward(x, depth) equals the reference for depths 0, 1, 3 and 5."""
    model, weights = reference(rng, device)
    x = torch.randn(6, 3, generator=rng, dtype=torch.float64).to(device)
    for depth in (0, 1, 3, 5):
        with torch.no_grad():
            want = model(x, depth)
        expect_close(learner.probe("run", DIMS, weights, x, depth)["out"], want, rtol=1e-10, atol=1e-12,
                     what=f"forward(x, depth={depth})")


def test_shared_layer_gradients(learner, device, rng):
    """mid is one shared layer: its gradient sums over all its uses; at depth 0 it gets no gradient at all."""
    model, weights = reference(rng, device)
    x = torch.randn(4, 3, generator=rng, dtype=torch.float64).to(device)
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


def test_graph_grows_with_depth(learner, device, rng):
    """The autograd graph is rebuilt on every call: its node count grows by the same amount with each extra layer."""
    _, weights = reference(rng, device)
    x = torch.randn(2, 3, generator=rng, dtype=torch.float64).to(device)
    sizes = [learner.probe("run", DIMS, weights, x, d)["nodes"] for d in range(5)]
    steps = [b - a for a, b in zip(sizes, sizes[1:])]
    # the first use of mid also adds its parameters' AccumulateGrad nodes; later uses add only Linear + ReLU
    if not (min(steps) > 0 and len(set(steps[1:])) == 1):
        raise CheckFailure("each extra depth should add the same nodes (Linear + ReLU) to the graph")


def test_forward_until_lets_the_input_choose_the_depth(learner, device, rng):
    """forward_until applies mid while mean |h| > threshold (at most max_depth times) and returns (out, depth)."""
    model, weights = reference(rng, device, scale=0.45)
    for k in range(5):
        x = torch.randn(3, 3, generator=rng, dtype=torch.float64).to(device) * float(torch.rand((), generator=rng) * 4)
        threshold = float(torch.rand((), generator=rng)) + 0.3 if k else 1e3  # k = 0: small from the start, depth 0
        if k == 1:  # between mean |h| and the norm of h: only the mean stops at once
            with torch.no_grad():
                h0 = F.relu(model.fc1(x))
            threshold = (h0.abs().mean().item() + h0.norm().item()) / 2
        with torch.no_grad():
            h, depth = F.relu(model.fc1(x)), 0
            while depth < 6 and h.abs().mean().item() > threshold:
                h, depth = F.relu(model.mid(h)), depth + 1
            want = model.fc2(h)
        got = learner.probe("run_until", DIMS, weights, x, threshold, 6)
        if got["depth"] != depth:
            raise CheckFailure("forward_until stopped at the wrong depth")
        expect_close(got["out"], want, rtol=1e-10, atol=1e-12, what="forward_until's output")


def data(rng, device, n=256):
    x = (torch.rand(n, 3, generator=rng, dtype=torch.float64) * 2 - 1).to(device)
    return x, torch.sin(x.sum(1, keepdim=True)) * torch.tensor([[1.0, -1.0]], dtype=torch.float64, device=device)


def test_training_draws_a_depth_per_step(learner, device, rng):
    """train_dynamic draws depth = randint(0, max_depth + 1) from its own seeded generator each step, then one Adam step."""
    model, weights = reference(rng, device)
    x, y = data(rng, device, 64)
    seed = int(torch.randint(0, 10_000, (), generator=rng))
    got = learner.probe("train", DIMS, weights, x, y, 12, 0.01, 3, seed)
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    depths, losses = [], []
    for _ in range(12):
        depths.append(int(torch.randint(0, 4, (1,), generator=g)))
        opt.zero_grad()
        loss = F.mse_loss(model(x, depths[-1]), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    if got.get("depths") != depths:
        raise CheckFailure("the depths drawn per step are not the ones torch.Generator().manual_seed(seed) gives")
    expect_close(torch.tensor(got["losses"], dtype=torch.float64), torch.tensor(losses, dtype=torch.float64),
                 rtol=1e-8, atol=1e-12, what="the losses of 12 training steps")


def test_learns_at_every_depth(learner, device, rng):
    """After 400 steps with random depths, the shared network fits y = ±sin(x1 + x2 + x3) at every depth 0..3."""
    torch.manual_seed(int(torch.randint(0, 10_000, (), generator=rng)))
    model = Reference(3, 32, 2).to(device, torch.float64)
    weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
    x, y = data(rng, device)
    got = learner.probe("train", [3, 32, 2], weights, x, y, 400, 0.02, 3, int(torch.randint(0, 10_000, (), generator=rng)))
    worst = max(float(m) for m in got["mse_by_depth"])
    # var(y) is about 0.4: trained at one depth only, the other depths stay above 0.4
    if not worst < 0.15:
        raise CheckFailure("after training, the MSE at every depth 0..3 should be below 0.15")
