"""Grade a batch: parallel judge processes, each with its own sandboxed warm worker pool.

The coordinating process never grades and never runs learner code: it hands jobs to N judge
processes (one per core by default), each of which owns one zygote in its own sandbox (one job
slot), and it alone writes results to the store. A judge process dies with the coordinator
(PR_SET_PDEATHSIG), and its sandbox with it.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import hashlib
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from grader import bank
from grader.batch.discover import Job
from grader.batch.store import Key, Store, grader_version

PR_SET_PDEATHSIG = 1
INFRA_RETRIES = 2


@dataclass
class Progress:
    total: int
    done: int = 0
    skipped: int = 0
    started: float = field(default_factory=time.monotonic)
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def eta_s(self) -> float | None:
        graded = self.done - self.skipped
        if graded <= 0:
            return None
        rate = (time.monotonic() - self.started) / graded
        return rate * (self.total - self.done)


# ---------------------------------------------------------------- inside a judge process

_SLOT: dict[str, Any] = {}


def _init_slot(slots: Any, sandboxed: bool, probe_exercises: list[str], call_s: float | None) -> None:
    """Runs once in each judge process: die with the coordinator, and start this slot's pool."""
    if sys.platform == "linux":
        try:
            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    from grader.judge.grading import warm_up_judge
    from grader.judge.pool import WorkerPool

    slot = slots.get()
    sandbox = None
    if sandboxed:
        from grader.judge.sandbox import Sandbox, probes_layout

        sandbox = Sandbox(slot=slot, probes=probes_layout([bank.load(e) for e in probe_exercises]))
    preload = tuple(m for e in probe_exercises for m in bank.load(e).preload)
    _SLOT["pool"] = WorkerPool(sandbox=sandbox, preload=preload)
    _SLOT["exercises"] = {}
    _SLOT["call_s"] = call_s
    warm_up_judge()


def _grade_job(exercise_id: str, path: str, seed: int) -> dict[str, Any]:
    import dataclasses

    from grader.judge.grading import grade, limits_for

    ex = _SLOT["exercises"].get(exercise_id) or bank.load(exercise_id)
    _SLOT["exercises"][exercise_id] = ex
    limits = limits_for(ex)
    if _SLOT["call_s"]:
        limits = dataclasses.replace(limits, call_s=_SLOT["call_s"])
    try:
        result = grade(ex, Path(path), seed=seed, pool=_SLOT["pool"], limits=limits)
    except Exception as e:  # the judge's own machinery broke: never the learner's zero
        return {"exercise": exercise_id, "status": "infra_error", "score": None, "max_score": ex.max_score,
                "tests": [], "message": f"prep failed while grading ({type(e).__name__}: {e})"}
    return result.to_json()


# ---------------------------------------------------------------- the coordinator

def job_seed(batch_seed: int, sha256: str, exercise: str) -> int:
    """The same submission gets the same random inputs on a resumed run."""
    return int.from_bytes(hashlib.sha256(f"{batch_seed}:{sha256}:{exercise}".encode()).digest()[:4], "big") >> 1


class Judges:
    """N judge processes, each with its own (sandboxed) worker pool; reused across run() calls."""

    def __init__(self, *, workers: int, sandboxed: bool, exercises: list[str], call_s: float | None = None) -> None:
        ctx = multiprocessing.get_context("spawn")
        slots = ctx.SimpleQueue()  # each judge process takes one slot number (its sandbox uid)
        for i in range(workers):
            slots.put(i)
        self.executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_init_slot, initargs=(slots, sandboxed, exercises, call_s))

    def __enter__(self) -> "Judges":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def run(self, jobs: list[Job], store: Store, *, batch_seed: int,
            on_progress: Callable[[Progress, dict | None], None] | None = None) -> Progress:
        """Grade every job not already final in the store; returns the tally."""
        progress = Progress(total=len(jobs))
        todo: list[tuple[Job, Key, int]] = []
        versions: dict[str, str] = {}
        for job in jobs:
            ex = bank.load(job.exercise)
            versions.setdefault(ex.id, grader_version(ex))
            if job.path is None:
                key = Key("", ex.id, versions[ex.id])
                if not store.is_final(job.learner, ex.id, key):
                    store.put(job.learner, ex.id, key, _not_gradable(ex, job.problem))
                _tally(progress, "not_gradable", skipped=True, on_progress=on_progress)
                continue
            try:
                sha = _sha256(job.path)
            except OSError as e:  # unreadable, or gone since discovery: this learner's problem, not the batch's
                problem = f"{job.path.name} cannot be read ({e.strerror or type(e).__name__})"
                key = Key("", ex.id, versions[ex.id])
                store.put(job.learner, ex.id, key, _not_gradable(ex, problem))
                _tally(progress, "not_gradable", on_progress=on_progress)
                continue
            key = Key(sha, ex.id, versions[ex.id])
            if store.is_final(job.learner, ex.id, key):
                _tally(progress, store.get(job.learner, ex.id)["status"], skipped=True, on_progress=on_progress)
                continue
            todo.append((job, key, job_seed(batch_seed, sha, ex.id)))

        attempts: dict[int, int] = {}
        pending = {self.executor.submit(_grade_job, job.exercise, str(job.path), seed): i
                   for i, (job, key, seed) in enumerate(todo)}
        while pending:
            done, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for fut in done:
                i = pending.pop(fut)
                job, key, seed = todo[i]
                try:
                    record = fut.result()
                except Exception as e:  # a judge process died: infra, retried
                    record = {"exercise": job.exercise, "status": "infra_error", "score": None, "tests": [],
                              "message": f"a judge process failed ({type(e).__name__}: {e})"}
                if record["status"] == "infra_error" and attempts.get(i, 0) < INFRA_RETRIES:
                    attempts[i] = attempts.get(i, 0) + 1
                    try:
                        pending[self.executor.submit(_grade_job, job.exercise, str(job.path), seed)] = i
                        continue
                    except concurrent.futures.process.BrokenProcessPool:
                        pass
                record["submission"] = str(job.path)
                store.put(job.learner, job.exercise, key, record)
                _tally(progress, record["status"], on_progress=on_progress, record=record)
        return progress


def _tally(progress: Progress, status: str, *, skipped: bool = False,
           on_progress: Callable[[Progress, dict | None], None] | None = None, record: dict | None = None) -> None:
    progress.done += 1
    progress.skipped += skipped
    progress.by_status[status] = progress.by_status.get(status, 0) + 1
    if on_progress:
        on_progress(progress, record)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _not_gradable(ex: bank.Exercise, problem: str) -> dict[str, Any]:
    return {"exercise": ex.id, "status": "not_gradable", "score": 0.0, "max_score": ex.max_score,
            "message": problem, "tests": [{"name": n, "outcome": "failed", "points": 0.0, "max_points": p,
                                           "message": problem, "hidden": False} for n, p in ex.points.items()]}
