"""Cost of one judge-worker round trip: the unit every remote grader pays (a check of autograd-mul makes about 300).

    .venv/bin/python bench/round_trip.py [--calls 2000]

Starts one worker on the reference of autograd-mul and times ``learner.call`` of its forward on small float64
tensors, and of its backward (order 1), as a prep check makes them: per-call wall time, and the judge's CPU time
per call and the worker's (read by the judge from /proc): on a busy machine the CPU figures are the steadier."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from grader.judge.remote import Learner  # noqa: E402
from grader.judge.session import WorkerSession  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    source = (ROOT / "solutions" / "autograd-mul.py").read_text()
    with WorkerSession() as session:
        session.wait_ready()
        session.request({"op": "load", "source": source, "filename": "autograd-mul.py"})
        learner = Learner(session)
        fn = learner.function("Mul.apply")
        x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
        y = torch.randn(4, dtype=torch.float64, requires_grad=True)
        for label, call in (("forward", lambda: fn(x, y)),
                            ("forward+backward", lambda: torch.autograd.grad(fn(x, y).sum(), (x, y)))):
            for _ in range(50):
                call()
            wall, cpu, worker = time.perf_counter(), time.process_time(), session.measure()["cpu"]
            for _ in range(args.calls):
                call()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            worker = session.measure()["cpu"] - worker
            print(f"{label:>17}: {1e6 * wall / args.calls:6.0f} us per call; CPU per call: judge "
                  f"{1e6 * cpu / args.calls:4.0f} us, worker {1e6 * worker / args.calls:4.0f} us")


if __name__ == "__main__":
    main()
