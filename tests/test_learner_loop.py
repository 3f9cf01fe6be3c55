"""The learner's loop through the CLI (CliRunner): choosing (list, topics, next), output that serves
(check, score), no surprises (which copy and file `check` grades, Ctrl-C, exams)."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from click.testing import CliRunner

import cli
from grader import api, authoring, bank, learning_path
from grader.progress import Progress

ROOT = bank.bank_root()
QUIZ = "quiz-dynamic-graphs"


def run(*args, input=None):
    return CliRunner().invoke(cli.cli, [str(a) for a in args], input=input, catch_exceptions=False)


def record(exercise: str, score: float, *, at: float | None = None, **kw) -> None:
    ex = bank.load(exercise)
    Progress().record_attempt(exercise, status="graded", score=score, max_score=ex.max_score, duration_s=1.0,
                              sha256="x", file="f", at=at, **kw)


def row(output: str, exercise: str) -> list[str]:
    [line] = [ln for ln in output.splitlines() if ln.split()[:1] == [exercise]]
    return re.split(r"\s{2,}", line.strip(), maxsplit=6)  # columns are two or more spaces apart


# ---------------------------------------------------------------- choosing


def test_list_has_status_kind_difficulty_and_topic_columns_in_path_order():
    mul, quiz = bank.load("autograd-mul"), bank.load("quiz-autograd-graph")
    record("autograd-mul", 4)
    record("quiz-autograd-graph", quiz.max_score)
    out = run("list").output
    assert row(out, "autograd-mul") == ["autograd-mul", f"tried 4/{mul.max_score:g}", "track 1", "code", "medium",
                                        "autograd-function", mul.title]
    assert row(out, "quiz-autograd-graph")[:5] == ["quiz-autograd-graph", f"passed {quiz.max_score:g}/"
                                                   f"{quiz.max_score:g}", "track 1", "quiz", "easy"]
    assert row(out, "fix-softplus")[:5] == ["fix-softplus", "new", "track 1", "fix-bug", "medium"]
    listed = [ln.split()[0] for ln in out.splitlines()]  # one line per exercise, in the path's order
    assert listed == [ex.id for ex in learning_path.path_order(bank.load_all())]
    data = {e["id"]: e for e in json.loads(run("list", "--json").output)}
    assert (data["autograd-mul"]["status"], data["autograd-mul"]["best_score"], data["autograd-mul"]["track"]) == \
        ("tried", 4, 1)


def test_the_path_goes_track_by_track_from_easy_to_hard_quizzes_first():
    order = learning_path.path_order(bank.load_all())
    keys = [(learning_path.track_of(e), learning_path.DIFFICULTY_RANK[e.difficulty]) for e in order]
    assert keys == sorted(keys)
    first_easy_track_1 = [e for e in order if learning_path.track_of(e) == 1 and e.difficulty == "easy"]
    assert first_easy_track_1[0].kind == "quiz"
    assert learning_path.track_of(bank.load("autograd-mul")) == 1
    assert learning_path.track_of(bank.load("adam-adamw")) == 2
    assert learning_path.track_of(bank.load("compile-graph-breaks")) == 3


def test_list_filters_by_difficulty_and_status():
    record("grad-clipping", 1)
    hard = json.loads(run("list", "--difficulty", "hard", "--json").output)
    assert hard and all(e["difficulty"] == "hard" for e in hard)
    tried = json.loads(run("list", "--status", "tried", "--json").output)
    assert [e["id"] for e in tried] == ["grad-clipping"]
    new = json.loads(run("list", "--status", "new", "--json").output)
    assert "grad-clipping" not in {e["id"] for e in new} and len(new) == len(bank.load_all()) - 1
    assert run("list", "--status", "passed").output == "no exercise matches these filters\n"


@pytest.mark.parametrize("query, topics", [("Optimizer", {"optimizer", "optimizer-state"}),
                                           ("autograd", {"autograd-function"}),
                                           ("GRADIENT-C", {"gradient-check", "gradient-clipping"})])
def test_topic_matches_case_insensitively_and_by_prefix(query, topics):
    listed = json.loads(run("list", "--topic", query, "--json").output)
    want = {ex.id for ex in bank.load_all() if topics & set(ex.topics)}
    assert want and {e["id"] for e in listed} == want


def test_a_topic_that_matches_nothing_is_an_error_that_lists_the_topics():
    result = run("list", "--topic", "optimiser")
    assert result.exit_code == 2
    every = ", ".join(learning_path.all_topics(bank.load_all()))
    assert result.output == (f"Error: no topic matches 'optimiser' (case-insensitively, by prefix): the topics are "
                             f"{every}; `prep topics` lists them with their exercises\n")


def test_topics_lists_every_topic_with_its_track_and_progress():
    record("autograd-mul", bank.load("autograd-mul").max_score)
    out = run("topics").output.splitlines()
    assert [ln.split()[0] for ln in out[:-1]] == learning_path.all_topics(bank.load_all())
    members = sum("autograd-function" in ex.topics for ex in bank.load_all())
    assert next(ln for ln in out if ln.startswith("autograd-function ")).split() == \
        ["autograd-function", "track", "1", f"1/{members}", "passed"]
    assert next(ln for ln in out if ln.startswith("concepts ")).split()[1:3] == ["all", "tracks"]
    assert out[-1] == "`prep list --topic T` lists a topic's exercises (any case, or the start of its name)"


def test_next_fetches_the_first_exercise_on_the_path_then_points_to_the_copy(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = learning_path.path_order(bank.load_all())[0]
    fetched = run("next")
    assert fetched.exit_code == 0, fetched.output
    lines = fetched.output.splitlines()
    assert lines[0] == (f"next: {first.id} (track 1, {first.kind}, {first.difficulty}, about "
                        f"{first.time_budget_min} min): next on track 1 (autograd and gradients)")
    assert f"wrote {tmp_path / first.id / (first.id + '.py')}" in lines
    assert lines[-1] == f"Next: edit {tmp_path / first.id / (first.id + '.py')}, then run `prep check {first.id}`"
    again = run("next").output.splitlines()
    assert again[-2:] == [f"your copy is in ./{first.id}: {tmp_path / first.id}",
                          f"Next: edit it, then run `prep check {first.id}` (`prep hint {first.id}` gives a hint)"]


def test_next_takes_unfinished_exercises_first_then_new_ones(tmp_path, monkeypatch):
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    record("seq2seq-attention", 1)  # tried (track 2, hard): it comes before every new exercise
    assert run("next", "--no-fetch").output.splitlines()[0].startswith("next: seq2seq-attention (track 2, code, "
                                                                      "hard, about")
    record("seq2seq-attention", bank.load("seq2seq-attention").max_score)
    by_topic = run("next", "--topic", "optim", "--no-fetch").output.splitlines()[0]
    want = next(e for e in learning_path.path_order(bank.load_all()) if {"optimizer", "optimizer-state"} & set(e.topics))
    assert by_topic.startswith(f"next: {want.id} ")
    assert not list((tmp_path / "work").iterdir())  # --no-fetch


# ---------------------------------------------------------------- output that serves


def test_an_ungradable_file_gives_one_message_not_a_table_of_empty_failures(tmp_path):
    bad = tmp_path / "mine.py"
    bad.write_text("x = (\n")
    out = run("check", "autograd-mul", "--file", bad).output.splitlines()
    assert out[0].startswith("autograd-mul: 0/")
    ex = bank.load("autograd-mul")
    assert out[1:] == ["  mine.py has a syntax error at line 1: '(' was never closed",
                       f"  none of the {len(ex.points)} graders ran ({ex.max_score:g} points): fix that, then check "
                       "again"]


def test_the_stub_s_not_implemented_error_appears_once_with_the_graders_in_one_line(tmp_path):
    ex = bank.load("autograd-mul")
    mine = tmp_path / "autograd-mul.py"
    shutil.copy(ex.stub_path, mine)
    out = run("check", "autograd-mul", "--file", mine).output
    line = next(n for n, ln in enumerate(ex.stub_path.read_text().splitlines(), 1) if "NotImplementedError" in ln)
    hidden = sum(f"def {n.split('[')[0]}(" in ex.hidden_graders.read_text() for n in ex.points)
    assert out.splitlines()[1:3] == [
        f'  not implemented yet: fill in the parts marked `raise NotImplementedError` (autograd-mul.py, line {line}: '
        'raise NotImplementedError("autograd-mul: your code here"))',
        f"  {len(ex.points)} of {len(ex.points)} graders wait for it ({len(ex.points) - hidden} public, {hidden} "
        f"hidden; {ex.max_score:g} points)"]
    assert out.count("NotImplementedError") == 2 and "FAIL" not in out


def test_quiz_explanations_appear_after_right_answers():
    out = run("check", QUIZ, "--file", ROOT / "solutions" / f"{QUIZ}.py").output
    lines = out.splitlines()
    i = lines.index(next(ln for ln in lines if ln.startswith("  pass  test_item[q1] ")))
    assert lines[i + 1] == ("          right: Elementwise product: 1*4, 2*5, 3*6. The sample answer's comment "
                            "[16, 25, 36] matches nothing.")
    assert out.count("          right: ") == sum(1 for n in bank.load(QUIZ).points if n.startswith("test_item["))


def test_score_is_compact_with_tracks_and_what_is_worth_doing_next():
    ex = bank.load(QUIZ)
    record(QUIZ, ex.max_score)
    record("autograd-mul", 3)
    out = run("score").output.splitlines()
    total = len(bank.load_all())
    points = sum(e.max_score for e in bank.load_all())
    assert out[0] == f"1 of {total} exercises passed ({ex.max_score + 3:g} of {points:g} points)"
    assert [ln.split(":")[0] for ln in out[2:5]] == ["track 1", "track 2", "track 3"]
    track3 = sum(learning_path.track_of(e) == 3 for e in bank.load_all())
    assert out[4].endswith(f"  {'#' * round(20 / track3):.<20} 1/{track3}")  # one kind of number: exercises passed
    assert out[5] == "worth doing next:"
    assert out[6].split(None, 1) == ["autograd-mul", f"you tried it: best 3/{bank.load('autograd-mul').max_score:g}"]
    assert out[-1] == "`prep next` fetches the next on the path; `prep score --all` shows every topic and exercise"
    assert len(out) == 10  # not 44 topic rows and 72 exercise rows


def test_score_all_lists_every_topic_and_exercise_with_times_in_sensible_units(tmp_path):
    Progress().record_fetch(QUIZ, tmp_path, at=1000.0)
    record(QUIZ, bank.load(QUIZ).max_score, at=1012.0)  # passed 12 s after the fetch: not "0 min to pass"
    out = run("score", "--all").output.splitlines()
    top = f"{bank.load(QUIZ).max_score:g}"
    assert next(ln for ln in out if ln.startswith(QUIZ + " ")).split() == \
        [QUIZ, "passed", f"{top}/{top}", "1", "check", "passed", "in", "12", "s"]
    blank = out.index("")
    assert [ln.split()[0] for ln in out[2:blank]] == learning_path.all_topics(bank.load_all())  # every topic
    assert sorted(ln.split()[0] for ln in out[blank + 1:blank + 1 + len(bank.load_all())]) == \
        bank.exercise_ids()  # and every exercise


# ---------------------------------------------------------------- no surprises


def test_check_grades_the_py_right_after_fetch_then_the_file_saved_last_and_says_which(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("fetch", QUIZ)
    folder = tmp_path / QUIZ
    first = run("check", QUIZ)
    assert first.output.splitlines()[1] == (f"  graded {folder / (QUIZ + '.py')}: your copy in ./{QUIZ}; not edited "
                                            f"yet (nor {QUIZ}.ipynb); fetch said to edit the .py")
    notebook = folder / f"{QUIZ}.ipynb"
    nb = json.loads(notebook.read_text())
    answers = authoring.split_cells((ROOT / "solutions" / f"{QUIZ}.py").read_text(), QUIZ)
    right = next(c.source for c in answers if c.is_answer)
    for cell in nb["cells"]:
        if cell.get("id") == authoring.answer_cell_id(QUIZ, 1):
            cell["source"] = right
    notebook.write_text(json.dumps(nb))
    second = run("check", QUIZ)
    assert second.exit_code == 0, second.output
    assert second.output.splitlines()[1] == (f"  graded {notebook}: your copy in ./{QUIZ}; the one you edited "
                                             f"({QUIZ}.py is as fetched)")


def test_check_grades_the_copy_in_the_current_folder_before_the_last_fetch(tmp_path, monkeypatch):
    here = tmp_path / "here"
    run("fetch", QUIZ, "--dir", here)
    run("fetch", QUIZ, "--dir", tmp_path / "elsewhere")  # the last fetch
    monkeypatch.chdir(here)
    out = run("check", QUIZ).output
    assert out.splitlines()[1].startswith(f"  graded {here / (QUIZ + '.py')}: your copy in this folder; ")


def test_ctrl_c_ends_a_command_with_one_line_and_exit_130(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "check_for_learner", interrupted)
    result = CliRunner().invoke(cli.cli, ["check", QUIZ])
    assert (result.exit_code, result.output) == (130, "interrupted\n")


def test_after_full_marks_in_an_exam_course_check_does_not_suggest_the_solution(tmp_path):
    root = tmp_path / "bank"
    shutil.copytree(ROOT / "exercises" / QUIZ, root / "exercises" / QUIZ, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "solutions").mkdir()
    shutil.copy(ROOT / "solutions" / f"{QUIZ}.py", root / "solutions")
    authoring.build(bank.load(QUIZ, root))
    assert run("publish", "--bank", root, "--out", tmp_path / "exam", "--exam").exit_code == 0
    assert run("course", "add", tmp_path / "exam").exit_code == 0
    checked = run("check", QUIZ, "--file", root / "solutions" / f"{QUIZ}.py")
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines()[-1] == "Full marks. `prep next` picks what comes next."
    assert "prep solution" not in checked.output


def test_notebook_errors_name_the_answer_cell_and_its_first_line(tmp_path):
    ex = bank.load("autograd-mul")
    nb = json.loads(authoring.generate_notebook(ex))
    answer = next(c for c in nb["cells"] if c.get("id") == authoring.answer_cell_id(ex.id, 1))
    stub_cell = answer["source"]
    answer["source"] = stub_cell.replace("def forward(ctx, x, y):", "def forward(ctx, x, y)")
    broken = tmp_path / "broken.ipynb"
    broken.write_text(json.dumps(nb))
    line = next(n for n, ln in enumerate(stub_cell.splitlines(), 1) if "def forward" in ln)
    cell = "answer cell 1 (autograd-mul-answer-1, which starts `class Mul(torch.autograd.Function):`)"
    assert run("check", ex.id, "--file", broken).output.splitlines()[1] == \
        f"  broken.ipynb has a syntax error in {cell}, line {line}: expected ':'"

    answer["source"] = stub_cell
    stub = tmp_path / "stub.ipynb"
    stub.write_text(json.dumps(nb))
    raising = next(n for n, ln in enumerate(stub_cell.splitlines(), 1) if "NotImplementedError" in ln)
    assert run("check", ex.id, "--file", stub).output.splitlines()[1] == (
        f"  not implemented yet: fill in the parts marked `raise NotImplementedError` ({cell}, line {raising}: "
        'raise NotImplementedError("autograd-mul: your code here"))')
