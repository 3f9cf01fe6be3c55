"""Hidden graders for packed-seq-tagger: random weights, padded batches and a context-dependent tagging task.

References are computed here, in the judge. Batches have unequal, unsorted lengths (a fixed unsorted case is always
present), sizes from 1, padding ids other than 0, and junk after each length that must never be read.
"""

import contextlib
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from grader.judge.checks import CheckFailure, expect_close, expect_tensor
from grader.judge import kit
from grader.judge.kit import expect_float
from grader.judge.session import LearnerError

V, E, H, C = 12, 5, 6, 4


class Reference(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_dim, num_tags, cell="lstm", bidirectional=False, pad_idx=0):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_idx)
        self.rnn = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell](emb_dim, hidden_dim, batch_first=True,
                                                                         bidirectional=bidirectional)
        self.fc = nn.Linear(hidden_dim * (2 if bidirectional else 1), num_tags)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.emb(tokens), lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = pad_packed_sequence(self.rnn(packed)[0], batch_first=True, total_length=tokens.shape[1])
        return self.fc(out)


def reference(args, rng, device):
    model = Reference(*args).to(device, torch.float64)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=rng, dtype=torch.float64) * 0.5)
    return model, {k: v.detach().clone() for k, v in model.state_dict().items()}


def padded_batch(rng, device, n=5, T=9, low=1, longest=None, pad=None):
    """n sentences, lengths in [low, longest or T], never sorted (sentence 1 is the shortest, the last the longest).
    After each length: junk ids (or `pad`), which must never be read."""
    top = longest or T
    lengths = torch.randint(low, top + 1, (n,), generator=rng)
    if n >= 3:
        lengths[0], lengths[1], lengths[-1] = top, low, top
    else:
        lengths[0] = top
    tokens = torch.randint(0, V, (n, T), generator=rng)  # 0 is a real token unless pad is 0
    if pad is not None:
        tokens[~real(lengths, T)] = pad
    return tokens.to(device), lengths.to(device)


def real(lengths, T):
    return torch.arange(T, device=lengths.device)[None] < lengths[:, None]


def expect_trained_state(got, model, after):
    """Every parameter of the learner's trained model (the probe's "state") equals the judge's replay, `model`."""
    state = got["state"] if isinstance(got.get("state"), dict) else {}
    for name, p in model.state_dict().items():
        if name not in state:
            raise CheckFailure(f"the trained model has no parameter {name}")
        expect_close(state[name], p.detach(), rtol=1e-8, atol=1e-10, what=f"{name} {after}")


def test_logits_with_copied_weights(learner, device, rng):
    """With copied weights (emb, rnn, fc kept as given), the logits of every real token equal the packed reference:
    RNN, GRU and LSTM, bidirectional or not, batches of 1 to 7 with unsorted lengths, pad_idx 0 or not (a
    bidirectional batch of one padded sentence included); and one tagger called on two batches in a row whose lengths
    differ (nothing kept from the first forward)."""
    cases = (("rnn", False, 5, 0), ("gru", False, 1, 0), ("lstm", False, 7, 3), ("gru", True, 2, 11),
             ("lstm", True, 6, 0), ("lstm", True, 1, 0))
    for cell, bi, n, pad in cases:
        args = [V, E, H, C, cell, bi, pad]
        model, weights = reference(args, rng, device)
        # in the last two cases no sentence fills the batch: the logits must still cover all T positions (and a batch
        # of one sentence, bidirectional, still has padding after it that must not be read)
        tokens, lengths = padded_batch(rng, device, n=n, longest=7 if bi and cell == "lstm" else None,
                                       pad=pad if pad else None)
        with torch.no_grad():
            want = model(tokens, lengths)
        what = f"the logits ({cell}, bidirectional={bi}, a batch of {n}, pad_idx {pad})"
        got = expect_tensor(learner.probe("forward", args, weights, tokens, lengths), shape=tuple(want.shape),
                            dtype=torch.float64, device=device, what=what, finite=False)
        mask = real(lengths, tokens.shape[1])
        expect_close(got[mask], want[mask], rtol=1e-9, atol=1e-12, what=f"{what} at the real tokens")
    # one tagger, two batches of the same size in a row whose lengths differ (sentence 1: 1 token, then 2): lengths
    # (or a packing) kept from the first forward and reused for the second shows in the second batch's logits
    args = [V, E, H, C, "lstm", True, 0]
    model, weights = reference(args, rng, device)
    first, second = padded_batch(rng, device, n=4, low=1), padded_batch(rng, device, n=4, low=2)
    got = learner.probe("forward_twice", args, weights, first, second)
    if not isinstance(got, list) or len(got) != 2:
        raise CheckFailure("forward could not be run twice on one tagger")
    with torch.no_grad():
        want = model(*second)
    what = "the logits of a second batch (lstm, bidirectional, 4 sentences) on the same tagger, with other lengths "\
           "than the first batch: pack each batch with its own lengths, keep nothing from an earlier forward"
    got = expect_tensor(got[1], shape=tuple(want.shape), dtype=torch.float64, device=device, what=what, finite=False)
    mask = real(second[1], second[0].shape[1])
    expect_close(got[mask], want[mask], rtol=1e-9, atol=1e-12, what=f"{what} (at the real tokens)")


