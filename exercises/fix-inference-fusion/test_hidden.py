"""Hidden graders for fix-inference-fusion: biases present or not, groups and strides, a scripted eval model."""

import torch

from grader.judge.checks import CheckFailure, banned_names_used, expect_close

BANNED = ["torch.nn.utils.fusion.fuse_conv_bn_eval", "torch.nn.utils.fusion.fuse_conv_bn_weights",
          "torch.nn.utils.fusion.fuse_linear_bn_eval", "torch.ao.quantization.fuse_modules"]


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


def test_fuse_linears(learner, device, rng):
    """The fused Linear equals fc2(fc1(x)) with and without each bias."""
    for b1, b2 in ((True, True), (False, True), (True, False), (False, False)):
        x = torch.randn(6, 5, generator=rng, dtype=torch.float64).to(device)
        got = learner.probe("fused", seed_of(rng), b1, b2, x)
        if not got["is_linear"]:
            raise CheckFailure("fuse_linears must return an nn.Linear")
        expect_close(got["out"], got["want"], what=f"the fused Linear (fc1 bias {b1}, fc2 bias {b2})")


def test_fold_conv_bn(learner, device, rng):
    """The folded conv equals eval-mode bn(conv(x)) with or without conv bias, with groups and with stride 2."""
    for conv_bias, groups, stride in ((True, 1, 1), (False, 1, 2), (True, 2, 1), (False, 2, 2)):
        x = torch.randn(2, 4, 7, 7, generator=rng, dtype=torch.float64).to(device)
        got = learner.probe("folded", seed_of(rng), conv_bias, groups, stride, x)
        if not got["is_conv"]:
            raise CheckFailure("fold_conv_bn must return an nn.Conv2d")
        expect_close(got["out"], got["want"], what=f"the folded conv (bias {conv_bias}, groups {groups}, stride {stride})")


def test_optimized_for_inference(learner, device, rng):
    """optimized_for_inference gives a ScriptModule with the model's eval-mode outputs (BatchNorm, Dropout), twice the same."""
    x = torch.randn(3, 2, 5, 5, generator=rng).to(device)
    got = learner.probe("optimized", seed_of(rng), x)
    if not got["is_script"]:
        raise CheckFailure("optimized_for_inference must return a torch.jit.ScriptModule")
    for out in got["out"]:
        expect_close(out, got["want"], what="the optimized model's output", rtol=1e-4, atol=1e-5)


def test_folding_is_your_own(learner, source, device, rng):
    """torch.nn.utils.fusion and fuse_modules are not used."""
    used = banned_names_used(source, BANNED)
    if used:
        raise CheckFailure(f"your code uses {', '.join(used)}: fold the batch norm yourself")
    x = torch.randn(1, 4, 5, 5, generator=rng, dtype=torch.float64).to(device)
    got = learner.probe("folded", seed_of(rng), True, 1, 1, x)
    expect_close(got["out"], got["want"], what="the folded conv")
