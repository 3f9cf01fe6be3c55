"""Hidden graders for magnitude-pruning: random weights (both signs, exact zeros, ties), fixed tie cases and
roundings, against references computed here, in the judge: torch.nn.utils.prune reparametrising with the mask of the
task's rule (the smallest |w| first, ties in row-major order, as a stable sort gives them).

torch.nn.utils.prune is not checked here by name: the exercise's bans switch it off in the worker, so code that
leans on it fails every grader that runs it."""

import torch
import torch.nn.functional as F
import torch.nn.utils.prune as prune

from grader.judge.checks import CheckFailure, expect_close, expect_tensor, summarize
from grader.judge.kit import adversarial, expect_tensors, layouts
from grader.judge.remote import received_info


def count(amount, n):
    return amount if isinstance(amount, int) else round(amount * n)


def reference_mask(w, amount):
    """0 at the k entries of smallest |w|, ties in row-major order (a stable sort), 1 elsewhere."""
    k = count(amount, w.numel())
    mask = torch.ones(w.numel(), dtype=w.dtype, device=w.device)
    mask[torch.sort(w.detach().abs().flatten(), stable=True).indices[:k]] = 0
    return mask.reshape(w.shape)


def with_ties(rng, shape, device, dtype=torch.float64):
    """Random values of both signs where many entries share a magnitude (a tie at any cut is likely)."""
    levels = torch.tensor([0.0, 0.5, 1.0, 2.0], dtype=torch.float64)
    w = levels[torch.randint(0, 4, shape, generator=rng)] * torch.where(torch.rand(shape, generator=rng) < 0.5, -1.0, 1.0)
    return w.to(device, dtype)


def near_ties(rng, shapes, device):
    """float64 tensors whose magnitudes come in pairs closer than float32 can tell apart: each value u (exact in
    float32, all distinct) appears once as u * (1 + 2**-40) in the first half of the (flat, list-ordered) entries and
    once as u in the second half, random signs. Sorted in float64 the smaller one of a pair goes first; rounded to
    float32 the pair ties and the larger one (earlier) would be pruned: any odd k cuts a pair, for every draw."""
    sizes = [int(torch.Size(s).numel()) for s in shapes]
    n = sum(sizes) // 2
    u = ((torch.arange(n, dtype=torch.float64) + 1 + 0.5 * torch.rand(n, generator=rng, dtype=torch.float64)) / n)
    u = u.float().double()[torch.randperm(n, generator=rng)]
    flat = torch.cat([u * (1 + 2.0 ** -40), u[torch.randperm(n, generator=rng)]])
    flat = flat * torch.where(torch.rand(2 * n, generator=rng) < 0.5, -1.0, 1.0).double()
    return [piece.reshape(s).to(device) for piece, s in zip(flat.split(sizes), shapes)]


def learner_mask(learner, w, amount, what, parameter=False):
    got = learner.probe("mask", w, amount, parameter)
    mask = got.get("mask") if isinstance(got, dict) else None
    expect_close(mask, reference_mask(w, amount), rtol=0, atol=0, what=what)
    info = received_info(mask)
    if info is not None and info.requires_grad:
        raise CheckFailure(f"{what} requires grad: a mask is a plain 0/1 tensor (compute it from weight.detach())")
    expect_close(got.get("weight_after"), w, rtol=0, atol=0, what="the weight after l1_unstructured_mask (it must not change)")


