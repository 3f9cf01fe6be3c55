"""Grade a batch: parallel judge processes, each with its own sandboxed warm worker pool.

The coordinating process never grades and never runs learner code: it hands jobs to N judge
processes (one per core by default), each of which owns one zygote in its own sandbox (one job
slot), and it alone writes results to the store. A judge process dies with the coordinator
(PR_SET_PDEATHSIG), and its sandbox with it.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import errno
import hashlib
import multiprocessing
import os
import signal
import stat
import sys
import tempfile
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
_STATES: list[dict[str, Any]] = []  # the coordinator's judge states, inherited by the forked judge processes


def _init_slot(slots: Any) -> None:
    """Runs once in each judge process (forked from the coordinator): die with the coordinator, and take
    one of the judge states the coordinator prepared (its zygote already started)."""
    # Ctrl-C reaches every process of the terminal's group: only the coordinator answers it (one line);
    # a judge process ends with it (PR_SET_PDEATHSIG), without a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        try:
            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    _SLOT.update(_STATES[slots.get()])


def start_judge(sandboxed: bool, probe_exercises: list[str], call_s: float | None, *, warm: bool = True,
                drop_privileges: bool = False) -> dict[str, Any]:
    """One judge's state: its warm (sandboxed) worker pool, started now, and (``warm``) its warmed-up imports.

    The sandbox slot (and so the uid its workers run as) is claimed with a lock that lives as long as
    the process that holds it (and the judges forked from it): two judges on one machine, from one
    batch or several, never share a slot. ``drop_privileges``: without the sandbox, a root judge's
    workers still run as the slot's unprivileged uid.
    """
    from grader.judge.grading import warm_up_judge
    from grader.judge.pool import WorkerPool

    sandbox = None
    state: dict[str, Any] = {"exercises": {}, "call_s": call_s}
    if sandboxed:
        from grader.judge.sandbox import Sandbox, claim_slot, probes_layout

        slot, state["slot_lock"] = claim_slot()
        sandbox = Sandbox(slot=slot, probes=probes_layout([bank.load(e) for e in probe_exercises]))
    drop_uid = None
    if sandbox is None and drop_privileges and os.geteuid() == 0:
        from grader.judge.sandbox import FIRST_SANDBOX_UID, claim_slot

        slot, state["slot_lock"] = claim_slot()
        drop_uid = FIRST_SANDBOX_UID + slot
    preload = tuple(m for e in probe_exercises for m in bank.load(e).preload)
    state["pool"] = WorkerPool(sandbox=sandbox, preload=preload, drop_uid=drop_uid)
    state["pool"].start()  # the sandboxed zygote imports torch while this judge warms up and jobs are found
    if warm:
        warm_up_judge()
    return state


def _ready() -> bool:
    """A no-op job: submitting one per slot makes the executor start its judge processes at once."""
    return True


def _grade_job(exercise_id: str, path: str, seed: int, canary: bool = False) -> dict[str, Any]:
    return grade_with(_SLOT, exercise_id, Path(path), seed, canary=canary)


def grade_with(state: dict[str, Any], exercise_id: str, path: Path, seed: int, *, canary: bool = False) -> dict[str, Any]:
    """Grade one file with a judge's state (see start_judge); a record for the store.

    A canary keeps the exercise's own time limits even when the batch shortens them (--call-timeout):
    it runs next to the class, and a reference slowed down by the learners' code is not a broken grader.
    """
    import dataclasses

    from grader.judge.grading import grade, limits_for

    ex = state["exercises"].get(exercise_id) or bank.load(exercise_id)
    state["exercises"][exercise_id] = ex
    limits = limits_for(ex)
    if state["call_s"] and not canary:
        limits = dataclasses.replace(limits, call_s=state["call_s"])
    try:
        result = grade(ex, path, seed=seed, pool=state["pool"], limits=limits)
    except Exception as e:  # the judge's own machinery broke: never the learner's zero
        return {"exercise": exercise_id, "status": "infra_error", "score": None, "max_score": ex.max_score,
                "tests": [], "message": f"prep failed while grading ({type(e).__name__}: {e})"}
    record = result.to_json()
    record["grader_version"] = grader_version(ex)
    return record


# ---------------------------------------------------------------- the coordinator

def job_seed(batch_seed: int, sha256: str, exercise: str) -> int:
    """The same submission gets the same random inputs on a resumed run."""
    return int.from_bytes(hashlib.sha256(f"{batch_seed}:{sha256}:{exercise}".encode()).digest()[:4], "big") >> 1


class CanaryFailure(Exception):
    """An exercise's canaries did not come out as expected: its graders cannot be trusted now."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = lines


