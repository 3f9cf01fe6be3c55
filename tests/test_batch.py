"""`prep grade`: the red-team class, bad submissions, resuming after kill -9, one writer, canaries, exports."""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from grader import api, bank
from grader.batch import runner
from grader.batch.store import Store, file_stem
from grader.judge import sandbox
from tests.conftest import CORPUS, ROOT

REDTEAM = ROOT / "tests" / "redteam"
WRONG = CORPUS / "autograd-mul" / "wrong_swapped_gradients.py"
# Skip only where bubblewrap is not installed at all; where it is, a sandbox that cannot start is a failure.
needs_sandbox = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")


def make_class(root: Path, files: dict[str, Path | str], exercise: str = "autograd-mul") -> Path:
    for learner, content in files.items():
        folder = root / learner
        folder.mkdir(parents=True)
        target = folder / f"{exercise}.py"
        if isinstance(content, Path):
            shutil.copy(content, target)
        else:
            target.write_text(content)
    return root


def rows(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "grades.csv", newline="") as f:
        return {r["learner"]: r for r in csv.DictReader(f)}


def host_shmem() -> int:
    """The host's shared memory (tmpfs and System V pages), from /proc/meminfo, in bytes."""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("Shmem:"):
                return int(line.split()[1]) * 1024
    return 0


def sandbox_processes() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid >= sandbox.FIRST_SANDBOX_UID:
                    found.append(int(entry))
            except OSError:
                pass
    return found


@needs_sandbox
@pytest.mark.exclusive  # it watches the host's shared memory, which a concurrent test could change
def test_red_team_class_scores_no_more_than_the_same_wrong_code(tmp_path):
    attacks = sorted(REDTEAM.glob("*.py"))
    assert len(attacks) >= 30
    files: dict[str, Path | str] = {p.stem: p for p in attacks}
    files["baseline"] = WRONG
    assert sandbox.check_available() is None, sandbox.check_available()
    klass = make_class(tmp_path / "class", files)
    started = time.monotonic()
    shmem_start = host_shmem()
    peak = [shmem_start]
    done = threading.Event()

    def watch_shared_memory() -> None:  # the host's tmpfs and System V pages while the batch runs
        while not done.wait(0.05):
            peak[0] = max(peak[0], host_shmem())

    watcher = threading.Thread(target=watch_shared_memory, daemon=True)
    watcher.start()
    try:
        report = api.grade_batch(klass, ["autograd-mul"], out=tmp_path / "out", jobs=2, call_s=3.0)
    finally:
        done.set()
        watcher.join()
    elapsed = time.monotonic() - started
    assert peak[0] - shmem_start < 1 << 30, f"the host's shared memory grew by {(peak[0] - shmem_start) >> 20} MiB"
    assert host_shmem() - shmem_start < 64 << 20, "shared memory was left behind after the batch"
    graded = rows(tmp_path / "out")
    baseline = float(graded["baseline"]["score"])
    assert baseline < bank.load("autograd-mul").max_score
    for name, row in graded.items():
        assert row["status"] != "infra_error", f"{name}: infra_error"
        assert float(row["score"] or 0) <= baseline, f"{name} scored {row['score']} > {baseline}"
    assert report.sandboxed
    assert elapsed < 240
    deadline = time.monotonic() + 5
    while sandbox_processes() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sandbox_processes() == [], "processes of the sandbox uids survived the batch"


def _notebook(path: Path, text: str) -> None:
    path.write_text(text)


