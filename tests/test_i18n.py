"""Two languages: every exercise translated and fresh, and the learner's --lang / PREP_LANG honoured.

The interview questions come from a Chinese bank and the tasks are written in English; each
exercise's i18n.toml holds the other language of both, with the hash of the text it translates
(grader/i18n.py). A translation of an older text is never shown: it could state another contract.
"""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from grader import authoring, bank, i18n

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("exercise", bank.load_all(), ids=lambda e: e.id)
def test_every_exercise_has_fresh_translations(exercise):
    assert exercise.i18n_path.is_file(), f"no {exercise.i18n_path.name}: translate it (grader/i18n.py says how)"
    assert not exercise.stale_translations, (
        f"{exercise.id}: {', '.join(exercise.stale_translations)} translate(s) an older text; translate it again "
        f"and paste the hashes `prep i18n {exercise.id}` prints")
    assert exercise.question_en and not HAN.search(exercise.question_en), "question.en must be English"
    assert HAN.search(exercise.task_zh), "task.zh must be Chinese"


def test_the_hash_ignores_layout_but_not_words():
    assert i18n.digest("a  b\n c ") == i18n.digest("a b c")
    assert i18n.digest("a b c") != i18n.digest("a b d")


def _copy_bank(tmp_path, exercise_id: str):
    root = tmp_path / "bank"
    (root / "exercises").mkdir(parents=True)
    (root / "solutions").mkdir()
    shutil.copytree(bank.bank_root() / "exercises" / exercise_id, root / "exercises" / exercise_id)
    shutil.copy(bank.bank_root() / "solutions" / f"{exercise_id}.py", root / "solutions")
    return root


def test_a_translation_of_an_older_task_is_kept_out_of_every_text(tmp_path):
    root = _copy_bank(tmp_path, "autograd-mul")
    fresh = bank.load("autograd-mul", root)
    toml = root / "exercises" / "autograd-mul" / "exercise.toml"
    text = toml.read_text(encoding="utf-8")
    assert "equals `x * y`" in text
    toml.write_text(text.replace("equals `x * y`", "equals `x + y`", 1), encoding="utf-8")

    changed = bank.load("autograd-mul", root)
    assert changed.stale_translations == ("task.zh",)
    assert changed.task_zh == "" and changed.question_en == fresh.question_en
    readme = authoring.generate_readme(changed, i18n.Lang("both", "zh"))
    assert fresh.task_zh.splitlines()[0] not in readme
    assert i18n.say("task.untranslated", "zh") in readme  # says why the task is in English
    assert "equals `x + y`" in readme


def test_a_malformed_translation_names_the_file_and_field(tmp_path):
    root = _copy_bank(tmp_path, "autograd-mul")
    path = root / "exercises" / "autograd-mul" / "i18n.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("task_en_sha256", "task_sha256"), encoding="utf-8")
    with pytest.raises(bank.ExerciseFormatError, match=r"i18n\.toml: field 'task_sha256': is not part of"):
        bank.load("autograd-mul", root)


def _cli(*args, env=None):
    from cli import cli

    return CliRunner().invoke(cli, list(args), env=env or {}, catch_exceptions=False)


def test_show_in_each_language():
    ex = bank.load("grad-clipping")
    first_task_line = ex.prompt_en.split("\n")[0]
    zh = _cli("show", "grad-clipping", "--lang", "zh")
    assert zh.exit_code == 0, zh.output
    assert ex.task_zh.splitlines()[0] in zh.output and first_task_line not in zh.output
    en = _cli("show", "grad-clipping", "--lang", "en")
    assert first_task_line in en.output and ex.task_zh.splitlines()[0] not in en.output
    assert ex.question_en.splitlines()[0] in en.output
    from_env = _cli("show", "grad-clipping", env={"PREP_LANG": "zh"})
    assert ex.task_zh.splitlines()[0] in from_env.output
    # without --lang the original question and its translation both come
    assert ex.question_zh.splitlines()[0][:20] in from_env.output and ex.question_en.splitlines()[0] in from_env.output


def test_an_unknown_language_is_one_line_that_says_which_exist():
    bad = _cli("show", "grad-clipping", env={"PREP_LANG": "fr"})
    assert bad.exit_code != 0
    assert bad.output.strip().splitlines() == ["Error: PREP_LANG is 'fr': use one of en, zh, both"]
    assert _cli("show", "grad-clipping", "--lang", "fr").exit_code == 2


def test_fetch_writes_the_learner_s_language_and_keeps_the_code(tmp_path):
    ex = bank.load("grad-clipping")
    zh_dir, en_dir = tmp_path / "zh", tmp_path / "en"
    assert _cli("fetch", "grad-clipping", "--dir", str(zh_dir), "--lang", "zh").exit_code == 0
    assert _cli("fetch", "grad-clipping", "--dir", str(en_dir), "--lang", "en").exit_code == 0
    zh_readme = (zh_dir / "README.md").read_text(encoding="utf-8")
    en_readme = (en_dir / "README.md").read_text(encoding="utf-8")
    assert ex.task_zh.splitlines()[0] in zh_readme and ex.task_zh.splitlines()[0] not in en_readme
    assert "## " + i18n.say("readme.task", "zh") in zh_readme and "## Your task" in en_readme

    def code(path):  # the stub without its comment header: the same code in every language
        return [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]

    assert code(zh_dir / "grad-clipping.py") == code(en_dir / "grad-clipping.py")
    assert (zh_dir / "test_public.py").read_bytes() == (en_dir / "test_public.py").read_bytes()


def test_prep_i18n_prints_the_hashes_to_paste_and_the_state(tmp_path):
    ex = bank.load("grad-clipping")
    out = _cli("i18n", "grad-clipping")
    assert out.exit_code == 0
    assert out.output == (f"# grad-clipping: fresh\nquestion_zh_sha256 = \"{i18n.digest(ex.question_zh)}\"\n"
                          f"task_en_sha256 = \"{i18n.digest(ex.prompt_en)}\"\n")
    root = _copy_bank(tmp_path, "autograd-mul")
    toml = root / "exercises" / "autograd-mul" / "exercise.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("equals `x * y`", "equals `x + y`", 1), encoding="utf-8")
    stale = _cli("i18n", "autograd-mul", env={"PREP_BANK": str(root)})
    assert stale.output.splitlines()[0] == "# autograd-mul: stale: task.zh"
    (root / "exercises" / "autograd-mul" / "i18n.toml").unlink()
    assert _cli("i18n", "autograd-mul", env={"PREP_BANK": str(root)}).output.splitlines()[0] == "# autograd-mul: missing"
