"""The live-kernel check's judge: a process, started by the kernel, that grades answer-cell text.

The kernel has run the learner's code, so nothing there is trusted to grade it: the kernel
sends only the answer cells' source text (JSON) to ``python -I -m grader.jupyter.judge``, a
process that never runs learner code. It builds a notebook from the exercise's own notebook
with those answer cells in place, grades it through ``grader.api.check`` (the one grading
path: a worker runs the code, the judge compares), records the attempt, and sends the Result
back as JSON. Two ways to run it:

* ``--out FILE`` (the cold path): one request on stdin, the Result written to FILE, then exit.
  ``run()`` is the kernel's side: start that process, wait, read the Result back.
* ``--serve --parent PID`` (the warm judge, ``serve()``): started once per kernel, it imports
  torch and pytest once and keeps one ``WorkerPool``, so that each check forks a fresh worker
  from a warm zygote. Requests are JSON lines on stdin, replies JSON lines on stdout; it ends
  when its stdin closes or its kernel dies. ``grader.jupyter.warm`` is the kernel's side.
"""

from __future__ import annotations

import argparse
import copy
import ctypes
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
# The longest request line the warm judge reads (answer cells' text is kilobytes): anything longer is
# not from the extension, and is dropped without being held in memory.
MAX_REQUEST = 32 << 20
PR_SET_PDEATHSIG = 1


MAX_ADDED_CELLS = 50
MAX_ADDED_CELL_CHARS = 100_000


def build_notebook(exercise: Any, answers: dict[str, str], added: Any = ()) -> dict:
    """The exercise's notebook with ``answers`` (answer cell id -> source) in its answer cells, and the cells the
    learner ran besides (``added``: ("In [n]", source) pairs) as cells of their own before the last one: not graded,
    as no cell of a learner's own is, but known, so that a NameError for a name defined there can say so."""
    template = json.loads(exercise.notebook_path.read_text(encoding="utf-8"))
    nb = copy.deepcopy(template)
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and meta.get("solution") and cell.get("id") in answers:
            cell["source"] = answers[cell["id"]]
    pairs = [c for c in (added if isinstance(added, (list, tuple)) else [])
             if isinstance(c, (list, tuple)) and len(c) == 2 and all(isinstance(v, str) for v in c)]
    extra = [{"cell_type": "code", "id": f"prep-added-{i}", "metadata": {"prep": {"ran_as": label[:40]}},
              "execution_count": None, "outputs": [], "source": source[:MAX_ADDED_CELL_CHARS]}
             for i, (label, source) in enumerate(pairs[-MAX_ADDED_CELLS:])]
    nb["cells"][max(len(nb["cells"]) - 1, 0):max(len(nb["cells"]) - 1, 0)] = extra
    return nb


def result_from_json(data: dict) -> Result:
    names = {f.name for f in fields(Result)}
    kw = {k: v for k, v in data.items() if k in names}
    test_names = {f.name for f in fields(GraderOutcome)}
    kw["tests"] = [GraderOutcome(**{k: v for k, v in t.items() if k in test_names}) for t in data.get("tests", [])]
    return Result(**kw)


def _grade_request(request: dict, pool: Any = None) -> Result:
    """Grade one kernel request: with ``pool`` (the warm judge's) the worker forks from its zygote."""
    ex = api.get_exercise(str(request["exercise"]))
    answers = request.get("answers") or {}
    if not isinstance(answers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in answers.items()):
        raise api.PrepError("the kernel sent answers that are not cell id -> source text: reload the extension")
    seed = request.get("seed")
    label = str(request.get("record_as") or "<kernel>")
    with tempfile.TemporaryDirectory(prefix="prep-live-") as tmp:
        path = Path(tmp) / f"{ex.id}.ipynb"
        path.write_text(json.dumps(build_notebook(ex, answers, request.get("added") or ())), encoding="utf-8")
        if pool is not None:  # what this exercise declares, imported once in the zygote for every later fork
            from grader.judge.session import InfraError

            try:
                pool.add_preload(ex.preload)
            except InfraError:  # the zygote failed: grading starts a new one, and says so if that fails too
                pass
        result = api.check(ex.id, path, seed=seed if isinstance(seed, int) else None, record=False, pool=pool)
    result.submission = label
    if request.get("record", True):
        api.Progress().record_attempt(ex.id, status=result.status, score=result.score, max_score=result.max_score,
                                      duration_s=result.duration_s, sha256=result.sha256, file=label)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m grader.jupyter.judge")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--out", help="grade one request from stdin and write the result here (JSON)")
    mode.add_argument("--serve", action="store_true", help="the warm judge: JSON lines on stdin and stdout")
    parser.add_argument("--parent", type=int, default=0, help="--serve: the kernel's pid (the judge dies with it)")
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.parent)
        return
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
    _remove_scratch_copies()
    os._exit(0)  # skip interpreter teardown once torch is loaded


