"""Hidden graders for fix-transformer-classifier: copied weights, padding invariance, a toy task.

References are computed here, in the judge, with torch's own layers. Padding ids other than 0, batch sizes from 1,
unequal lengths and a max_len other than the default are all used.
"""

import warnings

import torch
import torch.nn as nn

from grader.judge.checks import CheckFailure, expect_close, expect_tensor, load_sibling

P = load_sibling(__file__)

V = 20
# vocab, embedding, feed-forward width, classes, heads, layers[, pad_idx, max_len]
CONFIGS = ([V, 8, 16, 3, 2, 2], [V, 8, 12, 4, 4, 1, 3, 16], [V, 6, 10, 2, 1, 2, 19, 30])


class Reference(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, output_dim, nhead=2, num_layers=1, pad_idx=0,
                 max_len=64):
        super().__init__()
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.position = nn.Embedding(max_len, embedding_dim)
        layer = nn.TransformerEncoderLayer(embedding_dim, nhead, dim_feedforward=hidden_dim, dropout=0.0,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
        self.fc = nn.Linear(embedding_dim, output_dim)

    def forward(self, x, count_real=False):
        """count_real: the position of a token is the number of real tokens before it, not its column (the same
        for trailing padding; a reading the task leaves open for padding before a real token)."""
        pad = x == self.pad_idx
        pos = ((~pad).long().cumsum(1) - 1).clamp_min(0) if count_real else torch.arange(x.shape[1], device=x.device)
        h = self.encoder(self.embedding(x) + self.position(pos), src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).to(h.dtype)
        return self.fc((h * keep).sum(1) / keep.sum(1))


def build_reference(args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Reference(*args)


def reference(args, rng, device):
    model = build_reference(args).to(device, torch.float64).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=rng, dtype=torch.float64) * 0.3)
    return model, {k: v.detach().clone() for k, v in model.state_dict().items()}


def pad_of(args):
    return args[6] if len(args) > 6 else 0


def padded(rng, device, pad, n=5, T=9):
    """n sentences of 1..T real tokens (the first one full), any id but pad (0 included when pad != 0), then pad."""
    lengths = torch.randint(1, T + 1, (n,), generator=rng)
    lengths[0] = T
    if n > 1:
        lengths[1] = 1  # a one-token sentence: its mean is that token's output
    x = torch.randint(0, V - 1, (n, T), generator=rng)
    x = x + (x >= pad).long()  # every id except pad
    x[torch.arange(T)[None] >= lengths[:, None]] = pad
    return x.to(device)


def scattered(rng, device, pad, n=5, T=9):
    """n sentences with padding anywhere: the first padded on the left, the second with a pad between real tokens
    and one at the end, the others at random places (each keeps at least one real token)."""
    x = torch.randint(0, V - 1, (n, T), generator=rng)
    x = x + (x >= pad).long()  # every id except pad
    holes = torch.rand(n, T, generator=rng) < 0.4
    holes[0] = torch.arange(T) < 2
    holes[1] = (torch.arange(T) == 2) | (torch.arange(T) == T - 1)
    keep = torch.randint(0, T, (n,), generator=rng)
    holes[torch.arange(n), keep] &= torch.arange(n) < 2  # rows 2.. keep one real token at a random place
    x[holes] = pad
    return x.to(device)


def logits(learner, args, weights, x, what, train=False):
    got = learner.probe("forward", args, weights, x, train)
    return expect_tensor(got, what=what, shape=(x.shape[0], args[3]), dtype=torch.float64)


