"""`prep new`: a scaffolded exercise that `prep build`, `prep selftest`, the clause checks and `prep publish` accept."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import cli
from grader import api, authoring, bank, clauses


def run(*args):
    return CliRunner().invoke(cli.cli, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("kind", bank.KINDS)
def test_a_new_exercise_of_each_kind_passes_selftest_and_the_clause_checks(kind, tmp_path, worker_pool):
    ex_id = f"my-{kind}"
    made = run("new", ex_id, "--kind", kind, "--bank", tmp_path / "bank")
    assert made.exit_code == 0, made.output
    ex = bank.load(ex_id, tmp_path / "bank")
    assert ex.kind == kind
    written = [line.removeprefix("wrote ") for line in made.output.splitlines()[:-1]]
    assert sorted(written) == sorted(str(p) for p in [ex.directory / "exercise.toml", ex.public_graders,
                                                      ex.hidden_graders, ex.solution_path, ex.stub_path,
                                                      ex.notebook_path, ex.readme_path,
                                                      ex.learner_dir / "conftest.py"])
    assert made.output.splitlines()[-1] == (f"Next: export PREP_BANK={tmp_path / 'bank'}; edit {ex.solution_path} and "
                                            f"{ex.directory}, then `prep build {ex_id}` and `prep selftest {ex_id}`")
    assert clauses.problems(ex) == []
    assert authoring.stale_files(ex) == []
    lines = []
    api.selftest_exercise(ex, worker_pool, lambda *a: lines.append(api.SelftestLine(*a)))
    assert [(ln.check, ln.ok) for ln in lines if not ln.ok] == [] and len(lines) == 5


@pytest.mark.slow
def test_new_then_build_then_selftest_then_publish_from_the_command_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PREP_BANK", str(tmp_path / "bank"))
    assert run("new", "masked-scale").exit_code == 0
    assert run("build", "masked-scale").output == "0 file(s) changed\n"
    selftest = run("selftest", "masked-scale")
    assert selftest.exit_code == 0, selftest.output
    assert selftest.output.splitlines()[-1] == "5 passed, 0 failed"
    published = run("publish", "--out", tmp_path / "site" / "my-course")
    assert published.exit_code == 0, published.output
    assert published.output.splitlines()[-2].startswith("course my-course v1 (practice")


def test_new_needs_a_bank_a_valid_id_and_a_free_one(tmp_path, monkeypatch):
    monkeypatch.delenv("PREP_BANK", raising=False)
    no_bank = run("new", "masked-mean")
    assert (no_bank.exit_code, no_bank.output) == (2, "Error: prep new writes into your own bank: pass --bank DIR or "
                                                      "set PREP_BANK=DIR (the folder that holds, or will hold, "
                                                      "exercises/ and solutions/)\n")
    bad = run("new", "Masked_Mean", "--bank", tmp_path)
    assert (bad.exit_code, bad.output) == (2, "Error: 'Masked_Mean' is not an exercise id: use lowercase words "
                                              "joined by hyphens, such as 'masked-mean'\n")
    assert run("new", "masked-mean", "--bank", tmp_path).exit_code == 0
    taken = run("new", "masked-mean", "--bank", tmp_path, "--kind", "quiz")
    assert (taken.exit_code, taken.output) == (2, f"Error: {tmp_path / 'exercises' / 'masked-mean'} already exists: "
                                                  "pick another id, or edit that exercise\n")
