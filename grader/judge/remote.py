"""The learner's code as graders see it: a proxy whose every call crosses the wire.

Graders never touch learner objects. ``learner.call("Mul.apply", x, y)``
sends x and y (tensors the grader made) to the worker, which calls the
learner's function and sends back plain numbers. ``learner.function(...)``
wraps a learner function in a judge-side ``autograd.Function`` whose forward
and backward are remote calls, so torch's own ``gradcheck`` and
``gradgradcheck`` run here, in the trusted process, on numbers the worker
computed.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import torch

from grader import wire
from grader.judge.failure import CheckFailure
from grader.judge.session import InfraError, WorkerSession

INFO_ATTR = "_prep_wire_info"


def received_info(t: torch.Tensor) -> wire.TensorInfo | None:
    """What the worker said about a tensor it sent (device, requires_grad, type)."""
    return getattr(t, INFO_ATTR, None)


class Learner:
    """Proxy for the submission loaded in a worker."""

    def __init__(self, session: WorkerSession, source: str = "") -> None:
        self.session = session
        self.source = source  # the submitted source text, for static checks on the judge's side
        # What the worker held before the learner's code was loaded (set in a fresh worker, see fresh()):
        # measure(room=...) compares the worker with it when a measured block starts.
        self.rss_floor: int | None = None
        self.open_fresh: Callable[[str | None], "Learner"] | None = None  # set by grade() where graders measure
        self.measuring = False  # inside measure(): calls are not watched for writes (hashing costs CPU time there)
        self.derivatives: dict[tuple, Callable[..., Any]] = {}  # _remote_derivative's, by target, order and masks
        self.callers_state: dict[str, Any] = {}  # set by ambient(): the state calls start from in the worker

    # ---------------------------------------------------------------- basic calls

    def call(self, target: str, *args: Any, **kwargs: Any) -> Any:
        """Call ``target`` (a dotted name in the submission) with args chosen by the grader; a call that writes
        into a tensor it was given fails (see ``_call``)."""
        return self._call({"op": "call", "target": target, "args": list(args), "kwargs": kwargs})

    def _call(self, request: dict) -> Any:
        """A call request whose tensor arguments must come back as they were sent.

        A function that writes into the tensors it is given corrupts its caller's data (``x.clamp_()`` on the
        caller's x, ``grad_output[mask] = 0`` in a backward, whose incoming gradient autograd may share with
        other nodes), and its result can still be right. Unless its name ends in ``_`` (torch's mark of an
        in-place function), the worker hashes every tensor argument before and after the call and sends back
        those whose bytes changed; the judge compares them with what it sent, so a forged report can only hide
        the learner's own mistake.
        """
        name = str(request.get("target") or request.get("name"))
        if not self.measuring and not name.rsplit(".", 1)[-1].endswith("_"):
            request["watch_inputs"] = True
        if self.callers_state:
            request["ambient"] = dict(self.callers_state)
        reply = self._request(request)
        if not request.get("watch_inputs") or not isinstance(reply, dict) or wire.INPUTS_WRITTEN not in reply:
            return reply
        changed = reply.get(wire.AMBIENT_CHANGED)
        if isinstance(changed, list) and changed:
            raise CheckFailure(_ambient_message(request, changed))
        paths, after = reply.get(wire.INPUTS_WRITTEN), reply.get("after")
        if isinstance(paths, list) and isinstance(after, list):
            for path, got in zip(paths, after):
                sent = _sent_at(request, path)
                if isinstance(sent, torch.Tensor) and isinstance(got, torch.Tensor) and not _same_bits(sent, got):
                    raise CheckFailure(_written_message(request, path))
                if isinstance(sent, (list, dict)) and wire.plain_contents(sent) != wire.plain_contents(got):
                    raise CheckFailure(_changed_message(request, path, sent))
        return reply.get("value")

    def get(self, target: str) -> Any:
        """The value of a module-level name (a quiz's answers, a constant)."""
        return self._request({"op": "get", "target": target})

    def describe(self, target: str) -> dict:
        """Type facts about a name: its type, whether it is a class, its MRO, its signature."""
        return self._request({"op": "describe", "target": target})

    def probe(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Run a named probe from the exercise's probes module against the submission; the tensors it is given
        must come back as they were sent, unless its name ends in ``_`` (a probe that writes into its arguments
        by design): see ``_call``."""
        return self._call({"op": "probe", "name": name, "args": list(args), "kwargs": kwargs})

    def reset(self, seed: int = 0) -> None:
        """Put torch's global state in the worker back to the defaults (grad mode, default dtype, anomaly
        and inference mode, pushed modes, RNG seeded with ``seed``). The plugin does it before every grader."""
        self._request({"op": "reset", "seed": int(seed)})

    def memory(self) -> int:
        """Bytes the worker holds now, read by the kernel from outside it: its process tree's resident
        memory plus the shared memory and scratch files it created."""
        figures = self.session.measure()
        _refuse_hidden(figures)
        return int(figures["rss"])

    @contextmanager
    def fresh(self, warm: str | None = None) -> Iterator["Learner"]:
        """The same submission in a second, fresh worker, for one measurement::

            with learner.fresh(warm="warm_up") as clean, clean.measure(room=2**20) as m:
                clean.probe("hvp_big", x, v)

        Memory measured in the worker the graders have been using starts from whatever earlier calls and
        the learner's import left there, which a learner can arrange on purpose (a buffer taken in advance
        and filled inside the measured call). The fresh worker is warmed up by prep's own code (autograd once,
        then the probe named ``warm``, called with no submission: the computation a right answer does, at a
        small size, so that one-off costs do not count) and its size read before the learner's code is loaded,
        so ``measure(room=...)`` can bound what the learner's code holds when the block starts. It is closed at
        the end of the block.
        """
        if self.open_fresh is None:
            raise InfraError("learner.fresh() is only available while grade() grades an exercise whose graders "
                             "measure the worker")
        other = self.open_fresh(warm)
        try:
            yield other
        finally:
            other.session.close()

    @contextmanager
    def ambient(self, *, grad: bool | None = None, default_dtype: torch.dtype | None = None) -> Iterator["Learner"]:
        """Calls made inside the block start, in the worker, from a caller's state other than the defaults::

            with learner.ambient(grad=False):       # as if the caller were inside torch.no_grad()
                learner.call("predict", x)
            with learner.ambient(default_dtype=torch.float64):
                learner.call("to_tensor", img)      # "float32" must not mean "the default dtype"

        The worker sets the state before each call and puts its own back after it; the watch still fails a call
        that leaves the state other than it found it (a ``torch.set_grad_enabled(True)`` never undone shows only
        when the caller had grad mode off). Use it where the task says the function works in that state.
        """
        saved = dict(self.callers_state)
        if grad is not None:
            self.callers_state["grad"] = bool(grad)
        if default_dtype is not None:
            if default_dtype not in (torch.float32, torch.float64):
                raise ValueError("learner.ambient(default_dtype=...) takes torch.float32 or torch.float64")
            self.callers_state["default_dtype"] = str(default_dtype).removeprefix("torch.")
        try:
            yield self
        finally:
            self.callers_state = saved

    @contextmanager
    def measure(self, *, room: int | None = None) -> Iterator["Measurement"]:
        """Measure the worker from outside across the requests made inside the block::

            with learner.measure() as m:
                learner.probe("train", ...)
            if m.peak_growth > limit: ...

        The figures are the kernel's (resident memory, its high-water mark, CPU time), read by the
        judge or the zygote, never reported by the worker: learner code cannot rewrite them. Use a
        size where the forbidden approach is asymptotically larger, so allocator noise (a few MB)
        cannot decide the verdict.

        Memory the worker already holds when the block starts can be reused or released inside it, and then
        hides what the block allocates (a buffer taken at import and filled with the forbidden matrix).
        ``room`` bounds it, in a worker from ``fresh()``: the most the worker may hold above what it held
        before the learner's code was loaded (``held_before``); more fails the grader before the block runs.
        A check whose verdict rests on a size S passes ``room`` well below S / 2.
        """
        if room is not None and self.rss_floor is None:
            raise InfraError("measure(room=...) needs a worker from learner.fresh()")
        if room is not None:
            self._request({"op": "collect"})  # garbage left by earlier calls is not held on purpose
        before = self.session.measure(reset=True)
        _refuse_hidden(before)
        held = max(0, int(before["rss"]) - self.rss_floor) if self.rss_floor is not None else 0
        if room is not None and held > room:
            raise CheckFailure(
                f"before a call whose memory prep measures, the worker already held {held / 2**20:.0f} MiB more than "
                "before your code was loaded (memory taken at import, or kept from an earlier call). Memory held in "
                "advance can be reused or released inside the call and hide what it allocates, so the call cannot "
                "be measured: allocate what a call needs inside it, and keep nothing that large between calls"
                + (_COMPILE_NOTE if "compile" in self.source else ""))
        m = Measurement(rss_before=int(before["rss"]), peak_before=int(before["peak"]), cpu_before=before["cpu"],
                        started=time.monotonic(), held_before=held, room=room)
        self.measuring = True
        try:
            yield m
        finally:
            self.measuring = False
        after = self.session.measure()
        _refuse_hidden(after)
        m.rss_after, m.peak = int(after["rss"]), int(after["peak"])
        m.cpu_s, m.wall_s = after["cpu"] - m.cpu_before, time.monotonic() - m.started
        # What the worker wrote in the block, less its replies: data parked in a file (saved tensors offloaded to
        # disk) was held all the same, so it counts as memory at the peak and as memory kept.
        m.written = max(0, int(after.get("written", 0) - before.get("written", 0))
                        - int(after.get("replies", 0) - before.get("replies", 0)))

    def _request(self, tree: dict) -> Any:
        return self.session.request(tree, place=_place_received)


    # ---------------------------------------------------------------- differentiable proxy

    def function(self, target: str) -> Callable[..., Any]:
        """A judge-side differentiable stand-in for a learner function of tensors.

        Its forward is the learner's forward, its backward the learner's
        backward, each computed in the worker; its double backward too. Use it
        with ``torch.autograd.gradcheck`` / ``gradgradcheck``.
        """
        return _remote_derivative(self, target, order=0, splits=[], masks=[])


# Only a hint in a message (the source's text decides nothing): Dynamo keeps what it compiled, and its first compile
# imports some 35 MiB of torch, all of it held before a later measured call (blind round 18)
_COMPILE_NOTE = (" (torch.compile keeps its compiled graphs and the modules its first use imports, tens of MiB, in the "
                 "process: compile nothing in an exercise that measures memory)")


def _refuse_hidden(figures: dict) -> None:
    # Only the worker's own doing hides its /proc entries from its own user: a figure that cannot be read
    # (a peak that cannot be reset, bytes written that cannot be counted) would let it pass unmeasured.
    if figures.get("hidden"):
        raise CheckFailure("prep could not measure your code's memory from outside: the worker made its process "
                           "unreadable (prctl(PR_SET_DUMPABLE, 0), or a program it started)",
                           "leave the process as it is: no prctl, no other programs")


@dataclass
class Measurement:
    """What ``Learner.measure()`` saw; sizes in bytes."""

    rss_before: int
    peak_before: int  # the process's resident size right after the high-water mark was reset
    cpu_before: float
    started: float
    held_before: int = 0  # what the worker held when the block started, above its size before the learner's code
    rss_after: int = 0
    peak: int = 0  # the worker process's resident high-water mark during the block
    cpu_s: float = 0.0
    wall_s: float = 0.0
    written: int = 0  # bytes the worker's processes wrote to files (and pipes other than the replies) in the block
    room: int | None = None  # the bound on held_before the block started under (None: no bound, CPU time only)

    def _memory_figures_allowed(self) -> None:
        # Memory held in advance hides what a block allocates: a memory verdict needs the bound that fresh()
        # and measure(room=...) give. CPU and wall time need none.
        if self.room is None:
            raise InfraError("memory measured without a bound on what the worker held before: use "
                             "learner.fresh() and measure(room=...)")

    @property
    def peak_growth(self) -> int:
        """How far the worker's resident memory rose above where it started, at its highest, plus what it
        wrote out meanwhile (parked on disk instead of held)."""
        self._memory_figures_allowed()
        return max(0, self.peak - self.peak_before) + self.written

    @property
    def kept(self) -> int:
        """How much more the worker holds after the block than before it, counting what it wrote out."""
        self._memory_figures_allowed()
        return self.rss_after - self.rss_before + self.written


def _sent_at(request: dict, path: Any) -> Any:
    """The value the judge sent at ``path`` (``["args", 0, 2]``), or None where the path names nothing sent."""
    if not isinstance(path, list) or len(path) < 2 or path[0] not in ("args", "kwargs"):
        return None
    node: Any = request.get(path[0], [] if path[0] == "args" else {})
    for key in path[1:]:
        try:
            node = node[key]
        except (IndexError, KeyError, TypeError):
            return None
    return node


def _same_bits(sent: torch.Tensor, got: torch.Tensor) -> bool:
    """Same shape, dtype and every bit (NaN equals NaN, -0.0 differs from 0.0): what was sent, unchanged."""
    if sent.shape != got.shape or sent.dtype != got.dtype:
        return False
    a, b = sent.detach().cpu(), got.detach().cpu()
    if a.is_complex():
        a, b = torch.view_as_real(a), torch.view_as_real(b)
    if a.is_floating_point():
        ints = {8: torch.int64, 4: torch.int32, 2: torch.int16, 1: torch.int8}[a.element_size()]
        a, b = a.view(ints), b.view(ints)
    return torch.equal(a, b)


def _changed_message(request: dict, path: list, sent: Any) -> str:
    who = "your code" if request["op"] == "probe" else request["target"]
    kind = "list" if isinstance(sent, list) else "dict"
    where = "" if request["op"] == "probe" else \
        f" ({f'argument {path[1] + 1}' if path[0] == 'args' else f'argument {path[1]!r}'})"
    return (f"{who} changed a {kind} it was given{where}: after the call it holds other items. Leave the caller's "
            f"lists and dicts as they were unless the task says to change them: build new ones (items + [x], "
            "dict(d, key=value), sorted(items), a copy of each inner list) instead of append, extend, insert, pop, "
            "sort or item assignment on the caller's")


def _ambient_message(request: dict, changed: list) -> str:
    """A call that left torch's process-wide settings changed: which, and how to keep them. Only the learner's own
    code is hurt by a forged report, so the worker's word is enough here."""
    what = "; ".join(f"{item[0]} was {item[1]} before and {item[2]} after" for item in changed[:3]
                     if isinstance(item, list) and len(item) == 3)
    target = str(request.get("target")).removesuffix(".apply")
    who = ("your code" if request["op"] == "probe" else target if not request.get("order")
           else f"{target}'s backward" if request["order"] == 1 else f"{target}'s double backward")
    return (f"{who} left torch's process-wide settings changed ({what}): every caller after it would run differently. "
            "Change a setting only for the code that needs it: use the context-manager form (with torch.no_grad():, "
            "with torch.autocast(...):, with torch.autograd.detect_anomaly():) or put the old value back in a "
            "finally: block")