def test_layers_and_names(learner):
    """The layers are embedding (with padding_idx=pad_idx: its pad row starts at zero), position, encoder (a
    TransformerEncoder) and fc, with exactly the reference's parameter names, shapes and dtypes, for pad_idx and
    max_len other than the defaults too."""
    for args in CONFIGS:
        want = [[k, list(v.shape), v.dtype] for k, v in build_reference(args).state_dict().items()]
        got = learner.probe("state", args)
        # keyed by name: the task names the layers, not the order they are registered in; a buffer of the learner's
        # own (a version tag, a cached mask) is not fixed by the task, and is left out
        entries = got.get("shapes") if isinstance(got, dict) else None
        named = [g for g in entries if isinstance(g, list) and g and isinstance(g[0], str)] \
            if isinstance(entries, list) else []
        own = set(got.get("buffers") or []) - {w[0] for w in want} if isinstance(got, dict) else set()
        by_name = {g[0]: g for g in named if g[0] not in own}
        if not isinstance(entries, list) or len(named) != len(entries) or len({g[0] for g in named}) != len(named) \
                or sorted(by_name) != sorted(w[0] for w in want):
            raise CheckFailure(f"the state_dict keys of TextClassifier{tuple(args)} differ from embedding / position / "
                               "encoder (TransformerEncoder) / fc")
        for w in want:
            if by_name[w[0]] != w:
                raise CheckFailure(f"the parameter {w[0]} of TextClassifier{tuple(args)} has the wrong shape or dtype")
        row = expect_tensor(got.get("pad_row"), what="embedding.weight[pad_idx]", shape=(args[1],), finite=False)
        if not bool((row == 0).all()):
            raise CheckFailure(f"a fresh TextClassifier{tuple(args)}'s embedding row pad_idx = {pad_of(args)} should be "
                               "zero: build the embedding with padding_idx=pad_idx")
        # the settings no state_dict shows, read from the reference built here with the same helper
        want_cfg, got_cfg = P.encoder_config(build_reference(args)), got.get("config")
        if not isinstance(got_cfg, dict) or got_cfg.get("enable_nested_tensor") is None or \
                bool(got_cfg.get("enable_nested_tensor")):
            raise CheckFailure(f"the encoder of TextClassifier{tuple(args)} must be built with "
                               "enable_nested_tensor=False, as the task states",
                               f"received enable_nested_tensor = "
                               f"{got_cfg.get('enable_nested_tensor') if isinstance(got_cfg, dict) else None!r}")
        if got_cfg.get("layers") != want_cfg["layers"]:
            raise CheckFailure(f"the encoder layers of TextClassifier{tuple(args)} differ from "
                               "nn.TransformerEncoderLayer(embedding_dim, nhead, dim_feedforward=hidden_dim, "
                               "dropout=0.0, batch_first=True) (heads, batch_first, norm_first or dropout)",
                               f"expected per layer {want_cfg['layers'][:1]}, received {str(got_cfg.get('layers'))[:300]}")


def test_logits_with_copied_weights(learner, device, rng):
    """With copied weights the logits equal the reference: positions, padding mask at pad_idx, masked mean, fc; for
    pad_idx 0, 3 and 19, batches of 1 to 5 sentences of unequal lengths (a one-token sentence included), in eval mode
    and in training mode (dropout 0); also with padding anywhere (on the left, between real tokens: pad_idx marks
    padding wherever it stands; a position may be the column or the count of real tokens before it, which the task
    leaves open), a vocabulary of 300 ids (an id equal to pad_idx + 256 is a real token), and the caller's x is left
    as it was."""
    for args, n, T in zip(CONFIGS, (5, 1, 4), (9, 6, 12)):
        model, weights = reference(args, rng, device)
        x = padded(rng, device, pad_of(args), n, T)
        with torch.no_grad():
            want = model(x)
        expect_close(logits(learner, args, weights, x, "the logits"), want, rtol=1e-8, atol=1e-10,
                     what=f"the logits with copied weights (pad_idx {pad_of(args)}, batch of {n})")
    # a vocabulary past 256 ids: id pad_idx + 256 is a real token (ids are compared whole, not in a narrower dtype)
    args = [300, 8, 12, 3, 2, 1, 3, 16]
    model, weights = reference(args, rng, device)
    x = padded(rng, device, 0, 4, 7)
    x = torch.where(x == 0, torch.full_like(x, 3), x * 14 % 299 + 1)  # ids up to 299, pad 3 where 0 was
    x[:, 0] = 259  # 3 + 256: a real token
    x[0, 1] = 299
    with torch.no_grad():
        want = model(x)
    expect_close(logits(learner, args, weights, x, "the logits"), want, rtol=1e-8, atol=1e-10,
                 what="the logits with copied weights for a vocabulary of 300 ids (pad_idx 3; id 259 = 3 + 256 is a "
                      "real token: compare the ids themselves with pad_idx)")
    # pad_idx marks padding wherever it stands (on the left, between real tokens), and forward leaves the caller's
    # ids as they were
    for args, n, T in zip(CONFIGS, (5, 3, 4), (8, 6, 10)):
        model, weights = reference(args, rng, device)
        x = scattered(rng, device, pad_of(args), n, T)
        got = learner.probe("forward_and_ids", args, weights, x)
        if not isinstance(got, dict):
            raise CheckFailure("forward(x) could not be run on a padded batch")
        out = expect_tensor(got.get("logits"), what="the logits", shape=(n, args[3]), dtype=torch.float64)
        with torch.no_grad():
            wants = [model(x), model(x, count_real=True)]
        if not any(torch.allclose(out, want, rtol=1e-8, atol=1e-10) for want in wants):
            raise CheckFailure(f"the logits with copied weights when pad_idx ({pad_of(args)}) stands anywhere in a "
                               "sentence (on the left, between real tokens): the mask is x == pad_idx wherever it is, "
                               "not a count of the real tokens from the start")
        after = expect_tensor(got.get("x_after"), what="the caller's x after forward(x)", shape=tuple(x.shape),
                              dtype=x.dtype)
        if not torch.equal(after, x):
            raise CheckFailure("forward(x) changed the caller's ids x: compute the mask and the embeddings from x "
                               "without writing into it")
    # in training mode too: dropout=0.0, so the same logits, and the same again on a second call
    args = CONFIGS[0]
    model, weights = reference(args, rng, device)
    x = padded(rng, device, 0, 4, 8)
    with torch.no_grad():
        want = model(x)
    for call in ("a first", "a second"):
        expect_close(logits(learner, args, weights, x, "the logits", train=True), want, rtol=1e-8, atol=1e-10,
                     what=f"the logits in training mode, {call} call (dropout=0.0)")


