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
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import distributed

from grader.batch.runner import Judges, grade_with

PLUGIN_NAME = "prep-judge"


class PrepJudgePlugin(distributed.WorkerPlugin):
    """A Dask worker plugin: each worker becomes a warm, sandboxed prep judge when it starts."""

    name = PLUGIN_NAME

    def __init__(self, sandboxed: bool, exercises: list[str], call_s: float | None) -> None:
        self.sandboxed = sandboxed
        self.exercises = list(exercises)
        self.call_s = call_s

    def setup(self, worker: Any) -> None:
        from grader.batch.runner import start_judge

        worker.prep_judge = start_judge(self.sandboxed, self.exercises, self.call_s)

    def teardown(self, worker: Any) -> None:
        state = getattr(worker, "prep_judge", None)
        if state is not None:
            state["pool"].close()
            if "slot_lock" in state:
                os.close(state["slot_lock"])


def grade_on_worker(exercise_id: str, name: str, data: bytes, seed: int, canary: bool = False) -> dict[str, Any]:
    """Runs on a Dask worker: grade the submission's bytes with this worker's judge."""
    worker = distributed.get_worker()
    state = getattr(worker, "prep_judge", None)
    if state is None:
        return {"exercise": exercise_id, "status": "infra_error", "score": None, "tests": [],
                "message": "this Dask worker has no prep judge (its plugin did not start)"}
    with tempfile.TemporaryDirectory(prefix="prep-cluster-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return grade_with(state, exercise_id, path, seed, canary=canary)


class ClusterJudges(Judges):
    """Judges.run over a Dask cluster: jobs go to its workers, records come back to this process."""

    def __init__(self, address: str, *, sandboxed: bool, exercises: list[str], call_s: float | None = None,
                 connect_timeout_s: float = 10.0) -> None:
        try:
            self.client = distributed.Client(address, timeout=connect_timeout_s, set_as_default=False)
        except (OSError, TimeoutError) as e:
            raise RuntimeError(f"no Dask scheduler answers at {address} ({e})") from None
        self.client.register_plugin(PrepJudgePlugin(sandboxed, exercises, call_s), name=PLUGIN_NAME)
        self._completed: Any = None
        self._tracked: set = set()
        self.workers = len(self.client.scheduler_info().get("workers", {}))
        if not self.workers:
            self.client.close()
            raise RuntimeError(f"the Dask scheduler at {address} has no workers: start some with "
                               f"`dask worker {address} --nthreads 1`")

    def submit(self, exercise_id: str, path: Path, seed: int, canary: bool = False) -> Any:
        data = Path(path).read_bytes()
        return self.client.submit(grade_on_worker, exercise_id, Path(path).name, data, seed, canary, pure=False)

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
