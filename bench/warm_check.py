"""How fast is a re-check, warm, next to today's cold `%prep check`? Measured side by side.

Three ways to grade the reference answer of autograd-mul, each round running all three in turn
(so that machine noise hits them alike):

* cold: what `%prep check` did before the warm judge (and still does as its fallback): a fresh
  judge process and a spawned worker, both importing torch (`grader.jupyter.judge.run`);
* warm: the notebook's warm judge (`grader.jupyter.warm.WarmJudge`), started once; each check
  forks a worker from its zygote;
* watch: what `prep watch` does on each save: `api.check` with the warm pool it keeps in-process.

Each gets its wall time and the CPU seconds it cost (the judge's and the worker's, read from
/proc): on a busy machine the wall time stretches with the load, the CPU time hardly does. The
first check of the warm judge and of `prep watch` (which pay their start-up) are reported apart.
Targets: a warm re-check and a `prep watch` re-check <= 0.5 s on a quiet machine.

    .venv/bin/python bench/warm_check.py [--rounds 10] [--json bench/results/warm_check.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = "autograd-mul"
TARGET_S = 0.5
TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(pid: int, *, children: bool = False) -> float:
    """CPU seconds of a process (and, with children, of the children it has waited for)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if children else 0)
    return ticks / TICK


def reference_answers() -> dict[str, str]:
    from grader import authoring, bank

    nb = json.loads(authoring.generate_notebook(bank.load(EXERCISE), with_solutions=True))
    return {c["id"]: c["source"] for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the raw timings here")
    args = parser.parse_args()
    os.environ["PREP_HOME"] = tempfile.mkdtemp(prefix="prep-bench-")

    from grader import api
    from grader.jupyter import judge, warm, watch

    answers = reference_answers()
    ex = api.get_exercise(EXERCISE)
    notebook = Path(tempfile.mkdtemp(prefix="prep-bench-nb-")) / f"{EXERCISE}.ipynb"
    notebook.write_text(json.dumps(judge.build_notebook(ex, answers)))
    load_before = load_average()

    def check_ok(result) -> None:
        if not result.full_marks:
            raise SystemExit(f"the reference answer did not get full marks: {result.status} {result.score}")

    # First checks: they pay the start-up (torch in the judge and in the zygote).
    started = time.perf_counter()
    judge_proc = warm.WarmJudge()
    judge_proc.start()
    check_ok(judge_proc.check(EXERCISE, answers, seed=None, record_as="bench", record=True, timeout_s=600))
    warm_first = time.perf_counter() - started
    started = time.perf_counter()
    pool = watch.start_pool(ex)
    check_ok(api.check(EXERCISE, notebook, pool=pool))
    watch_first = time.perf_counter() - started

    def cold() -> float:
        before = os.times()
        check_ok(judge.run(EXERCISE, answers, record_as="bench", record=True))
        after = os.times()
        return (after.children_user - before.children_user) + (after.children_system - before.children_system)

    def warm_check() -> float:
        before = cpu_of(judge_proc.pid) + cpu_of(judge_proc.zygote, children=True)
        check_ok(judge_proc.check(EXERCISE, answers, seed=None, record_as="bench", record=True, timeout_s=600))
        return cpu_of(judge_proc.pid) + cpu_of(judge_proc.zygote, children=True) - before

    def watch_recheck() -> float:
        before = time.process_time() + cpu_of(pool.zygote_pid, children=True)
        check_ok(api.check(EXERCISE, notebook, pool=pool))
        return time.process_time() + cpu_of(pool.zygote_pid, children=True) - before

    runs = {"cold %prep check (fresh judge + worker)": cold, "warm judge re-check": warm_check,
            "prep watch re-check": watch_recheck}
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    try:
        for _ in range(args.rounds):
            for name, run in runs.items():
                t = time.perf_counter()
                c = run()
                wall[name].append(time.perf_counter() - t)
                cpu[name].append(c)
    finally:
        judge_proc.close()
        pool.close()

    cold_name = next(iter(runs))
    anchor = statistics.median(wall[cold_name])
    print(f"load average: {load_before} before, {load_average()} after; {os.cpu_count()} CPUs")
    print(f"{'check of ' + EXERCISE:<42} {'median':>7} {'min':>7} {'max':>7} {'cpu s':>7} {'x cold':>7}"
          f"   ({args.rounds} rounds)")
    for name in runs:
        med = statistics.median(wall[name])
        print(f"{name:<42} {med:7.3f} {min(wall[name]):7.3f} {max(wall[name]):7.3f} "
              f"{statistics.median(cpu[name]):7.3f} {med / anchor:7.2f}")
    print(f"{'warm judge: first check (start-up)':<42} {warm_first:7.3f}")
    print(f"{'prep watch: first check (start-up)':<42} {watch_first:7.3f}")
    load = load_average().split()[0]
    for name in list(runs)[1:]:
        med = statistics.median(wall[name])
        print(f"\n{name} = {med:.3f} s ({statistics.median(cpu[name]):.3f} CPU s), {med / anchor:.2f}x cold "
              f"(target <= {TARGET_S} s on a quiet machine): {'ok' if med <= TARGET_S else 'MISSED'} at load {load}",
              end="")
    print()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"rounds": args.rounds, "load": [load_before, load_average()],
                                         "wall": wall, "cpu": cpu, "warm_first": warm_first,
                                         "watch_first": watch_first}, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
