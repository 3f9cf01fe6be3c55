"""What the worker does for each request: load learner code, call into it, run probes.

Requests (each a wire tree, a dict with an ``op``):

* ``prepare`` probes (path or None), bans (dotted names), ban_ops (operator patterns), autograd (bool):
  the seal and the probes, before any learner code exists (the only reply that may report prep's failure)
* ``load``   source, filename: the learner's module (with prepare's fields too, it prepares first)
* ``reset``  seed: torch's global state back to the defaults every grader starts from
* ``call``   target (dotted path in the learner module), args, kwargs, order, splits, watch_inputs: with
  watch_inputs, a call that wrote into a tensor argument answers ``{wire.INPUTS_WRITTEN: paths, "after": tensors,
  "value": value}``, and the judge compares those tensors with what it sent (see ``watched_arguments``)
* ``get``    target: the value of a module attribute (e.g. a quiz's ANSWERS dict)
* ``describe`` target: type facts about an attribute (is it a class, its bases)
* ``probe``  name, args, kwargs, watch_inputs: a function from the exercise's trusted probes module (watched as
  ``call`` is)
* ``shutdown`` (handled by the serve loop: the worker exits)

Each reply is ``{"ok": True, "value": tree}`` or ``{"ok": False, "error": {...}}``.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import inspect
import linecache
import os
import re
import sys
import traceback
import types
from typing import Any, Callable

import torch

from grader import wire
from grader.seeding import seed_generators
from grader.worker import seal

LEARNER_MODULE = "submission"
PROBES_MODULE = "prep_probes"


class ProbeLoadError(RuntimeError):
    """The exercise's own probes module failed to load: prep's fault, never the learner's."""


