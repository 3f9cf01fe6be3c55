"""Grade every exercise's reference, stub and corpus on every available device; report what differs.

Run by bench/gpu_parity.sh on a machine with a GPU (it also runs on a CPU-only machine, where it
checks the same expectations on the CPU and says CUDA was not there). Each grader already runs on
every available device and passes only if it passes on all of them, so an expectation that holds on
the CPU and fails here is a CUDA problem: the report lists the graders whose message is marked
``[cuda]``. Several judge processes, each with its own warm worker pool, share the machine.

    python bench/gpu_parity.py [--jobs 8] [--budget-s 420] [--out DIR] [EXERCISE_ID ...]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_POOL: dict[str, Any] = {}


def _init() -> None:
    from grader import bank
    from grader.judge.grading import warm_up_judge
    from grader.judge.pool import WorkerPool

    _POOL["pool"] = WorkerPool(preload=tuple(m for ex in bank.load_all() for m in ex.preload))
    warm_up_judge()


def _grade(ex_id: str, path: str, want: str, seed: int) -> dict[str, Any]:
    from grader import bank
    from grader.judge.grading import grade

    ex = bank.load(ex_id)
    started = time.monotonic()
    try:
        r = grade(ex, Path(path), seed=seed, pool=_POOL["pool"])
    except Exception as e:  # the harness itself broke
        return {"exercise": ex_id, "file": path, "want": want, "ok": False, "status": "harness_error",
                "message": f"{type(e).__name__}: {e}", "seconds": time.monotonic() - started, "failing": {}}
    if want == "full":
        ok = r.full_marks
    elif want == "zero":
        ok = r.status == "graded" and r.score == 0
    else:  # a wrong solution must lose points
        ok = not r.full_marks and r.status != "infra_error"
    failing = {t.name: t.message for t in r.tests if t.outcome != "passed"}
    return {"exercise": ex_id, "file": str(Path(path).relative_to(ROOT)) if str(path).startswith(str(ROOT)) else path,
            "want": want, "ok": ok, "status": r.status, "score": r.score, "max_score": r.max_score,
            "devices": r.devices, "message": r.message, "seconds": time.monotonic() - started,
            "failing": failing if not ok else {},
            "cuda_only": sorted(n for n, m in failing.items() if m.startswith("[cuda]")) if want == "full" else []}


def jobs_for(ids: list[str], notebooks: Path | None) -> list[tuple[str, str, str]]:
    from grader import authoring, bank

    jobs = []
    for ex in (bank.load(i) for i in ids):
        jobs.append((ex.id, str(ex.solution_path), "full"))
        jobs.append((ex.id, str(ex.stub_path), "zero"))
        if notebooks is not None:
            nb = notebooks / f"{ex.id}.ipynb"
            nb.write_text(authoring.generate_notebook(ex, with_solutions=True), encoding="utf-8")
            jobs.append((ex.id, str(nb), "full"))
        for f in sorted((ROOT / "tests" / "corpus" / ex.id).glob("*.py")):
            jobs.append((ex.id, str(f), "full" if f.stem.startswith("right_") else "lose"))
    return jobs


def main() -> int:
    import tempfile

    import torch

    from grader import bank

    parser = argparse.ArgumentParser()
    parser.add_argument("ids", nargs="*")
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--budget-s", type=float, default=420.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "gpu")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    cuda = torch.cuda.is_available()
    header = {"torch": torch.__version__, "cuda": cuda,
              "device": torch.cuda.get_device_name(0) if cuda else "none (CPU only)",
              "python": sys.version.split()[0]}
    print(json.dumps(header))
    try:
        import nbformat  # noqa: F401

        notebooks: Path | None = Path(tempfile.mkdtemp(prefix="prep-gpu-nb-"))
    except ImportError:
        notebooks = None
        print("nbformat is not installed: the notebook cases are skipped")
    ids = args.ids or bank.exercise_ids()
    jobs = jobs_for(ids, notebooks)
    started = time.monotonic()
    results: list[dict[str, Any]] = []
    skipped = 0
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(args.jobs, mp_context=ctx, initializer=_init) as pool:
        futures = {pool.submit(_grade, *job, args.seed): job for job in jobs}
        for future in concurrent.futures.as_completed(futures):
            if time.monotonic() - started > args.budget_s:
                skipped += sum(1 for f in futures if f.cancel())
            try:
                r = future.result()
            except concurrent.futures.CancelledError:
                continue
            except Exception as e:
                ex_id, path, want = futures[future]
                r = {"exercise": ex_id, "file": path, "want": want, "ok": False, "status": "harness_error",
                     "message": repr(e), "failing": {}, "seconds": 0.0}
            results.append(r)
            if not r["ok"]:
                print(f"FAIL {r['exercise']} {r['file']} (want {r['want']}): {r['status']} "
                      f"{r.get('score')}/{r.get('max_score')} {list(r['failing'])[:4]}")
    took = time.monotonic() - started
    bad = [r for r in results if not r["ok"]]
    cuda_only = [r for r in bad if r.get("cuda_only")]
    lines = [f"# GPU parity ({time.strftime('%Y-%m-%d %H:%M')})", "",
             f"torch {header['torch']}, python {header['python']}, device: {header['device']}", "",
             f"{len(results)} gradings in {took:.0f} s with {args.jobs} judge processes ({skipped} not run: budget);",
             f"{len(results) - len(bad)} as expected, {len(bad)} not ({len(cuda_only)} failing on CUDA only).", ""]
    if bad:
        lines += ["| exercise | file | expected | got | failing graders |", "|---|---|---|---|---|"]
        for r in sorted(bad, key=lambda r: (r["exercise"], r["file"])):
            failing = "; ".join(f"{n}: {m.splitlines()[0][:120]}" for n, m in list(r["failing"].items())[:4])
            lines.append(f"| {r['exercise']} | {Path(r['file']).name} | {r['want']} | {r['status']} "
                         f"{r.get('score')}/{r.get('max_score')} | {failing or r.get('message', '')[:200]} |")
    slowest = sorted(results, key=lambda r: -r.get("seconds", 0))[:5]
    lines += ["", "Slowest gradings: " + ", ".join(f"{Path(r['file']).name} {r['seconds']:.1f} s" for r in slowest)]
    (args.out / "gpu-parity.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (args.out / "gpu-parity.json").write_text(json.dumps({"header": header, "seconds": took, "skipped": skipped,
                                                           "results": results}, indent=1), encoding="utf-8")
    print("\n".join(lines))
    return 0 if not bad and not skipped else 1


if __name__ == "__main__":
    sys.exit(main())