def test_padding_does_not_leak(learner, device, rng):
    """A sentence tagged inside a padded batch gets the same logits as when it is tagged alone (bidirectional too),
    with lengths on the CPU or on the tokens' device (also lengths on torch's meta device, which stands for a GPU:
    they must be moved to the CPU for pack_padded_sequence)."""
    for cell in ("lstm", "gru"):
        args = [V, E, H, C, cell, True]
        _, weights = reference(args, rng, device)
        tokens, lengths = padded_batch(rng, device, n=5, low=2)
        batch = expect_tensor(learner.probe("forward", args, weights, tokens, lengths.cpu()), shape=(5, 9, C),
                              dtype=torch.float64, what="the logits of a padded batch", finite=False)
        for b in range(1, 4):
            n = int(lengths[b])
            alone = learner.probe("forward", args, weights, tokens[b:b + 1, :n], lengths[b:b + 1])
            expect_tensor(alone, shape=(1, n, C), dtype=torch.float64, what=f"the logits of a {n}-token sentence alone")
            expect_close(batch[b, :n], alone[0], rtol=1e-9, atol=1e-12,
                         what=f"the logits of a {n}-token sentence in a padded batch against alone ({cell})")
    # lengths on another device, without a GPU (kit.on_meta): on torch's meta device (no data) moving the lengths to
    # the CPU cannot run ("Cannot copy out of meta tensor"), so a right forward stops there and says nothing; code that
    # hands pack_padded_sequence lengths on the tokens' device is refused by it, and shows
    tokens, lengths = padded_batch(rng, device, n=3, low=2)
    kit.on_meta(lambda: learner.probe("forward_on_meta", [V, E, H, C, "gru", False], tokens, lengths),
                what="with tokens and lengths on a GPU (torch's 'meta' device stands for one here), your forward",
                fix="pack_padded_sequence takes its lengths on the CPU, whatever device they arrive on (lengths.cpu())",
                refused=lambda message: "should be a 1D CPU int64 tensor" in message)


def padded_tags(rng, device, B, T, lengths, dtype=torch.float64):
    logits = (torch.randn(B, T, C, generator=rng, dtype=torch.float64) * 2).to(device, dtype)
    tags = torch.randint(0, C, (B, T), generator=rng).to(device)
    tags[~real(torch.tensor(lengths, device=device), T)] = -100
    return logits, tags


