"""Hidden graders for tensor-augmentation: random images of both signs (so zero padding shows), sizes that are odd,
unequal and larger than the image, other memory layouts, random access orders, and a fixed tie for the flip (p equal
to the number drawn); every reference is computed here, in the judge, drawing the same numbers."""

import torch
import torch.nn.functional as F

from grader.judge.checks import CheckFailure, expect_close, expect_tensor, summarize
from grader.judge.kit import adversarial


def ref_crop(img, size, padding, g):
    img = F.pad(img, (padding,) * 4)
    top = int(torch.randint(0, img.shape[-2] - size + 1, (1,), generator=g))
    left = int(torch.randint(0, img.shape[-1] - size + 1, (1,), generator=g))
    return img[..., top:top + size, left:left + size]


def ref_flip(img, p, g):
    return img.flip(-1) if float(torch.rand(1, generator=g)) < p else img


def image(rng, device, c=3, h=8, w=8, dtype=torch.float32):
    return adversarial(rng, (c, h, w)).to(device, dtype)


def seed_of(rng):
    return int(torch.randint(0, 10_000, (), generator=rng))


ONE_FLOAT32_ROUNDING = 2.0 ** -23  # relative: one unit in the last place of a float32 in [0.5, 1), more below


def test_to_tensor(learner, device, rng):
    """to_tensor turns (H, W, C) uint8 into float32 (C, H, W) in [0, 1] (0 and 255 included), for any size and
    channel count and any memory layout, leaving the image unchanged; compared with ToTensor's img.float() / 255 to
    one float32 rounding (multiplying by the float32 1 / 255 is one ulp off for about half the byte values: the same
    transform, not a mistake; scaling by 256 or rounding through float16 is hundreds of ulps off). Still float32 when
    the caller has made float64 torch's default dtype."""
    for shape, layout in (((5, 7, 3), "contiguous"), ((4, 4, 1), "contiguous"), ((1, 9, 4), "contiguous"),
                          ((6, 3, 3), "transposed"), ((3, 5, 2), "strided")):
        img = torch.randint(0, 256, shape, generator=rng, dtype=torch.uint8)
        img.view(-1)[:2] = torch.tensor([0, 255], dtype=torch.uint8)
        img = img.to(device)
        got = learner.probe("call", "to_tensor", img, layout=layout)
        expect_close(got.get("out"), img.permute(2, 0, 1).float() / 255, rtol=ONE_FLOAT32_ROUNDING, atol=0,
                     what=f"to_tensor on a {layout} uint8 image of shape {shape} (the (H, W, C) image permuted to "
                          "(C, H, W), as float32 divided by 255, as ToTensor does)")
        expect_close(got.get("input_after"), img, rtol=0, atol=0, what="the image after to_tensor (it must not change)")
    img = torch.randint(0, 256, (4, 6, 3), generator=rng, dtype=torch.uint8).to(device)
    got = learner.probe("call", "to_tensor", img, default_dtype=torch.float64)
    out = got.get("out") if isinstance(got, dict) else got
    if isinstance(out, torch.Tensor) and out.dtype != torch.float32:
        raise CheckFailure(f"to_tensor returned {out.dtype} when the caller's default dtype was float64: the task asks "
                           "for float32 whatever the default dtype is. Convert explicitly (.to(torch.float32) before "
                           "dividing); uint8 / 255 or torch.tensor(...) without a dtype follows the default dtype")
    expect_close(out, img.permute(2, 0, 1).float() / 255, rtol=ONE_FLOAT32_ROUNDING, atol=0,
                 what="to_tensor on a (4, 6, 3) uint8 image while torch's default dtype is float64")