class WorkersDidNotStart(RuntimeError):
    """A slot's zygote did not answer (it could not import torch in its sandbox, ...)."""


class Judges:
    """N judge processes, each with its own (sandboxed) worker pool; reused across run() calls.

    The fixed cost of a batch is torch imported by each process that grades. So the coordinator first
    starts every slot's sandboxed zygote (each imports torch in its sandbox), then imports torch and
    the graders' machinery itself, once, meanwhile; the judge processes are then *forked* from it,
    each taking one prepared slot: no judge imports anything again. (Forking is safe here: the
    coordinator has run no parallel torch code, so no thread pool exists to be lost.)
    """

    def __init__(self, *, workers: int, sandboxed: bool, exercises: list[str], call_s: float | None = None) -> None:
        from grader.judge.grading import warm_up_judge
        from grader.judge.session import InfraError

        _STATES[:] = [start_judge(sandboxed, exercises, call_s, warm=False) for _ in range(workers)]
        import torch

        torch.set_num_threads(1)
        warm_up_judge(tuple(m for e in exercises for m in bank.load(e).preload))
        for state in _STATES:  # each zygote imported torch meanwhile: a failure there stops the batch now
            try:
                state["pool"].wait_ready()
            except InfraError:
                for started in _STATES:
                    started["pool"].close()
                raise WorkersDidNotStart(f"the {'sandboxed ' if sandboxed else ''}workers did not start (they "
                                         "import torch first): their error, if any, is printed above") from None
        ctx = multiprocessing.get_context("fork")
        slots = ctx.SimpleQueue()  # each judge process takes one prepared slot
        for i in range(workers):
            slots.put(i)
        self.states = list(_STATES)
        self.executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_init_slot, initargs=(slots,))
        self.warming = [self.executor.submit(_ready) for _ in range(workers)]

    # -- how jobs travel; ClusterJudges (grader/batch/cluster.py) sends them to a Dask cluster instead

    def submit(self, exercise_id: str, path: Path, seed: int, canary: bool = False) -> Any:
        return self.executor.submit(_grade_job, exercise_id, str(path), seed, canary)

    def wait_first(self, pending: Any) -> set:
        done, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
        return set(done)

    def refuse(self, record: dict) -> str | None:
        """Why a judge's record cannot be stored (it came from a judge unlike this batch's), or None."""
        return None

    def __enter__(self) -> "Judges":
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if exc_type is None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.close_pools()
        else:  # interrupted or failed: stop now, never wait for running jobs
            self.abort()

    def close_pools(self) -> None:
        """The coordinator's own handles on the zygotes: closing them (the judges' copies are gone with
        the judges) ends each zygote and its sandbox."""
        for state in self.states:
            try:
                state["pool"].close()
            except Exception:  # already gone
                pass
            if "slot_lock" in state:
                try:
                    os.close(state["slot_lock"])
                except OSError:
                    pass
        self.states = []

    def abort(self) -> None:
        """Kill every judge process (their sandboxes die with them) without waiting for their jobs."""
        processes = list(getattr(self.executor, "_processes", {}).values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.close_pools()
        for process in processes:
            try:
                process.kill()
            except (OSError, AttributeError):
                pass
        for process in processes:
            try:
                process.join(timeout=5)
            except (OSError, AttributeError, AssertionError):
                pass

    def run(self, jobs: list[Job], store: Store, *, batch_seed: int,
            on_progress: Callable[[Progress, dict | None], None] | None = None,
            canaries: list[tuple[Job, str]] = (),
            on_canaries: Callable[[str, bool], None] | None = None) -> Progress:
        """Grade every job not already final in the store; returns the tally.

        ``canaries`` ((job, "full" | "zero") pairs) run first, in the same queue as the real jobs:
        a real result of an exercise whose canaries are still running is held back, and stored only
        once they all came out as expected. If one does not, nothing more of that batch is stored
        and ``CanaryFailure`` is raised. ``on_canaries(exercise, ok)`` hears each exercise's verdict.
        """
        # Each learner's file is read once, here: hashed and copied into a private staging folder, and the judges
        # grade that copy. The learner's folder is not read again, so what is graded is what the key names.
        with tempfile.TemporaryDirectory(prefix="prep-grade-") as staging:
            return self._run(jobs, store, Path(staging), batch_seed=batch_seed, on_progress=on_progress,
                             canaries=canaries, on_canaries=on_canaries)

    def _run(self, jobs: list[Job], store: Store, staging: Path, *, batch_seed: int,
             on_progress: Callable[[Progress, dict | None], None] | None,
             canaries: list[tuple[Job, str]], on_canaries: Callable[[str, bool], None] | None) -> Progress:
        from grader.batch import canaries as canary_rules

        progress = Progress(total=len(jobs))
        todo: list[tuple[Job, Key, int, Path]] = []
        versions: dict[str, str] = {}
        for n, job in enumerate(jobs):
            ex = bank.load(job.exercise)
            versions.setdefault(ex.id, grader_version(ex))
            if job.path is None:
                key = Key("", ex.id, versions[ex.id])
                if not store.is_final(job.learner, ex.id, key):
                    store.put(job.learner, ex.id, key, _not_gradable(ex, job.problem))
                _tally(progress, "not_gradable", skipped=True, on_progress=on_progress)
                continue
            try:
                sha, staged = _snapshot(job, staging / str(n))
            except (OSError, Unreadable) as e:  # unreadable, gone, swapped or too big: the learner's problem
                problem = str(e) if isinstance(e, Unreadable) else \
                    f"{job.path.name} cannot be read ({e.strerror or type(e).__name__})"
                key = Key("", ex.id, versions[ex.id])
                store.put(job.learner, ex.id, key, _not_gradable(ex, problem))
                _tally(progress, "not_gradable", on_progress=on_progress)
                continue
            key = Key(sha, ex.id, versions[ex.id])
            if store.is_final(job.learner, ex.id, key):
                _tally(progress, store.get(job.learner, ex.id)["status"], skipped=True, on_progress=on_progress)
                continue
            todo.append((job, key, job_seed(batch_seed, sha, ex.id), staged))

        # Canaries go first in the queue; each is ("canary", index), a real job ("job", index).
        canary_wanted: dict[str, list[tuple[Job, str]]] = {}
        for job, want in canaries:
            canary_wanted.setdefault(job.exercise, []).append((job, want))
        canary_records: dict[str, dict[tuple[str, str], dict]] = {e: {} for e in canary_wanted}
        held: dict[str, list[tuple[Job, Key, dict]]] = {e: [] for e in canary_wanted}
        work: list[tuple[str, Job, Key | None, int, Path]] = [
            ("canary", job, None, job_seed(batch_seed, "canary", job.learner), job.path) for job, _ in canaries]
        work += [("job", job, key, seed, staged) for job, key, seed, staged in todo]

        def store_result(job: Job, key: Key, record: dict) -> None:
            store.put(job.learner, job.exercise, key, record)
            _tally(progress, record["status"], on_progress=on_progress, record=record)

        attempts: dict[int, int] = {}
        pending = {self.submit(job.exercise, path, seed, kind == "canary"): i
                   for i, (kind, job, _, seed, path) in enumerate(work)}
        while pending:
            for fut in self.wait_first(list(pending)):
                i = pending.pop(fut)
                kind, job, key, seed, path = work[i]
                try:
                    record = fut.result()
                except Exception as e:  # a judge process died: infra, retried
                    record = {"exercise": job.exercise, "status": "infra_error", "score": None, "tests": [],
                              "message": f"a judge process failed ({type(e).__name__}: {e})"}
                expected = versions.get(job.exercise)
                if record["status"] != "infra_error" and expected and record.get("grader_version") not in (None, expected):
                    record = {"exercise": job.exercise, "status": "infra_error", "score": None, "tests": [],
                              "message": "a judge graded with other graders than this batch's (a cluster worker with "
                                         "another version of the bank): install the same prep and bank everywhere"}
                elif record["status"] != "infra_error" and (why := self.refuse(record)):
                    record = {"exercise": job.exercise, "status": "infra_error", "score": None, "tests": [],
                              "message": why}
                if record["status"] == "infra_error" and attempts.get(i, 0) < INFRA_RETRIES:
                    attempts[i] = attempts.get(i, 0) + 1
                    try:
                        pending[self.submit(job.exercise, path, seed, kind == "canary")] = i
                        continue
                    except Exception:  # the pool is broken for good: store the infra error
                        pass
                record["submission"] = str(job.path)
                ex_id = job.exercise
                if kind == "canary":
                    canary_records[ex_id][(job.learner, ex_id)] = {**record, "learner": job.learner}
                    if len(canary_records[ex_id]) < len(canary_wanted[ex_id]):
                        continue
                    bad = canary_rules.failures(canary_wanted.pop(ex_id), canary_records[ex_id])
                    if on_canaries:
                        on_canaries(ex_id, not bad)
                    if bad:
                        for other in pending:
                            other.cancel()
                        raise CanaryFailure(bad)
                    for job_, key_, record_ in held.pop(ex_id):
                        store_result(job_, key_, record_)
                    continue
                assert key is not None
                if ex_id in canary_wanted:  # its graders are not vouched for yet: hold the result back
                    held[ex_id].append((job, key, record))
                else:
                    store_result(job, key, record)
        return progress


def _tally(progress: Progress, status: str, *, skipped: bool = False,
           on_progress: Callable[[Progress, dict | None], None] | None = None, record: dict | None = None) -> None:
    progress.done += 1
    progress.skipped += skipped
    progress.by_status[status] = progress.by_status.get(status, 0) + 1
    if on_progress:
        on_progress(progress, record)


class Unreadable(Exception):
    """A learner's file the batch will not grade (the message says why): the learner's problem, not the batch's."""


def _snapshot(job: Job, folder: Path) -> tuple[str, Path]:
    """Read a learner's file once: (its sha256, a private copy in ``folder`` that the judges grade).

    The class folder may still be writable by its learners while the batch runs. Reading the file
    again when a judge gets to it would grade whatever is there by then (a link to the reference, in
    place of the file that was hashed), so the bytes are read once, without following a link, from the
    very file discovery found (same device and inode: a folder swapped for a link is not followed either),
    and only if it is a regular file no bigger than a submission may be: a FIFO would block this read
    for ever, and a sparse file of terabytes would take hours to hash.
    """
    from grader.submission import MAX_SUBMISSION_BYTES

    assert job.path is not None
    name = job.path.name
    try:
        fd = os.open(job.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise Unreadable(f"{name} is not a regular file (it became a symbolic link)") from None
        raise
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable(f"{name} is not a regular file")
        if job.identity is not None and (st.st_dev, st.st_ino) != job.identity:
            raise Unreadable(f"{name} was replaced by another file while the batch was reading the class")
        too_big = Unreadable(f"{name} is {st.st_size >> 20} MB, over the {MAX_SUBMISSION_BYTES >> 20} MB limit: "
                             "clear the notebook's outputs and try again")
        if st.st_size > MAX_SUBMISSION_BYTES:
            raise too_big
        data = f.read(MAX_SUBMISSION_BYTES + 1)  # it may have grown since fstat
    if len(data) > MAX_SUBMISSION_BYTES:
        raise too_big
    folder.mkdir(mode=0o700)
    copy = folder / name
    copy.write_bytes(data)
    return hashlib.sha256(data).hexdigest(), copy


def _not_gradable(ex: bank.Exercise, problem: str) -> dict[str, Any]:
    return {"exercise": ex.id, "status": "not_gradable", "score": 0.0, "max_score": ex.max_score,
            "message": problem, "tests": [{"name": n, "outcome": "failed", "points": 0.0, "max_points": p,
                                           "message": problem, "hidden": False} for n, p in ex.points.items()]}
