"""`prep watch`: a check now and one per save; stops on --max-checks, --timeout and Ctrl-C."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

import cli
from grader import api, bank
from grader.jupyter import watch

QUIZ = "quiz-dynamic-graphs"
EX = bank.load(QUIZ)


def run(*args):
    return CliRunner().invoke(cli.cli, list(args), catch_exceptions=False)


def test_every_save_is_checked_once(tmp_path):
    mine = tmp_path / "mine.py"
    shutil.copy(EX.stub_path, mine)
    results = []

    def saved(result):
        results.append(result)
        if len(results) == 1:  # the learner saves a solution after the first check
            mine.write_text(EX.solution_path.read_text())

    summary = watch.watch(QUIZ, mine, interval_s=0.05, max_checks=2, timeout_s=60, on_result=saved)
    assert [r.score for r in results] == [0, EX.max_score]
    assert (summary.checks, summary.stopped_by) == (2, "max_checks")
    assert [p.attempts for p in api.score() if p.exercise == QUIZ] == [2]


def test_ctrl_c_stops_cleanly(tmp_path):
    mine = tmp_path / "mine.py"
    shutil.copy(EX.stub_path, mine)

    def interrupt(files):
        assert files == [mine]
        raise KeyboardInterrupt

    summary = watch.watch(QUIZ, mine, interval_s=0.05, on_waiting=interrupt)
    assert (summary.checks, summary.stopped_by) == (1, "interrupt")


def test_cli_watch_stops_at_max_checks_and_timeout(tmp_path):
    mine = tmp_path / "mine.py"
    shutil.copy(EX.stub_path, mine)
    once = run("watch", QUIZ, "--file", str(mine), "--max-checks", "1")
    assert once.exit_code == 0
    assert once.output.splitlines()[1].startswith(f"{QUIZ}: 0/{EX.max_score:g} points")
    assert once.output.endswith(f"stopped watching {QUIZ} after 1 check(s) (--max-checks reached)\n")
    timed = run("watch", QUIZ, "--file", str(mine), "--timeout", "0.3", "--interval", "0.05")
    assert f"watching {mine} for saves (Ctrl-C to stop)\n" in timed.output
    assert timed.output.endswith(f"stopped watching {QUIZ} after 1 check(s) (--timeout reached)\n")


def test_cli_watch_without_a_copy_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("watch", QUIZ)
    assert result.exit_code == 2
    assert result.output == (f"Error: no fetched copy of {QUIZ} found: run `prep fetch {QUIZ}` first, "
                             "or pass --file PATH\n")