def test_mask_matches_torch(learner, device, rng):
    """The mask has the weight's shape and dtype; for fractions, counts, 0 and 1 (the int 1 prunes one entry, the
    float 1.0 all), k rounds as Python (2.5 -> 2, 7.5 -> 8); ties in |w| (of either sign) at the cut go in row-major order;
    float64 magnitudes closer than float32's precision are still told apart; a transposed weight too (all magnitudes
    tied included); float32 and bfloat16 masks in their weight's dtype; the weight is left alone."""
    cases = [((4, 5), 0.3), ((6, 7), 0.5), ((2, 5), 0.25), ((3, 3), 0.0), ((3, 4), 1.0), ((5, 5), 7), ((3, 5), 0.5),
             ((2, 3, 4), 0.6), ((4, 4), 0), ((3, 3), 9), ((3, 4), 1), ((2, 5), 2)]  # the int 1 prunes one entry
    for shape, amount in cases:
        w = adversarial(rng, shape).to(device)
        learner_mask(learner, w, amount, f"the mask of a {shape} weight with amount {amount!r}")
    for shape, amount in (((5, 6), 0.4), ((4, 4, 2), 11), ((7, 3), 0.5)):
        learner_mask(learner, with_ties(rng, shape, device), amount,
                     f"the mask of a {shape} weight with many tied magnitudes and amount {amount!r}")
    (w,) = near_ties(rng, [(4, 6)], device)
    for amount in (5, 0.375):  # k = 5 and 9: both cut a pair of magnitudes that differ only beyond float32's precision
        learner_mask(learner, w, amount, f"the mask of a float64 weight whose magnitudes differ only beyond float32's "
                     f"precision, amount {amount!r} (compare |w| in the weight's own dtype, not rounded to float32)")
    w = adversarial(rng, (4, 6)).to(device, torch.float32)
    learner_mask(learner, w, 0.5, "the mask of a float32 weight (float32 too)")
    for layout, w in layouts(with_ties(rng, (5, 6), device)).items():  # row-major order of the logical (5, 6) view
        learner_mask(learner, w, 0.4, f"the mask of a {layout} weight with tied magnitudes, amount 0.4 (the mask has "
                     "the weight's shape; ties in the row-major order of its indices, whatever its memory layout)")
    # every magnitude tied, random signs: the k pruned are the first k indices in row-major order, which no other
    # order (a transposed view's memory order, column-major) gives, whatever the draw (round 16: a random tie pattern
    # let storage order through under one seed of five)
    tied = torch.where(torch.rand(5, 6, generator=rng) < 0.5, -1.0, 1.0).double().to(device)
    for layout, w in layouts(tied).items():
        learner_mask(learner, w, 0.4, f"the mask of a {layout} weight whose magnitudes are all equal, amount 0.4 (ties "
                     "in the row-major order of its indices, whatever its memory layout)")
    learner_mask(learner, adversarial(rng, (3, 5)).to(device), 0.4, "the mask of an nn.Parameter weight", parameter=True)
    learner_mask(learner, adversarial(rng, (4, 6)).to(device, torch.bfloat16), 0.5,
                 "the mask of a bfloat16 weight (the mask has the weight's dtype whatever it is, half precision "
                 "included: build it with dtype=weight.dtype, or ones_like(weight))")


def torch_pruned(weight, bias, mask):
    """nn.Linear reparametrised by torch.nn.utils.prune with exactly this mask."""
    m = torch.nn.Linear(weight.shape[1], weight.shape[0]).to(weight.device, weight.dtype)
    with torch.no_grad():
        m.weight.copy_(weight)
        m.bias.copy_(bias)
    prune.custom_from_mask(m, "weight", mask)
    return m


def reference_training(weight, bias, amount, x, y, steps, lr):
    m = torch_pruned(weight, bias, reference_mask(weight, amount))
    opt = torch.optim.SGD(m.parameters(), lr=lr, momentum=0.9)
    with torch.no_grad():
        first = m(x)
    outs, grads = [], []
    for _ in range(steps):
        opt.zero_grad()
        F.mse_loss(m(x), y).backward()
        grads.append(m.weight_orig.grad.clone())
        opt.step()
        with torch.no_grad():
            outs.append(m(x))
    return first, outs, grads, m.weight_orig.detach().clone()


def expect_pruned_names(got, what):
    if got.get("params") != ["bias", "weight_orig"] or got.get("buffers") != ["weight_mask"]:
        raise CheckFailure(f"{what}: a pruned Linear should have exactly the parameters bias and weight_orig and the "
                           "buffer weight_mask (weight itself becomes a plain attribute)",
                           f"received parameters {summarize(got.get('params'))}, buffers {summarize(got.get('buffers'))}")


