"""``prep grade --cluster tcp://HOST:PORT``: the same judges, on the machines of a Dask cluster.

Dask (``distributed``) schedules the jobs: its scheduler hands each submission to a worker, and
reschedules the jobs of a worker that is lost. prep adds two things:

* a worker plugin (``PrepJudgePlugin``) that turns each Dask worker into a prep judge when it
  joins: it claims a sandbox slot on its machine, starts a warm sandboxed zygote and warms up the
  graders, once, exactly like a local judge process (``runner.start_judge``). Run workers with one
  thread each (``--nthreads 1``): a judge grades one submission at a time, and its workers fork
  from its zygote, so parallelism comes from more Dask workers;
* a job function (``grade_on_worker``) that receives the submission's bytes (the worker may be on
  another machine), grades them with that judge, and returns the record; the record carries the
  version of the graders that made it, and the coordinator refuses one made by other graders.

The coordinator stays the single writer of the results store: records stream back to it, and
``runner.Judges.run`` stores each once, with the same atomic writes, canaries and resume as a local
batch. The local pool stays the default; Dask is the ``cluster`` extra.

**Warm across batches.** A cluster outlives a batch, so its judges do too: a worker keeps the judges it
started (``_WARM``, keyed by the batch's configuration and its exercises' grader versions) when the
next ``prep grade`` registers the plugin again, and a batch with the same configuration starts
grading at once, with no torch imported anywhere. A changed grader changes the key, so it gets a new
judge; a judge's record carries the fingerprint of the machinery its process loaded, and the
coordinator refuses one from a worker started before prep was upgraded.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import distributed
from distributed.core import Status

from grader import bank
from grader.batch.canaries import prep_fingerprint
from grader.batch.runner import Judges, grade_with, start_judge
from grader.batch.store import grader_version

PLUGIN_NAME = "prep-judge"
MAX_WARM = 2  # judges of other configurations a worker keeps warm: each holds a zygote and a sandbox slot

# Judges this worker process started, most recently used last; shared by the plugin and the jobs.
_WARM: "OrderedDict[str, dict[str, Any]]" = OrderedDict()
_WARM_LOCK = threading.Lock()


def _close_judge(state: dict[str, Any]) -> None:
    try:
        state["pool"].close()
    finally:
        if "slot_lock" in state:
            os.close(state["slot_lock"])


def warm_judge(key: str, sandboxed: bool, exercises: list[str], call_s: float | None) -> dict[str, Any]:
    """This worker's judge for ``key``: the warm one, or one started now (its zygote imports torch once).
    Judges of other keys beyond ``MAX_WARM`` are closed, least recently used first."""
    with _WARM_LOCK:
        state = _WARM.get(key)
        if state is None:
            state = start_judge(sandboxed, exercises, call_s)
            state["machinery"] = prep_fingerprint()  # what this process loaded, read when it starts
            _WARM[key] = state
        _WARM.move_to_end(key)
        while len(_WARM) > MAX_WARM:
            _close_judge(_WARM.popitem(last=False)[1])
        return state


class PrepJudgePlugin(distributed.WorkerPlugin):
    """A Dask worker plugin: each worker becomes a warm, sandboxed prep judge when it starts."""

    name = PLUGIN_NAME

    def __init__(self, key: str, sandboxed: bool, exercises: list[str], call_s: float | None) -> None:
        self.key = key
        self.sandboxed = sandboxed
        self.exercises = list(exercises)
        self.call_s = call_s

    def setup(self, worker: Any) -> None:
        warm_judge(self.key, self.sandboxed, self.exercises, self.call_s)

    def teardown(self, worker: Any) -> None:
        # Dask also tears a plugin down when the next batch registers its own: the judges stay warm for it.
        # Only a worker that is closing ends them (and their sandboxes).
        if worker.status not in (Status.closing, Status.closing_gracefully, Status.closed, Status.failed):
            return
        with _WARM_LOCK:
            while _WARM:
                _close_judge(_WARM.popitem()[1])


def grade_on_worker(config: tuple, name: str, data: bytes, exercise_id: str, seed: int,
                    canary: bool = False) -> dict[str, Any]:
    """Runs on a Dask worker: grade the submission's bytes with this worker's judge for the batch's
    configuration (started now if this worker joined after the batch began, or lost it)."""
    key, sandboxed, exercises, call_s = config
    try:
        state = warm_judge(key, sandboxed, list(exercises), call_s)
    except Exception as e:  # the sandbox or zygote could not start here: infra, retried elsewhere
        return {"exercise": exercise_id, "status": "infra_error", "score": None, "tests": [],
                "message": f"this Dask worker could not start a prep judge ({type(e).__name__}: {e})"}
    with tempfile.TemporaryDirectory(prefix="prep-cluster-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        record = grade_with(state, exercise_id, path, seed, canary=canary)
    if record["status"] != "infra_error":
        record["machinery"] = state["machinery"]
    return record


def batch_key(sandboxed: bool, exercises: list[str], call_s: float | None) -> str:
    """What a warm judge must match to grade a batch: the sandbox, the exercises, the time limit, and
    each exercise's grader version (a changed grader never meets a judge that loaded the old one)."""
    text = repr((sandboxed, sorted(exercises), call_s, [grader_version(bank.load(e)) for e in sorted(exercises)]))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class ClusterJudges(Judges):
    """Judges.run over a Dask cluster: jobs go to its workers, records come back to this process."""

    def __init__(self, address: str, *, sandboxed: bool, exercises: list[str], call_s: float | None = None,
                 connect_timeout_s: float = 10.0) -> None:
        try:
            self.client = distributed.Client(address, timeout=connect_timeout_s, set_as_default=False)
        except (OSError, TimeoutError) as e:
            raise RuntimeError(f"no Dask scheduler answers at {address} ({e})") from None
        key = batch_key(sandboxed, exercises, call_s)
        self.config = (key, sandboxed, tuple(exercises), call_s)
        self.machinery = prep_fingerprint()
        self.client.register_plugin(PrepJudgePlugin(key, sandboxed, exercises, call_s), name=PLUGIN_NAME)
        self._completed: Any = None
        self._tracked: set = set()
        self.workers = len(self.client.scheduler_info().get("workers", {}))
        if not self.workers:
            self.client.close()
            raise RuntimeError(f"the Dask scheduler at {address} has no workers: start some with "
                               f"`dask worker {address} --nthreads 1`")

    def submit(self, exercise_id: str, path: Path, seed: int, canary: bool = False) -> Any:
        data = Path(path).read_bytes()
        return self.client.submit(grade_on_worker, self.config, Path(path).name, data, exercise_id, seed, canary,
                                  pure=False)

    def refuse(self, record: dict) -> str | None:
        if record.pop("machinery", None) != self.machinery:
            return ("a cluster worker runs another version of prep than this one (started before prep was "
                    "upgraded, or installed apart): restart the cluster's workers with the same prep")
        return None

    def wait_first(self, pending: Any) -> set:
        # One as_completed for the whole run, on this client's loop (distributed.wait would want a
        # default client); futures submitted since (retries) join it.
        if self._completed is None:
            self._completed = distributed.as_completed(loop=self.client.loop)
        for future in pending:
            if future not in self._tracked:
                self._tracked.add(future)
                self._completed.add(future)
        while True:
            future = next(self._completed)
            if future in pending:
                return {future}

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        self.abort()

    def abort(self) -> None:
        try:
            self.client.close()
        except Exception:  # already gone
            pass
