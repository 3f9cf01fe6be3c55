"""Every question of the seed bank is covered by some exercise, and docs/seed-map.md says so, with which ids are
practised by code (a code or fix-bug exercise) and which are only quizzed."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from click.testing import CliRunner

import cli
from grader import bank, seedmap

INDEX = seedmap.catalog_index()
needs_catalog = pytest.mark.skipif(INDEX is None, reason="the seed catalog (../shared/catalog) is not here")


@needs_catalog
def test_every_catalog_question_is_covered():
    entries = seedmap.read_index(INDEX)
    assert len(entries) == 155
    coverage = seedmap.coverage(entries, bank.load_all())
    missing = sorted(cid for cid, exercises in coverage.items() if not exercises)
    assert not missing, f"catalog questions no exercise covers: {missing}"


@needs_catalog
def test_exercises_cite_only_catalog_ids():
    known = {e.id for e in seedmap.read_index(INDEX)}
    for ex in bank.load_all():
        assert set(ex.seeds) <= known, f"{ex.id}: {sorted(set(ex.seeds) - known)}"


@needs_catalog
def test_seed_map_is_fresh():
    text = seedmap.render(seedmap.read_index(INDEX), bank.load_all())
    assert seedmap.map_path().read_text(encoding="utf-8") == text, "docs/seed-map.md is stale: run `prep map`"


# ---------------------------------------------------------------- practised by code, or only quizzed

TINY_INDEX = ("id\tseed_file\tlines\tkind\ttags\ttitle_en\n"
              "000-01\t000_x.txt\tL1\tboth\ta\tCoded and quizzed\n"
              "000-02\t000_x.txt\tL2\tcoding\ta\tFixed only\n"
              "000-03\t000_x.txt\tL3\tconcept\ta\tQuizzed only\n"
              "001-01\t001_y.txt\tL1\tconcept\ta\tQuizzed twice\n"
              "001-02\t001_y.txt\tL2\tcoding\ta\tNobody\n")
# exercise (a real one, whose kind it keeps) -> the tiny index's ids it lists
TINY_SEEDS = {"autograd-mul": ("000-01",), "fix-softplus": ("000-02",),
              "quiz-dynamic-graphs": ("000-01", "000-03", "001-01"), "quiz-autograd-graph": ("001-01",)}


def _tiny_catalog(tmp_path):
    path = tmp_path / "index.tsv"
    path.write_text(TINY_INDEX, encoding="utf-8")
    return path


def _tiny_exercises():
    exercises = [dataclasses.replace(bank.load(ex_id), seeds=seeds) for ex_id, seeds in TINY_SEEDS.items()]
    assert [ex.kind for ex in exercises] == ["code", "fix-bug", "quiz", "quiz"]
    return exercises


def test_an_id_is_practised_by_code_when_a_code_or_fix_bug_exercise_lists_it(tmp_path):
    entries = seedmap.read_index(_tiny_catalog(tmp_path))
    assert seedmap.practice(entries, _tiny_exercises()) == {
        "000-01": seedmap.CODE,  # a code exercise and a quiz
        "000-02": seedmap.CODE,  # a fix-bug exercise alone
        "000-03": seedmap.QUIZ,  # a quiz alone
        "001-01": seedmap.QUIZ,  # two quizzes
        "001-02": seedmap.NONE}


def test_the_counts_are_per_seed_document_and_in_all(tmp_path):
    entries = seedmap.read_index(_tiny_catalog(tmp_path))
    total, by_document = seedmap.counts(entries, _tiny_exercises())
    assert total == seedmap.Counts(questions=5, code=2, quiz=2) and total.not_covered == 1
    assert by_document == {"000": seedmap.Counts(3, 2, 1), "001": seedmap.Counts(2, 0, 1)}
    assert list(by_document) == ["000", "001"]


def test_the_map_shows_the_counts_at_the_top_and_the_practice_of_each_id(tmp_path):
    text = seedmap.render(seedmap.read_index(_tiny_catalog(tmp_path)), _tiny_exercises())
    lines = text.splitlines()
    top = lines[:lines.index("## 000_x.txt")]
    assert top[4:] == [
        "4 of 5 catalog questions are covered by 4 exercises. Practised by code (a code or fix-bug exercise lists "
        "the question): 2; only quizzed (only quiz exercises list it): 2; not covered: 1.",
        "",
        "| seed document | questions | practised by code | only quizzed | not covered |",
        "|---|---|---|---|---|",
        "| 000 | 3 | 2 | 1 | 0 |",
        "| 001 | 2 | 0 | 1 | 1 |",
        "| all | 5 | 2 | 2 | 1 |",
        ""]
    assert "| 000-01 | both | Coded and quizzed | code | [autograd-mul](#autograd-mul), [quiz-dynamic-graphs]" \
           "(#quiz-dynamic-graphs) |" in lines
    assert "| 000-02 | coding | Fixed only | code | [fix-softplus](#fix-softplus) |" in lines
    assert "| 000-03 | concept | Quizzed only | quiz only | [quiz-dynamic-graphs](#quiz-dynamic-graphs) |" in lines
    assert "| 001-02 | coding | Nobody | none | **not covered** |" in lines


@needs_catalog
def test_the_committed_map_states_the_bank_s_counts():
    entries, exercises = seedmap.read_index(INDEX), bank.load_all()
    total, by_document = seedmap.counts(entries, exercises)
    assert sorted(by_document) == ["000", "001", "002", "003", "004"]
    assert sum(c.questions for c in by_document.values()) == total.questions == len(entries)
    text = seedmap.map_path().read_text(encoding="utf-8")
    assert f"| all | {total.questions} | {total.code} | {total.quiz} | {total.not_covered} |" in text


def _tiny_bank(tmp_path):
    """A bank of the TINY_SEEDS exercises (their metadata only), with the tiny catalog."""
    root = tmp_path / "bank"
    for ex_id, seeds in TINY_SEEDS.items():
        (root / "exercises" / ex_id).mkdir(parents=True)
        toml = (bank.bank_root() / "exercises" / ex_id / "exercise.toml").read_text(encoding="utf-8")
        toml, n = re.subn(r"^seeds = \[[^\]]*\]", f"seeds = {json.dumps(list(seeds))}", toml, flags=re.M)
        assert n == 1
        (root / "exercises" / ex_id / "exercise.toml").write_text(toml, encoding="utf-8")
    return root


def test_prep_map_prints_the_counts(tmp_path, monkeypatch):
    root = _tiny_bank(tmp_path)
    monkeypatch.setenv("PREP_BANK", str(root))
    monkeypatch.setenv("PREP_CATALOG", str(_tiny_catalog(tmp_path)))
    path = root / "docs" / "seed-map.md"
    counts = ("5 catalog questions: 2 practised by code, 2 only quizzed, 1 not covered\n"
              "by seed document (practised by code/only quizzed): 000 2/1, 001 0/1\n")

    result = CliRunner().invoke(cli.cli, ["map"], catch_exceptions=False)
    assert (result.exit_code, result.output) == (0, f"wrote {path}\n" + counts)
    assert "| all | 5 | 2 | 2 | 1 |" in path.read_text(encoding="utf-8")
    result = CliRunner().invoke(cli.cli, ["map"], catch_exceptions=False)
    assert (result.exit_code, result.output) == (0, f"{path} is up to date\n" + counts)
    result = CliRunner().invoke(cli.cli, ["map", "--check"], catch_exceptions=False)
    assert (result.exit_code, result.output) == (0, f"{path} is up to date\n")