def test_tagging_loss_ignores_padding(learner, device, rng):
    """tagging_loss is the mean cross-entropy over tags != -100 (a 0-d tensor in the logits' dtype), for float64 and
    float32, batches of unequal lengths (a one-sentence batch included), non-contiguous logits and tags (a
    transposed (T, B, C) output) included."""
    fn = learner.function("tagging_loss")
    for B, T, lengths, dtype, strided in ((4, 7, [7, 3, 5, 1], torch.float64, False), (1, 5, [2], torch.float64, False),
                                          (3, 6, [6, 1, 4], torch.float32, False),
                                          (4, 6, [6, 2, 5, 3], torch.float64, True)):
        logits, tags = padded_tags(rng, device, B, T, lengths, dtype)
        want = F.cross_entropy(logits.reshape(-1, C), tags.reshape(-1), ignore_index=-100)
        what = f"tagging_loss on a padded batch of {B} ({str(dtype)[6:]})"
        if strided:
            what += (" given non-contiguous logits and tags (a (T, B, C) output transposed to (B, T, C)): flatten "
                     "with reshape or flatten, which accept any layout, not view")
        try:
            if strided:  # the same values, viewed in the worker as the transpose of (T, B, ...) tensors
                got = learner.probe("loss_transposed", logits.transpose(0, 1).contiguous(), tags.t().contiguous())
            else:
                got = learner.call("tagging_loss", logits, tags)
        except LearnerError as e:
            if not strided or e.type == "BannedCallError":
                raise
            raise CheckFailure(f"{what}: your code raised {e.summary()}") from None
        expect_close(got, want, rtol=1e-10 if dtype == torch.float64 else 1e-5, atol=1e-12 if dtype == torch.float64
                     else 1e-6, what=what)
    logits, tags = padded_tags(rng, device, 4, 7, [7, 3, 5, 1])
    leaf = logits.clone().requires_grad_()
    (grad,) = torch.autograd.grad(fn(leaf, tags), leaf)
    leaf2 = logits.clone().requires_grad_()
    (want,) = torch.autograd.grad(F.cross_entropy(leaf2.reshape(-1, C), tags.reshape(-1), ignore_index=-100), leaf2)
    pad = tags == -100
    if not bool((grad[pad] == 0).all()):
        raise CheckFailure("the gradient of tagging_loss must be exactly zero at padded positions (tag -100)")
    expect_close(grad, want, rtol=1e-9, atol=1e-12, what="the gradient of tagging_loss at the real tokens")


def test_token_accuracy(learner, device, rng):
    """token_accuracy is correct real tokens / real tokens as a Python float (never above 1, unlike the seed's), also
    for a second batch of the first one's shape with other padding (nothing kept between calls); the
    one-sentence batch comes from a caller inside torch.no_grad() (as an evaluation loop calls it), which must find
    grad mode still off afterwards (no torch.set_grad_enabled(True) left behind)."""
    seen = {}
    for B, T in ((6, 8), (1, 5), (3, 4)):
        logits = torch.randn(B, T, C, generator=rng, dtype=torch.float64).to(device)
        tags = torch.randint(0, C, (B, T), generator=rng).to(device)
        tags[real(torch.randint(0, T + 1, (B,), generator=rng).to(device), T).logical_not()] = -100
        tags[0, 0] = int(logits[0, 0].argmax())  # at least one real token, and one correct one
        tags[-1, -1] = -100  # at least one padded token
        keep = tags != -100
        want = ((logits.argmax(-1) == tags) & keep).sum().item() / keep.sum().item()
        with learner.ambient(grad=False) if B == 1 else contextlib.nullcontext():
            got = expect_float(learner.call("token_accuracy", logits, tags), what="token_accuracy")
        seen[(B, T)] = keep
        if abs(got - want) > 1e-6:  # a float32 ratio rounds in the 8th digit: fine
            raise CheckFailure(f"token_accuracy has the wrong value for a batch of {B}: it must count correct "
                               "predictions at the real tokens (tags != -100) and divide by the number of real tokens")
    # a second batch of the first call's shape with other padding: a mask (or a count) kept from an earlier call,
    # keyed by the shape, gives another ratio; redrawn here until the stale mask's ratio differs from the right one
    B, T = 6, 8
    old = seen[(B, T)]
    for _ in range(100):
        logits = torch.randn(B, T, C, generator=rng, dtype=torch.float64).to(device)
        tags = torch.randint(0, C, (B, T), generator=rng).to(device)
        tags[real(torch.randint(1, T + 1, (B,), generator=rng).to(device), T).logical_not()] = -100
        keep = tags != -100
        correct = logits.argmax(-1) == tags
        want = (correct & keep).sum().item() / keep.sum().item()
        stale = (correct & old).sum().item() / max(old.sum().item(), 1)
        if abs(want - stale) > 1e-3:
            break
    got = expect_float(learner.call("token_accuracy", logits, tags), what="token_accuracy")
    if abs(got - want) > 1e-6:
        raise CheckFailure(f"token_accuracy has the wrong value for a second batch of shape ({B}, {T}) with other "
                           "padding than the first: find the real tokens from this call's tags (tags != -100), "
                           "keeping nothing from an earlier call")


