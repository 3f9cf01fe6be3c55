"""Clause maps: every behaviour a task states, tied to the graders that fail without it.

An exercise's ``[[clauses]]`` quote its prompt (``says``) and name the graders that would fail if
that behaviour were violated; ``context`` quotes the sentences that state no gradable behaviour
(background, the interview question's story). ``problems`` lists what is wrong with a map: a
quote that is not in the prompt, a grader that serves no clause, a sentence of the prompt that no
clause or context covers. The test suite runs it on every exercise, so a task sentence cannot be
added, or a grader dropped, without the map following.
"""

from __future__ import annotations

import re

from grader.bank import Exercise

_BULLET = re.compile(r"^\s*(?:[*-]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z`*(\[\"'])")


def normalize(text: str) -> str:
    return " ".join(text.split())


def sentences(prompt: str) -> list[str]:
    """The prompt split into sentences: paragraphs and bullet items first, then sentence ends."""
    blocks: list[str] = []
    current: list[str] = []
    in_code = False
    for line in prompt.splitlines():
        if line.strip().startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        if not line.strip() or _BULLET.match(line):
            if current:
                blocks.append(" ".join(current))
            current = [] if not line.strip() else [_BULLET.sub("", line)]
        else:
            current.append(line.strip())
    if current:
        blocks.append(" ".join(current))
    out: list[str] = []
    for block in blocks:
        out += [normalize(s) for s in _SENTENCE_END.split(normalize(block)) if normalize(s)]
    return out


def _covered(sentence: str, fragments: list[str]) -> bool:
    s = sentence.rstrip(".:;")
    return any(f.rstrip(".:;") in s or s in f for f in fragments)


def problems(ex: Exercise) -> list[str]:
    """What is wrong with the exercise's clause map (empty when it is complete)."""
    found: list[str] = []
    prompt = normalize(ex.prompt_en)
    if not ex.clauses:
        return [f"{ex.id}: no [[clauses]]: map each behaviour the task states to the graders that check it"]
    for i, clause in enumerate(ex.clauses):
        if clause.says not in prompt:
            found.append(f"{ex.id}: clauses[{i}].says is not quoted from the prompt: {clause.says[:80]!r}")
    for i, fragment in enumerate(ex.context):
        if fragment not in prompt:
            found.append(f"{ex.id}: context[{i}] is not quoted from the prompt: {fragment[:80]!r}")
    served = {g for c in ex.clauses for g in c.graders}
    for grader in ex.points:
        if grader not in served:
            found.append(f"{ex.id}: grader {grader} serves no clause: say which sentence of the task it checks")
    fragments = [c.says for c in ex.clauses] + list(ex.context)
    for sentence in sentences(ex.prompt_en):
        if not _covered(sentence, fragments):
            found.append(f"{ex.id}: no clause or context covers: {sentence[:100]!r}")
    return found


def table(ex: Exercise) -> list[tuple[str, tuple[str, ...]]]:
    """(clause, graders) rows, for authors and docs."""
    return [(c.says, c.graders) for c in ex.clauses]
