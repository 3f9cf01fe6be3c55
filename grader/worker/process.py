"""The worker process around the runtime: stdio, resource limits, warm-up, and the request loop.

Shared by both ways a worker starts (spawned by ``__main__``, or forked by the zygote), so that
each module has one job: ``__main__`` parses arguments, ``zygote`` forks, this module serves.
Before any learner code runs the worker moves its pipes to private descriptors, points stdin at
/dev/null (``input()`` cannot hang or eat requests) and stdout at its log (prints cannot corrupt
replies), and lowers its own resource limits so learner code cannot raise them again.
"""

from __future__ import annotations

import os
import resource
import signal
import sys


def _limit(kind: int, value: int) -> None:
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value))


def warm_up(*, plain_shapes: bool = False) -> None:
    """The first autograd.grad call with explicit grad_outputs imports sympy (~0.25 s): pay it early,
    or, with ``plain_shapes`` (a worker for one submission), spare it until something needs it."""
    import torch

    if plain_shapes:
        from grader import plain_shapes as stand_in

        stand_in.install()

    x = torch.ones(2, dtype=torch.float64, requires_grad=True)
    torch.autograd.grad((x * x).sum(), x, torch.ones((), dtype=torch.float64), create_graph=True)
    compile_eagerly()


def compile_eagerly() -> None:
    """Give a learner's ``torch.compile`` (and ``nn.Module.compile``, which calls it) the eager backend by default.

    The default backend, inductor, cannot run in a sealed worker: it hashes every source file of torch for its cache
    key (the seal refuses to open those of a part an exercise bans), writes its cache under /tmp and builds C++ in
    compiler processes, seconds per graph. Graders judge what code computes, so the right answer that compiles a
    helper must score as it runs: Dynamo still traces it (graph breaks, ``fullgraph`` errors and recompile limits
    behave as with inductor); only the code generation is left out. A backend named by the code, other than
    inductor, is kept. Setting torch's default backend instead would import torch._dynamo (~2 s) in every worker.
    """
    import functools

    import torch

    compile = torch.compile

    @functools.wraps(compile)
    def eager_by_default(model: object = None, **kwargs: object) -> object:
        if kwargs.get("backend") in (None, "inductor"):
            kwargs = {k: v for k, v in kwargs.items() if k not in ("mode", "options")}  # inductor's settings
            kwargs["backend"] = "eager"
        return compile(model, **kwargs)

    torch.compile = eager_by_default


def apply_limits(cpu_s: int, fsize_mb: int, nofile: int = 256, memory_mb: int = 0, nproc: int = 0) -> None:
    # Writing past the file-size limit fails with EFBIG instead of killing the worker.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _limit(resource.RLIMIT_FSIZE, fsize_mb << 20)
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_NOFILE, nofile)
    if cpu_s:
        _limit(resource.RLIMIT_CPU, cpu_s)
    if nproc:  # counts threads too, and only binds a non-root uid
        _limit(resource.RLIMIT_NPROC, nproc)
    if memory_mb and not _cuda_possible():
        # A backstop for allocations too large to ever touch (torch.empty(1 << 40)): address space
        # beyond what is mapped now plus the memory limit fails at once. CUDA reserves huge
        # address ranges, so with CUDA the judge's resident-memory watch is the only limit.
        with open("/proc/self/statm", "rb") as f:
            mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _limit(resource.RLIMIT_AS, mapped + (memory_mb << 20))


def _cuda_possible() -> bool:
    import torch

    return torch.cuda.is_available()


def isolate_stdio(log_fd: int | None = None) -> None:
    """stdin from /dev/null; stdout and stderr to the log (or to stderr as it is)."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    if log_fd is not None:
        os.dup2(log_fd, 2)
    os.dup2(2, 1)


def preload(modules: list[str]) -> None:
    """Import modules some exercises need and torch imports lazily (torch._dynamo: ~2 s)."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def numerics_defaults() -> None:
    """The numeric settings every run starts from, in the worker and in the judge alike: one thread,
    full-precision float32 matmuls on GPUs (no TF32), no cuDNN autotuning."""
    import torch

    torch.set_num_threads(1)  # graders compare numbers, not speed; one thread keeps runs deterministic
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = False
    torch.set_float32_matmul_precision("highest")


def serve(request_fd: int, reply_fd: int, *, warm: bool, modules: list[str] | None = None) -> None:
    """Answer requests until the judge closes the pipe or says shutdown; never returns. ``warm``: a
    spawned worker for one submission warms itself up (a zygote's child was warmed in the zygote)."""
    import torch

    from grader import wire
    from grader.worker.runtime import Runtime, describe_opaque

    def place(t: "torch.Tensor", info: wire.TensorInfo) -> "torch.Tensor":
        t = t.to(info.device)
        if info.requires_grad and (t.is_floating_point() or t.is_complex()):
            t.requires_grad_(True)
        return t

    def send(reply: dict) -> None:
        try:
            body = wire.encode(reply, on_opaque=describe_opaque)
        except Exception as e:  # an unencodable learner value becomes an error reply
            body = wire.encode({"ok": False, "error": {"type": type(e).__name__, "message": str(e)[:500],
                                                       "where": "", "in_learner_code": False}})
        wire.write_frame(reply_fd, body)

    runtime = Runtime()
    send({"ok": True, "value": {"torch": torch.__version__, "pid": os.getpid()}})
    preload(modules or [])  # before the stand-in: an exercise that preloads the real module keeps it
    if warm:
        warm_up(plain_shapes=True)  # while the judge finishes its own imports
    while True:
        try:
            # the judge's requests: their header holds the submission's source, escaped twice (see decode)
            request = wire.decode(wire.read_frame(request_fd), place=place, layouts=True,
                                  max_header=wire.MAX_FRAME_BYTES)
        except (wire.PeerClosed, wire.WireError):
            break
        if not isinstance(request, dict) or request.get("op") == "shutdown":
            break
        send(runtime.handle(request))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip interpreter teardown (about 0.4 s with torch loaded)


def run_single(reply_fd_arg: int, *, cpu_s: int, fsize_mb: int, memory_mb: int, modules: list[str]) -> None:
    """A spawned worker: requests on stdin, replies on ``reply_fd_arg``."""
    request_fd = os.dup(0)
    reply_fd = os.dup(reply_fd_arg)
    os.close(reply_fd_arg)
    isolate_stdio()
    numerics_defaults()
    apply_limits(cpu_s, fsize_mb, memory_mb=memory_mb)
    serve(request_fd, reply_fd, warm=True, modules=modules)