def test_gradients_reach_every_parameter(learner, device, rng):
    """One backward through forward(x) with copied weights, grad mode on, in training mode: every parameter (the
    position table, the encoder, fc, the embedding with its pad row left at zero) gets the reference's gradient.
    Values alone do not show a position embedding added through .detach() or .data, or an embedding without
    padding_idx; the train loop learns through these gradients. In eval mode the same forward, with grad mode on and
    no block around it, must leave grad mode on (a forward that switches it off in eval mode)."""
    for args, train in ((CONFIGS[0], True), (CONFIGS[1], False), (CONFIGS[2], True)):
        model, weights = reference(args, rng, device)
        n, T = 4, 7
        x = padded(rng, device, pad_of(args), n, T)
        grad_out = torch.randn(n, args[3], generator=rng, dtype=torch.float64).to(device)
        got = learner.probe("gradients", args, weights, x, grad_out, train)
        mode = "training" if train else "eval"
        if not isinstance(got, dict) or not isinstance(got.get("grads"), dict):
            raise CheckFailure(f"forward(x) with grad mode on could not be run ({mode} mode)")
        if not train:  # the task does not say gradients flow in eval mode: only that the call leaves grad mode as it
            continue   # found it, which the watch on every probe checks (torch.set_grad_enabled(self.training) fails)
        model.train(train)
        params = dict(model.named_parameters())
        wants = torch.autograd.grad(model(x), list(params.values()), grad_out, allow_unused=True)
        grads = got["grads"]
        for (name, _), want in zip(params.items(), wants):
            g = grads.get(name)
            what = (f"the gradient of {name} after one backward of forward(x) ({mode} mode, pad_idx {pad_of(args)}, "
                    "copied weights)")
            if want is None:
                continue
            if g is None:
                raise CheckFailure(f"{what} is missing: backward never reaches {name}. The logits must depend on every "
                                   "layer through the graph: no .detach(), .data or torch.no_grad() inside forward, and "
                                   "grad mode left as the caller set it")
            expect_close(g, want, rtol=1e-8, atol=1e-10, what=what)


def test_padding_changes_nothing(learner, device, rng):
    """Appending padding tokens (pad_idx, whatever its value) leaves every sentence's logits unchanged."""
    for args in (CONFIGS[0], CONFIGS[1]):
        pad = pad_of(args)
        _, weights = reference(args, rng, device)
        x = padded(rng, device, pad, 5, 7)
        longer = torch.cat([x, torch.full((5, 6), pad, dtype=x.dtype, device=device)], dim=1)
        expect_close(logits(learner, args, weights, longer, "the logits"),
                     logits(learner, args, weights, x, "the logits"), rtol=1e-9, atol=1e-10,
                     what=f"the logits after appending 6 padding tokens (pad_idx {pad})")


def test_word_order_reaches_the_model(learner, device, rng):
    """Positions are encoded: swapping two different tokens of a sentence changes its logits."""
    _, weights = reference(CONFIGS[0], rng, device)
    x = torch.tensor([[3, 5, 8, 11, 2, 0, 0]], device=device)
    swapped = torch.tensor([[5, 3, 8, 11, 2, 0, 0]], device=device)
    a = logits(learner, CONFIGS[0], weights, x, "the logits")
    b = logits(learner, CONFIGS[0], weights, swapped, "the logits")
    if torch.allclose(a, b):
        raise CheckFailure("the logits do not depend on word order: add position embeddings")


def test_learns_whether_a_sentence_contains_token_7(learner, device, rng):
    """Trained with the given loop, it tells sentences that contain token 7 from those that do not (95%)."""
    def data(n):
        x = padded(rng, device, 0, n, 12)
        return x, (x == 7).any(1).long()

    (x, y), (xt, yt) = data(256), data(256)
    got = learner.probe("learn", [20, 16, 32, 2], x, y, xt, 100, int(torch.randint(0, 1000, (), generator=rng)))
    got = expect_tensor(got, what="the predictions", shape=(256,), device=device)
    if not (got == yt).double().mean() >= 0.95:
        raise CheckFailure("after 100 steps the classifier should reach 95% test accuracy")
