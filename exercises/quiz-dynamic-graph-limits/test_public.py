"""Public grader for quiz-dynamic-graph-limits: every item answered, in the right form (the values are graded hidden)."""

from grader.judge.checks import CheckFailure

KINDS = {"q1": "choice", "q2": "bool", "q3": "bool", "q4": "choice", "q5": "choice", "q6": "choice", "q7": "bool",
         "q8": "choice", "q9": "bool", "q10": "bool", "q11": "bool"}


def test_answers_well_formed(learner):
    """ANSWERS has every item: a letter a-d for multiple choice, True/False, or a number."""
    answers = learner.get("ANSWERS")
    if not isinstance(answers, dict):
        raise CheckFailure("ANSWERS must be a dict", f"received {answers!r:.80}")
    problems = []
    for item, kind in KINDS.items():
        given = answers.get(item)
        if kind == "choice" and not (isinstance(given, str) and given.strip().lower().rstrip(")") in "abcd"
                                     and given.strip()):
            problems.append(f"{item} needs a letter a-d")
        elif kind == "bool" and not isinstance(given, bool):
            problems.append(f"{item} needs True or False")
        elif kind == "number" and (isinstance(given, bool) or not isinstance(given, (int, float))):
            problems.append(f"{item} needs a number")
    if problems:
        raise CheckFailure(f"{len(problems)} item(s) not answered in the right form", "; ".join(problems))