class Runtime:
    def __init__(self) -> None:
        self.learner: types.ModuleType | None = None
        self.probes: types.ModuleType | None = None
        self.filename = "<submission>"

    # ------------------------------------------------------------ dispatch

    def handle(self, request: dict) -> dict:
        op = request.get("op")
        handler = getattr(self, f"op_{op}", None) if isinstance(op, str) else None
        if handler is None:
            return {"ok": False, "error": {"type": "ProtocolError", "message": f"unknown op {op!r}", "where": "worker"}}
        try:
            return {"ok": True, "value": handler(request)}
        except BaseException as e:  # learner code may raise SystemExit, KeyboardInterrupt, pytest's Skipped...
            return {"ok": False, "error": self._describe_error(e)}

    def _describe_error(self, e: BaseException) -> dict:
        frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == self.filename]
        # The line's text and the class's name are the learner's, of any length (a data literal on one line of a 19 MB
        # file; type("A" * 10**7, (Exception,), {})): uncut, the reply's header outgrew what the judge reads, and a
        # plain exception was reported as a malformed reply (crashed, every later grader lost), or copied megabytes
        # into each grader's message and every export.
        where = f"line {frames[-1].lineno}: {_cut(frames[-1].line or '', 300)}" if frames else ""
        if not frames:  # TorchScript runs the learner's code in its own interpreter: no Python frame, but its own
            # traceback in the message names the learner's file and line (the most recent call last)
            lines = re.findall(r'File "([^"]*)", line (\d+)', str(e)[:20000])
            mine = [int(n) for name, n in lines if name == self.filename]
            if mine:
                text = linecache.getline(self.filename, mine[-1]).strip()
                where = f"line {mine[-1]}, in TorchScript: {_cut(text, 300)}"
        return {
            "type": _cut(type(e).__name__, 200),
            # the classes it derives from, nearest first: a subclass of ValueError is a ValueError to its caller
            "bases": [getattr(c, "__name__", "?")[:200] for c in type(e).__mro__[1:33]],
            "message": str(e)[:2000],
            "where": where,
            "in_learner_code": bool(where),
        }

    # ------------------------------------------------------------ ops

    def op_prepare(self, req: dict) -> Any:
        """Seal what the exercise bans and load its probes: before any learner code exists in this
        process, so the judge can trust this reply's verdict (a failure here is prep's, never the learner's)."""
        # Files and processes outside: the learner's code may write only in its scratch folder (not the graders, not
        # the judge's modules), and may not touch the judge. Its cwd, HOME and TMPDIR are that folder. Where Landlock
        # is missing nothing here can make up for it, and the judge would not trust a report of it: see the docs.
        seal.confine_writes([os.getcwd(), os.environ.get("TMPDIR", ""), os.environ.get("HOME", "")])
        seal.forbid_hidden_stores()  # no xattrs, no keys: data no memory figure sees, or that outlives the worker
        if req.get("one_process"):  # graders measure this process from outside: no child may do the work
            seal.forbid_processes()
        bans, ops = list(req.get("bans") or []), list(req.get("ban_ops") or [])
        autograd = req.get("autograd", True) is not False
        if bans or ops or not autograd:  # first: nothing loaded after this, probes included, can reach what is banned
            try:
                seal.install(bans, ops, str(req.get("ban_message") or "write it yourself"), autograd=autograd,
                             own_source_sha256=str(req.get("own_source_sha256") or ""))
            except seal.SealError as e:
                raise ProbeLoadError(str(e)) from None
        if req.get("probes"):
            try:
                self.probes = _load_module(PROBES_MODULE, path=req["probes"])
            except Exception as e:  # before any learner code has run
                raise ProbeLoadError(f"{type(e).__name__}: {e}") from None
        return None

    def op_load(self, req: dict) -> Any:
        """Run the learner's source as a module. (A request that also names probes or bans prepares first,
        in one step: for tools and tests; the judge sends ``prepare`` on its own, see grading.py.)"""
        if any(k in req for k in ("probes", "bans", "ban_ops", "autograd")):
            self.op_prepare(req)
        self.filename = req.get("filename") or "<submission>"
        self.learner = _load_module(LEARNER_MODULE, source=req["source"], filename=self.filename)
        return None

    def op_warm(self, req: dict) -> Any:
        """Run autograd once (forward, backward, double backward) before any learner code exists here, so that
        its one-off costs (the engine's threads, first allocations) are paid before the judge reads this
        worker's size, and never count in a measurement of the learner's code (see Learner.fresh)."""
        x = torch.linspace(-1.0, 1.0, 64, dtype=torch.float64, requires_grad=True)
        (g,) = torch.autograd.grad((x ** 3).sum(), x, create_graph=True)
        g.sum().backward()
        if req.get("probe"):  # the exercise's own warm-up, called with no submission (none is loaded yet)
            if self.learner is not None or self.probes is None:
                raise RuntimeError("warm-up probes run only in a prepared worker, before the submission loads")
            getattr(self.probes, req["probe"])(None)
        gc.collect()
        seal.trim_heap()
        return None

    def op_collect(self, req: dict) -> Any:
        """Free cyclic garbage (graphs and tensors that earlier calls left in reference cycles) before the judge
        reads how much this worker holds at the start of a measured call: garbage is not what the learner's code
        holds on purpose, and when Python's collector happens to run depends on earlier allocations. Then the heap's
        free pages go back to the kernel: freed memory glibc keeps resident is not held either (seal.trim_heap)."""
        gc.collect()
        seal.trim_heap()
        return None

    def op_reset(self, req: dict) -> Any:
        """Undo what earlier calls may have left in torch's global state, so that one grader's call
        (a learner's ``predict`` that switched grad mode off) cannot fail the graders after it."""
        reset_global_state(int(req.get("seed", 0)))
        return None

    def op_get(self, req: dict) -> Any:
        return self._resolve(req["target"])

    def op_describe(self, req: dict) -> Any:
        obj = self._resolve(req["target"])
        facts: dict[str, Any] = {"type": _qualname(type(obj)), "callable": callable(obj), "is_class": inspect.isclass(obj)}
        if inspect.isclass(obj):
            facts["mro"] = [_qualname(c) for c in obj.__mro__]
        try:
            facts["signature"] = str(inspect.signature(obj))
        except (TypeError, ValueError):
            facts["signature"] = None
        return facts

    def op_call(self, req: dict) -> Any:
        fn = self._resolve(req["target"])
        if not callable(fn):
            raise TypeError(f"{req['target']} is not callable")
        args, kwargs = req.get("args", []), req.get("kwargs", {})
        order = int(req.get("order", 0))
        if order == 0:
            return _watching(req, lambda: fn(*args, **kwargs))
        return _watching(req, lambda: derivative(fn, order, list(req["splits"]), [list(m) for m in req["masks"]])(*args))

    def op_probe(self, req: dict) -> Any:
        if self.probes is None:
            raise RuntimeError("this exercise has no probes module")
        probe = getattr(self.probes, req["name"])
        return _watching(req, lambda: probe(self.learner, *req.get("args", []), **req.get("kwargs", {})))

    def _resolve(self, dotted: str) -> Any:
        if self.learner is None:
            raise RuntimeError("no submission loaded")
        obj: Any = self.learner
        for part in dotted.split("."):
            try:
                obj = getattr(obj, part)
            except AttributeError:
                raise AttributeError(f"your code does not define {dotted!r} (missing {part!r})") from None
        return obj


