"""Entry point of the worker process: ``python -I -B -m grader.worker --reply-fd N ...``.

The judge starts this with a request pipe on stdin and a reply pipe on
``--reply-fd``. Before any learner code runs, the worker moves both pipes to
private descriptors, points stdin at /dev/null (``input()`` cannot hang or
eat requests) and stdout at stderr (prints cannot corrupt replies), imports
torch once, and lowers its own resource limits so learner code cannot raise
them again.
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


def _warm_up() -> None:
    import torch

    x = torch.ones(2, dtype=torch.float64, requires_grad=True)
    torch.autograd.grad((x * x).sum(), x, torch.ones((), dtype=torch.float64), create_graph=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="grader.worker")
    parser.add_argument("--reply-fd", type=int, required=True)
    parser.add_argument("--cpu-s", type=int, default=0)
    parser.add_argument("--fsize-mb", type=int, default=64)
    parser.add_argument("--nofile", type=int, default=256)
    args = parser.parse_args()

    request_fd = os.dup(0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    reply_fd = os.dup(args.reply_fd)
    os.close(args.reply_fd)

    import torch

    torch.set_num_threads(1)  # graders compare numbers, not speed; one thread keeps runs deterministic

    from grader import wire
    from grader.worker.runtime import Runtime, describe_opaque

    # Writing past the file-size limit fails with EFBIG instead of killing the worker.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _limit(resource.RLIMIT_FSIZE, args.fsize_mb << 20)
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_NOFILE, args.nofile)
    if args.cpu_s:
        _limit(resource.RLIMIT_CPU, args.cpu_s)

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
    # While the judge finishes its own imports: the first autograd.grad call with explicit
    # grad_outputs imports sympy (~0.25 s); pay that now rather than inside the first check.
    _warm_up()
    while True:
        try:
            request = wire.decode(wire.read_frame(request_fd), place=place)
        except wire.PeerClosed:
            break
        if not isinstance(request, dict) or request.get("op") == "shutdown":
            break
        send(runtime.handle(request))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip interpreter teardown (about 0.4 s with torch loaded)


if __name__ == "__main__":
    main()
