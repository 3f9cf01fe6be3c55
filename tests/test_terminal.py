"""`prep` in a real terminal (a pseudo-terminal driven by pexpect): `watch` clears the screen before each run,
Ctrl-C ends a command with one line and exit status 130, and `interview` runs its clock and takes "done"."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest

from grader import bank
from grader.progress import Progress

pexpect = pytest.importorskip("pexpect", reason="pexpect is not installed: ./bootstrap --dev")

PREP = str(Path(sys.executable).with_name("prep"))
ROOT = bank.bank_root()
QUIZ = "quiz-dynamic-graphs"
CLEAR = "\x1b[2J"  # what click.clear() writes: erase the screen


@pytest.fixture
def terminal(tmp_path, isolated_home):
    if not Path(PREP).is_file():
        pytest.skip(f"{PREP} is not installed: ./bootstrap")
    env = dict(os.environ, PREP_HOME=str(isolated_home), TERM="xterm", COLUMNS="200", LINES="50")

    def spawn(*args: str) -> "pexpect.spawn":
        return pexpect.spawn(PREP, list(args), cwd=str(tmp_path), env=env, encoding="utf-8", timeout=180,
                             dimensions=(50, 200))

    return spawn


def test_watch_clears_the_screen_before_each_run_and_ctrl_c_ends_it_with_exit_130(terminal, tmp_path):
    mine = tmp_path / "mine.py"
    shutil.copy(bank.load(QUIZ).stub_path, mine)
    child = terminal("watch", QUIZ, "--file", str(mine), "--interval", "0.2")
    child.expect(r"for saves \(Ctrl-C to stop\)\r\n")
    first = child.before
    shutil.copy(ROOT / "solutions" / f"{QUIZ}.py", mine)
    child.expect(r"for saves \(Ctrl-C to stop\)\r\n")
    second = child.before
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert first.startswith(CLEAR) and f"{QUIZ}: 0/" in first
    assert CLEAR in second and second.split(CLEAR, 1)[1].split("points")[0].endswith(
        f"{bank.load(QUIZ).max_score:g}/{bank.load(QUIZ).max_score:g} ")
    assert child.before.replace("^C", "").strip() == f"stopped watching {QUIZ} after 2 check(s)"
    assert child.exitstatus == 130


def test_ctrl_c_during_a_check_prints_one_line_and_exits_130(terminal, tmp_path):
    slow = tmp_path / "autograd-mul.py"  # still being graded when Ctrl-C comes, however fast the machine
    slow.write_text("import time\ntime.sleep(120)\n" + (ROOT / "solutions" / "autograd-mul.py").read_text())
    child = terminal("check", "autograd-mul", "--file", str(slow))
    child.expect(pexpect.TIMEOUT, timeout=3)  # grading has started
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.before.replace("^C", "").strip() == "interrupted"
    assert child.exitstatus == 130


def test_interview_shows_each_question_with_its_clock_and_takes_done(terminal, tmp_path):
    child = terminal("interview", "--minutes", "35", "--topic", "gradient-clipping", "--seed", "1")
    child.expect(r"Question 1 of 2: quiz-gradient-stability \(quiz, easy\), 15 min on the clock")
    child.expect(r"\[15:00 left\] ")
    child.expect(r"\x1b7\r\[14:5\d left\]\x1b8")  # the clock, redrawn where the learner does not type
    folder = tmp_path / f"interview-{date.today().isoformat()}"
    quiz = "quiz-gradient-stability"
    shutil.copy(ROOT / "solutions" / f"{quiz}.py", folder / quiz / f"{quiz}.py")
    child.sendline("done")
    child.expect(r"Question 2 of 2: grad-clipping \(code, easy\), 20 min on the clock")
    child.expect(r"\[20:00 left\] ")
    child.sendline("done")
    child.expect("Interview report: ")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    lines = [ln.strip() for ln in child.before.splitlines()]
    top = bank.load(quiz).max_score
    assert lines[1].split()[:3] == ["1.", quiz, f"{top:g}/{top:g}"]
    assert lines[2].split()[:3] == ["2.", "grad-clipping", f"0/{bank.load('grad-clipping').max_score:g}"]
    assert lines[-1] == f"wrote {folder / 'report.html'}; `prep review` schedules these exercises again"
    assert [(a.exercise, a.context) for a in Progress().attempts()] == [(quiz, "interview"),
                                                                        ("grad-clipping", "interview")]