def problem(rng, device, out=4, inp=5, n=8):
    return (adversarial(rng, (out, inp)).to(device), adversarial(rng, (out,)).to(device),
            adversarial(rng, (n, inp)).to(device), adversarial(rng, (n, out)).to(device))


def test_pruned_linear_forward(learner, device, rng):
    """prune_linear returns the module, which computes x @ (weight_orig * weight_mask).T + b, with torch's names, the
    mask as a plain buffer of the weight's dtype, module.weight a plain tensor (not a Parameter) set right away, and
    weight_orig holding the original values, pruned entries included (for a fraction, a count, the int 1); module.weight
    set right away is the product itself (with autograd: it requires grad through weight_orig), and each forward reads
    the weight_mask buffer as it is then (a mask assigned to module.weight_mask after pruning is the one used)."""
    for amount, ties in ((0.4, False), (7, True), (1, False)):
        w, b, x, y = problem(rng, device)
        if ties:
            w = with_ties(rng, tuple(w.shape), device)
        got = learner.probe("prune_and_train", w, b, amount, x, y, 0, 0.1)
        expect_pruned_names(got, f"after prune_linear(module, {amount!r})")
        mask = reference_mask(w, amount)
        expect_close(got.get("mask"), mask, rtol=0, atol=0, what=f"weight_mask (amount {amount!r})")
        expect_close(got.get("first_out"), x @ (w * mask).T + b, rtol=1e-12, atol=1e-12,
                     what=f"the pruned layer's output (amount {amount!r})")
        expect_close(got.get("weight_after_pruning"), w * mask, rtol=0, atol=0,
                     what="module.weight right after prune_linear, before any forward (weight_orig * weight_mask)")
        expect_close(got.get("orig_after_pruning"), w, rtol=0, atol=0,
                     what="weight_orig right after prune_linear: it keeps every original value, the pruned ones "
                          "included, as prune.l1_unstructured leaves it (only module.weight is masked)")
        raw = received_info(got.get("weight_set_by_pruning"))
        if raw is not None and not raw.requires_grad:
            raise CheckFailure("module.weight set right after prune_linear must be weight_orig * weight_mask computed "
                               "with autograd (it requires grad, so a loss on module.weight reaches weight_orig), not "
                               "a product computed under torch.no_grad()")
        info = received_info(got.get("weight"))
        if info is not None and not info.type_name == "torch.Tensor":
            raise CheckFailure("module.weight must be a plain tensor computed from weight_orig * weight_mask, "
                               f"not a {info.type_name}")


    w, b, x, _ = problem(rng, device)
    new_mask = 1.0 - reference_mask(w, 0.5)  # another mask: the forward must read the buffer as it is now
    got = learner.probe("prune_swap_mask", w, b, 0.5, x, new_mask)
    expect_close(got, x @ (w * new_mask).T + b, rtol=1e-12, atol=1e-12,
                 what="the output after module.weight_mask was replaced by another mask (each forward recomputes "
                      "weight_orig * module.weight_mask from the buffer, not from a mask kept elsewhere)")


def compare_training(learner, got, want, what, hint="the forward must use the freshly masked weight"):
    first, outs, grads, orig = want
    if not isinstance(got.get("grads"), list) or len(got["grads"]) != len(grads):
        raise CheckFailure(f"{what}: the training steps could not be recorded", f"received {summarize(got.get('grads'))}")
    for k, (g, w) in enumerate(zip(got["grads"], grads)):
        if g is None:
            raise CheckFailure(f"{what}: weight_orig received no gradient at step {k + 1}: module.weight must be "
                               "computed from weight_orig (weight_orig * weight_mask) before every forward, so that "
                               "the loss reaches weight_orig")
        expect_close(g, w, rtol=1e-10, atol=1e-12,
                     what=f"{what}: weight_orig's gradient at step {k + 1} (0 at pruned entries)")
        expect_close(got["outs"][k], outs[k], rtol=1e-10, atol=1e-12,
                     what=f"{what}: the output after step {k + 1} ({hint})")
    expect_close(got.get("orig_after_training"), orig, rtol=1e-10, atol=1e-12,
                 what=f"{what}: weight_orig after the last step (pruned entries keep their original values, which "
                      "their zero gradient never moves; the others train)")


