"""The grader kit: what strong graders share, so that new exercises start strong.

* **Adversarial inputs.** Random inputs from a friendly range let plausible mistakes through (a
  clamp of one side only, ``floor(x + 0.5)`` for rounding, a loop that drops the last partial
  batch). ``adversarial`` mixes both signs, exact zeros, ties and repeated values, and large and
  tiny magnitudes into every draw; ``layouts`` gives the same values contiguous, transposed,
  expanded and sliced; ``awkward_sizes`` gives sizes that are 1, prime, or not a multiple of
  what the task batches by. Fixed edge cases come *alongside* random ones, so a verdict never
  depends on the seed.
* **Exact types.** ``expect_float`` (a Python float, not a 0-d tensor), ``expect_tensors`` (a list
  of tensors, not one tensor), ``expect_shape``.
* **Twice and afterwards.** ``expect_repeatable``: the second call with the same inputs gives the
  same result (hooks left registered, state leaking into the next call). ``expect_own_gradients``: two calls
  of an autograd Function before one backward (``drive.grads_of_calls`` on both sides) each get their own
  gradients (per-call state kept on the class, not on ctx). ``learner_reply``: a probe call whose raise is
  reported with the likeliest cause.
* **Optimizers.** ``reference_trajectory`` runs torch's optimizer in the judge with the same
  harness (``grader.drive``) that the exercise's probe uses on the learner's, and
  ``expect_same_trajectory`` compares them step by step, numbering steps as the task does.
* **Modules.** ``expect_state_dict``: keys, shapes, dtypes and values of a learner's state dict.
* **Any dtype.** ``expect_half``: a bfloat16 or float16 result has that dtype exactly, and values within the
  dtype's rounding of a float64 reference (scaled by what the result adds up), so that code which picks between
  float32 and float64 fails while any right order of computation passes.
* **Any device, without a GPU.** ``on_meta`` and ``expect_on_meta`` run the learner's code on torch's meta device,
  which stands for a GPU: a tensor made on the CPU shows as a device error or a result left on the CPU.

Everything here compares in the judge; nothing that comes back from the worker is trusted
beyond "the learner's output".
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import torch

from grader import drive, wire
from grader.judge.checks import CheckFailure, expect_close, expect_tensor, summarize

# ---------------------------------------------------------------- inputs


def adversarial(rng: torch.Generator, shape: Sequence[int], *, dtype: torch.dtype = torch.float64,
                device: str | torch.device = "cpu", scale: float = 3.0, zeros: bool = True, ties: bool = True,
                extremes: float | None = None) -> torch.Tensor:
    """Random values of both signs with the cases that separate near-miss formulas planted in them.

    Every tensor with at least 4 elements holds a negative and a positive value; with ``zeros``
    an exact 0; with ``ties`` a repeated value and (for scale >= 1) a half-integer such as 2.5,
    where ``floor(x + 0.5)`` and round-half-to-even differ; with ``extremes=m`` one value of
    magnitude m of each sign (for stability checks: 1e3 overflows exp in float32).
    """
    n = math.prod(shape)
    x = torch.randn(n, generator=rng, dtype=torch.float64) * scale
    planted: list[float] = []
    if n < 2:  # a scalar (or empty) stays random: planting would make it constant
        return x.reshape(tuple(shape)).to(device=device, dtype=dtype)
    if n >= 2:
        planted += [-abs(float(x[0])) - 0.1, abs(float(x[1])) + 0.1]
    if zeros:
        planted.append(0.0)
    if ties and n >= 4:
        planted += [float(x[0]), -2.5 if scale >= 1 else -0.25]
    if extremes is not None:
        planted += [extremes, -extremes]
    planted = planted[: max(0, n - 1)] if n > 2 else planted[:n]
    if planted:
        where = torch.randperm(n, generator=rng)[: len(planted)]
        x[where] = torch.tensor(planted, dtype=torch.float64)
    return x.reshape(tuple(shape)).to(device=device, dtype=dtype)


def positive(rng: torch.Generator, shape: Sequence[int], *, low: float = 0.1, high: float = 3.0,
             dtype: torch.dtype = torch.float64, device: str | torch.device = "cpu") -> torch.Tensor:
    """Values in [low, high): for arguments that must be positive (a variance, a scale)."""
    u = torch.rand(tuple(shape), generator=rng, dtype=torch.float64)
    return (low + (high - low) * u).to(device=device, dtype=dtype)


def layouts(x: torch.Tensor) -> dict[str, torch.Tensor]:
    """The same values in several memory layouts: contiguous, transposed (non-contiguous), a strided
    slice of a wider buffer, and channels-last for 4-D tensors. A correct function gives the same
    answer for each. The views are marked (``wire.keep_layout``) so that they reach the learner's
    code as views: any other tensor crosses the wire as a contiguous copy."""
    out = {"contiguous": x.contiguous()}
    if x.dim() >= 2 and x.shape[-1] > 1 and x.shape[-2] > 1:
        out["transposed"] = wire.keep_layout(x.transpose(-1, -2).contiguous().transpose(-1, -2))
    if x.dim() >= 1 and x.shape[-1] > 1:
        wide = torch.zeros(*x.shape[:-1], 2 * x.shape[-1], dtype=x.dtype, device=x.device)
        wide[..., ::2] = x
        out["strided"] = wire.keep_layout(wide[..., ::2])
    if x.dim() == 4 and x.shape[1] > 1:
        out["channels_last"] = wire.keep_layout(x.contiguous(memory_format=torch.channels_last))
    return out


def expanded(row: torch.Tensor, dim: int, size: int) -> torch.Tensor:
    """``row`` repeated ``size`` times along a new dimension ``dim`` as a stride-0 view (what
    ``expand`` gives): code that writes into its input or assumes distinct memory per element shows."""
    return wire.keep_layout(row.unsqueeze(dim).expand(*[size if i == dim else -1
                                                        for i in range(row.dim() + 1)]))


def awkward_sizes(multiple_of: int = 4, *, largest: int = 13) -> list[int]:
    """Sizes that catch code assuming friendly ones: 1, a prime, and sizes that are not a multiple of
    ``multiple_of`` (a batch size, a chunk count), next to one that is."""
    sizes = {1, multiple_of + 1, 2 * multiple_of - 1, 2 * multiple_of, largest}
    return sorted(s for s in sizes if s >= 1)


def float_dtypes(*, half: bool = True) -> list[torch.dtype]:
    return [torch.float64, torch.float32] + ([torch.float16, torch.bfloat16] if half else [])


# Tolerances per dtype for comparing a learner's low-precision result with a float64 reference
# computed from the same (rounded) inputs: a few units in the last place of the dtype.
TOLERANCES: dict[torch.dtype, tuple[float, float]] = {
    torch.float64: (1e-10, 1e-12),
    torch.float32: (1e-5, 1e-6),
    torch.float16: (2e-3, 1e-3),
    torch.bfloat16: (1.6e-2, 1e-2),
}


def expect_close_in(actual: Any, expected: torch.Tensor, *, what: str, dtype: torch.dtype | None = None,
                    inputs: str = "") -> None:
    """expect_close with the kit's tolerance for the result's dtype (the expected tensor is cast to it)."""
    dtype = dtype or expected.dtype
    rtol, atol = TOLERANCES.get(dtype, (1e-5, 1e-6))
    expect_close(actual, expected.to(dtype), what=what, rtol=rtol, atol=atol, inputs=inputs)


def expect_half(actual: Any, expected: torch.Tensor, *, what: str, dtype: torch.dtype = torch.bfloat16,
                scale: torch.Tensor | float | None = None, rtol: float = 3e-2, atol: float = 1e-2,
                hint: str = "") -> None:
    """A half-precision result (bfloat16, float16) as any right order of computation gives it: the dtype exactly
    (a float32 result where the task keeps the input's dtype fails, whatever its values), the shape and device,
    and the values in float64 within the dtype's rounding of the float64 ``expected``. The bound is
    ``rtol * scale + atol``, with ``scale`` the size of what the result adds up (the sum of the terms' magnitudes,
    broadcastable) or, by default, ``|expected|``: a sum's rounding grows with its terms, not with its value, and a
    right float64-inside-then-cast result must pass too."""
    if isinstance(actual, torch.Tensor) and actual.dtype != dtype:
        raise CheckFailure(f"{what} has dtype {actual.dtype}, expected {dtype} (the inputs' dtype)", hint)
    expect_tensor(actual, what=what, shape=expected.shape, dtype=dtype, device=expected.device)
    reference = expected.double()
    magnitude = reference.abs() if scale is None else scale
    diff = (actual.double() - reference).abs()
    if not bool((diff <= rtol * magnitude + atol).all()):  # NaN or inf in the result fails too
        raise CheckFailure(f"{what} has the wrong values (off by more than {str(dtype)[6:]}'s rounding)",
                           f"expected: {summarize(reference)}\nreceived: {summarize(actual)}\n"
                           f"largest difference {float(diff.max()):.3g}")


# ---------------------------------------------------------------- exact types


def expect_float(value: Any, *, what: str) -> float:
    """A Python float (an int where the task says float is not accepted, nor a 0-d tensor)."""
    if type(value) is not float:
        kind = "a 0-d tensor" if isinstance(value, torch.Tensor) and value.dim() == 0 else summarize(value)
        raise CheckFailure(f"{what} must be a Python float (use .item())", f"received {kind}")
    if not math.isfinite(value):
        raise CheckFailure(f"{what} must be finite", f"received {value!r}")
    return value


def expect_tensors(value: Any, count: int | None = None, *, what: str) -> list[torch.Tensor]:
    """A list (or tuple) of tensors; a bare tensor is named as such, not mistaken for a list of rows."""
    if isinstance(value, torch.Tensor):
        raise CheckFailure(f"{what} must be a list of tensors, not a single tensor",
                           f"received {summarize(value)}: wrap it in a list")
    if not isinstance(value, (list, tuple)):
        raise CheckFailure(f"{what} must be a list of tensors", f"received {summarize(value)}")
    if count is not None and len(value) != count:
        raise CheckFailure(f"{what} must hold {count} tensor(s), it holds {len(value)}")
    for i, v in enumerate(value):
        expect_tensor(v, what=f"{what}[{i}]")
    return list(value)


def expect_shape(value: Any, shape: Sequence[int], *, what: str) -> torch.Tensor:
    return expect_tensor(value, what=what, shape=tuple(shape))


# ---------------------------------------------------------------- twice, and afterwards


def expect_repeatable(call: Callable[[], Any], *, what: str, compare: Callable[[Any, Any], None] | None = None) -> Any:
    """Calling twice with the same inputs gives the same result the second time (state does not leak
    between calls: hooks left registered, buffers that keep growing, a graph kept alive)."""
    first = call()
    second = call()
    if compare is not None:
        compare(first, second)
    elif isinstance(first, torch.Tensor):
        expect_close(second, first, what=f"{what}, called a second time with the same inputs", rtol=0, atol=0)
    elif first != second:
        raise CheckFailure(f"{what} gives a different result when called a second time with the same inputs")
    return first


OWN_CTX = ("if a single call's gradients are right (the other graders say so), keep what backward needs on ctx "
           "(ctx.save_for_backward, ctx attributes), never on the class, the module or a global, which the next call "
           "overwrites; if not, fix those first")


def learner_reply(run: Callable[[], Any], *, what: str, fix: str) -> Any:
    """The reply of ``run()``, a probe call; if the learner's code raises, the check fails with what was being done and
    ``fix``, the likeliest cause. A banned call keeps its own message, and a stub's NotImplementedError too (the
    learner's feedback counts every grader that waits for it on one line)."""
    from grader.judge.session import LearnerError

    try:
        return run()
    except LearnerError as e:
        if e.type in ("BannedCallError", "NotImplementedError"):
            raise
        raise CheckFailure(f"{what}: your code raised {e.summary()}. {fix[:1].upper()}{fix[1:]}") from None


def expect_own_gradients(run: Callable[[], Any], want: Sequence[torch.Tensor], labels: Sequence[str], *, what: str,
                         fix: str = OWN_CTX, rtol: float | None = None, atol: float | None = None) -> None:
    """Several calls made before one backward (a probe running ``drive.grads_of_calls`` on the learner's Function):
    each gradient equals ``want``, which the judge computes by running the same harness on torch's function; ``labels``
    names each gradient ("x of the first call")."""
    got = expect_tensors(learner_reply(run, what=what, fix=fix), len(want), what=f"the gradients of {what}")
    for label, g, w in zip(labels, got, want, strict=True):
        try:
            expect_close(g, w, rtol=rtol, atol=atol, what=f"the gradient for {label} of {what}")
        except CheckFailure as e:
            raise CheckFailure(f"{e.prop}: {fix}", e.detail) from None


# ---------------------------------------------------------------- optimizers and schedules


def reference_trajectory(torch_cls: Callable[..., Any], initial: Sequence[torch.Tensor],
                         grads: Sequence[Sequence[torch.Tensor | None]], options: dict[str, Any],
                         **kw: Any) -> list[list[torch.Tensor]]:
    """torch's own optimizer driven by the same harness as the learner's (see ``grader.drive``)."""
    return drive.optimizer_trajectory(torch_cls, initial, grads, options, **kw)


def expect_same_trajectory(got: Any, want: list[list[torch.Tensor]], *, what: str, rtol: float = 1e-10,
                           atol: float = 1e-12, first_step: int = 1, state_hint: bool = True) -> None:
    """Step-by-step comparison of parameter trajectories (a list per step of a list per parameter).

    Steps are numbered from ``first_step`` as the task numbers them. The hint after a mismatch says
    where to look: the update rule itself (first step wrong) or the state carried between steps
    (later step wrong); pass ``state_hint=False`` where no state is carried (a schedule).
    """
    if not isinstance(got, list) or len(got) != len(want):
        raise CheckFailure(f"{what}: expected {len(want)} recorded steps", f"received {summarize(got)}")
    for k, (g_step, w_step) in enumerate(zip(got, want)):
        number = k + first_step
        params = expect_tensors(g_step, len(w_step), what=f"{what}: the parameters after step {number}")
        for i, (g, w) in enumerate(zip(params, w_step)):
            try:
                expect_close(g, w, what=f"{what}: parameter {i} after step {number}", rtol=rtol, atol=atol)
            except CheckFailure as failure:
                if k == 0:
                    # why: a first step off is the rule itself, or state a new optimizer found from an earlier one
                    # (module-level buffers keyed by id() or by shape: blind round 22)
                    hint = ("the very first step is already off: check the update rule itself, and that a new "
                            "optimizer starts from no state (nothing kept from an earlier optimizer)")
                elif state_hint:
                    hint = (f"the steps before step {number} match, so look at what is carried from one step to "
                            "the next (buffers, step counts)")
                else:
                    hint = f"the steps before step {number} match"
                raise CheckFailure(f"{failure.prop}; {hint}", failure.detail) from None


CLOSURE_HINT = ("step(closure) must call the closure exactly once per step, under torch.enable_grad(), before the "
                "update, and return that call's loss (a later step's loss also depends on the earlier updates: if the "
                "trajectory graders fail too, fix the update rule first)")


def expect_closure_losses(got: Any, want: dict[str, list[Any]], *, where: str) -> None:
    """What ``step(closure)`` returned, recorded by ``drive.closure_trajectory``: the closure's loss at each step,
    its value and its graph (the gradients taken through the returned tensor), against torch's optimizer's."""
    steps = len(want["losses"])
    if not isinstance(got, dict) or not isinstance(got.get("losses"), list) or len(got["losses"]) != steps \
            or not isinstance(got.get("loss_grads"), list) or len(got["loss_grads"]) != steps:
        raise CheckFailure(f"{where}: the harness could not record {steps} steps")
    for k, (a, b) in enumerate(zip(got["losses"], want["losses"])):
        if a is None:
            raise CheckFailure(f"{where} must return the closure's loss (it returned None at step {k + 1})")
        _with_closure_hint(lambda: expect_close(a, b, what=f"the loss returned by {where} at step {k + 1}",
                                                rtol=1e-10, atol=1e-12))
    for k, (a, b) in enumerate(zip(got["loss_grads"], want["loss_grads"])):
        if a is None:
            raise CheckFailure(f"{where} must return the closure's loss itself, as torch's optimizers do: at step "
                               f"{k + 1} the returned tensor has the right value but no graph back to the "
                               "parameters (a detached copy or a number cannot be back-propagated by the caller)")
        grads = expect_tensors(a, len(b), what=f"the gradients through the loss returned by {where} at step {k + 1}")
        for i, (g, w) in enumerate(zip(grads, b)):
            _with_closure_hint(lambda: expect_close(g, w, what=f"the gradient of parameter {i} through the loss "
                                                    f"{where} returned at step {k + 1}", rtol=1e-10, atol=1e-12))


def _with_closure_hint(check: Callable[[], None]) -> None:
    try:
        check()
    except CheckFailure as failure:
        raise CheckFailure(f"{failure.prop}; {CLOSURE_HINT}", failure.detail) from None


def expect_same_values(got: Any, want: Sequence[float], *, what: str, rtol: float = 1e-12,
                       first_step: int = 0, label: str = "step") -> None:
    """A sequence of Python numbers (learning rates, losses) equal to the reference, one by one."""
    if not isinstance(got, (list, tuple)) or len(got) != len(want):
        raise CheckFailure(f"{what}: expected {len(want)} values", f"received {summarize(got)}")
    for k, (g, w) in enumerate(zip(got, want)):
        if isinstance(g, bool) or not isinstance(g, (int, float)) or not math.isclose(g, w, rel_tol=rtol,
                                                                                       abs_tol=1e-15):
            raise CheckFailure(f"{what} is wrong at {label} {k + first_step}",
                               f"expected {w!r}, received {summarize(g)}")


# ---------------------------------------------------------------- modules


def expect_state_dict(got: Any, want: dict[str, torch.Tensor], *, what: str, rtol: float = 1e-10,
                      atol: float = 1e-12, values: bool = True) -> None:
    """The learner's state dict has exactly these keys, each with the right shape and dtype (and values)."""
    if not isinstance(got, dict):
        raise CheckFailure(f"{what} must be a dict of tensors (a state_dict)", f"received {summarize(got)}")
    missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
    if missing or extra:
        raise CheckFailure(f"{what} has the wrong keys",
                           f"missing: {', '.join(missing) or 'none'}; unexpected: {', '.join(extra) or 'none'}")
    for key, w in want.items():
        g = got[key]
        if values:
            expect_close(g, w, what=f"{what}[{key!r}]", rtol=rtol, atol=atol)
        else:
            expect_tensor(g, what=f"{what}[{key!r}]", shape=w.shape, dtype=w.dtype)


# ---------------------------------------------------------------- devices, without a GPU
#
# torch's "meta" device holds shapes, dtypes and devices but no data, and stands here for any device other than the
# CPU: a tensor the learner makes on the CPU meets the given ones there and raises a device error, or comes back on
# the CPU. Code that needs the data (.item(), printing, a data-dependent branch) cannot run on meta; such an error
# says nothing about devices, and the check is then left out (the CUDA run still makes it).


def _names_a_device(message: str) -> bool:
    return "device" in message


def on_meta(run: Callable[[], Any], *, what: str, fix: str,
            refused: Callable[[str], bool] = _names_a_device, must_run: bool = False) -> Any | None:
    """The reply of ``run()``, a probe call with the learner's model or inputs on the meta device; a learner error
    that ``refused`` recognises as a device mistake fails with ``fix``; any other learner error gives None (the
    check is left out).

    ``must_run``: a right answer runs this call on the meta device (nothing it does needs the data, as the grader
    knows from the reference), so every learner error fails with ``fix``. Without it, the learner's code decides
    whether its own device check runs: code that raises any error that does not name a device the moment it sees a
    meta tensor (``if x.is_meta: raise ...``) has the check left out on a machine without a GPU
    (tests/test_trust.py, the logistic-regression start made on the CPU)."""
    from grader.judge.session import LearnerError

    try:
        return run()
    except LearnerError as e:
        if must_run or refused(e.message):
            raise CheckFailure(f"{what}: your code raised {e.summary()}. {fix}") from None
        return None


def expect_on_meta(places: dict[str, Any], *, what: str, fix: str) -> None:
    """Every device the probe saw (a name's device, or a list of them) is "meta", the given tensors' device."""
    off = [f"{name} is on {place}" for name, found in places.items()
           for place in (found if isinstance(found, list) else [found]) if place != "meta"]
    if off:
        raise CheckFailure(f"{what}: " + ", ".join(off) + f" instead of the given tensors' device. {fix}")