def test_normalize(learner, device, rng):
    """normalize subtracts and divides per channel (lists, tuples or tensors of any dtype), on (C, H, W) and
    (N, C, H, W), any layout, also when H = W = C (where statistics broadcast over the width or the height give
    numbers instead of an error); the result keeps x's dtype (float64, float32 and bfloat16); x is left unchanged."""
    x = adversarial(rng, (2, 3, 4, 5)).to(device)
    mean = [float(v) for v in adversarial(rng, (3,))]
    std = [float(v) for v in torch.rand(3, generator=rng, dtype=torch.float64) + 0.1]
    m64 = torch.tensor(mean, dtype=torch.float64, device=device)[:, None, None]
    s64 = torch.tensor(std, dtype=torch.float64, device=device)[:, None, None]
    want = (x - m64) / s64
    square = adversarial(rng, (2, 3, 3, 3)).to(device)  # H = W = C = 3
    want_square = (square - m64) / s64
    cases = ((x, mean, std, want, "a float64 batch with list statistics", "contiguous"),
             (x[0], tuple(mean), tuple(std), want[0], "one float64 image with tuple statistics", "transposed"),
             (x, torch.tensor(mean, dtype=torch.float64), torch.tensor(std, dtype=torch.float64), want,
              "a float64 batch with float64 tensor statistics", "strided"),
             (square, mean, std, want_square, "a float64 batch of 3 x 3 images with 3 channels (mean[c] and std[c] "
              "apply to channel c, axis -3: reshape them to (C, 1, 1), not along the width or the height)",
              "contiguous"),
             (square[1], torch.tensor(mean, dtype=torch.float64), torch.tensor(std, dtype=torch.float64),
              want_square[1], "one float64 3 x 3 image with 3 channels and tensor statistics (statistics apply "
              "per channel, axis -3)", "transposed"))
    for xi, m, s, w, what, layout in cases:
        got = learner.probe("call", "normalize", xi, m, s, layout=layout)
        expect_close(got.get("out"), w, rtol=1e-12, atol=1e-12, what=f"normalize on {what} ({layout})")
        expect_close(got.get("input_after"), xi, rtol=0, atol=0, what="x after normalize (it must not change)")
    x32 = x[1].float()
    got = learner.probe("call", "normalize", x32, torch.tensor(mean, dtype=torch.float64),
                        torch.tensor(std, dtype=torch.float64))
    # float32 arithmetic rounds mean and x - mean: where x is close to the mean the error is eps * (|x| + |mean|)
    # / std, not eps * |result|, so the tolerance follows the inputs' size (a few ulps of it), not the output's.
    eps = torch.finfo(torch.float32).eps
    atol = 4 * eps * float(((x32.double().abs() + m64.abs()) / s64).max())
    expect_close(got.get("out"), ((x32.double() - m64) / s64).float(), rtol=2 * eps, atol=atol,
                 what="normalize on a float32 image with float64 tensor statistics (the result stays float32)")
    # any dtype, not only float32 and float64: a bfloat16 image with list statistics stays bfloat16 (a list turned
    # into a default-dtype tensor would promote it to float32); values to bfloat16's precision (8 significant bits)
    xb = x[0].to(torch.bfloat16)
    what = "normalize on a bfloat16 image with list statistics"
    got = learner.probe("call", "normalize", xb, mean, std).get("out")
    if isinstance(got, torch.Tensor) and got.dtype != torch.bfloat16:
        raise CheckFailure(f"{what}: the result has dtype {got.dtype}, expected torch.bfloat16 (x's dtype)",
                           "the result keeps x's dtype whatever it is, half precision included: make mean and std "
                           "tensors with dtype=x.dtype (torch.as_tensor(mean, dtype=x.dtype, device=x.device)), not "
                           "with a default dtype or a choice between float32 and float64")
    expect_tensor(got, what=what, shape=xb.shape, dtype=torch.bfloat16, device=xb.device)
    atol = 4 * 2.0 ** -8 * float(((xb.double().abs() + m64.abs()) / s64).max())
    expect_close(got.double(), (xb.double() - m64) / s64, rtol=2.0 ** -7, atol=atol, what=f"{what}, in float64")


def test_crop_follows_the_generator(learner, device, rng):
    """random_crop pads with zeros, then draws top and then left with torch.randint from the generator: square and
    unequal sides, odd sizes, a crop larger than the image, other memory layouts and dtypes, and images of shape
    (..., H, W) with no leading axis or two (one window for the whole batch, cut from the last two axes)."""
    cases = (((3, 8, 8), 8, 4, "contiguous", torch.float32), ((1, 9, 7), 5, 0, "contiguous", torch.float32),
             ((2, 6, 10), 6, 2, "transposed", torch.float64), ((3, 5, 5), 7, 2, "strided", torch.float32),
             ((2, 7, 4), 3, 1, "contiguous", torch.float16), ((9, 7), 5, 2, "contiguous", torch.float32),
             ((2, 3, 6, 5), 6, 1, "transposed", torch.float32))
    for shape, size, padding, layout, dtype in cases:
        img, seed = adversarial(rng, shape).to(device, dtype), seed_of(rng)
        got = learner.probe("crop", img, size, padding, seed, 5, layout=layout)
        if not isinstance(got, list) or len(got) != 5:
            raise CheckFailure("random_crop could not be called 5 times", f"received {summarize(got)}")
        g = torch.Generator().manual_seed(seed)
        for k, crop in enumerate(got):
            expect_close(crop, ref_crop(img, size, padding, g), rtol=0, atol=0,
                         what=f"crop {k + 1} of 5 (image {shape}, {layout}, size {size}, padding {padding})")


