"""`%load_ext prep` / `%prep check` in a live IPython shell: out-of-process grading of what the kernel ran."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from grader import api, authoring, bank, submission
from grader.judge.result import GraderOutcome, Result
from grader.jupyter import judge, render

ROOT = bank.bank_root()
QUIZ = "quiz-dynamic-graphs"


def reference_answers() -> dict:
    ns: dict = {}
    ex = bank.load(QUIZ)
    exec(compile(ex.solution_path.read_text(), str(ex.solution_path), "exec"), ns)
    return dict(ns["ANSWERS"])


def answers_cell(answers: dict) -> str:
    return "ANSWERS = " + repr(answers)


@pytest.fixture
def shell(tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    api.fetch(QUIZ, tmp_path / QUIZ)
    monkeypatch.chdir(tmp_path / QUIZ)
    sh = InteractiveShell.instance()
    yield sh
    if "prep" in sh.extension_manager.loaded:
        sh.extension_manager.unload_extension("prep")
    InteractiveShell.clear_instance()


def test_generated_notebooks_end_with_the_check_cell_which_is_never_graded():
    for ex in bank.load_all():
        nb = json.loads(ex.notebook_path.read_text())
        last = nb["cells"][-1]
        assert last["cell_type"] == "code" and last["source"] == f"%load_ext prep\n%prep check {ex.id}"
        assert last["metadata"]["prep"] == {"role": "check"} and last["metadata"]["nbgrader"]["locked"]
    ex = bank.load("autograd-mul")
    source = submission.notebook_source(ex, authoring.generate_notebook(ex, with_solutions=True).encode(), "x.ipynb")
    assert "load_ext" not in source and "prep check" not in source
    compile(source, "x", "exec")


def test_prep_module_is_the_extension_and_imports_no_torch():
    code = "import sys, prep\nprint(callable(prep.load_ipython_extension), 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


def test_check_grades_what_ran_in_the_kernel_out_of_process(shell, isolated_home):
    right = reference_answers()
    shell.run_cell(answers_cell(right), store_history=True)
    out = shell.run_cell(f"%load_ext prep\n%prep check {QUIZ}", store_history=True)
    report = out.result
    assert report.result.full_marks, report
    assert report.answers[0].origin == "kernel" and report.answers[0].detail == "In [1]"
    html = report._repr_html_()
    assert f'data-prep-score="{report.result.max_score:g}"' in html and "Graded:" in html
    assert repr(report).startswith(f"{QUIZ}: {report.result.max_score:g}/{report.result.max_score:g} points")

    # The learner's kernel tampers with prep's own checks, then runs a wrong answer: nothing
    # in the kernel takes part in judging, so the wrong answer still loses its points.
    shell.run_cell("import grader.judge.checks as c\nc.expect_equal = lambda *a, **k: None", store_history=True)
    wrong = dict(right, q1="a" if right["q1"] != "a" else "c")
    shell.run_cell(answers_cell(wrong), store_history=True, cell_id=f"{QUIZ}-answer-1")
    again = shell.run_cell("%prep check", store_history=True)  # the exercise comes from the saved notebook
    assert again.result.result.score == report.result.max_score - 1
    assert again.result.answers[0].note.startswith("differs from saved")

    points = shell.run_cell(f"%prep check {QUIZ} --points", store_history=True).result
    assert isinstance(points, float) and float(points) == report.result.max_score - 1
    assert repr(points) == repr(report.result.max_score - 1)  # what nbgrader's autograder reads
    assert "prep-check" in points._repr_html_()
    assert [p.attempts for p in api.score() if p.exercise == QUIZ] == [3]


def test_magic_errors_are_one_line_usage_errors(shell, capsys):
    shell.run_cell("%load_ext prep", store_history=True)
    r = shell.run_cell("%prep check autograd-mull", store_history=True)
    assert type(r.error_in_exec).__name__ == "UsageError"
    assert str(r.error_in_exec) == ("no exercise 'autograd-mull': did you mean 'autograd-mul'? "
                                    "`prep list` shows them all")
    r = shell.run_cell("%prep frobnicate", store_history=True)
    assert type(r.error_in_exec).__name__ == "UsageError" and "`%prep help` shows the usage" in str(r.error_in_exec)
    r = shell.run_cell(f"%prep hint {QUIZ}", store_history=True)
    assert repr(r.result).startswith("Hint 1 of ")
    r = shell.run_cell(f"%prep solution {QUIZ}", store_history=True)
    assert "unlocks after a full-marks check" in str(r.error_in_exec)


def test_rerunning_the_check_cell_loads_the_extension_quietly(shell, capsys):
    shell.run_cell("%load_ext prep\n%prep help", store_history=True)
    capsys.readouterr()
    shell.run_cell("%load_ext prep\n%prep help", store_history=True)
    assert "already loaded" not in capsys.readouterr().out


def test_html_escapes_everything_the_learner_can_influence():
    r = Result(QUIZ, "graded", 0.0, 1.0, [GraderOutcome("test_x", "failed", 0.0, 1.0,
                                                         "your code raised ValueError: <script>alert(1)</script>",
                                                         False)], seed=1)
    html = render.to_html(r, [], None)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_judge_process_reads_json_and_answers_json(isolated_home):
    right = reference_answers()
    result = judge.run(QUIZ, {f"{QUIZ}-answer-1": answers_cell(right)}, seed=7, record_as="mine.ipynb (live kernel)")
    assert result.full_marks and result.seed == 7 and result.submission == "mine.ipynb (live kernel)"
    assert judge.result_from_json(result.to_json()) == result
    with pytest.raises(api.PrepError, match="no exercise 'nope'"):
        judge.run("nope", {})
