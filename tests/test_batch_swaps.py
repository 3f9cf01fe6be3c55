"""A class folder its learners can still write to while `prep grade` runs (a shared or synced folder).

Discovery refuses links, FIFOs and devices, but a learner can swap their file after discovery: for a
link to the instructor's reference solution (graded as theirs, full marks, under the key of the wrong
file they handed in), a FIFO (the coordinator's read blocks for ever), or a sparse file of terabytes
(hours of hashing). The batch reads each file once, before any judge sees it, and grades that copy.
These tests drive ``Judges.run`` with stand-in judges that read the file they are handed as a real
judge does (``grader.submission.load`` follows links) and score it by whether it is the reference.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import shutil
import threading
from pathlib import Path

from grader import bank
from grader.batch import runner
from grader.batch.discover import discover
from grader.batch.store import Store
from tests.conftest import CORPUS

EXERCISE = "autograd-mul"
WRONG = CORPUS / EXERCISE / "wrong_swapped_gradients.py"


class StandInJudges(runner.Judges):
    """Grades by reading the path it is handed (following links, as a judge does): the reference scores
    full marks, anything else zero. ``act`` is the learner, acting while the job waits in the queue."""

    def __init__(self, reference: Path, act=lambda: None) -> None:  # no zygotes: nothing is really graded
        self.reference = reference.read_bytes()
        self.act = act

    def submit(self, exercise_id, path, seed, canary=False):
        self.act()
        data = Path(path).read_bytes()
        future: concurrent.futures.Future = concurrent.futures.Future()
        future.set_result({"exercise": exercise_id, "status": "graded", "max_score": 16.0, "tests": [],
                           "score": 16.0 if data == self.reference else 0.0,
                           "sha256": hashlib.sha256(data).hexdigest()})
        return future


def _class(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A class of one (mallory, a wrong file), and a folder elsewhere that holds the reference under the
    same file name (as the instructor's solutions/ folder does)."""
    klass = tmp_path / "class"
    (klass / "mallory").mkdir(parents=True)
    shutil.copy(WRONG, klass / "mallory" / f"{EXERCISE}.py")
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    shutil.copy(bank.load(EXERCISE).solution_path, solutions / f"{EXERCISE}.py")
    return klass, solutions, klass / "mallory" / f"{EXERCISE}.py"


def _run(judges: runner.Judges, klass: Path, out: Path, timeout_s: float = 60.0) -> dict:
    """Run the batch in a thread, so that a read that blocks for ever fails the test instead of hanging it."""
    store = Store(out)
    store.lock()
    jobs = discover(klass, [EXERCISE])
    before_run = getattr(judges, "before_run", None)
    if before_run:
        before_run()
    thread = threading.Thread(target=judges.run, args=(jobs, store), kwargs={"batch_seed": 1}, daemon=True)
    thread.start()
    thread.join(timeout_s)
    assert not thread.is_alive(), "the batch's coordinator is stuck reading a learner's file"
    store.unlock()
    (record,) = Store(out).all_records()
    return record


def _swap_for_link(path: Path, target: Path) -> None:
    tmp = path.with_name(path.name + ".new")
    tmp.symlink_to(target)
    os.replace(tmp, path)


def test_a_file_swapped_for_a_link_to_the_reference_while_queued_is_not_what_gets_graded(tmp_path):
    klass, solutions, file = _class(tmp_path)
    wrong_sha = hashlib.sha256(WRONG.read_bytes()).hexdigest()
    judges = StandInJudges(solutions / f"{EXERCISE}.py", act=lambda: _swap_for_link(file, solutions / file.name))
    record = _run(judges, klass, tmp_path / "out")
    assert record["score"] == 0.0, "the reference, linked in after hashing, was graded as mallory's file"
    assert record["sha256"] == record["key"]["sha256"] == wrong_sha  # what was graded is what the key names


def test_a_file_swapped_for_a_link_between_discovery_and_hashing_is_not_graded(tmp_path):
    klass, solutions, file = _class(tmp_path)
    judges = StandInJudges(solutions / f"{EXERCISE}.py")
    judges.before_run = lambda: _swap_for_link(file, solutions / file.name)
    record = _run(judges, klass, tmp_path / "out")
    assert record["score"] == 0.0 and record["status"] == "not_gradable", record


def test_a_folder_swapped_for_a_link_to_the_solutions_folder_is_not_followed(tmp_path):
    klass, solutions, file = _class(tmp_path)
    judges = StandInJudges(solutions / f"{EXERCISE}.py")

    def swap_folder() -> None:
        shutil.rmtree(klass / "mallory")
        (klass / "mallory").symlink_to(solutions)  # mallory/autograd-mul.py is now the reference

    judges.before_run = swap_folder
    record = _run(judges, klass, tmp_path / "out")
    assert record["score"] == 0.0 and record["status"] == "not_gradable", record


def test_a_fifo_swapped_in_after_discovery_does_not_hang_the_batch(tmp_path):
    klass, solutions, file = _class(tmp_path)
    judges = StandInJudges(solutions / f"{EXERCISE}.py")

    def swap_for_fifo() -> None:
        file.unlink()
        os.mkfifo(file)

    judges.before_run = swap_for_fifo
    try:
        record = _run(judges, klass, tmp_path / "out", timeout_s=30)
    finally:
        try:  # release a reader stuck in open() (before the fix), so that the test process can end
            os.close(os.open(file, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
    assert record["status"] == "not_gradable" and "regular file" in record["message"], record


def test_a_sparse_file_of_a_terabyte_is_refused_without_reading_it(tmp_path):
    klass, solutions, file = _class(tmp_path)
    with open(file, "r+b") as f:
        f.truncate(1 << 40)  # no disk used; reading it all would take hours
    judges = StandInJudges(solutions / f"{EXERCISE}.py")
    record = _run(judges, klass, tmp_path / "out", timeout_s=30)
    assert record["status"] == "not_gradable" and "MB limit" in record["message"], record
