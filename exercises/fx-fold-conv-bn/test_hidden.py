"""Hidden graders for fx-fold-conv-bn: Conv1d/2d/3d pairs of every kind (bias or not, groups, stride, padding mode,
dilation, eps, affine or not), the pairs that must stay, shared conv and BatchNorm modules, float32, the folded
BatchNorms really gone (their parameters perturbed), and the given GraphModule unchanged. Models get random weights and
statistics per run; their structure is fixed, so every separating case is always present."""

import pytest
import torch

from grader.judge.checks import expect_close, load_sibling

P = load_sibling(__file__)
G = load_sibling(__file__, "test_public.py")


def check_fold(learner, name, seed, dtype, device, rng, what):
    """The public check_fold's three checks, graph and each folded conv first, outputs last: a wrong fold formula is
    then named as the folded conv's weight or bias, and a pair folded that must stay as the graph's BatchNorm call, not
    as a wrong output of the whole model (the same checks: what passes is unchanged)."""
    rep, model, xs, convs, want = G.run_fold(learner, name, seed, dtype, device, rng)
    G.expect_graph(rep, name, model, what)
    G.expect_alone(rep, name, model, convs, dtype, what)
    G.expect_outputs(rep["outputs"], want, dtype, what)


def seed_of(rng):
    return int(torch.randint(0, 10_000, (1,), generator=rng))


def test_folds_conv2d_pairs(learner, device, rng):
    """Three Conv2d/BatchNorm2d pairs (bias and none, groups, stride, a rectangular kernel, circular padding, dilation,
    eps 0.1 and 1e-3, a BatchNorm without affine parameters), pairs nested in submodules (dotted names), and a pair next
    to an unused conv call (which stays: no dead-code elimination), float64: same outputs, no folded BatchNorm call
    left, every other call kept, each conv alone gives bn(conv(x)) with the folded weight and bias as its parameters."""
    check_fold(learner, "Stack2d", seed_of(rng), torch.float64, device, rng,
               "Conv2d pairs with and without bias, groups, stride, circular padding, dilation, eps 0.1, a BatchNorm "
               "without affine parameters")
    check_fold(learner, "Nested", seed_of(rng), torch.float64, device, rng,
               "pairs inside submodules (nn.Sequential, a nested module), with random running statistics and "
               "affine parameters: check the folded weight and bias, and that the folded conv "
               "replaces the module under its dotted name (set on its parent module, not as an attribute of the "
               "root)")
    check_fold(learner, "DeadCall", seed_of(rng), torch.float64, device, rng,
               "a foldable pair next to a conv call whose result is never used: that call stays in the graph "
               "(everything but the folded BatchNorm calls stays as it is: no dead-code elimination)")


def test_folds_conv1d_and_conv3d(learner, device, rng):
    """Conv1d/BatchNorm1d pairs (groups, no bias, eps 0.05, a BatchNorm with momentum=None) and a Conv3d/BatchNorm3d
    pair (momentum 0.0), float64: a BatchNorm has running statistics whatever its momentum."""
    check_fold(learner, "Seq1d", seed_of(rng), torch.float64, device, rng,
               "Conv1d/BatchNorm1d pairs, one BatchNorm with momentum=None (it has running statistics: fold it)")
    check_fold(learner, "Vol3d", seed_of(rng), torch.float64, device, rng,
               "a Conv3d/BatchNorm3d pair, the BatchNorm with momentum 0.0 (it has running statistics: fold it)")


LEAVE = {
    "other_users": ("OtherUsers", "a conv whose output has another user besides its BatchNorm"),
    "output_user": ("ExtraUses", "a conv whose output is also returned by the model, or also feeds a method call "
                    "(x.tanh()): every user counts, the graph's output included"),
    "batch_stats": ("BatchStats", "a BatchNorm without running statistics"),
    "not_adjacent": ("NotAdjacent", "a BatchNorm after an activation that follows a conv"),
    "transposed": ("Transposed", "a BatchNorm after a transposed convolution"),
}