def test_pruned_entries_stay_zero_while_training(learner, device, rng):
    """Through 5 SGD steps (momentum 0.9) the pruned entries stay exactly 0 (their gradient is 0) while the others
    train, and every forward (in training mode, and in eval mode after a step) uses weight_orig * weight_mask as it is
    now: outputs, gradients and weight_orig (whose pruned entries keep their original values) match torch's."""
    w, b, x, y = problem(rng, device)
    got = learner.probe("prune_and_train", w, b, 0.5, x, y, 5, 0.1)
    expect_pruned_names(got, "after prune_linear(module, 0.5)")
    compare_training(learner, got, reference_training(w, b, 0.5, x, y, 5, 0.1), "training after pruning")
    # the forward after each step in eval mode: the weight is recomputed before every forward, in either mode
    w, b, x, y = problem(rng, device)
    got = learner.probe("prune_and_train", w, b, 0.5, x, y, 3, 0.1, eval_after_step=True)
    compare_training(learner, got, reference_training(w, b, 0.5, x, y, 3, 0.1),
                     "training after pruning, each step's output taken in eval mode",
                     hint="module.weight is recomputed before every forward, in eval mode too")


def test_optimizer_built_before_pruning_keeps_training(learner, device, rng):
    """weight_orig is the module's original Parameter (not a copy): an optimizer built before prune_linear still
    trains the pruned layer."""
    w, b, x, y = problem(rng, device)
    got = learner.probe("prune_and_train", w, b, 0.3, x, y, 4, 0.1, optimizer_first=True)
    expect_pruned_names(got, "after prune_linear(module, 0.3)")
    compare_training(learner, got, reference_training(w, b, 0.3, x, y, 4, 0.1),
                     "training with an optimizer built before pruning",
                     hint="weight_orig must be the module's original Parameter, the one that optimizer updates")


def test_remove_pruning_makes_it_permanent(learner, device, rng):
    """remove_pruning folds the mask into a plain weight Parameter and removes weight_orig, weight_mask and the hook;
    the layer then trains like any Linear (pruned entries may move again). Another Linear, pruned after it and still
    pruned, keeps its own hook: removing the first one's pruning leaves the second one's alone."""
    w, b, x, y = problem(rng, device, n=6)
    got = learner.probe("prune_then_remove", w, b, 0.3, x, y, 0.1, second=True)
    if got.get("params") != ["bias", "weight"] or got.get("buffers") != []:
        raise CheckFailure("after remove_pruning the Linear should have exactly the parameters weight and bias and "
                           "no buffers", f"received parameters {summarize(got.get('params'))}, buffers "
                                         f"{summarize(got.get('buffers'))}")
    if got.get("hooks") != 0:
        raise CheckFailure("after remove_pruning the Linear must hold no forward hook: remove the one prune_linear "
                           "registered (keep its handle and call handle.remove()), rather than leaving it registered "
                           "and idle", f"the module still holds {summarize(got.get('hooks'))} forward (pre-)hook(s)")
    masked = w * reference_mask(w, 0.3)
    expect_close(got.get("weight"), masked, rtol=0, atol=0,
                 what="the permanent weight (it must hold weight_orig * weight_mask: the kept entries' values, the "
                      "pruned ones 0)")
    expect_close(got.get("out_after_doubling"), x @ (2 * masked).T + b, rtol=1e-12, atol=1e-12,
                 what="the output after doubling the weight in place (no hook may recompute it)")
    ref = torch.nn.Linear(5, 4).to(device, torch.float64)
    with torch.no_grad():
        ref.weight.copy_(masked)
        ref.bias.copy_(b)
    opt = torch.optim.SGD(ref.parameters(), lr=0.1)
    F.mse_loss(ref(x), y).backward()
    opt.step()
    expect_close(got.get("out_after_step"), ref(x).detach(), rtol=1e-10, atol=1e-12,
                 what="the output after one SGD step on the permanent layer (it trains like any Linear)")
    expect_close(got.get("second_out_after_doubling_orig"), x @ (2 * masked).T + b, rtol=1e-12, atol=1e-12,
                 what="the output of a second Linear, pruned after the first and still pruned when the first one's "
                      "pruning is removed, after doubling its weight_orig in place (its own hook must still recompute "
                      "its weight: remove_pruning removes only that module's hook)")
    # at the end of a training loop: an optimizer step moved weight_orig after the last forward, so module.weight (as
    # that forward left it) is out of date; the permanent weight holds weight_orig * weight_mask as they are now
    got = learner.probe("prune_then_remove", w, b, 0.3, x, y, 0.1, trained=True)
    trained = reference_training(w, b, 0.3, x, y, 1, 0.1)[3] * reference_mask(w, 0.3)
    expect_close(got.get("weight"), trained, rtol=1e-12, atol=1e-12,
                 what="the permanent weight after one SGD step on the pruned layer and no forward since (it must be "
                      "weight_orig * weight_mask as they are when remove_pruning runs, not module.weight as the last "
                      "forward computed it)")


