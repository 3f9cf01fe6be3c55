"""Two languages for learners. No torch here.

Every exercise has two texts in ``exercise.toml``: ``question.zh``, the interview question as the bank
has it (Chinese), and ``question.en``, the task (English, the exact contract). Their translations
live beside it, in ``exercises/<id>/i18n.toml`` (read by ``grader.bank``)::

    question_zh_sha256 = "..."   # sha256 of question.zh, whitespace-normalized: what [question] en translates
    task_en_sha256 = "..."       # sha256 of question.en, whitespace-normalized: what [task] zh translates

    [question]
    en = \"\"\"question.zh in English\"\"\"

    [task]
    zh = \"\"\"question.en in Chinese\"\"\"

A translation whose hash no longer matches its source is *stale*: the bank keeps it out of every
learner-facing text (an out-of-date task could state another contract) and ``tests/test_i18n.py``
fails until it is redone (``prep i18n ID`` prints the hashes to paste).

The learner chooses a language with ``--lang en|zh|both`` or ``PREP_LANG``. Without ``--lang`` the
interview question is shown in both languages (the original and its translation) and everything
else (the task, headings, fixed phrases) in ``PREP_LANG``, else English. ``PHRASES`` holds the fixed
phrases of ``prep check``, ``prep show`` and the generated README and notebook, in both languages.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping

LANGS = ("en", "zh", "both")
ENV = "PREP_LANG"
FILE = "i18n.toml"


class LanguageError(ValueError):
    """An unknown language in --lang or PREP_LANG; the message says which ones exist."""


@dataclass(frozen=True)
class Lang:
    """The learner's choice: ``question`` for the interview question, ``text`` for everything else."""

    question: str = "both"
    text: str = "en"


def checked(lang: str, where: str = "--lang") -> str:
    if lang not in LANGS:
        raise LanguageError(f"{where} is {lang!r}: use one of {', '.join(LANGS)}")
    return lang


