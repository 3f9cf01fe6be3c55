"""The concept quizzes' proof registry: every item of every quiz's ANSWERS is proven on the installed torch.

A proof is a test in the fact module of the quiz's learning track (tests/test_track{1,2,3}_quiz_facts.py), decorated
with ``@proves(quiz, *items)`` (stack the decorator when one experiment settles items of several quizzes). The test
runs the claim and *returns what torch showed*: the answer itself when it proves one item, else a dict from item
(or ``(quiz, item)`` across quizzes) to answer. The decorator compares each shown answer with the reference ANSWERS
(solutions/<quiz>.py) and with the graders' KEY (exercises/<quiz>/test_hidden.py), so a proof fails as soon as a key
changes without it, and a key cannot be right by accident.

A claim that no code can settle on a CPU-only machine (a CUDA behaviour, a recommendation of the docs) is proven by
``cited(url, quote, obj)``: the quote and its page are written in the test, the quote is checked against ``obj``'s
docstring on the installed torch (the API pages are generated from the docstrings), and the test asserts what can be
asserted (the API exists, has that signature). A quote from a notes page, which no docstring carries, is cited with
``obj=None`` and must come with such assertions.

tests/test_quiz_proofs.py fails for any quiz item without a proof, and for a proof of an item that does not exist.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import re
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
FACT_MODULES = ("tests.test_track1_quiz_facts", "tests.test_track2_quiz_facts", "tests.test_track3_quiz_facts")

# (quiz, item) -> the proofs' names, "module.function"
PROOFS: dict[tuple[str, str], list[str]] = {}


@functools.cache
def answers(quiz: str) -> dict:
    """The reference ANSWERS of solutions/<quiz>.py."""
    namespace: dict = {}
    exec(compile((ROOT / "solutions" / f"{quiz}.py").read_text(), f"solutions/{quiz}.py", "exec"), namespace)
    return namespace["ANSWERS"]


@functools.cache
def key(quiz: str) -> dict:
    """The graders' KEY of exercises/<quiz>/test_hidden.py: item -> (kind, answer, explanation)."""
    path = ROOT / "exercises" / quiz / "test_hidden.py"
    spec = importlib.util.spec_from_file_location(f"quiz_key_{quiz.replace('-', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.KEY)


def same(shown: Any, expected: Any) -> bool:
    """The same answer: a bool is only a bool, numbers agree to 1e-9, letters exactly."""
    if isinstance(shown, bool) or isinstance(expected, bool):
        return shown is expected
    if isinstance(shown, (int, float)) and isinstance(expected, (int, float)):
        return math.isclose(shown, expected, rel_tol=1e-9, abs_tol=1e-12)
    return type(shown) is type(expected) and shown == expected


def check_shown(claims: list[tuple[str, str]], shown: Any, proof: str) -> None:
    """Compare what a proof showed with the reference ANSWERS and the graders' KEY of every item it claims."""
    quizzes = {quiz for quiz, _ in claims}
    if isinstance(shown, dict):
        values = {(k if isinstance(k, tuple) else (next(iter(quizzes)), k)): v for k, v in shown.items()}
        if len(quizzes) > 1:
            assert all(isinstance(k, tuple) for k in shown), f"{proof}: key the answers by (quiz, item)"
    else:
        assert len(claims) == 1, f"{proof} proves {claims}: return a dict with one answer per item"
        values = {claims[0]: shown}
    assert set(values) == set(claims), f"{proof} claims {sorted(claims)} but shows {sorted(values)}"
    for (quiz, item), value in values.items():
        reference = answers(quiz).get(item)
        graded = key(quiz)[item][1] if item in key(quiz) else None
        assert same(value, reference), f"{quiz} {item}: torch shows {value!r}, the reference ANSWERS say {reference!r}"
        assert same(value, graded), f"{quiz} {item}: torch shows {value!r}, the graders' KEY says {graded!r}"


def proves(quiz: str, *items: str) -> Callable:
    """Register the decorated test as the proof of ``items`` of ``quiz``, and check what it returns against the keys."""
    assert items, "name the items the test proves"

    def register(fn: Callable) -> Callable:
        if hasattr(fn, "quiz_claims"):  # stacked: one test proving items of several quizzes
            wrapper = fn
        else:
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                check_shown(wrapper.quiz_claims, fn(*args, **kwargs), f"{fn.__module__}.{fn.__name__}")

            wrapper.quiz_claims = []
        for item in items:
            wrapper.quiz_claims.append((quiz, item))
            PROOFS.setdefault((quiz, item), []).append(f"{wrapper.__module__}.{wrapper.__name__}")
        return wrapper

    return register


def normalize(text: str | None) -> str:
    """Docstring text with reST markup dropped and whitespace collapsed, for quoting."""
    text = re.sub(r":\w+:`~?([^`]*)`", r"\1", text or "")  # :func:`~torch.x` -> torch.x
    return " ".join(text.replace("`", "").split())


def cited(url: str, quote: str, obj: Any = None) -> str:
    """A line of the torch docs: ``quote`` from the page at ``url``, checked in ``obj``'s docstring when given."""
    assert url.startswith("https://docs.pytorch.org/"), url
    if obj is not None:
        assert normalize(quote) in normalize(obj.__doc__), f"{url}: {quote!r} is not in {obj!r}'s docstring any more"
    return quote
