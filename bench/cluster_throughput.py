"""Throughput of `prep grade --cluster` with 1 and 2 Dask workers on this machine, against the local pool.

    .venv/bin/python bench/cluster_throughput.py [--n 60] [--exercise autograd-mul]

Starts a scheduler and workers on 127.0.0.1 (one thread each), grades the same class of N
submissions with 1 and with 2 workers, and with the local pool (--jobs 2), canaries off so that
the figures are the grading itself; prints submissions per second for each, and the start-up cost
(the time to the first stored result). The model behind the numbers is in docs/grading.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from bench.local_dask import LocalDask
    from grader import api, bank

    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--exercise", default="autograd-mul")
    args = parser.parse_args()
    sandboxed = shutil.which("bwrap") is not None and os.geteuid() == 0
    tmp = Path(tempfile.mkdtemp(prefix="prep-cluster-bench-"))
    klass = tmp / "class"
    ref = bank.load(args.exercise).solution_path
    for i in range(args.n):
        (klass / f"l{i:03d}").mkdir(parents=True)
        shutil.copy(ref, klass / f"l{i:03d}" / f"{args.exercise}.py")
    def timed(label: str, **kw: object) -> None:
        first: list[float] = []
        started = time.monotonic()
        api.grade_batch(klass, [args.exercise], out=tmp / label, seed=1, canaries=False,
                        unsafe_no_sandbox=not sandboxed,
                        on_progress=lambda p, r: first.append(time.monotonic()) if r and not first else None, **kw)
        took = time.monotonic() - started
        print(f"{label:>10}: {args.n} in {took:5.1f} s = {args.n / took:5.2f} per s "
              f"(first result after {first[0] - started:4.1f} s)" if first else f"{label}: {took:.1f} s")

    try:
        timed("local-2", jobs=2)
        with LocalDask(tmp) as dask:
            for workers in (1, 2):
                dask.add_workers(1)
                timed(f"dask-{workers}", cluster=dask.address)
        print(f"sandbox: {'on' if sandboxed else 'off (not root or no bubblewrap)'}; {os.cpu_count()} cores")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    main()