def tagging_data(rng, n, device, T=10, pad=0):
    lengths = torch.randint(3, T + 1, (n,), generator=rng)
    tokens = torch.randint(1, 10, (n, T), generator=rng)
    tokens[~real(lengths, T)] = pad
    prev = torch.cat([torch.zeros(n, 1, dtype=torch.long), tokens[:, :-1]], 1)
    tags = (tokens + prev) % 5
    tags[~real(lengths, T)] = -100
    return tokens.to(device), lengths.to(device), tags.to(device)


def float_losses(got, steps):
    losses = got.get("losses") if isinstance(got, dict) else None
    if not isinstance(losses, list):
        raise CheckFailure("train_tagger must return a list of the losses")
    if len(losses) != steps:
        raise CheckFailure(f"train_tagger must return one loss per step ({steps} steps), it returned {len(losses)}")
    for i, v in enumerate(losses):
        expect_float(v, what=f"train_tagger's loss {i}")
    return losses


def test_learns_context_dependent_tags(learner, device, rng):
    """Tag = (token + previous token) % 5 needs the context: an LSTM tagger reaches 95% held-out token accuracy."""
    args = [10, 16, 32, 5, "lstm", False]
    torch.manual_seed(int(torch.randint(0, 1000, (), generator=rng)))
    weights = {k: v.to(device) for k, v in Reference(*args).state_dict().items()}
    data, test = tagging_data(rng, 200, device), tagging_data(rng, 200, device)
    got = learner.probe("train_and_score", args, weights, list(data), list(test[:2]), 80, 0.03)
    float_losses(got, 80)
    logits = expect_tensor(got["logits"], what="the trained tagger's logits", shape=(200, 10, 5), finite=False)
    pred, tags = logits.argmax(-1), test[2]
    keep = tags != -100
    if not ((pred == tags) & keep).sum().item() / keep.sum().item() >= 0.95:
        raise CheckFailure("after 80 Adam steps the held-out token accuracy should reach 95%")


