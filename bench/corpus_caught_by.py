"""Record, for each wrong file of the corpus, the grader that catches it: tests/corpus/caught_by.json.

    .venv/bin/python bench/corpus_caught_by.py [EXERCISE_ID ...]

The corpus test grades a wrong file verdict-only (it stops at the first grader that fails) and runs the grader
named here first, so a wrong file usually costs one grader instead of the half of them that pass before the
failing one in the files' order. This script grades every wrong file the way the test does (its test seed,
verdict-only, the current entry first) and writes the grader that failed. Entries only order graders: a stale
one makes the test slower, never its verdict different. Run it after adding corpus files or changing graders;
with exercise ids it refreshes only theirs and keeps the rest. It prints the graders run per file, the
seconds spent, and the files that no grader caught (the corpus test fails on those).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from grader import bank
    from grader.judge.grading import grade
    from grader.judge.pool import WorkerPool
    from tests.conftest import CAUGHT_BY, CORPUS, seed_for

    ids = sys.argv[1:] or bank.exercise_ids()
    old = json.loads(CAUGHT_BY.read_text(encoding="utf-8")) if CAUGHT_BY.exists() else {}
    new = {k: v for k, v in old.items() if k.split("/", 1)[0] not in ids}
    exercises = [bank.load(i) for i in ids]
    ran = files = 0
    missed = []
    started = time.monotonic()
    with WorkerPool(preload=tuple(m for ex in exercises for m in ex.preload)) as pool:
        for ex in exercises:
            for path in sorted((CORPUS / ex.id).glob("wrong_*.py")):
                key = f"{ex.id}/{path.stem}"
                hint = old.get(key)
                r = grade(ex, path, seed=seed_for(path), pool=pool, verdict_only=True,
                          first=(hint,) if hint else ())
                files += 1
                ran += sum(t.outcome != "not_run" for t in r.tests)
                failed = [t.name for t in r.tests if t.outcome == "failed"]
                if failed:  # none when the file timed out or crashed before any grader: no entry
                    new[key] = failed[0]
                if r.full_marks:
                    missed.append(key)
    CAUGHT_BY.write_text(json.dumps(dict(sorted(new.items())), indent=1, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    print(f"{files} wrong files, {ran / max(files, 1):.2f} graders run per file, "
          f"{time.monotonic() - started:.0f} s; wrote {len(new)} entries to {CAUGHT_BY.relative_to(ROOT)}")
    for key in missed:
        print(f"full marks (no grader caught it): {key}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
