"""The live-kernel check's judge: a fresh process, started by the kernel, that grades answer-cell text.

The kernel has run the learner's code, so nothing there is trusted to grade it: the kernel
sends only the answer cells' source text (JSON on stdin) to ``python -I -m
grader.jupyter.judge``, a new process that never ran learner code. It builds a notebook
from the exercise's own notebook with those answer cells in place, grades it through
``grader.api.check`` (the one grading path: a worker runs the code, the judge compares),
records the attempt, and writes the Result as JSON to the file named by ``--out``.

``run()`` is the kernel's side: start that process, wait, read the Result back.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import fields
from pathlib import Path
from typing import Any

from grader import api
from grader.judge.result import GraderOutcome, Result

# the judge's own start-up (imports, torch, the worker) on top of the exercise's wall budget
OVERHEAD_S = 60.0


def build_notebook(exercise: Any, answers: dict[str, str]) -> dict:
    """The exercise's notebook with ``answers`` (answer cell id -> source) in its answer cells."""
    template = json.loads(exercise.notebook_path.read_text(encoding="utf-8"))
    nb = copy.deepcopy(template)
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and meta.get("solution") and cell.get("id") in answers:
            cell["source"] = answers[cell["id"]]
    return nb


def result_from_json(data: dict) -> Result:
    names = {f.name for f in fields(Result)}
    kw = {k: v for k, v in data.items() if k in names}
    test_names = {f.name for f in fields(GraderOutcome)}
    kw["tests"] = [GraderOutcome(**{k: v for k, v in t.items() if k in test_names}) for t in data.get("tests", [])]
    return Result(**kw)


def _grade_request(request: dict) -> Result:
    ex = api.get_exercise(str(request["exercise"]))
    answers = request.get("answers") or {}
    if not isinstance(answers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in answers.items()):
        raise api.PrepError("the kernel sent answers that are not cell id -> source text: reload the extension")
    seed = request.get("seed")
    label = str(request.get("record_as") or "<kernel>")
    with tempfile.TemporaryDirectory(prefix="prep-live-") as tmp:
        path = Path(tmp) / f"{ex.id}.ipynb"
        path.write_text(json.dumps(build_notebook(ex, answers)), encoding="utf-8")
        result = api.check(ex.id, path, seed=seed if isinstance(seed, int) else None, record=False)
    result.submission = label
    if request.get("record", True):
        api.Progress().record_attempt(ex.id, status=result.status, score=result.score, max_score=result.max_score,
                                      duration_s=result.duration_s, sha256=result.sha256, file=label)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m grader.jupyter.judge")
    parser.add_argument("--out", required=True, help="where to write the result (JSON)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    try:
        request = json.loads(sys.stdin.read())
        if not isinstance(request, dict) or "exercise" not in request:
            raise api.PrepError("the kernel sent no exercise id: reload the extension")
        payload: dict[str, Any] = {"result": _grade_request(request).to_json()}
    except api.PrepError as e:
        payload = {"error": str(e)}
    except ValueError as e:
        payload = {"error": f"the kernel's request is not JSON ({e}): reload the extension"}
    out.write_text(json.dumps(payload), encoding="utf-8")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip interpreter teardown once torch is loaded


def run(exercise_id: str, answers: dict[str, str], *, seed: int | None = None, record_as: str = "",
        record: bool = True, timeout_s: float | None = None, python: str | None = None) -> Result:
    """Grade answer-cell sources in a fresh judge process; raises PrepError if it cannot."""
    ex = api.get_exercise(exercise_id)
    if timeout_s is None:
        timeout_s = float(ex.limits.get("wall_s", 120)) + OVERHEAD_S
    request = json.dumps({"exercise": ex.id, "answers": answers, "seed": seed, "record_as": record_as,
                          "record": record})
    with tempfile.TemporaryDirectory(prefix="prep-kernel-check-") as tmp:
        out = Path(tmp) / "result.json"
        # -I: the kernel's folder and PYTHON* variables never shape the judge's imports
        proc = subprocess.Popen([python or sys.executable, "-I", "-m", "grader.jupyter.judge", "--out", str(out)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp,
                                text=True)
        try:
            _, stderr = proc.communicate(request, timeout=timeout_s)
        except KeyboardInterrupt:  # the notebook's interrupt button: let the judge end its worker
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            raise
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise api.PrepError(f"prep's judge did not answer within {timeout_s:.0f} s: run the check again, "
                                f"or `prep check {ex.id} --file {ex.id}.ipynb` in a terminal") from None
        if not out.exists():
            tail = (stderr or "").strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
            raise api.PrepError(f"prep's judge failed ({tail[0][:300]}): this is prep's fault; "
                                f"try `prep check {ex.id}` in a terminal")
        payload = json.loads(out.read_text(encoding="utf-8"))
    if "error" in payload:
        raise api.PrepError(payload["error"])
    return result_from_json(payload["result"])


if __name__ == "__main__":
    main()
