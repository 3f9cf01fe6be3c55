"""The notebook's warm judge: one judge per kernel, a fresh worker per check, same results as the cold path."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from grader import authoring, bank, procfs
from grader.jupyter import judge, warm

EX = "autograd-mul"


def answers(with_solutions: bool) -> dict[str, str]:
    nb = json.loads(authoring.generate_notebook(bank.load(EX), with_solutions=with_solutions))
    return {c["id"]: c["source"] for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")}


def comparable(result) -> dict:
    data = result.to_json()
    data.pop("duration_s")
    return data


def gone(pid: int, within_s: float = 15.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not procfs.alive(pid):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def session():
    """The kernel's session as `%load_ext prep` starts it, ended afterwards."""
    warm.start_session()
    current = warm.current()
    assert current is not None
    current.wait_ready()
    yield current
    warm.end_session()


@pytest.fixture(scope="module")
def warm_judge(tmp_path_factory):
    """One warm judge for the tests that only use it (starting one costs two torch imports)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PREP_HOME", str(tmp_path_factory.mktemp("prep-home")))
        j = warm.WarmJudge()
        j.start()
    j.wait_ready()
    yield j
    j.close()


def test_the_warm_judge_grades_as_the_cold_path_does(warm_judge):
    """Same seed, same Result (apart from timings), for full marks and for the untouched stub."""
    for sources in (answers(with_solutions=True), answers(with_solutions=False)):
        hot = warm_judge.check(EX, sources, seed=11, record_as="mine.ipynb (live kernel)", record=False,
                               timeout_s=300)
        cold = judge.run(EX, sources, seed=11, record_as="mine.ipynb (live kernel)", record=False)
        assert comparable(hot) == comparable(cold)
    assert hot.score == 0 and cold.status == "graded"


def test_a_second_check_reuses_the_judge_and_forks_a_new_worker(warm_judge):
    first = warm_judge.check(EX, answers(True), seed=1, record_as="x", record=False, timeout_s=300)
    pid, worker = warm_judge.pid, warm_judge.last_worker
    second = warm_judge.check(EX, answers(True), seed=2, record_as="x", record=False, timeout_s=300)
    assert first.full_marks and second.full_marks and (first.seed, second.seed) == (1, 2)
    assert warm_judge.pid == pid and warm_judge.alive()
    assert worker and warm_judge.last_worker and warm_judge.last_worker != worker
    assert not procfs.alive(worker)  # each check's worker ends with its check


def test_the_warm_judge_ignores_lines_another_writer_put_in_its_input(warm_judge):
    """Kernel code may write into the judge's stdin (a partial line, garbage lines): the next check
    still gets graded by the same judge, without a fallback."""
    os.write(warm_judge.proc.stdin.fileno(), b"x" * 50_000 + b"\n[1, 2]\n{\"op\": \"nope\"}\nnot json")
    pid = warm_judge.pid
    result = warm_judge.check(EX, answers(True), seed=3, record_as="x", record=False, timeout_s=300)
    assert result.full_marks and warm_judge.pid == pid


def test_the_warm_judge_and_its_zygote_die_with_the_kernel(tmp_path):
    kernel = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time
        from grader.jupyter import warm
        j = warm.WarmJudge()
        j.start()
        pong = j.wait_ready()
        print(pong["pid"], pong["zygote"], flush=True)
        time.sleep(600)
        """)], stdout=subprocess.PIPE, text=True, env=dict(os.environ, PREP_HOME=str(tmp_path)))
    try:
        judge_pid, zygote_pid = map(int, kernel.stdout.readline().split())
        assert procfs.alive(judge_pid) and procfs.alive(zygote_pid)
    finally:
        kernel.kill()  # no atexit, no closing of pipes by hand: the kernel just dies
        kernel.wait()
    assert gone(judge_pid), "the warm judge outlived its kernel"
    assert gone(zygote_pid), "the warm judge's zygote outlived it"


def test_a_killed_warm_judge_is_replaced_and_the_check_runs_cold_with_a_note(session):
    zygote = session.zygote
    os.kill(session.pid, signal.SIGKILL)  # kernel code may do this: same user
    result, note = warm.run(EX, answers(True), seed=4, record_as="x")
    assert result.full_marks and result.seed == 4
    assert note.startswith("prep's warm judge was killed by signal 9") and "\n" not in note
    replacement = warm.current()
    assert replacement is not None and replacement is not session and replacement.alive()
    assert gone(zygote)
    again, note = warm.run(EX, answers(True), seed=5, record_as="x")
    assert again.full_marks and note == "" and warm.current() is replacement and replacement.checks == 1


def test_a_stopped_warm_judge_cannot_block_the_check(session, monkeypatch):
    """Kernel code that stops the judge (or holds its pipe) costs the check ACK_S, then the cold path."""
    monkeypatch.setattr(warm, "ACK_S", 2.0)
    os.kill(session.pid, signal.SIGSTOP)
    started = time.monotonic()
    result, note = warm.run(EX, answers(True), seed=6, record_as="x")
    budget = bank.load(EX).limits.get("wall_s", 120) + judge.OVERHEAD_S
    assert result.full_marks and time.monotonic() - started < budget
    assert note.startswith("prep's warm judge did not answer in time")
    assert gone(session.pid, 5) and warm.current() is not session