def reference_global(tensors, amount):
    flat = torch.cat([t.abs().flatten() for t in tensors])
    keep = reference_mask(flat, amount)
    return [m.reshape(t.shape) for m, t in zip(keep.split([t.numel() for t in tensors]), tensors)]


def test_global_masks_match_torch(learner, device, rng):
    """global_l1_masks prunes the smallest entries across all tensors together (prune.global_unstructured with
    L1Unstructured): tensors of different sizes and scales, fractions and counts, ties in list order then row-major
    order (the int 1 prunes one entry, the float 1.0 all); k = round(amount * total) over all the entries together
    (not a sum of per-tensor rounded counts; Python's round, 2.5 -> 2); float64 magnitudes closer than float32's
    precision still told apart; one mask per tensor, each of its tensor's shape and dtype; the tensors are left
    alone."""
    scales = [float(torch.rand((), generator=rng) * 3 + 0.1) for _ in range(3)]
    tensors = [(adversarial(rng, shape) * c).to(device) for shape, c in zip(((4, 6), (5, 4), (3, 5)), scales)]
    tied = [with_ties(rng, (3, 4), device), with_ties(rng, (5,), device), with_ties(rng, (2, 2, 3), device)]
    # k = round(amount * total), never a sum of per-tensor counts: sizes 3 + 2 at 0.5 give round(2.5) = 2 (per tensor
    # 2 + 1 = 3, and rounding half up gives 3); sizes 6 + 6 + 6 at 0.4 give round(7.2) = 7 (per tensor 2 + 2 + 2)
    odd = [(adversarial(rng, shape) * c).to(device) for shape, c in zip(((3,), (2,)), scales)]
    sixes = [(adversarial(rng, shape) * c).to(device) for shape, c in zip(((6,), (2, 3), (3, 2)), scales)]
    near = near_ties(rng, [(3, 4), (4,), (2, 2, 3)], device)  # 28 entries: 0.25 and 13 are odd counts
    cases = ((tensors, 0.45), (tensors, 17), (tied, 0.5), (tied, 9), (tensors, 1), (tensors, 1.0), (odd, 0.5),
             (sixes, 0.4), (near, 0.25), (near, 13))
    for ts, amount in cases:
        want = reference_global(ts, amount)
        got = learner.probe("global_masks", ts, amount)
        sizes = [tuple(t.shape) for t in ts]
        masks = expect_tensors(got.get("masks") if isinstance(got, dict) else got, len(ts),
                               what=f"global_l1_masks(..., {amount!r}) for tensors of shapes {sizes}")
        for i, (g, w) in enumerate(zip(masks, want)):
            expect_close(g, w, rtol=0, atol=0, what=f"the global mask of tensor {i} (amount {amount!r}, tensors of "
                         f"shapes {sizes}; k is round(amount * total), and |w| is compared in the tensors' own dtype)")
        for i, (a, t) in enumerate(zip(got.get("tensors_after", []), ts)):
            expect_close(a, t, rtol=0, atol=0, what=f"tensor {i} after global_l1_masks (it must not change)")
