"""Grade corpus files (and ban attacks) under several seeds: a verdict must never depend on the seed.

    .venv/bin/python bench/corpus_seeds.py [EXERCISE_ID ...] [--seeds 5] [--first-seed 1] [--right-only]
                                           [--corpus DIR]

For every tests/corpus/<id>/wrong_*.py the script reports the seeds under which it got full marks
(a mutant caught only by some seeds is a flaky grader), and for every right_*.py the seeds under
which it lost points, with the status and each failed grader's message (a timeout under load, or a
grader). --corpus grades another folder laid out the same way (DIR/<id>/wrong_*.py,
DIR/<id>/right_*.py), for example a blind round's files before they join tests/corpus. With --right-only it grades only the reference solution and the right_*.py files, the sweep
that finds tolerances too tight for some draws (a right answer that loses points one run in a hundred). Exit status 0 only when every verdict is the same under every seed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from grader import bank
    from grader.judge.grading import grade
    from grader.judge.pool import WorkerPool

    parser = argparse.ArgumentParser()
    parser.add_argument("ids", nargs="*")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus",
                        help="folder of <id>/wrong_*.py and <id>/right_*.py files (default tests/corpus)")
    parser.add_argument("--right-only", action="store_true",
                        help="grade only solutions/<id>.py and the right_*.py files")
    args = parser.parse_args()
    ids = args.ids or bank.exercise_ids()
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    bad = 0
    started = time.monotonic()
    exercises = [bank.load(i) for i in ids]
    with WorkerPool(preload=tuple(m for ex in exercises for m in ex.preload)) as pool:
        for ex in exercises:
            files = sorted((args.corpus / ex.id).glob("*.py"))
            if args.right_only:
                files = [ROOT / "solutions" / f"{ex.id}.py"] + [f for f in files if f.stem.startswith("right_")]
            for path in files:
                want_full = path.stem.startswith("right_") or path.parent.name == "solutions"
                wrong_seeds = []
                for seed in seeds:
                    r = grade(ex, path, seed=seed, pool=pool, verdict_only=not want_full)
                    if r.full_marks != want_full:
                        wrong_seeds.append((seed, r))
                if wrong_seeds:
                    bad += 1
                    kind = "lost points" if want_full else "got full marks"
                    print(f"{ex.id}/{path.name}: {kind} under seeds {[s for s, _ in wrong_seeds]} "
                          f"(of {len(seeds)})")
                    for seed, r in wrong_seeds if want_full else ():  # why: a timeout under load, or a grader
                        failed = [f"{t.name}: {t.message}" for t in r.tests
                                  if t.outcome != "passed" and r.status == "graded"]
                        print(f"    seed {seed}: {r.status} {r.score}/{r.max_score} {r.message or ''}".rstrip())
                        for line in failed:
                            print(f"      {line[:300]}")
                else:
                    print(f"{ex.id}/{path.name}: ok under {len(seeds)} seeds")
    print(f"{bad} file(s) with a wrong or seed-dependent verdict; {time.monotonic() - started:.0f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
