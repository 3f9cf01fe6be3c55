"""From nothing to a first grade: build the wheel, make a fresh venv, install torch and the wheel, fetch, check.

Prints the wheel's size and each step's wall time, with `python -c "import torch"` in the fresh
venv as the anchor (the first `prep check` pays a cold torch import in two processes). Torch comes
from `--torch` (default: the CPU build the bootstrap uses); prep's other dependencies from the
package index, as a learner's `pip install prep-*.whl` gets them.

    .venv/bin/python bench/install_time.py [--torch torch==2.13.0] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(label: str, argv: list[str], **kw) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, **kw)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # 1: prep check of an unsolved stub
        sys.exit(f"{label} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    print(f"{label:<40} {elapsed:7.1f} s", flush=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--torch", default="torch==2.13.0", help="the torch requirement to install first")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="prep-install-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        dist, venv, learner = work / "dist", work / "venv", work / "learner"
        timed("python -m build --wheel", [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                                          str(dist), str(ROOT)])
        (wheel,) = dist.glob("prep-*.whl")
        print(f"{'wheel size':<40} {wheel.stat().st_size / 1e6:7.2f} MB  ({wheel.name})")
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        total = timed("python -m venv", [sys.executable, "-m", "venv", str(venv)])
        total += timed(f"pip install {args.torch}", pip + [args.torch])
        total += timed("pip install prep-*.whl (+ its deps)", pip + [str(wheel)])
        learner.mkdir(exist_ok=True)
        env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "PREP_HOME": str(work / "home"), "HOME": str(work)}
        prep = str(venv / "bin" / "prep")
        total += timed("prep fetch autograd-mul", [prep, "fetch", "autograd-mul"], cwd=learner, env=env)
        total += timed("first prep check autograd-mul", [prep, "check", "autograd-mul"], cwd=learner, env=env)
        timed("second prep check autograd-mul", [prep, "check", "autograd-mul"], cwd=learner, env=env)
        timed("anchor: python -c 'import torch'", [str(venv / "bin" / "python"), "-c", "import torch"], env=env)
        print(f"{'venv + installs + fetch + first check':<40} {total:7.1f} s")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
