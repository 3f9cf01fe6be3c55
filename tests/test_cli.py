"""The `prep` command line, driven in-process with CliRunner; messages are checked exactly."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

import cli
from grader import bank

ROOT = bank.bank_root()


def run(*args, input=None):
    return CliRunner().invoke(cli.cli, list(args), input=input, catch_exceptions=False)


@pytest.mark.parametrize("args", [["--help"], ["list"], ["show", "autograd-mul"], ["hint", "autograd-mul"],
                                  ["score"], ["list", "--json"], ["list", "--status", "new", "--topic", "optim"],
                                  ["topics"], ["next", "--no-fetch"], ["review"]])
def test_commands_that_need_no_grading_never_import_torch(args, tmp_path):
    code = ("import sys\nfrom click.testing import CliRunner\nimport cli\n"
            f"r = CliRunner().invoke(cli.cli, {args!r})\nassert r.exit_code == 0, r.output\n"
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={"PREP_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}, check=True)
    assert out.stdout.strip() == "False"


def test_every_command_has_help():
    for name, command in cli.cli.commands.items():
        assert command.help, f"prep {name} has no help text"


def test_list_json_contract():
    result = run("list", "--json")
    data = json.loads(result.output)
    assert {e["id"] for e in data} >= {"autograd-mul", "gradient-check", "sgd-momentum", "higher-order-grad",
                                        "fix-softplus", "quiz-dynamic-graphs"}
    for e in data:
        assert {"id", "title", "kind", "topics", "difficulty", "seeds"} <= set(e)
        assert isinstance(e["topics"], list) and isinstance(e["seeds"], list)


def test_list_filters_by_kind():
    ids = json.loads(run("list", "--kind", "quiz", "--json").output)
    assert ids and all(e["kind"] == "quiz" for e in ids)


def test_unknown_exercise_is_a_usage_error_with_a_suggestion():
    result = run("show", "autograd-mull")
    assert result.exit_code == 2
    assert result.output == "Error: no exercise 'autograd-mull': did you mean 'autograd-mul'? `prep list` shows them all\n"


def test_show_prints_question_and_prompt():
    result = run("show", "fix-softplus")
    assert result.exit_code == 0
    assert "> 实现一个自定义激活函数" in result.output and "prep fetch fix-softplus" in result.output


def test_show_speaks_to_learners_not_to_the_bank_s_authors():
    """No "seeds: 000-02", no "the seed's answer", no "Graders: 10, 16 points"."""
    ex = bank.load("autograd-mul")
    out = run("show", "autograd-mul").output
    assert out.splitlines()[1] == ("The interview question, from questions 000-02, 000-17 and 000-25 of the bank; "
                                   "topics: autograd-function, backward-grad, broadcasting, higher-order-grad")
    hidden = sum(f"def {n.split('[')[0]}(" in ex.hidden_graders.read_text() for n in ex.points)
    assert out.splitlines()[-1] == (f"{len(ex.points)} graders for {ex.max_score:g} points: "
                                    f"{len(ex.points) - hidden} public (test_public.py), {hidden} hidden (random "
                                    f"inputs, chosen per run). Hints: {len(ex.hints)}. Start with: prep fetch "
                                    "autograd-mul")
    assert "Note that the sample answer gets this wrong" in out
    assert ('"The sample answer" is the answer that came with the question in the bank: this exercise makes you '
            "fix or avoid its mistakes.") in out
    assert "seed" not in out.lower() and "Graders:" not in out


def test_fetch_writes_the_copy_then_refuses_to_overwrite_your_work(tmp_path):
    target = tmp_path / "mul"
    first = run("fetch", "autograd-mul", "--dir", str(target))
    assert first.exit_code == 0
    assert sorted(p.name for p in target.iterdir()) == [".prep-fetch.json", "README.md", "autograd-mul.ipynb",
                                                       "autograd-mul.py", "conftest.py", "test_public.py"]
    assert not (target / "test_hidden.py").exists()
    assert run("fetch", "autograd-mul", "--dir", str(target)).output.startswith(f"{target} is up to date\n")
    stub = target / "autograd-mul.py"
    fresh = stub.read_bytes()
    stub.write_text(stub.read_text() + "\n# my work\n")
    refused = run("fetch", "autograd-mul", "--dir", str(target))
    assert refused.exit_code == 2
    assert refused.output == (f"Error: {target} already holds your copy of autograd-mul (you edited autograd-mul.py): "
                              "`prep check autograd-mul` grades it; `prep fetch autograd-mul --force` moves it aside "
                              "and fetches a fresh one\n")
    assert stub.read_text().endswith("# my work\n")

    forced = run("fetch", "autograd-mul", "--dir", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    [aside] = [p for p in tmp_path.iterdir() if p.name.startswith("mul.old-")]
    assert forced.output.startswith(f"moved your copy aside to {aside}\nwrote {stub}\n")
    assert (aside / "autograd-mul.py").read_text().endswith("# my work\n")  # the backup
    assert stub.read_bytes() == fresh  # a fresh copy, in the same languages as the first


def test_fetch_inside_the_exercise_s_folder_targets_it_and_never_nests(tmp_path, monkeypatch):
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    monkeypatch.chdir(tmp_path)
    assert run("fetch", "autograd-mul").exit_code == 0
    monkeypatch.chdir(tmp_path / "autograd-mul")
    again = run("fetch", "autograd-mul")
    assert again.output == (f"{tmp_path / 'autograd-mul'} is up to date\n"
                            f"Next: edit {tmp_path / 'autograd-mul' / 'autograd-mul.py'}, then run "
                            "`prep check autograd-mul`\n")
    assert not (tmp_path / "autograd-mul" / "autograd-mul").exists()
    other = run("fetch", "fix-softplus")  # another exercise, from inside a copy: beside it, not in it
    assert other.exit_code == 0 and (tmp_path / "fix-softplus" / "fix-softplus.py").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["autograd-mul", "fix-softplus"]


def test_check_without_a_fetched_copy_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check", "autograd-mul")
    assert result.exit_code == 2
    assert result.output == ("Error: no fetched copy of autograd-mul found: run `prep fetch autograd-mul` first, "
                             "or pass --file PATH\n")


def test_check_json_on_the_reference_and_on_the_stub(tmp_path):
    good = run("check", "higher-order-grad", "--file", str(ROOT / "solutions" / "higher-order-grad.py"), "--json")
    assert good.exit_code == 0, good.output
    data = json.loads(good.output)
    assert {"exercise", "status", "score", "max_score", "tests"} <= set(data)
    assert data["status"] == "graded" and data["score"] == data["max_score"]
    for t in data["tests"]:
        assert {"name", "outcome", "points", "max_points", "message"} <= set(t)
    run("fetch", "higher-order-grad", "--dir", str(tmp_path / "h"))
    stub = run("check", "higher-order-grad", "--json")
    assert stub.exit_code == 1
    assert json.loads(stub.output)["score"] == 0


def test_check_human_output_lists_graders_and_devices():
    result = run("check", "fix-softplus", "--file", str(ROOT / "solutions" / "fix-softplus.py"))
    assert result.exit_code == 0
    top = f"{bank.load('fix-softplus').max_score:g}"
    assert result.output.startswith(f"fix-softplus: {top}/{top} points   [")
    assert "  pass  test_forward_example" in result.output
    assert "ran on: cpu" in result.output or "skipped" not in result.output
    assert "Full marks. `prep solution fix-softplus` shows the reference solution." in result.output


def test_check_missing_file_is_a_usage_error(tmp_path):
    result = run("check", "autograd-mul", "--file", str(tmp_path / "nope.py"))
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / 'nope.py'} does not exist: check the path, or run `prep fetch autograd-mul`\n"


def test_hints_unlock_one_at_a_time():
    """Hint 1 at once; hint N+1 after N failed checks; --level picks among the unlocked ones."""
    ex = bank.load("autograd-mul")
    n = len(ex.hints)
    assert n >= 3
    assert run("hint", "autograd-mul").output == f"Hint 1 of {n}: {ex.hints[0]}\n"
    locked = run("hint", "autograd-mul")
    assert locked.exit_code == 2
    assert locked.output == ("Error: hint 2 of autograd-mul unlocks after 1 failed check and you have 0: try again "
                             "and run `prep check autograd-mul` (--level 1 to 1 shows the unlocked ones)\n")
    assert run("hint", "autograd-mul", "--level", "1").output == f"Hint 1 of {n}: {ex.hints[0]}\n"
    stub = ex.stub_path
    assert run("check", "autograd-mul", "--file", str(stub)).exit_code == 1  # a failed check
    assert run("hint", "autograd-mul").output == f"Hint 2 of {n}: {ex.hints[1]}\n"
    too_soon = run("hint", "autograd-mul", "--level", "3")
    assert too_soon.exit_code == 2
    assert too_soon.output == ("Error: hint 3 of autograd-mul unlocks after 2 failed checks and you have 1: try "
                               "again and run `prep check autograd-mul` (--level 1 to 2 shows the unlocked ones)\n")
    bad = run("hint", "autograd-mul", "--level", "99")
    assert bad.exit_code == 2
    assert bad.output == f"Error: autograd-mul has hints 1 to {n}: pass --level between those\n"


def test_a_pass_unlocks_every_hint():
    ex = bank.load("quiz-dynamic-graphs")
    run("check", "quiz-dynamic-graphs", "--file", str(ROOT / "solutions" / "quiz-dynamic-graphs.py"))
    last = len(ex.hints)
    assert run("hint", "quiz-dynamic-graphs", "--level", str(last)).output == \
        f"Hint {last} of {last}: {ex.hints[-1]}\n"


def test_solution_unlocks_after_a_pass():
    locked = run("solution", "quiz-dynamic-graphs")
    assert locked.exit_code == 2
    assert locked.output == ("Error: the solution of quiz-dynamic-graphs unlocks after a full-marks check; "
                             "pass --force to see it now\n")
    forced = run("solution", "quiz-dynamic-graphs", "--force")
    assert '"q1": "b"' in forced.output
    run("check", "quiz-dynamic-graphs", "--file", str(ROOT / "solutions" / "quiz-dynamic-graphs.py"))
    assert run("solution", "quiz-dynamic-graphs").exit_code == 0


def test_score_shows_attempts_and_passes():
    run("check", "quiz-dynamic-graphs", "--file", str(ROOT / "solutions" / "quiz-dynamic-graphs.py"))
    data = {p["exercise"]: p for p in json.loads(run("score", "--json").output)}
    assert data["quiz-dynamic-graphs"]["passed"] and data["quiz-dynamic-graphs"]["attempts"] == 1
    assert data["autograd-mul"]["attempts"] == 0
    text = run("score", "--all").output
    assert "\nquiz-dynamic-graphs " in text and "\nconcepts " in text  # --all: every topic and exercise


def test_selftest_one_exercise():
    result = run("selftest", "quiz-dynamic-graphs")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "5 passed, 0 failed"


def test_console_script_check_exit_codes(tmp_path):
    """The installed entry point (os._exit fast path) keeps the exit-code contract."""
    prep = [sys.executable, "-c", "import cli; cli.main()"]
    env = {"PREP_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    ok = subprocess.run(prep + ["check", "quiz-dynamic-graphs", "--file", "solutions/quiz-dynamic-graphs.py"],
                        cwd=ROOT, env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    stub = ROOT / "exercises" / "quiz-dynamic-graphs" / "learner" / "quiz-dynamic-graphs.py"
    bad = subprocess.run(prep + ["check", "quiz-dynamic-graphs", "--file", str(stub)], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert bad.returncode == 1
    usage = subprocess.run(prep + ["check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert usage.returncode == 2


@pytest.mark.parametrize("cluster", [None, "tcp://127.0.0.1:8786"])
def test_grading_without_the_sandbox_warns_and_on_a_cluster_says_the_scheduler_is_reachable(cluster, monkeypatch,
                                                                                             tmp_path):
    """Without the sandbox learner code has the network; on a cluster that means the Dask scheduler (no authentication
    of its own) and the other learners' jobs, and prep grade says so."""
    from grader import api

    report = api.BatchReport(tmp_path, 1, 1, 0, {"graded": 1}, [0] * 9 + [1], [], False)
    monkeypatch.setattr(api, "grade_batch", lambda *a, **k: report)
    args = ["grade", str(tmp_path), "--exercise", "autograd-mul", "--unsafe-no-sandbox"]
    result = CliRunner().invoke(cli.cli, args + (["--cluster", cluster] if cluster else []), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.output.splitlines() if line.startswith("warning: graded WITHOUT"))
    if cluster:
        assert warning == ("warning: graded WITHOUT the sandbox (--unsafe-no-sandbox): learner code had the network, "
                           "and so could reach the Dask scheduler (it has no authentication of its own) and other "
                           "learners' jobs")
    else:
        assert warning == "warning: graded WITHOUT the sandbox (--unsafe-no-sandbox)"


def test_a_check_leaves_no_copy_of_the_probes_behind(tmp_path):
    """The command ends with os._exit (no interpreter teardown), which skips exit handlers: the folder holding the
    worker's copy of probes.py stayed in /tmp after every `prep check` (544 of them on one machine in a day)."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    code = "import sys, cli\nsys.argv = ['prep'] + sys.argv[1:]\ncli.main()"
    out = subprocess.run([sys.executable, "-c", code, "check", "autograd-mul", "--file",
                          str(ROOT / "solutions" / "autograd-mul.py"), "--json", "--seed", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={"PREP_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "TMPDIR": str(scratch)})
    assert json.loads(out.stdout)["status"] == "graded", out.stderr[-2000:]
    assert not [p.name for p in scratch.iterdir() if p.name.startswith("prep-worker-probes-")]