# ---------------------------------------------------------------- the caller's tensors


def _watching(req: dict, run: Callable[[], Any]) -> Any:
    """``run()``'s value; with ``watch_inputs``, wrapped with what the call changed: tensors whose bytes changed, list
    or dict arguments that hold other items afterwards (their new contents), and torch's process-wide settings
    (``ambient_state``). With ``ambient``, the call starts from that caller's state (``_from_callers_state``)."""
    caller = req.get("ambient")
    if isinstance(caller, dict) and caller:
        return _from_callers_state(caller, lambda: _watching({**req, "ambient": None}, run))
    if not req.get("watch_inputs"):
        return run()
    args, kwargs = req.get("args", []), req.get("kwargs", {})
    watched = watched_arguments(args, kwargs)
    before = [fingerprint(t) for _, t in watched]
    containers = watched_containers(args, kwargs)
    contents = [wire.plain_contents(c) for _, c in containers]
    settings = ambient_state()
    value = run()
    written = [(path, t.detach().clone()) for (path, t), seen in zip(watched, before)
               if seen is not None and fingerprint(t) != seen]
    written += [(path, c) for (path, c), seen in zip(containers, contents) if wire.plain_contents(c) != seen]
    changed = [[name, was, now] for (name, was), now in zip(settings.items(), ambient_state().values()) if was != now]
    if written or changed:
        reply = {wire.INPUTS_WRITTEN: [path for path, _ in written], "after": [after for _, after in written],
                 "value": value}
        if changed:
            reply[wire.AMBIENT_CHANGED] = changed
        return reply
    return value


def _from_callers_state(caller: dict, run: Callable[[], Any]) -> Any:
    """``run()`` started from the caller's state the judge asked for (grad mode off, float64 as the default dtype), as
    a caller's ``with torch.no_grad():`` would start it; the worker's own state is put back afterwards, whatever the
    call left (the watch inside has already compared it with the caller's)."""
    grad, dtype = torch.is_grad_enabled(), torch.get_default_dtype()
    try:
        if "grad" in caller:
            torch.set_grad_enabled(bool(caller["grad"]))
        if "default_dtype" in caller:
            wanted = getattr(torch, str(caller["default_dtype"]), None)
            if wanted not in (torch.float32, torch.float64):
                raise ValueError(f"default dtype {caller['default_dtype']!r} is not float32 or float64")
            torch.set_default_dtype(wanted)
        return run()
    finally:
        torch.set_grad_enabled(grad)
        torch.set_default_dtype(dtype)