def text_lang(flag: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language of the task, headings and fixed phrases: ``flag``, else $PREP_LANG, else English."""
    if flag:
        return checked(flag)
    env = (os.environ if environ is None else environ).get(ENV, "").strip()
    return checked(env, ENV) if env else "en"


def choose(flag: str | None = None, environ: Mapping[str, str] | None = None) -> Lang:
    """``--lang`` sets both parts; without it the question comes in both languages, the rest in $PREP_LANG or en."""
    text = text_lang(flag, environ)
    return Lang(flag if flag else "both", text)


# ---------------------------------------------------------------- the hashes that keep translations fresh


def normalized(text: str) -> str:
    """``text`` with every run of whitespace made one space, and none at the ends (TOML layout does not count)."""
    return " ".join(text.split())


def digest(text: str) -> str:
    """The sha256 a translation records of its source text."""
    return hashlib.sha256(normalized(text).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- phrases

# key -> (English, Chinese); ``{name}`` fields are filled by say().
PHRASES: dict[str, tuple[str, str]] = {
    # prep check (grader/feedback.py) and the notebook's check (grader/jupyter/render.py)
    "points": ("{score}/{max} points", "{score}/{max} 分"),
    "run": ("{submission}, seed {seed}, {seconds} s", "{submission}，随机种子 {seed}，{seconds} 秒"),
    "graded": ("graded {file}: {why}", "评分的文件 {file}：{why}"),
    "status.not_gradable": ("not gradable", "无法评分"),
    "status.timeout": ("timeout", "超时"),
    "status.memory_limit": ("memory limit", "超出内存限制"),
    "status.crashed": ("crashed", "进程崩溃"),
    "status.error": ("error", "出错"),
    "mark.passed": ("pass", "通过"),
    "mark.failed": ("FAIL", "未通过"),
    "mark.error": ("ERROR", "出错"),
    "hidden": ("hidden", "隐藏"),
    "public": ("public", "公开"),
    "nothing_ran": ("none of the {graders} ran ({points} points): fix that, then check again",
                    "{n} 个评分项一个都没有运行（共 {points} 分）：先解决这个问题，再检查一次"),
    "not_implemented": ("not implemented yet: fill in the parts marked `raise NotImplementedError`",
                        "尚未实现：请补全标有 `raise NotImplementedError` 的部分"),
    "waiting": ("{waiting} of {graders} wait for it ({public} public, {hidden} hidden; {points} points)",
                "{n} 个评分项中有 {waiting} 个在等它（公开 {public} 个，隐藏 {hidden} 个；共 {points} 分）"),
    "ran_on": ("ran on: {devices}; skipped: {skipped}", "运行的设备：{devices}；跳过：{skipped}"),
    "full_marks": ("Full marks.", "满分。"),
    "see_reference": ("`prep solution {id}` shows the reference solution.", "`prep solution {id}` 可查看参考答案。"),
    "what_next": ("`prep next` picks what comes next.", "`prep next` 会选出下一题。"),
    "not_there_yet": ("Not there yet. `prep hint {id}` gives a hint; rerun with --seed {seed} to get the same inputs.",
                      "还没全对。`prep hint {id}` 给出提示；加上 --seed {seed} 重新运行可得到相同的输入。"),
    # the notebook's check (grader/jupyter/render.py)
    "nb.full_marks_exam": ("Full marks. `prep next` in a terminal picks what comes next.",
                           "满分。在终端中运行 `prep next` 会选出下一题。"),
    "nb.full_marks": ("Full marks. `%prep solution {id}` shows the reference solution.",
                      "满分。`%prep solution {id}` 可查看参考答案。"),
    "nb.not_graded": ("Fix what the message says, run the answer cell, then this cell again.",
                      "按提示信息修改，运行答案单元格，然后再运行这个单元格。"),
    "nb.not_there_yet": ("Not there yet: edit an answer cell, run it, then run this cell again.",
                         "还没全对：修改答案单元格并运行它，然后再运行这个单元格。"),
    "nb.more_hint": (" `%prep hint {id}` shows hint {level}.", "`%prep hint {id}` 会显示第 {level} 条提示。"),
    "nb.locked": ("locked until {n} failed check{s} (you have {have})", "检查未通过 {n} 次后解锁（目前 {have} 次）"),
    "nb.seen": ("seen", "已看过"),
    "nb.unlocked": ("unlocked", "已解锁"),
    "nb.hint": ("hint {level}: {state}", "提示 {level}：{state}"),
    "nb.hints": ("Hints ({command} shows the next unlocked one):", "提示（{command} 显示下一条已解锁的提示）："),
    "nb.graded": ("Graded:", "评分的内容："),
    "nb.meta": ("seed {seed}, {seconds} s", "随机种子 {seed}，{seconds} 秒"),
    "nb.ran_on": (", ran on {devices}", "，运行设备：{devices}"),
    "col.grader": ("grader", "评分项"),
    "col.points": ("points", "得分"),
    "col.feedback": ("feedback", "反馈"),
    "origin.kernel": ("run in this kernel", "在这个内核中运行的"),
    "origin.saved": ("saved notebook", "保存的 notebook"),
    "origin.original": ("original (not run, not saved)", "原始版本（未运行，未保存）"),
    # which file prep check graded, and why (grader/api.py)
    "copy.here": ("your copy in this folder", "你在当前文件夹中的副本"),
    "copy.sub": ("your copy in ./{id}", "你在 ./{id} 中的副本"),
    "copy.beside": ("your copy beside this folder", "你在相邻文件夹中的副本"),
    "copy.last": ("your copy where you last fetched it", "你上次 fetch 到的副本"),
    "pick.untouched": ("not edited yet", "尚未编辑"),
    "pick.untouched_both": ("not edited yet (nor {other}); fetch said to edit the .py",
                            "尚未编辑（{other} 也没有）；fetch 时建议编辑的是 .py"),
    "pick.only": ("the only file to grade there", "那里唯一可评分的文件"),
    "pick.saved_after": ("saved after {other}", "保存时间晚于 {other}"),
    "pick.edited": ("the one you edited ({other} is as fetched)", "你编辑过的那个（{other} 仍是 fetch 时的样子）"),
    # prep show, the README and the notebook (cli.py, grader/authoring.py)
    "kind.code": ("code", "编写代码"),
    "kind.fix-bug": ("fix-bug", "修复 bug"),
    "kind.quiz": ("quiz", "测验"),
    "difficulty.easy": ("easy", "简单"),
    "difficulty.medium": ("medium", "中等"),
    "difficulty.hard": ("hard", "困难"),
    "minutes": ("about {n} min", "约 {n} 分钟"),
    "show.head": ("{title}  [{id}: {kind}, {difficulty}, {minutes}]", "{title}  [{id}：{kind}，{difficulty}，{minutes}]"),
    "show.question": ("The interview question, {origin}; topics: {topics}", "面试题，{origin}；主题：{topics}"),
    "show.tail": ("{graders}. Hints: {hints}. Start with: prep fetch {id}",
                  "{graders}。提示：{hints} 条。从这里开始：prep fetch {id}"),
    "question.translation": ("In English:", "英文译文："),
    "question.untranslated": ("(not translated into English yet: the original question)", "（尚无英文译文，以下为原题）"),
    "task.untranslated": ("(no Chinese translation of this task yet: here it is in English)",
                          "（本题任务尚无中文译文，以下为英文原文）"),
    "readme.id": ("id: `{id}`", "编号：`{id}`"),
    "readme.kind": ("kind: {kind}", "类型：{kind}"),
    "readme.difficulty": ("difficulty: {difficulty}", "难度：{difficulty}"),
    "readme.time": ("time budget: {minutes}", "建议用时：{minutes}"),
    "readme.topics": ("topics: {topics}", "主题：{topics}"),
    "readme.question": ("The interview question", "面试题"),
    "readme.task": ("Your task", "你的任务"),
    "readme.working": ("Working on it", "动手做"),
    "readme.working.text": (
        "Edit `{id}.py` (or `{id}.ipynb` in Jupyter), then run `prep check {id}`.\n"
        "In Jupyter, `%prep check {id}` (the notebook's last cell, or any cell: the first one loads prep) "
        "grades the answer cells you ran, without saving; `prep watch {id}` re-checks on every save.\n"
        "`test_public.py` holds the public graders; hidden graders run too, on random inputs chosen per run. "
        "`pytest` in this folder runs the public graders through prep's judge (see conftest.py).\n"
        "Leave the tensors, lists and dicts your code is given as they were, unless the task says to change them "
        "in place: every check fails a call that writes into them. Leave torch's process-wide settings as you "
        "found them too (grad mode, default dtype, anomaly detection, autocast): change one only inside a `with` "
        "block.\n"
        "{hints} hint(s), one more unlocked after each failed check: `prep hint {id}`. After a pass, "
        "`prep solution {id}` shows the reference.",
        "编辑 `{id}.py`（或在 Jupyter 中编辑 `{id}.ipynb`），然后运行 `prep check {id}`。\n"
        "在 Jupyter 中，`%prep check {id}`（notebook 的最后一个单元格，或任意单元格：第一个单元格已加载 prep）"
        "会对你运行过的答案单元格评分，无需保存；`prep watch {id}` 在每次保存时重新检查。\n"
        "`test_public.py` 中是公开的评分项；隐藏的评分项也会运行，输入在每次运行时随机选取。"
        "在本文件夹中运行 `pytest` 会通过 prep 的评判进程运行公开评分项（见 conftest.py）。\n"
        "除非题目要求原地修改，否则不要改动传给你的代码的张量、列表和字典：任何一次调用写入了它们，该项检查即不通过。"
        "torch 的全局设置（梯度模式、默认 dtype、异常检测、autocast）也要保持原样：只在 `with` 块内修改。\n"
        "共 {hints} 条提示，每次检查未通过后解锁一条：`prep hint {id}`。通过后，`prep solution {id}` 可查看参考答案。"),
    "notebook.check_work": ("Check your work: `prep check {id}`. Stuck? `prep hint {id}`.",
                            "检查你的答案：`prep check {id}`。卡住了？`prep hint {id}`。"),
    "notebook.check": ("Check", "检查"),
    "notebook.check.text": (
        "Run the cell below (or `%prep check {id}` in any cell: the first cell loaded prep). It grades your "
        "answer cells as you last ran them in this kernel (so run a cell after editing it; saving is not needed), "
        "in a separate process, with the same graders as `prep check`. From a terminal, "
        "`prep check {id} --file {id}.ipynb` grades the saved notebook. Only the answer cells are graded; the "
        "other cells are taken from the original exercise.",
        "运行下面的单元格（或在任意单元格中运行 `%prep check {id}`：第一个单元格已加载 prep）。它按你在这个内核中"
        "最后一次运行的样子对答案单元格评分（所以编辑单元格后要运行它；不必保存），评分在另一个进程中进行，"
        "评分项与 `prep check` 相同。在终端中，`prep check {id} --file {id}.ipynb` 对保存的 notebook 评分。"
        "只有答案单元格参与评分；其余单元格取自原始练习。"),
    "sample_answer": ("\"The sample answer\" is the answer that came with the question in the bank: "
                      "this exercise makes you fix or avoid its mistakes.",
                      "“示例答案”是题库中随题目给出的答案：本题要你修正或避开其中的错误。"),
}


def say(key: str, lang: str, *, sep: str = " / ", **fields: Any) -> str:
    """The phrase ``key`` in ``lang``; ``both`` joins the English and the Chinese with ``sep``."""
    en, zh = PHRASES[key]
    if lang == "en":
        return en.format(**fields)
    if lang == "zh":
        return zh.format(**fields)
    return en.format(**fields) + sep + zh.format(**fields)


def each(lang: str) -> tuple[str, ...]:
    """The languages ``lang`` stands for, in the order they are shown: ("en",), ("zh",) or ("en", "zh")."""
    return ("en", "zh") if lang == "both" else (lang,)


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def ljust(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))
