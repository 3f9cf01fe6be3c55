"""`prep grade --cluster`: a Dask scheduler and two workers on loopback grade a class exactly as the
local pool does, and a worker killed mid-batch loses nothing: every submission is stored once."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from grader import api, bank
from tests.conftest import CORPUS

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

WRONG = CORPUS / "autograd-mul" / "wrong_swapped_gradients.py"
SANDBOXED = shutil.which("bwrap") is not None and os.geteuid() == 0


def _class(root: Path, n: int) -> Path:
    reference = bank.load("autograd-mul").solution_path
    for i in range(n):
        folder = root / f"learner{i:02d}"
        folder.mkdir(parents=True)
        shutil.copy(reference if i % 3 == 0 else WRONG, folder / "autograd-mul.py")
    return root


def _grades(out: Path) -> dict[str, tuple[str, str]]:
    with open(out / "grades.csv", newline="") as f:
        return {r["learner"]: (r["status"], r["score"]) for r in csv.DictReader(f)}


class Cluster:
    """A scheduler and workers on 127.0.0.1, each in its own process group."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.file = tmp / "scheduler.json"
        self.procs: dict[str, subprocess.Popen] = {}
        self.procs["scheduler"] = self._spawn("scheduler", [sys.executable, "-m", "distributed.cli.dask_scheduler",
                                                           "--host", "127.0.0.1", "--port", "0",
                                                           "--no-dashboard", "--scheduler-file", str(self.file)])
        deadline = time.monotonic() + 60
        while not self.file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.address = json.loads(self.file.read_text())["address"]

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "wb")
        return subprocess.Popen(argv, stdout=log, stderr=log, start_new_session=True, cwd=self.tmp)

    def add_worker(self, name: str) -> None:
        # --no-nanny: a killed worker stays dead (a nanny would restart it)
        self.procs[name] = self._spawn(name, [sys.executable, "-m", "distributed.cli.dask_worker", self.address,
                                              "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", name,
                                              "--host", "127.0.0.1"])

    def wait_for_workers(self, n: int) -> None:
        with distributed.Client(self.address, timeout=30) as client:
            client.wait_for_workers(n, timeout=120)

    def kill(self, name: str) -> None:
        os.killpg(self.procs[name].pid, signal.SIGKILL)
        self.procs[name].wait()

    def close(self) -> None:
        for proc in self.procs.values():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path)
    c.add_worker("w1")
    c.add_worker("w2")
    c.wait_for_workers(2)
    yield c
    c.close()


def test_a_class_graded_on_a_cluster_gets_exactly_the_local_grades(tmp_path, cluster):
    klass = _class(tmp_path / "class", 40)
    said: list[str] = []
    remote = api.grade_batch(klass, ["autograd-mul"], out=tmp_path / "remote", seed=11, cluster=cluster.address,
                             unsafe_no_sandbox=not SANDBOXED, on_status=said.append)
    local = api.grade_batch(klass, ["autograd-mul"], out=tmp_path / "local", seed=11, jobs=2,
                            unsafe_no_sandbox=not SANDBOXED)
    assert f"grading on the Dask cluster at {cluster.address}: 2 worker(s) as judges" in said
    assert remote.total == local.total == 40
    assert _grades(tmp_path / "remote") == _grades(tmp_path / "local")
    assert {s for s, _ in _grades(tmp_path / "remote").values()} == {"graded"}


def test_a_worker_killed_mid_batch_loses_nothing_and_stores_nothing_twice(tmp_path, cluster):
    klass = _class(tmp_path / "class", 40)
    stored: list[str] = []
    killed = threading.Event()

    def on_progress(progress, record):
        if record is not None:
            stored.append(record.get("submission", ""))
        if progress.done >= 8 and not killed.is_set():
            killed.set()
            cluster.kill("w1")

    report = api.grade_batch(klass, ["autograd-mul"], out=tmp_path / "out", seed=5, cluster=cluster.address,
                             unsafe_no_sandbox=not SANDBOXED, on_progress=on_progress, canaries=False)
    assert killed.is_set()
    grades = _grades(tmp_path / "out")
    assert len(grades) == 40 and report.graded_now == 40
    assert len(stored) == 40 and len(set(stored)) == 40, "a submission was stored twice"
    assert {s for s, _ in grades.values()} == {"graded"}


def test_no_scheduler_at_the_address_is_one_clear_line(tmp_path):
    klass = _class(tmp_path / "class", 1)
    with pytest.raises(api.PrepError, match="no Dask scheduler answers at tcp://127.0.0.1:9"):
        api.grade_batch(klass, ["autograd-mul"], out=tmp_path / "out", cluster="tcp://127.0.0.1:9",
                        unsafe_no_sandbox=True)


def _warm_zygotes(address: str) -> dict[str, list[tuple[str, int]]]:
    """Each worker's warm judges: (key, zygote pid) pairs."""
    def judges() -> list[tuple[str, int]]:
        from grader.batch import cluster as on_worker

        return [(key, state["pool"].zygote_pid) for key, state in on_worker._WARM.items()]

    with distributed.Client(address, timeout=30) as client:
        return client.run(judges)


def test_the_next_batch_finds_its_judges_warm_and_a_changed_one_gets_its_own(tmp_path, cluster):
    klass = _class(tmp_path / "class", 6)
    grade = dict(unsafe_no_sandbox=not SANDBOXED, cluster=cluster.address, canaries=False, seed=3)
    api.grade_batch(klass, ["autograd-mul"], out=tmp_path / "first", **grade)
    first = _warm_zygotes(cluster.address)
    assert sorted(len(judges) for judges in first.values()) == [1, 1]
    assert all(pid for judges in first.values() for _, pid in judges)

    api.grade_batch(klass, ["autograd-mul"], out=tmp_path / "second", **grade)
    assert _warm_zygotes(cluster.address) == first, "the second batch started judges of its own"
    assert _grades(tmp_path / "second") == _grades(tmp_path / "first")

    # Another time limit is another configuration: its own judges, and the first batch's stay warm beside them.
    api.grade_batch(klass, ["autograd-mul"], out=tmp_path / "third", call_s=20.0, **grade)
    third = _warm_zygotes(cluster.address)
    for worker, judges in third.items():
        assert len(judges) == 2 and first[worker][0] in judges
    assert _grades(tmp_path / "third") == _grades(tmp_path / "first")


def test_a_worker_with_other_machinery_loaded_has_its_records_refused(tmp_path, cluster):
    klass = _class(tmp_path / "class", 2)
    grade = dict(unsafe_no_sandbox=not SANDBOXED, cluster=cluster.address, canaries=False, seed=3)
    api.grade_batch(klass, ["autograd-mul"], out=tmp_path / "first", **grade)

    def stale() -> None:  # as if this worker had been started before prep was upgraded
        from grader.batch import cluster as on_worker

        for state in on_worker._WARM.values():
            state["machinery"] = "0" * 16

    with distributed.Client(cluster.address, timeout=30) as client:
        client.run(stale)
    api.grade_batch(klass, ["autograd-mul"], out=tmp_path / "second", **grade)
    with open(tmp_path / "second" / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["status"] for r in rows] == ["infra_error", "infra_error"]
    messages = [json.loads(p.read_text())["message"] for p in (tmp_path / "second" / "results").glob("*/*.json")]
    assert messages and all("restart the cluster's workers with the same prep" in m for m in messages), messages
