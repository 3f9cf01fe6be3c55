"""Hidden graders for magnitude-pruning: random weights, against torch.nn.utils.prune."""

import torch
import torch.nn.utils.prune as prune

from grader.judge.checks import CheckFailure, banned_names_used, expect_close

BANNED = ["torch.nn.utils.prune.l1_unstructured", "torch.nn.utils.prune.global_unstructured",
          "torch.nn.utils.prune.L1Unstructured", "torch.nn.utils.prune.remove", "torch.nn.utils.prune.custom_from_mask"]


def weights(rng, device, out=4, inp=5):
    return (torch.randn(out, inp, generator=rng, dtype=torch.float64).to(device),
            torch.randn(out, generator=rng, dtype=torch.float64).to(device))


def torch_mask(w, amount):
    m = torch.nn.Linear(w.shape[1], w.shape[0]).to(w.device, w.dtype)
    with torch.no_grad():
        m.weight.copy_(w)
    prune.l1_unstructured(m, "weight", amount=amount)
    return m.weight_mask


def test_mask_matches_torch(learner, device, rng):
    """The mask equals prune.l1_unstructured's, for fractions, counts, 0 and 1 (k rounds as Python: 2.5 -> 2, 7.5 -> 8)."""
    for shape, amount in (((4, 5), 0.3), ((6, 7), 0.5), ((2, 5), 0.25), ((3, 3), 0.0), ((3, 4), 1.0), ((5, 5), 7),
                          ((3, 5), 0.5), ((2, 3, 4), 0.6)):
        w = torch.randn(shape, generator=rng, dtype=torch.float64).to(device)
        want = torch_mask(w.reshape(shape[0], -1), amount).reshape(shape)
        expect_close(learner.call("l1_unstructured_mask", w, amount), want,
                     what=f"the mask of a {shape} weight with amount {amount}")


def test_pruned_linear_forward(learner, device, rng):
    """After prune_linear the module computes x @ (weight_orig * weight_mask).T + b, and keeps torch's names."""
    w, b = weights(rng, device)
    x = torch.randn(6, 5, generator=rng, dtype=torch.float64).to(device)
    got = learner.probe("prune_and_train", w, b, 0.4, x, x[:, :4], 0, 0.1)
    if got["params"] != ["bias", "weight_orig"] or got["buffers"] != ["weight_mask"]:
        raise CheckFailure("a pruned Linear should have parameters bias and weight_orig and the buffer weight_mask")
    mask = torch_mask(w, 0.4)
    expect_close(got["mask"], mask, what="weight_mask")
    expect_close(got["out"], x @ (w * mask).T + b, rtol=1e-12, atol=1e-12, what="the pruned layer's output")


def test_pruned_entries_stay_zero_while_training(learner, device, rng):
    """Through 5 SGD steps the pruned entries stay exactly 0 (their gradient is 0) while the others train."""
    w, b = weights(rng, device)
    x = torch.randn(8, 5, generator=rng, dtype=torch.float64).to(device)
    y = torch.randn(8, 4, generator=rng, dtype=torch.float64).to(device)
    got = learner.probe("prune_and_train", w, b, 0.5, x, y, 5, 0.1)
    mask = torch_mask(w, 0.5)
    if not bool((got["weight"][mask == 0] == 0).all()):
        raise CheckFailure("pruned entries of module.weight must stay exactly 0 during training")
    if not all(bool((g[mask == 0] == 0).all()) for g in got["grads"]):
        raise CheckFailure("the gradient of weight_orig must be 0 at pruned entries")
    if torch.allclose(got["weight_orig"][mask == 1], w[mask == 1]):
        raise CheckFailure("the unpruned weights should still train")
    expect_close(got["weight"], got["weight_orig"] * mask, rtol=1e-12, atol=0, what="weight after training")


def test_remove_pruning_makes_it_permanent(learner, device, rng):
    """remove_pruning folds the mask into a plain weight Parameter and removes weight_orig, weight_mask and the hook."""
    w, b = weights(rng, device)
    x = torch.randn(3, 5, generator=rng, dtype=torch.float64).to(device)
    got = learner.probe("prune_then_remove", w, b, 0.3, x)
    if got["params"] != ["bias", "weight"] or got["buffers"] != [] or not got["is_parameter"]:
        raise CheckFailure("after remove_pruning the Linear should have parameters weight and bias and no buffers")
    masked = w * torch_mask(w, 0.3)
    expect_close(got["weight"], masked, what="the permanent weight")
    expect_close(got["out_after_doubling"], x @ (2 * masked).T + b, rtol=1e-12, atol=1e-12,
                 what="the output after doubling the weight (no hook may recompute it)")


def test_global_masks_match_torch(learner, device, rng):
    """global_l1_masks prunes the smallest entries across all tensors together, as prune.global_unstructured does."""
    layers = [torch.nn.Linear(6, 4), torch.nn.Linear(4, 5), torch.nn.Linear(5, 3)]
    for layer in layers:
        with torch.no_grad():
            layer.weight.copy_(torch.randn(layer.weight.shape, generator=rng) * float(torch.rand((), generator=rng) * 3))
    tensors = [layer.weight.detach().clone().double().to(device) for layer in layers]
    prune.global_unstructured([(layer, "weight") for layer in layers], pruning_method=prune.L1Unstructured, amount=0.45)
    got = learner.call("global_l1_masks", tensors, 0.45)
    if not isinstance(got, list) or len(got) != 3:
        raise CheckFailure("global_l1_masks must return one mask per tensor")
    for i, (g, layer) in enumerate(zip(got, layers)):
        expect_close(g, layer.weight_mask.double().to(device), what=f"the global mask of tensor {i}")


def test_no_torch_prune(learner, source, device, rng):
    """The pruning is your own: torch.nn.utils.prune is not used."""
    used = banned_names_used(source, BANNED)
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: write the pruning yourself")
    w = torch.randn(3, 4, generator=rng, dtype=torch.float64).to(device)
    expect_close(learner.call("l1_unstructured_mask", w, 0.5), torch_mask(w, 0.5), what="the mask")