def test_a_flood_into_the_judge_s_input_cannot_block_the_check(session):
    """Kernel code writing megabytes without a newline into the judge's stdin: the judge drops them in
    bounded pieces, and the check is graded (warm or, at worst, cold) within its budget."""
    fd = session.proc.stdin.fileno()

    def flood() -> None:
        left = 4 << 20
        while left > 0:
            select.select([], [fd], [], 1.0)
            try:
                left -= os.write(fd, b"y" * min(left, 1 << 16))
            except BlockingIOError:
                continue

    flooder = threading.Thread(target=flood, daemon=True)
    flooder.start()
    flooder.join(60)
    started = time.monotonic()
    result, _ = warm.run(EX, answers(True), seed=7, record_as="x")
    budget = bank.load(EX).limits.get("wall_s", 120) + judge.OVERHEAD_S
    assert result.full_marks and time.monotonic() - started < budget


def test_interrupting_a_warm_check_ends_its_judge_and_starts_another(session, monkeypatch):
    real_await = warm.WarmJudge._await

    def interrupted_after_acceptance(self, rid, deadline, **kw):
        reply = real_await(self, rid, deadline, **kw)
        if reply.get("accepted"):
            raise KeyboardInterrupt  # the stop button, while the worker runs the learner's code
        return reply

    monkeypatch.setattr(warm.WarmJudge, "_await", interrupted_after_acceptance)
    with pytest.raises(KeyboardInterrupt):
        warm.run(EX, answers(True), seed=8, record_as="x")
    assert gone(session.pid, 5) and gone(session.zygote)
    assert warm.current() is not None and warm.current() is not session and warm.current().alive()


def test_a_replacement_that_fails_at_once_leaves_the_session_cold(session):
    os.kill(session.pid, signal.SIGKILL)
    _, note = warm.run(EX, answers(True), seed=9, record_as="x")
    replacement = warm.current()
    replacement.wait_ready()
    os.kill(replacement.pid, signal.SIGKILL)
    result, note = warm.run(EX, answers(True), seed=9, record_as="x")
    assert result.full_marks and note.endswith("checks run in a fresh judge process until the kernel restarts")
    assert warm.current() is None
    warm.start_session()  # the check cell loads the extension again: still cold
    assert warm.current() is None


def test_load_ext_starts_the_warm_judge_the_check_cell_keeps_it_and_unload_ends_it(tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    from grader.jupyter import extension

    monkeypatch.chdir(tmp_path)
    shell = InteractiveShell.instance()
    try:
        shell.run_cell("%load_ext prep", store_history=True)
        started = warm.current()
        assert started is not None and started.alive()
        shell.run_cell("%load_ext prep\n%prep help", store_history=True)  # what the check cell does
        assert warm.current() is started and started.alive()
        proc = started.proc
        extension.unload_ipython_extension(shell)  # what %unload_ext prep calls
        assert warm.current() is None and proc.poll() is not None
    finally:
        warm.end_session()
        InteractiveShell.clear_instance()


def test_a_long_lived_pool_imports_what_an_exercise_declares_once_for_every_later_worker():
    """The warm judge learns an exercise's `preload` at its first check: the zygote imports it then,
    and every worker forked afterwards starts with it (not only a zygote restarted later)."""
    from grader.judge.pool import WorkerPool
    from grader.judge.session import WorkerSession

    probe = "import sys\nPRELOADED = 'tabnanny' in sys.modules\n"

    def preloaded(pool) -> bool:
        with WorkerSession(pool=pool) as worker:
            worker.wait_ready()
            worker.request({"op": "load", "source": probe, "filename": "probe.py", "probes": None, "bans": [],
                            "ban_ops": []})
            return worker.request({"op": "get", "target": "PRELOADED"})

    with WorkerPool() as pool:
        assert preloaded(pool) is False
        zygote = pool.zygote_pid
        pool.add_preload(("tabnanny",))
        assert pool.preload == ("tabnanny",) and pool.zygote_pid == zygote  # the same zygote, not a new one
        assert preloaded(pool) is True
        pool.add_preload(("tabnanny",))  # known already: nothing to ask


def test_the_fallback_note_is_one_line_above_the_table():
    from grader.judge.result import GraderOutcome, Result
    from grader.jupyter.extension import CheckReport

    result = Result(EX, "graded", 1.0, 1.0, [GraderOutcome("test_x", "passed", 1.0, 1.0, "ok", False)], seed=1)
    note = "prep's warm judge was killed by signal 9; a new one is starting, and this check ran in a fresh judge process"
    report = CheckReport(result, [], None, True, note)
    assert repr(report).startswith(f"({note})\n{EX}: 1/1 points")
    assert report._repr_html_().startswith(f'<p class="prep-note">{note.replace(chr(39), "&#x27;")}</p>')
    assert not repr(CheckReport(result, [], None)).startswith("(")