@pytest.mark.parametrize("case", sorted(LEAVE))
def test_leaves_unfoldable(learner, device, rng, case):
    """A pair that cannot be folded stays as it is (and the model's foldable pair is still folded): same outputs, the
    graph keeps that BatchNorm call."""
    name, what = LEAVE[case]
    check_fold(learner, name, seed_of(rng), torch.float64, device, rng, f"{what}, next to a foldable pair")


SHARED = {
    "same_bn": ("SameBn", "a conv called twice, each call followed only by the same BatchNorm: both fold"),
    "conv_also_alone": ("ConvAlsoAlone", "a conv called twice, once without a BatchNorm after it: it must stay"),
    "two_bns": ("TwoBns", "a conv called twice, followed by two different BatchNorms: it must stay"),
    "conv_call_other_users": ("SharedOtherUsers", "a conv called twice, both calls feeding the same BatchNorm but one "
                              "also feeding another node: it must stay"),
    "bn_also_elsewhere": ("BnAlsoElsewhere", "a BatchNorm module also called on another input: that call stays"),
}


@pytest.mark.parametrize("case", sorted(SHARED))
def test_shared_modules(learner, device, rng, case):
    """Conv and BatchNorm modules called at several nodes: fold only where every call of the conv feeds the same
    BatchNorm; a BatchNorm module's other calls stay."""
    name, what = SHARED[case]
    check_fold(learner, name, seed_of(rng), torch.float64, device, rng, what)


def test_keeps_float32(learner, device, rng):
    """A float32 model folds to a float32 module with the same outputs (within float32 rounding)."""
    check_fold(learner, "Stack2d", seed_of(rng), torch.float32, device, rng, "a float32 model")


def test_folded_batchnorms_no_longer_matter(learner, device, rng):
    """After folding, changing the folded BatchNorm modules' parameters and running statistics (in the result and in
    the given GraphModule) does not change the result's outputs: the BatchNorm is really gone, not just hidden."""
    for name in ("Stack2d", "Seq1d", "SameBn"):
        perturb = tuple(sorted(set(P.FOLDED[name].values())))
        rep, model, xs, convs, want = G.run_fold(learner, name, seed_of(rng), torch.float64, device, rng,
                                                 perturb=perturb)
        G.expect_outputs(rep["outputs"], want, torch.float64, "before the folded BatchNorms were changed")
        G.expect_outputs(rep["perturbed"], want, torch.float64, "after the folded BatchNorms' parameters and running "
                         "statistics were changed: the result must no longer use them")


def test_given_graph_module_unchanged(learner, device, rng):
    """fold_conv_bn leaves the GraphModule it is given as it was: same graph, same modules (its state dict: the same
    keys and values, nothing added or folded in place), same outputs."""
    for name in ("Stack2d", "SameBn"):
        rep, model, xs, convs, want = G.run_fold(learner, name, seed_of(rng), torch.float64, device, rng)
        if rep["original_nodes"] != P.call_nodes(torch.fx.symbolic_trace(model)):
            raise G.CheckFailure("fold_conv_bn changed the graph of the GraphModule it was given: work on a copy")
        state, want_state = rep.get("original_state"), model.state_dict()
        if not isinstance(state, dict) or sorted(state) != sorted(want_state):
            raise G.CheckFailure("fold_conv_bn changed the modules of the GraphModule it was given (its state dict "
                                 "gained or lost entries): leave it as it was and work on a copy")
        for key, value in want_state.items():
            expect_close(state[key], value, rtol=0, atol=0,
                         what=f"the given GraphModule's {key} after fold_conv_bn (work on a copy)")
        G.expect_outputs(rep["original_outputs"], want, torch.float64, "work on a copy: its convs must not change",
                         subject="the given GraphModule's output after fold_conv_bn")