# ---------------------------------------------------------------- the warm judge


def _remove_scratch_copies() -> None:
    """The workers' copies of probes.py, which exit handlers would remove and os._exit skips."""
    probes = sys.modules.get("grader.judge.worker_probes")
    if probes is not None:
        probes.remove_copies()


def _die_with(parent: int) -> None:
    """End with the kernel: the kernel's death SIGKILLs this process (PR_SET_PDEATHSIG, which also
    covers the kernel's forked children holding the request pipe open); and if the kernel died
    before that took effect, end now."""
    if sys.platform == "linux":
        try:
            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if parent and os.getppid() != parent:
        os._exit(0)


def serve(parent: int) -> None:
    """The warm judge: answer the kernel's requests (JSON lines on stdin) until stdin closes.

    Requests carry an ``id`` that the reply repeats. ``{"op": "ping"}`` answers with this
    process's pid and its zygote's; ``{"op": "check", "exercise", "answers", "seed", "record_as",
    "record"}`` is acknowledged at once (``accepted``: the kernel's sign that this judge is not
    stopped or wedged), then answered with ``result`` (the Result as JSON) and ``worker`` (the pid
    of the worker forked for it), or with ``error``. Nothing received is ever executed here.
    """
    _die_with(parent)
    replies = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # whatever grading prints goes to the log, never into the replies

    from grader.judge.grading import warm_up_judge
    from grader.judge.pool import WorkerPool
    from grader.judge.session import InfraError

    def send(reply: dict) -> None:
        try:
            replies.write(json.dumps(reply).encode() + b"\n")
        except OSError:  # the kernel is gone
            os._exit(0)

    pool = WorkerPool()
    pool.start()  # the zygote imports torch while this process imports its own side
    warm_up_judge()
    try:
        pool.wait_ready()
    except InfraError as e:  # the first check starts it again, and reports it if that fails too
        print(f"prep's warm judge: {e}", file=sys.stderr, flush=True)
    send({"ready": True, "pid": os.getpid(), "zygote": pool.zygote_pid})
    requests = sys.stdin.buffer
    while True:
        line = requests.readline(MAX_REQUEST)
        if not line:
            break
        if not line.endswith(b"\n"):  # longer than any request: drop it, a bounded piece at a time
            while line and not line.endswith(b"\n"):
                line = requests.readline(MAX_REQUEST)
            send({"id": None, "error": "a request longer than prep's judge reads was dropped"})
            continue
        if line.strip():  # the kernel starts each request with a newline of its own
            send(_answer(line, pool, send))
    pool.close()
    sys.stderr.flush()
    _remove_scratch_copies()
    os._exit(0)  # skip interpreter teardown once torch is loaded


def _answer(line: bytes, pool: Any, send: Any) -> dict:
    try:
        request = json.loads(line)
    except ValueError:
        return {"id": None, "error": "a request that is not JSON was dropped"}
    if not isinstance(request, dict):
        return {"id": None, "error": "a request that is not a JSON object was dropped"}
    rid = request.get("id")
    op = request.get("op")
    if op == "ping":
        return {"id": rid, "pong": True, "pid": os.getpid(), "zygote": pool.zygote_pid}
    if op != "check" or "exercise" not in request:
        return {"id": rid, "error": f"prep's judge does not know the request {str(op)[:40]!r}: reload the extension"}
    send({"id": rid, "accepted": True})
    pool.last_worker = 0
    try:
        result = _grade_request(request, pool)
    except api.PrepError as e:
        return {"id": rid, "error": str(e)}
    except Exception as e:  # noqa: BLE001 - prep's own failure: say so, and keep serving
        return {"id": rid, "error": f"prep's judge failed ({type(e).__name__}: {str(e)[:300]}): this is prep's "
                                    "fault; try `prep check` in a terminal"}
    return {"id": rid, "result": result.to_json(), "worker": pool.last_worker}


def run(exercise_id: str, answers: dict[str, str], *, seed: int | None = None, record_as: str = "",
        record: bool = True, timeout_s: float | None = None, python: str | None = None,
        added: Any = ()) -> Result:
    """Grade answer-cell sources in a fresh judge process; raises PrepError if it cannot."""
    ex = api.get_exercise(exercise_id)
    if timeout_s is None:
        timeout_s = float(ex.limits.get("wall_s", 120)) + OVERHEAD_S
    request = json.dumps({"exercise": ex.id, "answers": answers, "seed": seed, "record_as": record_as,
                          "record": record, "added": [list(cell) for cell in added]})
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