def test_bad_submissions_each_get_a_status_and_the_batch_goes_on(tmp_path):
    klass = tmp_path / "class"
    ex = bank.load("autograd-mul")
    good_nb = json.loads((ex.notebook_path).read_text())
    cases = {
        "invalid json": ("autograd-mul.ipynb", "{not json"),
        "nbformat3": ("autograd-mul.ipynb", json.dumps({"nbformat": 3, "worksheets": []})),
        "no answer cells": ("autograd-mul.ipynb", json.dumps({**good_nb, "cells": good_nb["cells"][:1]})),
        "syntax error": ("autograd-mul.py", "def f(:\n"),
        "crlf and tabs": ("autograd-mul.py", WRONG.read_text().replace("\n", "\r\n").replace("    ", "\t")),
        "name with spaces": ("autograd-mul.py", WRONG.read_text()),
        "x..%2F..%2Fescape": ("autograd-mul.py", WRONG.read_text()),
        "ünïcødé": ("autograd-mul.py", WRONG.read_text()),
        "empty folder": (None, None),
    }
    for learner, (name, text) in cases.items():
        (klass / learner).mkdir(parents=True)
        if name:
            (klass / learner / name).write_text(text)
    big = klass / "huge notebook"
    big.mkdir()
    with open(big / "autograd-mul.ipynb", "wb") as f:
        f.truncate(300 << 20)  # a 300 MB file (sparse): refused before parsing
    (tmp_path / "elsewhere").mkdir()
    (klass / "linked").symlink_to(tmp_path / "elsewhere")
    api.grade_batch(klass, ["autograd-mul"], out=tmp_path / "out", jobs=2, unsafe_no_sandbox=True, canaries=False)
    got = rows(tmp_path / "out")
    assert set(got) == set(cases) | {"huge notebook", "linked"}
    expect_not_gradable = {"invalid json", "nbformat3", "no answer cells", "syntax error", "empty folder",
                           "huge notebook", "linked"}
    for learner in expect_not_gradable:
        assert got[learner]["status"] == "not_gradable", (learner, got[learner])
        assert got[learner]["score"] == "0"
    for learner in ("crlf and tabs", "name with spaces", "x..%2F..%2Fescape", "ünïcødé"):
        assert got[learner]["status"] == "graded" and float(got[learner]["score"]) > 0
    results = tmp_path / "out" / "results" / "autograd-mul"
    assert all(p.parent == results for p in results.iterdir())  # nothing escaped the results folder
    record = Store(tmp_path / "out").get("nbformat3", "autograd-mul")
    assert "nbformat 3" in record["message"]


def _run_cli_grade(klass: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import cli; cli.main()", "grade", str(klass), "--exercise",
                             "autograd-mul", "--out", str(out), "--jobs", "1", "--seed", "7", "--unsafe-no-sandbox",
                             "--no-canaries", *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def test_killed_mid_batch_resumes_without_regrading_and_exports_the_same(tmp_path):
    klass = make_class(tmp_path / "class", {f"s{i:02d}": (WRONG if i % 2 else bank.load("autograd-mul").solution_path)
                                            for i in range(10)})
    first = _run_cli_grade(klass, tmp_path / "out")
    results = tmp_path / "out" / "results" / "autograd-mul"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(results.glob("*.json"))) < 3:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # kill -9 the whole prep grade, mid-batch
    first.wait()
    done_before = {p.name: p.read_bytes() for p in results.glob("*.json")}
    assert 3 <= len(done_before) < 10
    assert not list(results.glob("*.tmp")) or True  # a half-written temporary may exist; it is never read

    second = _run_cli_grade(klass, tmp_path / "out")
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err.decode()[-2000:]
    assert f"{len(done_before)} kept from before" in out.decode()
    for name, data in done_before.items():  # finished results were not re-graded
        assert (results / name).read_bytes() == data

    fresh = _run_cli_grade(klass, tmp_path / "fresh")
    fresh.communicate(timeout=300)
    assert (tmp_path / "out" / "grades.csv").read_text() == (tmp_path / "fresh" / "grades.csv").read_text()


def test_a_second_grader_on_the_same_output_refuses(tmp_path):
    klass = make_class(tmp_path / "class", {"a": WRONG})
    holder = Store(tmp_path / "out")
    holder.lock()
    try:
        result = CliRunner().invoke(cli.cli, ["grade", str(klass), "--exercise", "autograd-mul", "--out",
                                              str(tmp_path / "out"), "--unsafe-no-sandbox"])
    finally:
        holder.unlock()
    assert result.exit_code == 2
    assert result.output == (f"Error: another prep grade (pid {os.getpid()}) is writing to {tmp_path / 'out'}: "
                             "wait for it to finish, or pass another --out\n")


