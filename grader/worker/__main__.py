"""Entry point of the worker process: ``python -I -B -m grader.worker ...``.

Two ways to start:

* ``--reply-fd N``: one worker. The judge gives it a request pipe on stdin and a
  reply pipe on fd N.
* ``--zygote --control-fd N``: a warm parent that has imported torch once and
  forks a fresh worker for each submission on request (see ``zygote.py``), so
  that a batch pays torch's import once instead of once per submission.

Either way, before any learner code runs the worker moves its pipes to private
descriptors, points stdin at /dev/null (``input()`` cannot hang or eat
requests) and stdout at its log (prints cannot corrupt replies), and lowers its
own resource limits so learner code cannot raise them again.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import sys


def _limit(kind: int, value: int) -> None:
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value))


def warm_up() -> None:
    """The first autograd.grad call with explicit grad_outputs imports sympy (~0.25 s): pay it early."""
    import torch

    x = torch.ones(2, dtype=torch.float64, requires_grad=True)
    torch.autograd.grad((x * x).sum(), x, torch.ones((), dtype=torch.float64), create_graph=True)


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


def serve(request_fd: int, reply_fd: int, *, warm: bool, modules: list[str] | None = None) -> None:
    """Answer requests until the judge closes the pipe or says shutdown; never returns."""
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
    if warm:
        warm_up()  # while the judge finishes its own imports
    preload(modules or [])
    while True:
        try:
            request = wire.decode(wire.read_frame(request_fd), place=place)
        except (wire.PeerClosed, wire.WireError):
            break
        if not isinstance(request, dict) or request.get("op") == "shutdown":
            break
        send(runtime.handle(request))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip interpreter teardown (about 0.4 s with torch loaded)


def main() -> None:
    parser = argparse.ArgumentParser(prog="grader.worker")
    parser.add_argument("--reply-fd", type=int)
    parser.add_argument("--zygote", action="store_true")
    parser.add_argument("--control-fd", type=int)
    parser.add_argument("--drop-uid", type=int)
    parser.add_argument("--preload", default="", help="comma-separated modules the zygote imports once")
    parser.add_argument("--cpu-s", type=int, default=0)
    parser.add_argument("--fsize-mb", type=int, default=64)
    parser.add_argument("--memory-mb", type=int, default=0)
    args = parser.parse_args()

    if args.zygote:
        from grader.worker.zygote import run_zygote

        run_zygote(args.control_fd, args.drop_uid, [m for m in args.preload.split(",") if m])
        return

    request_fd = os.dup(0)
    reply_fd = os.dup(args.reply_fd)
    os.close(args.reply_fd)
    isolate_stdio()

    import torch

    torch.set_num_threads(1)  # graders compare numbers, not speed; one thread keeps runs deterministic
    apply_limits(args.cpu_s, args.fsize_mb, memory_mb=args.memory_mb)
    serve(request_fd, reply_fd, warm=True, modules=[m for m in args.preload.split(",") if m])


if __name__ == "__main__":
    main()