def ambient_state() -> dict[str, Any]:
    """torch's process-wide settings that a call must leave as it found them (the ones ``reset_global_state`` puts
    back between graders), as plain values: a function that switches grad mode off and never back on, or leaves
    float64 as the default dtype, changes how every caller after it runs."""
    try:
        saved_hooks = torch._C._autograd._top_saved_tensors_default_hooks(True) is not None
    except (AttributeError, TypeError, RuntimeError):
        saved_hooks = False
    return {
        "grad mode": "on" if torch.is_grad_enabled() else "off",
        "inference mode": "on" if torch.is_inference_mode_enabled() else "off",
        "default dtype": str(torch.get_default_dtype()),
        "anomaly detection": "on" if torch.is_anomaly_enabled() else "off",
        "deterministic algorithms": "on" if torch.are_deterministic_algorithms_enabled() else "off",
        "CPU autocast": "on" if torch.is_autocast_enabled("cpu") else "off",
        "CUDA autocast": "on" if torch.is_autocast_enabled("cuda") else "off",
        "saved-tensor hooks": "set" if saved_hooks else "none",
        "torch function modes": f"{torch._C._len_torch_function_stack()} pushed",
        "dispatch modes": f"{torch._C._len_torch_dispatch_stack()} pushed",
    }


def watched_containers(args: list, kwargs: dict) -> list[tuple[list, Any]]:
    """The list and dict arguments of a call, with their paths: the caller's, which the call must not change."""
    return [([root, key], value) for root, items in (("args", list(enumerate(args))), ("kwargs", list(kwargs.items())))
            for key, value in items if isinstance(value, (list, dict))]


def watched_arguments(args: list, kwargs: dict) -> list[tuple[list, torch.Tensor]]:
    """The tensors a call was given (arguments, and the items of list, tuple and dict arguments), each with its path
    (``["args", 0]``, ``["args", 1, 2]``, ``["kwargs", "x"]``): what the call must leave as it found it."""
    found: list[tuple[list, torch.Tensor]] = []
    for root, items in (("args", list(enumerate(args))), ("kwargs", list(kwargs.items()))):
        for key, value in items:
            if isinstance(value, torch.Tensor):
                found.append(([root, key], value))
            elif isinstance(value, (list, tuple)):
                found += [([root, key, j], t) for j, t in enumerate(value) if isinstance(t, torch.Tensor)]
            elif isinstance(value, dict):
                found += [([root, key, k], t) for k, t in value.items() if isinstance(t, torch.Tensor)]
    return found


def fingerprint(t: torch.Tensor) -> tuple | None:
    """The tensor's geometry and a hash of every byte of its storage, read in place (no copy on the CPU, so a
    measured call's memory is not changed): any write into it shows, through x, x.data, x.detach(), a view or
    numpy alike. None where there are no bytes to read (meta tensors, sparse layouts, wrappers)."""
    if not isinstance(t, torch.Tensor) or t.layout is not torch.strided or t.device.type == "meta":
        return None
    try:
        storage = t.untyped_storage()
        raw = torch.empty(0, dtype=torch.uint8, device=t.device).set_(storage)
        digest = hashlib.blake2b(raw.cpu().numpy(), digest_size=16).digest()
    except Exception:  # a tensor without plain storage: nothing to compare
        return None
    return tuple(t.shape), t.stride(), t.storage_offset(), digest


# ---------------------------------------------------------------- derivatives