def test_without_a_sandbox_prep_grade_refuses_and_says_how(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "check_available", lambda **_: "bubblewrap is not installed: install it "
                        "(Debian/Ubuntu: `apt-get install bubblewrap`, as root) or pass --unsafe-no-sandbox to "
                        "grade without it")
    klass = make_class(tmp_path / "class", {"a": WRONG})
    result = CliRunner().invoke(cli.cli, ["grade", str(klass), "--exercise", "autograd-mul"])
    assert result.exit_code == 2
    assert result.output == ("Error: prep grade runs submissions in a sandbox, and bubblewrap is not installed: "
                             "install it (Debian/Ubuntu: `apt-get install bubblewrap`, as root) or pass "
                             "--unsafe-no-sandbox to grade without it\n")


def test_workers_that_cannot_start_stop_the_batch_before_any_grade(tmp_path, monkeypatch):
    """prep grade checks the sandbox cheaply (torch's package is visible in it) and then waits for its zygotes,
    which import torch: a zygote that dies there stops the batch with one line, and nothing is stored."""
    from grader.judge import pool

    class BrokenPool(pool.WorkerPool):  # a Python that cannot start in the sandbox, as a broken torch would not
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.python = str(tmp_path / "no-such-python")

    monkeypatch.setattr(pool, "WorkerPool", BrokenPool)
    klass = make_class(tmp_path / "class", {"a": WRONG})
    result = CliRunner().invoke(cli.cli, ["grade", str(klass), "--exercise", "autograd-mul", "--out",
                                          str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 2, result.output
    assert result.output == ("prep: starting 1 judge process(es), each with a sandboxed worker pool\n"
                             "Error: the sandboxed workers did not start (they import torch first): their error, "
                             "if any, is printed above; pass --unsafe-no-sandbox to grade without the sandbox\n")
    assert Store(tmp_path / "out").all_records() == []


@needs_sandbox
def test_saved_tensors_parked_in_file_names_count_as_memory_in_the_sandbox(tmp_path):
    """In prep grade's private tmpfs, a plain forward that parks its saved tensors in the names of hundreds of
    thousands of empty files (no data blocks, no write()) scores what the plain forward scores: every file the worker
    holds there is charged at what tmpfs charges for it (round-5 red team: 9/9 against 6/9 before)."""
    attacks = ROOT / "tests" / "measure_attacks"
    klass = make_class(tmp_path / "class", {"plain": attacks / "activation_checkpointing_plain.py",
                                           "names": attacks / "activation_checkpointing_file_names.py"},
                       exercise="activation-checkpointing")
    api.grade_batch(klass, ["activation-checkpointing"], out=tmp_path / "out", jobs=1, seed=5,
                    canaries=False)  # about the sandbox, not the canaries (tested apart)
    graded = rows(tmp_path / "out")
    assert graded["plain"]["status"] == graded["names"]["status"] == "graded"
    assert float(graded["plain"]["score"]) < float(graded["plain"]["max_score"])
    assert float(graded["names"]["score"]) <= float(graded["plain"]["score"])


@needs_sandbox
def test_closing_a_fresh_worker_spares_the_graders_worker_in_the_sandbox(tmp_path):
    """learner.fresh() runs a second worker under the slot's uid; closing it must not take the graders' worker (or
    its scratch folder) with it: custom-activations measures in fresh workers between other graders, and its
    reference keeps full marks in a sandboxed batch (every later grader crashed with SIGKILL before)."""
    klass = make_class(tmp_path / "class", {"ref": ROOT / "solutions" / "custom-activations.py"},
                       exercise="custom-activations")
    api.grade_batch(klass, ["custom-activations"], out=tmp_path / "out", jobs=1, seed=5,
                    canaries=False)  # about the sandbox, not the canaries (tested apart)
    graded = rows(tmp_path / "out")
    assert graded["ref"]["status"] == "graded", graded
    assert float(graded["ref"]["score"]) == float(graded["ref"]["max_score"]), graded


def test_failing_canaries_stop_the_batch(tmp_path, monkeypatch):
    """A grader that passes everything (here: a broken copy of the bank) is caught before grading."""
    bank_copy = tmp_path / "bank"
    for sub in ("exercises/autograd-mul", "solutions"):
        (bank_copy / sub).parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "exercises" / "autograd-mul", bank_copy / "exercises" / "autograd-mul")
    (bank_copy / "solutions").mkdir(exist_ok=True)
    shutil.copy(ROOT / "solutions" / "autograd-mul.py", bank_copy / "solutions")
    hidden = bank_copy / "exercises" / "autograd-mul" / "test_hidden.py"
    hidden.write_text(hidden.read_text().replace("def test_uses_incoming_gradient(learner, device, rng):",
                                                 "def test_uses_incoming_gradient(learner, device, rng):\n    return"))
    monkeypatch.setenv("PREP_BANK", str(bank_copy))
    klass = make_class(tmp_path / "class", {"a": WRONG})
    with pytest.raises(api.PrepError, match="pre-flight canaries failed, so no result was stored: "
                                            "canary:autograd-mul:stub: expected zero"):
        api.grade_batch(klass, ["autograd-mul"], out=tmp_path / "out", jobs=1, unsafe_no_sandbox=True)
    assert not (tmp_path / "out" / "grades.csv").exists()
    assert not list((tmp_path / "out" / "results").rglob("*.json")), "a result counted before its canaries passed"


def test_canaries_run_alongside_the_class_and_are_remembered_until_a_grader_changes(tmp_path, monkeypatch):
    bank_copy = tmp_path / "bank"
    shutil.copytree(ROOT / "exercises" / "autograd-mul", bank_copy / "exercises" / "autograd-mul")
    (bank_copy / "solutions").mkdir()
    shutil.copy(ROOT / "solutions" / "autograd-mul.py", bank_copy / "solutions")
    monkeypatch.setenv("PREP_BANK", str(bank_copy))
    klass = make_class(tmp_path / "class", {"a": WRONG, "b": WRONG})

    def run(out: str) -> list[str]:
        said: list[str] = []
        api.grade_batch(klass, ["autograd-mul"], out=tmp_path / out, jobs=1, unsafe_no_sandbox=True,
                        on_status=said.append)
        return said

    first = run("first")
    assert "checking the graders of autograd-mul with 5 canaries, alongside the class" in first
    assert len(rows(tmp_path / "first")) == 2
    second = run("second")  # another class, the same graders and prep: the verdict is remembered
    assert "the graders' canaries passed before with these graders and this prep: not re-run" in second
    hidden = bank_copy / "exercises" / "autograd-mul" / "test_hidden.py"
    hidden.write_text(hidden.read_text() + "\n# a changed grader\n")
    third = run("third")
    assert "checking the graders of autograd-mul with 5 canaries, alongside the class" in third
    assert first[:2] == [f"starting 1 judge process(es), each with a worker pool",
                         "found 2 submission(s) of 2 learner(s) for 1 exercise(s)"]


def test_ctrl_c_stops_with_one_line_exit_130_and_the_same_command_resumes(tmp_path):
    klass = make_class(tmp_path / "class", {f"s{i:02d}": WRONG for i in range(12)})
    results = tmp_path / "out" / "results" / "autograd-mul"
    first = _run_cli_grade(klass, tmp_path / "out")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(results.glob("*.json"))) < 2:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGINT)  # what a terminal does on Ctrl-C: the whole foreground group
    out, err = first.communicate(timeout=60)
    text = err.decode()
    assert first.returncode == 130, text[-2000:]
    assert "Traceback" not in text, text[-3000:]
    stored = len(list(results.glob("*.json")))
    assert text.strip().splitlines()[-1] == (f"interrupted: {stored} result(s) stored in {tmp_path / 'out'}; "
                                             "run the same command to resume")
    second = _run_cli_grade(klass, tmp_path / "out")
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err.decode()[-2000:]
    assert f"{stored} kept from before" in out.decode()