def adam_losses(model, data, steps, lr, clip=None):
    """The losses of full-batch Adam on the tagging loss, replayed here; `clip(params)` runs between backward and
    step (for the clipping a learner might add, to make sure the case tells it apart)."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    want = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(data[0], data[1]).reshape(-1, 5), data[2].reshape(-1), ignore_index=-100)
        loss.backward()
        if clip is not None:
            clip(list(model.parameters()))
        opt.step()
        want.append(loss.item())
    return want


CLIPS = [lambda ps: nn.utils.clip_grad_norm_(ps, 1.0), lambda ps: nn.utils.clip_grad_norm_(ps, 5.0),
         lambda ps: nn.utils.clip_grad_value_(ps, 1.0), lambda ps: nn.utils.clip_grad_value_(ps, 0.1)]


def large_gradient_case(args, rng, device, steps, lr):
    """A model whose fc weights are 30 times larger, so the gradient norm stays far above 1 at every step, redrawn
    until gradient clipping (by norm at 1 or 5, by value at 1 or 0.1) changes some loss by over 1e-4 relative."""
    for _ in range(50):
        model, weights = reference(args, rng, device)
        with torch.no_grad():
            model.fc.weight.mul_(30)
        weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
        data = tagging_data(rng, 13, device, pad=2)
        want = adam_losses(model, data, steps, lr)
        separates = True
        for clip in CLIPS:
            other, _ = reference(args, torch.Generator().manual_seed(0), device)
            other.load_state_dict(weights)
            got = adam_losses(other, data, steps, lr, clip)
            separates &= max(abs(g - w) / abs(w) for g, w in zip(got, want)) > 1e-4
        if separates:
            return weights, data, want, model
    raise RuntimeError("no large-gradient case found")  # never happens: nearly every draw separates


def test_train_takes_full_batch_adam_steps(learner, device, rng):
    """train_tagger is one zero_grad / forward / tagging_loss / backward / Adam step per step, on the whole batch:
    the losses and the parameters after the last step equal a replay in the judge (a batch of 13, pad_idx 2); a second
    call on the same model, with another lr, is a fresh Adam run of its own. Then a model whose gradient norm is far
    above 1 at every step: the task's Adam steps take the gradient as it is (clipping it by norm or by value changes
    the steps there). Last, a model that arrives with gradients left in its .grad, which must not leak into the first
    step."""
    args = [10, 6, 8, 5, "gru", False, 2]
    model, weights = reference(args, rng, device)
    data = tagging_data(rng, 13, device, pad=2)
    got = learner.probe("train_and_score", args, weights, list(data), list(data[:2]), 6, 0.05, torch.float64)
    losses = float_losses(got, 6)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    want = []
    for _ in range(6):
        opt.zero_grad()
        loss = F.cross_entropy(model(data[0], data[1]).reshape(-1, 5), data[2].reshape(-1), ignore_index=-100)
        loss.backward()
        opt.step()
        want.append(loss.item())
    for i, (g, w) in enumerate(zip(losses, want)):
        if not math.isclose(g, w, rel_tol=1e-8, abs_tol=1e-10):
            raise CheckFailure(f"the loss of step {i} differs from full-batch Adam on tagging_loss"
                               + (" (the first step is already off: check the loss itself, on the whole batch)" if i == 0 else
                                  " (the earlier steps match: check zero_grad and what each step updates)"))
    expect_trained_state(got, model, "after the 6 steps (the last step must be applied too)")
    # called twice on the same model, with another lr the second time: each call is a fresh full-batch Adam run
    # (new moments, step count from 1, its own lr) starting from the weights the first call left
    model, weights = reference(args, rng, device)
    data = tagging_data(rng, 9, device, pad=2)
    got = learner.probe("train_twice", args, weights, list(data), 3, [0.05, 0.2])
    runs = got.get("losses") if isinstance(got, dict) else None
    if not isinstance(runs, list) or len(runs) != 2:
        raise CheckFailure("train_tagger called twice on one model must return the losses of each call")
    for k, lr in enumerate((0.05, 0.2)):
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        want = []
        for _ in range(3):
            opt.zero_grad()
            loss = F.cross_entropy(model(data[0], data[1]).reshape(-1, 5), data[2].reshape(-1), ignore_index=-100)
            loss.backward()
            opt.step()
            want.append(loss.item())
        losses = float_losses({"losses": runs[k]}, 3)
        for i, (g, w) in enumerate(zip(losses, want)):
            if not math.isclose(g, w, rel_tol=1e-8, abs_tol=1e-10):
                raise CheckFailure(f"the loss of step {i} of the {'second' if k else 'first'} call of train_tagger on "
                                   "the same model differs from a fresh full-batch Adam with that call's lr (build "
                                   "the optimizer in each call: no moments, step count or lr carried over)")
    expect_trained_state(got, model, "after two calls of train_tagger on the same model")
    # gradients far above 1: plain Adam steps, no clipping (the task's loop takes the gradient as backward leaves it)
    weights, data, want, model = large_gradient_case(args, rng, device, 6, 0.05)
    got = learner.probe("train_and_score", args, weights, list(data), list(data[:2]), 6, 0.05, torch.float64)
    losses = float_losses(got, 6)
    for i, (g, w) in enumerate(zip(losses, want)):
        if not math.isclose(g, w, rel_tol=1e-8, abs_tol=1e-10):
            raise CheckFailure(f"the loss of step {i} differs from full-batch Adam on tagging_loss for a model whose "
                               "gradient norm is far above 1 (Adam steps on the gradient as backward leaves it: no "
                               "clipping or rescaling)")
    expect_trained_state(got, model, "after the 6 steps on a model whose gradient norm is far above 1 (no clipping)")
    # a model that arrives with a drawn nonzero value in every parameter's .grad: the judge's replay starts with none
    model, weights = reference(args, rng, device)
    data = tagging_data(rng, 11, device, pad=2)
    stale = float(torch.empty(()).uniform_(0.5, 2.0, generator=rng)) * (1 if int(torch.randint(0, 2, (), generator=rng))
                                                                         else -1)
    got = learner.probe("train_and_score", args, weights, list(data), list(data[:2]), 4, 0.05, torch.float64, stale)
    losses = float_losses(got, 4)
    want = adam_losses(model, data, 4, 0.05)  # the judge's replay starts with no gradients at all
    for i, (g, w) in enumerate(zip(losses, want)):
        if not math.isclose(g, w, rel_tol=1e-8, abs_tol=1e-10):
            raise CheckFailure(f"the loss of step {i} differs from full-batch Adam on tagging_loss for a model that "
                               f"arrives with {stale:.3g} in every parameter's .grad (what .grad held before "
                               "train_tagger must not leak into the first step: zero the gradients before each "
                               "backward)")
    expect_trained_state(got, model, f"after 4 steps on a model that arrives with {stale:.3g} in every parameter's "
                         ".grad (it must not leak into the first step: zero the gradients before each backward, not "
                         "after the step)")
