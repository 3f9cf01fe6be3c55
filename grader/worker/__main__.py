"""Entry point of the worker process: ``python -I -B -m grader.worker ...``.

Two ways to start:

* ``--reply-fd N``: one worker. The judge gives it a request pipe on stdin and a
  reply pipe on fd N (see ``process.run_single``).
* ``--zygote --control-fd N``: a warm parent that has imported torch once and
  forks a fresh worker for each submission on request (see ``zygote.py``), so
  that a batch pays torch's import once instead of once per submission.
"""

from __future__ import annotations

import argparse


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
    parser.add_argument("--shm-mb", type=int, default=0, help="zygote: cap on SysV shared memory in its IPC namespace")
    args = parser.parse_args()
    modules = [m for m in args.preload.split(",") if m]

    if args.zygote:
        from grader.worker.zygote import run_zygote

        run_zygote(args.control_fd, args.drop_uid, modules, shm_mb=args.shm_mb)
        return
    from grader.worker.process import run_single

    run_single(args.reply_fd, cpu_s=args.cpu_s, fsize_mb=args.fsize_mb, memory_mb=args.memory_mb, modules=modules)


if __name__ == "__main__":
    main()