def test_nbgrader_submitted_layout_and_all_exports(tmp_path):
    sub = tmp_path / "submitted"
    ex = bank.load("autograd-mul")
    for student, source in (("s1", ex.solution_path), ("s2", WRONG)):
        folder = sub / student / "ps1"
        folder.mkdir(parents=True)
        shutil.copy(source, folder / "autograd-mul.py")
    report = api.grade_batch(sub, ["autograd-mul"], assignment="ps1", out=tmp_path / "out", jobs=1,
                             unsafe_no_sandbox=True, canaries=False)
    out = tmp_path / "out"
    got = rows(out)
    assert got["s1"]["score"] == f"{ex.max_score:g}" and float(got["s2"]["score"]) < ex.max_score
    assert report.by_status == {"graded": 2}
    learner = json.loads((out / "learners" / f"{file_stem('s2')}.json").read_text())
    assert learner["learner"] == "s2" and learner["exercises"][0]["exercise"] == "autograd-mul"
    feedback = (out / "feedback" / f"{file_stem('s2')}.md").read_text()
    assert feedback.startswith("# Feedback\n\nLearner: s2\n")
    feedback = html.unescape(re.sub(r"\\(.)", r"\1", feedback))  # the text as rendered, Markdown escapes undone
    hidden_source = ex.hidden_graders.read_text()
    assert "def test_" not in feedback and "expected:" not in feedback.split("(hidden)")[-1]
    assert not any(line.strip() in feedback for line in hidden_source.splitlines() if len(line.strip()) > 30)
    gs = json.loads((out / "gradescope" / file_stem("s1") / "results.json").read_text())
    assert gs["score"] == ex.max_score and all({"name", "score", "max_score"} <= set(t) for t in gs["tests"])
    junit = (out / "junit.xml").read_text()
    assert '<testsuite name="autograd-mul"' in junit and "s2 :: test_gradcheck" in junit
    assert "<svg" in (out / "report.html").read_text()