def derivative(fn: Callable, order: int, splits: list[int], masks: list[list[bool]]) -> Callable:
    """The order-k vector-Jacobian function of fn, as a function of flat tensor arguments.

    Order 0 is fn itself. Order k+1 takes (the flat inputs of order k, one
    cotangent per output of order k) and returns the gradients of the order-k
    function with respect to the inputs that ``masks[k]`` marks, built with
    create_graph so that it can be differentiated again. ``splits[i]`` is how
    many flat arguments level i adds. With this the judge runs torch's own
    gradcheck and gradgradcheck on a function whose body lives here.
    """
    if order == 0:
        return fn
    inner = derivative(fn, order - 1, splits[:-1], masks[:-1])
    n_inner = sum(splits[:-1])
    mask = masks[-1]

    def vjp(*flat: torch.Tensor) -> tuple[torch.Tensor, ...]:
        inputs, cotangents = list(flat[:n_inner]), flat[n_inner:]
        with torch.enable_grad():
            for i, wanted in enumerate(mask):
                if wanted and not inputs[i].requires_grad:
                    inputs[i] = inputs[i].detach().requires_grad_(True)
            outs = inner(*inputs)
            outs = outs if isinstance(outs, tuple) else (outs,)
            diff_in = [x for x, wanted in zip(inputs, mask) if wanted]
            pairs = [(o, c) for o, c in zip(outs, cotangents) if isinstance(o, torch.Tensor) and o.requires_grad]
            if not pairs:
                return tuple(torch.zeros_like(x) for x in diff_in)
            grads = torch.autograd.grad([o for o, _ in pairs], diff_in, [c for _, c in pairs],
                                        create_graph=True, allow_unused=True)
        return tuple(torch.zeros_like(x) if g is None else g for x, g in zip(diff_in, grads))

    return vjp


# ---------------------------------------------------------------- loading and bans


def _load_module(name: str, *, path: str | None = None, source: str | None = None,
                 filename: str = "<string>") -> types.ModuleType:
    if path is not None:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    module = types.ModuleType(name)
    module.__file__ = filename
    # so that tracebacks can quote the learner's lines
    linecache.cache[filename] = (len(source or ""), None, (source or "").splitlines(True), filename)
    sys.modules[name] = module
    code = compile(source or "", filename, "exec")
    exec(code, module.__dict__)
    return module


def reset_global_state(seed: int) -> None:
    """torch's process-wide settings back to the defaults graders assume."""
    import random

    while torch._C._len_torch_function_stack() > 0:  # modes a learner pushed and never popped
        torch._C._pop_torch_function_stack()
    while torch._C._len_torch_dispatch_stack() > 0:
        torch._C._pop_torch_dispatch_stack()
    if torch.is_inference_mode_enabled():
        _STATE_GUARDS.append(torch.inference_mode(False))
        _STATE_GUARDS[-1].__enter__()
    for device, dtype in (("cpu", torch.bfloat16), ("cuda", torch.float16)):  # autocast left on, or retuned
        try:
            torch.set_autocast_enabled(device, False)
            torch.set_autocast_dtype(device, dtype)
        except (RuntimeError, TypeError, AttributeError):
            pass
    try:
        while torch._C._autograd._top_saved_tensors_default_hooks(True) is not None:
            torch._C._autograd._pop_saved_tensors_default_hooks()
    except (AttributeError, TypeError, RuntimeError):
        pass
    torch.set_grad_enabled(True)
    torch.set_default_dtype(torch.float32)
    torch.autograd.set_detect_anomaly(False)
    # use_deterministic_algorithms(False) also resets Inductor's flag, importing torch._inductor and
    # torch._dynamo to do it (~1 s of CPU in every fresh worker): call it only when there is something
    # to undo (a learner who set either flag has paid that import already).
    if (torch.are_deterministic_algorithms_enabled() or torch.is_deterministic_algorithms_warn_only_enabled()
            or getattr(sys.modules.get("torch._inductor.config"), "deterministic", False)):
        torch.use_deterministic_algorithms(False)
    try:
        torch.set_default_device(None)
    except (AttributeError, TypeError):
        pass
    torch.set_num_threads(1)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    seed_generators(seed)
    random.seed(seed)


_STATE_GUARDS: list[Any] = []


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def describe_opaque(value: Any) -> wire.Opaque:
    """Name a value that cannot cross the wire; its repr is learner code, so guard it."""
    try:
        summary = "" if isinstance(value, torch.Tensor) else repr(value)[:200]
    except Exception:
        summary = ""
    return wire.Opaque(_qualname(type(value)), summary)