def _written_message(request: dict, path: list) -> str:
    if request["op"] == "probe":
        # a probe drives the learner's code and may use what it returns (a step, an in-place update): a result
        # that shares memory with an input carries that use back into the input, so both causes are named
        return ("your code wrote into a tensor that prep passed to it: the call changed its values (or your code "
                "returned that tensor or a view of it where a new tensor is due, and prep's use of the result wrote "
                "through to it). Leave every tensor you are given as it was unless the task says to change it in "
                "place: compute on a copy or out of place (y = x * 2, not x.mul_(2)); x.detach(), x.data and views of x all "
                "share x's memory")
    target, splits = request["target"], request.get("splits") or []
    if request.get("order") and path[0] == "args" and path[1] >= splits[0]:
        return (f"{target}'s backward wrote into the incoming gradient it was given (grad_output): autograd may hand "
                "the same tensor to other nodes, so backward must never change it in place. Compute a new tensor "
                "(grad_output * mask, or grad_output.clone() before writing into it)")
    where = (f"argument {path[1] + 1}" if path[0] == "args" else f"argument {path[1]!r}") + \
        "".join(f", item {k!r}" for k in path[2:])
    return (f"{target} wrote into its {where}, a tensor of the caller's: the call changed its values. Leave every "
            "tensor you are given as it was unless the task says to change it in place: compute on a copy or out "
            "of place (y = x * 2, not x.mul_(2)); x.detach(), x.data and views of x all share x's memory")