def test_infra_errors_are_never_exported_as_zero(tmp_path):
    from grader.batch import export

    records = [{"learner": "a", "exercise": "x", "status": "infra_error", "score": None, "max_score": 5, "tests": []},
               {"learner": "b", "exercise": "x", "status": "graded", "score": 0.0, "max_score": 5, "tests": []}]
    export.write_csv(records, tmp_path / "grades.csv")
    lines = (tmp_path / "grades.csv").read_text().splitlines()
    assert lines[1] == "a,x,,5,infra_error" and lines[2] == "b,x,0,5,graded"


def test_machinery_crash_is_infra_error_retried_and_never_a_zero(tmp_path, monkeypatch):
    """Probes that fail to load are prep's fault: the job is retried, then stored as infra_error."""
    bank_copy = tmp_path / "bank"
    shutil.copytree(ROOT / "exercises" / "sgd-momentum", bank_copy / "exercises" / "sgd-momentum")
    (bank_copy / "solutions").mkdir()
    shutil.copy(ROOT / "solutions" / "sgd-momentum.py", bank_copy / "solutions")
    probes = bank_copy / "exercises" / "sgd-momentum" / "probes.py"
    probes.write_text("raise RuntimeError('broken probes')\n" + probes.read_text())
    monkeypatch.setenv("PREP_BANK", str(bank_copy))
    # Each attempt is counted in the judge process (forked from this one, so it runs the patched function): the
    # worker, where the probes fail, may not write outside its scratch folder.
    attempts = tmp_path / "attempts.txt"
    grade_once = runner.grade_with

    def counted(*args, **kwargs):
        with open(attempts, "a") as f:
            f.write("x")
        return grade_once(*args, **kwargs)

    monkeypatch.setattr(runner, "grade_with", counted)
    klass = make_class(tmp_path / "class", {"a": ROOT / "solutions" / "sgd-momentum.py"}, exercise="sgd-momentum")
    api.grade_batch(klass, ["sgd-momentum"], out=tmp_path / "out", jobs=1, unsafe_no_sandbox=True, canaries=False)
    row = rows(tmp_path / "out")["a"]
    assert row["status"] == "infra_error" and row["score"] == ""
    assert len(attempts.read_text()) == 3  # the first try and two retries
