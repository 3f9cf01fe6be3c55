"""Batch throughput: `prep grade` (sandbox on) against `nbgrader autograde`, on the same notebooks.

Builds, in a scratch folder, an nbgrader course with one assignment: the autograd-mul notebook
(its answer cells are nbgrader solution cells) plus one autograded test cell of nbgrader's kind
(asserts on the forward, the backward and torch's gradcheck). N students submit the released
notebook with the answers filled in, half of them right and half wrong. Then it times, on those
same files:

* `nbgrader autograde ps1` (serial, one kernel per notebook);
* `prep grade submitted --assignment ps1 --exercise autograd-mul` with the strong sandbox, for
  N and for 2N submissions (to show the cost is linear), canaries included;
* with ``--warm-cluster``, also the same command with ``--cluster`` against a Dask scheduler and
  ``--jobs`` workers started on this machine beforehand and kept running, as an instructor keeps a
  grading service up: an earlier batch (the same class, into another --out) warmed its judges and vouched for the
  canaries, so the timed run pays no start-up (no process imports torch). The cold figure stays
  the headline; the warm one is what each later run of that service costs.

    .venv/bin/python bench/grade_vs_nbgrader.py [--students 20] [--jobs 2] [--warm-cluster]

The target is a throughput ratio of at least 25x.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.local_dask import LocalDask  # noqa: E402
from grader import authoring, bank  # noqa: E402

TEST_CELL = '''import torch
x = torch.randn(3, 1, dtype=torch.float64, requires_grad=True)
y = torch.randn(1, 4, dtype=torch.float64, requires_grad=True)
assert torch.allclose(Mul.apply(x, y), x * y)
gx, gy = torch.autograd.grad(Mul.apply(x, y).sum(), (x, y))
assert torch.allclose(gx, y.sum().expand(3, 1)) and torch.allclose(gy, x.sum().expand(1, 4))
assert torch.autograd.gradcheck(Mul.apply, (x, y))
'''
WRONG_BACKWARD = ("(grad_z * y).sum_to_size(x.shape)", "(grad_z * x).sum_to_size(x.shape)")


def build_course(base: Path, students: int) -> Path:
    import nbformat

    ex = bank.load("autograd-mul")
    course = base / "course"
    nb = nbformat.reads(authoring.generate_notebook(ex, with_solutions=True), as_version=4)
    test = nbformat.v4.new_code_cell(TEST_CELL, id="autograd-mul-tests")
    test.metadata["nbgrader"] = {"grade": True, "grade_id": "autograd-mul-tests", "locked": True, "points": 3,
                                 "schema_version": 3, "solution": False, "task": False}
    nb.cells.insert(len(nb.cells) - 1, test)
    source = course / "source" / "ps1"
    source.mkdir(parents=True)
    nbformat.write(nb, source / "autograd-mul.ipynb")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.root = %r\nc.CourseDirectory.course_id = 'bench'\n"
        "c.Execute.timeout = 60\n" % str(course))
    run([sys.executable, "-m", "nbgrader", "generate_assignment", "ps1", "--force", "--create"], course)
    released = nbformat.read(course / "release" / "ps1" / "autograd-mul.ipynb", as_version=4)
    solution = {c.id: c.source for c in nb.cells}
    for i in range(students):
        sub = nbformat.from_dict(json.loads(json.dumps(released)))
        for cell in sub.cells:
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = solution[cell.id]
                if i % 2 and WRONG_BACKWARD[0] in cell.source:
                    cell.source = cell.source.replace(*WRONG_BACKWARD)
        folder = course / "submitted" / f"s{i:03d}" / "ps1"
        folder.mkdir(parents=True)
        nbformat.write(sub, folder / "autograd-mul.ipynb")
    return course


def run(argv: list[str], cwd: Path) -> float:
    # nbgrader runs a bare `alembic` when it creates its gradebook: the venv's bin must be on PATH
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout[-1500:]}\n{proc.stderr[-3000:]}")
    return elapsed


def prep_grade(course: Path, jobs: int, out: Path, *extra: str, folder: str = "submitted") -> float:
    prep = str(Path(sys.executable).with_name("prep"))
    return run([prep, "grade", str(course / folder), "--assignment", "ps1", "--exercise", "autograd-mul",
                "--out", str(out), "--jobs", str(jobs), *extra], ROOT)


def warm_cluster_time(base: Path, course: Path, jobs: int) -> float:
    """One timed `prep grade --cluster` on a service that graded another class before (see the docstring)."""
    with LocalDask(base) as dask:
        dask.add_workers(jobs)
        shutil.copytree(course / "submitted", course / "earlier")
        prep_grade(course, jobs, base / "prep-earlier", "--cluster", dask.address, folder="earlier")
        return prep_grade(course, jobs, base / "prep-warm", "--cluster", dask.address)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--warm-cluster", action="store_true",
                        help="also time prep grade --cluster on a local Dask service kept warm (needs prep[cluster])")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="prep-bench-grade-"))
    os.environ["PREP_HOME"] = str(base / "home")
    try:
        course = build_course(base, args.students)
        nb_time = run([sys.executable, "-m", "nbgrader", "autograde", "ps1", "--force"], course)
        prep_time = prep_grade(course, args.jobs, base / "prep-out")
        warm_time = warm_cluster_time(base, course, args.jobs) if args.warm_cluster else None
        # the same class twice over, to show the cost is linear in the number of submissions
        for i in range(args.students):
            shutil.copytree(course / "submitted" / f"s{i:03d}", course / "submitted" / f"t{i:03d}")
        prep_time_2x = prep_grade(course, args.jobs, base / "prep-out-2x")
        n = args.students
        print(f"{n} submissions of autograd-mul, {args.jobs} job(s), sandbox on for prep")
        print(f"{'grader':<36} {'total s':>8} {'s / submission':>15}")
        print(f"{'nbgrader autograde':<36} {nb_time:8.2f} {nb_time / n:15.3f}")
        print(f"{'prep grade (N)':<36} {prep_time:8.2f} {prep_time / n:15.3f}")
        print(f"{'prep grade (2N)':<36} {prep_time_2x:8.2f} {prep_time_2x / (2 * n):15.3f}")
        if warm_time is not None:
            print(f"{'prep grade --cluster, warm service':<36} {warm_time:8.2f} {warm_time / n:15.3f}")
        marginal = (prep_time_2x - prep_time) / n
        print(f"\nthroughput ratio prep / nbgrader: {nb_time / prep_time:.1f}x end to end (target >= 25x); "
              f"{nb_time / n / marginal:.1f}x per additional submission")
        print(f"prep's marginal cost: {marginal:.3f} s per submission (2N run minus N run)")
        if warm_time is not None:
            print(f"on a warm grading service (--cluster, {args.jobs} local workers): "
                  f"{nb_time / warm_time:.1f}x end to end")
        graded = (base / "prep-out" / "grades.csv").read_text().splitlines()[1:]
        full = sum(1 for line in graded if line.split(",")[2] == line.split(",")[3])
        print(f"prep full marks: {full}/{n} (expected {n - n // 2})")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