def test_crop_edge_cases(learner, device, rng):
    """padding 0 with the full size is the identity, and still draws top and left (one possible value each: the
    generator's state afterwards is compared, also when only the height or the width leaves no choice); crops have
    shape (C, size, size) and keep the dtype; the image is left unchanged."""
    img = image(rng, device)
    seed = seed_of(rng)
    got = learner.probe("crop", img, 8, 0, seed, 2, with_input=True)
    for k, same in enumerate(got.get("crops", [None, None]) if isinstance(got, dict) else [got]):
        expect_close(same, img, rtol=0, atol=0, what=f"random_crop(img, 8, 0) on an 8 x 8 image (call {k + 1})")
    g = torch.Generator().manual_seed(seed)
    for _ in range(2):
        ref_crop(img, 8, 0, g)
    expect_state(got.get("state"), g, "2 crops of the whole 8 x 8 image without padding", "draw top and then left "
                 "with torch.randint every call, even when only one window fits")
    for shape, size, padding in (((2, 6, 9), 8, 1), ((2, 9, 4), 6, 1)):  # no choice for top, then none for left
        pic = image(rng, device, *shape)
        got = learner.probe("crop", pic, size, padding, seed, 3, with_state=True)
        g = torch.Generator().manual_seed(seed)
        for k, crop in enumerate(got.get("crops", [None] * 3) if isinstance(got, dict) else [got]):
            expect_close(crop, ref_crop(pic, size, padding, g), rtol=0, atol=0,
                         what=f"crop {k + 1} of 3 (image {shape}, size {size}, padding {padding})")
        expect_state(got.get("state"), g, f"3 crops of size {size} from a {shape[1]} x {shape[2]} image padded by "
                     f"{padding}", "draw top and then left with torch.randint every call, even where only one value "
                     "is possible")
    big = image(rng, device, 2, 5, 6)
    got = learner.probe("crop", big, 4, 2, 3, 3, with_input=True)
    expect_close(got.get("input_after"), big, rtol=0, atol=0, what="the image after random_crop (it must not change)")
    (small,) = learner.probe("crop", img.double(), 3, 2, 2)
    expect_tensor(small, what="a 3 x 3 crop of a float64 image", shape=(3, 3, 3), dtype=torch.float64, device=device)
    big = image(rng, device, 2, 5, 6)
    (crop,) = learner.probe("crop", big, 9, 3, 5)
    expect_tensor(crop, what="a 9 x 9 crop of a 5 x 6 image padded by 3", shape=(2, 9, 9), dtype=torch.float32,
                  device=device)


def expect_state(got, g, what, fix):
    """The learner's generator, after its calls, is where the reference's is after drawing what the task says."""
    if not isinstance(got, torch.Tensor) or not torch.equal(got, g.get_state()):
        raise CheckFailure(f"after {what} the generator is not where the task's draws leave it: {fix}")


def test_flip(learner, device, rng):
    """random_hflip draws torch.rand(1, generator) every call, whatever p (the generator's state afterwards is
    compared, also for p = 0, p = 1 and beyond), and flips the last axis when the number is strictly below p: p = 1
    always, p = 0 never, and p equal to the number drawn does not flip; images of shape (..., H, W) with no leading
    axis or two flip their last axis too."""
    img = image(rng, device, 3, 5, 7)
    seed = seed_of(rng)
    tie = float(torch.rand(1, generator=torch.Generator().manual_seed(seed)))  # exactly the first number drawn
    for p in (0.0, 1.0, 0.5, 0.3, tie, -0.5, 2.0):
        got = learner.probe("flip", img, p, seed, 6, layout="transposed" if p == 0.3 else "contiguous",
                            with_state=True)
        flips = got.get("flips") if isinstance(got, dict) else None
        if not isinstance(flips, list) or len(flips) != 6:
            raise CheckFailure("random_hflip could not be called 6 times", f"received {summarize(flips)}")
        g = torch.Generator().manual_seed(seed)
        for k, out in enumerate(flips):
            what = f"flip {k + 1} of 6 with p = {p}" + (" (p equals the number drawn: not below p)" if p == tie else "")
            expect_close(out, ref_flip(img, p, g), rtol=0, atol=0, what=what)
        expect_state(got.get("state"), g, f"6 flips with p = {p}", "draw torch.rand(1, generator=generator) once per "
                     "call, whatever p (even when p <= 0 or p >= 1 decides the flip without it)")
    for shape in ((5, 7), (2, 3, 4, 6)):  # p = 1 flips under every draw
        pic = adversarial(rng, shape).to(device, torch.float32)
        flips = learner.probe("flip", pic, 1.0, seed, 1)
        expect_close(flips[0] if isinstance(flips, list) and flips else flips, pic.flip(-1), rtol=0, atol=0,
                     what=f"random_hflip with p = 1 on an image of shape {shape} (flip the last axis, whatever the "
                          "number of leading axes)")


