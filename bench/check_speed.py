"""How fast is `prep check`, next to its anchor `python -c "import torch"`? Measured side by side.

Each round runs every command once, in turn, so that machine noise hits them alike. Reports
the median, min and max wall time of each, and the ratios the project aims for:

* `prep check autograd-mul` on a correct file: at most 1.3x `python -c "import torch"`;
* `prep --help`: under 0.15 s.

    .venv/bin/python bench/check_speed.py [--rounds 15] [--json bench/results/check_speed.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREP = str(Path(sys.executable).with_name("prep"))


def commands() -> dict[str, list[str]]:
    return {
        "python -c 'import torch'": [sys.executable, "-c", "import torch"],
        "prep check autograd-mul (correct file)": [PREP, "check", "autograd-mul", "--file",
                                                   str(ROOT / "solutions" / "autograd-mul.py")],
        "prep --help": [PREP, "--help"],
    }


def time_once(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the raw timings here")
    args = parser.parse_args()

    env = dict(os.environ, PREP_HOME=tempfile.mkdtemp(prefix="prep-bench-"))
    cmds = commands()
    samples: dict[str, list[float]] = {name: [] for name in cmds}
    for round_no in range(args.warmup + args.rounds):
        for name, argv in cmds.items():
            t = time_once(argv, env)
            if round_no >= args.warmup:
                samples[name].append(t)

    anchor = statistics.median(samples["python -c 'import torch'"])
    print(f"{'command':<42} {'median':>8} {'min':>7} {'max':>7} {'x anchor':>9}   ({args.rounds} rounds)")
    for name, ts in samples.items():
        med = statistics.median(ts)
        print(f"{name:<42} {med:8.3f} {min(ts):7.3f} {max(ts):7.3f} {med / anchor:9.2f}")
    check = statistics.median(samples["prep check autograd-mul (correct file)"])
    help_ = statistics.median(samples["prep --help"])
    print(f"\nprep check / import torch = {check / anchor:.2f} (target <= 1.30): "
          f"{'ok' if check / anchor <= 1.30 else 'MISSED'}")
    print(f"prep --help = {help_:.3f} s (target < 0.15 s): {'ok' if help_ < 0.15 else 'MISSED'}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"rounds": args.rounds, "samples": samples}, indent=1))


if __name__ == "__main__":
    main()
