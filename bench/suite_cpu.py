"""Where the test suite's CPU goes: a pytest plugin, and a summary of what it recorded.

CI is CPU-bound (two cores busy for the whole run), so wall time under load says little; CPU seconds do. The plugin
keeps one test in every ``PREP_SAMPLE`` of each test file (10 by default; 1 keeps them all) and appends each kept
test's CPU seconds to ``PREP_CPU_OUT``: this process's, its reaped children's, and the CPU of the children still alive
(a zygote's count includes the workers it forked and reaped). Run it, then summarise per file, scaled back up::

    PYTHONPATH=bench .venv/bin/python -m pytest -q -n 2 -p suite_cpu          # a 1-in-10 sample
    .venv/bin/python bench/suite_cpu.py                                       # per file, most CPU first
"""

from __future__ import annotations

import collections
import json
import os
import resource
import time

import pytest

SAMPLE = int(os.environ.get("PREP_SAMPLE", "10"))
OUT = os.environ.get("PREP_CPU_OUT", "suite_cpu.jsonl")
TICKS = os.sysconf("SC_CLK_TCK")


def _live_children_cpu() -> float:
    me, total = os.getpid(), 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == me:  # utime, stime, cutime, cstime
            total += sum(int(x) for x in fields[11:15]) / TICKS
    return total


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime + _live_children_cpu()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    seen: collections.Counter[str] = collections.Counter()
    kept = []
    for item in items:
        path = item.nodeid.split("::")[0]
        if seen[path] % SAMPLE == 0:
            kept.append(item)
        seen[path] += 1
    items[:] = kept
    with open(OUT + ".counts", "w", encoding="utf-8") as out:  # every xdist worker collects the same: any one's
        json.dump(seen, out)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):  # noqa: ARG001
    cpu, wall = _cpu(), time.perf_counter()
    yield
    with open(OUT, "a", encoding="utf-8") as out:
        out.write(json.dumps({"id": item.nodeid, "cpu": _cpu() - cpu, "wall": time.perf_counter() - wall}) + "\n")


def main() -> None:
    rows = [json.loads(line) for line in open(OUT, encoding="utf-8")]
    counts = json.load(open(OUT + ".counts", encoding="utf-8"))
    by_file: dict[str, list[float]] = collections.defaultdict(list)
    for row in rows:
        by_file[row["id"].split("::")[0]].append(row["cpu"])
    # each file's sampled mean times its number of tests (a file of 5 tests has 1 sampled, not 1 in 10)
    whole = {path: sum(cpu) / len(cpu) * counts.get(path, len(cpu)) for path, cpu in by_file.items()}
    total = sum(whole.values())
    print(f"{len(rows)} tests sampled (1 in {SAMPLE}); about {total / 60:.0f} CPU minutes for the whole suite")
    for path, cpu in sorted(by_file.items(), key=lambda kv: -whole[kv[0]]):
        print(f"{path:45s} {counts.get(path, len(cpu)):5d} tests {len(cpu):4d} sampled  {sum(cpu) / len(cpu):6.2f} s "
              f"each  {whole[path] / total:6.1%}")


if __name__ == "__main__":
    main()
