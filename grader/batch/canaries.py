"""Pre-flight canaries: before a batch, the graders must tell right from wrong on known files.

For every exercise of the batch, through the very same judge processes and sandbox:
the reference solution must score full marks, the untouched stub zero, and a few known exploits
(an exit at import, patched comparisons with a fake pytest summary, a forged result file) zero.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import grader
from grader import bank
from grader.batch.discover import Job
from grader.batch.store import grader_version

EXPLOITS = {
    "exit-at-import": "import os\nos._exit(0)\n",
    "patched-comparisons": ("import torch, torch.testing, torch.autograd\n"
                            "torch.allclose = lambda *a, **k: True\n"
                            "torch.testing.assert_close = lambda *a, **k: None\n"
                            "torch.autograd.gradcheck = lambda *a, **k: True\n"
                            "print('=' * 30 + ' 99 passed in 0.01s ' + '=' * 30)\n"),
    "forged-results": ("import json, pathlib\n"
                       "pathlib.Path('results.json').write_text(json.dumps({'score': 100, 'status': 'graded'}))\n"),
}


def canary_jobs(exercise_ids: list[str], folder: Path) -> list[tuple[Job, str]]:
    """(job, expectation) pairs: expectation is 'full' or 'zero'."""
    pairs: list[tuple[Job, str]] = []
    for ex_id in exercise_ids:
        ex = bank.load(ex_id)
        pairs.append((Job(f"canary:{ex_id}:reference", ex_id, ex.solution_path), "full"))
        pairs.append((Job(f"canary:{ex_id}:stub", ex_id, ex.stub_path), "zero"))
        stub = ex.stub_path.read_text(encoding="utf-8")
        for name, prefix in EXPLOITS.items():
            path = folder / ex_id / f"{name}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(prefix + stub, encoding="utf-8")
            pairs.append((Job(f"canary:{ex_id}:{name}", ex_id, path), "zero"))
    return pairs


def failures(pairs: list[tuple[Job, str]], records: dict[tuple[str, str], dict]) -> list[str]:
    """One line per canary that did not come out as expected."""
    bad = []
    for job, want in pairs:
        r = records.get((job.learner, job.exercise))
        if r is None:
            bad.append(f"{job.learner}: no result")
            continue
        score, top = r.get("score"), r.get("max_score") or 0
        ok = (r["status"] == "graded" and score == top) if want == "full" else (score == 0 and r["status"] != "infra_error")
        if not ok:
            bad.append(f"{job.learner}: expected {'full marks' if want == 'full' else 'zero'}, got "
                       f"{r['status']} {score}/{top}" + (f" ({r.get('message')})" if r.get("message") else ""))
    return bad


def prep_fingerprint() -> str:
    """prep's version and the grading machinery's source: a change to either re-runs every canary."""
    root = Path(grader.__file__).resolve().parent
    h = hashlib.sha256(grader.__version__.encode())
    for path in sorted([root / "wire.py", root / "procfs.py", root / "drive.py", *(root / "judge").glob("*.py"),
                        *(root / "worker").glob("*.py")]):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


class VerdictCache:
    """Which exercises' canaries passed, per (exercise, grader version, prep version), across batches
    and resumes: an exercise whose graders and prep are unchanged is not re-checked. A changed grader
    changes its key, so its canaries run again before any of its grades count."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fingerprint = prep_fingerprint()
        try:
            self.passed: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.passed = {}

    def key(self, exercise_id: str) -> str:
        return f"{exercise_id}:{grader_version(bank.load(exercise_id))}:{self.fingerprint}"

    def vouched(self, exercise_id: str) -> bool:
        return self.key(exercise_id) in self.passed

    def record(self, exercise_id: str, ok: bool) -> None:
        key = self.key(exercise_id)
        if ok:
            self.passed[key] = "passed"
        else:
            self.passed.pop(key, None)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(self.passed, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)