def _place_received(t: torch.Tensor, info: wire.TensorInfo) -> torch.Tensor:
    """Put a received tensor on the device the worker says it was on, and remember what it said."""
    try:
        t = t.to(info.device)
    except (RuntimeError, AssertionError):  # a device this process cannot use: keep it on the CPU
        pass
    setattr(t, INFO_ATTR, info)
    return t


def _remote_derivative(learner: Learner, target: str, order: int, splits: list[int],
                       masks: list[list[bool]]) -> Callable[..., Any]:
    """The order-k derivative function of ``target`` as a judge-side autograd Function, made once per learner and
    level: every backward asks for the next level, and building an autograd Function class costs more than the
    round trip it wraps (a gradcheck makes hundreds)."""
    key = (target, order, tuple(splits), tuple(tuple(m) for m in masks))
    made = learner.derivatives.get(key)
    if made is None:
        made = learner.derivatives[key] = _make_remote_derivative(learner, target, order, splits, masks)
    return made


def _make_remote_derivative(learner: Learner, target: str, order: int, splits: list[int],
                            masks: list[list[bool]]) -> Callable[..., Any]:
    class RemoteFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, *flat: torch.Tensor) -> Any:
            level_splits = splits + [len(flat) - sum(splits)]
            sent = [t.detach().requires_grad_(need) if isinstance(t, torch.Tensor) and t.is_floating_point() else t
                    for t, need in zip(flat, ctx.needs_input_grad)]
            request: dict = {"op": "call", "target": target, "args": sent, "order": order}
            if order:
                request.update(splits=level_splits, masks=masks)
            out = learner._call(request)
            single = not isinstance(out, tuple)
            outs = (out,) if single else out
            for o in outs:
                if not isinstance(o, torch.Tensor):
                    raise CheckFailure(f"{target} must return tensors", f"it returned {_kind(o)}")
            # non-tensor arguments (a float bound, an int) are kept aside: only tensors can be saved
            ctx.save_for_backward(*[t for t in flat if isinstance(t, torch.Tensor)])
            ctx.plain_args = {i: t for i, t in enumerate(flat) if not isinstance(t, torch.Tensor)}
            ctx.level_splits = level_splits
            ctx.single = single
            ctx.out_meta = [(o.shape, o.dtype, o.device) for o in outs]
            clean = tuple(o.detach().clone() for o in outs)
            return clean[0] if single else clean

        @staticmethod
        def backward(ctx: Any, *grads: torch.Tensor) -> Any:
            saved = iter(ctx.saved_tensors)
            flat = [ctx.plain_args[i] if i in ctx.plain_args else next(saved)
                    for i in range(len(ctx.plain_args) + len(ctx.saved_tensors))]
            mask = list(ctx.needs_input_grad)
            cotangents = [torch.zeros(s, dtype=d, device=dev) if g is None else g
                          for g, (s, d, dev) in zip(grads, ctx.out_meta)]
            nxt = _remote_derivative(learner, target, order + 1, ctx.level_splits, masks + [mask])
            res = nxt(*flat, *cotangents)
            res = res if isinstance(res, tuple) else (res,)
            full: list[torch.Tensor | None] = [None] * len(flat)
            for i, r in zip([i for i, m in enumerate(mask) if m], res):
                x = flat[i]
                if r.shape != x.shape or r.dtype != x.dtype or r.device != x.device:
                    raise CheckFailure(
                        f"the gradient {target} returns for input {i} does not match that input",
                        f"gradient: shape {tuple(r.shape)}, {r.dtype}, {r.device}; "
                        f"input: shape {tuple(x.shape)}, {x.dtype}, {x.device}")
                full[i] = r
            return tuple(full)

    def apply(*flat: torch.Tensor) -> Any:
        return RemoteFunction.apply(*flat)

    def derivative(mask: list[bool]) -> Callable[..., Any]:
        """The next level as a function of its own: (this level's inputs, one cotangent per output) to the
        gradients of the inputs ``mask`` marks. gradcheck on it checks the double backward in half the round trips
        of gradgradcheck, which calls this level's forward before every backward (see checks.check_gradients)."""
        return _remote_derivative(learner, target, order + 1, splits + [len(mask)], masks + [list(mask)])

    apply.__name__ = target if order == 0 else f"{target} (derivative {order})"
    apply.derivative = derivative  # type: ignore[attr-defined]
    return apply


def _kind(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, wire.Opaque):
        return f"a {value.type_name}"
    if isinstance(value, (list, tuple, dict)):  # never repr'd whole: its items may be thousands of tensors
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, str):
        value = value[:60]
    return f"a {type(value).__name__} ({value!r:.60})"
