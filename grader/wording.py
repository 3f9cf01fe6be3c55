"""Words for learners. No torch here.

The bank's authors say "seed" for a question of the interview question bank and for the
answer that came with it ("the seed's answer gets this wrong"), and "seeds: 000-02" for the
questions an exercise covers. A learner never sees the bank under that name, so learner-facing
text (``prep show``, the generated README and notebook headers, quiz explanations) says "the
sample answer" and "from question 000-02 of the bank" instead. A random seed (``seed=0``,
``manual_seed``, "the same seed gives the same values") keeps its name.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

SAMPLE_ANSWER_NOTE = ("\"The sample answer\" is the answer that came with the question in the bank: "
                      "this exercise makes you fix or avoid its mistakes.")

# (pattern, replacement), applied in order; the first letter's case is kept by the patterns.
_SEED_WORDS = [
    (re.compile(r"\b([Tt])he seeds'"), r"\1he sample answers'"),
    (re.compile(r"\b([Tt])he seed's answers?\b"), r"\1he sample answer"),
    (re.compile(r"\b([Tt])he seed's\b"), r"\1he sample answer's"),
    (re.compile(r"\b([Tt])he seeds\b"), r"\1he sample answers"),
    (re.compile(r"\b([Tt])he seed\b(?![-_=(`])"), r"\1he sample answer"),
    (re.compile(r"\bseed answers\b"), "sample answers"),
    (re.compile(r"\bseed answer\b"), "sample answer"),
    (re.compile(r"\bseed's\b"), "sample answer's"),
    (re.compile(r"\bseeds'"), "sample answers'"),
    (re.compile(r"\b([Ss])eed (explains|calls|claims|code|question)\b"), r"the sample answer \2"),
]


def for_learner(text: str) -> str:
    """``text`` with the authors' "seed" (a question of the bank and its answer) in learner words."""
    for pattern, replacement in _SEED_WORDS:
        text = pattern.sub(replacement, text)
    return text


def from_questions(seeds: Iterable[str], lang: str = "en") -> str:
    """``from question 000-02 of the bank``, ``from questions 000-02, 000-17 and 000-25 of the bank``;
    in Chinese ``出自题库第 000-02、000-17 和 000-25 题``; ``both``: the two, joined by " / "."""
    ids = list(seeds)
    if not ids:
        return ""
    if lang == "both":
        return f"{from_questions(ids)} / {from_questions(ids, 'zh')}"
    if lang == "zh":
        listed = ids[0] if len(ids) == 1 else f"{'、'.join(ids[:-1])} 和 {ids[-1]}"
        return f"出自题库第 {listed} 题"
    if len(ids) == 1:
        return f"from question {ids[0]} of the bank"
    return f"from questions {', '.join(ids[:-1])} and {ids[-1]} of the bank"


def hidden_graders(ex: Any) -> set[str]:
    """The graders (names in ``points``) defined in the hidden file: a text scan, nothing imported."""
    path = ex.hidden_graders
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return {name for name in ex.points if f"def {name.split('[', 1)[0]}(" in text}


def graders_summary(ex: Any, lang: str = "en") -> str:
    """``10 graders for 16 points: 2 public (test_public.py), 8 hidden (random inputs, chosen per run)``
    (``lang`` zh: the same in Chinese)."""
    hidden = len(hidden_graders(ex))
    public = len(ex.points) - hidden
    total = len(ex.points)
    if lang == "zh":
        return (f"共 {total} 个评分项，{ex.max_score:g} 分：公开 {public} 个（test_public.py），"
                f"隐藏 {hidden} 个（随机输入，每次运行时选取）")
    return (f"{total} grader{'' if total == 1 else 's'} for {ex.max_score:g} points: {public} public "
            f"(test_public.py), {hidden} hidden (random inputs, chosen per run)")


def duration(seconds: float) -> str:
    """A time span in the unit that suits it: ``40 s``, ``12 min``, ``2 h 05 min``, ``3 days``."""
    seconds = max(0.0, seconds)
    if seconds < 59.5:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest:02d} min" if rest else f"{hours} h"
    days = round(seconds / 86400)
    return f"{days} day" + ("" if days == 1 else "s")