def test_dataset_and_loader(learner, device, rng):
    """AugmentedDataset crops then flips each image with its own generator seeded once in __init__ (defaults p=0.5,
    seed=0) and the given p (0.0 and 1.0 with one seed: whatever the draws, a dataset that ignores p fails one of
    them): items are (image, labels[i]) tuples (the label as labels holds it, here a 0-d tensor), a DataLoader
    batches them reproducibly (10 images in batches of 4), uint8 images give uint8 items, any access order continues
    the same generator, and two datasets alive at once do not disturb each other."""
    images = adversarial(rng, (10, 3, 6, 5)).float()
    labels = torch.randint(0, 4, (10,), generator=rng)
    same = seed_of(rng)
    for p, seed, padding in ((0.5, seed_of(rng), 2), (None, None, 1), (0.0, same, 2), (1.0, same, 2)):
        got = learner.probe("dataset", images, labels, 6, padding, p, seed, 4)
        label = "the defaults p=0.5, seed=0" if p is None else f"p {p}, seed {seed}"
        p, seed = (0.5, 0) if p is None else (p, seed)
        if got.get("len") != 10:
            raise CheckFailure("len(dataset) must be the number of images", f"received {summarize(got.get('len'))}")
        item = got.get("item")
        if type(item) is not tuple or len(item) != 2:
            raise CheckFailure("dataset[i] must be a tuple (image, label)", f"received {summarize(item)}")
        expect_close(item[1], labels[0], rtol=0, atol=0,
                     what="dataset[0]'s label (the item's second element is labels[0] as labels holds it: here a 0-d "
                          "int64 tensor, not a Python int or another dtype)")
        g = torch.Generator().manual_seed(seed)
        expect_close(item[0], ref_flip(ref_crop(images[0], 6, padding, g), p, g), rtol=0, atol=0,
                     what=f"dataset[0]'s image ({label})")
        g = torch.Generator().manual_seed(seed)
        want = torch.stack([ref_flip(ref_crop(images[i], 6, padding, g), p, g) for i in range(10)])
        batches = got.get("first")
        shapes = [tuple(b[0].shape) for b in batches] if isinstance(batches, list) else batches
        if shapes != [(4, 3, 6, 6), (4, 3, 6, 6), (2, 3, 6, 6)]:
            raise CheckFailure("the DataLoader should give batches of shape (4, 3, 6, 6), (4, 3, 6, 6), (2, 3, 6, 6)",
                               f"received {summarize(shapes)}")
        expect_close(torch.cat([b[0] for b in batches]), want, rtol=0, atol=0,
                     what=f"the augmented images, in loader order ({label}; the DataLoader itself draws from torch's "
                          "global RNG when it starts: the dataset must draw only from its own generator, seeded once "
                          "in __init__ and continued from item to item, never reseeded per item)")
        expect_close(torch.cat([b[1] for b in batches]), labels, rtol=0, atol=0, what="the labels, in loader order")
        expect_close(torch.cat([b[0] for b in got["second"]]), want, rtol=0, atol=0,
                     what=f"a second dataset with the same seed ({label}): the same augmentations")
    # uint8 images: the items are random_hflip(random_crop(images[i])) of the images' own dtype
    images8 = torch.randint(0, 256, (10, 3, 6, 5), generator=rng, dtype=torch.uint8)
    seed = seed_of(rng)
    got = learner.probe("dataset", images8, labels, 6, 1, 0.5, seed, 4)
    g = torch.Generator().manual_seed(seed)
    want = torch.stack([ref_flip(ref_crop(images8[i], 6, 1, g), 0.5, g) for i in range(10)])
    batches = got.get("first")
    if not isinstance(batches, list) or not all(isinstance(b, list) and len(b) == 2 for b in batches):
        raise CheckFailure("a DataLoader over a dataset of uint8 images gave no batches", f"received {summarize(batches)}")
    expect_close(torch.cat([b[0] for b in batches]), want, rtol=0, atol=0,
                 what=f"the augmented images of uint8 images, in loader order (p 0.5, seed {seed}: crops and flips "
                      "keep the images' dtype, uint8)")
    seeds = [seed_of(rng), seed_of(rng) + 1]
    order = [(0, 3), (1, 0), (0, 0), (1, 7), (0, 3), (1, 1)]
    got = learner.probe("interleaved", images, labels, 6, 2, 0.5, seeds, order)
    gens = [torch.Generator().manual_seed(s) for s in seeds]
    if not isinstance(got, list) or len(got) != len(order):
        raise CheckFailure("the interleaved accesses gave no images", f"received {summarize(got)}")
    for k, ((d, i), out) in enumerate(zip(order, got)):
        want = ref_flip(ref_crop(images[i], 6, 2, gens[d]), 0.5, gens[d])
        expect_close(out, want, rtol=0, atol=0, what=f"access {k + 1} (dataset {d + 1}, item {i}) with two datasets "
                                                     "alive at once, each with its own generator")
