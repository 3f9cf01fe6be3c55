"""`%load_ext prep` / `%prep check` in a live IPython shell: out-of-process grading of what the kernel ran."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from grader import api, authoring, bank, submission
from grader.judge.result import GraderOutcome, Result
from grader.jupyter import judge, render, warm

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
    warm.end_session()  # the check cell may have left it registered as unloaded; its judge ends here
    InteractiveShell.clear_instance()


def test_generated_notebooks_end_with_the_check_cell_which_is_never_graded():
    for ex in bank.load_all():
        nb = json.loads(ex.notebook_path.read_text())
        last = nb["cells"][-1]
        assert last["cell_type"] == "code" and last["source"] == f"%load_ext prep\n%prep check {ex.id}"
        assert last["metadata"]["prep"] == {"role": "check"} and last["metadata"]["nbgrader"]["locked"]
    ex = bank.load("autograd-mul")
    source = submission.notebook_source(ex, authoring.generate_notebook(ex, with_solutions=True).encode(), "x.ipynb")
    assert "load_ext" not in source and "prep check" not in source  # neither the first cell nor the last
    compile(source, "x", "exec")


def test_generated_notebooks_start_by_loading_the_extension_which_is_never_graded():
    for ex in bank.load_all():
        first = json.loads(ex.notebook_path.read_text())["cells"][0]
        assert first["cell_type"] == "code" and first["source"] == "%load_ext prep"
        assert first["metadata"]["prep"] == {"role": "load"} and first["metadata"]["nbgrader"]["locked"]


def test_prep_check_works_in_any_cell_once_the_first_cell_has_run(shell):
    """`%prep` is there from the notebook's first cell, not only after its last cell has run."""
    nb = json.loads(authoring.generate_notebook(bank.load(QUIZ)))
    shell.run_cell(nb["cells"][0]["source"], store_history=True)
    shell.run_cell(answers_cell(reference_answers()), store_history=True)
    report = shell.run_cell(f"%prep check {QUIZ}", store_history=True).result
    assert report.result.full_marks, report
    assert report.answers[0].detail == "In [2]"


def test_an_interrupted_check_is_one_line_not_a_traceback(shell, monkeypatch):
    from grader.jupyter import extension

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # the notebook's interrupt button, while the judge runs

    monkeypatch.setattr(warm, "run", interrupted)
    shell.run_cell("%load_ext prep", store_history=True)
    r = shell.run_cell(f"%prep check {QUIZ}", store_history=True)
    assert type(r.error_in_exec).__name__ == "UsageError"  # IPython prints a UsageError as one line
    assert str(r.error_in_exec) == extension.INTERRUPTED == ("interrupted: nothing was recorded; run the cell again "
                                                             "to check")


def test_the_learner_s_jupyter_set_up_has_no_nbgrader_the_instructor_s_has():
    """nbgrader's labextension shows its "Create Assignment" authoring UI in every JupyterLab it is in."""
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]

    def names(extra):
        return {req.split("[")[0].split("=")[0].split(">")[0].split("<")[0].strip() for req in extras[extra]}

    for learner in ("learner", "jupyter"):
        assert "jupyterlab" in names(learner) and "nbgrader" not in names(learner)
    assert "nbgrader" in names("instructor")
    assert names("dev") >= names("learner") | names("instructor") | {"pexpect", "playwright"}


def test_after_full_marks_in_an_exam_course_the_notebook_does_not_point_to_a_solution():
    r = Result(QUIZ, "graded", 1.0, 1.0, [GraderOutcome("test_x", "passed", 1.0, 1.0, "ok", False)], seed=1)
    assert render.next_step(r, None) == f"Full marks. `%prep solution {QUIZ}` shows the reference solution."
    assert render.next_step(r, None, solution_available=False) == \
        "Full marks. `prep next` in a terminal picks what comes next."
    assert "prep solution" not in render.to_html(r, [], None, solution_available=False)


def test_the_notebook_table_gives_one_message_for_an_ungradable_file_and_for_the_untouched_stub():
    bad = Result.failed_before_grading(QUIZ, "not_gradable", "x.ipynb has a syntax error in answer cell 1", 2.0,
                                       {"test_a": 1.0, "test_b": 1.0}, {"test_b"}, seed=1)
    html = render.to_html(bad, [], None)
    assert "<table" not in html and html.count("syntax error") == 1
    assert "none of the 2 graders ran (2 points): fix that, then check again" in html
    stub_message = 'your code raised NotImplementedError: q (answer cell 1 (x), line 2: raise NotImplementedError("q"))'
    stub = Result(QUIZ, "graded", 0.0, 2.0, [GraderOutcome("test_a", "failed", 0.0, 1.0, stub_message, False),
                                             GraderOutcome("test_b", "failed", 0.0, 1.0, stub_message, True)], seed=1)
    for text in (render.to_html(stub, [], None), render.to_text(stub, [], None)):
        assert text.count("NotImplementedError") == 2  # the summary line, and the line of code it names
        assert "not implemented yet: fill in the parts marked `raise NotImplementedError` (answer cell 1 (x), " \
               "line 2: raise" in text.replace("&#x27;", "'").replace("&quot;", '"')
        assert "2 of 2 graders wait for it (1 public, 1 hidden; 2 points)" in text


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
    assert warm.current() is not None and warm.current().checks == 3  # one warm judge graded all three


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


def test_a_helper_the_learner_ran_in_a_cell_of_their_own_is_named_when_the_answer_misses_it(shell, isolated_home):
    """In the kernel the answer works, since the helper's cell ran there; the graders see only the answer cells, as
    the notebook says. The message names the cell the helper is in (from the kernel's history) and what to do."""
    right = reference_answers()
    shell.run_cell("def make_answers():\n    return " + repr(right), store_history=True)
    shell.run_cell("ANSWERS = make_answers()", store_history=True)
    report = shell.run_cell(f"%load_ext prep\n%prep check {QUIZ}", store_history=True).result
    assert report.result.status == "not_gradable" and report.answers[0].detail == "In [2]"
    assert report.result.message.endswith(
        "`make_answers` is defined in a cell you added (In [1], which starts `def make_answers():`), and only the "
        "answer cells are graded (the other cells come from the original exercise): move it into an answer cell"), \
        report.result.message
    cold = judge.run(QUIZ, {f"{QUIZ}-answer-1": "ANSWERS = make_answers()"},
                     added=[("In [1]", "def make_answers():\n    return {}")])
    assert "`make_answers` is defined in a cell you added (In [1], which starts" in cold.message
