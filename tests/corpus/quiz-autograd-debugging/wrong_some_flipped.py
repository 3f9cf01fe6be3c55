"""Gets a third of the true/false items backwards."""

ANSWERS = {
    "q1": "a",
    "q2": "b",
    "q3": True,
    "q4": 30.0,
    "q5": True,
    "q6": True,
    "q7": "b",
    "q8": False,
    "q9": False,
    "q10": False,
}
